"""Ctrl+K: search everything as you type; results grouped by kind; Enter opens, Esc closes.

The palette floats over the main window (a child frame, not a separate window), so it keeps
the window's theme and shows in screenshots. The query lives in memory only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QKeyEvent, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import UiContext
from app.ui.models import HeaderRole, HtmlRole, SearchResultsModel
from app.ui.widgets import name_clear_button

DEBOUNCE_MS = 120
RESULT_LIMIT = 40
#: tool id (app.core.tools) → the screen and payload that show it
TOOL_DESTINATIONS: dict[str, tuple[str, Any]] = {
    "crs-grader": ("crs", "grader"),
    "icans-grader": ("icans", "grader"),
    "tocilizumab-helper": ("crs", "helper:tocilizumab-dose"),
    "step-up-helper": ("crs", "helper:bispecific-step-up"),
    "lenalidomide-renal-table": ("drug", "lenalidomide#dosing"),
}


def destination(hit: dict[str, Any], guide: Any = None) -> tuple[str, Any]:
    """Which screen opens a hit, and with what payload.

    statement, table1 row, Box 1 criterion, erratum, conflict, evidence, section → guideline;
    regimen → regimens (its abbreviation); drug → the drug's own page (its regimens, doses and
    statements); calculator → the Calculators screen with it selected; tool → its screen
    (:data:`TOOL_DESTINATIONS`); trial → its first regimen; toxicity ``crs-2`` → the CRS screen
    with grade 2; figure → that flowchart.
    """
    kind, item = hit["kind"], str(hit["id"])
    if kind == "statement":
        return "guideline", item
    if kind == "regimen":
        return "regimens", item
    if kind == "drug":
        return "drug", item
    if kind == "calculator":
        return "calculators", item
    if kind == "tool":
        return TOOL_DESTINATIONS.get(item, ("calculators", item))
    if kind == "trial":
        regimens: list[str] = []
        if guide is not None:
            try:
                regimens = list(guide.repo.trial(item).regimens)
            except KeyError:
                regimens = []
        return "regimens", regimens[0] if regimens else None
    if kind == "toxicity":
        syndrome, _, grade = item.partition("-")
        return syndrome, int(grade) if grade.isdigit() else None
    if kind == "figure":
        return item, None
    if kind == "table1":
        return "guideline", f"table1:{item}"
    if kind == "box1":
        return "guideline", f"box1:{item}"
    if kind == "erratum":
        return "guideline", item
    if kind == "conflict":
        return "guideline", f"conflict:{item}"
    if kind == "evidence":
        return "guideline", "evidence"
    if kind == "section":
        return "guideline", f"section:{item}"
    return "guideline", item




class RichTextDelegate(QStyledItemDelegate):
    """Paints a row's ``HtmlRole`` (title and highlighted snippet) with word wrap."""

    MARGIN = 6

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        doc.setHtml(str(index.data(HtmlRole) or ""))
        width = option.rect.width() if option.rect.width() > 0 else 600
        doc.setTextWidth(max(50, width - 2 * self.MARGIN))
        return doc

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        header = bool(index.data(HeaderRole))
        doc = self._document(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        if header:
            painter.fillRect(opt.rect, opt.palette.color(QPalette.ColorRole.AlternateBase))
        else:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        painter.save()
        painter.translate(QPointF(opt.rect.left() + self.MARGIN, opt.rect.top() + self.MARGIN / 2))
        ctx = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        view = opt.widget
        if isinstance(view, QListView):
            opt.rect.setWidth(view.viewport().width())
        doc = self._document(opt, index)
        return QSize(int(doc.idealWidth()) + 2 * self.MARGIN, int(doc.size().height()) + self.MARGIN)


class _ResultsView(QListView):
    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # rows re-wrap to the new width


class SearchPalette(QFrame):
    """The search palette. ``opened(screen_id, payload)`` fires (and ``context.navigate``) on Enter."""

    opened = Signal(str, object)
    searched = Signal(str, int)  # query, number of hits

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("searchPalette")
        self.setFrameShape(QFrame.Shape.Box)
        self.setFrameShadow(QFrame.Shadow.Plain)
        self.setLineWidth(2)
        self.setAutoFillBackground(True)
        self.setAccessibleName("Search palette")
        self.setAccessibleDescription("Search the whole guideline. Arrow keys move, Enter opens, Escape closes.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(6)
        self.query = QLineEdit(self)
        self.query.setObjectName("searchQuery")
        self.query.setPlaceholderText(
            "Search regimens, drugs, calculators, statements, CRS/ICANS, Table 1, Box 1, trials, errata…"
        )
        self.query.setAccessibleName("Search query")
        self.query.setAccessibleDescription("Type to search the guide; results appear as you type.")
        name_clear_button(self.query, "Clear the search")
        self.status = QLabel("Type to search.", self)
        self.status.setAccessibleName("Search status")
        self.results = _ResultsView(self)
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName("Search results")
        self.results.setAccessibleDescription("Results grouped by kind. Enter or double-click opens one.")
        self.model = SearchResultsModel(self.results)
        self.results.setModel(self.model)
        self.results.setItemDelegate(RichTextDelegate(self.results))
        self.results.setUniformItemSizes(False)
        self.results.setWordWrap(True)
        self.results.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.results.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.hint = QLabel("↑ ↓ move · Enter opens · Esc closes", self)
        self.hint.setAccessibleName("Keyboard hint")
        layout.addWidget(self.query)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.hint)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        self.query.returnPressed.connect(self.activate_current)
        self.results.activated.connect(self._activated)
        self.results.clicked.connect(self._activated)
        self.query.installEventFilter(self)
        self.results.installEventFilter(self)
        self.hide()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    # -- showing --------------------------------------------------------------------------
    def open_palette(self, text: str | None = None) -> None:
        self._previous_focus = QApplication.focusWidget()
        self.place()
        self.show()
        self.raise_()
        if text is not None:
            self.query.setText(text)
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            self.resize(720, 480)
            return
        width = min(760, max(320, parent.width() - 80))
        height = min(520, max(200, parent.height() - 140))
        self.setGeometry((parent.width() - width) // 2, 56, width, height)

    def close_palette(self) -> None:
        self._timer.stop()
        self.hide()
        previous = getattr(self, "_previous_focus", None)
        if previous is not None and previous.isVisible() and not self.isAncestorOf(previous):
            previous.setFocus(Qt.FocusReason.OtherFocusReason)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self.isVisible() and new is not None and new is not self and not self.isAncestorOf(new):
            self.close_palette()

    # -- searching ------------------------------------------------------------------------
    def search_now(self) -> None:
        self._timer.stop()
        text = self.query.text().strip()
        guide = self.context.guide
        if not text:
            self.model.clear()
            self.status.setText("Type to search.")
            self.searched.emit(text, 0)
            return
        if guide is None:
            self.model.clear()
            self.status.setText("The guideline is still loading…")
            return
        try:
            hits = guide.search(text, limit=RESULT_LIMIT)
        except Exception as exc:  # shown, never swallowed
            self.model.clear()
            self.status.setText(f"Search failed: {type(exc).__name__}: {exc}")
            return
        self.model.set_hits(hits)
        if hits:
            groups = len(self.model.kinds())
            self.status.setText(f"{len(hits)} result{'s' * (len(hits) != 1)} in {groups} group{'s' * (groups != 1)}")
            self._select_row(self.model.hit_rows()[0])
        else:
            self.status.setText(f"No results for “{text}”.")
        self.searched.emit(text, len(hits))

    # -- moving and opening ---------------------------------------------------------------
    def current_row(self) -> int:
        index = self.results.currentIndex()
        return index.row() if index.isValid() else -1

    def current_hit(self) -> dict[str, Any] | None:
        return self.model.hit(self.current_row())

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.results.setCurrentIndex(index)
        self.results.scrollTo(index)

    def move_selection(self, step: int) -> None:
        rows = self.model.hit_rows()
        if not rows:
            return
        current = self.current_row()
        if current not in rows:
            target = rows[0] if step > 0 else rows[-1]
        else:
            pos = rows.index(current) + step
            target = rows[max(0, min(len(rows) - 1, pos))]
        self._select_row(target)
        if target == rows[0]:
            self.results.scrollToTop()  # show the group header above the first hit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = Qt.Key(event.key())
            if key == Qt.Key.Key_Escape:
                self.close_palette()
                return True
            steps = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}
            if key in steps:
                if self._timer.isActive():
                    self.search_now()
                self.move_selection(steps[key])
                return True
            if watched is self.results and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.activate_current()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.close_palette()
            return
        super().keyPressEvent(event)

    def activate_current(self) -> None:
        if self._timer.isActive():
            self.search_now()
        hit = self.current_hit()
        if hit is None:
            rows = self.model.hit_rows()
            if not rows:
                return
            hit = self.model.hit(rows[0])
        self._open(hit)

    def _activated(self, index: QModelIndex) -> None:
        hit = self.model.hit(index.row())
        if hit is not None:
            self._open(hit)

    def _open(self, hit: dict[str, Any] | None) -> None:
        if hit is None:
            return
        screen, payload = destination(hit, self.context.guide)
        self.close_palette()
        self.opened.emit(screen, payload)
        self.context.navigate.emit(screen, payload)
