"""The step view: a figure's path as cards, read and answered by keyboard, without the diagram.

One list (one Tab stop): what is still needed, the questions answered (Enter goes to the
question in the side panel to change it), the question where the path stops with its options
(Enter or a click answers, as an option chip of the diagram does), then the boxes reached with
every regimen as a card — status in words and glyph, evidence as printed for that leaf, tier,
reason, conditions and footnotes (Enter or a click opens the regimen's detail) — then the
figure's notes. The cards come from :func:`app.services.flow_steps.build_steps`; this module
only draws them, at the body text size (they follow Ctrl + / Ctrl −) and in the theme's
colours, and gives screen readers each card as one sentence. The focus ring is drawn around
the current card at full strength, on a ruled-out option too.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.services.flow_steps import TIER_WORDS, Card
from app.services.flow_words import GLYPH, LINE_STYLE, NOT_OFFERED
from app.ui.flow_scene import PEN_STYLE, BadgeSpec, badge_width, outline, paint_badge, short_label
from app.ui.local_note import MARK, MARK_WORDS, NO_MARKS, LocalMarks
from app.ui.theme import current_colours, current_flow_colours, current_local_colours

_Index = QModelIndex | QPersistentModelIndex
CardRole = Qt.ItemDataRole.UserRole + 1
#: fixed colour pairs (text on their own background, above 7:1), as the side panel's
NEEDED = ("#fff4cc", "#1f1f1f", "#b26a00")
MARKED = ("#fff4cc", "#1f1f1f", "#b26a00")
ERROR = ("#fdecec", "#7a0d10", "#a4161a")
INDENT = {"option": 28, "rec": 20, "empty": 20}
LAYOUT_CACHE = 600
PAD = 8


class StepModel(QAbstractListModel):
    """The cards of the step view."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.cards: list[Card] = []
        self.marks: LocalMarks = NO_MARKS

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.cards)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.cards):
            return None
        card = self.cards[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return card.accessible + (f" This {_what(card)} {MARK_WORDS} of this hospital." if local_mark(
                card, self.marks) else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(filter(None, [_hint(card), _local_hint(card) if local_mark(card, self.marks) else ""]))
        if role == CardRole:
            return card
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def set_cards(self, cards: Sequence[Card]) -> None:
        self.beginResetModel()
        self.cards = list(cards)
        self.endResetModel()


def local_mark(card: Card, marks: LocalMarks) -> bool:
    """A box card (or a possible box's summary) whose box, or a regimen card whose detail, has the hospital's
    local notes."""
    if card.kind in ("box", "summary"):
        return marks.node(card.node)
    return card.kind == "rec" and marks.entry(card.node, card.title)


def _what(card: Card) -> str:
    return "regimen" if card.kind == "rec" else "box"


def _local_hint(card: Card) -> str:
    where = "its detail" if card.kind == "rec" else "its regimens' details"
    return f"{MARK} Local notes of this hospital (not the guideline): in {where} and in copies"


def _hint(card: Card) -> str:
    return {
        "answered": "Enter: change this answer in the questions",
        "question": "Enter: go to this question in the questions",
        "needed": "Enter: go to the first question still needed",
        "error": "Enter: go to the answer that is not accepted",
        "option": "Enter or click: choose this answer",
        "rec": "Enter or click: open the regimen's detail",
        "summary": "Enter: show this box on the diagram",
    }.get(card.kind, "")


@dataclass
class _Op:
    kind: str  # text | badges | pill
    rect: QRectF
    text: str = ""
    font: QFont | None = None
    colour: str = ""
    flags: int = 0
    tags: tuple[Any, ...] = ()
    static: QStaticText | None = None  # the text laid out once (drawn many times: painting is the cost)


class StepDelegate(QStyledItemDelegate):
    """Draws one card; heights are computed from the same layout that paints it."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # (card, width, font, theme) → (operations, height): cards are immutable values, and most of
        # them (answers, notes, the regimens an answer did not touch) come back unchanged
        self._layouts: OrderedDict[tuple[Card, int, str, str, bool], tuple[list[_Op], float]] = OrderedDict()

    def _marked(self, card: Card) -> bool:
        view = self.parent()
        return isinstance(view, StepView) and local_mark(card, view.steps.marks)

    def clear(self) -> None:
        self._layouts.clear()

    def laid_out(self, card: Card, width: float, font: QFont) -> tuple[list[_Op], float]:
        key = (card, int(width), font.key(), current_flow_colours().paper, self._marked(card))
        found = self._layouts.get(key)
        if found is None:
            found = self.layout(card, int(width), font)
            self._layouts[key] = found
            if len(self._layouts) > LAYOUT_CACHE:
                self._layouts.popitem(last=False)
        else:
            self._layouts.move_to_end(key)
        return found

    # -- layout ---------------------------------------------------------------------------
    def _fonts(self, base: QFont) -> tuple[QFont, QFont, QFont]:
        base = QFont(base)  # a copy: the option's font dies with the option, the layout is kept
        bold = QFont(base)
        bold.setBold(True)
        small_caps = QFont(base)
        small_caps.setBold(True)
        small_caps.setPointSizeF(base.pointSizeF() * 0.9)
        return base, bold, small_caps

    def layout(self, card: Card, width: float, base: QFont) -> tuple[list[_Op], float]:
        """The drawing operations of ``card`` in a box ``width`` wide starting at (0, 0), and its height."""
        flow = current_flow_colours()
        normal, bold, caps = self._fonts(base)
        fm = QFontMetricsF(normal)
        ops: list[_Op] = []
        left = INDENT.get(card.kind, 0) + PAD + (6 if card.kind in ("rec", "answered", "question") else 0)
        right = width - PAD
        y = PAD * 0.75
        wrap = int(Qt.TextFlag.TextWordWrap)

        def text(
            value: str, font: QFont, colour: str, x: float = left, room: float | None = None, strike: bool = False
        ) -> None:
            nonlocal y
            room = (right - x) if room is None else room
            if strike:
                font = QFont(font)
                font.setStrikeOut(True)
            static = _static(value, font, room)
            h = static.size().height()
            ops.append(_Op("text", QRectF(x, y, room, h + 1), value, font, colour, wrap, static=static))
            y += h + 2

        def local_mark_op(words: str) -> None:
            """The ⌂ LOCAL mark, drawn in the local notes' style (see paint)."""
            nonlocal y
            height = fm.height() + 4
            ops.append(_Op("local", QRectF(left, y, QFontMetricsF(caps).horizontalAdvance(words) + 12, height),
                           words, caps))
            y += height + 3

        ink, muted = "text", flow.muted
        if card.kind in ("needed", "error"):
            ink_of = NEEDED[1] if card.kind == "needed" else ERROR[1]
            text(card.title, bold, ink_of)
            for line in card.lines:
                text(line, normal, ink_of)
        elif card.kind == "answered":
            text(f"✓ {card.number}. {card.title}", bold, ink)
            text(f"Answer: {card.answer}", normal, ink, left + fm.horizontalAdvance("✓ "))
        elif card.kind == "question":
            text(f"{card.number}. {card.title}", bold, ink)
            for line in card.lines:
                text(line, normal, muted)
        elif card.kind == "option":
            mark = "✕" if card.state == "excluded" else "○"
            suffix = " — ruled out by the answers" if card.state == "excluded" else ""
            text(f"{mark}  {card.title}{suffix}", normal, muted if card.state == "excluded" else ink)
            for line in card.lines:
                text(line, normal, muted)
        elif card.kind == "box":
            text(card.lines[0].upper() if card.lines else "", caps, flow.path if card.state == "path" else muted)
            text(card.title, bold, ink)
            if self._marked(card):
                local_mark_op(f"{MARK} LOCAL — this box {MARK_WORDS} (in its regimens' details)")
        elif card.kind == "rec":
            status = flow.status.get(card.state)
            status_ink = status.ink if status is not None else muted
            tier = TIER_WORDS.get(card.tier or "", card.tier or "") + ("*" if card.interpretive else "")
            tier_w = QFontMetricsF(caps).horizontalAdvance(tier.upper()) + 4
            glyph = GLYPH.get(card.state, "")
            name = f"{glyph} {card.title}" + (f"  (instead of {card.substitutes_for})" if card.substitutes_for else "")
            top = y
            struck = card.state in NOT_OFFERED
            text(name, bold, muted if struck else ink, room=right - left - tier_w - 6, strike=struck)
            ops[-1].flags |= 1 << 30 if struck else 0  # strike-out marker (for tests and screen readers' sake)
            tier_static = _static(tier.upper(), caps, None)
            tier_x = right - tier_w
            ops.append(
                _Op(
                    "text",
                    QRectF(tier_x, top + 1, tier_static.size().width(), fm.height()),
                    tier.upper(),
                    caps,
                    muted if struck else _tier_ink(flow, card.tier),
                    static=tier_static,
                )
            )
            badge_h = fm.height() + 4
            x: float = left
            badges = [BadgeSpec(t.text, t.grade, short_label(t.when) if t.when else None) for t in card.tags]
            for badge in badges:
                w = badge_width(normal, badge)
                if x > left and x + w > right:
                    x, y = left, y + badge_h + 3
                ops.append(_Op("badges", QRectF(x, y, min(w, right - x), badge_h), tags=(badge,), font=normal))
                x += w + 6
            words = f"{glyph} {_label(card.state)}"
            pill_w = QFontMetricsF(bold).horizontalAdvance(words) + 16
            if x > left and x + pill_w > right:
                x, y = left, y + badge_h + 3
            ops.append(_Op("pill", QRectF(x, y, pill_w, badge_h), words, bold, status_ink))
            y += badge_h + 4
            if self._marked(card):
                local_mark_op(f"{MARK} LOCAL — {MARK_WORDS} (open its detail)")
            if card.reason:
                text(f"Why: {card.reason}", normal, ink)
            for line in card.lines:
                text(line, normal, muted)
        elif card.kind == "summary":
            text(card.title, bold, ink)
            for line in card.lines:
                text(line, normal, muted)
            if self._marked(card):
                local_mark_op(f"{MARK} LOCAL — this box {MARK_WORDS} (in its regimens' details)")
        elif card.kind == "empty":
            italic = QFont(normal)
            italic.setItalic(True)
            text(card.title, italic, muted)
        elif card.kind == "note":
            colour = MARKED[1] if card.state == "marked" else ink
            text(card.title, bold, colour)
            for line in card.lines:
                text(line, normal, colour)
            if card.tags:
                badge_h = fm.height() + 4
                badge = BadgeSpec(card.tags[0].text, card.tags[0].grade)
                place = QRectF(left, y, badge_width(normal, badge), badge_h)
                ops.append(_Op("badges", place, tags=(badge,), font=normal))
                y += badge_h + 2
        else:  # about
            text(card.title, bold, muted)
            for line in card.lines:
                text(line, normal, muted)
        return ops, y + PAD * 0.75

    # -- Qt API ---------------------------------------------------------------------------
    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        card = index.data(CardRole)
        width = option.rect.width() if option.rect.width() > 50 else 600
        view = option.widget
        if isinstance(view, QListView):
            width = view.viewport().width() - 2
        _ops, height = self.laid_out(card, width, option.font)
        return QSize(int(width), int(height) + 4)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        card: Card = index.data(CardRole)
        if card is None:
            return
        flow = current_flow_colours()
        colours = current_colours()
        rect = QRectF(option.rect).adjusted(0, 2, -2, -2)
        ops = self.laid_out(card, rect.width(), option.font)[0]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        frame = rect.adjusted(INDENT.get(card.kind, 0) + 2, 0, 0, 0)
        text_colour = option.palette.color(QPalette.ColorRole.Text)
        fill, edge, style, band = self._frame(card, flow, colours)
        if fill or edge:
            pen = QPen(QColor(edge), 1.2, style) if edge else QPen(Qt.PenStyle.NoPen)
            outline(painter, frame, 5, pen, QColor(fill) if fill else None)
        if band:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(band))
            painter.drawRoundedRect(QRectF(frame.left(), frame.top(), 5, frame.height()), 2, 2)
        painter.translate(rect.topLeft())
        for op in ops:
            if op.kind == "text":
                painter.setFont(op.font or option.font)
                painter.setPen(text_colour if op.colour == "text" else QColor(op.colour))
                if op.static is not None:
                    painter.drawStaticText(op.rect.topLeft(), op.static)
                else:
                    painter.drawText(op.rect, op.flags & ~(1 << 30), op.text)
            elif op.kind == "badges":
                opacity = painter.opacity()
                if card.state in NOT_OFFERED:
                    painter.setOpacity(opacity * 0.6)
                for badge in op.tags:
                    paint_badge(
                        painter,
                        op.font or option.font,
                        badge,
                        op.rect.left(),
                        op.rect.top(),
                        op.rect.width(),
                        op.rect.height(),
                    )
                painter.setOpacity(opacity)
            elif op.kind == "local":
                box, label = current_local_colours()
                outline(painter, op.rect, 3, QPen(QColor(box.border), 1.2, Qt.PenStyle.DashLine), QColor(box.bg))
                painter.setFont(op.font or option.font)
                painter.setPen(QColor(label))
                painter.drawText(op.rect, int(Qt.AlignmentFlag.AlignCenter), op.text)
            elif op.kind == "pill":
                status = flow.status.get(card.state)
                pen = QPen(QColor(op.colour), 1.2, PEN_STYLE[LINE_STYLE.get(card.state, "solid")])
                tint = QColor(status.tint) if status is not None else None
                outline(painter, op.rect, op.rect.height() / 2, pen, tint)
                painter.setFont(op.font or option.font)
                painter.setPen(QColor(op.colour))
                painter.drawText(op.rect, int(Qt.AlignmentFlag.AlignCenter), op.text)
        painter.resetTransform()
        painter.restore()
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setOpacity(1.0)
            pen = QPen(QColor(colours.focus), max(2, colours.focus_width) + 1)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(frame.adjusted(1.5, 1.5, -1.5, -1.5), 5, 5)
            painter.restore()

    @staticmethod
    def _frame(card: Card, flow: Any, colours: Any) -> tuple[str, str, Qt.PenStyle, str]:
        """(fill, edge, edge style, left band) of a card."""
        solid = Qt.PenStyle.SolidLine
        if card.kind == "needed":
            return NEEDED[0], NEEDED[2], solid, NEEDED[2]
        if card.kind == "error":
            return ERROR[0], ERROR[2], solid, ERROR[2]
        if card.kind == "answered":
            return colours.base, colours.mid, solid, flow.path
        if card.kind == "question":
            return flow.question_path_fill, flow.path, solid, flow.path
        if card.kind == "option":
            if card.state == "excluded":
                return colours.base, colours.mid, Qt.PenStyle.DashLine, ""
            return flow.chip_fill, flow.possible, solid, ""
        if card.kind == "rec":
            status = flow.status.get(card.state)
            if status is None:
                return colours.base, colours.mid, solid, ""
            fill = status.tint if card.state in NOT_OFFERED or card.state == "fallback" else colours.base
            return fill, status.ink, PEN_STYLE[LINE_STYLE[card.state]], status.ink
        if card.kind == "summary":
            return colours.base, flow.possible, Qt.PenStyle.DashLine, ""
        if card.kind == "note":
            if card.state == "marked":
                return MARKED[0], MARKED[2], solid, ""
            return colours.base, colours.mid, solid, ""
        return "", "", solid, ""


def _static(text: str, font: QFont, width: float | None) -> QStaticText:
    """``text`` laid out once, wrapped at ``width`` (plain text; ``None``: one line)."""
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    if width is not None:
        static.setTextWidth(max(width, 10.0))
    static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    static.prepare(QTransform(), font)
    return static


def _label(status: str) -> str:
    from app.services.flow_words import LABEL

    return LABEL.get(status, status)


def _tier_ink(flow: Any, tier: str | None) -> str:
    return str(flow.tier.get(tier or "", flow.muted))


class StepView(QListView):
    """The cards, one Tab stop; Enter, Space or a click on a card acts on it (``card_activated``)."""

    card_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("flowSteps")
        self.steps = StepModel(self)
        self.setModel(self.steps)
        self.delegate = StepDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName("Steps: the path as cards")
        self.setAccessibleDescription(
            "Up and down arrows move between the cards: what is still needed, the answers given, the next "
            "question and its options, the recommendations with status, evidence and reason, and the notes. "
            "Enter chooses an option, opens a regimen, or goes to a question to change it."
        )
        self._pressed_row = -1

    def set_cards(self, cards: Sequence[Card]) -> None:
        """Show ``cards``, keeping the current card (same kind and title) where it still exists."""
        current = self.current_card()
        self.steps.set_cards(cards)
        row = 0
        if current is not None:
            key = (current.kind, current.node, current.title, current.substitutes_for)
            for i, card in enumerate(cards):
                if (card.kind, card.node, card.title, card.substitutes_for) == key:
                    row = i
                    break
            else:
                row = self.first_actionable_row()
        else:
            row = self.first_actionable_row()
        if cards:
            self.setCurrentIndex(self.steps.index(row))
            self.scrollTo(self.steps.index(row), QAbstractItemView.ScrollHint.EnsureVisible)

    def set_local_marks(self, marks: LocalMarks) -> None:
        """Mark the box and regimen cards that have the hospital's local notes (⌂ LOCAL)."""
        self.steps.marks = marks
        self.delegate.clear()
        self.scheduleDelayedItemsLayout()
        self.viewport().update()

    def first_actionable_row(self) -> int:
        """The row to start on: the next question, else the first regimen, else the top."""
        cards = self.steps.cards
        for kind in ("question", "rec"):
            for i, card in enumerate(cards):
                if card.kind == kind:
                    return i
        return 0

    def current_card(self) -> Card | None:
        index = self.currentIndex()
        return index.data(CardRole) if index.isValid() else None

    def cards(self) -> list[Card]:
        return list(self.steps.cards)

    def changeEvent(self, event: Any) -> None:
        from PySide6.QtCore import QEvent

        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self.delegate.clear()
            self.scheduleDelayedItemsLayout()
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space, Qt.Key.Key_Select):
            card = self.current_card()
            if card is not None and card.actionable:
                self.card_activated.emit(card)
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        self._pressed_row = index.row() if index.isValid() else -1
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        index = self.indexAt(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and index.isValid() and index.row() == self._pressed_row:
            card = index.data(CardRole)
            if card is not None and card.kind in ("option", "rec"):
                self.card_activated.emit(card)
        self._pressed_row = -1
