"""Decision-graph model of the guideline's Figs. 1–3.

Figs. 2 and 3 have no public text rendering; they are reconstructed from the paper's
Recommendations bullets (Methods: "all regimens … are included in both the main text and
Figs. 1–3"). Every recommendation item quotes the sentence it rests on, and evidence is
stored per item (leaf-specific), never per regimen.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.content.models import SourceRef
from app.core.evidence import Evidence, evidence_from_short
from app.core.flowchart.conditions import Condition

Tier = Literal["preferred", "other", "if-unavailable", "conditional"]
NoteKind = Literal["rule", "footnote", "ambiguity", "erratum", "approval", "caveat"]
FactType = Literal["bool", "int", "number", "enum", "enum_list", "regimen", "regimen_list"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FactSpec(_Strict):
    name: str
    type: FactType
    prompt: str
    values: list[str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    help: str | None = None


class Option(_Strict):
    label: str
    when: Condition
    next: str
    note: str | None = None


class Note(_Strict):
    id: str
    kind: NoteKind
    text: str
    evidence: str | None = None
    source: SourceRef | None = None
    when: Condition | None = None
    nodes: list[str] = []
    ref: str | None = None

    @property
    def parsed_evidence(self) -> Evidence | None:
        return evidence_from_short(self.evidence) if self.evidence else None


class EvidenceRule(_Strict):
    when: Condition
    evidence: str
    label: str


class Substitute(_Strict):
    """A regimen the guideline names for use when the item's regimen is unavailable."""

    regimen: str
    evidence: str
    source: SourceRef
    statement: str | None = None
    notes: list[str] = []
    footnotes: list[str] = []


class RecItem(_Strict):
    regimen: str
    tier: Tier
    stage: str | None = None
    evidence: str | None = None
    evidence_rules: list[EvidenceRule] = []
    when: Condition | None = None
    conditions: list[str] = []
    notes: list[str] = []
    footnotes: list[str] = []
    source: SourceRef
    statement: str | None = None
    substitutes: list[Substitute] = []
    interpretive_tier: bool = False
    new_to_patient: bool = False
    fallback: str | None = None
    """The source's words that make this item a last resort ("if first option is not available")."""
    fallback_for: list[str] | None = None
    """The regimens it is the fallback for; default: every item of the node that is not a fallback."""
    when_false: str | None = None
    """Why the item is excluded when ``when`` is false (plain words with the rule's location)."""
    exclusive_when: Condition | None = None
    """When true and the item applies, every other item of the node is unavailable."""
    exclusive_reason: str | None = None

    @model_validator(mode="after")
    def _has_evidence(self) -> RecItem:
        if self.evidence is None and not self.evidence_rules:
            raise ValueError(f"{self.regimen}: an item needs evidence or evidence_rules")
        if self.evidence is not None:
            evidence_from_short(self.evidence)
        for rule in self.evidence_rules:
            evidence_from_short(rule.evidence)
        if self.fallback_for is not None and self.fallback is None:
            raise ValueError(f"{self.regimen}: fallback_for without the fallback wording")
        if (self.exclusive_when is None) != (self.exclusive_reason is None):
            raise ValueError(f"{self.regimen}: exclusive_when and exclusive_reason go together")
        return self


class QuestionNode(_Strict):
    kind: Literal["question"]
    id: str
    prompt: str
    facts: list[str]
    options: list[Option]
    source: SourceRef | None = None
    reconstructed: bool = False


class RecommendationNode(_Strict):
    kind: Literal["recommendation"]
    id: str
    title: str
    stage: str | None = None
    items: list[RecItem] = []
    next: str | None = None
    presupposes: list[str] = []
    """Drug classes every patient in this box has received (e.g. triple-class refractory disease):
    prior exposure to them does not make an item ``already-received``."""


Node = Annotated[QuestionNode | RecommendationNode, Field(discriminator="kind")]


class Figure(_Strict):
    id: Literal["fig1", "fig2", "fig3"]
    title: str
    caption: SourceRef
    reconstruction: str
    facts: list[FactSpec]
    start: str
    nodes: list[Node]
    notes: list[Note] = []

    @model_validator(mode="after")
    def _graph_is_closed(self) -> Figure:
        ids = [n.id for n in self.nodes]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.id}: duplicate node ids")
        known = set(ids)
        fact_names = {f.name for f in self.facts}
        if self.start not in known:
            raise ValueError(f"{self.id}: start node {self.start!r} missing")
        note_ids = {n.id for n in self.notes}
        for node in self.nodes:
            if isinstance(node, QuestionNode):
                for opt in node.options:
                    if opt.next not in known:
                        raise ValueError(f"{self.id}/{node.id}: option leads to unknown node {opt.next!r}")
                    _check_facts(self.id, node.id, opt.when, fact_names)
                for fact in node.facts:
                    if fact not in fact_names:
                        raise ValueError(f"{self.id}/{node.id}: asks unknown fact {fact!r}")
            else:
                if node.next is not None and node.next not in known:
                    raise ValueError(f"{self.id}/{node.id}: next {node.next!r} missing")
                regimens = [item.regimen for item in node.items]
                for item in node.items:
                    for target in item.fallback_for or []:
                        if target not in regimens or target == item.regimen:
                            raise ValueError(f"{self.id}/{node.id}: {item.regimen} falls back on unknown {target!r}")
                    if item.exclusive_when is not None:
                        _check_facts(self.id, node.id, item.exclusive_when, fact_names)
                    if item.when is not None:
                        _check_facts(self.id, node.id, item.when, fact_names)
                    for rule in item.evidence_rules:
                        _check_facts(self.id, node.id, rule.when, fact_names)
                    for fn in [*item.footnotes, *(f for s in item.substitutes for f in s.footnotes)]:
                        if fn not in note_ids:
                            raise ValueError(f"{self.id}/{node.id}: unknown footnote {fn!r}")
        for note in self.notes:
            for nid in note.nodes:
                if nid not in known:
                    raise ValueError(f"{self.id}: note {note.id} attached to unknown node {nid!r}")
            if note.when is not None:
                _check_facts(self.id, note.id, note.when, fact_names)
        return self

    def node(self, node_id: str) -> QuestionNode | RecommendationNode:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def note(self, note_id: str) -> Note:
        for note in self.notes:
            if note.id == note_id:
                return note
        raise KeyError(note_id)


def _check_facts(fig: str, where: str, cond: Condition, known: set[str]) -> None:
    unknown = cond.facts() - known
    if unknown:
        raise ValueError(f"{fig}/{where}: condition reads unknown facts {sorted(unknown)}")
