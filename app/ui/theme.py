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

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QMenu,
    QMenuBar,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QStyleOptionComplex,
    QWidget,
)

_BASE_FONT = "mmguide_base_font_pt"
_ORIGINAL_STYLE = "mmguide_original_style"
_WATCHING = "mmguide_watching_scheme"
_CURRENT = "mmguide_theme"


@dataclass(frozen=True)
class Box:
    """A framed block that carries its own colours: background, text and border."""

    bg: str
    fg: str
    border: str

    def __iter__(self) -> Iterator[str]:
        return iter((self.bg, self.fg, self.border))


#: evidence badges: grade → (tint, ink, band). A badge carries its own light tint and dark ink in
#: every theme (the tag is always written out; colour is a cue). One table for the whole app: the
#: badges of every screen and the diagram's evidence tags. Severity runs green → blue → amber →
#: orange → red; panel consensus without a grade is violet.
GRADE_BADGES: dict[str, Box] = {
    "A": Box("#d4efdb", "#0a3d18", "#2e7d32"),
    "B": Box("#d9e7fb", "#0b3166", "#1f5fbf"),
    "C": Box("#fff0c2", "#4a3600", "#8a6500"),
    "D": Box("#ffe0cc", "#6b2600", "#b34a00"),
    "E": Box("#fbd3d3", "#6e0c0c", "#b3261e"),
    "PC": Box("#ece0f8", "#3f1670", "#6a3fa0"),
}
#: Table 1 of the guideline: requirement → its cell (self-contained, as the badges)
REQUIREMENT_CELLS: dict[str, Box] = {
    "obligatory": Box("#d4efdb", "#0a3d18", "#2e7d32"),
    "optional": Box("#d9e7fb", "#0b3166", "#1f5fbf"),
    "not_required": Box("#eceff1", "#2b2f33", "#5f6368"),
    "trials_only": Box("#ece0f8", "#3f1670", "#6a3fa0"),
    "conditional": Box("#fff0c2", "#4a3600", "#8a6500"),
}
#: the words a search matched, in a result (self-contained)
SEARCH_HIT = Box("#ffe066", "#000000", "#000000")
#: "untagged in Box 3" (self-contained, grey)
UNTAGGED = Box("#eeeeee", "#333333", "#5f6368")
#: a note of the hospital's local layer, per theme: teal with a dashed frame — a hue no evidence badge,
#: warning, quote or status uses — so it can never be read as the guideline (issue 13)
LOCAL_NOTES: dict[str, Box] = {
    "light": Box("#dff3f1", "#003d38", "#00796b"),
    "dark": Box("#0f2e2b", "#c9f2ec", "#4db6ac"),
    "high-contrast": Box("#000000", "#7ffff0", "#00e5d0"),
}
#: the label line of a local note ("Local — <hospital>, approved <date>"), drawn on the note's background
LOCAL_LABELS: dict[str, str] = {"light": "#00564e", "dark": "#8fe3d8", "high-contrast": "#ffffff"}


