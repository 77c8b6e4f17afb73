"""The diagram of one flowchart figure: a QGraphicsScene laid out from its decision graph.

Layout, top-down like the paper's figures: a tree is taken from the graph by a depth-first walk
from the start node; every subtree gets a column as wide as its leaves need, a node is centred
over its children and sits under its parent, so subtrees never share columns and boxes never
overlap. Edges are orthogonal arrows; each option of a question is a chip on the edge it labels.
A start box that only leads on to a question (Fig. 2's second-line ASCT, "evaluated alongside
every column") is drawn beside that question as a side box.

The scene is built once per figure. :meth:`FlowScene.apply` styles it for an evaluation by
changing pens, brushes, marks and opacity only, never rebuilding, so highlighting stays well
within a frame.

Sizes follow the application's body text: the diagram's fonts are set relative to the base
(unscaled) body size — questions, regimen names, evidence tags and answers at the body size or
larger, the small capitals (tier, caption, status pill) at 80–85 % of it — and every width and
height is derived from them, so a zoom of 1.0 × the text scale draws the diagram at the size of
the body text (:func:`legible_zoom`). The keyboard focus is drawn by the view over the item at
full opacity (:meth:`FlowScene.focus_rect`), so a faded item shows it too.

Every state is written as well as coloured: badges print the evidence tag as printed, boxes
print "on path" / "possible" / "not applicable", and each regimen carries its status as a glyph
and words ("✓ APPLIES", "↓ FALLBACK", "✕ NOT AVAILABLE", …, :mod:`app.ui.flow_status`) with a
border style of its own, beside its tier label. Its tooltip gives the reason. Colours come from
the theme (:data:`app.ui.theme.FLOW_PALETTES`) and follow a theme change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from app.core.evidence import evidence_from_short
from app.core.flowchart.model import Figure, Option, QuestionNode, RecItem, RecommendationNode
from app.services.flow_steps import chosen_option
from app.ui.flow_status import GLYPH, LINE_STYLE, MEANING, NOT_OFFERED, STATUSES, badge_text, reason_text
from app.ui.local_note import MARK, MARK_WORDS, NO_MARKS, LocalMarks
from app.ui.theme import FLOW_LIGHT, FlowColours, current_local_colours
from app.ui.widgets import GRADE_COLOURS

# ------------------------------------------------------------------------------- palette
NOT_OFFERED_BADGE_OPACITY = 0.55
PEN_STYLE = {"solid": Qt.PenStyle.SolidLine, "dash": Qt.PenStyle.DashLine, "dot": Qt.PenStyle.DotLine}


def grade_colours(grade: str | None) -> tuple[str, str, str]:
    """(tint, ink, band) of an evidence badge: the app's one badge table (:data:`app.ui.widgets.GRADE_COLOURS`).

    Badges carry their own light tint and dark ink in every theme, as everywhere else in the app.
    """
    return GRADE_COLOURS.get(grade or "PC", GRADE_COLOURS["PC"])


TIER_TEXT = {
    "preferred": "PREFERRED",
    "other": "OTHER OPTION",
    "if-unavailable": "IF UNAVAILABLE",
    "conditional": "CONDITIONAL",
}

# ------------------------------------------------------------------------------- geometry
# widths at a 9 pt base font; they grow with the base font (:attr:`Fonts.unit`)
QUESTION_WIDTH = 240.0
REC_WIDTH = 290.0
SIDE_WIDTH = 290.0
PAD = 9.0
H_GAP = 34.0
REC_V_GAP = 34.0
BUS_DROP = 22.0
CHIP_MARGIN = 12.0
CHIP_MAX_WIDTH = 210.0
CHIP_STACK_GAP = 6.0
ENTRY_GAP = 5.0
REFERENCE_POINT_SIZE = 9.0
#: the fonts of the diagram relative to the base body size: (ratio, bold, italic)
FONT_RATIOS = {
    "caption": (0.8, True, False),
    "title": (1.07, True, False),
    "body": (1.0, False, True),
    "name": (1.07, True, False),
    "badge": (1.0, False, False),
    "tier": (0.85, True, False),
    "chip": (1.0, False, False),
}
#: text the step of reading rests on: drawn at the body size or larger at the legible zoom
PRIMARY_FONTS = ("title", "name", "badge", "chip", "body")


def outline(painter: QPainter, rect: QRectF, radius: float, pen: QPen, fill: QColor | None = None) -> None:
    """A rounded box with its border (one call).

    Dashed and dotted borders are drawn without antialiasing: the raster engine strokes an
    antialiased dash pattern through the general path stroker, 6–10× slower than a solid line
    (measured: a 290×650 box 1.2 ms instead of 0.1 ms), and the diagram redraws every box an
    answer changes. Axis-aligned dashes look the same either way.
    """
    dashed = pen.style() != Qt.PenStyle.SolidLine
    aa = painter.testRenderHint(QPainter.RenderHint.Antialiasing)
    if dashed:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pen = QPen(pen)
        pen.setWidthF(1.0)
    painter.setPen(pen)
    painter.setBrush(QBrush(fill) if fill is not None else Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(rect, radius, radius)
    if dashed:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, aa)


def refresh_cache(item: QGraphicsItem) -> None:
    """Drop the item's cached pixmap and repaint it.

    With ``DeviceCoordinateCache`` an ``update()`` re-renders only the part of the item in view;
    the rest of the pixmap keeps the old state and shows when the view scrolls (a box half
    "possible", half "on path"). A changed state therefore drops the whole pixmap.
    """
    mode = item.cacheMode()
    if mode != QGraphicsItem.CacheMode.NoCache:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        item.setCacheMode(mode)
    item.update()


def palette_of(item: QGraphicsItem) -> FlowColours:
    """The colours of the scene an item is drawn in (light before it is added to one)."""
    scene = item.scene()
    return scene.colours if isinstance(scene, FlowScene) else FLOW_LIGHT


_BASE_FONT_PROPERTY = "mmguide_base_font_pt"  # set by app.ui.theme.apply_font_scale


def base_point_size() -> float:
    """The body text size before Ctrl + / Ctrl − (the application font at 100 %)."""
    app = QApplication.instance()
    base = app.property(_BASE_FONT_PROPERTY) if isinstance(app, QApplication) else None
    if base:
        return float(base)
    size = QApplication.font().pointSizeF()
    return size if size > 0 else REFERENCE_POINT_SIZE


def text_scale() -> float:
    """The text size the user chose (1.0 = 100 %): the application font over its base size."""
    size = QApplication.font().pointSizeF()
    return size / base_point_size() if size > 0 else 1.0


def legible_zoom() -> float:
    """The view zoom at which the diagram's primary text is drawn at the body text size, or larger."""
    return text_scale()


