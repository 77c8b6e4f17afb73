"""Help → "What's new in this content": statements, flowchart boxes, regimens and calculators that changed.

The view shows ``app.services.content_diff``: statements added, changed (old and new text, the
changed words marked, an evidence change such as [II, B] → [I, A] highlighted) and removed;
flowchart nodes whose recommendations changed tier or evidence; regimens, calculators, figures,
CRS/ICANS panels and drugs that changed. It opens by itself once after an update is installed
(:func:`show_once_after_update`, remembered per user by the database's SHA-256), and the install
dialog shows the same changes before installing (:func:`preview_in_update_dialog`).
"""

from __future__ import annotations

import difflib
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services.content_diff import KIND_TITLES, KINDS, item_title, summary_line

#: colours of marked words and evidence changes: fixed pairs that read in every theme
INSERTED = ("#d7f5dd", "#0b3d17")
DELETED = ("#fde0e0", "#5c0b0b")
EVIDENCE = ("#fff0a8", "#3d2e00")
SEEN_KEY = "content/whats_new_seen"


def _span(text: str, colours: tuple[str, str], extra: str = "") -> str:
    return f"<span style='background-color:{colours[0]}; color:{colours[1]};{extra}'>{text}</span>"


def word_diff(old: str, new: str) -> tuple[str, str]:
    """HTML of ``old`` with deleted words struck through and of ``new`` with inserted words marked."""
    a, b = old.split(), new.split()
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        old_words, new_words = escape(" ".join(a[i1:i2])), escape(" ".join(b[j1:j2]))
        if op == "equal":
            left.append(old_words)
            right.append(new_words)
            continue
        if old_words:
            left.append(_span(old_words, DELETED, " text-decoration: line-through;"))
        if new_words:
            right.append(_span(new_words, INSERTED, " text-decoration: underline;"))
    return " ".join(left), " ".join(right)


def _evidence_badge(old: list[str] | None, new: list[str] | None) -> str:
    before = escape(" ".join(old or []) or "no tag")
    after = escape(" ".join(new or []) or "no tag")
    return "<p>" + _span(f"<b>Evidence changed: {before} → {after}</b>", EVIDENCE, " padding: 2px;") + "</p>"


def _rec(value: dict[str, Any] | None) -> str:
    if value is None:
        return "not listed"
    text = f"{value.get('tier')}" + (f", [{value.get('evidence')}]" if value.get("evidence") else "")
    if value.get("evidence_rules"):
        text += " (" + "; ".join(value["evidence_rules"]) + ")"
    return escape(text)


def _changed_entry(kind: str, entry: dict[str, Any]) -> str:
    parts = [f"<li><b>{escape(entry['id'])}</b> — {escape(item_title(kind, entry['new']))}"]
    if "evidence" in entry:
        parts.append(_evidence_badge(entry["evidence"]["old"], entry["evidence"]["new"]))
    if kind == "statements" and "source" in entry["fields"]:
        old_html, new_html = word_diff(item_title(kind, entry["old"]), item_title(kind, entry["new"]))
        parts.append(f"<table cellpadding='3'><tr><td valign='top'><i>Was</i></td><td>{old_html}</td></tr>"
                     f"<tr><td valign='top'><i>Now</i></td><td>{new_html}</td></tr></table>")
    recs = entry.get("recommendations") or []
    if recs:
        rows = "".join(
            f"<tr><td>{escape(r['regimen'])}</td><td>{_rec(r['old'])}</td><td>→</td><td>"
            + (_span(_rec(r["new"]), EVIDENCE) if (r["old"] or {}).get("evidence") != (r["new"] or {}).get("evidence")
               else _rec(r["new"])) + "</td></tr>"
            for r in recs
        )
        parts.append("<table cellpadding='3'><tr><th align='left'>Regimen</th><th align='left'>Was (tier, evidence)"
                     "</th><th></th><th align='left'>Now</th></tr>" + rows + "</table>")
    simple = []
    for name in entry["fields"]:
        if name in ("source", "evidence") and kind == "statements":
            continue
        a, b = entry["old"].get(name), entry["new"].get(name)
        if isinstance(a, str | int | float | type(None)) and isinstance(b, str | int | float | type(None)):
            old_html, new_html = word_diff(str(a or ""), str(b or ""))
            simple.append(f"<tr><td valign='top'><i>{escape(name)}</i></td><td>{old_html}</td><td>→</td>"
                          f"<td>{new_html}</td></tr>")
        elif not (name == "items" and recs):
            simple.append(f"<tr><td><i>{escape(name)}</i></td><td colspan='3'>changed</td></tr>")
    if simple:
        parts.append("<table cellpadding='3'>" + "".join(simple) + "</table>")
    parts.append("</li>")
    return "".join(parts)


