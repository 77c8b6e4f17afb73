"""The side panel of a flowchart: one control per fact of the figure, each with "unknown".

- yes/no and enumerated facts: a combo box whose first choice is an explicit "Unknown";
- numbers: a spin box with its unit, whose lowest position reads "Unknown";
- lists (``unavailable``, ``previously_received``, ``refractory_to``): a checkable list whose
  first entry is "None of these"; nothing ticked means unknown.

Facts still needed by the evaluation are highlighted and listed ("Still needed: …"). The panel
only holds what is on screen; nothing is ever saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.flowchart.model import FactSpec, Figure, RecommendationNode

NONE_KEY = "__none__"
UNKNOWN = "Unknown"

_Index = QModelIndex | QPersistentModelIndex

ENUM_LABELS = {
    "naive": "Naive (never received)",
    "sensitive": "Sensitive (received, not refractory)",
    "refractory": "Refractory",
    "car-t": "CAR T cells",
    "adc": "An antibody–drug conjugate (ADC)",
    "bispecific": "A bispecific T cell engager",
}


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


class FactControl(QFrame):
    """One fact: its prompt, its control and a "needed" mark."""

    changed = Signal()

    def __init__(self, spec: FactSpec, choices: Sequence[tuple[str, str]] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"fact-{spec.name}")
        self.setProperty("missing", False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)
        self.label = QLabel(spec.prompt + (f" ({spec.unit})" if spec.unit and spec.type in ("int", "number") else ""))
        self.label.setWordWrap(True)
        self.need_mark = QLabel("Still needed")
        self.need_mark.setObjectName("needMark")
        self.need_mark.setVisible(False)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.label, 1)
        head.addWidget(self.need_mark, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        self.widget: QWidget
        self.model: CheckListModel | None = None
        self._sentinel: float | None = None
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if spec.type in ("bool", "enum"):
            combo = QComboBox()
            combo.addItem(UNKNOWN, None)
            if spec.type == "bool":
                combo.addItem("Yes", True)
                combo.addItem("No", False)
            else:
                for v in spec.values or []:
                    combo.addItem(ENUM_LABELS.get(v, v), v)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
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
        else:
            values = (
                list(choices)
                if spec.type == "regimen_list"
                else [(v, ENUM_LABELS.get(v, v)) for v in spec.values or []]
            )
            self.model = CheckListModel(values, self)
            view = QListView()
            view.setModel(self.model)
            view.setUniformItemSizes(True)
            rows = min(len(values) + 1, 6)
            view.setFixedHeight(int(rows * (view.fontMetrics().height() + 6) + 8))
            self.model.checked_changed.connect(self.changed.emit)
            self.widget = view
            row.addWidget(view, 1)
        layout.addLayout(row)
        self.widget.setAccessibleName(spec.prompt)
        description = spec.help or spec.prompt
        if spec.type in ("enum_list", "regimen_list"):
            description += " Tick “None of these” if none applies; nothing ticked means unknown."
        self.widget.setAccessibleDescription(description)
        if spec.help:
            self.widget.setToolTip(spec.help)
            self.label.setToolTip(spec.help)
        self.label.setBuddy(self.widget)

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

    def set_missing(self, missing: bool) -> None:
        if bool(self.property("missing")) == missing:
            return
        self.setProperty("missing", missing)
        self.need_mark.setVisible(missing)
        desc = self.widget.accessibleDescription().removeprefix("Still needed. ")
        self.widget.setAccessibleDescription(("Still needed. " if missing else "") + desc)
        for widget in (self, self.label, self.need_mark):
            widget.style().unpolish(widget)
            widget.style().polish(widget)


PANEL_STYLE = """
QFrame[missing="true"] { background: #fff4cc; border-left: 4px solid #b26a00; }
QFrame[missing="true"] QLabel { color: #1f1f1f; }
QLabel#needMark { color: #6b3f00; font-weight: bold; }
QLabel#stillNeeded { background: #fff4cc; color: #3d2500; padding: 4px; border: 1px solid #b26a00; }
QLabel#carried { background: #e3f2fd; color: #0b2d5c; padding: 4px; border: 1px solid #1565c0; }
"""


class FlowPanel(QWidget):
    """The questions of one figure. ``facts_changed`` carries the whole current answer set."""

    facts_changed = Signal(dict)

    def __init__(self, figure: Figure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = figure
        self.setObjectName("flowPanel")
        self.setStyleSheet(PANEL_STYLE)
        self.setAccessibleName(f"Questions of {figure.id.replace('fig', 'Fig. ')}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        self.carried = QLabel()
        self.carried.setObjectName("carried")
        self.carried.setWordWrap(True)
        self.carried.setVisible(False)
        self.carried.setAccessibleName("Carried over from calculator")
        layout.addWidget(self.carried)
        self.still_needed = QLabel()
        self.still_needed.setObjectName("stillNeeded")
        self.still_needed.setWordWrap(True)
        self.still_needed.setAccessibleName("Still needed")
        layout.addWidget(self.still_needed)
        self.controls: dict[str, FactControl] = {}
        choices = regimen_choices(figure)
        for spec in figure.facts:
            control = FactControl(spec, choices)
            control.changed.connect(self._emit)
            self.controls[spec.name] = control
            layout.addWidget(control)
        layout.addStretch(1)
        self._missing: list[str] = []

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

    def set_missing(self, names: Sequence[str]) -> None:
        self._missing = list(names)
        for name, control in self.controls.items():
            control.set_missing(name in names)
        if names:
            prompts = [self.controls[n].spec.prompt if n in self.controls else n for n in names]
            more = f" (and {len(prompts) - 1} more, marked below)" if len(prompts) > 1 else ""
            self.still_needed.setText(f"Still needed: {prompts[0]}{more}")
            self.still_needed.setToolTip("Still needed:\n" + "\n".join(f"• {p}" for p in prompts))
            self.still_needed.setAccessibleDescription("; ".join(prompts))
        else:
            self.still_needed.setToolTip("")
            self.still_needed.setAccessibleDescription("")
            self.still_needed.setText("Still needed: nothing — every question on the path is answered.")

    def still_needed_text(self) -> str:
        return self.still_needed.text()

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
        if control is not None and control.spec.unit and isinstance(value, int | float):
            shown = int(value) if float(value).is_integer() else value
            return f"{shown} {control.spec.unit}"
        return str(value)


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
