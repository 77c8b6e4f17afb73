"""About: versions, the source followed, the active database, errata, intended use, privacy."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from app import __version__
from app.ui.context import UiContext
from app.ui.screens.base import Screen
from app.ui.widgets import ERRATUM_COLOURS, boxed_html

CREDITS = [
    ("Qt for Python (PySide6-Essentials)", "LGPL-3.0", "the window, widgets, printing"),
    ("SQLAlchemy", "MIT", "reading the guideline database"),
    ("SQLite", "public domain", "the database and its full-text search"),
    ("pydantic", "MIT", "validating the content"),
    ("cryptography", "Apache-2.0 / BSD", "verifying signed content updates"),
    ("PyYAML", "MIT", "reading the reviewable content source"),
    ("platformdirs", "MIT", "finding the data folder"),
]


class AboutScreen(Screen):
    title = "About"

    def __init__(self, context: UiContext, parent: QWidget | None = None, **kwargs: Any) -> None:
        super().__init__(context, parent, **kwargs)
        self.setAccessibleName("About")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("aboutText")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setAccessibleName("About the guide")
        self.browser.setAccessibleDescription(
            "Versions, the source followed, the active database, errata, intended use, disclaimer and privacy."
        )
        self.browser.anchorClicked.connect(self._anchor_clicked)
        self.browser.setHtml("<p>Loading the guideline database…</p>")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.setFocusProxy(self.browser)
        self.info: dict[str, Any] = {}
        if context.guide is not None:
            self.on_guide_ready()

    def on_guide_ready(self) -> None:
        guide = self.context.guide
        if guide is None:
            return
        self.info = guide.info()
        meta = guide.repo.meta()
        errata = guide.repo.errata()
        self.browser.setHtml(self.render_html(self.info, meta, errata))

    def _anchor_clicked(self, url: QUrl) -> None:
        scheme, _, rest = url.toString().partition(":")
        if scheme != "nav":
            return  # the guide never opens anything outside itself
        screen, _, data = rest.partition(":")
        payload = json.loads(bytes.fromhex(data).decode()) if data else None
        self.context.navigate.emit(screen, payload)

    def render_html(self, info: dict[str, Any], meta: Any, errata: list[Any]) -> str:
        def row(label: str, value: str) -> str:
            return f"<tr><td valign='top' width='190'><b>{escape(label)}</b></td><td>{value}</td></tr>"

        signers = ", ".join(escape(s) for s in info.get("signer_key_ids") or [])
        if not signers:
            signers = "none — the bundled database shipped with the app (not a signed update)"
        integrity = escape(str(info.get("integrity")))
        settings_path = ""
        settings = getattr(self.context, "settings", None)
        if settings is not None and hasattr(settings, "file_name"):
            settings_path = settings.file_name()
        out = [
            f"<h1>Myeloma Pocket Guide {escape(__version__)}</h1>",
            f"<p>An offline pocket guide to the {escape(meta.title)} (EHA–EMN 2025).</p>",
            "<h2>Content</h2><table cellpadding='3' cellspacing='0'>",
            row("Content version", escape(meta.content_version)),
            row("Content date", escape(meta.content_date.isoformat())),
            row("Literature cut-off", escape(meta.literature_cutoff.isoformat())),
            row("Database schema version", escape(str(meta.schema_version))),
            row("App version", escape(__version__)),
            "</table>",
            "<h2>Source</h2>",
            f"<p>{escape(meta.citation)}<br>DOI: {escape(meta.doi)}</p>",
            "<p><b>Text followed:</b></p>",
            boxed_html(escape(meta.text_followed), ERRATUM_COLOURS),
            "<h2>Active database</h2><table cellpadding='3' cellspacing='0'>",
            row("Origin", escape(str(info.get("source")))),
            row("File", escape(str(info.get("path")))),
            row("Signer key ids", signers),
            row("Integrity check", integrity),
            row("Age of the content", f"{escape(str(info.get('data_age_days')))} days since the content date"),
        ]
        if info.get("notice"):
            out.append(row("Notice", escape(str(info["notice"]))))
        out.append("</table>")
        out.append(f"<h2>Errata ({len(errata)})</h2>")
        out.append(
            "<p>Known errors of the printed guideline, shown where they apply and never corrected silently. "
            f'<a href="{_nav("guideline", "errata")}">Open the full errata list</a>.</p><ul>'
        )
        out += [f'<li><a href="{_nav("guideline", "erratum:" + e.id)}">{escape(e.title)}</a></li>' for e in errata]
        out.append("</ul>")
        out += [
            "<h2>Intended use</h2>",
            f"<p>{escape(meta.intended_use)}</p>",
            "<h2>Disclaimer</h2>",
            f"<p>{escape(meta.disclaimer)}</p>",
            "<h2>No network, no patient data</h2>",
            "<p>The guide never connects to a network: it has no network code, and it refuses network access "
            "while it runs. Content updates arrive only as signed files that your IT department installs.</p>"
            "<p>No patient data are stored. Values typed into calculators and forms stay in memory and are gone "
            "when the screen is cleared or the app closes. The settings file holds only display preferences "
            "(text size, theme, default units, content-age warning, last screen)"
            + (f": <code>{escape(settings_path)}</code>" if settings_path else "")
            + ". Copies and printouts carry the app and content versions and the date, never a patient "
            "identifier.</p>",
            "<h2>Licence and credits</h2>",
            "<p>The guideline is © Springer Nature Limited 2025 (EHA–EMN, Dimopoulos, Terpos et al.); the guide "
            "quotes it verbatim, with each quote's place, for reference. Always cite the paper, not this guide.</p>",
            "<p>Built with:</p><ul>",
            *(f"<li>{escape(n)} ({escape(lic)}): {escape(use)}</li>" for n, lic, use in CREDITS),
            "</ul>",
        ]
        return "".join(out)

    def plain_text(self) -> str:
        return self.browser.toPlainText()

    def document(self) -> QTextDocument | None:
        return self.browser.document().clone()


def _nav(screen: str, payload: Any = None) -> str:
    return f"nav:{screen}:{json.dumps(payload).encode().hex()}"
