"""Answering a flowchart question from one of its options (a chip on the diagram, an option card).

An option of a question is a condition over the patient's facts ("Lenalidomide-refractory",
"< 80 years"). Choosing it must set facts that make the condition true, and nothing else; this
module finds those assignments, Qt-free. It never invents a patient value: an option that
needs a number to be typed (an age, a score with many values) cannot be answered with a click,
and the caller is told which fact to ask for instead. An option that more than one assignment
satisfies ("Yes (CAR T cells or ADC)") returns all of them for the user to choose.

This is this guide's reading of how to answer a figure's options; no source defines it. The
figures' conditions themselves are in resources/content/figures, each with its source.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Literal

from app.core.flowchart.conditions import Condition
from app.core.flowchart.model import FactSpec, Figure, QuestionNode

#: the most values of a numeric fact a chip offers to choose from (beyond: the number is typed)
MAX_CHOICES = 6
_FLIP = {
    "eq": "ne",
    "ne": "eq",
    "lt": "ge",
    "ge": "lt",
    "le": "gt",
    "gt": "le",
    "contains": "not_contains",
    "not_contains": "contains",
}

Facts = dict[str, Any]


@dataclass(frozen=True)
class OptionAnswer:
    """What choosing an option does.

    - ``already``: the option already holds with the current answers; nothing to change.
    - ``type``: a value must be typed for ``fact`` (the guide never guesses one).
    - ``answers``: the fact assignments that make the option true (one: apply it; several:
      the user chooses).
    """

    kind: Literal["already", "type", "answers"]
    label: str
    answers: tuple[Facts, ...] = ()
    fact: str | None = None


def option_answers(cond: Condition, facts: Facts, specs: dict[str, FactSpec]) -> list[Facts] | None:
    """Fact assignments that make ``cond`` true, given the other facts; None if a number must be typed."""
    found = _solve(cond, facts, specs)
    if found is None:
        return None
    out: list[Facts] = []
    for cand in found:
        if cond.evaluate({**facts, **cand}) is True and cand not in out:
            out.append(cand)
    return out


def answer_option(figure: Figure, facts: Facts, node_id: str, index: int) -> OptionAnswer:
    """Choosing option ``index`` of question ``node_id``; ``KeyError``/``IndexError`` if there is none."""
    node = figure.node(node_id)
    if not isinstance(node, QuestionNode):
        raise KeyError(f"{node_id} is not a question")
    option = node.options[index]
    if option.when.evaluate(facts) is True:
        return OptionAnswer("already", option.label)
    answers = option_answers(option.when, facts, {s.name: s for s in figure.facts})
    if not answers:
        return OptionAnswer("type", option.label, fact=sorted(option.when.facts())[0])
    return OptionAnswer("answers", option.label, answers=tuple(answers))


def _solve(cond: Condition, facts: Facts, specs: dict[str, FactSpec]) -> list[Facts] | None:
    if cond.fact is not None:
        return _solve_test(cond, facts, specs)
    if cond.not_ is not None:
        return _solve_not(cond.not_, facts, specs)
    if cond.any is not None:
        out: list[Facts] = []
        for child in cond.any:
            sub = _solve(child, facts, specs)
            if sub is None:
                return None
            out += sub
        return out
    if cond.all is not None:
        parts = []
        for child in cond.all:
            sub = _solve(child, facts, specs)
            if sub is None:
                return None
            parts.append(sub)
        merged = []
        for combo in itertools.product(*parts):
            cand: Facts = {}
            for piece in combo:
                cand.update(piece)
            merged.append(cand)
        return merged
    return None


def _solve_test(cond: Condition, facts: Facts, specs: dict[str, FactSpec]) -> list[Facts] | None:
    name, op, value = cond.fact, cond.op, cond.value
    assert name is not None
    spec = specs.get(name)
    current = list(facts.get(name) or [])
    if op == "eq":
        return [{name: value}]
    if op == "in":
        return [{name: v} for v in value]
    if op == "ne":
        if spec is not None and spec.type == "bool":
            return [{name: not value}]
        if spec is not None and spec.values:
            return [{name: v} for v in spec.values if v != value]
        return None
    if op in ("lt", "le", "gt", "ge"):
        if spec is None or spec.type != "int" or spec.minimum is None or spec.maximum is None:
            return None
        values = [
            i
            for i in range(int(spec.minimum), int(spec.maximum) + 1)
            if Condition(fact=name, op=op, value=value).evaluate({name: i})
        ]
        return [{name: i} for i in values] if len(values) <= MAX_CHOICES else None
    if op == "contains":
        return [{name: current if value in current else [*current, value]}]
    if op == "not_contains":
        return [{name: [v for v in current if v != value]}]
    if op == "intersects":
        return [{name: [*current, v]} for v in value if v not in current] or [{name: current}]
    return None


def _solve_not(inner: Condition, facts: Facts, specs: dict[str, FactSpec]) -> list[Facts] | None:
    if inner.fact is None:
        return None
    current = list(facts.get(inner.fact) or [])
    if inner.op == "intersects":
        return [{inner.fact: [v for v in current if v not in inner.value]}]
    if inner.op == "in":
        spec = specs.get(inner.fact)
        return [{inner.fact: v} for v in (spec.values or [])] if spec and spec.values else None
    if inner.op in _FLIP:
        return _solve(Condition(fact=inner.fact, op=_FLIP[inner.op], value=inner.value), facts, specs)
    return None
