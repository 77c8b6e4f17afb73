"""Read-only tables of plain rows (explanation, inputs, doses, schedules, regimens…) that grow to
show every row inside a scrolling pane.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableView, QWidget

from app.core.calculators.presentation import format_value


class RowsModel(QAbstractTableModel):
    """Read-only rows of text. ``alignments`` per column; tooltips show the full text."""

    def __init__(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]] = (),
        parent: Any = None,
        right_aligned: Sequence[int] = (),
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[list[str]] = [self._cells(r) for r in rows]
        self._right = set(right_aligned)

    def _cells(self, row: Sequence[Any]) -> list[str]:
        cells = [format_value(v) for v in row]
        cells += [""] * (len(self._headers) - len(cells))
        return cells[: len(self._headers)]

    def set_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        self.beginResetModel()
        self._rows = [self._cells(r) for r in rows]
        self.endResetModel()

    def set_headers(self, headers: Sequence[str]) -> None:
        if list(headers) != self._headers and len(headers) == len(self._headers):
            self._headers = list(headers)
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)

    def rows(self) -> list[list[str]]:
        return [list(r) for r in self._rows]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        text = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if index.column() in self._right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignTop)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return str(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class FittedTable(QTableView):
    """A table that grows to show all its rows (it lives inside a scrolling pane)."""

    def __init__(
        self,
        model: RowsModel,
        accessible_name: str,
        parent: QWidget | None = None,
        stretch: int | None = None,
        max_visible_rows: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName(accessible_name)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().setVisible(False)
        self.setTabKeyNavigation(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._stretch = stretch
        self._max_rows = max_visible_rows
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        model.modelReset.connect(self.fit)
        self.fit()

    def fit(self) -> None:
        header = self.horizontalHeader()
        n = self.model().columnCount()
        stretch = self._stretch if self._stretch is not None else n - 1
        for c in range(n):
            mode = QHeaderView.ResizeMode.Stretch if c == stretch else QHeaderView.ResizeMode.Interactive
            header.setSectionResizeMode(c, mode)
        width = max(self.viewport().width(), 200)
        cap = min(0.3, max(0.18, 0.6 / max(1, n - 1)))  # the share of the width a narrow column may take
        for c in range(n):
            if c != stretch:
                self.resizeColumnToContents(c)
                self.setColumnWidth(c, min(self.columnWidth(c), int(width * cap)))
        self.resizeRowsToContents()
        rows = self.model().rowCount()
        shown = rows if self._max_rows is None else min(rows, self._max_rows)
        height = header.height() + sum(self.rowHeight(r) for r in range(shown)) + 2 * self.frameWidth() + 2
        self.setFixedHeight(max(height, header.height() + 2 * self.frameWidth() + 24))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            QTimer.singleShot(0, self, self.fit)  # cancelled if the table goes first
