"""The side panel of a flowchart: one control per fact of the figure, each with "unknown".

The questions come in the order the diagram asks them (:func:`questions_in_order`), then the
facts the regimens' conditions, the side boxes and availability need.

- yes/no and enumerated facts: a combo box whose first choice is an explicit "Unknown";
- one regimen (``induction_regimen``): a combo box, "Unknown" first, then the regimens of the
  figure's boxes of that stage (Fig. 1 induction: DaraVRd, IsaVRd, DaraVTd, VRd), then every
  other regimen of the glossary;
- numbers: a spin box with its unit, whose lowest position reads "Unknown";
- lists (``unavailable``, ``previously_received``, ``refractory_to``): a checkable list whose
  first entry is "None of these"; nothing ticked means unknown. A name the list does not offer
  (a drug, a brand, a class) can be added below it.

The questions that can still change the answer on the current branch are highlighted and
listed ("Still needed: …", :mod:`app.services.flow_questions`); the ones that only refine it
(availability, Fig. 2's side box) are named on a line of their own ("Optional: …"). Every
control is named for screen readers by its question (drop-down lists included:
:mod:`app.ui.accessible`). Answers
the guide refuses (an impossible combination, an unknown name) are shown next to the field
they concern, in the panel's own words (:meth:`FlowPanel.show_error`). The panel only holds
what is on screen; nothing is ever saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QPersistentModelIndex, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.flowchart.model import FactSpec, Figure, QuestionNode, RecommendationNode
from app.services.flow_questions import StillNeeded
from app.services.flow_words import number_words
from app.ui.accessible import install_accessible_names
from app.ui.flow_status import VALUE_WORDS, plain_words

NONE_KEY = "__none__"
LOCAL_AVAILABLE = "local_available"
UNKNOWN = "Unknown"

_Index = QModelIndex | QPersistentModelIndex

ENUM_LABELS = VALUE_WORDS


class CheckListModel(QAbstractListModel):
    """A checkable list with an exclusive "None of these" first row. Nothing ticked = unknown."""

    checked_changed = Signal()

    def __init__(self, choices: Sequence[tuple[str, str]], parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = [(NONE_KEY, "None of these"), *choices]
        self._checked: set[str] = set()

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        key, label = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return label
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if key in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return key
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Tick if none of these applies" if key == NONE_KEY else label
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        key = self._rows[index.row()][0]
        on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        checked = set(self._checked)
        if on:
            checked = {NONE_KEY} if key == NONE_KEY else (checked - {NONE_KEY}) | {key}
        else:
            checked.discard(key)
        self._set(checked)
        return True

    # -- values ---------------------------------------------------------------------------
    def choice_keys(self) -> list[str]:
        return [k for k, _ in self._rows[1:]]

    def value(self) -> list[str] | None:
        if not self._checked:
            return None
        return [k for k, _ in self._rows[1:] if k in self._checked]

    def add_checked(self, name: str) -> str:
        """Tick ``name``, adding it as a row if the list does not offer it; returns the key ticked."""
        wanted = " ".join(name.split())
        key = next((k for k, label in self._rows[1:] if wanted.casefold() in (k.casefold(), label.casefold())), None)
        if key is None:
            key = wanted
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append((key, key))
            self.endInsertRows()
        self._set((self._checked - {NONE_KEY}) | {key})
        return key

    def set_value(self, value: Sequence[str] | None, emit: bool = False) -> None:
        if value is None:
            checked: set[str] = set()
        elif not value:
            checked = {NONE_KEY}
        else:
            known = set(self.choice_keys())
            for v in value:
                if v not in known:  # a name the list does not offer (e.g. carried over): keep it
                    self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
                    self._rows.append((v, v))
                    self.endInsertRows()
                    known.add(v)
            checked = set(value)
        self._set(checked, emit=emit)

    def _set(self, checked: set[str], emit: bool = True) -> None:
        if checked == self._checked:
            return
        self._checked = checked
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), [Qt.ItemDataRole.CheckStateRole])
        if emit:
            self.checked_changed.emit()


# Fixed colour pairs (text on their own background, above 7:1), the same in every theme. They are
# palettes, not a style sheet: a style sheet would freeze the panel's other widgets in the palette
# of the theme active when it was applied, and a theme change would leave them behind.
MISSING = ("#fff4cc", "#1f1f1f", "#b26a00")  # background, text, edge
NEED_MARK_INK = "#6b3f00"
INVALID_EDGE = "#a4161a"
STILL_NEEDED = ("#fff4cc", "#3d2500", "#b26a00")
NOTHING_NEEDED = ("#e6f4ea", "#0d3b1e", "#2e7d32")
CARRIED = ("#e3f2fd", "#0b2d5c", "#1565c0")
ERROR = ("#fdecec", "#7a0d10", "#a4161a")


def _fixed_palette(background: str | None, text: str) -> QPalette:
    """A palette that sets only these roles; every other role follows the theme."""
    pal = QPalette()
    if background is not None:
        pal.setColor(QPalette.ColorRole.Window, QColor(background))
    pal.setColor(QPalette.ColorRole.WindowText, QColor(text))
    return pal


class BoxedLabel(QLabel):
    """A word-wrapped note on its own background with a coloured border, in every theme."""

    def __init__(self, colours: tuple[str, str, str], bold: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colours: tuple[str, str, str] | None = None
        self.setWordWrap(True)
        self.setMargin(4)
        self.setAutoFillBackground(True)
        self.set_colours(colours)
        if bold:
            font = self.font()
            font.setBold(True)
            self.setFont(font)

    def set_colours(self, colours: tuple[str, str, str]) -> None:
        if colours == self._colours:
            return
        self._colours = colours
        self._edge = QColor(colours[2])
        self.setPalette(_fixed_palette(colours[0], colours[1]))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setPen(QPen(self._edge, 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        painter.end()


def fit_lines(font: QFont, text: str, width: int, lines: int) -> str:
    """``text`` cut at a word (with " …") so that it takes at most ``lines`` lines ``width`` wide."""
    fm = QFontMetricsF(font)
    room = fm.lineSpacing() * lines + 1
    flags = int(Qt.TextFlag.TextWordWrap)

    def fits(candidate: str) -> bool:
        return fm.boundingRect(QRectF(0, 0, max(width, 20), 100_000), flags, candidate).height() <= room

    if fits(text):
        return text
    words = text.split(" ")
    lo, hi = 0, len(words)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(" ".join(words[:mid]) + " …"):
            lo = mid
        else:
            hi = mid - 1
    return " ".join(words[:lo]) + " …"


class FittedBoxedLabel(BoxedLabel):
    """A :class:`BoxedLabel` always ``lines`` lines high, its text cut at a word when longer (whole text as tooltip).

    For the box above the questions that changes on every answer: a box whose height followed its
    text would push every question down (or up) under the pointer.
    """

    def __init__(self, colours: tuple[str, str, str], lines: int, parent: QWidget | None = None) -> None:
        self.lines = lines
        self.full_text = ""
        super().__init__(colours, parent=parent)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._fix_height()

    def _fix_height(self) -> None:
        fm = QFontMetricsF(self.font())
        self.setFixedHeight(int(fm.lineSpacing() * self.lines + 2 * self.margin() + 4))

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        if text == self.full_text:
            return
        self.full_text = text
        self.setToolTip(text)
        self._fit()

    def text(self) -> str:
        return self.full_text

    def _fit(self) -> None:
        width = self.width() - 2 * self.margin() - 4
        QLabel.setText(self, fit_lines(self.font(), self.full_text, width, self.lines))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fix_height()
            self._fit()


class CheckDelegate(QStyledItemDelegate):
    """Draws each check box's outline in the text colour: Fusion's own outline is lost on a dark base."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        super().paint(painter, option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        box = style.subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, opt, widget)
        if box.isValid():
            painter.save()
            painter.setPen(QPen(opt.palette.color(QPalette.ColorRole.Text), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(box.adjusted(1, 1, -2, -2))
            painter.restore()


class FactControl(QFrame):
    """One fact: its prompt, its control and a "needed" mark."""

    changed = Signal()

    def __init__(
        self,
        spec: FactSpec,
        choices: Sequence[tuple[str, str]] = (),
        parent: QWidget | None = None,
        more_choices: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"fact-{spec.name}")
        self.setProperty("missing", False)
        self.setProperty("invalid", False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)
        self.label = QLabel(spec.prompt + (f" ({spec.unit})" if spec.unit and spec.type in ("int", "number") else ""))
        self.label.setWordWrap(True)
        self.need_mark = QLabel("Still needed")
        self.need_mark.setObjectName("needMark")
        self.need_mark.setPalette(_fixed_palette(None, NEED_MARK_INK))
        bold = self.need_mark.font()
        bold.setBold(True)
        self.need_mark.setFont(bold)
        self.need_mark.setVisible(False)
        # the question has the whole width; the mark sits beside the answer, whose width alone changes
        # when it shows: nothing above or below moves
        layout.addWidget(self.label)
        self.widget: QWidget
        self.model: CheckListModel | None = None
        self.add_edit: QLineEdit | None = None
        self._extras: list[QWidget] = []
        self._sentinel: float | None = None
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if spec.type == "regimen":
            combo = QComboBox()
            combo.addItem(UNKNOWN, None)
            for key, label in choices:
                combo.addItem(label, key)
            if more_choices:
                combo.insertSeparator(combo.count())
                # the separator row is read out too: say what follows it
                combo.setItemData(combo.count() - 1, "Other regimens", Qt.ItemDataRole.AccessibleTextRole)
                for key, label in more_choices:
                    combo.addItem(key, key)
                    combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            _narrowable(combo)
            self.widget = combo
            row.addWidget(combo, 1)
        elif spec.type in ("bool", "enum"):
            combo = QComboBox()
            combo.addItem(UNKNOWN, None)
            if spec.type == "bool":
                combo.addItem("Yes", True)
                combo.addItem("No", False)
            else:
                for v in spec.values or []:
                    combo.addItem(ENUM_LABELS.get(v, v), v)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            _narrowable(combo)
            self.widget = combo
            row.addWidget(combo, 1)
        elif spec.type in ("int", "number"):
            box: QSpinBox | QDoubleSpinBox
            lo = spec.minimum if spec.minimum is not None else 0
            hi = spec.maximum if spec.maximum is not None else 1000
            if spec.type == "int":
                box = QSpinBox()
                box.setRange(int(lo) - 1, int(hi))
                self._sentinel = int(lo) - 1
            else:
                box = QDoubleSpinBox()
                box.setDecimals(1)
                box.setRange(float(lo) - 1, float(hi))
                self._sentinel = float(lo) - 1
            box.setSpecialValueText(UNKNOWN)
            box.setValue(self._sentinel)  # type: ignore[arg-type]
            if spec.unit:
                box.setSuffix(f" {spec.unit}")
            box.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
            box.valueChanged.connect(lambda _v: self.changed.emit())
            self.widget = box
            row.addWidget(box, 1)
            clear = QToolButton()
            clear.setText("×")
            clear.setToolTip("Set back to unknown")
            clear.setAccessibleName(f"Clear: {spec.prompt}")
            clear.clicked.connect(lambda: self.set_value(None, emit=True))
            row.addWidget(clear)
            self._extras.append(clear)
        else:
            values = (
                list(choices)
                if spec.type == "regimen_list"
                else [(v, ENUM_LABELS.get(v, v)) for v in spec.values or []]
            )
            self.model = CheckListModel(values, self)
            view = QListView()
            view.setModel(self.model)
            view.setItemDelegate(CheckDelegate(view))
            view.setUniformItemSizes(True)
            rows = min(len(values) + 1, 6)
            view.setFixedHeight(int(rows * (view.fontMetrics().height() + 6) + 8))
            self.model.checked_changed.connect(self.changed.emit)
            self.widget = view
            row.addWidget(view, 1)
        if self.model is None:  # a list keeps its width: its mark goes beside "Add" below it
            row.addWidget(self.need_mark, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        if self.model is not None:
            add_row = QHBoxLayout()
            add_row.setContentsMargins(0, 0, 0, 0)
            self.add_edit = QLineEdit()
            self.add_edit.setPlaceholderText(
                "Another drug name (e.g. teclistamab)" if spec.type == "enum_list" else "Another name, brand or class"
            )
            self.add_edit.setAccessibleName(f"Add a name to: {spec.prompt}")
            self.add_edit.setAccessibleDescription(
                "Type a name the list does not offer and press Enter; the guide checks it and says if it is unknown."
            )
            add_button = QPushButton("Add")
            add_button.setAccessibleName(f"Add the typed name to: {spec.prompt}")
            self.add_edit.returnPressed.connect(self.add_typed)
            add_button.clicked.connect(self.add_typed)
            add_row.addWidget(self.add_edit, 1)
            add_row.addWidget(add_button)
            add_row.addWidget(self.need_mark)
            self._extras += [self.add_edit, add_button]
            layout.addLayout(add_row)
        self.error = BoxedLabel(ERROR, bold=True)
        self.error.setObjectName("factError")
        self.error.setVisible(False)
        self.error.setAccessibleName(f"Not accepted: {spec.prompt}")
        layout.addWidget(self.error)
        self.widget.setAccessibleName(spec.prompt)
        description = spec.help or spec.prompt
        if spec.type in ("enum_list", "regimen_list"):
            description += " Tick “None of these” if none applies; nothing ticked means unknown."
        self._description = description
        self._error_text: str | None = None
        self.widget.setAccessibleDescription(description)
        if spec.help:
            self.widget.setToolTip(spec.help)
            self.label.setToolTip(spec.help)
        self.label.setBuddy(self.widget)

    def extra_widgets(self) -> list[QWidget]:
        """Focusable widgets besides the main control (clear button, the "add a name" field and button)."""
        return list(self._extras)

    def add_typed(self) -> None:
        if self.add_edit is None or self.model is None:
            return
        name = self.add_edit.text().strip()
        if not name:
            return
        self.model.add_checked(name)
        self.add_edit.clear()

    # -- value ---------------------------------------------------------------------------
    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QSpinBox | QDoubleSpinBox):
            v = w.value()
            if self._sentinel is not None and v <= self._sentinel:
                return None
            return int(v) if self.spec.type == "int" else float(v)
        assert self.model is not None
        return self.model.value()

    def set_value(self, value: Any, emit: bool = False) -> None:
        w = self.widget
        w.blockSignals(True)
        try:
            if isinstance(w, QComboBox):
                i = w.findData(value) if value is not None else 0
                if i < 0 and self.spec.type == "regimen" and isinstance(value, str):
                    w.addItem(value, value)  # a name the combo does not offer (e.g. carried over): keep it
                    i = w.count() - 1
                w.setCurrentIndex(max(i, 0))
            elif isinstance(w, QSpinBox | QDoubleSpinBox):
                w.setValue(self._sentinel if value is None else value)  # type: ignore[arg-type]
            else:
                assert self.model is not None
                self.model.set_value(value)
        finally:
            w.blockSignals(False)
        if emit:
            self.changed.emit()

    def _describe(self) -> None:
        """The control's accessible description: what is wrong or needed first, then its help."""
        parts = []
        if self._error_text:
            parts.append(f"Not accepted: {self._error_text}")
        if self.property("missing"):
            parts.append("Still needed.")
        self.widget.setAccessibleDescription(" ".join([*parts, self._description]))

    def set_error(self, text: str | None) -> None:
        """Show why the answer is not accepted, under the field (None clears it)."""
        invalid = bool(text)
        self.error.setText(f"⚠ Not accepted: {text}" if text else "")
        self.error.setVisible(invalid)
        self._error_text = text or None
        self._describe()
        if bool(self.property("invalid")) != invalid:
            self.setProperty("invalid", invalid)
            self.update()

    def set_missing(self, missing: bool) -> None:
        if bool(self.property("missing")) == missing:
            return
        self.setProperty("missing", missing)
        self.need_mark.setVisible(missing)
        self._describe()
        # the amber background is painted here and only the question's label changes its palette: a
        # palette on the whole field would repaint its list and every other child on each answer
        self.label.setPalette(_fixed_palette(None, MISSING[1]) if missing else QPalette())
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The background of a field still needed, and its edge (amber), or the edge of one not accepted (red)."""
        super().paintEvent(event)
        missing = bool(self.property("missing"))
        edge = INVALID_EDGE if self.property("invalid") else MISSING[2] if missing else None
        if missing or edge is not None:
            painter = QPainter(self)
            if missing:
                painter.fillRect(self.rect(), QColor(MISSING[0]))
            if edge is not None:
                painter.fillRect(0, 0, 4, self.height(), QColor(edge))
            painter.end()


class FlowPanel(QWidget):
    """The questions of one figure. ``facts_changed`` carries the whole current answer set."""

    facts_changed = Signal(dict)

    def __init__(self, figure: Figure, parent: QWidget | None = None, regimens: Sequence[tuple[str, str]] = ()) -> None:
        """``regimens``: (abbreviation, name) of every regimen of the glossary, for one-regimen facts."""
        install_accessible_names()
        super().__init__(parent)
        self.figure = figure
        self.setObjectName("flowPanel")
        self.setAccessibleName(f"Questions of {figure.id.replace('fig', 'Fig. ')}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.carried = BoxedLabel(CARRIED)
        self.carried.setObjectName("carried")
        self.carried.setVisible(False)
        self.carried.setAccessibleName("Carried over from calculator")
        layout.addWidget(self.carried)
        self.still_needed = FittedBoxedLabel(STILL_NEEDED, lines=4)
        self.still_needed.setObjectName("stillNeeded")
        self.still_needed.setAccessibleName("Still needed")
        layout.addWidget(self.still_needed)
        self._needed_text = ""
        self._needed_tip = ""
        self.optional_text = ""  # the questions that only refine the answer, shown in the same box
        self._optional_tip = ""
        self.controls: dict[str, FactControl] = {}
        choices = regimen_choices(figure)
        for spec in questions_in_order(figure):
            if spec.type == "regimen":
                first = stage_regimens(figure, spec.name.removesuffix("_regimen")) or choices
                shown = {k for k, _ in first}
                control = FactControl(spec, first, more_choices=[(k, n) for k, n in regimens if k not in shown])
            else:
                control = FactControl(spec, choices)
            control.changed.connect(self._emit)
            self.controls[spec.name] = control
            layout.addWidget(control)
        layout.addStretch(1)
        self._missing: list[str] = []

    def set_local_formulary(self, unavailable: Sequence[tuple[str, str]], hospital: str) -> None:
        """The per-patient override of the hospital's local formulary (fact ``local_available``): a list of
        the regimens the installed local layer marks as not available, (regimen, reason); kept in memory
        only, like every answer. Nothing is shown when the layer lists none."""
        old = self.controls.pop(LOCAL_AVAILABLE, None)
        if old is not None:
            old.setParent(None)
            old.deleteLater()
        if not unavailable:
            return
        spec = FactSpec(
            name=LOCAL_AVAILABLE, type="regimen_list",
            prompt=f"Local formulary override (this patient only): offer although not available at {hospital}",
            help="The hospital's local layer marks these regimens as not on its formulary; tick one to list it "
                 "again for this patient. Nothing is saved. " + " ".join(f"{r}: {why}" for r, why in unavailable),
        )
        control = FactControl(spec, [(r, r) for r, _why in unavailable])
        control.changed.connect(self._emit)
        self.controls[LOCAL_AVAILABLE] = control
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(layout.count() - 1, control)  # before the closing stretch

    def _emit(self) -> None:
        self.facts_changed.emit(self.facts())

    def facts(self) -> dict[str, Any]:
        out = {}
        for name, control in self.controls.items():
            v = control.value()
            if v is not None:
                out[name] = v
        return out

    def set_facts(self, facts: dict[str, Any]) -> None:
        """Show ``facts`` (absent names become unknown) without emitting ``facts_changed``."""
        for name, control in self.controls.items():
            control.set_value(facts.get(name))

    def first_control(self) -> QWidget | None:
        """The control of the first question (where the screen puts the keyboard focus first)."""
        return next(iter(self.controls.values())).widget if self.controls else None

    def focus_widgets(self) -> list[QWidget]:
        """Every focusable control of the panel in reading order (for the screen's Tab order)."""
        out: list[QWidget] = []
        for control in self.controls.values():
            out.append(control.widget)
            out += [w for w in control.extra_widgets() if w is not None]
        return out

    def set_questions(self, still: StillNeeded | None) -> None:
        """Mark the questions still needed and name the optional ones; None: nothing evaluated (refused)."""
        if still is None:
            self.optional_text = self._optional_tip = ""
            self.set_missing(None)
            return
        self.optional_text = self._optional_tip = ""
        if still.optional:
            groups: dict[str, list[str]] = {}
            for q in still.optional:
                groups.setdefault(q.why.split(":")[0], []).append(q.prompt)
            parts = []
            for why, prompts in groups.items():
                if why.startswith("Availability"):
                    parts.append("availability")
                else:
                    parts.append(f"{why.lower()} ({len(prompts)} question{'s' if len(prompts) != 1 else ''})")
            self.optional_text = "Optional (refines the answer): " + "; ".join(parts) + "."
            self._optional_tip = "Optional:\n" + "\n".join(f"• {q.prompt} — {q.why}" for q in still.optional)
        self.set_missing(still.needed_facts)

    def set_missing(self, names: Sequence[str] | None) -> None:
        """Mark the facts still needed; None: not known (the answers were refused, nothing evaluated)."""
        self._missing = list(names or [])
        for name, control in self.controls.items():
            control.set_missing(name in self._missing)
        self.still_needed.set_colours(NOTHING_NEEDED if names is not None and not names else STILL_NEEDED)
        if names is None:
            self._needed_tip = ""
            self._needed_text = "Still needed: not known until the answer marked “Not accepted” is corrected."
        elif names:
            prompts = [self.controls[n].spec.prompt if n in self.controls else n for n in names]
            more = f" (and {len(prompts) - 1} more, marked below)" if len(prompts) > 1 else ""
            self._needed_text = f"Still needed: {prompts[0]}{more}"
            self._needed_tip = "Still needed:\n" + "\n".join(f"• {p}" for p in prompts)
        else:
            self._needed_tip = ""
            self._needed_text = "Still needed: nothing — every question on this branch is answered."
        # one box, always as high: what is needed, then (a new line) what would only refine the answer
        self.still_needed.setText("\n".join(t for t in (self._needed_text, self.optional_text) if t))
        self.still_needed.setToolTip("\n\n".join(t for t in (self._needed_tip, self._optional_tip) if t))
        self.still_needed.setAccessibleDescription(self.still_needed.toolTip())

    def show_error(self, field: str, message: str) -> str:
        """Mark the field a refused answer names (``age``, ``unavailable.0``) with the reason.

        Returns the message in the panel's words: the leading field name is dropped (the message
        sits under the field) and other fact names read as their questions.
        """
        name = field.split(".")[0]
        text = self.plain_words(message, name)
        for other, control in self.controls.items():
            control.set_error(text if other == name else None)
        return text

    def clear_errors(self) -> None:
        for control in self.controls.values():
            control.set_error(None)

    def error_fields(self) -> list[str]:
        return [n for n, c in self.controls.items() if c.property("invalid")]

    def plain_words(self, message: str, name: str = "") -> str:
        """A message of the guide's engine in the words of the panel (questions, yes/no, labels)."""
        return plain_words(message, self.prompts(), name)

    def prompts(self) -> dict[str, str]:
        return {name: control.spec.prompt for name, control in self.controls.items()}

    def still_needed_text(self) -> str:
        """The "Still needed: …" sentence (the box also names the optional questions on a line of its own)."""
        return self._needed_text

    def set_carried(self, text: str | None) -> None:
        self.carried.setVisible(bool(text))
        self.carried.setText(text or "")

    def focus_fact(self, name: str) -> None:
        control = self.controls.get(name)
        if control is not None:
            control.widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def label_of(self, name: str, value: Any) -> str:
        """A fact value as the panel shows it (for copies)."""
        control = self.controls.get(name)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(value) if value else "none of these"
        if isinstance(value, int | float):
            return number_words(value, (control.spec.unit or "") if control is not None else "")
        return str(value)


def _narrowable(combo: QComboBox) -> None:
    """A drop-down list that does not demand the width of its longest choice (the column stays usable at 200 %)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)


def questions_in_order(figure: Figure) -> list[FactSpec]:
    """The figure's facts in the order its diagram asks them (the questions from the start down, one branch
    after the other), then the others (conditions of regimens, side boxes, availability) as the figure lists them."""
    specs = {s.name: s for s in figure.facts}
    order: list[str] = []
    seen: set[str] = set()
    stack = [figure.start]
    while stack:
        node_id = stack.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = figure.node(node_id)
        if isinstance(node, QuestionNode):
            order += [f for f in node.facts if f in specs and f not in order]
            stack += [o.next for o in reversed(node.options)]
        elif node.next is not None:
            stack.append(node.next)
    order += [s.name for s in figure.facts if s.name not in order]
    return [specs[name] for name in order]


def stage_regimens(figure: Figure, stage: str) -> list[tuple[str, str]]:
    """The regimens of the figure's boxes of one stage (e.g. Fig. 1 "induction"), in order."""
    seen: list[str] = []
    for node in figure.nodes:
        if isinstance(node, RecommendationNode) and node.stage == stage:
            for item in node.items:
                if item.regimen not in seen:
                    seen.append(item.regimen)
    return [(r, r) for r in seen]


def regimen_choices(figure: Figure) -> list[tuple[str, str]]:
    """The regimens a figure names (items and substitutes), in order of appearance."""
    seen: list[str] = []
    for node in figure.nodes:
        if isinstance(node, RecommendationNode):
            for item in node.items:
                for name in [item.regimen, *(s.regimen for s in item.substitutes)]:
                    if name not in seen:
                        seen.append(name)
    return [(r, r) for r in seen]
