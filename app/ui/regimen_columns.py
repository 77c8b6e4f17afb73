"""The widths of the Regimens & dosing list's columns: every column readable at 1366×768, 100 % and 200 % text.

Left to Qt (regimen and status sized to their longest cell, the name column stretched), the longest
abbreviation and the local formulary's long status took the room and the drug names were squeezed to
one syllable a line (h8-58). Here each column gets at least its header and its longest single word
(so no word is ever cut), the status gets a comfortable width when there is room, and the drug names
(with their classes on a second line) take the rest; text wraps inside the cells. When even the
minimums do not fit, the table scrolls sideways rather than cutting words.
"""

from __future__ import annotations

from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

REGIMEN, NAMES, STATUS = range(3)
#: the width the status column gets when there is room (it wraps below that)
STATUS_COMFORT = "⚠ not recommended"
#: the names get at least this many average characters before the status gets its comfort
NAMES_COMFORT_CHARS = 30


def _widest_word(metrics: QFontMetrics, texts: Iterable[str]) -> int:
    return max((metrics.horizontalAdvance(w) for t in texts for w in t.split()), default=0)


def column_widths(table: QTableView, available: int) -> list[int]:
    """The three widths for a viewport ``available`` pixels wide."""
    shown = table.model()
    source = getattr(shown, "sourceModel", None)
    model = (source() if source is not None else None) or shown  # all rows: widths do not jump while filtering
    rows = range(model.rowCount())
    cells = [[str(model.index(r, c).data() or "") for r in rows] for c in range(3)]
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(3)]
    plain = QFontMetrics(table.font())
    bold_font = QFont(table.font())
    bold_font.setBold(True)
    bold = QFontMetrics(bold_font)
    heading = QFontMetrics(table.horizontalHeader().font())
    pad = 3 * plain.horizontalAdvance(" ") + 12
    minimum = [max(heading.horizontalAdvance(headers[c]) + pad + 8,
                   _widest_word(bold if c == REGIMEN else plain, cells[c]) + pad) for c in range(3)]
    widths = list(minimum)
    spare = available - sum(widths)
    names_comfort = max(minimum[NAMES], plain.averageCharWidth() * NAMES_COMFORT_CHARS)
    give = min(max(spare, 0), names_comfort - widths[NAMES])
    widths[NAMES] += give
    spare -= give
    give = min(max(spare, 0), max(plain.horizontalAdvance(STATUS_COMFORT) + pad - widths[STATUS], 0))
    widths[STATUS] += give
    spare -= give
    widths[NAMES] += max(spare, 0)
    return widths


def fit_columns(table: QTableView) -> None:
    """Set the widths for the table's viewport now."""
    header = table.horizontalHeader()
    for column, width in enumerate(column_widths(table, table.viewport().width())):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        if header.sectionSize(column) != width:
            table.setColumnWidth(column, width)


class ColumnFitter(QObject):
    """Refits the columns when the table is resized, its text size changes or its rows change."""

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self.table = table
        self._viewport = table.viewport()
        table.horizontalHeader().setStretchLastSection(False)
        self._viewport.installEventFilter(self)
        table.installEventFilter(self)
        model = table.model()
        for signal in (model.modelReset, model.layoutChanged, model.dataChanged, model.rowsInserted,
                       model.rowsRemoved):
            signal.connect(self.fit)

    def fit(self, *_args: object) -> None:
        if shiboken6.isValid(self.table) and self.table.isVisible():
            fit_columns(self.table)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if (kind == QEvent.Type.Resize and watched is self._viewport) or (
                kind in (QEvent.Type.FontChange, QEvent.Type.Show) and watched is self.table):
            self.fit()
        return False
