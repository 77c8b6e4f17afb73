"""Walk a figure's decision graph from patient facts.

Rules of the walk:
- A question whose facts are known follows the one option whose condition holds.
- A question whose facts are unknown records them in ``missing`` and follows every option
  that is not ruled out; recommendations found that way are ``possible``, not ``applies``.
- An item whose ``when`` is false is dropped; unknown keeps it, with its condition shown.
- Evidence that depends on a fact (e.g. CAR-T [I, A] at line 3–4, [II, B] at line ≥ 5) is
  computed from ``evidence_rules``; while unknown, every candidate grade is shown.
- Regimens listed as ``unavailable`` are replaced by the guideline's named substitutes;
  while availability is unknown, substitutes are shown as ``if-unavailable``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from app.core.content.models import Glossary
from app.core.evidence import Evidence, evidence_from_short
from app.core.flowchart.facts import FACT_MODELS, REGIMEN_LIST_FACTS
from app.core.flowchart.model import Figure, Note, QuestionNode, RecItem, RecommendationNode, Tier


class FactsError(ValueError):
    """Invalid facts: names the offending field and what is accepted."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceOut(_Out):
    section: str
    quote: str


class ConditionalEvidence(_Out):
    when: str
    evidence: Evidence


class RecommendationOut(_Out):
    node: str
    regimen: str
    components: list[str]
    tier: Tier
    stage: str | None
    evidence: Evidence | None
    evidence_by_condition: list[ConditionalEvidence] = []
    conditions: list[str]
    notes: list[str]
    footnotes: list[str]
    source: SourceOut
    statement: str | None
    substitutes_for: str | None = None
    interpretive_tier: bool = False
    status: Literal["applies", "possible"]


class NoteOut(_Out):
    id: str
    kind: str
    text: str
    evidence: Evidence | None
    source: SourceOut | None
    ref: str | None


class Evaluation(_Out):
    figure: str
    facts: dict[str, Any]
    path: list[str]
    possible_nodes: list[str]
    missing: list[str]
    recommendations: list[RecommendationOut]
    notes: list[NoteOut]


