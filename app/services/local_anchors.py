"""Resolving local-layer anchors against the active guide, and fingerprinting what they anchor to.

A fingerprint is the SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of the
anchored content, so a guideline update that changes it is detected (``anchor-changed``) and
one that removes it is too (``anchor-missing``):

- ``statement``: its text, evidence and source quote (``box1``/``table1``: the whole box/table);
- ``regimen``: its glossary entry and its dosing card, if it has one;
- ``figure-node`` ``figN:<node>``: the node as ``mmguide flow FIG --describe`` shows it (text,
  items with regimens, tiers and evidence; or a question's prompt and options);
- ``recommendation`` ``figN:<node>:<regimen>``: that item of the node (or the substitute);
- ``toxicity`` ``crs:3``: the grade panel as ``mmguide toxicity`` shows it;
- ``calculator``: its id, title, reference and input schema (the rule it implements).

Ids are compared case-insensitively, as :meth:`InstalledLayer.notes_at` does.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Any

from app.core.local.model import Anchor, LocalLayerSource
from app.services.guide import Guide, describe_figure


class AnchorError(ValueError):
    """An anchor or formulary entry that the active content does not have (the CLI's exit 2)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def digest(content: Any) -> str:
    """SHA-256 of the canonical JSON of ``content``."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class Fingerprints:
    """The anchorable content of one guide, read once; ``of(anchor)`` is its fingerprint or None."""

    def __init__(self, guide: Guide) -> None:
        self.guide = guide

    @cached_property
    def _statements(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for s in self.guide.repo.statements():
            out[s.id.casefold()] = {"text": s.text, "evidence": [e.model_dump() for e in s.evidence],
                                    "quote": s.source.quote}
        for entry in self.guide.recs():
            if entry["kind"] in ("box", "table"):
                out.setdefault(entry["id"].casefold(), entry)
        return out

    @cached_property
    def _regimens(self) -> dict[str, Any]:
        repo = self.guide.repo
        cards = {c.regimen: c for c in repo.dosing().cards}
        out = {}
        for r in repo.regimens():
            card = cards.get(r.abbr)
            out[r.abbr.casefold()] = {"glossary": r.model_dump(mode="json"),
                                      "card": card.model_dump(mode="json") if card is not None else None}
        return out

    @cached_property
    def _nodes(self) -> dict[str, dict[str, Any]]:
        out = {}
        for fig in self.guide.figures():
            for node in describe_figure(fig)["nodes"]:
                out[f"{fig.id}:{node['id']}".casefold()] = node
        return out

    @cached_property
    def _calculators(self) -> dict[str, Any]:
        from app.core.calculators.base import REGISTRY

        self.guide.calculators()  # registers them
        return {c.id.casefold(): {"id": c.id, "title": c.title, "reference": c.reference, "schema": c.schema()}
                for c in REGISTRY.values()}

    def regimen_ids(self) -> set[str]:
        return set(self._regimens)

    def content(self, anchor: Anchor) -> Any | None:
        """The anchored content, or None when the active guide does not have it."""
        key = anchor.id.casefold()
        if anchor.kind == "statement":
            return self._statements.get(key)
        if anchor.kind == "regimen":
            return self._regimens.get(key)
        if anchor.kind == "figure-node":
            return self._nodes.get(key)
        if anchor.kind == "recommendation":
            node_key, _, regimen = key.rpartition(":")
            return _item(self._nodes.get(node_key), regimen)
        if anchor.kind == "toxicity":
            syndrome, _, grade = key.partition(":")
            panels = self.guide.toxicity(syndrome, int(grade))
            return panels[0] if panels else None
        return self._calculators.get(key)

    def of(self, anchor: Anchor) -> str | None:
        found = self.content(anchor)
        return None if found is None else digest({"kind": anchor.kind, "content": found})


def _item(node: dict[str, Any] | None, regimen: str) -> Any | None:
    if node is None:
        return None
    for item in node.get("items", []):
        if str(item.get("regimen", "")).casefold() == regimen:
            return item
    for item in node.get("items", []):
        for sub in item.get("substitutes", []):
            if str(sub.get("regimen", "")).casefold() == regimen:
                return {"substitute": sub, "instead_of": item.get("regimen")}
    return None


_WHERE = {
    "statement": "`mmguide recs`", "regimen": "`mmguide regimen --list`",
    "figure-node": "`mmguide flow FIG --describe` (as figN:<node id>)",
    "recommendation": "`mmguide flow FIG --describe` (as figN:<node id>:<regimen>)",
    "toxicity": "`mmguide toxicity crs|icans` (as crs:1-4 or icans:1-4)", "calculator": "`mmguide calc --list`",
}


def resolve(guide: Guide, source: LocalLayerSource) -> dict[str, str]:
    """Note id → fingerprint of its anchor in ``guide``; raises :class:`AnchorError` naming the
    first note (or unavailable regimen) whose id the active content does not have."""
    prints = Fingerprints(guide)
    out: dict[str, str] = {}
    for i, note in enumerate(source.notes):
        found = prints.of(note.anchor)
        if found is None:
            raise AnchorError(
                f"notes.{i}.anchor",
                f"note {note.id!r}: the {note.anchor.kind} {note.anchor.id!r} does not exist in the active guideline "
                f"content ({guide.version()['content_version']}); valid ids are listed by {_WHERE[note.anchor.kind]}",
            )
        out[note.id] = found
    regimens = prints.regimen_ids()
    for i, entry in enumerate(source.unavailable):
        if entry.regimen.casefold() not in regimens:
            raise AnchorError(
                f"unavailable.{i}.regimen",
                f"unavailable regimen {entry.regimen!r} does not exist in the active guideline content; valid ids "
                f"are listed by `mmguide regimen --list`",
            )
    return out