def _font(point_size: float, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont(QApplication.font())
    font.setPointSizeF(point_size)
    font.setBold(bold)
    font.setItalic(italic)
    return font


@dataclass(frozen=True)
class Fonts:
    """The diagram's fonts for one base body size, and the line heights and width unit derived from them."""

    caption: QFont
    title: QFont
    body: QFont
    name: QFont
    badge: QFont
    tier: QFont
    chip: QFont
    base: float = REFERENCE_POINT_SIZE

    @classmethod
    def default(cls) -> Fonts:
        return cls.for_base(base_point_size())

    @classmethod
    def for_base(cls, base: float) -> Fonts:
        made = {name: _font(base * ratio, bold, italic) for name, (ratio, bold, italic) in FONT_RATIOS.items()}
        return cls(base=base, **made)

    @property
    def unit(self) -> float:
        """Widths grow with the base font (1.0 at 9 pt)."""
        return max(1.0, self.base / REFERENCE_POINT_SIZE)

    @property
    def line(self) -> float:
        """Height of a regimen's name row."""
        return QFontMetricsF(self.name).height() + 3

    @property
    def caption_line(self) -> float:
        return QFontMetricsF(self.caption).height() + 1

    @property
    def badge_height(self) -> float:
        return QFontMetricsF(self.badge).height() + 4


def _wrapped_height(font: QFont, text: str, width: float) -> float:
    rect = QFontMetricsF(font).boundingRect(QRectF(0, 0, width, 1e6), int(Qt.TextFlag.TextWordWrap), text)
    return rect.height()


# ------------------------------------------------------------------------------- badges
@dataclass(frozen=True)
class BadgeSpec:
    """One evidence badge: the tag as printed, its grade (for the colour band) and a qualifier."""

    text: str
    grade: str | None
    label: str | None = None

    @property
    def display(self) -> str:
        return f"{self.text} {self.label}" if self.label else self.text


def badge_from_short(short: str, label: str | None = None) -> BadgeSpec:
    ev = evidence_from_short(short)
    return BadgeSpec(ev.text, ev.grade, label)


def static_badges(item: RecItem) -> list[BadgeSpec]:
    """Every grade an item can carry, before any fact is known."""
    out = [badge_from_short(item.evidence)] if item.evidence else []
    out += [badge_from_short(rule.evidence, short_label(rule.label)) for rule in item.evidence_rules]
    return out


def badges_from_rec(rec: Any) -> list[BadgeSpec]:
    """The grades of an evaluated recommendation (``RecommendationOut``)."""
    out = [BadgeSpec(rec.evidence.text, rec.evidence.grade)] if rec.evidence is not None else []
    out += [BadgeSpec(c.evidence.text, c.evidence.grade, short_label(c.when)) for c in rec.evidence_by_condition]
    return out


def short_label(label: str) -> str:
    """A qualifier short enough for a badge; the full wording is in the results and the detail."""
    short = {"third or fourth line": "3rd–4th line", "fifth line and beyond": "≥5th line"}
    if label in short:
        return short[label]
    label = label.split(" (")[0]
    if len(label) <= 18:
        return label
    return label[:18].rsplit(" ", 1)[0] + "…"


def badge_width(font: QFont, badge: BadgeSpec) -> float:
    return QFontMetricsF(font).horizontalAdvance(badge.display) + 16.0


def paint_badge(
    painter: QPainter,
    font: QFont,
    badge: BadgeSpec,
    x: float,
    y: float,
    max_width: float | None = None,
    height: float = 18.0,
) -> float:
    """Draw one badge at (x, y); return its width. Colour band + tint + the printed tag."""
    width = badge_width(font, badge)
    text = badge.display
    if max_width is not None and width > max_width:
        width = max(max_width, 40.0)
        text = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, width - 14)
    rect = QRectF(x, y, width, height)
    tint_hex, ink_hex, band_hex = grade_colours(badge.grade)
    band = QColor(band_hex)
    painter.setPen(QPen(band, 1.0))
    painter.setBrush(QBrush(QColor(tint_hex)))
    painter.drawRoundedRect(rect, 3, 3)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(band))
    painter.drawRect(QRectF(x + 0.5, y + 0.5, 5, height - 1))
    painter.setPen(QPen(QColor(ink_hex)))
    painter.setFont(font)
    painter.drawText(QRectF(x + 9, y, width - 10, height), int(Qt.AlignmentFlag.AlignVCenter), text)
    return width


# ------------------------------------------------------------------------------- items
def local_mark_width(font: QFont, words: str) -> float:
    return QFontMetricsF(font).horizontalAdvance(words) + 8


def paint_local_mark(painter: QPainter, rect: QRectF, font: QFont, words: str) -> None:
    """The local mark in the local notes' own style (teal box, dashed frame: ``app.ui.theme.LOCAL_NOTES``)."""
    box, label = current_local_colours()
    outline(painter, rect, 3, QPen(QColor(box.border), 1.2, Qt.PenStyle.DashLine), QColor(box.bg))
    painter.setPen(QPen(QColor(label)))
    painter.setFont(font)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), words)


class _Activatable(QGraphicsItem):
    """A focusable, clickable item: Enter/Space or a click activates it; focus is drawn."""

    def __init__(self, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsFocusable, True)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._pressed = False

    def activate(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space, Qt.Key.Key_Select):
            event.accept()
            self.activate()
            return
        event.ignore()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed = True
            event.accept()
            return
        event.ignore()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._pressed and event.button() == Qt.MouseButton.LeftButton:
            self._pressed = False
            if self.boundingRect().contains(event.pos()):
                self.setFocus(Qt.FocusReason.MouseFocusReason)
                self.activate()
            event.accept()
            return
        event.ignore()

    #: the box the item belongs to (a regimen's box, or the question a chip answers)
    node_id: str

    @property
    def focus_radius(self) -> float:
        """The corner radius of the focus ring the view draws around this item."""
        return 4.0

    def focus_rect(self) -> QRectF:
        """Where the focus ring goes, in item coordinates (the view draws it at full opacity)."""
        return self.shape().boundingRect()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        scene = self.scene()
        if isinstance(scene, FlowScene):
            scene.remember_focus(self)


