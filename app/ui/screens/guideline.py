"""The guideline browser: sections with their statements, Table 1, Boxes 1–3, errata, conflicts.

A section tree on the left, a reading pane on the right. Every statement shows its evidence
badges (the printed tag, on a colour), its kind and place, notes, errata (printed wording and
the reading the guide follows), the conflicts it is part of, where the same bullet appears
again (Box 2 and the text), and links to the flowchart nodes and regimens that rest on it; the
hospital's local notes on a statement follow it in their own style, and a copy marks them LOCAL.
What links to what is computed by :class:`app.services.guideline_index.GuidelineIndex`; this
screen draws it.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QUrl
from PySide6.QtGui import QFont, QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTextBrowser,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.guideline_index import SPECIAL_SECTIONS, GuidelineIndex, page_for_section
from app.ui.context import UiContext
from app.ui.local_note import mark_local, notes_html
from app.ui.models import REQUIREMENT_WORDS, Table1Model, cell_words
from app.ui.screens.base import Screen
from app.ui.theme import current_colours, print_colours
from app.ui.widgets import (
    UNTAGGED_BADGE,
    badge_html,
    boxed_html,
    conflict_colours,
    erratum_html,
    grade_html,
    quote_html,
    screen_words,
)

PageRole = Qt.ItemDataRole.UserRole + 1
EXTRA_PAGES = {
    "evidence": "Evidence levels and grades",
    "errata": "Errata",
    "conflicts": "Conflicting passages",
}
KIND_WORDS = {"recommendation": "Recommendation", "box": "Box bullet", "text": "Statement in the text"}


def nav_href(screen: str, payload: Any = None) -> str:
    """A link that opens another screen (``context.navigate``) with a JSON payload."""
    return f"nav:{screen}:{json.dumps(payload).encode().hex()}"


def item_href(payload: str) -> str:
    """A link to another place of this screen (``open_item``)."""
    return f"item:{payload.encode().hex()}"


def parse_href(href: str) -> tuple[str, str | None, Any]:
    """``("nav", screen, payload)`` or ``("item", None, payload)``; ``ValueError`` otherwise."""
    scheme, _, rest = href.partition(":")
    if scheme == "nav":
        screen, _, data = rest.partition(":")
        return "nav", screen, json.loads(bytes.fromhex(data).decode()) if data else None
    if scheme == "item":
        return "item", None, bytes.fromhex(rest).decode()
    raise ValueError(f"not a guide link: {href!r}")


class _WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text: the paper's long section titles are never cut."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        tree = self.parent()
        if not isinstance(tree, QTreeView):
            return size
        depth = 0
        parent = index.parent()
        while parent.isValid():
            depth += 1
            parent = parent.parent()
        indent = tree.indentation() * (depth + (1 if tree.rootIsDecorated() else 0))
        width = max(60, tree.viewport().width() - indent - 10)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect = QFontMetrics(opt.font).boundingRect(QRect(0, 0, width, 100000), Qt.TextFlag.TextWordWrap, opt.text)
        return QSize(width, max(size.height(), rect.height() + 6))


class _SectionTree(QTreeWidget):
    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # re-wrap the titles to the new width


class GuidelineScreen(Screen):
    title = "Guideline"

    def __init__(self, context: UiContext, parent: QWidget | None = None, **kwargs: Any) -> None:
        super().__init__(context, parent, **kwargs)
        self.setAccessibleName("Guideline")
        self.setAccessibleDescription("Sections of the guideline with their statements, tables, boxes and errata.")
        self.content: GuidelineIndex | None = None
        self.current_page = ""
        self.focus_statement: str | None = None
        self._pending: Any = None
        self._html_cache: dict[tuple[str, str | None], str] = {}

        self.tree = _SectionTree(self)
        self.tree.setItemDelegate(_WrapDelegate(self.tree))
        self.tree.setObjectName("guidelineSections")
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Guideline sections")
        self.tree.setAccessibleDescription("Choose a section, table, box or list; Enter moves to its text.")
        self.tree.setMinimumWidth(200)
        self.tree.setWordWrap(True)  # the paper's long section titles wrap instead of being cut
        self.tree.setUniformRowHeights(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.header().setStretchLastSection(True)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.currentItemChanged.connect(self._tree_changed)
        self.tree.itemActivated.connect(self._focus_text)

        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guidelineText")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setAccessibleName("Guideline text")
        self.browser.setAccessibleDescription("The statements of the chosen section; links open other places.")
        self.browser.anchorClicked.connect(self._anchor_clicked)
        self.browser.setPlaceholderText("Loading the guideline…")

        self.table_page = QWidget(self)
        tlayout = QVBoxLayout(self.table_page)
        tlayout.setContentsMargins(0, 0, 0, 0)
        self.table_title = QLabel(self.table_page)
        self.table_title.setWordWrap(True)
        self.table_title.setTextFormat(Qt.TextFormat.RichText)
        self.table_title.setAccessibleName("Table 1 title")
        self.table1_model = Table1Model(parent=self)
        self.table1_view = QTableView(self.table_page)
        self.table1_view.setObjectName("table1View")
        self.table1_view.setModel(self.table1_model)
        self.table1_view.setWordWrap(True)
        self.table1_view.setAlternatingRowColors(False)
        self.table1_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table1_view.setAccessibleName(
            "Table 1: examinations at diagnosis, at response, at follow-up and at relapse"
        )
        self.table1_view.setAccessibleDescription(
            "Each cell says in words whether the examination is obligatory, optional, not required, "
            "only in clinical trials or conditional; the printed abbreviation is in the tooltip."
        )
        header = self.table1_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the examination takes the rest
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(80)
        self.table1_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table_notes = QTextBrowser(self.table_page)
        self.table_notes.setOpenLinks(False)
        self.table_notes.setAccessibleName("Table 1 notes")
        self.table_notes.setAccessibleDescription("Legend, abbreviations and errata of Table 1.")
        self.table_notes.anchorClicked.connect(self._anchor_clicked)
        self.table_notes.document().documentLayout().documentSizeChanged.connect(self._fit_notes)
        tlayout.addWidget(self.table_title)
        tlayout.addWidget(self.table1_view, 1)
        tlayout.addWidget(self.table_notes)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.browser)
        self.pages.addWidget(self.table_page)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 780])
        splitter.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.setFocusProxy(self.tree)
        QWidget.setTabOrder(self.tree, self.browser)
        QWidget.setTabOrder(self.browser, self.table1_view)
        QWidget.setTabOrder(self.table1_view, self.table_notes)
        if context.guide is not None:
            self.on_guide_ready()

    # -- loading --------------------------------------------------------------------------
    def on_guide_ready(self) -> None:
        guide = self.context.guide
        if guide is None:
            return
        self.content = GuidelineIndex.load(guide)
        self._html_cache.clear()
        self.table1_model.set_table(self.content.table1)
        self._fill_tree()
        self.table1_view.setColumnWidth(0, 110)
        for col in range(2, 6):
            self.table1_view.setColumnWidth(col, 128)
        pending, self._pending = self._pending, None
        if pending is not None:
            self.open_item(pending)
        elif not self.current_page:
            self.show_page(page_for_section(self.content.sections[0].id) if self.content.sections else "evidence")
        else:  # a new guide (an update, a local layer installed or removed): the page shown, read anew
            position = self.browser.verticalScrollBar().value()
            self.show_page(self.current_page)
            self.browser.verticalScrollBar().setValue(position)

    def _fill_tree(self) -> None:
        assert self.content is not None
        c = self.content
        self.tree.blockSignals(True)
        self.tree.clear()
        self._tree_items: dict[str, QTreeWidgetItem] = {}

        def add(parent: QTreeWidgetItem | None, sec: Any) -> None:
            count = c.count(sec.id)
            label = sec.title if not count or sec.id in ("table1", "box1") else f"{sec.title} ({count})"
            item = QTreeWidgetItem([label])
            item.setData(0, PageRole, page_for_section(sec.id))
            item.setToolTip(0, sec.title)
            item.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{sec.title}, {count} graded statements")
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            self._tree_items[page_for_section(sec.id)] = item
            for child in c.children.get(sec.id, []):
                add(item, child)

        for top in c.children.get(None, []):
            add(None, top)
        extras = {
            "evidence": EXTRA_PAGES["evidence"],
            "errata": f"{EXTRA_PAGES['errata']} ({len(c.errata)})",
            "conflicts": f"{EXTRA_PAGES['conflicts']} ({len(c.conflicts)})",
        }
        for key, label in extras.items():
            item = QTreeWidgetItem([label])
            item.setData(0, PageRole, key)
            self.tree.addTopLevelItem(item)
            self._tree_items[key] = item
        self._italic_extras()
        self.tree.expandToDepth(0)
        self.tree.blockSignals(False)

    # -- navigation -----------------------------------------------------------------------
    def _focus_text(self, *_: object) -> None:
        """Enter on a section moves the focus to its text (the browser or the table page)."""
        page = self.pages.currentWidget()
        if page is not None:
            page.setFocus()

    def _tree_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if current is not None:
            key = current.data(0, PageRole)
            if key and key != self.current_page:
                self.focus_statement = None
                self.show_page(str(key))

    def resolve(self, payload: Any) -> tuple[str, str | None, str | None, int | None]:
        """``payload`` → (page, anchor, statement to highlight, Table 1 row); ``KeyError`` if unknown."""
        assert self.content is not None
        return self.content.resolve(payload)

    def open_item(self, payload: Any) -> None:
        if self.content is None:
            self._pending = payload
            return
        page, anchor, focus, row = self.resolve(payload)
        self.focus_statement = focus
        self.show_page(page, anchor=anchor)
        if row is not None and 0 <= row < self.table1_model.rowCount():
            index = self.table1_model.index(row, 1)
            self.table1_view.setCurrentIndex(index)
            self.table1_view.scrollTo(index)

    def show_page(self, page: str, anchor: str | None = None) -> None:
        if self.content is None:
            return
        self.current_page = page
        item = getattr(self, "_tree_items", {}).get(page)
        if item is not None and self.tree.currentItem() is not item:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)
            self.tree.blockSignals(False)
        if page == "table1":
            self._show_table1()
            self.pages.setCurrentWidget(self.table_page)
            return
        self.pages.setCurrentWidget(self.browser)
        self.browser.setHtml(self.page_html(page, self.focus_statement))
        if anchor:
            self.browser.scrollToAnchor(anchor)
        else:
            self.browser.verticalScrollBar().setValue(0)

    def _anchor_clicked(self, url: QUrl) -> None:
        try:
            kind, screen, payload = parse_href(url.toString())
        except ValueError:
            return  # no external links: the guide never opens the network
        if kind == "item":
            self.open_item(payload)
        elif screen:
            self.context.navigate.emit(screen, payload)

    def _italic_extras(self) -> None:
        """The extra pages (evidence, errata, conflicts) in italics at the current text size."""
        font = QFont(self.tree.font())
        font.setItalic(True)
        for key in ("evidence", "errata", "conflicts"):
            item = getattr(self, "_tree_items", {}).get(key)
            if item is not None:
                item.setFont(0, font)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._italic_extras()
        if event.type() == QEvent.Type.PaletteChange and self.content is not None and self.current_page:
            self._html_cache.clear()
            if self.current_page != "table1":
                position = self.browser.verticalScrollBar().value()
                self.browser.setHtml(self.page_html(self.current_page, self.focus_statement))
                self.browser.verticalScrollBar().setValue(position)
            else:
                self._show_table1()

    # -- what Copy and Print take ---------------------------------------------------------
    def plain_text(self) -> str:
        if self.content is None:
            return ""
        if self.current_page == "table1":
            return self.table1_text()
        notes = [n for found in self.content.local_by_statement.values() for n in found]
        return mark_local(self.browser.toPlainText(), notes)

    def document(self) -> QTextDocument | None:
        """The page as printed: rendered again in the light colours (paper is white)."""
        if self.content is None:
            return None
        doc = QTextDocument(self)
        with print_colours():
            if self.current_page == "table1":
                doc.setHtml(self.table1_html())
            else:
                doc.setHtml(self._render(self.current_page, self.focus_statement))
        return doc

    # -- pages ----------------------------------------------------------------------------
    def page_html(self, page: str, focus: str | None = None) -> str:
        key = (page, focus)
        if key not in self._html_cache:
            self._html_cache[key] = self._render(page, focus)
        return self._html_cache[key]

    def _render(self, page: str, focus: str | None) -> str:
        if page == "box1":
            return self._box1_html()
        if page == "box2":
            return self._box2_html(focus)
        if page == "box3":
            return self._box3_html(focus)
        if page == "evidence":
            return self._evidence_html()
        if page == "errata":
            return self._errata_html()
        if page == "conflicts":
            return self._conflicts_html()
        if page == "table1":
            return self.table1_html()
        return self._section_html(page.removeprefix("section:"), focus)

    # shared pieces
    def _muted(self, text: str) -> str:
        return f'<span style="color:{current_colours().muted};">{text}</span>'

    def _errata_for(self, target: str) -> str:
        assert self.content is not None
        return "".join(
            erratum_html(e, link=item_href(f"erratum:{e.id}")) for e in self.content.errata_by_target.get(target, [])
        )

    def _conflict_html(self, cid: str, *, compact: bool) -> str:
        assert self.content is not None
        conflict = self.content.conflict_by_id[cid]
        fg = conflict_colours()[1]
        sides = "".join(f"<li>“{escape(side.quote)}” <i>({escape(side.location)})</i></li>" for side in conflict.sides)
        title = f'<a href="{item_href("conflict:" + cid)}" style="color:{fg};">{escape(conflict.title)}</a>'
        body = (
            f"<b>⇄ Conflicting passages:</b> {title}"
            f'<ul style="margin-top:2px; margin-bottom:2px;">{sides}</ul>'
            f"<b>Note:</b> {escape(conflict.note)}"
        )
        if compact:
            body = f"<b>⇄ Conflicting passages:</b> {title}<br>{escape(conflict.note)}"
        return boxed_html(body, conflict_colours())

    def _links_html(self, statement_id: str) -> str:
        assert self.content is not None
        boxes = self.content.used_in(statement_id)
        if not boxes:
            return ""
        parts = []
        for box in boxes:
            node_link = f'<a href="{nav_href(box.figure, box.node)}">{box.figure_label} › {escape(box.node_title)}</a>'
            regimens = []
            for use in box.regimens:
                label = escape(use.regimen) + (" (if unavailable: substitute)" if use.as_substitute else "")
                regimens.append(f'<a href="{nav_href("regimens", use.regimen)}">{label}</a>')
            parts.append(f"{node_link}: {', '.join(regimens)}")
        return '<p style="margin-top:2px; margin-bottom:2px;"><b>Used in:</b> ' + " · ".join(parts) + "</p>"

    def _statement_html(self, s: Any, focus: str | None) -> str:
        assert self.content is not None
        c = self.content
        colours = current_colours()
        badges = " ".join(badge_html(e) for e in s.evidence)
        head = f"{badges}&nbsp; " + self._muted(f"{KIND_WORDS.get(s.kind, s.kind)} · {escape(s.source.location)}")
        parts = [
            f'<p style="margin-top:0px; margin-bottom:2px;">{head}</p>',
            f'<p style="margin-top:2px; margin-bottom:2px;">{escape(s.text)}</p>',
        ]
        if s.duplicate_of and s.duplicate_of in c.statement_by_id:
            original = c.statement_by_id[s.duplicate_of]
            parts.append(
                '<p style="margin-top:2px; margin-bottom:2px;">'
                + self._muted("Also in the text: ")
                + f'<a href="{item_href(original.id)}">{escape(original.source.location)}</a></p>'
            )
        for place in c.also_in(s):
            parts.append(
                '<p style="margin-top:2px; margin-bottom:2px;">'
                + self._muted("Also in ")
                + f'<a href="{item_href(place.statement_id)}">{escape(place.label)}</a> '
                + self._muted(f"({escape(place.location)})")
                + "</p>"
            )
        titles = {cid: conflict.title for cid, conflict in c.conflict_by_id.items()}
        for note in s.notes:
            parts.append(
                f'<p style="margin-top:2px; margin-bottom:2px;"><i>Note:</i> {escape(screen_words(note, titles))}</p>'
            )
        for eid in s.errata:
            erratum = c.erratum_by_id.get(eid)
            if erratum is not None:
                parts.append(erratum_html(erratum, link=item_href(f"erratum:{eid}")))
        for cid in c.conflicts_of(s):
            parts.append(self._conflict_html(cid, compact=False))
        parts.append(self._links_html(s.id))
        body = "".join(parts)
        bar = colours.highlight if focus == s.id else colours.mid
        width = 6 if focus == s.id else 2
        return (
            f'<a name="s-{escape(s.id)}"></a>'
            '<table width="100%" cellspacing="0" cellpadding="4" style="margin-top:6px; margin-bottom:6px;">'
            f'<tr><td width="{width}" bgcolor="{bar}"></td><td>{body}</td></tr></table>'
            + notes_html(c.local_of(s.id))
        )

    def _statements_html(self, statements: list[Any], focus: str | None) -> str:
        return "".join(self._statement_html(s, focus) for s in statements)

    def _heading(self, title: str, level: int = 2) -> str:
        return f"<h{level}>{escape(title)}</h{level}>"

    def _section_html(self, section_id: str, focus: str | None) -> str:
        assert self.content is not None
        c = self.content
        sec = c.section_by_id.get(section_id)
        if sec is None:
            return "<p>Unknown section.</p>"
        out = [self._heading(sec.title), f"<p>{self._muted(escape(c.path(section_id)))}</p>"]
        out.append(self._errata_for(section_id))
        own = c.by_section.get(section_id, [])
        out.append(self._statements_html(own, focus))
        shown = len(own)
        for child in c.descendants(section_id):
            if child.id in SPECIAL_SECTIONS:
                out.append(self._heading(child.title, 3))
                out.append(f'<p><a href="{item_href(child.id)}">Open {escape(child.title.split(" |")[0])}</a></p>')
                continue
            statements = c.by_section.get(child.id, [])
            errata = self._errata_for(child.id)
            if not statements and not errata:
                continue
            parent_title = c.section_by_id[child.parent].title if child.parent else ""
            title = (
                f"{parent_title} › {child.title}" if child.title == "Recommendations" and parent_title else child.title
            )
            out.append(self._heading(title, 3))
            out.append(errata)
            out.append(self._statements_html(statements, focus))
            shown += len(statements)
        if not shown:
            out.append(
                "<p>This part of the guideline has no graded statements. The guide keeps every statement "
                "that carries an evidence tag; the narrative text around them is in the paper.</p>"
            )
            siblings = [s for s in c.children.get(sec.parent, []) if s.id != section_id and c.count(s.id)]
            if siblings:
                links = ", ".join(f'<a href="{item_href("section:" + s.id)}">{escape(s.title)}</a>' for s in siblings)
                out.append(f"<p>See: {links}</p>")
            if section_id == "methods":
                out.append(f'<p><a href="{item_href("evidence")}">Evidence levels and grades</a></p>')
        return "".join(out)

    def _box1_html(self) -> str:
        assert self.content is not None
        c = self.content
        box = c.box1
        out = [self._heading(f"Box 1 | {box.title}")]
        out.append(f"<p><b>Rule:</b> {escape(box.rule)}</p>")
        out.append(self._errata_not_on_criteria())
        for n, crit in enumerate(box.criteria, 1):
            marks = "".join(f"<sup>{escape(f)}</sup>" for f in crit.footnotes)
            block = [
                f'<a name="c-{escape(crit.id)}"></a>',
                f"<h3>{n}. {escape(crit.printed)}{marks}</h3>",
                f"<p><b>How the guide reads it:</b> {escape(crit.logic)}</p>",
            ]
            for f in crit.footnotes:
                block.append(f"<p>{self._muted(f'<sup>{escape(f)}</sup> ' + escape(box.footnotes.get(f, '')))}</p>")
            for eid in crit.errata:
                erratum = c.erratum_by_id.get(eid)
                if erratum is not None:
                    block.append(erratum_html(erratum, link=item_href(f"erratum:{eid}")))
            out.append("".join(block))
        out.append("<h3>Footnotes</h3><ul>")
        out += [f"<li><sup>{escape(k)}</sup> {escape(v)}</li>" for k, v in box.footnotes.items()]
        out.append("</ul>")
        out.append(
            f'<p><a href="{nav_href("calculators", "high-risk")}">Open the high-risk (IMS–IMWG 2024) calculator</a></p>'
        )
        out.append(f"<p>{self._muted(escape(box.location))}</p>")
        return "".join(out)

    def _errata_not_on_criteria(self) -> str:
        assert self.content is not None
        on_criteria = {e for crit in self.content.box1.criteria for e in crit.errata}
        return "".join(
            erratum_html(e, link=item_href(f"erratum:{e.id}"))
            for e in self.content.errata_by_target.get("box1", [])
            if e.id not in on_criteria
        )

    def _box2_html(self, focus: str | None) -> str:
        assert self.content is not None
        c = self.content
        box = c.box2
        out = [self._heading(f"Box 2 | {box.title}"), self._errata_for("box2")]
        listed: set[str] = set()
        for group in box.groups:
            out.append(self._heading(group.title, 3))
            statements = [c.statement_by_id[i] for i in group.statements if i in c.statement_by_id]
            listed.update(group.statements)
            out.append(self._statements_html(statements, focus))
        rest = [s for s in c.by_section.get("box2", []) if s.id not in listed]
        if rest:
            out.append(self._heading("Other Box 2 bullets", 3))
            out.append(self._statements_html(rest, focus))
        out.append(f"<p>{self._muted(escape(box.abbreviations))}</p>")
        return "".join(out)

    def _box3_html(self, focus: str | None) -> str:
        assert self.content is not None
        c = self.content
        box = c.box3
        out = [self._heading(f"Box 3 | {box.title}"), self._errata_for("box3")]
        out.append(
            "<p><b>CRS and ICANS</b> are managed grade by grade on their own screens: "
            f'<a href="{nav_href("crs")}">open CRS</a> · <a href="{nav_href("icans")}">open ICANS</a>. '
            "Their Box 3 bullets are listed below by grade as well.</p>"
        )
        listed: set[str] = set()
        out.append(self._heading("Ocular toxicities", 3))
        ocular = [c.statement_by_id[i] for i in box.ocular if i in c.statement_by_id]
        listed.update(box.ocular)
        out.append(self._statements_html(ocular, focus))
        for syndrome in ("crs", "icans"):
            panels = [p for p in c.toxicity if p.syndrome == syndrome]
            out.append(self._heading(syndrome.upper(), 3))
            for panel in panels:
                name = f"{syndrome.upper()} grade {panel.grade}"
                link = f'<a href="{nav_href(syndrome, panel.grade)}">open the {name} panel</a>'
                out.append(f"<h4>{name} — {link}</h4>")
                shown = []
                for item in panel.box3:  # in printed order: statements, and bullets printed without a tag
                    if isinstance(item, str):
                        if item in c.statement_by_id and item not in listed:
                            shown.append(self._statement_html(c.statement_by_id[item], focus))
                        listed.add(item)
                    else:
                        shown.append(f"<p>{UNTAGGED_BADGE} {escape(item.untagged.quote)}<br>"
                                     f"{self._muted(escape(item.untagged.location))}</p>")
                out.append("".join(shown) or f"<p>{self._muted('(no Box 3 bullet)')}</p>")
        rest = [s for s in c.by_section.get("box3", []) if s.id not in listed]
        if rest:
            out.append(self._heading("Other Box 3 bullets", 3))
            out.append(self._statements_html(rest, focus))
        out.append(f"<p>{self._muted(escape(box.abbreviations))}</p>")
        return "".join(out)

    def _evidence_html(self) -> str:
        assert self.content is not None
        scale = self.content.scale
        out = [self._heading("Evidence levels and grades of recommendation")]
        out.append(quote_html(scale.grading_system.quote + " …", scale.grading_system.location))
        out.append(boxed_html(f"<b>Source of the wording below:</b> {escape(scale.source_note)}", conflict_colours()))
        out.append("<h3>Levels of evidence</h3><table cellpadding='4' cellspacing='0' border='1' width='100%'>")
        out += [
            f"<tr><td width='60'><b>{escape(lv.code)}</b></td><td>{escape(lv.meaning)}</td></tr>" for lv in scale.levels
        ]
        out.append(
            "</table><h3>Grades of recommendation</h3><table cellpadding='4' cellspacing='0' border='1' width='100%'>"
        )
        for g in scale.grades:
            out.append(f"<tr><td width='110'>{grade_html(g.code)}</td><td>{escape(g.meaning)}</td></tr>")
        out.append("</table><h3>Panel consensus</h3>")
        out.append(quote_html(scale.panel_consensus.quote, scale.panel_consensus.location))
        out.append(
            "<p>A statement agreed by panel consensus is tagged, as printed, e.g. "
            f"{badge_html('[panel consensus; V, C]')}; one passage prints a bare {badge_html('[panel consensus]')}.</p>"
            "<h3>How the badges read</h3><p>Each badge shows the tag exactly as printed; its colour follows the "
            "grade (A green, B blue, C amber, D orange, E red, panel consensus alone purple) and is only a cue "
            "— the letters always carry the meaning.</p>"
        )
        return "".join(out)

    def _errata_html(self) -> str:
        assert self.content is not None
        c = self.content
        out = [
            self._heading("Errata"),
            "<p>Known errors and inconsistencies of the printed guideline. The guide never corrects the text "
            "silently: it shows the printed wording and, beside it, the reading it follows.</p>",
        ]
        for e in c.errata:
            out.append(f'<a name="e-{escape(e.id)}"></a><h3>{escape(e.title)}</h3>')
            out.append(erratum_html(e))
            out.append(f"<p><b>Where:</b> {escape(e.location)}<br><b>Why:</b> {escape(e.basis)}</p>")
            targets = [self._target_link(t) for t in e.applies_to]
            targets += [f'<a href="{item_href(s.id)}">{escape(s.source.location)}</a>' for s in c.flagged.get(e.id, [])]
            if targets:
                out.append(f"<p><b>Applies to:</b> {' · '.join(targets)}</p>")
        return "".join(out)

    def _target_link(self, target: str) -> str:
        assert self.content is not None
        t = self.content.erratum_target(target)
        if t.kind == "figure":
            return f'<a href="{nav_href(target)}">{escape(t.label)}</a>'
        if t.kind == "section":
            return f'<a href="{item_href("section:" + target)}">{escape(t.label)}</a>'
        return f'<a href="{nav_href("regimens", t.payload)}">{escape(t.label)}</a>'

    def _conflicts_html(self) -> str:
        assert self.content is not None
        c = self.content
        out = [
            self._heading("Conflicting passages"),
            "<p>Places where two passages of the guideline disagree. Both are shown, each with its place; "
            "the guide does not choose silently.</p>",
        ]
        for conflict in c.conflicts:
            out.append(f'<a name="x-{escape(conflict.id)}"></a><h3>{escape(conflict.title)}</h3>')
            out += [quote_html(side.quote, side.location) for side in conflict.sides]
            out.append(f"<p><b>Note:</b> {escape(conflict.note)}</p>")
            concerned = [
                f'<a href="{item_href(s.id)}">{escape(s.source.location)}</a>'
                for s in c.conflict_statements.get(conflict.id, [])
            ]
            for panel in c.toxicity:
                if conflict.id in panel.conflicts:
                    name = f"{panel.syndrome.upper()} grade {panel.grade} panel"
                    concerned.append(f'<a href="{nav_href(panel.syndrome, panel.grade)}">{name}</a>')
            if concerned:
                out.append(f"<p><b>Concerns:</b> {' · '.join(concerned)}</p>")
        return "".join(out)

    # -- Table 1 --------------------------------------------------------------------------
    def _show_table1(self) -> None:
        assert self.content is not None
        t = self.content.table1
        self.table_title.setText(f"<h2>Table 1 | {escape(t.title)}</h2>")
        legend = " · ".join(f"<b>{w}</b>" for w in REQUIREMENT_WORDS.values())
        notes = [
            f"<p>Each cell says in words: {legend}. The colour is only a cue; "
            "hover or focus a cell for the abbreviation as printed (Obl, Opt, NR).</p>",
            self._errata_for("table1"),
            f"<p>{self._muted(escape(t.abbreviations))}</p>",
        ]
        self.table_notes.setHtml("".join(notes))
        self._fit_notes()

    def _fit_notes(self, *_: Any) -> None:
        """The notes under Table 1 take the height of their text (at most 200 px), no more."""
        height = self.table_notes.document().size().height()
        self.table_notes.setFixedHeight(min(200, int(height) + 2 * self.table_notes.frameWidth() + 2))

    def table1_text(self) -> str:
        assert self.content is not None
        t = self.content.table1
        lines = [f"Table 1 | {t.title}", ""]
        group = None
        for row in t.rows:
            if row.group != group:
                group = row.group
                lines.append(group)
            cells = [row.diagnosis, row.at_response, row.at_follow_up, row.at_relapse]
            lines.append(f"  {row.test}")
            lines += [f"    {col}: {cell_words(cell)}" for col, cell in zip(t.columns, cells, strict=True)]
        lines += ["", t.abbreviations]
        return "\n".join(lines)

    def table1_html(self) -> str:
        assert self.content is not None
        t = self.content.table1
        head = "".join(f"<th>{escape(h)}</th>" for h in ["Examination", *t.columns])
        rows = []
        group = None
        for row in t.rows:
            if row.group != group:
                group = row.group
                rows.append(f"<tr><td colspan='5'><b>{escape(group)}</b></td></tr>")
            cells = [row.diagnosis, row.at_response, row.at_follow_up, row.at_relapse]
            rows.append(
                f"<tr><td>{escape(row.test)}</td>"
                + "".join(f"<td>{escape(cell_words(c))}</td>" for c in cells)
                + "</tr>"
            )
        return (
            f"<h2>Table 1 | {escape(t.title)}</h2>"
            f"<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr>{head}</tr>{''.join(rows)}</table>"
            f"<p>{escape(t.abbreviations)}</p>"
        )
