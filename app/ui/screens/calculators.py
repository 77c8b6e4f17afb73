"""Calculators: a list of every calculator, its generated form and its live result.

Inputs live only in the widgets and the window's in-memory patient case, which fills the form
(``app.ui.calc_case``): nothing typed is written anywhere (the default-unit preference, SI or
conventional, is the one setting this screen stores).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFont, QHideEvent, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.calculators.all import grouped
from app.ui.calc.form import chain_tab_order
from app.ui.calc.panel import CalculatorPanel
from app.ui.calc.styles import muted_style
from app.ui.calc.units import read_unit_system, write_unit_system
from app.ui.calc_case import CalcCaseFill
from app.ui.context import UiContext
from app.ui.local_note import LocalNoteBox, notes_at
from app.ui.screens.base import Screen
from app.ui.theme import current_colours, relative_font, styled

_ID_ROLE = Qt.ItemDataRole.UserRole


class CalculatorsScreen(Screen):
    title = "Calculators"

    def __init__(self, context: UiContext, parent: QWidget | None = None, **kwargs: Any) -> None:
        super().__init__(context, parent, **kwargs)
        self.setAccessibleName("Calculators")

        self._headers: list[QListWidgetItem] = []
        self.list = QListWidget(self)
        self.list.setAccessibleName("Calculator list")
        self.list.setWordWrap(True)
        self.list.setSpacing(1)
        self.list.setAccessibleDescription("Choose a calculator; its form opens on the right")
        self.list.currentItemChanged.connect(self._on_current)

        self.units = QComboBox(self)
        self.units.addItem("SI units (g/L, µmol/L)", "SI")
        self.units.addItem("Conventional units (g/dL, mg/dL)", "conventional")
        self.units.setAccessibleName("Default units")
        self.units.setAccessibleDescription(
            "Unit preselected beside each laboratory value; the only setting this screen remembers"
        )
        self.units.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.units.setMinimumContentsLength(8)
        self.units.setCurrentIndex(max(0, self.units.findData(read_unit_system(context))))
        self.units.currentIndexChanged.connect(self._on_units)
        units_label = QLabel("Default &units:", self)
        units_label.setBuddy(self.units)

        self.panel = CalculatorPanel(context, arrangement="wide", parent=self)
        #: the hospital's local notes on the calculator shown (issue 13), above its title
        self.local_box = LocalNoteBox(self.panel)
        #: the form filled from the window's patient case (None until the services load)
        self.case_fill: CalcCaseFill | None = None
        context.patient_cleared.connect(self._clear_patient)  # typed values are the patient's too

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Calculators", left)
        relative_font(heading, bold=True)
        left_layout.addWidget(heading)
        left_layout.addWidget(self.list, 1)
        units_row = QHBoxLayout()
        units_row.addWidget(units_label)
        left_layout.addLayout(units_row)
        left_layout.addWidget(self.units)
        note = QLabel("Inputs are never saved. Results support, not replace, clinical judgement.", left)
        note.setWordWrap(True)
        styled(note, muted_style)
        left_layout.addWidget(note)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 1030])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)

        QWidget.setTabOrder(self.list, self.units)
        if context.guide is not None:
            self.on_guide_ready()

    # -- filling ----------------------------------------------------------------------------
    def _show_local(self) -> None:
        """The local notes anchored to the calculator shown; its Copy and PDF carry them as LOCAL."""
        notes = notes_at(self.context, "calculator", self.panel.calc_id) if self.panel.calc_id else []
        self.local_box.set_notes(notes)
        self.panel.local_notes = notes

    def on_guide_ready(self) -> None:
        guide = self.context.guide
        if guide is None:
            return
        if self.list.count():
            self._show_local()  # a new guide: a local layer installed or removed
            return
        if self.context.case is not None and self.case_fill is None:
            self.case_fill = CalcCaseFill(self.panel, self.context.case)
            panel_layout = self.panel.layout()
            assert isinstance(panel_layout, QVBoxLayout)
            panel_layout.insertWidget(2, self.case_fill.line)  # under the calculator's title and reference
        panel_layout = self.panel.layout()
        if isinstance(panel_layout, QVBoxLayout) and panel_layout.indexOf(self.local_box) < 0:
            panel_layout.insertWidget(0, self.local_box)
        calculators = {c["id"]: c for c in guide.calculators()}
        placed: set[str] = set()
        groups = [(name, [i for i in ids if i in calculators]) for name, ids in grouped()]
        for name, ids in groups:
            if not ids:
                continue
            header = QListWidgetItem(name.upper(), self.list)
            header.setFlags(Qt.ItemFlag.NoItemFlags)
            header.setData(Qt.ItemDataRole.AccessibleTextRole, f"{name} (group)")
            self._headers.append(header)
            for calc_id in ids:
                meta = calculators[calc_id]
                item = QListWidgetItem(meta["title"], self.list)
                item.setData(_ID_ROLE, calc_id)
                item.setToolTip(f"{meta['title']}\n{meta['reference']}")
                item.setData(Qt.ItemDataRole.AccessibleTextRole, meta["title"])
                placed.add(calc_id)
        self._style_headers()
        self.open_item("iss" if "iss" in placed else next(iter(placed), None))

    def _style_headers(self) -> None:
        """Group headings in the theme's text colour (not the faded colour of a disabled row), bold, at the
        current text size: set again after every theme or text-size change."""
        colour = QColor(current_colours().text)
        font = QFont(self.list.font())
        font.setBold(True)
        for header in self._headers:
            header.setForeground(colour)
            header.setFont(font)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        if self.case_fill is not None:
            self.case_fill.send_back(typing_done=True)  # a number still being typed goes back to the case
        super().hideEvent(event)

    def _clear_patient(self) -> None:
        if self.case_fill is not None:
            self.case_fill.clear_all()
        else:
            self.panel.clear()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._style_headers()

    def _item_for(self, calc_id: str) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(_ID_ROLE) == calc_id:
                return item
        return None

    def _on_current(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        calc_id = current.data(_ID_ROLE)
        if calc_id and calc_id != self.panel.calc_id:
            self.panel.set_calculator(calc_id)
            self._show_local()
            if self.case_fill is not None:
                self.case_fill.refresh()
            chain_tab_order([self.list, self.units, *self.panel.focus_order()])

    def _on_units(self, _index: int) -> None:
        system = self.units.currentData()
        write_unit_system(self.context, system)
        self.panel.apply_unit_system(system)

    # -- Screen API -------------------------------------------------------------------------
    def open_item(self, payload: Any) -> None:
        """Select a calculator by id (e.g. "iss", "imwg-frailty")."""
        if not payload:
            return
        item = self._item_for(str(payload))
        if item is not None:
            self.list.setCurrentItem(item)

    def plain_text(self) -> str:
        return self.panel.plain_text()

    def document(self) -> QTextDocument | None:
        return self.panel.document()