class RegimenEntryItem(_Activatable):
    """One regimen of a recommendation box: status mark, name, tier label, evidence badges, status pill.

    States: ``neutral`` (nothing evaluated), ``ruled-out`` (its box is not reached: faded), or
    the status of the evaluated recommendation (:data:`app.ui.flow_status.STATUSES`).
    """

    def __init__(
        self,
        node_id: str,
        item: RecItem,
        width: float,
        fonts: Fonts,
        substitute_of: str | None = None,
        badges: Sequence[BadgeSpec] = (),
        parent: QGraphicsItem | None = None,
    ) -> None:
        super().__init__(parent)
        self.node_id = node_id
        self.substitutes_for = substitute_of
        self.regimen = item.regimen
        self.tier = "if-unavailable" if substitute_of is not None else item.tier
        self.interpretive = item.interpretive_tier and substitute_of is None
        self.fonts = fonts
        self.width = width
        self.default_badges = list(badges) or static_badges(item)
        self.badges = list(self.default_badges)
        self.state = "neutral"
        self.reason: str | None = None
        self.local = False  # the hospital's local notes on this recommendation or regimen (its detail shows them)
        self.box_local = False  # … on its box
        self._geometries: dict[tuple[str, tuple[BadgeSpec, ...], bool], _EntryGeometry] = {}
        self.pill_width = max(QFontMetricsF(fonts.tier).horizontalAdvance(badge_text(s)) for s in STATUSES) + 12
        self._badge_rows = self._rows_needed(self.default_badges, self.pill_width)
        extra_line = QFontMetricsF(fonts.badge).height() + 2 if substitute_of is not None else 0  # "instead of …"
        self.badge_h = fonts.badge_height
        self.height = 5 + fonts.line + 3 + self._badge_rows * (self.badge_h + 3) + 3 + extra_line
        self.setToolTip(self._tooltip())

    @classmethod
    def for_substitute(
        cls, node_id: str, item: RecItem, sub: Any, width: float, fonts: Fonts, parent: QGraphicsItem | None = None
    ) -> RegimenEntryItem:
        entry = cls(
            node_id,
            item,
            width,
            fonts,
            substitute_of=item.regimen,
            badges=[badge_from_short(sub.evidence)],
            parent=parent,
        )
        entry.regimen = sub.regimen
        entry.setToolTip(entry._tooltip())
        return entry

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.node_id, self.regimen, self.substitutes_for)

    @property
    def status_words(self) -> str:
        """The state as written on the diagram ("↓ FALLBACK"), empty when nothing is evaluated."""
        if self.state in GLYPH:
            return badge_text(self.state)
        return "– NOT APPLICABLE" if self.state == "ruled-out" else ""

    @property
    def accessible_text(self) -> str:
        """What a screen reader says for this regimen: name, evidence, tier, status and reason."""
        badges = ", ".join(b.display for b in self.badges)
        extra = f", instead of {self.substitutes_for}" if self.substitutes_for else ""
        text = f"{self.regimen}{extra}, {badges}, {TIER_TEXT[self.tier].lower()}"
        if self.state in MEANING:
            text += f", {MEANING[self.state]}"
        elif self.state == "ruled-out":
            text += ", not applicable to these answers"
        if self.local or self.box_local:
            text += f", {MARK_WORDS}" if self.local else f", its box {MARK_WORDS}"
        return text + (f". {self.reason}" if self.reason else "")

    @property
    def status_sentence(self) -> str:
        """Name, status and reason in words: the tooltip's first lines and the status line."""
        if self.state in MEANING:
            text = f"{self.regimen} — {GLYPH[self.state]} {MEANING[self.state]}"
        elif self.state == "ruled-out":
            text = f"{self.regimen} — not applicable: the answers rule this branch out"
        else:
            text = self.regimen
        return text + (f"\nWhy: {self.reason}" if self.reason else "")

    def _tooltip(self) -> str:
        tip = self.status_sentence
        if self.substitutes_for:
            tip += f"\nNamed for use if {self.substitutes_for} is unavailable"
        if self.interpretive:
            tip += "\n* The tier is this guide's reading of the text"
        if self.local:
            tip += f"\n{MARK} Local notes of this hospital: open its details to read them"
        return tip + "\nOpen its details: Enter or click"

    def _rows_needed(self, badges: Sequence[BadgeSpec], tail: float = 0.0) -> int:
        """Rows of badges, with room for ``tail`` (the status pill) after the last badge."""
        avail = self.width - (QFontMetricsF(self.fonts.name).horizontalAdvance("✓✓") + 9)
        rows, x = 1, 0.0
        for b in badges:
            w = badge_width(self.fonts.badge, b) + 4
            if x > 0 and x + w > avail:
                rows, x = rows + 1, 0.0
            x += w
        if tail and x > 0 and x + tail > avail:
            rows += 1
        return rows

    def set_state(self, state: str, badges: Sequence[BadgeSpec] | None = None, reason: str | None = None) -> None:
        """A new status or new badges redraw the entry; a new reason (not drawn) only changes the tooltip."""
        looks = state != self.state
        told = looks or reason != self.reason
        self.state = state
        self.reason = reason
        if badges is not None and list(badges) != self.badges:
            self.badges = list(badges)
            looks = told = True
        if told:
            self.setToolTip(self._tooltip())
        if looks:
            refresh_cache(self)

    def set_local(self, local: bool, box_local: bool) -> None:
        """Mark the entry (⌂ after its name) when its detail has local notes; say so when its box has some."""
        looks = local != self.local
        if looks or box_local != self.box_local:
            self.local, self.box_local = local, box_local
            self.setToolTip(self._tooltip())
        if looks:
            refresh_cache(self)

    def activate(self) -> None:
        scene = self.scene()
        if isinstance(scene, FlowScene):
            scene.regimen_activated.emit(self.node_id, self.regimen, self.substitutes_for or "")

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        super().hoverEnterEvent(event)
        scene = self.scene()
        if isinstance(scene, FlowScene):
            scene.entry_hovered.emit(self)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        super().hoverLeaveEvent(event)
        scene = self.scene()
        if isinstance(scene, FlowScene):
            scene.entry_hovered.emit(None)

    def boundingRect(self) -> QRectF:
        return QRectF(-5, -5, self.width + 10, self.height + 10)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(QRectF(0, 0, self.width, self.height))
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        pal = palette_of(self)
        rect = QRectF(0, 0, self.width, self.height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        status = pal.status.get(self.state)
        not_offered = self.state in NOT_OFFERED
        fill = QColor(pal.entry_fill)
        if status is not None:
            ink = QColor(status.ink)
            width = 2.0 if self.state == "applies" else 1.6 if self.state == "fallback" else 1.3
            pen = QPen(ink, width, PEN_STYLE[LINE_STYLE[self.state]])
            if self.state == "fallback" or not_offered:
                fill = QColor(status.tint)
        else:
            ink = QColor(pal.muted)
            pen = QPen(QColor(pal.entry_line), 1.0)
        outline(painter, rect, 4, pen, fill)
        geo = self._geometry()
        # status mark, never colour alone
        mark = GLYPH.get(self.state, "–" if self.state == "ruled-out" else "")
        if mark:
            painter.setPen(QPen(ink))
            painter.setFont(self.fonts.name)
            painter.drawText(geo.mark, int(Qt.AlignmentFlag.AlignCenter), mark)
        # tier label on the right
        painter.setFont(self.fonts.tier)
        painter.setPen(QPen(QColor(pal.muted if not_offered else pal.tier[self.tier])))
        painter.drawText(geo.tier, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), geo.tier_text)
        # name (struck through when not offered) and "instead of …"
        painter.setFont(geo.name_font)
        painter.setPen(QPen(QColor(pal.muted if not_offered else pal.ink)))
        painter.drawText(geo.name, int(Qt.AlignmentFlag.AlignVCenter), geo.name_text)
        # badges, faded when the regimen is not offered
        opacity = painter.opacity()
        if not_offered:
            painter.setOpacity(opacity * NOT_OFFERED_BADGE_OPACITY)
        for badge, bx, by, room in geo.badges:
            paint_badge(painter, self.fonts.badge, badge, bx, by, room, self.badge_h)
        painter.setOpacity(opacity)
        if status is not None and geo.pill is not None:
            pill_pen = QPen(QColor(status.ink), 1.2, PEN_STYLE[LINE_STYLE[self.state]])
            outline(painter, geo.pill, self.badge_h / 2, pill_pen, QColor(status.tint))
            painter.setPen(QPen(QColor(status.ink)))
            painter.setFont(self.fonts.tier)
            painter.drawText(geo.pill, int(Qt.AlignmentFlag.AlignCenter), badge_text(self.state))
        if geo.instead is not None:
            painter.setFont(self.fonts.badge)
            painter.setPen(QPen(QColor(pal.muted)))
            painter.drawText(geo.instead, int(Qt.AlignmentFlag.AlignVCenter), geo.instead_text)
        if geo.local is not None:
            paint_local_mark(painter, geo.local, self.fonts.tier, MARK)

    def _geometry(self) -> _EntryGeometry:
        """Where everything goes for the current status and badges (measured once, drawn often)."""
        key = (self.state, tuple(self.badges), self.local)
        found = self._geometries.get(key)
        if found is not None:
            return found
        fonts, line, bh = self.fonts, self.fonts.line, self.badge_h
        not_offered = self.state in NOT_OFFERED
        mark_w = QFontMetricsF(fonts.name).horizontalAdvance("✓✓") + 2
        x = mark_w + 5
        tier_text = TIER_TEXT[self.tier] + ("*" if self.interpretive else "")
        tier_w = QFontMetricsF(fonts.tier).horizontalAdvance(tier_text) + 2
        name_room = self.width - tier_w - 12 - x
        local_w = local_mark_width(fonts.tier, MARK) if self.local else 0.0
        name_font = QFont(fonts.name)
        name_font.setStrikeOut(not_offered)
        fm_name = QFontMetricsF(name_font)
        name_text = fm_name.elidedText(self.regimen, Qt.TextElideMode.ElideRight, name_room - local_w - 4 * self.local)
        local = QRectF(x + fm_name.horizontalAdvance(name_text) + 4, 5 + (line - fonts.badge_height) / 2, local_w,
                       fonts.badge_height) if self.local else None
        badges = []
        bx, by = x, 5 + line + 3
        for badge in self.badges:
            w = badge_width(fonts.badge, badge)
            if bx > x and bx + w > self.width - 4:
                bx, by = x, by + bh + 3
            badges.append((badge, bx, by, self.width - 4 - bx))
            bx += w + 4
        pill = None
        if self.state in GLYPH:
            after = bx if bx > x else 0.0
            pw = QFontMetricsF(fonts.tier).horizontalAdvance(badge_text(self.state)) + 12
            py = by + (bh + 3 if after and after + pw > self.width - 4 else 0)
            pill = QRectF(self.width - 4 - pw, py, pw, bh)
        instead = instead_text = None
        if self.substitutes_for:
            room = self.width - x - 4
            fm_badge = QFontMetricsF(fonts.badge)
            instead_text = fm_badge.elidedText(
                f"instead of {self.substitutes_for} (if unavailable)", Qt.TextElideMode.ElideRight, room
            )
            instead = QRectF(x, self.height - fm_badge.height() - 4, room, fm_badge.height())
        geo = _EntryGeometry(
            mark=QRectF(3, 4, mark_w, line),
            tier=QRectF(self.width - tier_w - 6, 5, tier_w, line),
            tier_text=tier_text,
            name=QRectF(x, 5, name_room, line),
            name_text=name_text,
            name_font=name_font,
            badges=badges,
            pill=pill,
            instead=instead,
            instead_text=instead_text or "",
            local=local,
        )
        self._geometries[key] = geo
        return geo


