"""Lines of therapy from the episodes (contract case.md §3, LOT-0…LOT-5).

The first episode starts line 1. For each later episode E (P the one before) the first rule
that applies decides whether E starts a new line; a rule that cannot decide leaves the line
count as a range, never a guess.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.case import sources
from app.core.case.fact import Fact, known, unknown
from app.core.case.history import Ep, History

_DROPPED_ONLY = sources.NOTE_SUBSET_SAME_LINE


@dataclass(frozen=True)
class Boundary:
    """Whether episode ``index`` starts a new line (None: undetermined), by which rule."""

    index: int
    new_line: bool | None
    rule: str
    why: str
    inputs: tuple[str, ...]
    source: str
    notes: tuple[str, ...] = ()


Rule = Callable[[Ep, Ep, History], Boundary | None]


def lot0_override(p: Ep, e: Ep, history: History) -> Boundary | None:
    """LOT-0: the clinician's ``new_line`` decides, either way (reported as an override)."""
    if e.raw.new_line is None:
        return None
    said = "starts a new line" if e.raw.new_line else "continues the line"
    return Boundary(e.index, e.raw.new_line, "LOT-0", f"{e.id} {said}: clinician override", (f"{e.path}.new_line",),
                    sources.LINE_OVERRIDE)


def lot1_progression_on_previous(p: Ep, e: Ep, history: History) -> Boundary | None:
    """LOT-1: a progression recorded on P starts a new line with E.

    Rajkumar 2011 "Lines of therapy" (a planned course modified for progression or relapse;
    observation off therapy interrupted by the need for treatment); Rajkumar 2015 Table 1
    (after SCT without maintenance, lenalidomide started at a paraprotein rise is a new line).
    """
    if p.progression is None:
        return None
    planned = e.raw.started_because == "planned"
    return Boundary(e.index, True, "LOT-1", f"progression recorded on {p.id}",
                    (*p.progression.inputs, *((f"{e.path}.started_because",) if planned else ())),
                    sources.LINE_PROGRESSION, (sources.NOTE_PLANNED_AFTER_PROGRESSION,) if planned else ())


def lot2_repeat_sct(p: Ep, e: Ep, history: History) -> Boundary | None:
    """LOT-2: a second or later SCT is a new line unless it is a planned tandem.

    Rajkumar 2015, condition 3: each SCT after the first is a new line "except in the case of a
    planned tandem SCT with a predefined interval".
    """
    if not e.is_sct or e.raw.tandem or not any(x.is_sct for x in history.episodes[: e.index]):
        return None
    notes = () if p.is_sct else (sources.NOTE_SALVAGE_ASCT,)
    return Boundary(e.index, True, "LOT-2", f"{e.id} is an SCT after an earlier SCT and not a planned tandem",
                    (f"{e.path}.role", f"{e.path}.tandem"), sources.LINE_SCT, notes)


def lot3_planned(p: Ep, e: Ep, history: History) -> Boundary | None:
    """LOT-3: a planned next step (ASCT, consolidation, maintenance, tandem, CAR-T after bridging)
    continues the line.

    Rajkumar 2015: "3-6 cycles of initial therapy with bortezomib-dexamethasone [VD] followed by
    stem cell transplantation [SCT], consolidation, and lenalidomide maintenance is considered 1
    line"; Rajkumar 2011: planned induction → ASCT → maintenance is one line.
    """
    if e.raw.started_because != "planned":
        return None
    return Boundary(e.index, False, "LOT-3", f"{e.id} was planned as part of the line",
                    (f"{e.path}.started_because",), sources.LINE_DEFINITION)


def _added(p: Ep, e: Ep) -> list[str]:
    return [d for d in e.drugs if d not in p.drugs]


def _same_class_switch(p: Ep, e: Ep, added: list[str]) -> bool:
    dropped = [d for d in p.drugs if d not in e.drugs]
    return any(set(e.classes[a]) & set(p.classes[d]) for a in added for d in dropped)


