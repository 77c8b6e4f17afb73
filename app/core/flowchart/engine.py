"""Walk a figure's decision graph from patient facts and give every listed regimen a status.

Rules of the walk:
- A question whose facts are known follows the one option whose condition holds.
- A question whose facts are unknown records them in ``missing`` and follows every option
  that is not ruled out; recommendations found that way are ``possible``, not ``applies``.
- Evidence that depends on a fact (e.g. CAR-T [I, A] at line 3–4, [II, B] at line ≥ 5) is
  computed from ``evidence_rules``; while unknown, every candidate grade is shown.

Status of each item of a reached box (contract cli.md, "Status of each listed recommendation"):
- ``excluded``: its condition is false, or it contains an agent of a class the disease is
  refractory to (``refractory_to``); the reason names the rule and its source.
- ``already-received``: a defining agent was received (``previously_received``).
- ``unavailable``: the user said so (``unavailable``, ``first_option_available: false``, or an
  answer that leaves retreatment as the only option), or the hospital's local layer lists it as not
  on the local formulary and ``local_available`` does not override that for this patient.
- ``fallback``: a last resort ("if first option is not available", "only if other options are not
  available", a named substitute) while an option above it applies or may apply; it ``applies``
  once every option above it is unavailable, excluded or already received.
- ``applies`` / ``possible``: offered, definitely or depending on ``missing`` facts.
Nothing is dropped silently: only items of branches the answers have ruled out are omitted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from app.core.content.models import Glossary
from app.core.evidence import Evidence, evidence_from_short
from app.core.flowchart.conditions import Condition
from app.core.flowchart.consistency import check_consistency
from app.core.flowchart.exposure import CLASS_WORDS, Names, Resolved, join_names, names_for
from app.core.flowchart.facts import FACT_MODELS, REFRACTORY_CLASSES, REGIMEN_LIST_FACTS, FactsError
from app.core.flowchart.local import LOCAL_FACTS, LocalAvailability, LocalFormulary
from app.core.flowchart.model import (
    Figure,
    Note,
    QuestionNode,
    RecItem,
    RecommendationNode,
    Substitute,
    Tier,
)

__all__ = ["Evaluation", "FactsError", "LocalFormulary", "RecStatus", "evaluate", "validate_facts"]

RecStatus = Literal["applies", "possible", "fallback", "unavailable", "already-received", "excluded"]
OFFERED: frozenset[str] = frozenset({"applies", "possible"})
LISTED_AS_OPTION: frozenset[str] = frozenset({"applies", "possible", "fallback"})

NOT_PREVIOUSLY_EXPOSED = (
    "the text recommends \"treatments that they have not been previously exposed to\" "
    "(RRMM › Two or more prior lines › Recommendations, bullet 1)"
)


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
    fallback_for: list[str] = []
    interpretive_tier: bool = False
    status: RecStatus
    reason: str | None = None


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
    figure_raw = {k: v for k, v in raw.items() if k not in LOCAL_FACTS}
    try:
        parsed = model.model_validate(figure_raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "facts"
        if err["type"] == "extra_forbidden":
            accepted = ", ".join([*model.model_fields, *LOCAL_FACTS])
            raise FactsError(field, f"unknown fact {field!r} for {figure_id}; accepted facts: {accepted}") from exc
        raise FactsError(field, f"{field}: {err['msg']}") from exc
    facts = {k: v for k, v in parsed.model_dump().items() if v is not None}
    names = names_for(glossary)
    local = _local_facts(raw)
    if local:
        facts["local_available"] = _canonical_list("local_available", local, names)
    for key in REGIMEN_LIST_FACTS:
        if key in facts:
            facts[key] = _canonical_list(key, facts[key], names)
    check_consistency(facts, names)
    if "induction_regimen" in facts:
        resolved = names.resolve(facts["induction_regimen"])
        assert resolved is not None
        facts["induction_regimen"] = resolved.name
    return facts


def _local_facts(raw: Mapping[str, Any]) -> list[str] | None:
    """``local_available``: regimens (or drugs, classes) to offer for this patient although the local
    layer lists them as not on the formulary; names as for ``unavailable``."""
    value = raw.get("local_available")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FactsError(
            "local_available", "local_available: a list of regimen, drug or class names (e.g. [\"cilta-cel\"])"
        )
    return list(value)


def _canonical_list(key: str, values: Sequence[str], names: Names) -> list[str]:
    out: list[str] = []
    for i, name in enumerate(values):
        resolved = names.resolve(name)
        if resolved is None:
            accepted = (
                "car-t, adc, bispecific, or a drug of those classes (e.g. teclistamab, cilta-cel, belantamab)"
                if key == "refractory_to"
                else "the guideline's regimen abbreviations (e.g. DaraKd, BelaVd, cilta-cel), a drug or brand "
                "name (e.g. daratumumab, Darzalex) or a class (anti-CD38, PI, IMiD, car-t, adc, bispecific)"
            )
            raise FactsError(f"{key}.{i}", f"{key}[{i}]: unknown name {name!r}; accepted: {accepted}")
        if key == "refractory_to":
            _check_refractory_entry(i, name, resolved, names)
        if resolved.name not in out:
            out.append(resolved.name)
    return out


def _check_refractory_entry(i: int, name: str, resolved: Resolved, names: Names) -> None:
    """``refractory_to`` holds the classes beyond triple-class refractoriness (Fig. 3 bullets 3–5)."""
    if resolved.kind == "class" and resolved.name in REFRACTORY_CLASSES:
        return
    if resolved.kind != "class" and all(names.class_word_of(a, REFRACTORY_CLASSES) for a in resolved.agents):
        return
    raise FactsError(
        f"refractory_to.{i}",
        f"refractory_to[{i}]: {name!r} is not CAR T cells, an ADC or a bispecific T cell engager; refractoriness "
        "to proteasome inhibitors, immunomodulatory drugs and anti-CD38 antibodies is answered with "
        "triple_class_refractory and anti_cd38_status",
    )


class _Exposure:
    """The patient's lists, resolved to agents once per evaluation."""

    def __init__(self, facts: Mapping[str, Any], names: Names, local: LocalFormulary | None = None) -> None:
        self.names = names

        def resolve(key: str) -> list[Resolved] | None:
            values = facts.get(key)
            if values is None:
                return None
            return [r for r in (names.resolve(v) for v in values) if r is not None]

        self.received = resolve("previously_received")
        self.unavailable = resolve("unavailable") or []
        self.refractory = resolve("refractory_to") or []
        self.local = LocalAvailability(local, resolve("local_available") or [], names)

    def refractory_classes(self) -> list[str]:
        """The class words the conditions of a figure test (a named drug stands for its class)."""
        out: list[str] = []
        for entry in self.refractory:
            words = (
                [entry.name]
                if entry.kind == "class"
                else [w for a in entry.agents if (w := self.names.class_word_of(a, REFRACTORY_CLASSES))]
            )
            out += [w for w in words if w not in out]
        return out

    def refractory_reason(self, agents: Sequence[str]) -> str | None:
        for entry in self.refractory:
            hit = [a for a in agents if a in entry.agents]
            if not hit:
                continue
            if entry.kind == "class":
                phrase = CLASS_WORDS[entry.name][0]
                return (
                    f"Excluded: the disease is refractory to {phrase} (refractory_to = {entry.name}) and "
                    f"{join_names(self.names.drug_name(a) for a in hit)} is one."
                )
            return f"Excluded: the disease is refractory to {join_names(self.names.drug_name(a) for a in hit)}."
        return None

    def same_class_note(self, agents: Sequence[str]) -> str | None:
        for entry in self.refractory:
            if entry.kind == "class":
                continue
            for named in entry.agents:
                word = self.names.class_word_of(named, REFRACTORY_CLASSES)
                peers = [a for a in agents if a not in entry.agents and word and a in self.names.agents_of_class(word)]
                if peers:
                    mine, theirs = self.names.drugs[peers[0]].classes, self.names.drugs[named].classes
                    target = "" if mine == theirs else f", another target: {', '.join(mine)} vs {', '.join(theirs)}"
                    return (
                        f"Same class ({CLASS_WORDS[word][0] if word else ''}{target}) as "
                        f"{self.names.drug_name(named)}, to which the disease is refractory; the text gives no rule "
                        "on switching within the class."
                    )
        return None

    def received_hits(self, agents: Sequence[str]) -> list[str]:
        received = {a for r in self.received or [] for a in r.agents}
        return [a for a in agents if a in received]

    def unavailable_reason(self, regimen: str, components: Sequence[str]) -> str | None:
        for entry in self.unavailable:
            if entry.kind == "regimen" and entry.name == regimen:
                return f"Answered: {regimen} is not available (unavailable)."
            if entry.kind != "regimen":
                hit = [c for c in components if c in entry.agents]
                if hit:
                    what = CLASS_WORDS[entry.name][0] if entry.kind == "class" else self.names.drug_name(hit[0])
                    return f"Answered: {what} is not available (unavailable), and {regimen} needs it."
        return self.local.reason(regimen)


