"""File → Install update…: what a signed guideline update is, who signed it and what changes.

The dialog verifies the package off the GUI thread (``app.services.updates.verify_package``:
every check ``apply`` makes, changing nothing) and shows the verified facts: product,
channel, sequence, content version and date, created and expiry, the signers (names and key
ids) and the change list. Only an accepted package gets an *Install update* button; Cancel
keeps the default focus. Install applies off the GUI thread too and emits :attr:`installed`
with the outcome and a new ``Guide`` on the new active database. A refused package shows the
reason in plain words with its code and offers *Choose another file…*; an installation without
a trust root says that IT must run ``mmguide admin init-trust`` first (the GUI never creates
one). A package whose database is the one in use already says "content unchanged" before
anything is installed (installing it would only move the installation's sequence on).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services.updates import NO_TRUST_ROOT_ADVICE, UpdateOutcome, apply_package, verify_package

# --- running a function off the GUI thread ---------------------------------------------------------


class _Relay(QObject):
    done = Signal(object)


_PENDING: set[_Relay] = set()


def run_in_background(
    fn: Callable[[], Any], on_done: Callable[[bool, Any], None], owner: QObject | None = None
) -> None:
    """Run ``fn`` on the global thread pool; ``on_done(ok, value_or_exception)`` runs on the
    GUI thread afterwards, unless ``owner`` has been deleted meanwhile."""
    relay = _Relay()  # lives in the GUI thread: the queued delivery runs there
    _PENDING.add(relay)

    def deliver(outcome: tuple[bool, Any]) -> None:
        _PENDING.discard(relay)
        if owner is not None and not shiboken6.isValid(owner):
            return
        on_done(*outcome)

    relay.done.connect(deliver, Qt.ConnectionType.QueuedConnection)

    def work() -> None:
        try:
            outcome: tuple[bool, Any] = (True, fn())
        except Exception as exc:  # handed to the GUI thread, shown there
            outcome = (False, exc)
        relay.done.emit(outcome)

    QThreadPool.globalInstance().start(work)


# --- presenting the facts --------------------------------------------------------------------------

_ORIGINS = {"bundled": "the database bundled with the app", "update": "an installed signed update"}


def _size(n: Any) -> str:
    if not isinstance(n, int):
        return "?"
    return f"{n / (1024 * 1024):.1f} MiB ({n:,} bytes)" if n >= 1024 * 1024 else f"{n:,} bytes"


def _when(stamp: Any) -> str:
    """``2025-07-08T00:00:00Z`` → ``2025-07-08 00:00 UTC``."""
    text = str(stamp or "")
    if len(text) == 20 and text.endswith("Z") and "T" in text:
        return f"{text[:10]} {text[11:16]} UTC"
    return text or "?"


def _rows(rows: list[tuple[str, str]]) -> str:
    """A two-column table; the label column has the same width in every table of the dialog."""
    cells = "".join(
        f"<tr><th align='left' valign='top' width='24%'>{escape(k)}</th><td valign='top'>{v}</td></tr>"
        for k, v in rows
    )
    return f"<table cellspacing='0' cellpadding='2'>{cells}</table>"


def _ids(ids: list[str]) -> str:
    return ", ".join(f"<code>{escape(i)}</code>" for i in ids) if ids else "none"


def _floor(floor: Any) -> str:
    if not isinstance(floor, int):
        return ""
    return f" (highest accepted here so far: {floor})" if floor else " (the first update on this computer)"


def signer_names(facts: dict[str, Any]) -> str:
    names = [str(s.get("name") or str(s.get("keyid", ""))[:16]) for s in facts.get("signers") or []]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else "nobody"


def describe_package(facts: dict[str, Any], current: dict[str, Any] | None = None, *, installed: bool = False) -> str:
    """The HTML of the verified facts (what it is, who signed it, what changes); ``current``
    is the content in use when the dialog opened (``installed``: it was in use before)."""
    parts: list[str] = []
    parts.append("<h3>What the package is</h3>")
    parts.append(_rows([
        ("Package file", escape(str(facts.get("package", "")))),
        ("Product", escape(str(facts.get("product", "")))),
        ("Channel", escape(str(facts.get("channel", "")))),
        ("Sequence", escape(str(facts.get("sequence", ""))) + _floor(facts.get("sequence_floor"))),
        ("Content version", f"<b>{escape(str(facts.get('content_version', '')))}</b>"),
        ("Content date", f"<b>{escape(str(facts.get('content_date', '')))}</b>"),
        ("Created", escape(_when(facts.get("created")))),
        ("Expires", escape(_when(facts.get("expires")))),
        ("Needs app version", escape(str(facts.get("min_app_version", ""))) + " or later"),
        ("Database", escape(_size(facts.get("db_length")))
         + f"<br><span style='font-size:small'>SHA-256 <code>{escape(str(facts.get('db_sha256', '')))}</code></span>"),
    ]))

    signers = facts.get("signers") or []
    parts.append("<h3>Who signed it</h3>")
    root = facts.get("trust_root_version")
    parts.append(
        f"<p>{len(signers)} valid signature{'s' if len(signers) != 1 else ''} from keys in this installation's "
        f"trust root{f' (version {escape(str(root))})' if root is not None else ''}:</p>"
    )
    parts.append("<ul>" + "".join(
        f"<li><b>{escape(s.get('name') or 'unnamed key')}</b> — key id <code>{escape(str(s.get('keyid', '')))}</code>"
        "</li>" for s in signers
    ) + "</ul>")

    changes = facts.get("changes") or {}
    parts.append("<h3>What changes</h3>")
    rows: list[tuple[str, str]] = []
    if current:
        rows.append(("Before installing" if installed else "In use now", _in_use(current)))
    rows.append((
        "Now in use" if installed else "After installing",
        f"content <b>{escape(str(facts.get('content_version', '')))}</b> of "
        f"<b>{escape(str(facts.get('content_date', '')))}</b>",
    ))
    base = changes.get("base_content_version")
    added, changed, removed = (list(changes.get(k) or []) for k in ("added", "changed", "removed"))
    other = list(changes.get("other_changed") or [])
    if base is None and not (added or changed or removed or other):
        rows.append(("Changes", "the publisher did not include a list of changes in this package"))
    else:
        rows.append(("Compared with", f"content {escape(str(base))}" if base else "—"))
        rows.append((f"Statements added ({len(added)})", _ids(added)))
        rows.append((f"Statements changed ({len(changed)})", _ids(changed)))
        rows.append((f"Statements removed ({len(removed)})", _ids(removed)))
        rows.append(("Other tables changed", _ids(other)))
    parts.append(_rows(rows))
    if current and base and current.get("content_version") and base != current.get("content_version"):
        parts.append(
            f"<p><i>The list of changes compares with content {escape(str(base))}; this computer uses "
            f"{escape(str(current.get('content_version')))}, so it may differ from what changes here.</i></p>"
        )
    if "integrity" in facts:
        parts.append("<h3>Checks passed</h3>")
        parts.append(
            "<p>Signatures meet the trust root's threshold; the sequence is newer than any accepted before; "
            f"not expired; the database matches its signed SHA-256 and length; integrity check "
            f"{escape(str(facts.get('integrity')))}.</p>"
        )
    return "".join(parts)


def _in_use(current: dict[str, Any] | None) -> str:
    if not current:
        return ""
    return (f"content {escape(str(current.get('content_version', '?')))} of "
            f"{escape(str(current.get('content_date', '?')))} — "
            f"{escape(_ORIGINS.get(str(current.get('origin')), str(current.get('origin', ''))))}")


def describe_refusal(
    outcome: UpdateOutcome, package: Path | None, data_dir: Path, current: dict[str, Any] | None = None
) -> str:
    rows: list[tuple[str, str]] = []
    if outcome.code:
        rows.append(("Reason code", f"<code>{escape(outcome.code)}</code>"))
    if outcome.message:
        rows.append(("Details", escape(outcome.message)))
    if package is not None:
        rows.append(("Package file", escape(str(package))))
    rows.append(("Data folder", escape(str(data_dir))))
    if current:
        rows.append(("In use now", _in_use(current) + " (unchanged)"))
    rows.append((
        "What to do",
        "Check that this is the package you meant and copy it again from the publisher's source; if it is "
        "refused again, give hospital IT the reason code above. <code>mmguide update verify</code> on the "
        "command line runs the same checks.",
    ))
    return _rows(rows)


def file_sha256(path: Path | str | None) -> str | None:
    """SHA-256 of a database file, or None when there is no such file."""
    if not path:
        return None
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def content_unchanged(facts: dict[str, Any], current: dict[str, Any] | None) -> bool:
    """The package's database is, byte for byte, the one in use (the build is deterministic: the
    same content gives the same bytes), so installing it changes nothing a reader sees."""
    if not current:
        return False
    sha = current.get("db_sha256") or file_sha256(current.get("path"))
    return bool(sha) and str(facts.get("db_sha256", "")).lower() == str(sha).lower()


# --- the dialog --------------------------------------------------------------------------------


class UpdateDialog(QDialog):
    """Verify a package, show it, and install it only when the user confirms."""

    #: (the UpdateOutcome of the apply, a new Guide on the new active database or None)
    installed = Signal(object, object)

    CHECKING, ACCEPTED, REFUSED, NO_TRUST_ROOT, INSTALLING, INSTALLED, INSTALL_REFUSED = (
        "checking", "accepted", "refused", "no_trust_root", "installing", "installed", "install_refused",
    )

    def __init__(
        self,
        package: Path | None,
        data_dir: Path,
        *,
        current: dict[str, Any] | None = None,
        problem: UpdateOutcome | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.package = Path(package) if package is not None else None
        self.data_dir = Path(data_dir)
        self.current = current
        self.state = self.CHECKING
        self.verification: UpdateOutcome | None = None
        self.outcome: UpdateOutcome | None = None
        #: the verified package's database is the one in use ("content unchanged")
        self.unchanged = False
        self.setWindowTitle("Install guideline update")
        self.setAccessibleName("Install guideline update")
        self.setMinimumSize(640, 480)
        self.resize(900, 740)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None and screen.isValid():  # never larger than the screen
            self.resize(min(900, screen.width() - 40), min(740, screen.height() - 60))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(8)
        self.file_label = QLabel(self)
        self.file_label.setWordWrap(True)
        self.file_label.setTextFormat(Qt.TextFormat.RichText)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setAccessibleName("Package file and data folder")
        where = (f"<b>Package:</b> {escape(self.package.name)}<br><span style='font-size:small'>"
                 f"{escape(str(self.package.parent))}</span><br>" if self.package is not None else "")
        self.file_label.setText(f"{where}<b>Installation data folder:</b> {escape(str(self.data_dir))}")
        layout.addWidget(self.file_label)

        self.verdict = QLabel(self)
        self.verdict.setObjectName("updateVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )  # a tab stop, so that a screen-reader user can read it again
        self.verdict.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.verdict.setAccessibleName("Verdict")
        font = self.verdict.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.verdict.setFont(font)
        layout.addWidget(self.verdict)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.setAccessibleName("Working")
        layout.addWidget(self.progress)

        self.details = QTextBrowser(self)
        self.details.setObjectName("updateDetails")
        self.details.setOpenLinks(False)
        self.details.setTabChangesFocus(True)
        self.details.setAccessibleName("Package details")
        self.details.setAccessibleDescription("What the package is, who signed it and what changes")
        layout.addWidget(self.details, 1)

        # a plain row rather than a QDialogButtonBox: the box makes its default button (Cancel)
        # its focus proxy, and Tab then jumps over Install, which keyboard users could not reach
        buttons = QHBoxLayout()
        self.choose_button = QPushButton("&Choose another file…", self)
        self.choose_button.setAccessibleName("Choose another update package file")
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(lambda: self.choose_another())
        self.choose_button.hide()
        buttons.addWidget(self.choose_button)
        buttons.addStretch(1)
        self.install_button = QPushButton("&Install update", self)
        self.install_button.setAccessibleName("Install this update")
        self.install_button.setAutoDefault(True)  # Enter on a focused Install installs; Cancel stays the default
        self.install_button.clicked.connect(self.install)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel: close without installing")
        self.cancel_button.setDefault(True)
        self.cancel_button.clicked.connect(self.reject)
        self.cancel_button.setAutoDefault(True)
        buttons.addWidget(self.install_button)
        buttons.addWidget(self.cancel_button)
        self.install_button.hide()
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.verdict, self.details)
        QWidget.setTabOrder(self.details, self.install_button)
        QWidget.setTabOrder(self.install_button, self.cancel_button)
        QWidget.setTabOrder(self.cancel_button, self.choose_button)

        if problem is not None or self.package is None:
            self._show_refusal(problem or UpdateOutcome(accepted=False, code="package_not_found",
                                                        message="no package was chosen"), self.REFUSED)
        else:
            self._check()
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _check(self) -> None:
        """Verify ``self.package`` off the GUI thread (changing nothing)."""
        self.state = self.CHECKING
        self.verification = None
        self.unchanged = False
        self.choose_button.hide()
        self.install_button.hide()
        self.progress.show()
        self.cancel_button.setText("Cancel")
        self._set_verdict("Checking the package…")
        self.details.setPlainText("Checking the signatures, the sequence, the expiry and the database…")
        package, data_dir = self.package, self.data_dir
        assert package is not None
        run_in_background(lambda: verify_package(package, data_dir), self._verified, self)

    def choose_another(self, path: Path | str | None = None) -> None:
        """After a refusal: pick another package (a file dialog unless ``path`` is given) and check it."""
        if self.busy:
            return
        if path is None:
            start = str(self.package.parent) if self.package is not None else str(Path.home())
            chosen, _ = QFileDialog.getOpenFileName(
                self, "Choose a guideline update package", start, "Guideline update packages (*.zip)"
            )
            if not chosen:
                return
            path = chosen
        self.package = Path(path)
        self.file_label.setText(
            f"<b>Package:</b> {escape(self.package.name)}<br><span style='font-size:small'>"
            f"{escape(str(self.package.parent))}</span><br>"
            f"<b>Installation data folder:</b> {escape(str(self.data_dir))}"
        )
        self._check()

    # -- state ------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.state in (self.CHECKING, self.INSTALLING)

    def _set_verdict(self, text: str) -> None:
        self.verdict.setText(text)
        self.verdict.setAccessibleDescription(text)
        self.setAccessibleDescription(text)

    def _finish(self, state: str, *, closing_label: str = "Close") -> None:
        self.state = state
        self.progress.hide()
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(closing_label)
        self.cancel_button.setAccessibleName(
            "Cancel: close without installing" if closing_label == "Cancel" else "Close this dialog"
        )
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _verified(self, ok: bool, value: Any) -> None:
        outcome = value if ok else UpdateOutcome(accepted=False, code="internal_error",
                                                 message=f"{type(value).__name__}: {value}")
        self.verification = outcome
        if not outcome.accepted:
            self._show_refusal(outcome, self.REFUSED)
            return
        self.unchanged = content_unchanged(outcome.package, self.current)
        if self.unchanged:
            self._set_verdict(
                f"✔ Content unchanged: this package holds the database already in use (content "
                f"{outcome.package.get('content_version')} of {outcome.package.get('content_date')}), signed by "
                f"{signer_names(outcome.package)}.\nInstalling it changes nothing you read; it only records "
                f"sequence {outcome.package.get('sequence')} on this computer. Install update, or Cancel."
            )
        else:
            self._set_verdict(
                f"✔ This package would be accepted: content {outcome.package.get('content_version')} of "
                f"{outcome.package.get('content_date')}, signed by {signer_names(outcome.package)}.\n"
                "Read the details below, then choose Install update to install it, or Cancel."
            )
        unchanged_note = (
            "<p><b>Content unchanged:</b> the package's database (SHA-256 "
            f"<code>{escape(str(outcome.package.get('db_sha256', ''))[:16])}…</code>) is the one in use now.</p>"
            if self.unchanged else ""
        )
        self.details.setHtml(unchanged_note + describe_package(outcome.package, self.current))
        self.install_button.show()
        self.install_button.setEnabled(True)
        self._finish(self.ACCEPTED, closing_label="Cancel")
        from app.ui.whats_new import preview_in_update_dialog

        preview_in_update_dialog(self)  # appends what would change, statement by statement

    def _show_refusal(self, outcome: UpdateOutcome, state: str) -> None:
        if state == self.INSTALL_REFUSED:
            self.outcome = outcome
        self.install_button.hide()
        self.install_button.setEnabled(False)
        if outcome.no_trust_root:
            self._set_verdict("✖ Updates cannot be installed on this computer yet: it has no trust root.")
            advice = escape(NO_TRUST_ROOT_ADVICE).replace("`mmguide admin init-trust`",
                                                          "<code>mmguide admin init-trust</code>")
            self.details.setHtml(
                f"<p>{escape(outcome.plain)}</p><p>{advice}</p>"
                "<p>This app does not create a trust root itself: which publisher keys to trust is decided by "
                "IT, once per computer, from the publisher's signed root file.</p>"
                "<p>Reason code: <code>no_trust_root</code></p>"
            )
            self._finish(self.NO_TRUST_ROOT)
            return
        if state == self.INSTALL_REFUSED:
            headline = "✖ The update was refused and not installed. Nothing was changed."
        else:
            headline = "✖ This package would be refused. Nothing was changed."
        self._set_verdict(f"{headline}\n{outcome.plain}")
        self.details.setHtml(describe_refusal(outcome, self.package, self.data_dir, self.current))
        self._finish(state)
        self.choose_button.show()

    # -- installing ---------------------------------------------------------------------------
    def install(self) -> None:
        if self.state != self.ACCEPTED or self.package is None:
            return
        self.state = self.INSTALLING
        self.install_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.progress.show()
        self._set_verdict("Installing the update…")
        package, data_dir = self.package, self.data_dir

        def work() -> tuple[UpdateOutcome, Any]:
            outcome = apply_package(package, data_dir)
            if not outcome.accepted:
                return outcome, None
            from app.services.guide import Guide

            return outcome, Guide(data_dir=data_dir)  # selects (and checks) the new active database

        run_in_background(work, self._installed, self)

    def _installed(self, ok: bool, value: Any) -> None:
        if not ok:
            value = (UpdateOutcome(accepted=False, code="internal_error", message=f"{type(value).__name__}: {value}"),
                     None)
        outcome, guide = value
        if not outcome.accepted:
            self._show_refusal(outcome, self.INSTALL_REFUSED)
            return
        self.outcome = outcome
        self.install_button.hide()
        facts = outcome.package
        self._set_verdict(
            f"✔ Installed. The guide now uses content {facts.get('content_version')} of {facts.get('content_date')} "
            f"(sequence {facts.get('sequence')}). The previous database is kept as the fallback."
        )
        if self.verification is not None:
            self.details.setHtml(describe_package(self.verification.package, self.current, installed=True))
        self._finish(self.INSTALLED)
        self.installed.emit(outcome, guide)

    def reject(self) -> None:
        if self.state == self.INSTALLING:
            return  # an apply is atomic and short; it is not interrupted
        super().reject()
