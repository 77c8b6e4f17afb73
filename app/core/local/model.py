"""The source file of a hospital's local layer (contract shared/contracts/local.md).

A local layer is the hospital's own material shown beside the guideline, never inside it: notes
anchored to stable content ids, the regimens not on the local formulary, and local protocol
choices (notes anchored to the tool they concern). This module only checks the file's own shape:
unknown keys are refused at every level, ids are unique, dates are ordered. Whether an anchor
exists in the active content is checked against the guide (``app.services``), not here.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from app.core.strict import StrictInput

AnchorKind = Literal["statement", "regimen", "figure-node", "recommendation", "toxicity", "calculator"]
ANCHOR_KINDS: tuple[AnchorKind, ...] = (
    "statement", "regimen", "figure-node", "recommendation", "toxicity", "calculator",
)
NOTE_ID = re.compile(r"^[a-z0-9-]{1,40}$")
#: figure-node ``fig2:<node>``; recommendation ``fig2:<node>:<regimen>``; toxicity ``crs:3`` / ``icans:2``
ANCHOR_ID_PATTERNS: dict[str, re.Pattern[str]] = {
    "figure-node": re.compile(r"^fig[123]:[^:\s]{1,80}$"),
    "recommendation": re.compile(r"^fig[123]:[^:\s]{1,80}:[^:\s]{1,80}$"),
    "toxicity": re.compile(r"^(crs|icans):[1-4]$"),
}

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
AnchorId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Anchor(StrictInput):
    """Where a note attaches: a kind and a content id of that kind."""

    kind: AnchorKind
    id: AnchorId

    @model_validator(mode="after")
    def _id_shape(self) -> Anchor:
        pattern = ANCHOR_ID_PATTERNS.get(self.kind)
        if pattern is not None and not pattern.match(self.id):
            shapes = {"figure-node": "fig2:<node id>", "recommendation": "fig2:<node id>:<regimen>",
                      "toxicity": "crs:<grade 1-4> or icans:<grade 1-4>"}
            raise ValueError(f"a {self.kind} anchor id looks like {shapes[self.kind]}, not {self.id!r}")
        return self

    @property
    def key(self) -> str:
        """``kind:id``, the anchor as one string (used in listings and exports)."""
        return f"{self.kind}:{self.id}"


class LocalNote(StrictInput):
    """One local note: the hospital's text at one anchor, with who wrote and approved it and until when."""

    id: str
    anchor: Anchor
    text: Text
    author: Name
    approver: Name
    approved: date
    review_by: date
    reference: Name | None = None

    @field_validator("id")
    @classmethod
    def _note_id(cls, value: str) -> str:
        if not NOTE_ID.match(value):
            raise ValueError("a note id is 1–40 characters of a–z, 0–9 and '-'")
        return value

    @model_validator(mode="after")
    def _dates(self) -> LocalNote:
        if self.review_by <= self.approved:
            raise ValueError("review_by must be after approved")
        return self


class LocalUnavailable(StrictInput):
    """A regimen not on the local formulary, with the hospital's reason and, optionally, the date the
    hospital approved taking it off (shown as "approved <date>"; without it the reason says when the
    package was signed, never "approved")."""

    regimen: AnchorId
    reason: Text
    approved: date | None = None


class LocalLayerSource(StrictInput):
    """The whole source file (YAML or JSON). ``layer_version`` is the format version (1)."""

    layer_version: Literal[1]
    hospital: Name
    notes: list[LocalNote] = Field(default_factory=list)
    unavailable: list[LocalUnavailable] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> LocalLayerSource:
        seen: set[str] = set()
        for note in self.notes:
            if note.id in seen:
                raise ValueError(f"note id {note.id!r} is used twice")
            seen.add(note.id)
        regimens: set[str] = set()
        for entry in self.unavailable:
            if entry.regimen.casefold() in regimens:
                raise ValueError(f"regimen {entry.regimen!r} is listed twice under unavailable")
            regimens.add(entry.regimen.casefold())
        if not self.notes and not self.unavailable:
            raise ValueError("a local layer needs at least one note or one unavailable regimen")
        return self


NoteStatus = Literal["ok", "review-overdue", "anchor-changed", "anchor-missing"]
NOTE_STATUSES: tuple[NoteStatus, ...] = ("ok", "review-overdue", "anchor-changed", "anchor-missing")


class InstalledLayer(StrictInput):
    """A verified, installed local layer: the source plus what its signed package said about it.

    ``anchor_fingerprints`` maps each note id to the fingerprint of its anchor's content in the
    guideline content the layer was built against (so a later guideline update that changes or
    removes the anchor is detected: status ``anchor-changed`` / ``anchor-missing``).
    """

    source: LocalLayerSource
    sequence: int = Field(ge=1)
    signers: tuple[str, ...]
    created: date
    content_version: str
    anchor_fingerprints: dict[str, str]

    @property
    def hospital(self) -> str:
        return self.source.hospital

    def unavailable_regimens(self) -> dict[str, LocalUnavailable]:
        """Case-folded regimen id → the formulary entry."""
        return {entry.regimen.casefold(): entry for entry in self.source.unavailable}

    def notes_at(self, kind: AnchorKind, anchor_id: str) -> list[LocalNote]:
        """The notes anchored at exactly this content id (ids compared case-insensitively)."""
        wanted = anchor_id.casefold()
        return [n for n in self.source.notes if n.anchor.kind == kind and n.anchor.id.casefold() == wanted]