@dataclass(frozen=True)
class Colours:
    """Every colour role of one theme (the one registry; widgets never hard-code colours).

    Text roles read at 4.5:1 or more on the backgrounds they are drawn on, components (borders
    of fields and check boxes, the focus ring, box frames) at 3:1 or more
    (``tests/ui/test_contrast.py`` computes every pair, in every theme).
    """

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
    #: secondary text: where a statement stands, a subheading, a version line, a note
    muted: str
    #: a field's error message; "not recommended" in lists
    error: str
    #: the outline of text fields, drop-down lists, spin boxes, check boxes and radio buttons
    control_border: str
    #: the header row of a table drawn as rich text
    table_header: Box
    #: warnings of a result (unconfirmed cut-offs, borderline values, doses not given)
    warning: Box
    #: cautions that must not be missed (tocilizumab only with CRS, not recommended)
    danger: Box
    #: an erratum of the printed guideline; the content-age banner
    erratum: Box
    #: the guideline contradicting itself
    conflict: Box
    #: a verbatim quote of the guideline
    quote: Box


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
    muted="#5b5f66",
    error="#a4161a",
    control_border="#6b7078",
    table_header=Box("#e3e6ea", "#1b1c1e", "#6b7078"),
    warning=Box("#fff4d6", "#3d2a00", "#8f5b00"),
    danger=Box("#fde8e8", "#3b0a0a", "#9b1c1c"),
    erratum=Box("#fff4ce", "#3d2e00", "#7d6200"),
    conflict=Box("#e6ecfb", "#102a5c", "#3a5ba8"),
    quote=Box("#f1f3f4", "#1b1c1e", "#6b7078"),
)
DARK = Colours(
    window="#202124",
    window_text="#e8eaed",
    base="#17181a",
    alternate="#25272a",
    text="#e8eaed",
    button="#303236",
    button_text="#e8eaed",
    highlight="#2b63b8",
    highlighted_text="#ffffff",
    link="#8ab4f8",
    link_visited="#c58af9",
    mid="#80868b",
    placeholder="#aeb3b8",
    tooltip_base="#303236",
    tooltip_text="#e8eaed",
    focus="#8ab4f8",
    focus_width=2,
    muted="#b4b8bd",
    error="#f28b82",
    control_border="#9aa0a6",
    table_header=Box("#303236", "#e8eaed", "#9aa0a6"),
    warning=Box("#3a2e14", "#ffe8b0", "#f6c26b"),
    danger=Box("#3c1f1e", "#ffdad6", "#f28b82"),
    erratum=Box("#352e12", "#fff0b3", "#e0c25a"),
    conflict=Box("#1d2b45", "#d6e3ff", "#8ab4f8"),
    quote=Box("#2a2c30", "#e8eaed", "#9aa0a6"),
)
HIGH_CONTRAST = Colours(
    window="#000000",
    window_text="#ffffff",
    base="#000000",
    alternate="#141414",
    text="#ffffff",
    button="#000000",
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
    muted="#e0e0e0",
    error="#ff9e9e",
    control_border="#ffffff",
    table_header=Box("#333333", "#ffffff", "#ffffff"),
    warning=Box("#000000", "#ffffff", "#ffc640"),
    danger=Box("#000000", "#ffffff", "#ff7b7b"),
    erratum=Box("#000000", "#ffffff", "#ffd27f"),
    conflict=Box("#000000", "#ffffff", "#00ffff"),
    quote=Box("#000000", "#ffffff", "#ffffff"),
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
    _remember_original(app)  # so that restore_defaults can undo a scale applied without a theme
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
    for widget in app.allWidgets():
        if widget.property(_FONT_FACTOR) is not None:
            _apply_relative_font(widget)
        # a widget with a style sheet of its own keeps its old font until it is polished again
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
        if not isinstance(app.style(), BorderedStyle):
            app.setStyle(BorderedStyle(QStyleFactory.create("Fusion")))
        app.setPalette(palette_for(PALETTES[chosen]))
    apply_font_scale(app, font_scale)
    install_focus_ring(app)
    _watch_system_scheme(app)
    theme_notifier().changed.emit()
    return chosen


class BorderedStyle(QProxyStyle):
    """Fusion with the outline of every input control in the theme's ``control_border`` colour.

    Fusion derives its outlines from the window colour (``window.darker(140)``): 2.3:1 on white in
    the light theme, invisible in dark and high contrast (text fields without borders, unchecked
    check boxes that cannot be seen). This style draws Fusion's control and then its outline at
    3:1 or more against the field and the window (WCAG 1.4.11).
    """

    _OUTLINED = (
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorRadioButton,
        QStyle.PrimitiveElement.PE_PanelButtonCommand,
    )
    _COMPLEX = (QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox)

    def drawPrimitive(  # noqa: N802 - Qt override
        self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter, widget: Any = None
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameLineEdit:
            self._outline(option, painter)
            return
        super().drawPrimitive(element, option, painter, widget)
        if element in self._OUTLINED:
            self._outline(option, painter, round_=element == QStyle.PrimitiveElement.PE_IndicatorRadioButton)

    _SCALED_METRICS = (
        QStyle.PixelMetric.PM_IndicatorWidth,
        QStyle.PixelMetric.PM_IndicatorHeight,
        QStyle.PixelMetric.PM_ExclusiveIndicatorWidth,
        QStyle.PixelMetric.PM_ExclusiveIndicatorHeight,
    )

    def pixelMetric(  # noqa: N802 - Qt override
        self, metric: QStyle.PixelMetric, option: QStyleOption | None = None, widget: Any = None
    ) -> int:
        value = super().pixelMetric(metric, option, widget)
        if metric in self._SCALED_METRICS:
            return round(value * max(1.0, text_scale()))  # check boxes grow with the text
        return value

    def drawComplexControl(  # noqa: N802 - Qt override
        self, control: QStyle.ComplexControl, option: QStyleOptionComplex, painter: QPainter, widget: Any = None
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in self._COMPLEX and getattr(option, "frame", True):
            self._outline(option, painter)

    @staticmethod
    def _outline(option: QStyleOption, painter: QPainter, round_: bool = False) -> None:
        colours = current_colours()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        colour = QColor(colours.control_border if enabled else colours.mid)
        painter.setPen(QPen(colour, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if round_:
            painter.drawEllipse(rect)
        else:
            painter.drawRoundedRect(rect, 2.0, 2.0)
        painter.restore()


# ------------------------------------------------------------------------------- following the theme


class _ThemeNotifier(QObject):
    """Says that :func:`apply_theme` applied a theme. Palette events alone do not reach every
    widget: one with its own style sheet is not sent the application's palette change."""

    changed = Signal()


_NOTIFIER: _ThemeNotifier | None = None


def theme_notifier() -> _ThemeNotifier:
    global _NOTIFIER
    if _NOTIFIER is None:
        _NOTIFIER = _ThemeNotifier()
    return _NOTIFIER


class _ThemeFollower(QObject):
    """Calls back when the theme of the application changes (re-render colours baked into HTML)."""

    def __init__(self, widget: QWidget, callback: Any) -> None:
        super().__init__(widget)
        self._callback = callback
        self._theme = _theme_key()
        widget.installEventFilter(self)
        theme_notifier().changed.connect(self._check)

    def _check(self) -> None:
        key = _theme_key()
        if key != self._theme:
            self._theme = key
            self._callback()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.parent() and event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.StyleChange,
        ):
            self._check()
        return False


def _theme_key() -> str:
    app = QApplication.instance()
    theme = str(app.property(_CURRENT) or "system") if app is not None else "system"
    return effective_theme(theme)


def follow_theme(widget: QWidget, callback: Any) -> None:
    """Call ``callback()`` whenever the applied theme changes (``widget`` owns the watcher)."""
    _ThemeFollower(widget, callback)


def styled(widget: QWidget, sheet: Any) -> None:
    """Give ``widget`` the style sheet ``sheet(colours)`` of the current theme, and again on every change."""
    widget.setStyleSheet(sheet(current_colours()))
    follow_theme(widget, lambda: widget.setStyleSheet(sheet(current_colours())))


# ------------------------------------------------------------------------------- relative fonts
_FONT_FACTOR = "mmguide_font_factor"
_FONT_BOLD = "mmguide_font_bold"
_FONT_ITALIC = "mmguide_font_italic"


def relative_font(widget: QWidget, factor: float = 1.0, *, bold: bool = False, italic: bool = False) -> None:
    """Give ``widget`` a font ``factor`` × the application's (bold, italic) that follows the text size.

    A font set with ``setFont`` is frozen at the size of the moment: headings and headline
    results stayed the same size while the rest of the text grew. This records the factor and
    :func:`apply_font_scale` re-applies it.
    """
    widget.setProperty(_FONT_FACTOR, float(factor))
    widget.setProperty(_FONT_BOLD, bool(bold))
    widget.setProperty(_FONT_ITALIC, bool(italic))
    _apply_relative_font(widget)


def _apply_relative_font(widget: QWidget) -> None:
    font = QFont(QApplication.font())
    font.setPointSizeF(max(1.0, font.pointSizeF() * float(widget.property(_FONT_FACTOR))))
    font.setBold(bool(widget.property(_FONT_BOLD)))
    font.setItalic(bool(widget.property(_FONT_ITALIC)))
    widget.setFont(font)


def text_scale(app: QApplication | None = None) -> float:
    """The text size applied now, relative to the system's (1.0 = 100 %)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    base = app.property(_BASE_FONT) if app is not None else None
    if not base:
        return 1.0
    return QApplication.font().pointSizeF() / float(base)


def scaled_point_size(factor: float = 1.0) -> float:
    """``factor`` × the application's current text size, in points."""
    return QApplication.font().pointSizeF() * factor


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
        while widget is not None and (outer := widget.parentWidget()) is not None and outer.focusProxy() is widget:
            widget = outer  # ring the whole spin box, not its inner line edit
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
        parent = self.parentWidget()
        if visible.isEmpty() or parent is None:
            self.hide()
            return
        visible.translate(target.mapTo(parent, QPoint(0, 0)))
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


_PRINTING: list[bool] = []


@contextlib.contextmanager
def print_colours() -> Iterator[None]:
    """Within this block :func:`current_colours` is the light theme: documents printed on white paper."""
    _PRINTING.append(True)
    try:
        yield
    finally:
        _PRINTING.pop()


def current_colours(app: QApplication | None = None) -> Colours:
    """The colours of the theme now applied (for HTML rendered into text browsers)."""
    if _PRINTING:
        return LIGHT
    app = app or QApplication.instance()  # type: ignore[assignment]
    theme = str(app.property(_CURRENT) or "system") if app is not None else "system"
    return PALETTES[effective_theme(theme)]


def current_flow_colours(app: QApplication | None = None) -> FlowColours:
    """The flowchart colours of the theme now applied."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    theme = str(app.property(_CURRENT) or "system") if app is not None else "system"
    return FLOW_PALETTES[effective_theme(theme)]


def current_local_colours(app: QApplication | None = None) -> tuple[Box, str]:
    """The local-note box and label colour of the theme now applied (light when printing)."""
    if _PRINTING:
        return LOCAL_NOTES["light"], LOCAL_LABELS["light"]
    app = app or QApplication.instance()  # type: ignore[assignment]
    theme = effective_theme(str(app.property(_CURRENT) or "system") if app is not None else "system")
    return LOCAL_NOTES[theme], LOCAL_LABELS[theme]