def validate_facts(figure_id: str, raw: Mapping[str, Any], glossary: Glossary) -> dict[str, Any]:
    """Validate raw facts for a figure; raise :class:`FactsError` naming the field."""
    model = FACT_MODELS.get(figure_id)
    if model is None:
        raise FactsError("figure", f"unknown figure {figure_id!r}; accepted: {', '.join(FACT_MODELS)}")
    try:
        parsed = model.model_validate(dict(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "facts"
        if err["type"] == "extra_forbidden":
            accepted = ", ".join(model.model_fields)
            raise FactsError(field, f"unknown fact {field!r} for {figure_id}; accepted facts: {accepted}") from exc
        raise FactsError(field, f"{field}: {err['msg']}") from exc
    facts = {k: v for k, v in parsed.model_dump().items() if v is not None}
    names = _regimen_names(glossary)
    for key in REGIMEN_LIST_FACTS:
        if key in facts:
            canonical = []
            for i, name in enumerate(facts[key]):
                resolved = names.get(name.casefold())
                if resolved is None:
                    raise FactsError(
                        f"{key}.{i}",
                        f"{key}[{i}]: unknown regimen or agent {name!r}; use the guideline's "
                        "abbreviations (e.g. DaraKd, BelaVd, cilta-cel) or a drug name",
                    )
                canonical.append(resolved)
            facts[key] = canonical
    return facts


def _regimen_names(glossary: Glossary) -> dict[str, str]:
    names: dict[str, str] = {}
    for drug in glossary.drugs:
        for n in [drug.id, drug.name, *drug.aliases]:
            names[n.casefold()] = drug.id
    for regimen in glossary.regimens:
        for n in [regimen.abbr, *regimen.aliases]:
            names[n.casefold()] = regimen.abbr
    return names


class _Walk:
    def __init__(self, figure: Figure, facts: dict[str, Any], glossary: Glossary) -> None:
        self.figure = figure
        self.facts = facts
        self.glossary = glossary
        self.path: list[str] = []
        self.possible: list[str] = []
        self.missing: set[str] = set()
        self.recs: list[RecommendationOut] = []
        self.seen: set[tuple[str, bool]] = set()

    def visit(self, node_id: str, definite: bool) -> None:
        if (node_id, definite) in self.seen:
            return
        self.seen.add((node_id, definite))
        (self.path if definite else self.possible).append(node_id)
        node = self.figure.node(node_id)
        if isinstance(node, QuestionNode):
            self._question(node, definite)
        else:
            self._recommendation(node, definite)
            if node.next is not None:
                self.visit(node.next, definite)

    def _question(self, node: QuestionNode, definite: bool) -> None:
        results = [(opt, opt.when.evaluate(self.facts)) for opt in node.options]
        chosen = next((opt for opt, r in results if r is True), None)
        if chosen is not None:
            self.visit(chosen.next, definite)
            return
        open_options = [opt for opt, r in results if r is None]
        if not open_options:
            raise RuntimeError(f"{self.figure.id}/{node.id}: no option matches the facts {self.facts}")
        for opt in open_options:
            self.missing |= opt.when.missing(self.facts)
        for opt in open_options:
            self.visit(opt.next, False)

    def _recommendation(self, node: RecommendationNode, definite: bool) -> None:
        status: Literal["applies", "possible"] = "applies" if definite else "possible"
        unavailable = self.facts.get("unavailable")
        for item in node.items:
            applies = True if item.when is None else item.when.evaluate(self.facts)
            if applies is False:
                continue
            conditions = list(item.conditions)
            if applies is None and item.when is not None:
                self.missing |= item.when.missing(self.facts)
            if item.new_to_patient:
                received = self.facts.get("previously_received")
                if received is not None and item.regimen in received:
                    continue
                if received is None:
                    self.missing.add("previously_received")
                    conditions.append(f"only if not previously exposed to {item.regimen}")
            item_status: Literal["applies", "possible"] = status if applies is True else "possible"
            if unavailable is not None and item.regimen in unavailable:
                for sub in item.substitutes:
                    self.recs.append(self._substitute(node, item, sub, item_status, definite=True))
                continue
            self.recs.append(self._out(node, item, item_status, conditions))
            if unavailable is None:
                for sub in item.substitutes:
                    self.recs.append(self._substitute(node, item, sub, "possible", definite=False))

    def _evidence(self, item: RecItem) -> tuple[Evidence | None, list[ConditionalEvidence]]:
        if not item.evidence_rules:
            return (evidence_from_short(item.evidence) if item.evidence else None), []
        for rule in item.evidence_rules:
            if rule.when.evaluate(self.facts) is True:
                return evidence_from_short(rule.evidence), []
        options = []
        for rule in item.evidence_rules:
            if rule.when.evaluate(self.facts) is None:
                self.missing |= rule.when.missing(self.facts)
                options.append(ConditionalEvidence(when=rule.label, evidence=evidence_from_short(rule.evidence)))
        base = evidence_from_short(item.evidence) if item.evidence else None
        return base, options

    def _footnotes(self, ids: Sequence[str]) -> list[str]:
        return [self.figure.note(i).text for i in ids]

    def _out(
        self, node: RecommendationNode, item: RecItem, status: Literal["applies", "possible"], conditions: list[str]
    ) -> RecommendationOut:
        evidence, by_condition = self._evidence(item)
        return RecommendationOut(
            node=node.id,
            regimen=item.regimen,
            components=self.glossary.components_of(item.regimen),
            tier=item.tier,
            stage=item.stage or node.stage,
            evidence=evidence,
            evidence_by_condition=by_condition,
            conditions=conditions,
            notes=list(item.notes),
            footnotes=self._footnotes(item.footnotes),
            source=SourceOut(section=item.source.location, quote=item.source.quote),
            statement=item.statement,
            interpretive_tier=item.interpretive_tier,
            status=status,
        )

    def _substitute(
        self,
        node: RecommendationNode,
        item: RecItem,
        sub: Any,
        status: Literal["applies", "possible"],
        definite: bool,
    ) -> RecommendationOut:
        conditions = [] if definite else [f"only if {item.regimen} is unavailable"]
        return RecommendationOut(
            node=node.id,
            regimen=sub.regimen,
            components=self.glossary.components_of(sub.regimen),
            tier="if-unavailable",
            stage=item.stage or node.stage,
            evidence=evidence_from_short(sub.evidence),
            conditions=[*conditions, *item.conditions],
            notes=list(sub.notes),
            footnotes=self._footnotes(sub.footnotes),
            source=SourceOut(section=sub.source.location, quote=sub.source.quote),
            statement=sub.statement,
            substitutes_for=item.regimen,
            status=status,
        )

    def notes(self) -> list[NoteOut]:
        reached = set(self.path) | set(self.possible)
        out = []
        for note in self.figure.notes:
            if note.nodes and not (set(note.nodes) & reached):
                continue
            if note.when is not None and note.when.evaluate(self.facts) is False:
                continue
            out.append(_note_out(note))
        return out


def _note_out(note: Note) -> NoteOut:
    return NoteOut(
        id=note.id,
        kind=note.kind,
        text=note.text,
        evidence=note.parsed_evidence,
        source=SourceOut(section=note.source.location, quote=note.source.quote) if note.source else None,
        ref=note.ref,
    )


def evaluate(figure: Figure, raw_facts: Mapping[str, Any], glossary: Glossary) -> Evaluation:
    """Evaluate ``figure`` for ``raw_facts``; raises :class:`FactsError` on invalid facts."""
    facts = validate_facts(figure.id, raw_facts, glossary)
    walk = _Walk(figure, facts, glossary)
    walk.visit(figure.start, True)
    return Evaluation(
        figure=figure.id,
        facts=facts,
        path=walk.path,
        possible_nodes=[n for n in walk.possible if n not in walk.path],
        missing=sorted(walk.missing - set(facts)),
        recommendations=walk.recs,
        notes=walk.notes(),
    )
