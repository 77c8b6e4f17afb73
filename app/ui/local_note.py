"""How a note of the hospital's local layer looks in the GUI (issue 13): its own teal, dash-framed box
(:data:`app.ui.theme.LOCAL_NOTES`) labelled "Local — <hospital>, approved <date>" (and "review
overdue" / "the guideline changed under this note — review" when its status says so), never an
evidence badge. Copied text and PDFs carry the same label in capitals ("LOCAL — …").

The notes themselves come from :mod:`app.services.local_notes` (the same lists the CLI prints).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.services import local_notes
from app.services.local_notes import LocalView
from app.ui.theme import current_local_colours, follow_theme

Note = Mapping[str, Any]


def view_of(context: Any) -> LocalView | None:
    """The installed local layer of the context's guide, or None (no guide yet, no layer)."""
    guide = getattr(context, "guide", None)
    return None if guide is None else local_notes.local_view(guide)


def notes_at(context: Any, kind: str, anchor_id: str) -> list[dict[str, Any]]:
    view = view_of(context)
    return [] if view is None else view.notes(kind, anchor_id)  # type: ignore[arg-type]


def note_html(note: Note, where: str = "") -> str:
    """One note as an HTML block: a dashed teal frame, the label line, the text (and its reference)."""
    box, label_colour = current_local_colours()
    e = html.escape
    at = f" <i>({e(where)})</i>" if where else ""
    ref = f"<br><small>{e(str(note['reference']))}</small>" if note.get("reference") else ""
    return (
        f"<table width='100%' cellpadding='6' border='2' style='border-color:{box.border}; border-style:dashed'>"
        f"<tr><td bgcolor='{box.bg}' style='color:{box.fg}'>"
        f"<b style='color:{label_colour}'>⌂ {e(local_notes.label(note))}</b>{at}<br>{e(str(note['text']))}{ref}"
        "</td></tr></table>"
    )


def notes_html(notes: Sequence[Note], where: str = "") -> str:
    return "".join(note_html(n, where) for n in notes)


def notes_text(notes: Sequence[Note], indent: str = "") -> list[str]:
    """Plain-text lines for copies: "LOCAL — <hospital>, approved <date>: <text>"."""
    return [indent + line for line in local_notes.text_lines(notes)]


def local_unavailable(context: Any) -> dict[str, str]:
    """Case-folded regimen id → why the installed layer has it off the local formulary (the flowcharts'
    words), for the screens that list regimens; empty without a layer."""
    view = view_of(context)
    if view is None:
        return {}
    return {key: view.unavailable_reason(key) or "" for key in view.layer.unavailable_regimens()}


def mark_local(text: str, notes: Sequence[Note]) -> str:
    """``text`` (a page's ``toPlainText``) with each note's rendered block (:func:`note_html`) replaced by its
    LOCAL line, so that a copy of the page marks every note as local."""
    doc = QTextDocument()
    for note in notes:
        doc.setHtml(note_html(note))
        shown = doc.toPlainText().strip()
        if shown:
            text = text.replace(shown, local_notes.text_line(note))
    return text


def unavailable_html(reason: str) -> str:
    box, label_colour = current_local_colours()
    return (
        f"<table width='100%' cellpadding='6' border='2' style='border-color:{box.border}; border-style:dashed'>"
        f"<tr><td bgcolor='{box.bg}' style='color:{box.fg}'><b style='color:{label_colour}'>⌂ Local formulary</b>"
        f"<br>{html.escape(reason[:1].upper() + reason[1:])}</td></tr></table>"
    )


class LocalNoteBox(QFrame):
    """The local notes of one place (a regimen, a grade panel, a calculator): hidden when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("localNote")
        self.notes: list[dict[str, Any]] = []
        self.unavailable: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        self.label = QLabel(self)
        self.label.setObjectName("localNoteLabel")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label)
        self.setVisible(False)
        follow_theme(self, self._render)

    def set_notes(self, notes: Sequence[Note], unavailable: str | None = None) -> None:
        self.notes = [dict(n) for n in notes]
        self.unavailable = unavailable
        self._render()

    def labels(self) -> list[str]:
        return [local_notes.label(n) for n in self.notes]

    def plain_lines(self) -> list[str]:
        lines = [f"LOCAL — {self.unavailable}"] if self.unavailable else []
        return lines + notes_text(self.notes)

    def _render(self) -> None:
        box, label_colour = current_local_colours()
        self.setStyleSheet(
            f"QFrame#localNote {{ background: {box.bg}; border: 2px dashed {box.border}; border-radius: 4px; }}"
            f" QLabel#localNoteLabel {{ color: {box.fg}; background: transparent; border: none; }}"
        )
        e = html.escape
        parts = []
        if self.unavailable:
            reason = self.unavailable[:1].upper() + self.unavailable[1:]
            parts.append(f"<b style='color:{label_colour}'>⌂ Local formulary</b><br>{e(reason)}")
        for n in self.notes:
            ref = f" <small>({e(str(n['reference']))})</small>" if n.get("reference") else ""
            parts.append(
                f"<b style='color:{label_colour}'>⌂ {e(local_notes.label(n))}</b><br>{e(str(n['text']))}{ref}"
            )
        self.label.setText("<br><br>".join(parts))
        names = [*(["Local formulary: " + self.unavailable] if self.unavailable else []),
                 *(f"{local_notes.label(n)}: {n['text']}" for n in self.notes)]
        self.setAccessibleName("Local notes of this hospital")
        self.label.setAccessibleName("; ".join(names))
        self.setVisible(bool(parts))


def leaf_notes(context: Any, leaf: Any) -> list[dict[str, Any]]:
    """The hospital's notes on one regimen of one box: on that recommendation, on its box, on the regimen."""
    view = view_of(context)
    if view is None:
        return []
    fig, node, regimen = leaf.figure_id, leaf.node_id, leaf.regimen
    return [
        *view.notes("recommendation", f"{fig}:{node}:{regimen}"),
        *view.notes("figure-node", f"{fig}:{node}"),
        *view.notes("regimen", regimen),
    ]