@dataclass
class _EntryGeometry:
    """The measured layout of one regimen entry for one status (see RegimenEntryItem._geometry)."""

    mark: QRectF
    tier: QRectF
    tier_text: str
    name: QRectF
    name_text: str
    name_font: QFont
    badges: list[tuple[BadgeSpec, float, float, float]]
    pill: QRectF | None
    instead: QRectF | None
    instead_text: str
    local: QRectF | None = None


class ChipItem(_Activatable):
    """An option of a question, drawn on the edge it labels."""

    def __init__(self, node_id: str, index: int, option: Option, fonts: Fonts, max_width: float) -> None:
        super().__init__()
        self.node_id = node_id
        self.index = index
        self.option = option
        self.fonts = fonts
        self.state = "neutral"  # neutral | chosen | open | excluded
        fm = QFontMetricsF(fonts.chip)
        text_w = min(fm.horizontalAdvance(option.label) + 2, max_width - 30)
        self.text_width = text_w
        self.text_height = _wrapped_height(fonts.chip, option.label, text_w)
        self.width = text_w + 30
        self.height = max(QFontMetricsF(fonts.chip).height() + 8, self.text_height + 8)
        self.setZValue(3)
        tip = f"Answer: {option.label}\nCondition: {option.when.describe()}"
        if option.note:
            tip += f"\nNote: {option.note}"
        self.setToolTip(tip + "\n(Enter, Space or click to choose)")

    @property
    def accessible_text(self) -> str:
        state = {"chosen": ", chosen", "excluded": ", ruled out"}.get(self.state, "")
        return f"Option {self.option.label}{state}"

    def set_state(self, state: str) -> None:
        if state == self.state:
            return
        self.state = state
        self.refresh_opacity()
        refresh_cache(self)

    def refresh_opacity(self) -> None:
        self.setOpacity(palette_of(self).faded_opacity if self.state == "excluded" else 1.0)

    @property
    def focus_radius(self) -> float:
        return min(self.height / 2, 11.0)

    def activate(self) -> None:
        scene = self.scene()
        if isinstance(scene, FlowScene):
            scene.option_activated.emit(self.node_id, self.index)

    def boundingRect(self) -> QRectF:
        return QRectF(-self.width / 2 - 5, -self.height / 2 - 5, self.width + 10, self.height + 10)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(QRectF(-self.width / 2, -self.height / 2, self.width, self.height))
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(-self.width / 2, -self.height / 2, self.width, self.height)
        radius = min(self.height / 2, 11.0)
        pal = palette_of(self)
        if self.state == "chosen":
            painter.setPen(QPen(QColor(pal.path), 2.0))
            painter.setBrush(QBrush(QColor(pal.path)))
            ink = QColor(pal.chip_chosen_ink)
        else:
            painter.setPen(QPen(QColor(pal.possible if self.state == "open" else pal.line), 1.3))
            painter.setBrush(QBrush(QColor(pal.chip_fill)))
            ink = QColor(pal.ink)
        painter.drawRoundedRect(rect, radius, radius)
        painter.setPen(QPen(ink))
        painter.setFont(self.fonts.chip)
        mark = "✓" if self.state == "chosen" else ("✕" if self.state == "excluded" else "○")
        painter.drawText(
            QRectF(rect.left() + 6, rect.top(), 14, rect.height()), int(Qt.AlignmentFlag.AlignCenter), mark
        )
        painter.drawText(
            QRectF(rect.left() + 22, rect.top() + 4, self.text_width, rect.height() - 8),
            int(Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap),
            self.option.label,
        )


