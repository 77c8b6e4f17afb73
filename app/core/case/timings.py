"""Transplant and anti-CD38 timings (contract case.md §3, "Transplant and anti-CD38 timings").

Elapsed times use the calendar-month rule of ``dates``; with partial dates the value is a range
(null with ``range`` and the imprecise dates in ``missing``); without dates, elapsed time is at
least the summed ``duration_months`` of the episodes wholly between the two events.
"""

from __future__ import annotations

from app.core.case import sources
from app.core.case.dates import UNKNOWN, Bounds, DayRange, months_span
from app.core.case.fact import Fact, known, not_applicable, unknown
from app.core.case.history import Ep, History, Progression, reaches_end
from app.core.case.lines import Lines

LENALIDOMIDE = "lenalidomide"
ANTI_CD38 = "anti-CD38"


def _line_one(history: History, lines: Lines) -> tuple[list[Ep], bool]:
    """Episodes surely in line 1, and whether line 1 may go on past them (an open boundary)."""
    out: list[Ep] = []
    for ep in history.episodes:
        same = True if ep.index == 0 else lines.same_line(0, ep.index)
        if same is True:
            out.append(ep)
        else:
            return out, same is None
    return out, False


def prior_asct_then_len_maintenance(history: History, lines: Lines) -> Fact:
    """Line 1 has an ASCT followed, in the same line, by a maintenance episode containing
    lenalidomide (R, DaraR, IsaR).

    Guideline, RRMM › One prior line › Recommendations, bullet 6: "primary therapy including an
    ASCT followed by lenalidomide maintenance and had an initial remission duration of ≥ 36 months
    [panel consensus; III, C]".
    """
    line1, open_end = _line_one(history, lines)
    asct = next((ep for ep in line1 if ep.is_asct), None)
    inputs = [f"{ep.path}.role" for ep in line1]
    if asct is not None:
        after = line1[asct.index + 1 :]
        maint = next((ep for ep in after if ep.raw.role == "maintenance" and LENALIDOMIDE in ep.drugs), None)
        if maint is not None:
            notes = [sources.NOTE_LEN_MAINTENANCE] if maint.regimen != "R" else []
            return known(True, [f"{asct.path}.role", f"{maint.path}.role", f"{maint.path}.regimen"],
                         f"ASCT ({asct.id}) then lenalidomide maintenance ({maint.id}) in line 1",
                         sources.SECOND_LINE_ASCT, notes)
    if open_end:
        later = [f"treatment_history.{b.index}.started_because" for b in lines.boundaries if b.new_line is None]
        return unknown(later[:1], "line 1 not settled", sources.SECOND_LINE_ASCT, inputs)
    why = "no ASCT in line 1" if asct is None else "no lenalidomide maintenance after the ASCT in line 1"
    return known(False, inputs, why, sources.SECOND_LINE_ASCT)


def _first_progression_after(history: History, ep: Ep) -> Progression | None:
    return next((p for p in history.progressions if p.episode >= ep.index), None)


def _elapsed_months(history: History, start: Ep, prog: Progression) -> tuple[Bounds, list[str]]:
    """Months from ``start``'s (infusion) date to ``prog``, and the inputs missing for an exact value."""
    day = start.end or start.start
    span = months_span(day, prog.when) if day is not None and prog.when is not None else UNKNOWN
    floor = sum(history.episodes[i].floor_months() for i in range(start.index + 1, prog.episode))
    if prog.episode > start.index and reaches_end(prog, history.episodes[prog.episode]):
        floor += history.episodes[prog.episode].floor_months()
    span = span.raise_floor(floor if floor > 0 else None)
    missing = [] if day is not None and day.exact else [f"{start.path}.end"]
    if not prog.exact:
        missing.append(prog.date_path)
    return span, missing


def _months_fact(span: Bounds, missing: list[str], inputs: list[str], rule: str, source: str,
                 notes: list[str], scale: float = 1.0) -> Fact:
    if span.exact:
        assert span.lo is not None
        return known(round(span.lo / scale, 4), inputs, rule, source, notes)
    lo = None if span.lo is None else round(span.lo / scale, 4)
    hi = None if span.hi is None else round(span.hi / scale, 4)
    return unknown(missing, rule, source, inputs, [lo, hi], notes)


