"""What installing a checked local package would change, compared with the layer installed now (issue 13,
h8 tryout: the install dialog and ``mmguide local verify`` must say what a new layer replaces).

Qt-free, shared by the GUI's install dialog and ``mmguide local verify`` (JSON key ``changes``, and
``--text``): which layer it replaces, and per note whether it is new, changed (which fields), unchanged
or removed; per formulary entry whether it is added, changed or removed. Notes and entries are matched by
their ids (regimen ids case-insensitively), as the layer itself matches them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.local.model import InstalledLayer, LocalLayerSource

#: the fields of a note compared, in the order they are named
NOTE_FIELDS = ("text", "anchor", "author", "approver", "approved", "review_by", "reference")
FIELD_WORDS = {"review_by": "review by"}


def _note_fields(note: Any) -> dict[str, Any]:
    return {"text": note.text, "anchor": note.anchor.key, "author": note.author, "approver": note.approver,
            "approved": note.approved, "review_by": note.review_by, "reference": note.reference}


def compare(installed: InstalledLayer | None, incoming: LocalLayerSource) -> dict[str, Any]:
    """The changes from ``installed`` (None: no layer installed) to ``incoming``."""
    old_notes = {n.id: n for n in installed.source.notes} if installed is not None else {}
    notes: list[dict[str, Any]] = []
    for note in incoming.notes:
        before = old_notes.get(note.id)
        entry: dict[str, Any] = {"id": note.id, "anchor": note.anchor.key}
        if before is None:
            entry["change"] = "new"
        else:
            was, now = _note_fields(before), _note_fields(note)
            fields = [f for f in NOTE_FIELDS if was[f] != now[f]]
            entry["change"] = "changed" if fields else "unchanged"
            if fields:
                entry["fields"] = fields
        notes.append(entry)
    kept = {n.id for n in incoming.notes}
    notes += [{"id": n.id, "anchor": n.anchor.key, "change": "removed"} for n in old_notes.values()
              if n.id not in kept]
    old_off = {u.regimen.casefold(): u for u in installed.source.unavailable} if installed is not None else {}
    new_off = {u.regimen.casefold(): u for u in incoming.unavailable}
    formulary = {
        "added": [u.regimen for k, u in new_off.items() if k not in old_off],
        "changed": [u.regimen for k, u in new_off.items()
                    if k in old_off and (old_off[k].reason, old_off[k].approved) != (u.reason, u.approved)],
        "removed": [u.regimen for k, u in old_off.items() if k not in new_off],
    }
    replaces = None
    if installed is not None:
        replaces = {"hospital": installed.hospital, "sequence": installed.sequence,
                    "signed": installed.created.isoformat()}
    counts = {c: sum(1 for n in notes if n["change"] == c) for c in ("new", "changed", "unchanged", "removed")}
    return {"replaces": replaces, "notes": notes, "counts": counts, "unavailable": formulary}


def compare_installed(data_dir: Path, incoming: LocalLayerSource) -> dict[str, Any]:
    """:func:`compare` with the layer installed in ``data_dir`` now."""
    from app.services.local_layer import load_installed

    return compare(load_installed(data_dir), incoming)


def replaces_line(changes: dict[str, Any]) -> str:
    """"Replaces layer N of <hospital> (signed <date>)", or that it is the first layer here."""
    old = changes["replaces"]
    if old is None:
        return "No local layer is installed now: everything in this layer is new."
    return f"Replaces layer {old['sequence']} of {old['hospital']} (signed {old['signed']})."


def note_change_words(note: dict[str, Any]) -> str:
    """"new", "changed text", "changed approved, review by", "unchanged" or "removed"."""
    if note["change"] != "changed":
        return str(note["change"])
    return "changed " + ", ".join(FIELD_WORDS.get(f, f) for f in note["fields"])


def text_lines(changes: dict[str, Any]) -> list[str]:
    """The changes as plain lines (``mmguide local verify --text``)."""
    counts = changes["counts"]
    lines = [replaces_line(changes),
             "Notes: " + ", ".join(f"{counts[c]} {c}" for c in ("new", "changed", "unchanged", "removed"))]
    lines += [f"  {note_change_words(n)}: {n['id']} at {n['anchor']}" for n in changes["notes"]]
    off = changes["unavailable"]
    for key, words in (("added", "added to"), ("changed", "changed on"), ("removed", "removed from")):
        if off[key]:
            lines.append(f"Not-on-formulary list, {words}: {', '.join(off[key])}")
    return lines
