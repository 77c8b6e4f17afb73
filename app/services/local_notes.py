"""The hospital's local notes and formulary where the guideline is shown (contract shared/contracts/local.md,
"Where local material appears"), shared by the CLI and the GUI.

Local material is always added under its own ``local`` key — a list of notes with ``id``, ``text``,
``hospital``, ``approved``, ``review_by`` and ``status`` — and never mixed into the guideline's own
fields. Its words — the JSON of a note, its label "Local — <hospital>, approved <date>" and its one-line
text form "LOCAL — …" for copies, prints and ``--text`` — come from :mod:`app.core.local.words`, the one
place they are made.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.core.flowchart.local import LocalFormulary
from app.core.local.model import AnchorKind, InstalledLayer, LocalNote, NoteStatus
from app.core.local.words import STATUS_WORDS, formulary_reason, label, note_json, text_line, text_lines

__all__ = ["STATUS_WORDS", "LocalView", "label", "local_view", "note_json", "text_line", "text_lines"]

@dataclass(frozen=True)
class LocalView:
    """An installed layer with each note's status on one day: what the screens and commands read."""

    layer: InstalledLayer
    statuses: Mapping[str, NoteStatus] = field(default_factory=dict)
    today: date = field(default_factory=date.today)

    @property
    def hospital(self) -> str:
        return self.layer.hospital

    def status(self, note: LocalNote) -> NoteStatus:
        """The status the layer service gave; a note it did not rate is judged by its review-by date."""
        given = self.statuses.get(note.id)
        if given is not None:
            return given
        return "review-overdue" if self.today > note.review_by else "ok"

    def notes(self, kind: AnchorKind, anchor_id: str) -> list[dict[str, Any]]:
        """The notes at one anchor as JSON objects (empty when there are none)."""
        return [self.note_json(n) for n in self.layer.notes_at(kind, anchor_id)]

    def note_json(self, note: LocalNote) -> dict[str, Any]:
        return note_json(self.layer, note, self.status(note))

    def formulary(self) -> LocalFormulary:
        return formulary_of(self.layer)

    def unavailable_reason(self, regimen: str) -> str | None:
        """Why ``regimen`` is not on the local formulary, in the flowcharts' words, or None."""
        entry = self.layer.unavailable_regimens().get(regimen.casefold())
        return None if entry is None else formulary_reason(self.layer, entry)

    def summary(self) -> dict[str, Any]:
        """Hospital, sequence, signers and date of the layer, for About and ``info``."""
        return {
            "hospital": self.hospital,
            "sequence": self.layer.sequence,
            "signers": list(self.layer.signers),
            "created": self.layer.created.isoformat(),
            "content_version": self.layer.content_version,
            "notes": len(self.layer.source.notes),
            "unavailable": [e.regimen for e in self.layer.source.unavailable],
        }


@dataclass(frozen=True)
class LayerFormulary(LocalFormulary):
    """A layer's formulary whose ``reasons`` are already in :func:`app.core.local.words.formulary_reason`'s
    words (each entry's own approval date, or the signing date), so ``reason`` adds nothing to them."""

    def reason(self, local_reason: str) -> str:
        return local_reason


def formulary_of(layer: InstalledLayer) -> LocalFormulary:
    """The layer's formulary for the flowchart engine: each regimen with its full reason, dated by the
    entry's ``approved`` date or, without one, "signed <date the package was signed>"."""
    return LayerFormulary(
        hospital=layer.hospital,
        sequence=layer.sequence,
        approved=layer.created,
        reasons={e.regimen: formulary_reason(layer, e) for e in layer.source.unavailable},
    )


# -- the installed layer, per guide ----------------------------------------------------------------------

_VIEWS: weakref.WeakKeyDictionary[Any, LocalView | None] = weakref.WeakKeyDictionary()


def local_view(guide: Any, today: date | None = None) -> LocalView | None:
    """The layer installed in the guide's data folder with its notes' statuses, or None.

    Read once per guide (the flowcharts ask on every answer); :func:`forget` after installing or
    removing a layer."""
    if today is None and guide in _VIEWS:
        return _VIEWS[guide]
    from app.services.local_layer import load_installed, note_statuses

    day = today or date.today()
    layer = load_installed(getattr(guide, "data_dir", None))
    view = None if layer is None else LocalView(layer, note_statuses(guide, layer, day), day)
    if today is None:
        _VIEWS[guide] = view
    return view


def forget(guide: Any) -> None:
    _VIEWS.pop(guide, None)


def formulary_for(guide: Any) -> LocalFormulary | None:
    """The installed layer's formulary (no note statuses needed: the flowcharts ask on every answer)."""
    cached = _VIEWS.get(guide)
    if cached is not None:
        return cached.formulary()
    from app.services.local_layer import load_installed

    layer = load_installed(getattr(guide, "data_dir", None))
    return None if layer is None else formulary_of(layer)


# -- JSON of each command ------------------------------------------------------------------------------

def _put(obj: dict[str, Any], notes: list[dict[str, Any]]) -> None:
    if notes:
        obj["local"] = notes


def add_to_statement(obj: dict[str, Any], view: LocalView | None) -> None:
    if view is not None and obj.get("id"):
        _put(obj, view.notes("statement", str(obj["id"])))


def add_to_recs(items: list[dict[str, Any]], view: LocalView | None) -> list[dict[str, Any]]:
    for item in items:
        add_to_statement(item, view)
    return items


def add_to_regimen(card: dict[str, Any], view: LocalView | None) -> dict[str, Any]:
    if view is None:
        return card
    regimen = str(card.get("regimen") or "")
    _put(card, view.notes("regimen", regimen))
    reason = view.unavailable_reason(regimen)
    if reason:
        card["local_unavailable"] = {"hospital": view.hospital, "reason": reason}
    return card


def add_to_toxicity(panels: list[dict[str, Any]], view: LocalView | None) -> list[dict[str, Any]]:
    if view is None:
        return panels
    for panel in panels:
        _put(panel, view.notes("toxicity", f"{panel['syndrome']}:{panel['grade']}"))
        for key in ("box3", "recommendations"):
            for statement in panel.get(key) or []:
                add_to_statement(statement, view)
    return panels


def add_to_calc(result: dict[str, Any], view: LocalView | None) -> dict[str, Any]:
    if view is not None:
        _put(result, view.notes("calculator", str(result.get("calculator") or "")))
    return result


def add_to_flow(evaluation: dict[str, Any], view: LocalView | None) -> dict[str, Any]:
    """Per recommendation (``fig2:<node>:<regimen>``) under its ``local`` key, and per reached node
    (``fig2:<node>``) in ``local_nodes`` as ``{"node", "local"}`` objects."""
    if view is None:
        return evaluation
    fig = evaluation["figure"]
    for rec in evaluation.get("recommendations") or []:
        _put(rec, view.notes("recommendation", f"{fig}:{rec['node']}:{rec['regimen']}"))
    nodes = []
    for node in dict.fromkeys([*evaluation.get("path", []), *evaluation.get("possible_nodes", [])]):
        notes = view.notes("figure-node", f"{fig}:{node}")
        if notes:
            nodes.append({"node": node, "local": notes})
    if nodes:
        evaluation["local_nodes"] = nodes
    return evaluation
