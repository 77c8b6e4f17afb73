"""The treatment history resolved: drugs named by the glossary, dates as day ranges, and the
progressions recorded on each episode (contract case.md §2, Episode and ``progression``).

Everything the input says but cannot be true together is refused here with the input path
(§6): dates after the assessment, an end before its start, episodes out of order, a progression
before its episode or contradicting its stated timing.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.core.case.dates import MIN_DAYS_PER_MONTH, DayRange, days_between, parse_partial_date
from app.core.case.errors import CaseInputError
from app.core.case.model import SCT_ROLES, CaseInput, Episode, Timing
from app.core.flowchart.exposure import Names

ASCT_REGIMENS = frozenset({"HDM-ASCT", "tandem ASCT", "second-line ASCT"})
ALLO_REGIMENS = frozenset({"alloSCT"})
CAR_T_CLASS = "BCMA-directed CAR-T"
STEROID_CLASS = "corticosteroid"
NONRESPONSE = ("SD", "PD")
ENDED_WITHOUT_PROGRESSION = ("completed", "toxicity", "patient_choice", "other")

NAMING_HELP = (
    "name a regimen by the guideline's abbreviation (e.g. VRd, DaraVRd, IsaKd, Rd, R, HDM-ASCT, cilta-cel) or a "
    "single drug; name drugs by glossary id, name, alias or brand (e.g. lenalidomide, Revlimid, daratumumab, "
    "Darzalex, cilta-cel, teclistamab)"
)


@dataclass(frozen=True)
class Progression:
    """The first progression recorded on an episode, and what is known of when it happened."""

    episode: int
    when: DayRange | None
    timing: Timing | None
    inputs: tuple[str, ...]
    date_path: str
    how: str  # "recorded" | "stop_reason" | "next_episode"

    @property
    def exact(self) -> bool:
        return self.when is not None and self.when.exact


@dataclass
class Ep:
    index: int
    id: str
    raw: Episode
    regimen: str | None
    drugs: tuple[str, ...]
    start: DayRange | None
    end: DayRange | None
    progression: Progression | None = None
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"treatment_history.{self.index}"

    @property
    def ongoing(self) -> bool:
        return self.raw.stop_reason == "ongoing"

    @property
    def is_asct(self) -> bool:
        return self.raw.role == "asct" or self.regimen in ASCT_REGIMENS

    @property
    def is_sct(self) -> bool:
        return self.is_asct or self.raw.role == "allo_sct" or self.regimen in ALLO_REGIMENS

    @property
    def is_car_t(self) -> bool:
        return self.raw.role == "car_t" or any(CAR_T_CLASS in self.classes.get(d, ()) for d in self.drugs)

    @property
    def label(self) -> list[str]:
        """What was received: the regimen abbreviation, or the drugs when no regimen was named."""
        return [self.regimen] if self.regimen else list(self.drugs)

    def floor_days(self) -> float:
        """The fewest days this episode can have lasted (0 when unknown)."""
        if self.start is not None and self.end is not None:
            return max(0, (self.end.first - self.start.last).days)
        if self.raw.duration_months is not None:
            return self.raw.duration_months * MIN_DAYS_PER_MONTH
        return 0.0

    def floor_months(self) -> float:
        if self.raw.duration_months is not None:
            return self.raw.duration_months
        return 0.0


@dataclass
class History:
    episodes: list[Ep]
    assessment: date
    names: Names
    warnings: list[str] = field(default_factory=list)

    @property
    def progressions(self) -> list[Progression]:
        return [ep.progression for ep in self.episodes if ep.progression is not None]

    def floor_days_between(self, after: int, before: int) -> float:
        """Fewest days taken by the episodes strictly between two indexes."""
        return sum(self.episodes[i].floor_days() for i in range(after + 1, before))


# -- names ------------------------------------------------------------------------------------------

def _key(name: str) -> str:
    return " ".join(name.replace("\u2010", "-").replace("\u2011", "-").casefold().split())


def _drug_index(names: Names) -> dict[str, str]:
    index: dict[str, str] = {}
    for drug in names.drugs.values():
        for name in [drug.id, drug.name, *drug.aliases, *(b.name for b in drug.brands)]:
            index[_key(name)] = drug.id
    return index


def _resolve_drug(name: str, names: Names, index: dict[str, str], path: str) -> str:
    if _key(name) in index:
        return index[_key(name)]
    resolved = names.resolve(name)
    if resolved is not None and resolved.kind == "regimen" and len(names.regimens[resolved.name].components) == 1:
        return names.regimens[resolved.name].components[0]
    raise CaseInputError(path, f"{path}: unknown drug {name!r}; {NAMING_HELP}", "unknown_drug")


def _resolve_drugs(ep: Episode, path: str, names: Names, warnings: list[str]) -> tuple[str | None, tuple[str, ...]]:
    index = _drug_index(names)
    regimen: str | None = None
    from_regimen: tuple[str, ...] | None = None
    if ep.regimen is not None:
        resolved = names.resolve(ep.regimen)
        if resolved is None or resolved.kind == "class":
            what = "a class, not a regimen" if resolved is not None else "not a regimen or drug of the glossary"
            raise CaseInputError(f"{path}.regimen", f"{path}.regimen: {ep.regimen!r} is {what}; {NAMING_HELP}",
                                 "unknown_regimen")
        if resolved.kind == "regimen":
            regimen = resolved.name
            from_regimen = tuple(names.regimens[regimen].components)
        else:
            from_regimen = (resolved.name,)
    if ep.drugs is not None:
        drugs = tuple(dict.fromkeys(
            _resolve_drug(name, names, index, f"{path}.drugs.{j}") for j, name in enumerate(ep.drugs)
        ))
        if from_regimen is not None and set(from_regimen) != set(drugs):
            warnings.append(
                f"{path}: drugs ({', '.join(drugs)}) differ from {ep.regimen} ({', '.join(from_regimen)}); the drugs "
                "are used"
            )
        return regimen, drugs
    if from_regimen is not None:
        return regimen, from_regimen
    return None, (("melphalan",) if ep.role == "asct" else ())


# -- dates ------------------------------------------------------------------------------------------

def _date(text: str | None, path: str, assessment: date) -> DayRange | None:
    if text is None:
        return None
    day_range = parse_partial_date(text)
    if day_range.first > assessment:
        raise CaseInputError(
            path, f"{path}: {text} lies after assessment_date ({assessment.isoformat()})", "date_after_assessment"
        )
    return day_range


def _check_order(eps: Sequence[Ep]) -> None:
    for ep in eps:
        if ep.start is not None and ep.end is not None and ep.end.last < ep.start.first:
            raise CaseInputError(
                f"{ep.path}.end", f"{ep.path}.end: {ep.end.text} is before start {ep.start.text}", "end_before_start"
            )
    for before, after in itertools.pairwise(eps):
        if before.start is not None and after.start is not None and before.start.first > after.start.last:
            raise CaseInputError(
                f"{after.path}.start",
                f"{after.path}.start: {after.start.text} is before the start of the episode before it "
                f"({before.start.text}); give the episodes in chronological order of start",
                "episodes_out_of_order",
            )


# -- progressions -----------------------------------------------------------------------------------

def _recorded_date(ep: Ep, assessment: date) -> DayRange | None:
    raw = ep.raw.progression
    if raw is None or raw == "none":
        return None
    return _date(raw.date, f"{ep.path}.progression.date", assessment)


def _check_progression_date(ep: Ep, nxt: Ep | None, when: DayRange, timing: Timing | None) -> None:
    path = f"{ep.path}.progression.date"
    if ep.start is not None and when.last < ep.start.first:
        raise CaseInputError(
            path, f"{path}: {when.text} is before the episode's start ({ep.start.text})", "progression_before_start"
        )
    if nxt is not None and nxt.start is not None and when.first > nxt.start.last:
        raise CaseInputError(
            path,
            f"{path}: {when.text} is after the next episode started ({nxt.start.text}); record a progression on the "
            "episode during or after which it happened",
            "progression_after_next_start",
        )
    if timing is None or ep.end is None:
        return
    days = days_between(ep.end, when)
    contradiction = (
        (timing == "on_treatment" and days.lo is not None and days.lo > 0)
        or (timing == "within_60_days" and days.lo is not None and days.lo > 60)
        or (timing == "after_60_days" and days.hi is not None and days.hi <= 60)
    )
    if contradiction:
        raise CaseInputError(
            path,
            f"{path}: {when.text} is {days.lo:g}–{days.hi:g} days after the last dose ({ep.end.text}), which "
            "contradicts "
            f"timing {timing!r} (on_treatment: by the last dose; within_60_days: 0–60 days after it; after_60_days: "
            "more than 60 days after it)",
            "timing_contradicts_date",
        )


def _window(ep: Ep, nxt: Ep | None, timing: Timing | None, assessment: date) -> DayRange | None:
    """The days an undated progression may lie on, from the episode's dates and the timing."""
    low = ep.start.first if ep.start else None
    high = nxt.start.last if nxt is not None and nxt.start is not None else (assessment if nxt is None else None)
    if ep.end is not None and ep.raw.stop_reason in ENDED_WITHOUT_PROGRESSION:
        low = ep.end.first
    if timing == "on_treatment":
        high = assessment if ep.ongoing else (ep.end.last if ep.end else None)
    elif timing == "within_60_days" and ep.end is not None:
        low, high = ep.end.first, min(ep.end.last + timedelta(days=60), high or ep.end.last + timedelta(days=60))
    elif timing == "after_60_days" and ep.end is not None:
        low = ep.end.first + timedelta(days=61)
    if low is None or high is None or high < low:
        return None
    return DayRange(low, high, f"{low.isoformat()}…{high.isoformat()}")