class NodeItem(QGraphicsItem):
    """A question (rounded) or a recommendation box (square corners, regimen entries inside)."""

    def __init__(self, node: QuestionNode | RecommendationNode, width: float, fonts: Fonts, side: bool = False) -> None:
        super().__init__()
        self.node = node
        self.node_id = node.id
        self.is_question = isinstance(node, QuestionNode)
        self.side = side
        self.width = width
        self.fonts = fonts
        self.state = "neutral"  # neutral | path | possible | faded
        self.local = False  # the box has local notes of the hospital (⌂ LOCAL on its caption line)
        self.entries: list[RegimenEntryItem] = []
        self.setZValue(1)
        inner = width - 2 * PAD
        self.caption = self._caption()
        self.text = node.prompt if isinstance(node, QuestionNode) else node.title
        self.title_height = _wrapped_height(fonts.title, self.text, inner)
        self.caption_h = fonts.caption_line
        y = PAD + self.caption_h + 4 + self.title_height + 7
        self.empty_text = ""
        if isinstance(node, RecommendationNode):
            for item in node.items:
                entry = RegimenEntryItem(node.id, item, inner, fonts, parent=self)
                entry.setPos(PAD, y)
                self.entries.append(entry)
                y += entry.height + ENTRY_GAP
                for sub in item.substitutes:
                    s_entry = RegimenEntryItem.for_substitute(node.id, item, sub, inner - 12, fonts, parent=self)
                    s_entry.setPos(PAD + 12, y)
                    self.entries.append(s_entry)
                    y += s_entry.height + ENTRY_GAP
            if not node.items:
                self.empty_text = (
                    "No regimen listed: no recommendation of the text covers these patients. See the notes."
                )
                y += _wrapped_height(fonts.body, self.empty_text, inner) + 6
        self.height = y + PAD - (ENTRY_GAP if self.entries else 0)
        self.setToolTip(self._tooltip())

    def _tooltip(self) -> str:
        tip = self.text
        if isinstance(self.node, QuestionNode) and self.node.source is not None:
            tip += f"\n\nSource ({self.node.source.location}):\n“{self.node.source.quote}”"
        if self.local:
            tip += (f"\n\n{MARK} This box {MARK_WORDS} of this hospital (not the guideline): they show in its "
                    "regimens' details and in copies")
        return tip

    def set_local(self, local: bool) -> None:
        if local != self.local:
            self.local = local
            self.setToolTip(self._tooltip())
            refresh_cache(self)

    def _caption(self) -> str:
        if isinstance(self.node, QuestionNode):
            return "RECONSTRUCTED" if self.node.reconstructed else "QUESTION"
        if self.side:
            return "SIDE BOX"
        stage = (self.node.stage or "").replace("-", " ").upper()
        return stage if stage else "REGIMENS"

    def set_state(self, state: str) -> None:
        if state == self.state:
            return
        self.state = state
        self.refresh_opacity()
        refresh_cache(self)

    def refresh_opacity(self) -> None:
        self.setOpacity(palette_of(self).faded_opacity if self.state == "faded" else 1.0)

    @property
    def rect(self) -> QRectF:
        return QRectF(0, 0, self.width, self.height)

    def boundingRect(self) -> QRectF:
        return QRectF(-3, -3, self.width + 6, self.height + 6)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = self.rect
        radius = 16.0 if self.is_question else 5.0
        on_path = self.state == "path"
        pal = palette_of(self)
        if self.is_question:
            fill = QColor(pal.question_path_fill if on_path else pal.question_fill)
        else:
            fill = QColor(pal.rec_path_fill if on_path else pal.rec_fill)
        if on_path:
            pen = QPen(QColor(pal.path), 3.0)
        elif self.state == "possible":
            pen = QPen(QColor(pal.possible), 1.5, Qt.PenStyle.DashLine)
        else:
            pen = QPen(QColor(pal.line), 1.2)
        if self.side and not on_path:
            pen.setStyle(Qt.PenStyle.DashDotLine)
        outline(painter, rect, radius, pen, fill)
        inner = self.width - 2 * PAD
        # caption line with the written state
        indent = 6.0 if self.is_question else 0.0
        painter.setFont(self.fonts.caption)
        fm = QFontMetricsF(self.fonts.caption)
        state_text = {"path": "✓ ON PATH", "possible": "POSSIBLE", "faded": "NOT APPLICABLE"}.get(self.state, "")
        state_w = fm.horizontalAdvance(state_text) + 8 if state_text else 0.0
        if state_text:
            painter.setPen(QPen(QColor(pal.path if on_path else pal.muted)))
            painter.drawText(
                QRectF(PAD, PAD - 1, inner - indent, self.caption_h),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                state_text,
            )
        caption_left = PAD + indent
        if self.local:
            words = f"{MARK} LOCAL"
            mark_w = local_mark_width(self.fonts.caption, words)
            paint_local_mark(painter, QRectF(caption_left, PAD - 1, mark_w, self.caption_h), self.fonts.caption, words)
            caption_left += mark_w + 6
        painter.setPen(QPen(QColor(pal.muted)))
        caption_room = inner - indent - state_w - (caption_left - PAD)
        caption = fm.elidedText(self.caption, Qt.TextElideMode.ElideRight, caption_room)
        caption_rect = QRectF(caption_left, PAD - 1, caption_room, self.caption_h)
        painter.drawText(caption_rect, int(Qt.AlignmentFlag.AlignVCenter), caption)
        painter.setFont(self.fonts.title)
        painter.setPen(QPen(QColor(pal.ink)))
        align = Qt.AlignmentFlag.AlignHCenter if self.is_question else Qt.AlignmentFlag.AlignLeft
        title_top = PAD + self.caption_h + 4
        painter.drawText(
            QRectF(PAD, title_top, inner, self.title_height + 2), int(align | Qt.TextFlag.TextWordWrap), self.text
        )
        if self.empty_text:
            painter.setFont(self.fonts.body)
            painter.setPen(QPen(QColor(pal.muted)))
            painter.drawText(
                QRectF(PAD, title_top + self.title_height + 8, inner, 400),
                int(Qt.TextFlag.TextWordWrap),
                self.empty_text,
            )


