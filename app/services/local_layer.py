"""The installed local layer, read for the CLI and the GUI (contract shared/contracts/local.md).

``load_installed`` returns the verified installed layer or None; ``note_statuses`` says, for each
note, whether it still stands (``ok``), is past its review-by date, or whether the guideline
content under it changed or disappeared since the layer was built. The guideline-content
checks come first: a note whose anchor changed needs review whatever its date says.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from app.core.local.model import NOTE_STATUSES, InstalledLayer, NoteStatus
from app.core.local.words import STATUS_WORDS, label, layer_label, note_json
from app.services.guide import Guide

_cache: dict[str, tuple[tuple[Any, ...], Any]] = {}


def _stamp(data_dir: Path) -> tuple[Any, ...]:
    out: list[Any] = []
    for name in ("layer.zip", "trust.json"):
        try:
            st = os.stat(data_dir / "local" / name)
            out.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append(None)
    return tuple(out)


def load_checked(data_dir: Path | None) -> Any:
    """The installed package as :class:`app.updates.local_install.Installed` (cached until the
    files change): ``checked`` the verified package, or ``problem`` why it is not used."""
    from app.updates.local_install import Installed, installed_layer

    if data_dir is None:
        return Installed()
    data_dir = Path(data_dir)
    stamp = _stamp(data_dir)
    key = str(data_dir)
    hit = _cache.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    result = installed_layer(data_dir)
    _cache[key] = (stamp, result)
    return result


def load_installed(data_dir: Path | None) -> InstalledLayer | None:
    """The verified installed local layer in ``data_dir``, or None when none is installed (or the
    installed one fails its check: :func:`load_checked` says why)."""
    checked = load_checked(data_dir).checked
    return None if checked is None else checked.layer()


_status_cache: dict[tuple[Any, ...], dict[str, NoteStatus]] = {}


def note_statuses(guide: Guide, layer: InstalledLayer, today: date) -> dict[str, NoteStatus]:
    """Note id → its status against the active guide on ``today`` (cached per database, layer and day)."""
    try:
        st = os.stat(guide.active.path)
        db: tuple[Any, ...] = (str(guide.active.path), st.st_size, st.st_mtime_ns)
    except OSError:
        db = (str(guide.active.path),)
    key = (db, layer.model_dump_json(), today)
    hit = _status_cache.get(key)
    if hit is None:
        hit = _statuses(guide, layer, today)
        if len(_status_cache) > 32:
            _status_cache.clear()
        _status_cache[key] = hit
    return dict(hit)


def _statuses(guide: Guide, layer: InstalledLayer, today: date) -> dict[str, NoteStatus]:
    from app.services.local_anchors import Fingerprints

    prints = Fingerprints(guide)
    out: dict[str, NoteStatus] = {}
    for note in layer.source.notes:
        now = prints.of(note.anchor)
        if now is None:
            out[note.id] = "anchor-missing"
        elif now != layer.anchor_fingerprints.get(note.id):
            out[note.id] = "anchor-changed"
        elif note.review_by < today:
            out[note.id] = "review-overdue"
        else:
            out[note.id] = "ok"
    return out


def summary(data_dir: Path | None) -> dict[str, Any] | None:
    """What ``mmguide info`` reports: hospital, sequence, signers, date (or the problem), None if none."""
    loaded = load_checked(data_dir)
    if loaded.checked is None:
        return None if loaded.problem is None else {"error": loaded.problem}
    layer = loaded.checked.layer()
    return {"hospital": layer.hospital, "sequence": layer.sequence, "signers": list(layer.signers),
            "created": layer.created.isoformat(), "content_version": layer.content_version}


def status(guide: Guide, data_dir: Path, today: date) -> dict[str, Any]:
    """``mmguide local status``: the installed layer and every note with its status."""
    loaded = load_checked(data_dir)
    if loaded.checked is None:
        return {"installed": False, "problem": loaded.problem}
    layer = loaded.checked.layer()
    statuses = note_statuses(guide, layer, today)
    notes = []
    for n in layer.source.notes:
        note = note_json(layer, n, statuses[n.id])
        notes.append({**note, "status_text": STATUS_WORDS[statuses[n.id]], "label": label(note)})
    counts = {s: sum(1 for n in notes if n["status"] == s) for s in NOTE_STATUSES}
    return {
        "installed": True, "hospital": layer.hospital, "sequence": layer.sequence, "signers": list(layer.signers),
        "created": layer.created.isoformat(), "built_against": layer.content_version,
        "active_content_version": guide.version()["content_version"], "label": layer_label(layer),
        "counts": counts, "notes": notes,
        "unavailable": [{"regimen": u.regimen, "reason": u.reason} for u in layer.source.unavailable],
    }


EXPORT_COLUMNS = ("id", "anchor", "text", "author", "approver", "approved", "review_by", "reference", "status",
                  "hospital", "layer_sequence")


def export_rows(guide: Guide, data_dir: Path, today: date) -> list[dict[str, Any]]:
    """Every note with its anchor, approval, review date and status, for governance review."""
    loaded = load_checked(data_dir)
    if loaded.checked is None:
        return []
    layer = loaded.checked.layer()
    statuses = note_statuses(guide, layer, today)
    rows = [note_json(layer, n, statuses[n.id]) for n in layer.source.notes]
    return [{k: row[k] for k in EXPORT_COLUMNS} for row in rows]