def _progression(ep: Ep, nxt: Ep | None, assessment: date) -> Progression | None:
    raw, path, stop = ep.raw.progression, ep.path, ep.raw.stop_reason
    date_path = f"{path}.progression.date"
    if raw == "none":
        if stop == "progression":
            raise CaseInputError(
                f"{path}.progression", f"{path}.progression: 'none' contradicts stop_reason progression"
            )
        if nxt is not None and nxt.raw.started_because == "progression":
            raise CaseInputError(
                f"{path}.progression",
                f"{path}.progression: 'none' contradicts {nxt.path}.started_because = progression",
            )
        return None
    if raw is not None:
        when = _recorded_date(ep, assessment)
        timing = raw.timing
        if timing is None and when is None and stop == "progression":
            timing = "on_treatment"
        if ep.ongoing and timing in ("within_60_days", "after_60_days"):
            raise CaseInputError(
                f"{path}.progression.timing",
                f"{path}.progression.timing: {timing!r} contradicts stop_reason 'ongoing' (the drug is still given)",
                "timing_contradicts_date",
            )
        if when is not None:
            _check_progression_date(ep, nxt, when, raw.timing)
        inputs = [p for p, v in ((date_path, raw.date), (f"{path}.progression.timing", raw.timing)) if v is not None]
        return Progression(
            ep.index, when or _window(ep, nxt, timing, assessment), timing,
            tuple(inputs or [f"{path}.progression"]), date_path, "recorded",
        )
    if stop == "progression":
        return Progression(ep.index, ep.end, "on_treatment", (f"{path}.stop_reason",), date_path, "stop_reason")
    if nxt is not None and nxt.raw.started_because == "progression":
        return Progression(
            ep.index, _window(ep, nxt, None, assessment), None, (f"{nxt.path}.started_because",), date_path,
            "next_episode",
        )
    return None