def lot4_known_reason(p: Ep, e: Ep, history: History) -> Boundary | None:
    """LOT-4: for any other known reason, a drug P did not have makes a new line; drugs only
    dropped (E ⊆ P) keep the line.

    Rajkumar 2015 conditions 1–2: "Unplanned addition of a new drug or switching to a different
    drug (or combination of drugs) due to any reason is considered a new line of therapy"; a
    regimen is not discontinued while some of its drugs continue; Table 1: Rd stopped for
    toxicity and switched to VCd → VCd and the planned SCT are line 2. CIBMTR forms manual: dose
    modifications are not a new line.
    """
    if e.raw.started_because == "unknown":
        return None
    inputs = (f"{e.path}.started_because", f"{e.path}.regimen", f"{p.path}.regimen")
    added = _added(p, e)
    if added:
        notes = (sources.NOTE_SAME_CLASS_SWITCH,) if _same_class_switch(p, e, added) else ()
        return Boundary(e.index, True, "LOT-4", f"{e.id} adds {', '.join(added)} ({e.raw.started_because})",
                        inputs, sources.LINE_CHANGE, notes)
    return Boundary(e.index, False, "LOT-4", f"{e.id} only drops drugs of {p.id}", inputs, sources.LINE_CHANGE,
                    (_DROPPED_ONLY,))


def lot5_unknown_reason(p: Ep, e: Ep, history: History) -> Boundary:
    """LOT-5: reason unknown — drugs only dropped keep the line; otherwise undetermined.

    Rajkumar 2015 makes a new drug a new line unless it was part of the plan, and only the reason
    tells which: with the reason unknown the count is left as a range, never guessed.
    """
    inputs = (f"{e.path}.started_because", f"{e.path}.regimen", f"{p.path}.regimen")
    if not _added(p, e):
        return Boundary(e.index, False, "LOT-5", f"{e.id} only drops drugs of {p.id}", inputs, sources.LINE_CHANGE,
                        (_DROPPED_ONLY,))
    return Boundary(e.index, None, "LOT-5",
                    f"{e.id} adds {', '.join(_added(p, e))} for an unknown reason: planned, or a new line?",
                    inputs, sources.LINE_CHANGE)


RULES: tuple[Rule, ...] = (
    lot0_override, lot1_progression_on_previous, lot2_repeat_sct, lot3_planned, lot4_known_reason,
)


def boundary(p: Ep, e: Ep, history: History) -> Boundary:
    for rule in RULES:
        found = rule(p, e, history)
        if found is not None:
            return found
    return lot5_unknown_reason(p, e, history)


@dataclass(frozen=True)
class Lines:
    boundaries: list[Boundary]  # one per episode after the first
    has_episodes: bool

    @property
    def count(self) -> tuple[int, int]:
        """Fewest and most lines the episodes can make (0 for an empty history)."""
        if not self.has_episodes:
            return (0, 0)
        sure = sum(1 for b in self.boundaries if b.new_line is True)
        open_ = sum(1 for b in self.boundaries if b.new_line is None)
        return (1 + sure, 1 + sure + open_)

    def line_of(self, index: int) -> tuple[int, int]:
        """Line number range of episode ``index``."""
        before = [b for b in self.boundaries if b.index <= index]
        sure = sum(1 for b in before if b.new_line is True)
        open_ = sum(1 for b in before if b.new_line is None)
        return (1 + sure, 1 + sure + open_)

    def same_line(self, a: int, b: int) -> bool | None:
        """Episodes ``a`` ≤ ``b`` in one line: True, False, or None when a boundary is undetermined."""
        between = [x.new_line for x in self.boundaries if a < x.index <= b]
        if any(v is True for v in between):
            return False
        return None if any(v is None for v in between) else True


