"""Case summary (F5): where the patient case leads, with every value's provenance and what is missing.

Rendered from ``app.services.case_summary`` (Qt-free). Copy (short, or with sources) and
print/PDF (File menu) happen only on an explicit action; the case has no identifier fields and
episode labels are numbers, so none reaches a copy or a page.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.core.flowchart.model import Figure
from app.services.case_references import marks
from app.services.case_summary import Section, Summary, case_summary, long_lines, short_lines
from app.services.case_words import path_words
from app.ui.context import UiContext
from app.ui.screens.base import Screen
from app.ui.theme import current_colours, follow_theme
from app.ui.widgets import muted_html
from app.ui.wrap_layout import WrapLayout


class CaseSummaryScreen(Screen):
    title = "Case summary"

    def __init__(self, context: UiContext, parent: QWidget | None = None, **kwargs: Any) -> None:
        super().__init__(context, parent, **kwargs)
        self.setAccessibleName("Case summary")
        self._unsubscribe: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        bar = QWidget(self)
        row = WrapLayout(bar)
        self.copy_button = QPushButton("&Copy", bar)
        self.copy_button.setToolTip("The short summary, without sources")
        self.copy_button.clicked.connect(lambda: self.copy(False))
        self.copy_sources_button = QPushButton("Copy with &sources", bar)
        self.copy_sources_button.clicked.connect(lambda: self.copy(True))
        self.patient_button = QPushButton("&Edit the patient (F4)", bar)
        self.patient_button.clicked.connect(lambda: self.context.navigate.emit("patient", None))
        self.figure_button = QPushButton("Open the f&igure", bar)
        self.figure_button.clicked.connect(self.open_figure)
        for button in (self.copy_button, self.copy_sources_button, self.patient_button, self.figure_button):
            row.addWidget(button)
        layout.addWidget(bar)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("caseSummaryText")
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Case summary text")
        self.browser.anchorClicked.connect(self._anchor)
        layout.addWidget(self.browser, 1)
        self.setFocusProxy(self.browser)
        follow_theme(self, self.refresh)
        if context.case is not None:
            self.on_guide_ready()
        else:
            self.refresh()

    def on_guide_ready(self) -> None:
        if self.context.case is not None and self._unsubscribe is None:
            self._unsubscribe = self.context.case.subscribe(lambda _s: self.refresh())
            self.destroyed.connect(lambda *_: self._unsubscribe())
        self.refresh()

    # -- content --------------------------------------------------------------------------------
    def refresh(self) -> None:
        position = self.browser.verticalScrollBar().value()
        self.browser.setHtml(self.render_html())
        self.browser.verticalScrollBar().setValue(position)
        result = self.context.case.result if self.context.case is not None else None
        has = result is not None
        for button in (self.copy_button, self.copy_sources_button):
            button.setEnabled(has)
        self.figure_button.setEnabled(has and result is not None and result.figure.id is not None)

    def render_html(self) -> str:
        case = self.context.case
        out = ["<h1>Case summary</h1>"]
        if case is None or case.is_empty:
            out.append("<p>No patient entered. Open the <a href='nav:patient'>Patient panel</a> (F4) and enter "
                       "the age, labs, cytogenetics and treatment history once.</p>")
            return "".join(out)
        if case.error is not None:
            err = case.error
            out.append(f"<p style='color:{current_colours().error}'><b>Input error — "
                       f"{escape(path_words(err.field))}</b> ({escape(err.field)}): {escape(err.message)}</p>"
                       "<p><a href='nav:patient'>Correct it in the Patient panel</a> (F4).</p>")
            return "".join(out)
        result = case.result
        assert result is not None
        out.append(f"<p>Assessed {escape(result.assessment_date)}. "
                   + muted_html("Each value with where it came from; the case holds no identifiers.") + "</p>")
        summary = case_summary(result, case.raw, self._figure())
        out += [self._section_html(s, summary) for s in summary.sections]
        out.append(self._references_html(summary))
        return "".join(out)

    def _figure(self) -> Figure | None:
        """The routed figure, so that what it still needs is sorted as the figure screen sorts it."""
        result = self.context.case.result if self.context.case is not None else None
        guide = self.context.guide
        if result is None or result.figure.id is None or guide is None:
            return None
        return guide.figure(result.figure.id)

    @staticmethod
    def _section_html(section: Section, summary: Summary) -> str:
        """One paragraph per item (a paragraph is kept on one printed page; a table row is not)."""
        out = [f"<h2>{escape(section.title)}</h2>"]
        error = current_colours().error
        for item in section.items:
            refs = f" <sup>{marks(item.refs)}</sup>" if item.refs else ""
            extra = ""
            if item.why:
                extra += "<br>" + muted_html(escape(item.why))
            if item.missing:
                words = escape(item.missing_words)
                extra += (f"<br><span style='color:{error}'>still missing: {words}</span>" if item.needed
                          else "<br>" + muted_html(f"optional: {words}"))
            out.append(f"<p style='margin-top:2px; margin-bottom:4px'><b>{escape(item.label)}:</b> "
                       f"{escape(item.value)}{refs}{extra}</p>")
        if section.title == "Lines of therapy" and summary.refractoriness:
            out.append(f"<p><b>Refractoriness:</b> {escape(summary.refractoriness)}</p>")
        return "".join(out)

    @staticmethod
    def _references_html(summary: Summary) -> str:
        if not summary.references:
            return ""
        items = "".join(f"<p style='margin-top:0; margin-bottom:3px'>[{n}] {escape(text)}</p>"
                        for n, text in enumerate(summary.references, 1))
        return f"<h2>References and notes</h2><small>{items}</small>"

    def _anchor(self, url: QUrl) -> None:
        scheme, _, rest = url.toString().partition(":")
        if scheme == "nav":
            self.context.navigate.emit(rest, None)

    def open_figure(self) -> None:
        result = self.context.case.result if self.context.case is not None else None
        if result is not None and result.figure.id is not None:
            self.context.navigate.emit(result.figure.id, None)

    # -- copy, print ----------------------------------------------------------------------------
    def text(self, with_sources: bool) -> str:
        case = self.context.case
        if case is None or case.result is None:
            return ""
        lines = (long_lines if with_sources else short_lines)(case.result, case.raw, self._figure())
        return "\n".join([*lines, "", self.context.stamp()])

    def copy(self, with_sources: bool) -> str:
        text = self.text(with_sources)
        if text:
            QApplication.clipboard().setText(text)
            window = self.window()
            if hasattr(window, "statusBar"):
                window.statusBar().showMessage("Case summary copied" + " with sources" * with_sources, 5000)
        return text

    def plain_text(self) -> str:
        return self.text(True)

    def document(self) -> QTextDocument | None:
        case = self.context.case
        if case is None or case.result is None:
            return None
        doc = self.browser.document().clone(self)
        doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, "Case summary")
        return doc

