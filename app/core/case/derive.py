"""One case in, every derived fact, calculator result and the figure out (contract case.md §5).

``evaluate_case`` validates the input, resolves the history, applies the rules of ``lines``,
``refractoriness`` and ``timings``, runs the calculators and passes every non-null fact of the
routed figure's vocabulary to the flowchart engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from app.core.case import lines as lot
from app.core.case import refractoriness as ref
from app.core.case import timings
from app.core.case.calculators import run_calculators
from app.core.case.errors import CaseInputError, from_validation_error
from app.core.case.fact import Fact, entered, known, not_applicable, unknown
from app.core.case.history import History, resolve_history
from app.core.case.model import CaseInput, check_case
from app.core.case.routing import FigureChoice, route
from app.core.content.models import Glossary
from app.core.flowchart.conditions import Condition
from app.core.flowchart.engine import Evaluation, FactsError, evaluate
from app.core.flowchart.exposure import Names
from app.core.flowchart.facts import FACT_MODELS
from app.core.flowchart.local import LocalFormulary
from app.core.flowchart.model import Figure

#: the names ``derived`` always holds (contract §5), then the pass-through facts
DERIVED_NAMES = (
    "prior_lines", "line", "decision", "disease_state", "drug_status", "class_status", "lenalidomide_status",
    "bortezomib_status", "anti_cd38_status", "triple_class_exposed", "triple_class_refractory", "prior_bcma_therapy",
    "refractory_to", "prior_asct", "prior_asct_then_len_maintenance", "initial_remission_months",
    "ttp_after_asct_years", "anti_cd38_free_interval_months", "previously_received", "imwg_frailty_score",
    "high_risk", "induction_regimen", "induction_cycles",
)
PASS_THROUGH = {
    "age": "patient.age",
    "asct_eligible": "patient.asct_eligible",
    "car_t_eligible": "patient.car_t_eligible",
    "unavailable": "context.unavailable",
    "local_available": "context.local_available",
    "first_option_available": "context.first_option_available",
    "limited_access_to_novel_regimens": "context.limited_access_to_novel_regimens",
    "anti_cd38_retreatment_only_option": "context.anti_cd38_retreatment_only_option",
}


class CaseEvaluation(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    case_version: int
    assessment_date: str
    derived: dict[str, Fact]
    lines: list[dict[str, Any]]
    calculators: dict[str, dict[str, Any]]
    figure: FigureChoice
    flow: Evaluation | None
    warnings: list[str]


def parse_case(raw: Any) -> CaseInput:
    """The validated case; :class:`CaseInputError` names the first offending input path."""
    if not isinstance(raw, Mapping):
        raise CaseInputError("input", "the case must be a JSON object (see mmguide case --schema)", "invalid_input")
    try:
        case = CaseInput.model_validate(dict(raw))
    except ValidationError as exc:
        raise from_validation_error(exc, CaseInput) from None
    check_case(case)
    return case


def _check_unavailable(case: CaseInput, names: Names) -> None:
    """``context.unavailable`` and ``context.local_available`` name regimens, drugs, brands or classes."""
    given = [("unavailable", case.context.unavailable), ("local_available", case.context.local_available)]
    for key, values in given:
        _check_names(f"context.{key}", values or [], names)


def _check_names(path: str, values: list[str], names: Names) -> None:
    for i, name in enumerate(values):
        if names.resolve(name) is None:
            raise CaseInputError(
                f"{path}.{i}",
                f"{path}.{i}: unknown name {name!r}; accepted: the guideline's regimen abbreviations "
                "(e.g. cilta-cel, BelaVd), drug or brand names (e.g. daratumumab, Carvykti) or classes (anti-CD38, PI, "
                "IMiD, car-t, adc, bispecific)",
                "unknown_regimen",
            )


# -- facts from the calculators and the inputs ----------------------------------------------------------

def _calc_fact(calc: Mapping[str, Any], key: str, rule: str) -> Fact:
    if "not_applicable" in calc:
        return not_applicable(str(calc["not_applicable"]))
    if "result" not in calc:
        return unknown(calc.get("missing", []), rule)
    value = calc["result"].get(key)
    given = [path for name, path in calc["from_case"].items() if calc["inputs"].get(name) is not None]
    source = calc["references"][0] if calc.get("references") else calc["calculator"]
    if value is None:
        untested = calc["result"].get("untested_markers_that_could_change_the_answer", [])
        return unknown([calc["from_case"].get(m, m) for m in untested], rule, source, given)
    return known(value, given, f"{rule}: {calc.get('headline') or value}", source)


def _previously_received(history: History) -> Fact:
    """Every episode's regimen abbreviation, or its drugs when no regimen was named (contract §3)."""
    names = list(dict.fromkeys(n for ep in history.episodes for n in ep.label))
    inputs = [f"{ep.path}.{'regimen' if ep.regimen else 'drugs'}" for ep in history.episodes]
    return known(names, inputs, "every episode's regimen, or its drugs when no regimen was named", "treatment history")


