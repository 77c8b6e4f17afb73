"""About: versions, the source followed, the active database, errata, intended purpose, safety
documents, third-party software and licences, privacy.

The intended purpose per module comes from ``app.services.intended_use`` (the same text as
``docs/intended-use.md``); the third-party list from the bundle's SBOM or the installed packages
(``app.services.third_party``). Document links (``doc:``) open in the guide's own viewer, and
``action:`` links open What's new and Report a problem; nothing outside the guide is opened.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from app import __version__
from app.ui.context import UiContext
from app.ui.screens.base import Screen
from app.ui.theme import follow_theme, print_colours
from app.ui.widgets import boxed_html, erratum_colours

#: what each main component does in the guide (shown beside its version and licence)
USES = {
    "pyside6-essentials": "the window, widgets, printing (Qt for Python)",
    "shiboken6": "the binding layer of Qt for Python",
    "sqlalchemy": "reading the guideline database",
    "pydantic": "validating the content and the inputs",
    "cryptography": "verifying signed content updates",
    "pyyaml": "reading the reviewable content source",
    "platformdirs": "finding the data folder",
    "cpython": "the Python runtime",
}

#: (label, path under the documents folder, what it is)
SAFETY_DOCUMENTS = (
    ("Intended use", "intended-use.md", "who the guide is for, what each module does and does not do"),
    ("Hazard log", "safety/hazards.md", "hazards, their causes, the controls and the tests that verify them"),
    ("Clinical safety case report", "safety/safety-case-report.md",
     "this release's hazards and controls with their test outcomes (generated at build)"),
    ("Published test vectors", "test-vectors.md", "the calculators' boundary cases, to check by hand"),
)


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
        follow_theme(self, self._rerender)  # its colours are written into the HTML
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

    def _rerender(self) -> None:
        guide = self.context.guide
        if guide is None or not self.info:
            return
        position = self.browser.verticalScrollBar().value()
        self.browser.setHtml(self.render_html(self.info, guide.repo.meta(), guide.repo.errata()))
        self.browser.verticalScrollBar().setValue(position)

    def open_item(self, payload: Any) -> None:
        """``"safety"`` or ``"third-party"``: scroll to that section."""
        if isinstance(payload, str):
            self.browser.scrollToAnchor(payload)

    def _anchor_clicked(self, url: QUrl) -> None:
        scheme, _, rest = url.toString().partition(":")
        if scheme == "doc":
            self.open_document(rest)
            return
        if scheme == "action":
            self._action(rest)
            return
        if scheme != "nav":
            return  # the guide never opens anything outside itself
        screen, _, data = rest.partition(":")
        payload = json.loads(bytes.fromhex(data).decode()) if data else None
        self.context.navigate.emit(screen, payload)

    def open_document(self, name: str) -> Any:
        """Open a safety document (``docs/…``), the SBOM or a licence text in the guide's viewer."""
        from app.services.third_party import bundle_root, docs_dir, licences_dir
        from app.ui.doc_viewer import DocumentViewer

        roots = [p for p in (docs_dir(), licences_dir(), bundle_root()) if p is not None]
        viewer = DocumentViewer(roots, self)
        if name.startswith("bundle/"):
            root = bundle_root()
            target = (root / name.removeprefix("bundle/")) if root else Path(name)
        else:
            folder = docs_dir()
            target = (folder / name) if folder else Path(name)
        viewer.load(target)
        self.document_viewer = viewer
        viewer.show()
        return viewer

    def _action(self, name: str) -> Any:
        window = self.window()
        if name == "whats-new" and hasattr(window, "guide"):
            from app.ui.whats_new import open_whats_new

            return open_whats_new(window)
        if name == "report" and hasattr(window, "guide"):
            from app.ui.report_problem import open_report_dialog

            return open_report_dialog(window)
        return None

    def safety_html(self) -> str:
        from app.services.intended_use import MODULES, NOT_FOR, USERS
        from app.services.third_party import docs_dir

        folder = docs_dir()
        out = [
            "<h2>Intended purpose</h2>",
            f"<p><b>For:</b> {escape(USERS)}<br><b>Not for:</b> {escape(NOT_FOR)}</p>",
            "<table cellpadding='3' cellspacing='0' border='1'>"
            "<tr><th align='left'>Module</th><th align='left'>What it does</th>"
            "<th align='left'>What it does not do</th>"
            "<th align='left'>How it shows its basis</th></tr>",
        ]
        out += [f"<tr><td valign='top'><b>{escape(m.name)}</b><br><small>{escape(m.where)}</small></td>"
                f"<td valign='top'>{escape(m.does)}</td><td valign='top'>{escape(m.does_not)}</td>"
                f"<td valign='top'>{escape(m.basis)}</td></tr>" for m in MODULES]
        out.append("</table>")
        out.append("<h2><a name='safety'></a>Safety documents</h2><ul>")
        for label, rel, what in SAFETY_DOCUMENTS:
            present = folder is not None and (folder / rel).is_file()
            link = f'<a href="doc:{escape(rel)}">{escape(label)}</a>' if present else f"{escape(label)}"
            note = "" if present else " — <i>not included in this installation (see the README)</i>"
            out.append(f"<li>{link}: {escape(what)}{note}</li>")
        out.append('<li><a href="action:whats-new">What\'s new in this content…</a>: what changed compared with '
                   "the content bundled with the app</li>")
        out.append('<li><a href="action:report">Report a problem…</a>: a report for your clinical safety officer '
                   "(versions and your words, never patient values)</li></ul>")
        return "".join(out)

    def third_party_html(self) -> str:
        from PySide6 import __version__ as pyside_version

        from app.services.third_party import bundle_root, components, licences_dir

        source, found = components()
        rows = "".join(
            f"<tr><td>{escape(c.name)}</td><td>{escape(c.version)}</td><td>{escape(c.licence)}</td>"
            f"<td>{escape(USES.get(c.name.lower().replace('_', '-'), ''))}</td></tr>"
            for c in found
        )
        out = [
            "<h2><a name='third-party'></a>Third-party software</h2>",
            f"<p>{len(found)} components, from {escape(source)} (Qt for Python {escape(pyside_version)}):</p>",
            "<table cellpadding='3' cellspacing='0' border='1'><tr><th align='left'>Component</th>"
            "<th align='left'>Version</th><th align='left'>Licence</th><th align='left'>Used for</th></tr>",
            rows,
            "</table>",
            "<p>Qt and Qt for Python (PySide6) are used under the GNU LGPL version 3: they are separate shared "
            "libraries beside the app, which you may replace with your own build of the same version; their source "
            "is available from the Qt Project.</p>",
        ]
        root = bundle_root()
        links = []
        if licences_dir() is not None:
            links.append('<a href="doc:bundle/licenses/README.md">the licence texts and how the bundle meets the '
                         "LGPL</a>")
        if root is not None and (root / "sbom.cdx.json").is_file():
            links.append('<a href="doc:bundle/sbom.cdx.json">the software bill of materials (CycloneDX)</a>')
        if links:
            out.append(f"<p>Read {' and '.join(links)}.</p>")
        else:
            out.append("<p>The licence texts are in each package's <code>.dist-info</code> folder of this Python "
                       "installation; the frozen bundle ships them under <code>licenses/</code> with its SBOM.</p>")
        return "".join(out)

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
            boxed_html(escape(meta.text_followed), erratum_colours()),
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
        out.append(self.local_layer_html(row))
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
            self.safety_html(),
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
            self.third_party_html(),
        ]
        return "".join(out)

    def local_layer_html(self, row: Any) -> str:
        """The hospital's local layer: hospital, version (sequence), signers and date (issue 13)."""
        from app.services.local_notes import local_view
        from app.ui.theme import current_local_colours

        view = local_view(self.context.guide) if self.context.guide is not None else None
        if view is None:
            return ("<h2>Local layer of this hospital</h2><p>None installed. A hospital's own notes and formulary "
                    "are installed by IT (File → Install local layer…) and always shown apart from the guideline, "
                    "labelled “Local”.</p>")
        summary = view.summary()
        box, _label = current_local_colours()
        unavailable = ", ".join(summary["unavailable"]) or "none"
        return "".join([
            "<h2>Local layer of this hospital</h2>",
            f"<p style='color:{box.fg}; background:{box.bg}'>⌂ Shown beside the guideline, never inside it, "
            "labelled “Local — hospital, approved date”. It is the hospital's, not the guideline's.</p>",
            "<table cellpadding='3' cellspacing='0'>",
            row("Hospital", escape(summary["hospital"])),
            row("Layer version", f"{summary['sequence']} (sequence number of the signed package)"),
            row("Signed by", escape(", ".join(summary["signers"]) or "—")),
            row("Date", f"{escape(summary['created'])} (built and signed)"),
            row("Built against content", escape(summary["content_version"])),
            row("Notes", str(summary["notes"])),
            row("Not on the local formulary", escape(unavailable)),
            "</table>",
        ])

    def plain_text(self) -> str:
        return self.browser.toPlainText()

    def document(self) -> QTextDocument | None:
        guide = self.context.guide
        if guide is None or not self.info:
            return self.browser.document().clone()
        doc = QTextDocument(self)
        with print_colours():  # printed on white paper
            doc.setHtml(self.render_html(self.info, guide.repo.meta(), guide.repo.errata()))
        return doc


def _nav(screen: str, payload: Any = None) -> str:
    return f"nav:{screen}:{json.dumps(payload).encode().hex()}"
