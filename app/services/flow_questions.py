"""Which unanswered questions of a figure can still change its answer ("Still needed").

The engine's ``missing`` lists every fact it met unanswered on its walk: the question where the
path stops, but also the questions of branches the answers have not reached yet, the side box
every Fig. 2 patient passes (second-line ASCT), and availability. Listing all of them as
"still needed" nags every patient with questions that cannot change their answer (Fig. 3 with
nothing answered listed ten). This module sorts ``missing`` for the screen, Qt-free and
without changing the engine's contract (``missing`` stays as it is):

- **needed** — the facts of the question where the path stops, and the facts that decide the
  status or the evidence of a regimen in a box the path has reached: a condition of the
  regimen that one answer could settle (e.g. CAR T-cell eligibility for cilta-cel), an
  evidence rule (CAR-T [I, A] at line 3–4, [II, B] from line 5), "treatments not previously
  received" (``previously_received``).
- **optional** — facts that only refine what is shown: the side box on the path (Fig. 2's
  second-line ASCT) and availability (``unavailable``, ``first_option_available``), since
  the options are already listed with their fallbacks and named substitutes.
- **later** — facts met only on branches the answers have not reached, and follow-up
  questions that no single answer to them could settle now (e.g. the anti-CD38-free interval
  while the anti-CD38 status is unknown). They become needed once the path gets there.

The split is this guide's reading for its screens; no source defines it. Nothing is hidden:
every fact keeps its control in the side panel, and a fact this module cannot place is
listed as needed rather than dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from app.core.flowchart.conditions import Condition
from app.core.flowchart.engine import Evaluation
from app.core.flowchart.model import FactSpec, Figure, QuestionNode, RecommendationNode

AVAILABILITY = ("unavailable", "first_option_available")
OTHER_VALUE = "\u2063another value"  # a one-regimen answer different from every value a condition names
Kind = Literal["needed", "optional", "later"]


@dataclass(frozen=True)
class Question:
    """One unanswered fact: its name, its question as the side panel asks it, and why it is listed."""

    fact: str
    prompt: str
    why: str


@dataclass(frozen=True)
class StillNeeded:
    """``missing`` sorted for the screen (see the module docstring)."""

    needed: tuple[Question, ...] = ()
    optional: tuple[Question, ...] = ()
    later: tuple[Question, ...] = ()

    @property
    def needed_facts(self) -> list[str]:
        return [q.fact for q in self.needed]

    @property
    def optional_facts(self) -> list[str]:
        return [q.fact for q in self.optional]

    def kind_of(self, fact: str) -> Kind | None:
        for kind, group in (("needed", self.needed), ("optional", self.optional), ("later", self.later)):
            if any(q.fact == fact for q in group):
                return kind  # type: ignore[return-value]
        return None


def side_boxes(figure: Figure) -> set[str]:
    """Boxes that lead on to a question (Fig. 2's second-line ASCT box, "evaluated alongside every column")."""
    out = set()
    for node in figure.nodes:
        if isinstance(node, RecommendationNode) and node.next and isinstance(figure.node(node.next), QuestionNode):
            out.add(node.id)
    return out


def still_needed(figure: Figure, evaluation: Evaluation) -> StillNeeded:
    """Sort ``evaluation.missing`` into needed, optional and later questions."""
    missing = set(evaluation.missing)
    facts = evaluation.facts
    specs = {s.name: s for s in figure.facts}
    prompts = {s.name: s.prompt for s in figure.facts}
    placed: dict[str, tuple[Kind, str]] = {}

    def place(fact: str, kind: Kind, why: str) -> None:
        if fact not in missing:
            return
        rank = {"needed": 0, "optional": 1, "later": 2}
        if fact not in placed or rank[kind] < rank[placed[fact][0]]:
            placed[fact] = (kind, why)

    sides = side_boxes(figure)
    last = figure.node(evaluation.path[-1]) if evaluation.path else None
    if isinstance(last, QuestionNode):
        asked = list(last.facts) + sorted({f for opt in last.options for f in opt.when.facts()})
        for fact in asked:
            place(fact, "needed", f"The next question on the path: {last.prompt}")

    recs = {(r.node, r.regimen, r.substitutes_for): r for r in evaluation.recommendations}
    for node_id in evaluation.path:
        node = figure.node(node_id)
        if not isinstance(node, RecommendationNode):
            continue
        side = node_id in sides
        for item in node.items:
            rec = recs.get((node_id, item.regimen, None))
            if rec is None:
                continue
            for fact, decides, why in _item_facts(item, rec, facts, specs, node.title):
                if side:
                    title = node.title if node.title.startswith("Side box") else f"Side box: {node.title}"
                    place(fact, "optional", title)
                elif fact in AVAILABILITY:
                    place(fact, "optional", _availability_why(fact))
                else:
                    place(fact, "needed" if decides else "later", why)

    for fact in missing:
        if fact in AVAILABILITY:
            place(fact, "optional", _availability_why(fact))
    reachable = _facts_of_nodes(figure, evaluation.possible_nodes)
    for fact in missing - set(placed):
        if fact in reachable:
            place(fact, "later", "Asked on a branch the answers have not reached yet")
        else:
            place(fact, "needed", "Not answered yet")

    order = [s.name for s in figure.facts]

    def group(kind: Kind) -> tuple[Question, ...]:
        chosen = [f for f, (k, _w) in placed.items() if k == kind]
        first = [f for f in _path_question_facts(last) if f in chosen]
        rest = sorted((f for f in chosen if f not in first), key=lambda f: order.index(f) if f in order else len(order))
        return tuple(Question(f, prompts.get(f, f), placed[f][1]) for f in [*first, *rest])

    return StillNeeded(needed=group("needed"), optional=group("optional"), later=group("later"))


def _availability_why(fact: str) -> str:
    if fact == "first_option_available":
        return "Availability: the fallbacks are listed in case the first option cannot be given"
    return "Availability: a named substitute or fallback is listed in case a regimen cannot be given"


def _path_question_facts(node: Any) -> list[str]:
    if not isinstance(node, QuestionNode):
        return []
    return list(node.facts)


def _facts_of_nodes(figure: Figure, node_ids: list[str]) -> set[str]:
    out: set[str] = set()
    for node_id in node_ids:
        node = figure.node(node_id)
        if isinstance(node, QuestionNode):
            out |= set(node.facts)
            for opt in node.options:
                out |= opt.when.facts()
        else:
            for item in node.items:
                for cond in _item_conditions(item):
                    out |= cond.facts()
                if item.new_to_patient:
                    out.add("previously_received")
    return out


def _item_conditions(item: Any) -> Iterator[Condition]:
    if item.when is not None:
        yield item.when
    for rule in item.evidence_rules:
        yield rule.when
    if item.exclusive_when is not None:
        yield item.exclusive_when


def _item_facts(
    item: Any, rec: Any, facts: dict[str, Any], specs: dict[str, FactSpec], box: str
) -> Iterator[tuple[str, bool, str]]:
    """(fact, decides on its own now, why) for the unanswered facts a listed regimen depends on."""
    name = item.regimen
    if rec.status == "possible" and item.when is not None:
        for fact in item.when.missing(facts):
            yield fact, decisive(item.when, facts, fact, specs.get(fact)), f"Decides whether {name} applies ({box})"
    if rec.evidence_by_condition:
        for rule in item.evidence_rules:
            for fact in rule.when.missing(facts):
                yield fact, decisive(rule.when, facts, fact, specs.get(fact)), f"Decides the evidence of {name}"
    if rec.status == "possible" and item.new_to_patient and "previously_received" not in facts:
        yield "previously_received", True, f"{name} is for treatments not previously received"
    if item.substitutes or item.fallback is not None:
        yield "unavailable", False, _availability_why("unavailable")
    if item.fallback is not None:
        yield "first_option_available", False, _availability_why("first_option_available")


def decisive(cond: Condition, facts: dict[str, Any], fact: str, spec: FactSpec | None) -> bool:
    """Could an answer to ``fact`` alone settle ``cond`` (true or false), the other facts as they are?"""
    if cond.evaluate(facts) is not None:
        return False
    if "refractory_to" in facts and "refractory_to" in cond.facts():
        return True  # the engine reads drug names as their classes here: do not second-guess it
    for value in _candidates(cond, fact, spec):
        try:
            if cond.evaluate({**facts, fact: value}) is not None:
                return True
        except TypeError:
            continue
    return False


def _tests_of(cond: Condition, fact: str) -> Iterator[Condition]:
    if cond.fact == fact:
        yield cond
    for child in [*(cond.all or []), *(cond.any or []), *([cond.not_] if cond.not_ is not None else [])]:
        yield from _tests_of(child, fact)


def _candidates(cond: Condition, fact: str, spec: FactSpec | None) -> list[Any]:
    """Values worth trying for ``fact``: its choices, and each threshold of ``cond`` and its neighbours."""
    kind = spec.type if spec is not None else None
    out: list[Any] = []
    if kind == "bool":
        out += [True, False]
    if kind == "enum":
        out += list(spec.values or []) if spec is not None else []
    if kind in ("enum_list", "regimen_list"):
        out.append([])
        out += [[v] for v in (spec.values or [])] if spec is not None else []
    for test in _tests_of(cond, fact):
        value = test.value
        if isinstance(value, bool):
            out += [value, not value]
        elif isinstance(value, int | float):
            out += [value - 1, value, value + 1]
        elif isinstance(value, str):
            out += [[value]] if kind in ("enum_list", "regimen_list") else [value, OTHER_VALUE]
        elif isinstance(value, list):
            if kind in ("enum_list", "regimen_list"):
                out += [[v] for v in value]
            else:
                out += list(value)
    return out