class EdgeItem(QGraphicsItem):
    """An orthogonal arrow from one box to the next (dashed, no arrow, for a side box)."""

    def __init__(self, source: str, target: str, points: list[QPointF], option_index: int | None, side: bool = False):
        super().__init__()
        self.source = source
        self.target = target
        self.option_index = option_index
        self.side = side
        self.points = points
        self.state = "neutral"  # neutral | taken | possible | faded
        self.setZValue(0)
        path = QPainterPath(points[0])
        for p in points[1:]:
            path.lineTo(p)
        self.path = path
        self._bounds = path.boundingRect().adjusted(-8, -8, 8, 8)

    def set_state(self, state: str) -> None:
        if state == self.state:
            return
        self.state = state
        self.refresh_opacity()
        refresh_cache(self)

    def refresh_opacity(self) -> None:
        self.setOpacity(palette_of(self).faded_opacity if self.state == "faded" else 1.0)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = palette_of(self)
        if self.state == "taken":
            colour, width, style = QColor(pal.path), 3.2, Qt.PenStyle.SolidLine
        elif self.state == "possible":
            colour, width, style = QColor(pal.possible), 1.5, Qt.PenStyle.DashLine
        else:
            colour, width, style = QColor(pal.line), 1.4, Qt.PenStyle.SolidLine
        if self.side:
            style = Qt.PenStyle.DotLine
        if style != Qt.PenStyle.SolidLine:  # dashes without antialiasing: see outline()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            width = 1.0
        painter.setPen(QPen(colour, width, style, Qt.PenCapStyle.FlatCap, Qt.PenJoinStyle.MiterJoin))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.side:
            return
        tip = self.points[-1]
        size = 7.0 + (1.5 if self.state == "taken" else 0)
        arrow = QPolygonF(
            [tip, QPointF(tip.x() - size * 0.65, tip.y() - size), QPointF(tip.x() + size * 0.65, tip.y() - size)]
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour))
        painter.drawPolygon(arrow)


# ------------------------------------------------------------------------------- layout
@dataclass
class Layout:
    """Top-left positions of the boxes and centres of the chips, in scene coordinates."""

    nodes: dict[str, QPointF]
    chips: dict[tuple[str, int], QPointF]
    edges: list[tuple[str, str, int | None, list[QPointF], bool]]
    side: str | None


def _children(node: QuestionNode | RecommendationNode) -> list[str]:
    if isinstance(node, QuestionNode):
        out: list[str] = []
        for opt in node.options:
            if opt.next not in out:
                out.append(opt.next)
        return out
    return [node.next] if node.next else []


def compute_layout(
    figure: Figure, sizes: dict[str, tuple[float, float]], chips: dict[tuple[str, int], tuple[float, float]]
) -> Layout:
    """Lay the figure out top-down; see the module docstring. ``sizes``/``chips`` are (w, h)."""
    nodes = {n.id: n for n in figure.nodes}
    start = nodes[figure.start]
    side: str | None = None
    root = figure.start
    if isinstance(start, RecommendationNode) and start.next and isinstance(nodes[start.next], QuestionNode):
        side, root = start.id, start.next

    tree: dict[str, list[str]] = {}
    seen: set[str] = {side} if side else set()

    def walk(node_id: str) -> None:
        seen.add(node_id)
        tree[node_id] = []
        for child in _children(nodes[node_id]):
            if child not in seen:
                tree[node_id].append(child)
                walk(child)

    walk(root)
    for node in figure.nodes:  # unreachable boxes still get drawn, as extra roots
        if node.id not in seen:
            walk(node.id)
    roots = [root] + [
        n.id for n in figure.nodes if n.id in tree and n.id != root and not any(n.id in kids for kids in tree.values())
    ]

    sub_w: dict[str, float] = {}

    def width(node_id: str) -> float:
        kids = tree[node_id]
        total = sum(width(k) for k in kids) + H_GAP * max(0, len(kids) - 1)
        sub_w[node_id] = max(sizes[node_id][0], total)
        return sub_w[node_id]

    def gap_below(node_id: str) -> float:
        node = nodes[node_id]
        if isinstance(node, QuestionNode):
            stacks: dict[str, float] = {}
            for i, opt in enumerate(node.options):
                stacks[opt.next] = stacks.get(opt.next, -CHIP_STACK_GAP) + chips[(node_id, i)][1] + CHIP_STACK_GAP
            return BUS_DROP + 2 * CHIP_MARGIN + max(stacks.values(), default=0.0)
        return REC_V_GAP

    pos: dict[str, QPointF] = {}

    def place(node_id: str, left: float, top: float) -> float:
        """Place a subtree in [left, left + sub_w]; return the centre x of its root."""
        kids = tree[node_id]
        w, h = sizes[node_id]
        total = sum(sub_w[k] for k in kids) + H_GAP * max(0, len(kids) - 1)
        x = left + (sub_w[node_id] - total) / 2
        centres = []
        child_top = top + h + gap_below(node_id)
        for k in kids:
            centres.append(place(k, x, child_top))
            x += sub_w[k] + H_GAP
        centre = (centres[0] + centres[-1]) / 2 if centres else left + sub_w[node_id] / 2
        centre = min(max(centre, left + w / 2), left + sub_w[node_id] - w / 2)
        pos[node_id] = QPointF(centre - w / 2, top)
        return centre

    left = 0.0
    for r in roots:
        width(r)
        place(r, left, 0.0)
        left += sub_w[r] + H_GAP * 2
    if side:
        sw = sizes[side][0]
        root_pos = pos[root]
        tree_left = min(p.x() for p in pos.values())
        pos[side] = QPointF(min(tree_left, root_pos.x()) - 2 * H_GAP - sw, root_pos.y())

    def centre_x(n: str) -> float:
        return pos[n].x() + sizes[n][0] / 2

    chip_pos: dict[tuple[str, int], QPointF] = {}
    edges: list[tuple[str, str, int | None, list[QPointF], bool]] = []
    for node in figure.nodes:
        src = node.id
        sx, bottom = centre_x(src), pos[src].y() + sizes[src][1]
        if isinstance(node, QuestionNode):
            bus = bottom + BUS_DROP
            stack: dict[str, float] = {}
            for i, opt in enumerate(node.options):
                t = opt.next
                tx, ttop = centre_x(t), pos[t].y()
                ch = chips[(src, i)][1]
                offset = stack.get(t, 0.0)
                stack[t] = offset + ch + CHIP_STACK_GAP
                chip_pos[(src, i)] = QPointF(tx, bus + CHIP_MARGIN + offset + ch / 2)
                pts = [QPointF(sx, bottom), QPointF(sx, bus), QPointF(tx, bus), QPointF(tx, ttop)]
                edges.append((src, t, i, _simplify(pts), False))
        elif node.next:
            t = node.next
            if src == side:
                sy = pos[src].y() + min(sizes[src][1], sizes[t][1]) / 2
                pts = [QPointF(pos[src].x() + sizes[src][0], sy), QPointF(pos[t].x(), sy)]
                edges.append((src, t, None, pts, True))
                continue
            tx, ttop = centre_x(t), pos[t].y()
            mid = bottom + (ttop - bottom) / 2
            pts = [QPointF(sx, bottom), QPointF(sx, mid), QPointF(tx, mid), QPointF(tx, ttop)]
            edges.append((src, t, None, _simplify(pts), False))
    return Layout(nodes=pos, chips=chip_pos, edges=edges, side=side)