def leaf_html(context: Any, leaf: Any) -> str:
    """HTML of a flowchart leaf's local notes (for the regimen detail), or ""."""
    return notes_block_html(leaf_notes(context, leaf))


def with_notes_text(text: str, notes: Sequence[Note]) -> str:
    """Copied text with ``notes``, marked LOCAL, before its closing stamp paragraph."""
    lines = notes_text(notes)
    if not lines or not text:
        return text
    body, sep, stamp = text.rpartition("\n\n")
    block = "\n".join(["Local notes of this hospital (not the guideline):", *lines])
    return f"{body}\n\n{block}\n\n{stamp}" if sep else f"{text}\n\n{block}"


def notes_block_html(notes: Sequence[Note]) -> str:
    """The printable block of ``notes`` under its heading, or ""."""
    return "<h3>Local notes of this hospital (not the guideline)</h3>" + notes_html(notes) if notes else ""


def with_leaf_text(text: str, context: Any, leaf: Any) -> str:
    """A leaf's copied text with its local notes, marked LOCAL, before the closing stamp paragraph."""
    return with_notes_text(text, leaf_notes(context, leaf))


def flow_notes(context: Any, evaluation: Any) -> list[tuple[str, dict[str, Any]]]:
    """(where, note) of every local note on a reached box or on one of its listed regimens."""
    view = view_of(context)
    if view is None or evaluation is None:
        return []
    fig = evaluation.figure
    out: list[tuple[str, dict[str, Any]]] = []
    nodes = list(dict.fromkeys([*evaluation.path, *evaluation.possible_nodes]))
    for node in nodes:
        out += [(f"box {node}", n) for n in view.notes("figure-node", f"{fig}:{node}")]
        for rec in evaluation.recommendations:
            if rec.node == node:
                anchor = f"{fig}:{node}:{rec.regimen}"
                out += [(f"{rec.regimen} in box {node}", n) for n in view.notes("recommendation", anchor)]
    return out


def with_flow_text(text: str, context: Any, evaluation: Any) -> str:
    """A flowchart copy with the local notes of the reached boxes, marked LOCAL, before the closing stamp."""
    found = flow_notes(context, evaluation)
    override = (evaluation.facts or {}).get("local_available") if evaluation is not None else None
    if not found and not override:
        return text
    lines = [f"{line} (at {where})" for where, note in found for line in notes_text([note])]
    if override:
        lines.insert(0, "LOCAL — formulary override for this patient: offered although not on the local formulary: "
                     + ", ".join(override))
    block = "\n".join(["Local notes of this hospital (not the guideline):", *lines])
    body, sep, stamp = text.rpartition("\n\n")
    return f"{body}\n\n{block}\n\n{stamp}" if sep else f"{text}\n\n{block}"


def flow_html(context: Any, evaluation: Any) -> str:
    """The printable block of the reached boxes' local notes, or ""."""
    found = flow_notes(context, evaluation)
    if not found:
        return ""
    return "<h3>Local notes of this hospital (not the guideline)</h3>" + "".join(
        note_html(note, where) for where, note in found
    )


def offer_override(panel: Any, context: Any) -> None:
    """Give a flowchart's question panel the per-patient override of the local formulary, if any."""
    view = view_of(context)
    if view is None:
        panel.set_local_formulary([], "")  # none (any more): no override question
        return
    listed = set()
    for node in panel.figure.nodes:
        for item in getattr(node, "items", []):
            listed |= {item.regimen.casefold(), *(sub.regimen.casefold() for sub in item.substitutes)}
    entries = [(e.regimen, e.reason) for e in view.layer.source.unavailable if e.regimen.casefold() in listed]
    panel.set_local_formulary(entries, view.hospital)


#: the mark a diagram box, a regimen entry or a step card carries when it has local notes (with the words)
MARK = "⌂"
MARK_WORDS = "has local notes"


@dataclass(frozen=True)
class LocalMarks:
    """Which boxes and regimen entries of one figure have local notes: a box its ``figure-node`` notes,
    an entry the notes its detail shows (on that recommendation or on the regimen)."""

    nodes: frozenset[str] = frozenset()
    entries: frozenset[tuple[str, str]] = frozenset()

    def node(self, node_id: str | None) -> bool:
        return node_id in self.nodes

    def entry(self, node_id: str | None, regimen: str | None) -> bool:
        return (node_id or "", (regimen or "").casefold()) in self.entries


NO_MARKS = LocalMarks()


def flow_marks(context: Any, figure: Any) -> LocalMarks:
    """The local marks of ``figure`` for the installed layer (none without a layer)."""
    view = view_of(context)
    if view is None:
        return NO_MARKS
    fig = figure.id
    nodes = {n.id for n in figure.nodes if view.notes("figure-node", f"{fig}:{n.id}")}
    entries: set[tuple[str, str]] = set()
    for node in figure.nodes:
        for item in getattr(node, "items", []):
            for regimen in (item.regimen, *(sub.regimen for sub in item.substitutes)):
                if view.notes("recommendation", f"{fig}:{node.id}:{regimen}") or view.notes("regimen", regimen):
                    entries.add((node.id, regimen.casefold()))
    return LocalMarks(frozenset(nodes), frozenset(entries))
