"""Themes (system, light, dark, high contrast), font scaling and an always-visible focus ring.

"system" follows the operating system's colour scheme (``QStyleHints.colorScheme`` where Qt
has it) and re-applies itself when the scheme changes. Light, dark and high contrast use the
Fusion style with a palette of their own, so they look the same on every platform. HiDPI
scaling is on by default in Qt 6; nothing here turns it off.

The focus outline is a :class:`FocusRing` drawn over whichever control has the keyboard focus,
in the theme's focus colour (3 px yellow in high contrast), rather than an application-wide
style sheet: with an application style sheet Qt stops passing a new application font on to
the widgets (Ctrl + / Ctrl − would do nothing) and every theme or zoom change re-polishes every
widget (measured: 4–5 s with all screens open). Widgets that carry a style sheet of their own
are refreshed after a font change (:func:`apply_font_scale`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QStyleFactory, QWidget

_BASE_FONT = "mmguide_base_font_pt"
_ORIGINAL_STYLE = "mmguide_original_style"
_WATCHING = "mmguide_watching_scheme"
_CURRENT = "mmguide_theme"


@dataclass(frozen=True)
class Colours:
    window: str
    window_text: str
    base: str
    alternate: str
    text: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    link: str
    link_visited: str
    mid: str
    placeholder: str
    tooltip_base: str
    tooltip_text: str
    focus: str
    focus_width: int


LIGHT = Colours(
    window="#f3f4f6",
    window_text="#1b1c1e",
    base="#ffffff",
    alternate="#f1f3f6",
    text="#1b1c1e",
    button="#e9ebef",
    button_text="#1b1c1e",
    highlight="#1f5fbf",
    highlighted_text="#ffffff",
    link="#0b4fb3",
    link_visited="#5b2a9e",
    mid="#9aa0a6",
    placeholder="#5f6368",
    tooltip_base="#ffffe1",
    tooltip_text="#000000",
    focus="#1f5fbf",
    focus_width=2,
)
DARK = Colours(
    window="#202124",
    window_text="#e8eaed",
    base="#17181a",
    alternate="#25272a",
    text="#e8eaed",
    button="#303236",
    button_text="#e8eaed",
    highlight="#3b78d8",
    highlighted_text="#ffffff",
    link="#8ab4f8",
    link_visited="#c58af9",
    mid="#80868b",
    placeholder="#aeb3b8",
    tooltip_base="#303236",
    tooltip_text="#e8eaed",
    focus="#8ab4f8",
    focus_width=2,
)
HIGH_CONTRAST = Colours(
    window="#000000",
    window_text="#ffffff",
    base="#000000",
    alternate="#141414",
    text="#ffffff",
    button="#666666",
    button_text="#ffffff",
    highlight="#ffff00",
    highlighted_text="#000000",
    link="#00ffff",
    link_visited="#ff80ff",
    mid="#ffffff",
    placeholder="#e0e0e0",
    tooltip_base="#000000",
    tooltip_text="#ffffff",
    focus="#ffff00",
    focus_width=3,
)
PALETTES = {"light": LIGHT, "dark": DARK, "high-contrast": HIGH_CONTRAST}


# ------------------------------------------------------------------------------- flowcharts
@dataclass(frozen=True)
class StatusColour:
    """How one status of a listed regimen is drawn: its ink (glyph, words, border) and its tint."""

    ink: str
    tint: str


@dataclass(frozen=True)
class FlowColours:
    """The flowchart diagram and its result list in one theme.

    ``status`` maps each status of a listed regimen (``applies``, ``possible``, ``fallback``,
    ``unavailable``, ``already-received``, ``excluded``) to its colours. Every ink reads at 4.5:1
    or more on ``paper`` and on the theme's base colour (7:1 in high contrast); the status is
    always written out as well, so colour never carries it alone.
    """

    paper: str
    ink: str
    muted: str
    line: str
    path: str
    possible: str
    question_fill: str
    question_path_fill: str
    rec_fill: str
    rec_path_fill: str
    entry_fill: str
    entry_line: str
    chip_fill: str
    chip_chosen_ink: str
    focus_outer: str
    focus_inner: str
    tier: dict[str, str]
    status: dict[str, StatusColour]
    faded_opacity: float  # boxes, arrows and options the answers rule out


FLOW_LIGHT = FlowColours(
    paper="#fbfbf8",
    ink="#1f1f1f",
    muted="#5f5f5f",
    line="#8a8a8a",
    path="#0b3d91",
    possible="#1565c0",
    question_fill="#e9eef6",
    question_path_fill="#d3e2fb",
    rec_fill="#ffffff",
    rec_path_fill="#f1f6ff",
    entry_fill="#ffffff",
    entry_line="#c4c4c4",
    chip_fill="#ffffff",
    chip_chosen_ink="#ffffff",
    focus_outer="#ffd600",
    focus_inner="#000000",
    tier={"preferred": "#1b5e20", "other": "#424242", "if-unavailable": "#6d4c41", "conditional": "#4a148c"},
    status={
        "applies": StatusColour("#0b3d91", "#e3ecfa"),
        "possible": StatusColour("#1559b0", "#eef4fd"),
        "fallback": StatusColour("#7a4500", "#fff3e0"),
        "unavailable": StatusColour("#555a60", "#eeeff1"),
        "already-received": StatusColour("#5b2a86", "#f3ecfa"),
        "excluded": StatusColour("#a4161a", "#fdecec"),
    },
    faded_opacity=0.28,
)
FLOW_DARK = FlowColours(
    paper="#1b1c1f",
    ink="#e8eaed",
    muted="#aeb3b8",
    line="#80868b",
    path="#8ab4f8",
    possible="#7fa8e6",
    question_fill="#253044",
    question_path_fill="#2e4468",
    rec_fill="#222326",
    rec_path_fill="#1e2a3e",
    entry_fill="#17181a",
    entry_line="#5f6368",
    chip_fill="#222326",
    chip_chosen_ink="#0b1a33",
    focus_outer="#ffd600",
    focus_inner="#000000",
    tier={"preferred": "#81c995", "other": "#c4c7cc", "if-unavailable": "#e3b98f", "conditional": "#d7aefb"},
    status={
        "applies": StatusColour("#8ab4f8", "#1d2b45"),
        "possible": StatusColour("#a8c7fa", "#1f2633"),
        "fallback": StatusColour("#f6c26b", "#3a2e14"),
        "unavailable": StatusColour("#bdc1c6", "#2b2c30"),
        "already-received": StatusColour("#d7aefb", "#33264a"),
        "excluded": StatusColour("#f28b82", "#3c1f1e"),
    },
    faded_opacity=0.35,
)
FLOW_HIGH_CONTRAST = FlowColours(
    paper="#000000",
    ink="#ffffff",
    muted="#e0e0e0",
    line="#c0c0c0",
    path="#00ffff",
    possible="#00ffff",
    question_fill="#000000",
    question_path_fill="#002b2b",
    rec_fill="#000000",
    rec_path_fill="#001f1f",
    entry_fill="#000000",
    entry_line="#c0c0c0",
    chip_fill="#000000",
    chip_chosen_ink="#000000",
    focus_outer="#ffff00",
    focus_inner="#000000",
    tier={"preferred": "#7cff7c", "other": "#ffffff", "if-unavailable": "#ffd27f", "conditional": "#ff9eff"},
    status={
        "applies": StatusColour("#00ffff", "#002b2b"),
        "possible": StatusColour("#80dfff", "#000000"),
        "fallback": StatusColour("#ffc640", "#2b1f00"),
        "unavailable": StatusColour("#e0e0e0", "#1a1a1a"),
        "already-received": StatusColour("#ff9eff", "#2b002b"),
        "excluded": StatusColour("#ff7b7b", "#330000"),
    },
    faded_opacity=0.5,
)
FLOW_PALETTES = {"light": FLOW_LIGHT, "dark": FLOW_DARK, "high-contrast": FLOW_HIGH_CONTRAST}


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def system_scheme() -> str:
    """``"dark"`` or ``"light"``: what the operating system asks for (light when unknown)."""
    app = QApplication.instance()
    hints = app.styleHints() if isinstance(app, QApplication) else None
    scheme = getattr(hints, "colorScheme", None)
    if scheme is None:
        return "light"
    return "dark" if scheme() == Qt.ColorScheme.Dark else "light"


def effective_theme(theme: str) -> str:
    """The palette actually used for ``theme``: ``system`` resolves to light or dark."""
    if theme in PALETTES:
        return theme
    return system_scheme()


def palette_for(colours: Colours) -> QPalette:
    pal = QPalette()
    role = QPalette.ColorRole
    pairs = {
        role.Window: colours.window,
        role.WindowText: colours.window_text,
        role.Base: colours.base,
        role.AlternateBase: colours.alternate,
        role.Text: colours.text,
        role.Button: colours.button,
        role.ButtonText: colours.button_text,
        role.Highlight: colours.highlight,
        role.HighlightedText: colours.highlighted_text,
        role.Link: colours.link,
        role.LinkVisited: colours.link_visited,
        role.Mid: colours.mid,
        role.Dark: colours.mid,
        role.Midlight: colours.alternate,
        role.Light: colours.base,
        role.Shadow: "#000000",
        role.PlaceholderText: colours.placeholder,
        role.ToolTipBase: colours.tooltip_base,
        role.ToolTipText: colours.tooltip_text,
        role.BrightText: colours.highlight,
    }
    for r, value in pairs.items():
        pal.setColor(r, QColor(value))
    disabled = QColor(colours.placeholder)
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, r, disabled)
    return pal


def apply_font_scale(app: QApplication, scale: float) -> None:
    """Scale the application font; every widget that does not set its own size follows."""
    base = app.property(_BASE_FONT)
    if not base:
        base = app.font().pointSizeF()
        if base <= 0:
            base = 10.0
        app.setProperty(_BASE_FONT, base)
    font = QFont(app.font())
    font.setPointSizeF(max(5.0, float(base) * scale))
    if font == app.font():
        return
    app.setFont(font)
    # A widget with a style sheet of its own keeps its old font until it is polished again.
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)


_ORIGINAL: dict[str, Any] = {}


def _remember_original(app: QApplication) -> None:
    if not _ORIGINAL:
        _ORIGINAL.update(style=app.style().name(), palette=QPalette(app.palette()), font=QFont(app.font()))


def restore_defaults(app: QApplication) -> None:
    """Undo every theme and font change (tests use it so that one test's theme never leaks)."""
    if not _ORIGINAL:
        return
    style = str(_ORIGINAL["style"])
    if app.style().name().lower() != style.lower():
        app.setStyle(QStyleFactory.create(style))
    app.setPalette(_ORIGINAL["palette"])
    app.setFont(_ORIGINAL["font"])
    app.setProperty(_CURRENT, None)
    app.setProperty(_BASE_FONT, None)


def apply_theme(app: QApplication, theme: str, font_scale: float = 1.0) -> str:
    """Apply ``theme`` (system/light/dark/high-contrast) and the font scale; returns the palette used."""
    _remember_original(app)
    original = str(_ORIGINAL["style"])
    app.setProperty(_CURRENT, theme)
    chosen = effective_theme(theme)
    if theme == "system" and chosen == "light" and original.lower() != "fusion":
        # the platform's own style and palette (Windows, macOS): what the OS asks for
        if app.style().name().lower() != original.lower():
            app.setStyle(QStyleFactory.create(original))
        app.setPalette(app.style().standardPalette())
    else:
        if app.style().name().lower() != "fusion":
            app.setStyle(QStyleFactory.create("Fusion"))
        app.setPalette(palette_for(PALETTES[chosen]))
    apply_font_scale(app, font_scale)
    install_focus_ring(app)
    _watch_system_scheme(app)
    return chosen


class FocusRing(QWidget):
    """An outline drawn over the control that has the keyboard focus (never takes input).

    It is a child of the control's window, not of the control's parent: a splitter would
    take a new child for one of its panes.
    """

    def __init__(self) -> None:
        super().__init__(None)
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QWidget | None = None
        self._watched: list[QWidget] = []

    def follow(self, widget: QWidget | None) -> None:
        for watched in self._watched:
            if shiboken6.isValid(watched):
                watched.removeEventFilter(self)
        self._watched = []
        self.target = None
        while widget is not None and widget.parentWidget() is not None and widget.parentWidget().focusProxy() is widget:
            widget = widget.parentWidget()  # ring the whole spin box, not its inner line edit
        if (
            widget is None
            or widget.isWindow()
            or isinstance(widget, (QMenu, QMenuBar))
            or widget.focusPolicy() == Qt.FocusPolicy.NoFocus
        ):
            self.hide()
            return
        self.target = widget
        window = widget.window()
        ancestor: QWidget | None = widget
        while ancestor is not None and ancestor is not window:
            ancestor.installEventFilter(self)
            self._watched.append(ancestor)
            ancestor = ancestor.parentWidget()
        if self.parentWidget() is not window:
            self.setParent(window)
        self.place()

    def place(self) -> None:
        target = self.target
        if target is None or not shiboken6.isValid(target) or not target.isVisible():
            self.hide()
            return
        visible = target.visibleRegion().boundingRect()
        if visible.isEmpty():
            self.hide()
            return
        visible.translate(target.mapTo(self.parentWidget(), QPoint(0, 0)))
        self.setGeometry(visible)
        self.raise_()
        self.show()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type()
            in (
                QEvent.Type.Move,
                QEvent.Type.Resize,
                QEvent.Type.Show,
                QEvent.Type.Hide,
                QEvent.Type.ZOrderChange,
            )
            and watched in self._watched
        ):
            self.place()
        return False

    def paintEvent(self, _event: QPaintEvent) -> None:
        colours = current_colours()
        painter = QPainter(self)
        pen = QPen(QColor(colours.focus), colours.focus_width)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = colours.focus_width / 2
        painter.drawRect(QRectF(self.rect()).adjusted(half, half, -half, -half))
        painter.end()