class _Walk:
    def __init__(
        self, figure: Figure, facts: dict[str, Any], glossary: Glossary, local: LocalFormulary | None = None
    ) -> None:
        self.figure = figure
        self.facts = facts
        self.glossary = glossary
        self.names = names_for(glossary)
        self.exposure = _Exposure(facts, self.names, local)
        self.cond_facts = dict(facts)
        if "refractory_to" in facts:
            self.cond_facts["refractory_to"] = self.exposure.refractory_classes()
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
            self.recs += _Box(self, node, definite).resolve()
            if node.next is not None:
                self.visit(node.next, definite)

    def _question(self, node: QuestionNode, definite: bool) -> None:
        results = [(opt, opt.when.evaluate(self.cond_facts)) for opt in node.options]
        chosen = next((opt for opt, r in results if r is True), None)
        if chosen is not None:
            self.visit(chosen.next, definite)
            return
        open_options = [opt for opt, r in results if r is None]
        if not open_options:
            raise RuntimeError(f"{self.figure.id}/{node.id}: no option matches the facts {self.facts}")
        for opt in open_options:
            self.missing |= opt.when.missing(self.cond_facts)
        for opt in open_options:
            self.visit(opt.next, False)

    def evidence(self, item: RecItem) -> tuple[Evidence | None, list[ConditionalEvidence]]:
        if not item.evidence_rules:
            return (evidence_from_short(item.evidence) if item.evidence else None), []
        for rule in item.evidence_rules:
            if rule.when.evaluate(self.cond_facts) is True:
                return evidence_from_short(rule.evidence), []
        options = []
        for rule in item.evidence_rules:
            if rule.when.evaluate(self.cond_facts) is None:
                self.missing |= rule.when.missing(self.cond_facts)
                options.append(ConditionalEvidence(when=rule.label, evidence=evidence_from_short(rule.evidence)))
        base = evidence_from_short(item.evidence) if item.evidence else None
        return base, options

    def figure_fact_names(self) -> set[str]:
        return {f.name for f in self.figure.facts}

    def answered(self, cond: Condition) -> str:
        shown = [f"{name} = {_show(self.facts[name])}" for name in sorted(cond.facts()) if name in self.facts]
        return f" (answered: {', '.join(shown)})" if shown else ""

    def notes(self) -> list[NoteOut]:
        reached = set(self.path) | set(self.possible)
        out = []
        for note in self.figure.notes:
            if note.nodes and not (set(note.nodes) & reached):
                continue
            if note.when is not None and note.when.evaluate(self.cond_facts) is False:
                continue
            out.append(_note_out(note))
        return out


