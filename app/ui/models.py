"""Thin Qt models over plain Python lists (after Anki's browser table model).

A model holds the list it was given and nothing else; what a row shows is worked out the
first time Qt asks for it and cached, so a long list costs nothing until it is scrolled to.
No SQL here: the lists come from the services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.ui.theme import REQUIREMENT_CELLS
from app.ui.widgets import mark_hits

Index = QModelIndex | QPersistentModelIndex
ItemRole = Qt.ItemDataRole.UserRole + 1
HtmlRole = Qt.ItemDataRole.UserRole + 2
KindRole = Qt.ItemDataRole.UserRole + 3
IdRole = Qt.ItemDataRole.UserRole + 4
HeaderRole = Qt.ItemDataRole.UserRole + 5
SnippetRole = Qt.ItemDataRole.UserRole + 6


class LazyListModel(QAbstractListModel):
    """A list of plain items; ``label(item)`` gives the text shown, computed on demand."""

    def __init__(
        self,
        items: Iterable[Any] = (),
        label: Callable[[Any], str] = str,
        tooltip: Callable[[Any], str] | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._items: list[Any] = list(items)
        self._label = label
        self._tooltip = tooltip
        self._cache: dict[int, str] = {}

    def set_items(self, items: Iterable[Any]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._cache.clear()
        self.endResetModel()

    def items(self) -> list[Any]:
        return list(self._items)

    def item(self, row: int) -> Any:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items) or index.column() != 0:
            return None
        row = index.row()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if row not in self._cache:
                self._cache[row] = self._label(self._items[row])
            return self._cache[row]
        if role == Qt.ItemDataRole.ToolTipRole and self._tooltip is not None:
            return self._tooltip(self._items[row])
        if role == ItemRole:
            return self._items[row]
        return None


#: Search kinds in the order their groups are named, with the heading each group gets.
KIND_LABELS: dict[str, str] = {
    "regimen": "Regimens",
    "drug": "Drugs",
    "calculator": "Calculators",
    "tool": "Tools and tables",
    "statement": "Guideline statements",
    "toxicity": "CRS / ICANS management",
    "figure": "Flowcharts",
    "table1": "Table 1 · examinations",
    "box1": "Box 1 · high-risk MM",
    "trial": "Trials",
    "erratum": "Errata",
    "conflict": "Conflicting passages",
    "evidence": "Evidence levels and grades",
    "section": "Sections",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


class SearchResultsModel(QAbstractListModel):
    """Search hits grouped by kind: a header row per kind, then that kind's hits in rank order.

    Groups come in the order of their best hit, so the best hit is always in the first group.
    Header rows are enabled but not selectable; ``HeaderRole`` tells them apart.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, Any]] = []  # ("header", kind) | ("hit", hit dict)
        self._html: dict[int, str] = {}
        self.hit_count = 0

    def set_hits(self, hits: Sequence[dict[str, Any]]) -> None:
        groups: dict[str, list[dict[str, Any]]] = {}
        for hit in hits:
            groups.setdefault(hit["kind"], []).append(hit)
        rows: list[tuple[str, Any]] = []
        for kind, members in groups.items():
            rows.append(("header", (kind, len(members))))
            rows += [("hit", h) for h in members]
        self.beginResetModel()
        self._rows = rows
        self._html.clear()
        self.hit_count = len(hits)
        self.endResetModel()

    def clear(self) -> None:
        self.set_hits([])

    def kinds(self) -> list[str]:
        return [payload[0] for what, payload in self._rows if what == "header"]

    def is_header(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row][0] == "header"

    def hit(self, row: int) -> dict[str, Any] | None:
        if 0 <= row < len(self._rows) and self._rows[row][0] == "hit":
            return dict(self._rows[row][1])
        return None

    def hit_rows(self) -> list[int]:
        return [i for i, (what, _) in enumerate(self._rows) if what == "hit"]

    # -- Qt API -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.is_header(index.row()):
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        row = index.row()
        what, payload = self._rows[row]
        header = what == "header"
        if role == HeaderRole:
            return header
        if header:
            kind, count = payload
            text = f"{kind_label(kind)} ({count})"
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return text
            if role == HtmlRole:
                return self._cached_html(row, lambda: f"<b>{text}</b>")
            if role == KindRole:
                return kind
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        hit = payload
        if role == Qt.ItemDataRole.DisplayRole:
            return hit["title"]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            snippet = hit["snippet"].replace("«", "").replace("»", "")
            return f"{kind_label(hit['kind'])}: {hit['title']}. {snippet}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit["snippet"].replace("«", "").replace("»", "")
        if role == HtmlRole:
            return self._cached_html(row, lambda: _hit_html(hit))
        if role == KindRole:
            return hit["kind"]
        if role == IdRole:
            return hit["id"]
        if role == SnippetRole:
            return hit["snippet"]
        if role == ItemRole:
            return dict(hit)
        return None

    def _cached_html(self, row: int, make: Callable[[], str]) -> str:
        if row not in self._html:
            self._html[row] = make()
        return self._html[row]


