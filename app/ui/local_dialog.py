"""File → Install local layer…: what a hospital's signed local layer is, who signed it and what it changes.

Works like the guideline update dialog (:mod:`app.ui.update_dialog`): the package is checked off
the GUI thread with every check ``apply`` makes (``app.updates.local_install.check_to_install``: the
local trust root's threshold, the local signature purpose, the sequence floor, hashes, strict zip),
installing nothing; the verified facts are shown — hospital, layer version (sequence), signing date,
the content it was built against, the signers — and what installing it changes against the layer
installed now (:mod:`app.services.local_changes`: the layer it replaces, each note new / changed /
unchanged / removed, formulary entries added or removed). Only a package that passed gets an
*Install local layer* button; Cancel keeps the default focus. Opening a package here is an install
attempt: a refusal is written to the audit log as ``local apply`` writes it (``local_reject``), shows
its code, its reason and one line of what to do, and the button becomes Close."""

from __future__ import annotations

from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.core.local.words import refusal_advice
from app.ui.update_dialog import run_in_background

#: how each anchor kind is named in the dialog: (one, several)
KIND_WORDS: dict[str, tuple[str, str]] = {
    "statement": ("statement", "statements"), "regimen": ("regimen", "regimens"),
    "figure-node": ("flowchart box", "flowchart boxes"), "recommendation": ("recommendation", "recommendations"),
    "toxicity": ("CRS/ICANS grade panel", "CRS/ICANS grade panels"), "calculator": ("calculator", "calculators"),
}
CHANGE_ORDER = ("new", "changed", "unchanged", "removed")


def kinds_words(kinds: Counter[str]) -> str:
    """"2 on regimens, 1 on a CRS/ICANS grade panel" (singular and plural spelled out, never "toxicitys")."""
    parts = []
    for kind, count in sorted(kinds.items()):
        one, several = KIND_WORDS.get(kind, (kind, kind))
        parts.append(f"{count} on {'a ' + one if count == 1 else several}")
    return ", ".join(parts) or "none"


def _rows(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><th align='left' valign='top' width='26%'>{escape(k)}</th><td valign='top'>{v}</td></tr>"
        for k, v in rows
    )
    return f"<table cellspacing='0' cellpadding='2'>{cells}</table>"


def changes_html(changes: dict[str, Any]) -> str:
    """The comparison with the installed layer (:mod:`app.services.local_changes`): what it replaces, each
    note new / changed (which fields) / unchanged / removed, and the formulary entries added or removed."""
    from app.services.local_changes import note_change_words, replaces_line

    counts = changes["counts"]
    parts = [f"<p><b>{escape(replaces_line(changes))}</b></p>",
             "<p>Notes: " + ", ".join(f"{counts[c]} {c}" for c in CHANGE_ORDER) + "</p>"]
    rows = "".join(
        f"<tr><td valign='top'><b>{escape(note_change_words(n))}</b></td><td valign='top'><code>{escape(n['id'])}"
        f"</code></td><td valign='top'>{escape(n['anchor'])}</td></tr>"
        for c in CHANGE_ORDER for n in changes["notes"] if n["change"] == c)
    parts.append("<table cellspacing='0' cellpadding='2'><tr><th align='left'>Change</th><th align='left'>Note"
                 f"</th><th align='left'>Where it attaches</th></tr>{rows}</table>")
    off = changes["unavailable"]
    moved = [f"{words}: <b>{escape(', '.join(off[key]))}</b>" for key, words in
             (("added", "added"), ("changed", "reason or date changed"), ("removed", "removed (available again)"))
             if off[key]]
    parts.append("<p>Not-on-formulary list: " + ("; ".join(moved) if moved else "no change") + "</p>")
    return "".join(parts)


def describe_local(checked: Any, changes: dict[str, Any] | None = None) -> str:
    """The HTML of a verified local package: what it is, who signed it, what it changes and holds."""
    facts = checked.describe()
    source = checked.source
    kinds = Counter(n.anchor.kind for n in source.notes)
    parts = ["<h3>What the layer is</h3>", _rows([
        ("Package file", escape(str(facts.get("package", "")))),
        ("Hospital", f"<b>{escape(str(facts.get('hospital', '')))}</b>"),
        ("Layer version", escape(str(facts.get("sequence", ""))) + " (sequence number)"),
        ("Signed", escape(str(facts.get("created", "")))),
        ("Built against content", escape(f"{facts.get('content_version', '')} ({facts.get('content_date', '')})")),
    ])]
    signers = facts.get("signers") or []
    parts.append("<h3>Who signed it</h3>")
    parts.append(f"<p>{len(signers)} valid signature{'s' if len(signers) != 1 else ''} from keys in this "
                 "installation's <b>local</b> trust root (the hospital's keys, not the publisher's):</p><ul>")
    parts += [f"<li><b>{escape(s.get('name') or 'unnamed key')}</b> — key id <code>{escape(str(s.get('keyid')))}"
              "</code></li>" for s in signers]
    parts.append("</ul>")
    if changes is not None:
        parts.append("<h3>What installing it changes</h3>")
        parts.append(changes_html(changes))
    parts.append("<h3>What the layer holds</h3>")
    unavailable = "".join(
        f"<li><b>{escape(u.regimen)}</b>: {escape(u.reason)}"
        f"{f' (approved {u.approved.isoformat()})' if u.approved else ''}</li>" for u in source.unavailable)
    parts.append(_rows([
        (f"Local notes ({len(source.notes)})", escape(kinds_words(kinds))),
        (f"Not on the local formulary ({len(source.unavailable)})",
         f"<ul>{unavailable}</ul>" if unavailable else "none"),
    ]))
    parts.append("<p><i>Local notes are shown beside the guideline, never inside it, labelled “Local — hospital, "
                 "approved date”; the regimens above are shown as not available, with this reason, unless "
                 "overridden for one patient.</i></p>")
    for warning in facts.get("warnings") or []:
        parts.append(f"<p><b>Warning:</b> {escape(str(warning))}</p>")
    return "".join(parts)