def resolve_history(case: CaseInput, names: Names, assessment: date) -> History:
    """Episodes with their drugs, dates and progressions; raises :class:`CaseInputError`."""
    warnings: list[str] = []
    eps: list[Ep] = []
    for i, raw in enumerate(case.treatment_history):
        path = f"treatment_history.{i}"
        regimen, drugs = _resolve_drugs(raw, path, names, warnings)
        if raw.role in SCT_ROLES and raw.regimen is None and raw.drugs is None:
            warnings.append(f"{path}: {raw.role} without drugs" + (" is counted as melphalan" if drugs else ""))
        eps.append(Ep(
            index=i,
            id=raw.id or str(i + 1),
            raw=raw,
            regimen=regimen,
            drugs=drugs,
            start=_date(raw.start, f"{path}.start", assessment),
            end=_date(raw.end, f"{path}.end", assessment),
            classes={d: tuple(names.drugs[d].classes) for d in drugs},
        ))
    seen: set[str] = set()
    for ep in eps:
        if ep.id in seen:
            raise CaseInputError(f"{ep.path}.id", f"{ep.path}.id: {ep.id!r} is already the id of an earlier episode")
        seen.add(ep.id)
    _check_order(eps)
    for ep in eps:
        nxt = eps[ep.index + 1] if ep.index + 1 < len(eps) else None
        ep.progression = _progression(ep, nxt, assessment)
    return History(eps, assessment, names, warnings)


def best_response_at_least_mr(ep: Ep) -> bool | None:
    """Minimal response or better on the episode; None when the best response is unknown."""
    if ep.raw.best_response is None:
        return None
    return ep.raw.best_response not in NONRESPONSE


def reaches_end(prog: Progression, ep: Ep) -> bool:
    """The progression lies at or after the last dose of its episode ``ep``."""
    return (
        prog.how in ("stop_reason", "next_episode")
        or prog.timing in ("within_60_days", "after_60_days")
        or (prog.how == "recorded" and prog.timing is None and ep.raw.stop_reason in ENDED_WITHOUT_PROGRESSION)
    )