def _induction(history: History, lines: lot.Lines) -> tuple[Fact, Fact]:
    """The induction of line 1 (Fig. 1's ``induction_regimen`` and ``induction_cycles``)."""
    if not history.episodes:
        why = "no treatment yet"
        return not_applicable(why), not_applicable(why)
    first = next((ep for ep in history.episodes if ep.raw.role == "induction"
                  and (ep.index == 0 or lines.same_line(0, ep.index) is True)), None)
    if first is None:
        why = "no induction episode in line 1"
        return not_applicable(why), not_applicable(why)
    source = "treatment history (Fig. 1: consolidation depends on the induction given)"
    regimen = (known(first.regimen, [f"{first.path}.regimen"], f"induction of line 1 ({first.id})", source)
               if first.regimen else unknown([f"{first.path}.regimen"], "induction of line 1"))
    cycles = (known(first.raw.cycles, [f"{first.path}.cycles"], f"induction of line 1 ({first.id})", source)
              if first.raw.cycles else unknown([f"{first.path}.cycles"], "induction of line 1"))
    return regimen, cycles


def _derived(case: CaseInput, history: History, lines: lot.Lines,
             calcs: Mapping[str, Mapping[str, Any]]) -> dict[str, Fact]:
    decided = lot.decision(history)
    prior = lot.prior_lines(history, lines, decided)
    statuses = ref.all_drug_statuses(history, lines)
    induction_regimen, induction_cycles = _induction(history, lines)
    facts = {
        "prior_lines": prior,
        "line": lot.line_being_chosen(prior),
        "decision": decided,
        "disease_state": ref.disease_state(history, lines),
        "drug_status": ref.drug_status_fact(statuses),
        "class_status": ref.class_status_fact(statuses, history),
        "lenalidomide_status": ref.one_drug_fact("lenalidomide", statuses, history, lines),
        "bortezomib_status": ref.one_drug_fact("bortezomib", statuses, history, lines),
        "anti_cd38_status": ref.anti_cd38_status(statuses, history),
        "triple_class_exposed": ref.triple_class_exposed(history),
        "triple_class_refractory": ref.triple_class_refractory(statuses, history),
        "prior_bcma_therapy": ref.prior_bcma_therapy(history),
        "refractory_to": ref.refractory_to(statuses, history),
        "prior_asct": timings.prior_asct(history),
        "prior_asct_then_len_maintenance": timings.prior_asct_then_len_maintenance(history, lines),
        "initial_remission_months": timings.initial_remission_months(history, lines),
        "ttp_after_asct_years": timings.ttp_after_asct_years(history),
        "anti_cd38_free_interval_months": timings.anti_cd38_free_interval_months(history),
        "previously_received": _previously_received(history),
        "imwg_frailty_score": _calc_fact(calcs["imwg-frailty"], "points", "imwg-frailty points"),
        "high_risk": _calc_fact(calcs["high-risk"], "high_risk", "high-risk (IMS–IMWG 2024, Box 1)"),
        "induction_regimen": induction_regimen,
        "induction_cycles": induction_cycles,
    }
    context, patient = case.context, case.patient
    values = {
        "age": patient.age, "asct_eligible": patient.asct_eligible, "car_t_eligible": patient.car_t_eligible,
        "unavailable": context.unavailable, "local_available": context.local_available,
        "first_option_available": context.first_option_available,
        "limited_access_to_novel_regimens": context.limited_access_to_novel_regimens,
        "anti_cd38_retreatment_only_option": context.anti_cd38_retreatment_only_option,
    }
    facts.update({name: entered(values[name], path) for name, path in PASS_THROUGH.items()})
    return facts


# -- the figure -------------------------------------------------------------------------------------------

def _fact_tests(obj: Any, out: dict[str, list[Condition]]) -> None:
    """Every single-fact test anywhere in a figure (questions, items, evidence rules, notes)."""
    if isinstance(obj, Condition):
        if obj.fact is not None:
            out[obj.fact].append(obj)
        for child in [*(obj.all or []), *(obj.any or []), *([obj.not_] if obj.not_ else [])]:
            _fact_tests(child, out)
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            _fact_tests(getattr(obj, name), out)
    elif isinstance(obj, list | tuple):
        for item in obj:
            _fact_tests(item, out)
    elif isinstance(obj, dict):
        for item in obj.values():
            _fact_tests(item, out)


