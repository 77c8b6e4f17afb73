"""Help (F1): what each screen does, the keyboard shortcuts, how statuses and evidence tags read.

The shortcuts are read from the window's own menu actions (and any screen shortcut that
carries a description in ``whatsThis``) each time the page is shown, so the list cannot drift
from what the keys do. Statuses use the flowcharts' own vocabulary (``app.ui.flow_status``);
the evidence levels and grades come from the database (the guideline's grading system, with
its source note).
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QShowEvent, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from app.ui.context import UiContext
from app.ui.screens.base import Screen
from app.ui.theme import follow_theme
from app.ui.widgets import GRADE_WORDS, badge_html, grade_html

#: screen id → what it is for, in a sentence or two (the navigation's own labels name them)
SCREEN_HELP: dict[str, str] = {
    "fig1": "Newly diagnosed myeloma (the guideline's Fig. 1). Answer the questions on the left; the "
    "recommendations of the box you reach are listed with their status, evidence and reason.",
    "fig2": "Relapsed or refractory myeloma at second line (Fig. 2), reconstructed from the guideline's text.",
    "fig3": "Third line and beyond (Fig. 3), reconstructed from the guideline's text.",
    "calculators": "Staging, risk, frailty, CAR-T toxicity grading, kidney function, body surface area and "
    "dosing helpers. The result updates as you type; each field names its unit, and a field's message "
    "appears once you have edited it.",
    "crs": "The ASTCT 2019 CRS grader and, for the grade, the guideline's Box 3 management, the "
    "supportive-care recommendations and the doses the guideline gives. Tocilizumab dose and "
    "bispecific step-up schedules beside it.",
    "icans": "The ICE score and ASTCT 2019 ICANS grader with the management for the grade; every grade "
    "carries the guideline's caution that tocilizumab is given only with concurrent CRS.",
    "guideline": "Every section with its statements and evidence tags, notes, errata and conflicts; Table 1, "
    "Boxes 1–3 and the evidence legend.",
    "regimens": "Each regimen: components, classes, approval notes, trials and renal dosing notes "
    "(lenalidomide EU SmPC and US label, carfilzomib BSA cap). Regimens the guideline discusses "
    "but does not recommend are marked so.",
    "about": "Content version and date, the text followed, the active database and its signers, errata, "
    "intended use and disclaimer.",
    "help": "This page.",
    "patient": "The patient case, entered once (F4): age, labs with their units, cytogenetics (not tested stays "
    "open), frailty, context and the treatment history as episodes, with the lines of therapy derived as you "
    "type. Kept in memory only; Ctrl+Shift+Delete or closing the window clears it.",
    "case": "Where the case leads (F5): the figure and its regimens with their statuses, stage and risk, "
    "frailty, renal function and dose-relevant values, each with its inputs, rule and source or what is "
    "missing. Copy it short or with sources; print or export it from the File menu.",
}
#: keys that are not menu shortcuts
KEYS = (
    ("Tab / Shift+Tab", "Next / previous control. The focused control has a visible outline."),
    ("Arrow keys", "Move in lists, tables, tabs and drop-down lists; scroll a text pane."),
    ("Space", "Tick a check box; press a button."),
    ("Enter", "Open the selected search hit or navigation entry; press the default button."),
    ("Escape", "Close the search palette or a dialog."),
    ("Alt + underlined letter", "Jump to the field of that label (e.g. Alt+U: Default units)."),
    ("Alt+Q (flowcharts)", "The first question."),
    ("Alt+D / Alt+S (flowcharts)", "The diagram / the same path as steps (cards), without the diagram."),
    ("P / F (in the diagram)", "Follow the path at a legible size / the whole figure."),
    ("Ctrl+Tab / Ctrl+Shift+Tab (regimen card)", "Next / previous link; Enter opens it. Tab leaves the card."),
)
STATUS_ORDER = ("applies", "possible", "fallback", "unavailable", "already-received", "excluded")


def _nav(screen: str, payload: Any = None) -> str:
    return f"nav:{screen}:{json.dumps(payload).encode().hex()}"


class HelpScreen(Screen):
    title = "Help"

    def __init__(self, context: UiContext, parent: QWidget | None = None, **kwargs: Any) -> None:
        super().__init__(context, parent, **kwargs)
        self.setAccessibleName("Help")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("helpText")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setAccessibleName("Help text")
        self.browser.setAccessibleDescription(
            "What each screen does, the keyboard shortcuts, and how statuses and evidence tags read"
        )
        self.browser.anchorClicked.connect(self._anchor_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.setFocusProxy(self.browser)
        follow_theme(self, self.refresh)  # link colours are written into the HTML
        self.refresh()

    def on_guide_ready(self) -> None:
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        position = self.browser.verticalScrollBar().value()
        self.browser.setHtml(self.render_html())
        self.browser.verticalScrollBar().setValue(position)

    def _anchor_clicked(self, url: QUrl) -> None:
        scheme, _, rest = url.toString().partition(":")
        if scheme != "nav":
            return
        screen, _, data = rest.partition(":")
        self.context.navigate.emit(screen, json.loads(bytes.fromhex(data).decode()) if data else None)

    # -- content ----------------------------------------------------------------------------
    def shortcuts(self) -> list[tuple[str, str]]:
        """(keys, what they do) of every menu action and described screen shortcut of this window."""
        window = self.window()
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for action in window.findChildren(QAction):
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if not k.isEmpty()]
            if not keys:
                continue
            what = action.statusTip() or action.text().replace("&", "")
            entry = " or ".join(keys)
            if re.fullmatch(r"Alt\+\d", entry):
                continue  # the screens' own keys are in the table of screens
            if entry not in seen:
                seen.add(entry)
                out.append((entry, what.rstrip(".…")))
        for shortcut in window.findChildren(QShortcut):
            if shortcut.key().isEmpty() or not shortcut.whatsThis():
                continue
            entry = shortcut.key().toString(QKeySequence.SequenceFormat.NativeText)
            if entry not in seen:
                seen.add(entry)
                out.append((entry, shortcut.whatsThis()))
        return out

    def render_html(self) -> str:
        from app.ui.main_window import SCREEN_LABELS
        from app.ui.screens import SCREENS

        out = ["<h1>Help</h1>", "<h2>Screens</h2><table cellpadding='4' cellspacing='0'>"]
        for n, screen_id in enumerate(SCREENS, 1):
            label = SCREEN_LABELS.get(screen_id, (screen_id, ""))[0]
            key = f" (Alt+{n})" if n <= 9 else ""
            out.append(
                f"<tr><td valign='top'><a href='{_nav(screen_id)}'><b>{escape(label)}</b></a>{key}</td>"
                f"<td valign='top'>{escape(SCREEN_HELP.get(screen_id, ''))}</td></tr>"
            )
        out.append("</table>")
        out.append("<h2>Keyboard</h2><table cellpadding='4' cellspacing='0'>")
        for keys, what in [*self.shortcuts(), *KEYS]:
            out.append(f"<tr><td valign='top'><b>{escape(keys)}</b></td><td valign='top'>{escape(what)}</td></tr>")
        out.append("</table>")
        out.append(
            "<p>Text size (Ctrl + / Ctrl − / Ctrl+0) scales every text of the app, the diagrams included, and is "
            "remembered; the diagrams' own zoom buttons change only the diagram.</p>"
        )
        out += self._statuses_html()
        out += self._evidence_html()
        return "".join(out)

    @staticmethod
    def _statuses_html() -> list[str]:
        from app.ui.flow_status import GLYPH, LABEL, MEANING

        out = [
            "<h2>Statuses of a listed regimen (flowcharts)</h2>",
            "<p>Every regimen of the box you reach is listed with a status, written out in words beside its "
            "sign, and for every status but <i>applies</i> the reason:</p><table cellpadding='4' cellspacing='0'>",
        ]
        for status in STATUS_ORDER:
            if status in GLYPH:
                out.append(
                    f"<tr><td valign='top'><b>{escape(GLYPH[status])} {escape(LABEL[status])}</b></td>"
                    f"<td valign='top'>{escape(MEANING[status])}</td></tr>"
                )
        out.append("</table>")
        return out

    def _evidence_html(self) -> list[str]:
        out = [
            "<h2>Evidence tags</h2>",
            "<p>A tag is shown exactly as the guideline prints it, e.g. "
            f"{badge_html('I, A')} or {badge_html('panel consensus; V, C')}: the Roman numeral is the level of "
            "evidence, the letter the grade of recommendation. The tag's colour follows the grade and is only a "
            "cue: the letters are always there. A tag belongs to a statement or a flowchart box, never to a "
            "regimen as such (the same regimen can carry different tags in different boxes).</p>",
        ]
        guide = self.context.guide
        scale = None
        if guide is not None:
            try:
                scale = guide.repo.evidence_scale()
            except Exception:  # the help page stays usable without the database
                scale = None
        if scale is None:
            out.append("<table cellpadding='4' cellspacing='0'>")
            out += [
                f"<tr><td>{grade_html(g)}</td><td>{escape(w)}</td></tr>"
                for g, w in GRADE_WORDS.items()
            ]
            out.append("</table>")
            return out
        out.append("<h3>Levels of evidence</h3><table cellpadding='4' cellspacing='0'>")
        out += [
            f"<tr><td valign='top'><b>{escape(lv.code)}</b></td><td>{escape(lv.meaning)}</td></tr>"
            for lv in scale.levels
        ]
        out.append("</table><h3>Grades of recommendation</h3><table cellpadding='4' cellspacing='0'>")
        out += [
            f"<tr><td valign='top'>{grade_html(g.code)}</td><td>{escape(g.meaning)}</td></tr>"
            for g in scale.grades
        ]
        out.append("</table>")
        out.append(f"<p><small>{escape(scale.source_note)}</small></p>")
        out.append(f"<p><a href='{_nav('guideline', 'evidence')}'>The evidence legend on the Guideline screen</a></p>")
        return out

    # -- Screen API -------------------------------------------------------------------------
    def plain_text(self) -> str:
        return self.browser.toPlainText()

    def document(self) -> QTextDocument | None:
        doc = self.browser.document().clone(self)
        doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, "Help")
        return doc