def diff_html(result: dict[str, Any]) -> str:
    """The whole view as HTML (also appended to the install dialog's details)."""
    src, dst = result["from"], result["to"]
    out = [
        "<h2>What's new in this content</h2>",
        f"<p>From content <b>{escape(src['content_version'])}</b> of {escape(src['content_date'])} "
        f"({escape(src['label'])}) to content <b>{escape(dst['content_version'])}</b> of "
        f"{escape(dst['content_date'])} ({escape(dst['label'])}).</p>",
    ]
    if result["identical"]:
        out.append("<p>The two hold the same content: nothing changed.</p>")
        return "".join(out)
    out.append(f"<p><b>Summary:</b> {escape(summary_line(result))}.</p>")
    for kind in KINDS:
        part = result[kind]
        if not any(part.values()):
            continue
        c = result["counts"][kind]
        out.append(f"<h3>{escape(KIND_TITLES[kind])}: {c['added']} added, {c['changed']} changed, "
                   f"{c['removed']} removed</h3>")
        if part["added"]:
            out.append("<p><b>Added</b></p><ul>")
            out += [f"<li><b>{escape(e['id'])}</b> — {_span(escape(item_title(kind, e['new'])), INSERTED)}"
                    + (f" <b>{escape(' '.join(e['new'].get('evidence') or []))}</b>" if kind == "statements" else "")
                    + "</li>" for e in part["added"]]
            out.append("</ul>")
        if part["changed"]:
            out.append("<p><b>Changed</b></p><ul>")
            out += [_changed_entry(kind, e) for e in part["changed"]]
            out.append("</ul>")
        if part["removed"]:
            out.append("<p><b>Removed</b></p><ul>")
            out += [f"<li><b>{escape(e['id'])}</b> — "
                    f"{_span(escape(item_title(kind, e['old'])), DELETED, ' text-decoration: line-through;')}</li>"
                    for e in part["removed"]]
            out.append("</ul>")
    if result.get("other"):
        out.append("<h3>Other content changed</h3><ul>")
        for other in result["other"]:
            ids = ", ".join([*other["added"], *other["changed"], *other["removed"]])
            out.append(f"<li>{escape(other['kind'])}: {escape(ids)}</li>")
        out.append("</ul>")
    return "".join(out)


class WhatsNewDialog(QDialog):
    """The diff, readable and copyable; never modal, never blocking the guide."""

    def __init__(self, result: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diff = result
        self.setWindowTitle("What's new in this content")
        self.setAccessibleName("What's new in this content")
        self.resize(880, 680)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setText(
            f"Content {result['from']['content_version']} ({result['from']['label']}) → "
            f"{result['to']['content_version']} ({result['to']['label']})"
        )
        self.summary.setAccessibleName("Contents compared")
        self.summary.setAccessibleDescription(summary_line(result))
        layout.addWidget(self.summary)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("whatsNewText")
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("The changes, item by item")
        self.browser.setHtml(diff_html(result))
        layout.addWidget(self.browser, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.copy_button = QPushButton("&Copy as text", self)
        self.copy_button.setAccessibleName("Copy the changes as text")
        self.copy_button.clicked.connect(self.copy_text)
        self.close_button = QPushButton("Close", self)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        row.addWidget(self.copy_button)
        row.addWidget(self.close_button)
        layout.addLayout(row)

    def plain_text(self) -> str:
        from app.services.content_diff_text import diff_text

        return diff_text(self.diff)

    def copy_text(self) -> str:
        text = self.plain_text()
        QApplication.clipboard().setText(text)
        return text


# --- opening it ------------------------------------------------------------------------------------


def _active(guide: Any) -> tuple[Path, str]:
    return Path(guide.active.path), str(guide.active.origin)


def open_whats_new(window: Any, from_spec: str = "bundled") -> WhatsNewDialog | None:
    """Help → What's new: the bundled content (or ``from_spec``) → the content in use."""
    from app.services.content_diff import DiffError, diff

    guide = getattr(window, "guide", None)
    if guide is None:
        return None
    try:
        result = diff(from_spec, "active", data_dir=guide.data_dir, active=_active(guide))
    except DiffError as exc:
        window.statusBar().showMessage(f"Could not compare the contents: {exc.message}", 10000)
        return None
    return _show(window, result)


def _show(window: Any, result: dict[str, Any]) -> WhatsNewDialog:
    previous = getattr(window, "whats_new_dialog", None)
    if previous is not None:
        previous.deleteLater()
    dialog = WhatsNewDialog(result, window)
    window.whats_new_dialog = dialog
    dialog.show()
    return dialog


def _baseline(guide: Any) -> str:
    """What the content in use is compared with after an update: the previously installed
    database if it is still on disk, else the bundled one."""
    from app.services.content_diff import known_databases

    for side in known_databases(guide.data_dir):
        if side.label.startswith("installed (previous"):
            return str(side.path)
    return "bundled"


def show_once_after_update(window: Any) -> None:
    """After the services load: if the content in use is an installed update this user has not
    seen yet, open the view once (after the event loop turns); remember the database's hash.
    Not in a self-test (its preferences live in memory only)."""
    guide = getattr(window, "guide", None)
    settings = getattr(window, "settings", None)
    if guide is None or settings is None or not settings.file_name():
        return
    from app.services.problem_report import database_sha256

    try:
        sha = database_sha256(guide.active.path)
    except OSError:
        return
    if settings.value(SEEN_KEY, "") == sha:
        return
    settings.setValue(SEEN_KEY, sha)
    if guide.active.origin != "update":
        return

    def later() -> None:
        if window.guide is guide:
            open_whats_new(window, _baseline(guide))

    QTimer.singleShot(0, later)


def preview_in_update_dialog(dialog: Any) -> None:
    """In the install dialog, once the package is verified: append what would change (the
    content in use → the package's signed database), computed off the GUI thread."""
    from app.services.content_diff import package_changes
    from app.services.guide import active_database
    from app.ui.update_dialog import run_in_background

    package, data_dir = dialog.package, dialog.data_dir
    if package is None:
        return

    def work() -> dict[str, Any]:
        active = active_database(data_dir)
        return package_changes(package, data_dir, (active.path, active.origin))

    def done(ok: bool, value: Any) -> None:
        dialog.content_changes = value if ok else None
        if getattr(dialog, "state", None) != "accepted":
            return
        cursor = dialog.details.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if ok:
            cursor.insertHtml("<br>" + diff_html(value))
        else:
            cursor.insertHtml(f"<p><i>The changes could not be listed: {escape(str(getattr(value, 'message', value)))}"
                              "</i></p>")

    dialog.content_changes = None
    run_in_background(work, done, dialog)