_RINGS: dict[int, FocusRing] = {}


def focus_ring(app: QApplication | None = None) -> FocusRing | None:
    app = app or QApplication.instance()  # type: ignore[assignment]
    ring = _RINGS.get(id(app))
    return ring if ring is not None and shiboken6.isValid(ring) else None


def install_focus_ring(app: QApplication) -> FocusRing:
    """Draw the focus ring from now on (once per application)."""
    ring = focus_ring(app)
    if ring is not None:
        return ring
    first = id(app) not in _RINGS
    ring = FocusRing()
    _RINGS[id(app)] = ring
    if first:
        app.focusChanged.connect(_focus_changed)
    ring.follow(app.focusWidget())
    return ring


def _focus_changed(_old: QWidget | None, new: QWidget | None) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    ring = focus_ring(app)
    if ring is None:  # its parent was deleted with a window: make a new one
        _RINGS.pop(id(app), None)
        ring = FocusRing()
        _RINGS[id(app)] = ring
    ring.follow(new)


def _watch_system_scheme(app: QApplication) -> None:
    if app.property(_WATCHING):
        return
    signal = getattr(app.styleHints(), "colorSchemeChanged", None)
    if signal is None:
        return
    app.setProperty(_WATCHING, True)

    def changed(*_: object) -> None:
        if app.property(_CURRENT) == "system":
            scale = 1.0
            base = app.property(_BASE_FONT)
            if base:
                scale = app.font().pointSizeF() / float(base)
            apply_theme(app, "system", scale)

    signal.connect(changed)


def current_colours(app: QApplication | None = None) -> Colours:
    """The colours of the theme now applied (for HTML rendered into text browsers)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    theme = str(app.property(_CURRENT) or "system") if app is not None else "system"
    return PALETTES[effective_theme(theme)]


def current_flow_colours(app: QApplication | None = None) -> FlowColours:
    """The flowchart colours of the theme now applied."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    theme = str(app.property(_CURRENT) or "system") if app is not None else "system"
    return FLOW_PALETTES[effective_theme(theme)]