def _simplify(points: list[QPointF]) -> list[QPointF]:
    """Drop repeated points and collinear midpoints (a straight edge is two points)."""
    out: list[QPointF] = []
    for p in points:
        if out and abs(out[-1].x() - p.x()) < 0.5 and abs(out[-1].y() - p.y()) < 0.5:
            continue
        out.append(p)
    i = 1
    while i < len(out) - 1:
        a, b, c = out[i - 1], out[i], out[i + 1]
        if (abs(a.x() - b.x()) < 0.5 and abs(b.x() - c.x()) < 0.5) or (
            abs(a.y() - b.y()) < 0.5 and abs(b.y() - c.y()) < 0.5
        ):
            out.pop(i)
        else:
            i += 1
    return out


# ------------------------------------------------------------------------------- scene
class FlowScene(QGraphicsScene):
    """The diagram of one figure. Signals carry what the user activated on it."""

    option_activated = Signal(str, int)  # question node id, option index
    regimen_activated = Signal(str, str, str)  # node id, regimen, substitutes_for ("" if none)
    entry_hovered = Signal(object)  # the RegimenEntryItem under the mouse, None when it leaves

    def __init__(self, figure: Figure, parent: Any = None, colours: FlowColours = FLOW_LIGHT) -> None:
        super().__init__(parent)
        self.figure = figure
        self.colours = colours
        self.fonts = Fonts.default()
        self.nodes: dict[str, NodeItem] = {}
        self.chips: dict[tuple[str, int], ChipItem] = {}
        self.edges: list[EdgeItem] = []
        self.entries: dict[tuple[str, str, str | None], RegimenEntryItem] = {}
        self.focus_chain: list[_Activatable] = []
        self.last_focused: _Activatable | None = None
        self.evaluation: Any = None
        self.local_marks: LocalMarks = NO_MARKS
        self.setBackgroundBrush(QBrush(QColor(colours.paper)))
        self._build()

    def set_local_marks(self, marks: LocalMarks) -> None:
        """Mark the boxes and regimen entries that have the hospital's local notes (⌂)."""
        self.local_marks = marks
        for node_id, node in self.nodes.items():
            node.set_local(marks.node(node_id))
        for entry in self.entries.values():
            entry.set_local(marks.entry(entry.node_id, entry.regimen), marks.node(entry.node_id))

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        fig = self.figure
        side_id = None
        start = fig.node(fig.start)
        if isinstance(start, RecommendationNode) and start.next and isinstance(fig.node(start.next), QuestionNode):
            side_id = start.id
        unit = self.fonts.unit
        for node in fig.nodes:
            w = QUESTION_WIDTH if isinstance(node, QuestionNode) else SIDE_WIDTH if node.id == side_id else REC_WIDTH
            item = NodeItem(node, w * unit, self.fonts, side=node.id == side_id)
            self.nodes[node.id] = item
            for entry in item.entries:
                self.entries[entry.key] = entry
        sizes = {nid: (it.width, it.height) for nid, it in self.nodes.items()}
        for node in fig.nodes:
            if isinstance(node, QuestionNode):
                for i, opt in enumerate(node.options):
                    target_w = sizes[opt.next][0]
                    chip_w = min(CHIP_MAX_WIDTH * unit, max(target_w, 150.0 * unit))
                    chip = ChipItem(node.id, i, opt, self.fonts, chip_w)
                    self.chips[(node.id, i)] = chip
        layout = compute_layout(fig, sizes, {k: (c.width, c.height) for k, c in self.chips.items()})
        for edge in layout.edges:
            src, dst, idx, pts, side = edge
            edge_item = EdgeItem(src, dst, pts, idx, side=side)
            self.edges.append(edge_item)
            self.addItem(edge_item)
        for nid, node_item in self.nodes.items():
            node_item.setPos(layout.nodes[nid])
            self.addItem(node_item)
        for key, chip in self.chips.items():
            chip.setPos(layout.chips[key])
            self.addItem(chip)
        self.focus_chain = self._focus_order(layout.side)
        # Each item renders once into a pixmap and is blitted on pan, hover and focus moves;
        # a style change re-renders only the items whose state changed.
        for any_item in iter_items(self):
            any_item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        rect = self.itemsBoundingRect().adjusted(-30, -30, 30, 30)
        self.setSceneRect(rect)

    def _focus_order(self, side: str | None) -> list[_Activatable]:
        """Reading order: depth-first from the start; a question's chips, then its branches."""
        order: list[_Activatable] = []
        seen: set[str] = set()

        def walk(node_id: str) -> None:
            if node_id in seen:
                return
            seen.add(node_id)
            node = self.figure.node(node_id)
            order.extend(self.nodes[node_id].entries)
            if isinstance(node, QuestionNode):
                order.extend(self.chips[(node_id, i)] for i in range(len(node.options)))
            for child in _children(node):
                walk(child)

        walk(self.figure.start)
        for node in self.figure.nodes:
            walk(node.id)
        return order

    # -- evaluation styling -----------------------------------------------------------------
    def apply(self, evaluation: Any, needed: Sequence[str] | None = None) -> None:
        """Highlight the path, dash what is possible, fade what is ruled out. Styles only.

        ``needed``: the facts still needed (:mod:`app.services.flow_questions`), named first in the
        reasons; by default every fact the evaluation misses.
        """
        if evaluation is None:
            self.clear_styles()
            return
        path = set(evaluation.path)
        possible = set(evaluation.possible_nodes)
        reached = path | possible
        for nid, node_item in self.nodes.items():
            node_item.set_state("path" if nid in path else "possible" if nid in possible else "faded")
        self.evaluation = evaluation
        chosen_edges: set[tuple[str, int]] = set()
        facts = evaluation.facts
        for node in self.figure.nodes:
            if isinstance(node, QuestionNode) and node.id in path:
                taken = chosen_option(self.figure, evaluation, node)
                if taken is not None:
                    chosen_edges.add((node.id, taken[0]))
        for edge in self.edges:
            question = self.figure.node(edge.source)
            if edge.option_index is not None and isinstance(question, QuestionNode):
                key = (edge.source, edge.option_index)
                opt = question.options[edge.option_index]
                try:
                    ruled_out = edge.source in reached and opt.when.evaluate(facts) is False
                except TypeError:
                    ruled_out = False
                if key in chosen_edges:
                    state = "taken"
                elif edge.source in reached and edge.target in reached and not ruled_out:
                    state = "possible"
                else:
                    state = "faded"
                edge.set_state(state)
                self.chips[key].set_state({"taken": "chosen", "possible": "open", "faded": "excluded"}[state])
            elif edge.source in path and edge.target in path:
                edge.set_state("taken")
            elif edge.source in reached and edge.target in reached:
                edge.set_state("possible")
            else:
                edge.set_state("faded")
        recs = {(r.node, r.regimen, r.substitutes_for): r for r in evaluation.recommendations}
        prompts = {s.name: s.prompt for s in self.figure.facts}
        missing = [prompts.get(m, m) for m in (evaluation.missing if needed is None else needed)]
        for entry_key, entry in self.entries.items():
            rec = recs.get(entry_key)
            if rec is None:
                entry.set_state("ruled-out", entry.default_badges)
            else:
                entry.set_state(rec.status, badges_from_rec(rec) or None, reason_text(rec, missing, prompts))

    def set_colours(self, colours: FlowColours) -> None:
        """Repaint the diagram in another theme's colours (styles only, the layout stays)."""
        if colours == self.colours:
            return
        self.colours = colours
        self.setBackgroundBrush(QBrush(QColor(colours.paper)))
        for item in iter_items(self):
            if isinstance(item, NodeItem | ChipItem | EdgeItem):
                item.refresh_opacity()
            refresh_cache(item)

    def clear_styles(self) -> None:
        self.evaluation = None
        for node in self.nodes.values():
            node.set_state("neutral")
        for edge in self.edges:
            edge.set_state("neutral")
        for chip in self.chips.values():
            chip.set_state("neutral")
        for entry in self.entries.values():
            entry.set_state("neutral", entry.default_badges)

    # -- queries ----------------------------------------------------------------------------
    def node_rect(self, node_id: str) -> QRectF:
        item = self.nodes[node_id]
        return item.mapRectToScene(item.rect)

    def entries_of(self, node_id: str) -> list[RegimenEntryItem]:
        return list(self.nodes[node_id].entries)

    def chip(self, node_id: str, index: int) -> ChipItem:
        return self.chips[(node_id, index)]

    def chip_for_label(self, node_id: str, label: str) -> ChipItem:
        for (nid, _), chip in self.chips.items():
            if nid == node_id and chip.option.label == label:
                return chip
        raise KeyError((node_id, label))

    def entry(self, node_id: str, regimen: str, substitutes_for: str | None = None) -> RegimenEntryItem:
        return self.entries[(node_id, regimen, substitutes_for)]

    def overlapping_boxes(self) -> list[tuple[str, str]]:
        """Pairs of boxes whose rectangles intersect (a layout check; empty when sound)."""
        rects = [(nid, self.node_rect(nid)) for nid in self.nodes]
        out = []
        for i, (a, ra) in enumerate(rects):
            for b, rb in rects[i + 1 :]:
                if ra.intersects(rb):
                    out.append((a, b))
        return out

    # -- keyboard ---------------------------------------------------------------------------
    # The diagram is one Tab stop: Tab enters it on the item in focus last (at first: the first
    # option of the question where the path stops, or the first regimen of the box it reached)
    # and the next Tab leaves it. Inside, the arrow keys walk the items in reading order
    # (:meth:`move_focus`), Page Up/Page Down jump box by box, Home/End go to the first/last item.
    def remember_focus(self, item: _Activatable) -> None:
        self.last_focused = item

    def entry_item(self, in_view: QRectF | None = None) -> _Activatable | None:
        """The item the keyboard focus enters the diagram on: the one focused last, else the path's end,
        preferring one inside ``in_view`` (the part of the diagram on screen) so entering never scrolls away."""
        last = self.last_focused if self.last_focused in self.focus_chain else None
        path = self.path_item()
        if in_view is not None:
            for item in (last, path):
                if item is not None and in_view.intersects(item.sceneBoundingRect()):
                    return item
            for item in self.focus_chain:
                if in_view.intersects(item.sceneBoundingRect()):
                    return item
            if path is not None:  # nothing on screen: the path's end (the view follows the path)
                return path
        return last or path or (self.focus_chain[0] if self.focus_chain else None)

    def path_item(self) -> _Activatable | None:
        """The first option of the question where the path stops, or the first regimen of the box it reached."""
        ev = self.evaluation
        if ev is None or not ev.path:
            return None
        last = ev.path[-1]
        node = self.figure.node(last)
        if isinstance(node, QuestionNode):
            for i in range(len(node.options)):
                chip = self.chips[(last, i)]
                if chip.state != "excluded":
                    return chip
            return self.chips.get((last, 0))
        entries = self.nodes[last].entries
        return entries[0] if entries else None

    def focus_first(self, forward: bool = True, in_view: QRectF | None = None) -> bool:
        """Put the focus on the diagram's entry item (``forward`` unused: the diagram is one Tab stop)."""
        item = self.entry_item(in_view)
        if item is None:
            return False
        item.setFocus(Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
        return True

    def move_focus(self, step: int) -> _Activatable | None:
        """Move the focus ``step`` items on in reading order (clamped at either end); returns the item."""
        chain = self.focus_chain
        if not chain:
            return None
        current = self.focusItem()
        if current not in chain:
            target = self.entry_item() or chain[0]
        else:
            i = chain.index(current) + step
            target = chain[min(max(i, 0), len(chain) - 1)]
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return target

    def move_focus_to_end(self, last: bool) -> _Activatable | None:
        if not self.focus_chain:
            return None
        target = self.focus_chain[-1 if last else 0]
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return target

    def move_focus_by_box(self, step: int) -> _Activatable | None:
        """Jump to the first item of the next (``step`` > 0) or previous box in reading order."""
        chain = self.focus_chain
        if not chain:
            return None
        current = self.focusItem()
        if current not in chain:
            return self.move_focus(0)
        i = chain.index(current)
        owner = _owner(chain[i])
        j = i
        while 0 <= j + step < len(chain) and _owner(chain[j + step]) == owner:
            j += step
        j += step
        if not 0 <= j < len(chain):
            return None
        if step < 0:  # to the first item of that box
            owner = _owner(chain[j])
            while j > 0 and _owner(chain[j - 1]) == owner:
                j -= 1
        chain[j].setFocus(Qt.FocusReason.OtherFocusReason)
        return chain[j]

    def focus_rect(self, item: QGraphicsItem | None = None) -> QRectF:
        """The focus ring's rectangle in scene coordinates (empty when nothing has the focus)."""
        item = item if item is not None else self.focusItem()
        if not isinstance(item, _Activatable):
            return QRectF()
        return item.mapRectToScene(item.focus_rect()).adjusted(-3, -3, 3, 3)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab and Shift+Tab leave the diagram: it is a single Tab stop (arrow keys move inside)."""
        return False


def _owner(item: _Activatable) -> str:
    """The box an item belongs to: a regimen's box, or the question a chip answers."""
    return item.node_id


def iter_items(scene: FlowScene) -> Iterable[QGraphicsItem]:
    """Every item of the diagram (boxes, regimens, chips, edges)."""
    yield from scene.nodes.values()
    yield from scene.entries.values()
    yield from scene.chips.values()
    yield from scene.edges