def _hit_html(hit: dict[str, Any]) -> str:
    from html import escape

    title = escape(hit["title"])
    snippet = mark_hits(hit["snippet"]) if hit["snippet"] else ""
    return f"{title}<br><span style='font-size:small'>{snippet}</span>" if snippet else title


# -- Table 1 ------------------------------------------------------------------------------

REQUIREMENT_WORDS: dict[str, str] = {
    "obligatory": "Obligatory",
    "optional": "Optional",
    "not_required": "Not required",
    "trials_only": "Only in clinical trials",
    "conditional": "Conditional",
}
#: requirement → (background, text): a cue next to the words, never instead of them (the registry's cells).
REQUIREMENT_COLOURS: dict[str, tuple[str, str]] = {key: (box.bg, box.fg) for key, box in REQUIREMENT_CELLS.items()}
TABLE1_CELLS = ("diagnosis", "at_response", "at_follow_up", "at_relapse")


def cell_words(cell: Any) -> str:
    """A Table 1 cell in words: "Obligatory — to confirm sCR"; a conditional cell as printed."""
    if cell.requirement == "conditional":
        return f"Conditional: {cell.qualifier or cell.printed}"
    words = REQUIREMENT_WORDS.get(cell.requirement, cell.requirement)
    return f"{words} — {cell.qualifier}" if cell.qualifier else words


class Table1Model(QAbstractTableModel):
    """Table 1 of the guideline: group, examination and the four time points, in words."""

    def __init__(self, table: Any = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._table = table
        self._rows: list[Any] = list(table.rows) if table is not None else []
        self._headers = [
            "Group",
            "Examination",
            *(table.columns if table is not None else ["Diagnosis", "At response", "At follow-up", "At relapse"]),
        ]

    def set_table(self, table: Any) -> None:
        self.beginResetModel()
        self._table = table
        self._rows = list(table.rows)
        self._headers = ["Group", "Examination", *table.columns]
        self.endResetModel()

    def row_item(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def cell(self, row: int, column: int) -> Any:
        """The ``TableCell`` at a time-point column (2–5), else None."""
        if column < 2:
            return None
        return getattr(self._rows[row], TABLE1_CELLS[column - 2])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= col < len(self._headers)):
            return None
        item = self._rows[row]
        if col < 2:
            text = item.group if col == 0 else item.test
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return text
            return None
        cell = self.cell(row, col)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_words(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Printed in Table 1: “{cell.printed}”"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item.test}, {self._headers[col]}: {cell_words(cell)} (printed “{cell.printed}”)"
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(REQUIREMENT_COLOURS[cell.requirement][0])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(REQUIREMENT_COLOURS[cell.requirement][1])
        if role == ItemRole:
            return cell
        return None