class _Box:
    """One reached recommendation box: every item with its status and reason."""

    def __init__(self, walk: _Walk, node: RecommendationNode, definite: bool) -> None:
        self.walk = walk
        self.node = node
        self.definite = definite
        self.outs: list[tuple[RecItem, RecommendationOut, list[RecommendationOut]]] = []
        self.branch_missing = set() if definite else set(walk.missing)
        self.fallback_targets = {
            t for item in node.items if item.fallback is not None for t in self._targets(item)
        }

    def _targets(self, item: RecItem) -> list[str]:
        if item.fallback_for is not None:
            return list(item.fallback_for)
        return [i.regimen for i in self.node.items if i.fallback is None]

    def resolve(self) -> list[RecommendationOut]:
        for item in self.node.items:
            out = self._item(item)
            self.outs.append((item, out, self._substitutes(item, out)))
        for item, out, _subs in self.outs:
            if item.fallback is not None:
                self._fallback(item, out)
        self._exclusive()
        return [r for _item, out, subs in self.outs for r in (out, *subs)]

    # -- one item -------------------------------------------------------------------------
    def _item(self, item: RecItem) -> RecommendationOut:
        walk = self.walk
        holds = True if item.when is None else item.when.evaluate(walk.cond_facts)
        conditions = list(item.conditions)
        depends = set(self.branch_missing)
        if holds is None and item.when is not None:
            depends |= item.when.missing(walk.cond_facts)
            walk.missing |= depends
        status: RecStatus = "applies" if self.definite and holds is True else "possible"
        reason: str | None = None
        agents = walk.names.defining_agents(item.regimen)
        if holds is False:
            assert item.when is not None
            status, reason = "excluded", self._when_false(item.when_false, item.conditions, item.when)
        elif refractory := walk.exposure.refractory_reason(agents):
            status, reason = "excluded", refractory
        else:
            exclusive = item.exclusive_when is not None and item.exclusive_when.evaluate(walk.cond_facts) is True
            received = None if exclusive else self._received(item.regimen, agents, item.new_to_patient, conditions)
            if received == "missing":
                status = "possible"
                depends.add("previously_received")
            elif received is not None:
                status, reason = "already-received", received
            elif unavailable := self._unavailable(item):
                status, reason = "unavailable", unavailable
        if status in OFFERED and (note := walk.exposure.same_class_note(agents)):
            conditions.append(note)
        if status == "possible":
            reason = _depends_reason(depends - set(walk.facts))
        return self._out(item, status, reason, conditions)

    def _when_false(self, when_false: str | None, conditions: Sequence[str], when: Condition) -> str:
        text = when_false or "Not for these answers: " + ("; ".join(conditions) or when.describe()) + "."
        return text + self.walk.answered(when)

    def _received(self, regimen: str, agents: Sequence[str], new_to_patient: bool, conditions: list[str]) -> str | None:
        """``already-received`` reason, ``"missing"`` while the history is unknown, else None."""
        exposure = self.walk.exposure
        if exposure.received is None:
            if new_to_patient:
                self.walk.missing.add("previously_received")
                conditions.append(f"only if not previously exposed to {regimen}'s defining agents")
                return "missing"
            return None
        presupposed = {d for d in agents if set(self.walk.names.drugs[d].classes) & set(self.node.presupposes)}
        hits = exposure.received_hits([a for a in agents if a not in presupposed])
        if not hits:
            return None
        who = join_names(self.walk.names.drug_name(a) for a in hits)
        reading = "" if new_to_patient else " This guide applies that sentence to this box as well (an interpretation)."
        return f"Already received: {who}; {NOT_PREVIOUSLY_EXPOSED}.{reading}"

    def _unavailable(self, item: RecItem) -> str | None:
        walk = self.walk
        if (
            walk.facts.get("first_option_available") is False
            and item.fallback is None
            and item.regimen in self.fallback_targets
        ):
            return "Answered: no first-option regimen is available (first_option_available = no)."
        return walk.exposure.unavailable_reason(item.regimen, walk.glossary.components_of(item.regimen))

    # -- substitutes, fallbacks, exclusive answers ---------------------------------------------
    def _substitutes(self, item: RecItem, out: RecommendationOut) -> list[RecommendationOut]:
        subs = []
        for sub in item.substitutes:
            status: RecStatus
            reason: str | None
            if out.status == "unavailable":
                status = "applies" if self.definite else "possible"
                reason = None if self.definite else _depends_reason(self.branch_missing - set(self.walk.facts))
                conditions = [f"{item.regimen} is not available"]
            elif out.status in LISTED_AS_OPTION:
                status = "fallback"
                reason = f"Named for use only if {item.regimen} is unavailable; {item.regimen} is still an option here."
                conditions = [f"only if {item.regimen} is unavailable"]
                if "unavailable" not in self.walk.facts:
                    self.walk.missing.add("unavailable")
            else:
                status, reason, conditions = "excluded", f"As for {item.regimen}: {out.reason}", []
            agents = self.walk.names.defining_agents(sub.regimen)
            if status in LISTED_AS_OPTION:
                if refractory := self.walk.exposure.refractory_reason(agents):
                    status, reason = "excluded", refractory
                elif (received := self._received(sub.regimen, agents, False, conditions)) not in (None, "missing"):
                    status, reason = "already-received", received
                elif unavailable := self.walk.exposure.unavailable_reason(
                    sub.regimen, self.walk.glossary.components_of(sub.regimen)
                ):
                    status, reason = "unavailable", unavailable
            subs.append(self._sub_out(item, sub, status, reason, [*conditions, *item.conditions]))
        return subs

    def _fallback(self, item: RecItem, out: RecommendationOut) -> None:
        targets = self._targets(item)
        out.fallback_for = targets
        if out.status not in OFFERED:
            return
        above = [r for i, o, subs in self.outs if i.regimen in targets for r in (o, *subs)]
        sure = list(dict.fromkeys(r.regimen for r in above if r.status in ("applies", "fallback")))
        maybe = list(dict.fromkeys(r.regimen for r in above if r.status == "possible"))
        if sure or maybe:
            out.status = "fallback"
            why = []
            if sure:
                why.append(f"{join_names(sure)} {'is' if len(sure) == 1 else 'are'} still an option here")
            if maybe:
                why.append(f"{join_names(maybe)} may still apply")
            out.reason = f"{item.fallback} — listed as a last resort: {'; '.join(why)}."
            asks = "first_option_available" in self.walk.figure_fact_names()
            if asks and "first_option_available" not in self.walk.facts:
                self.walk.missing.add("first_option_available")
        else:
            out.conditions.append(
                f"Applies because {join_names(targets)} {'is' if len(targets) == 1 else 'are'} not an option here "
                f"({item.fallback})."
            )

    def _exclusive(self) -> None:
        chosen = [
            (item, out)
            for item, out, _subs in self.outs
            if item.exclusive_when is not None
            and out.status == "applies"
            and item.exclusive_when.evaluate(self.walk.cond_facts) is True
        ]
        if not chosen:
            return
        reason = chosen[0][0].exclusive_reason
        keep = {id(out) for _item, out in chosen}
        for _item, out, subs in self.outs:
            for r in (out, *subs):
                if id(r) not in keep and r.status in LISTED_AS_OPTION:
                    r.status, r.reason = "unavailable", reason

    # -- output ---------------------------------------------------------------------------------
    def _out(self, item: RecItem, status: RecStatus, reason: str | None, conditions: list[str]) -> RecommendationOut:
        evidence, by_condition = self.walk.evidence(item)
        return RecommendationOut(
            node=self.node.id,
            regimen=item.regimen,
            components=self.walk.glossary.components_of(item.regimen),
            tier=item.tier,
            stage=item.stage or self.node.stage,
            evidence=evidence,
            evidence_by_condition=by_condition,
            conditions=conditions,
            notes=list(item.notes),
            footnotes=self._footnotes(item.footnotes),
            source=SourceOut(section=item.source.location, quote=item.source.quote),
            statement=item.statement,
            interpretive_tier=item.interpretive_tier,
            status=status,
            reason=reason,
        )

    def _sub_out(
        self, item: RecItem, sub: Substitute, status: RecStatus, reason: str | None, conditions: list[str]
    ) -> RecommendationOut:
        return RecommendationOut(
            node=self.node.id,
            regimen=sub.regimen,
            components=self.walk.glossary.components_of(sub.regimen),
            tier="if-unavailable",
            stage=item.stage or self.node.stage,
            evidence=evidence_from_short(sub.evidence),
            conditions=conditions,
            notes=list(sub.notes),
            footnotes=self._footnotes(sub.footnotes),
            source=SourceOut(section=sub.source.location, quote=sub.source.quote),
            statement=sub.statement,
            substitutes_for=item.regimen,
            status=status,
            reason=reason,
        )

    def _footnotes(self, ids: Sequence[str]) -> list[str]:
        return [self.walk.figure.note(i).text for i in ids]


def _depends_reason(facts: set[str]) -> str:
    if not facts:
        return "Depends on answers still needed on the way to this box."
    return f"Depends on answers still needed: {', '.join(sorted(facts))}."


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and round(value, 2) != value:
        return f"≈ {value:.2f}"  # a derived duration (33.5257 months) read at a glance; ≈ says it was rounded
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _note_out(note: Note) -> NoteOut:
    return NoteOut(
        id=note.id,
        kind=note.kind,
        text=note.text,
        evidence=note.parsed_evidence,
        source=SourceOut(section=note.source.location, quote=note.source.quote) if note.source else None,
        ref=note.ref,
    )


def evaluate(
    figure: Figure, raw_facts: Mapping[str, Any], glossary: Glossary, local: LocalFormulary | None = None
) -> Evaluation:
    """Evaluate ``figure`` for ``raw_facts``; raises :class:`FactsError` on invalid facts.

    ``local`` is the installed local layer's formulary (None: no layer installed)."""
    facts = validate_facts(figure.id, raw_facts, glossary)
    walk = _Walk(figure, facts, glossary, local)
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