class LocalLayerDialog(QDialog):
    """Verify a local package, show it, and install it only when the user confirms."""

    #: emitted after a successful install with the installed package's facts
    installed = Signal(object)

    CHECKING, ACCEPTED, REFUSED, INSTALLING, INSTALLED = "checking", "accepted", "refused", "installing", "installed"

    def __init__(self, package: Path, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.package = Path(package)
        self.data_dir = Path(data_dir)
        self.state = self.CHECKING
        self.checked: Any = None
        self.changes: dict[str, Any] | None = None
        self.error: Any = None
        self.advice = ""
        self.setWindowTitle("Install local layer")
        self.setAccessibleName("Install local layer")
        self.setMinimumSize(600, 440)
        self.resize(860, 680)
        layout = QVBoxLayout(self)
        where = QLabel(f"<b>Package:</b> {escape(self.package.name)}<br><b>Installation data folder:</b> "
                       f"{escape(str(self.data_dir))}", self)
        where.setWordWrap(True)
        layout.addWidget(where)
        self.verdict = QLabel("Checking the package…", self)
        self.verdict.setObjectName("localVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName("Verdict")
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        layout.addWidget(self.verdict)
        self.details = QTextBrowser(self)
        self.details.setAccessibleName("What the local layer is, who signed it and what it adds")
        layout.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.install_button = QPushButton("&Install local layer", self)
        self.install_button.setVisible(False)
        self.install_button.clicked.connect(self.install)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.install_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        run_in_background(self._verify, self._verified, owner=self)

    def _verify(self) -> Any:
        """The install attempt's check (a refusal is audited, as ``local apply`` audits it) and the
        comparison with the layer installed now."""
        from app.services.local_changes import compare_installed
        from app.updates import local_install

        checked = local_install.check_to_install(self.package, self.data_dir)
        return checked, compare_installed(self.data_dir, checked.source)

    def _verified(self, ok: bool, value: Any) -> None:
        if not ok:
            self._refused(value, "The package is refused; nothing was changed.")
            return
        checked, self.changes = value
        self.checked = checked
        self.state = self.ACCEPTED
        hospital = checked.manifest.hospital
        self.verdict.setText(f"Checked: can be installed. A local layer of {hospital}, signed by "
                             f"{self._signers(checked)}. Check what it changes, then install it.")
        self.details.setHtml(describe_local(checked, self.changes))
        self.install_button.setVisible(True)

    def _signers(self, checked: Any) -> str:
        names = [s.get("name") or str(s.get("keyid"))[:16] for s in checked.describe().get("signers") or []]
        return ", ".join(names) or "nobody"

    def _refused(self, exc: Any, headline: str) -> None:
        self.error = exc
        self.state = self.REFUSED
        code = getattr(exc, "code", type(exc).__name__)
        message = getattr(exc, "message", str(exc))
        self.advice = refusal_advice(str(code))
        self.verdict.setText(headline)
        self.details.setHtml(_rows([("What to do", f"<b>{escape(self.advice)}</b>"),
                                    ("Reason code", f"<code>{escape(str(code))}</code>"),
                                    ("Reason", escape(str(message)))]))
        self.install_button.setVisible(False)
        self.cancel_button.setText("Close")
        self.cancel_button.setAccessibleName("Close: nothing was installed")

    def install(self) -> None:
        if self.state != self.ACCEPTED:
            return
        self.state = self.INSTALLING
        self.install_button.setEnabled(False)
        self.verdict.setText("Installing…")

        def work() -> Any:
            from app.updates import local_install

            return local_install.apply(self.package, self.data_dir)

        run_in_background(work, self._applied, owner=self)

    def _applied(self, ok: bool, value: Any) -> None:
        self.install_button.setEnabled(True)
        if not ok:
            self._refused(value, "Installing was refused; nothing was changed.")
            return
        self.state = self.INSTALLED
        self.checked = value
        self.install_button.setVisible(False)
        self.cancel_button.setText("Close")
        self.verdict.setText(f"Installed: the local layer of {value.manifest.hospital}, version "
                             f"{value.manifest.sequence}. Its notes now show beside the guideline, marked Local.")
        self.details.setHtml(describe_local(value))
        self.installed.emit(value.describe())
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


def open_local_dialog(window: Any) -> LocalLayerDialog | None:
    """File → Install local layer…: choose a package, verify and show it; on install, reload the notes."""
    from PySide6.QtWidgets import QFileDialog

    data_dir = Path(window.update_data_dir())
    path, _ = QFileDialog.getOpenFileName(window, "Choose a local layer package", str(Path.home()),
                                          "Local layer packages (*.zip)")
    if not path:
        return None
    return show_local_dialog(window, Path(path), data_dir)


def show_local_dialog(window: Any, package: Path, data_dir: Path) -> LocalLayerDialog:
    dialog = LocalLayerDialog(package, data_dir, parent=window)

    def reload(_facts: Any) -> None:
        """A new guide on the data folder, so every cached view of the local layer is read again."""
        window.load_services(data_dir=str(data_dir))

    dialog.installed.connect(reload)
    dialog.open()
    return dialog
