"""Models of the structured guideline content authored under ``resources/content``.

Every clinical statement keeps a verbatim quote of the guideline (EHA–EMN 2025,
Dimopoulos & Terpos et al., Nat Rev Clin Oncol 2025) and the place it comes from; the
evidence tags of a statement are parsed from that quote, exactly as printed.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator

from app.core.evidence import Evidence, evidence_from_short, find_tags


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(Strict):
    """A verbatim quote of the guideline and where it stands (section › part › item)."""

    quote: str = Field(min_length=3)
    location: str = Field(min_length=3)


class ExternalRef(Strict):
    """A source outside the guideline: a named paper, label or SmPC, with the date it was read."""

    citation: str
    checked: date | None = None
    status: Literal["confirmed", "unconfirmed"] = "confirmed"
    note: str | None = None


class Meta(Strict):
    content_version: str
    content_date: date
    schema_version: int
    title: str
    citation: str
    doi: str
    text_followed: str
    intended_use: str
    disclaimer: str
    literature_cutoff: date


class EvidenceLevelDef(Strict):
    code: str
    meaning: str


class EvidenceScale(Strict):
    source_note: str
    levels: list[EvidenceLevelDef]
    grades: list[EvidenceLevelDef]
    panel_consensus: SourceRef
    grading_system: SourceRef


class Section(Strict):
    id: str
    title: str
    parent: str | None = None
    order: int


StatementKind = Literal["recommendation", "box", "text"]


class Statement(Strict):
    """One statement of the guideline that carries at least one evidence tag."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    section: str
    kind: StatementKind
    source: SourceRef
    regimens: list[str] = []
    drugs: list[str] = []
    topics: list[str] = []
    errata: list[str] = []
    notes: list[str] = []
    duplicate_of: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def evidence(self) -> list[Evidence]:
        return find_tags(self.source.quote)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        return self.source.quote

    @field_validator("source")
    @classmethod
    def _has_tag(cls, value: SourceRef) -> SourceRef:
        if not find_tags(value.quote):
            raise ValueError("a statement's quote must contain at least one evidence tag")
        return value


class Brand(Strict):
    """A trade name, with the public page where it was read beside the active substance."""

    name: str
    region: Literal["EU", "US", "EU, US"]
    source: str


class Drug(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    letter: str | None = None
    classes: list[str] = []
    aliases: list[str] = []
    brands: list[Brand] = []


class ApprovalNote(Strict):
    """A time-stamped approval statement "at the time of writing" (literature to 31 May 2025)."""

    text: str
    as_of: str
    source: SourceRef


class Regimen(Strict):
    abbr: str
    name: str
    components: list[str]
    classes: list[str] = []
    defining_agents: list[str] = []
    """The non-steroid agents that make it a different treatment (exposure is matched on these)."""
    defining_note: str | None = None
    """Where the defining agents are an interpretation: the reading and the sentence it rests on."""
    aliases: list[str] = []
    approval_notes: list[ApprovalNote] = []
    trials: list[str] = []
    notes: list[str] = []
    recommended: bool = True
    not_recommended_reason: SourceRef | None = None


class TrialResult(Strict):
    endpoint: str
    value: str
    comparator_value: str | None = None
    effect: str | None = None


class Trial(Strict):
    id: str
    name: str
    phase: str
    n: int | None = None
    population: str | None = None
    regimens: list[str] = []
    comparator: str | None = None
    follow_up: str | None = None
    results: list[TrialResult] = []
    source: SourceRef


Requirement = Literal["obligatory", "optional", "not_required", "trials_only", "conditional"]


class TableCell(Strict):
    printed: str
    requirement: Requirement
    qualifier: str | None = None


class TableRow(Strict):
    group: str
    test: str
    diagnosis: TableCell
    at_response: TableCell
    at_follow_up: TableCell
    at_relapse: TableCell


class Table1(Strict):
    title: str
    columns: list[str]
    rows: list[TableRow]
    abbreviations: str
    location: str


class Box1Criterion(Strict):
    id: str
    printed: str
    logic: str
    footnotes: list[str] = []
    errata: list[str] = []


class Box1(Strict):
    title: str
    rule: str
    criteria: list[Box1Criterion]
    footnotes: dict[str, str]
    location: str


class BoxGroup(Strict):
    title: str
    statements: list[str]


class Box2(Strict):
    title: str
    groups: list[BoxGroup]
    abbreviations: str
    location: str


class DoseNote(Strict):
    """A dose or schedule the guideline text gives, with its quote."""

    drug: str
    dose: str
    source: SourceRef


class UntaggedBullet(Strict):
    """A Box 3 bullet printed without an evidence tag: no statement, but kept in its place in the list."""

    untagged: SourceRef


class DoseNotGiven(Strict):
    """A dose the guideline does not give for this grade, with what it does say (verbatim, with places)."""

    drug: str
    missing: str
    note: str
    says: list[SourceRef] = Field(min_length=1)


class ToxicityPanel(Strict):
    """Management of one syndrome at one grade: Box 3 bullets plus the Supportive-care text.

    ``box3`` lists the grade's Box 3 bullets in printed order: statement ids, or untagged bullets.
    """

    syndrome: Literal["crs", "icans"]
    grade: int = Field(ge=1, le=4)
    box3: list[str | UntaggedBullet]
    text_statements: list[str]
    doses: list[DoseNote]
    doses_not_given: list[DoseNotGiven] = []
    cautions: list[SourceRef] = []
    conflicts: list[str] = []

    @property
    def box3_statements(self) -> list[str]:
        return [i for i in self.box3 if isinstance(i, str)]


class Box3(Strict):
    title: str
    ocular: list[str]
    abbreviations: str
    location: str


class Erratum(Strict):
    """A known error or inconsistency of the source, shown where it applies (never silently fixed)."""

    id: str
    title: str
    printed: str
    reading: str
    location: str
    applies_to: list[str] = []
    basis: str


class Conflict(Strict):
    """Two places of the guideline that disagree; both are shown with their places."""

    id: str
    title: str
    sides: list[SourceRef]
    note: str


class Glossary(Strict):
    drugs: list[Drug]
    regimens: list[Regimen]

    @model_validator(mode="after")
    def _defining_agents_are_components(self) -> Glossary:
        for regimen in self.regimens:
            if regimen.components and not regimen.defining_agents:
                raise ValueError(f"regimen {regimen.abbr}: defining_agents missing")
            stray = set(regimen.defining_agents) - set(regimen.components)
            if stray:
                raise ValueError(f"regimen {regimen.abbr}: defining agents {sorted(stray)} are not components")
        return self

    def regimen(self, abbr: str) -> Regimen:
        for regimen in self.regimens:
            if regimen.abbr == abbr:
                return regimen
        raise KeyError(abbr)

    def components_of(self, abbr: str) -> list[str]:
        return list(self.regimen(abbr).components)


def short_evidence(value: str | Evidence) -> Evidence:
    return value if isinstance(value, Evidence) else evidence_from_short(value)