def derive_lines(history: History) -> Lines:
    eps = history.episodes
    return Lines([boundary(p, e, history) for p, e in itertools.pairwise(eps)], bool(eps))


# -- the facts ---------------------------------------------------------------------------------------

def decision(history: History) -> Fact:
    """``next_line`` when a progression is recorded on the last episode (or nothing was given yet),
    else ``current_line``: the choice is made within the line being given."""
    eps = history.episodes
    if not eps:
        return known("next_line", [], "no treatment yet: the first line is being chosen", sources.LINE_DEFINITION)
    last = eps[-1]
    if last.progression is not None:
        return known("next_line", last.progression.inputs, f"LOT-1: progression recorded on {last.id}",
                     sources.LINE_PROGRESSION)
    return known("current_line", [f"{last.path}.progression", f"{last.path}.stop_reason"],
                 f"no progression recorded on {last.id}, the last episode", sources.LINE_DEFINITION)


def _rules_text(lines: Lines, closing: str | None) -> str:
    rules = list(dict.fromkeys(b.rule for b in lines.boundaries))
    if closing and closing not in rules:
        rules.append(closing)
    return ", ".join(rules) or "one episode, one line"


def prior_lines(history: History, lines: Lines, decided: Fact) -> Fact:
    """Lines already given before the one being chosen: the number of lines, minus the current one
    when the choice is made within it (``decision`` = ``current_line``)."""
    low, high = lines.count
    minus = 1 if decided.value == "current_line" else 0
    low, high = low - minus, high - minus
    closing = "LOT-1" if decided.value == "next_line" and history.episodes else None
    inputs = [p for b in lines.boundaries for p in b.inputs]
    inputs += decided.provenance.inputs if decided.provenance else []
    sources_used = list(dict.fromkeys([sources.LINE_DEFINITION, *(b.source for b in lines.boundaries)]))
    notes = [n for b in lines.boundaries for n in b.notes]
    if any(b.rule == "LOT-0" for b in lines.boundaries):
        notes.append("A clinician override (new_line) decided at least one boundary (LOT-0).")
    if low == high:
        return known(low, inputs, _rules_text(lines, closing), "; ".join(sources_used), notes)
    undecided = [b for b in lines.boundaries if b.new_line is None]
    missing = [f"treatment_history.{b.index}.started_because" for b in undecided]
    return unknown(missing, _rules_text(lines, closing), "; ".join(sources_used), inputs, [low, high], notes)


def line_being_chosen(prior: Fact) -> Fact:
    """``line`` = ``prior_lines`` + 1: the line the choice is for."""
    if prior.value is not None:
        assert prior.provenance is not None
        return known(prior.value + 1, prior.provenance.inputs, "prior_lines + 1", prior.provenance.source)
    assert prior.range is not None and prior.missing is not None
    return unknown(prior.missing, "prior_lines + 1", range_=[prior.range[0] + 1, prior.range[1] + 1])


def line_groups(history: History, lines: Lines) -> list[dict[str, Any]]:
    """The ``lines`` output: episodes grouped by line, each with how it ended."""
    groups: list[dict[str, Any]] = []
    for ep in history.episodes:
        b = next((x for x in lines.boundaries if x.index == ep.index), None)
        if b is None or b.new_line is not False:
            low, high = lines.line_of(ep.index)
            groups.append({
                "line": low if low == high else None,
                **({} if low == high else {"line_range": [low, high]}),
                "episodes": [],
                "started_by": "first episode" if b is None else f"{b.rule}: {b.why}",
                "ended_by": None,
                "progression_date": None,
            })
        group = groups[-1]
        group["episodes"].append(ep.id)
        group["ended_by"] = _ended_by(ep)
        prog = ep.progression
        group["progression_date"] = None if prog is None or prog.when is None else prog.when.text
    return groups


def _ended_by(ep: Ep) -> str | None:
    if ep.progression is not None:
        return "progression"
    return ep.raw.stop_reason