def initial_remission_months(history: History, lines: Lines) -> Fact:
    """First ASCT of line 1 → first progression after it, in months.

    Guideline, RRMM › One prior line › Recommendations, bullet 6 ("initial remission duration of
    ≥ 36 months"); the start point is not defined by the guideline (contract §7).
    """
    notes = [sources.NOTE_REMISSION_START]
    line1, _ = _line_one(history, lines)
    asct = next((ep for ep in line1 if ep.is_asct), None)
    if asct is None:
        return not_applicable("no ASCT in line 1", notes)
    prog = _first_progression_after(history, asct)
    if prog is None:
        return not_applicable(f"no progression recorded after the ASCT ({asct.id})", notes)
    span, missing = _elapsed_months(history, asct, prog)
    return _months_fact(span, missing, [f"{asct.path}.end", *prog.inputs],
                        f"first ASCT of line 1 ({asct.id}) → first progression after it", sources.SECOND_LINE_ASCT,
                        notes)


def ttp_after_asct_years(history: History) -> Fact:
    """Most recent ASCT → first progression after it, in years (months / 12).

    Guideline: melflufen "if the time to disease progression after ASCT is ≥ 3 years [I, B]";
    EMA indication as quoted by the guideline: "a time to progression of ≥ 3 years since ASCT".
    """
    ascts = [ep for ep in history.episodes if ep.is_asct]
    if not ascts:
        return not_applicable("no ASCT given")
    asct = ascts[-1]
    notes = [sources.NOTE_TTP_TWO_ASCT] if len(ascts) > 1 else []
    prog = _first_progression_after(history, asct)
    if prog is None:
        return not_applicable(f"no progression recorded after the most recent ASCT ({asct.id})", notes)
    span, missing = _elapsed_months(history, asct, prog)
    return _months_fact(span, missing, [f"{asct.path}.end", *prog.inputs],
                        f"most recent ASCT ({asct.id}) → first progression after it", sources.MELFLUFEN_TTP, notes,
                        scale=12.0)


def anti_cd38_free_interval_months(history: History) -> Fact:
    """Last anti-CD38 dose → ``assessment_date``, in months; 0 while one is being given.

    Guideline, RRMM › Two or more prior lines › Recommendations, bullet 2: "only after an anti-CD38
    antibody-free interval of ≥ 1 year [panel consensus; IV, C]".
    """
    with_cd38 = [ep for ep in history.episodes if any(ANTI_CD38 in ep.classes[d] for d in ep.drugs)]
    if not with_cd38:
        return not_applicable("no anti-CD38 antibody given")
    last = with_cd38[-1]
    rule = f"last anti-CD38 dose ({last.id}) → assessment_date"
    if last.ongoing:
        return known(0.0, [f"{last.path}.stop_reason"], f"{last.id} is ongoing: 0", sources.ANTI_CD38_INTERVAL)
    today = DayRange.day(history.assessment)
    if last.end is None:
        floor = sum(ep.floor_months() for ep in history.episodes[last.index + 1 :])
        return unknown([f"{last.path}.end"], rule, sources.ANTI_CD38_INTERVAL,
                       range_=[round(floor, 4) if floor else 0.0, None])
    span = months_span(last.end, today)
    return _months_fact(span, [f"{last.path}.end"], [f"{last.path}.end", "assessment_date"], rule,
                        sources.ANTI_CD38_INTERVAL, [])


def prior_asct(history: History) -> Fact:
    """Any ASCT in the history (role asct, or HDM-ASCT / tandem ASCT / second-line ASCT)."""
    ascts = [ep for ep in history.episodes if ep.is_asct]
    inputs = [f"{ep.path}.role" for ep in (ascts or history.episodes)]
    rule = f"ASCT on {', '.join(ep.id for ep in ascts)}" if ascts else "no ASCT in the history"
    return known(bool(ascts), inputs, rule, "treatment history")