def _settle_ranges(figure: Figure, derived: dict[str, Fact]) -> None:
    """A fact known only as a range still answers the figure when every comparison the figure
    makes with it comes out the same over the whole range (TIME: "a comparison is decided only if
    it holds for every day covered"); its lower bound is then passed."""
    tests: dict[str, list[Condition]] = defaultdict(list)
    _fact_tests(figure, tests)
    for name, fact in derived.items():
        if fact.value is not None or not fact.range or name not in tests or fact.range[0] is None:
            continue
        low, high = fact.range
        ends = [low, high if high is not None else float("inf")]
        if all(len({t.evaluate({name: end}) for end in ends}) == 1 for t in tests[name]):
            shown = "; ".join(t.describe() for t in tests[name])
            fact.passed_to_figure = low
            fact.notes = [*fact.notes, f"Passed to {figure.id} as {low} (its lower bound): each comparison of "
                          f"{figure.id} with it ({shown}) gives the same answer over the whole range."]


def figure_facts(figure: Figure, derived: Mapping[str, Fact], warnings: list[str]) -> dict[str, Any]:
    """Every non-null derived fact in the figure's vocabulary; a value the figure cannot take is left
    out with a warning."""
    model = FACT_MODELS[figure.id]
    out: dict[str, Any] = {}
    for name in model.model_fields:
        fact = derived.get(name)
        if fact is None:
            continue
        value = fact.value if fact.value is not None else fact.passed_to_figure
        if value is None:
            continue
        try:
            model.model_validate({name: value})
        except ValidationError as exc:
            warnings.append(f"{name} = {value!r} is not a value {figure.id} takes ({exc.errors()[0]['msg']}); left out")
            continue
        out[name] = value
    return out


def _flow(figure: Figure, facts: dict[str, Any], glossary: Glossary, local: LocalFormulary | None) -> Evaluation:
    try:
        return evaluate(figure, facts, glossary, local)
    except FactsError as err:
        top = err.field.split(".")[0]
        path = PASS_THROUGH.get(top, f"derived.{top}")
        rest = err.field[len(top):]
        raise CaseInputError(path + rest, f"{path + rest}: {err.message}", "inconsistent_case") from None


def _warnings(case: CaseInput, history: History, lines: lot.Lines) -> list[str]:
    out = list(history.warnings)
    out += [f"treatment_history.{b.index}.new_line: {b.why} (LOT-0 decides instead of the line rules)"
            for b in lines.boundaries if b.rule == "LOT-0"]
    return out


def evaluate_case(
    raw: Any, glossary: Glossary, figure_of: Callable[[str], Figure], today: date, local: LocalFormulary | None = None
) -> CaseEvaluation:
    """The whole evaluation of one case; raises :class:`CaseInputError` (exit 2 on the CLI).

    ``local`` is the installed local layer's formulary (None: no layer), passed to the figure exactly as
    ``mmguide flow`` passes it, with ``context.local_available`` as the figure's ``local_available``
    (contract shared/contracts/local.md, "Where local material appears")."""
    case = parse_case(raw)
    warnings: list[str] = []
    if case.assessment_date is None:
        assessment = today
        warnings.append(f"assessment_date not given: today's date ({today.isoformat()}) is used")
    else:
        assessment = date.fromisoformat(case.assessment_date)
    names = Names(glossary)
    _check_unavailable(case, names)
    history = resolve_history(case, names, assessment)
    lines = lot.derive_lines(history)
    warnings += _warnings(case, history, lines)
    calcs = run_calculators(case, warnings)
    derived = _derived(case, history, lines, calcs)
    choice = route(derived["prior_lines"], case.diagnosis)
    flow = None
    if choice.id is not None:
        figure = figure_of(choice.id)
        _settle_ranges(figure, derived)
        facts = figure_facts(figure, derived, warnings)
        if case.context.local_available:
            facts["local_available"] = list(case.context.local_available)
        flow = _flow(figure, facts, glossary, local)
    return CaseEvaluation(
        case_version=case.case_version,
        assessment_date=assessment.isoformat(),
        derived=derived,
        lines=lot.line_groups(history, lines),
        calculators=calcs,
        figure=choice,
        flow=flow,
        warnings=warnings,
    )
