"""Words and plain text of a calculator result, shared by the CLI's ``--text`` and the GUI.

One rendering for both faces: field labels (each calculator's own, from its registration), enum
labels, the inputs as the user entered them with the canonical value beside ("Creatinine: 120 µmol/L
(≈ 1.36 mg/dL)"), and the whole result as plain text (title, headline, inputs, schedule,
interpretation, explanation, warnings, references). Works on the JSON form of a result
(``CalcResult.model_dump(mode="json")``).

Rounding of the canonical value beside an entered one: 3 significant figures, prefixed "≈" when
the rounding changed it (``app.core.units.display_canonical``); the calculators themselves use
the unrounded value.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from app.core.calculators.base import REGISTRY, Calculator
from app.core.units import display_canonical, number_text

#: readable labels for enum values (anything else: underscores become spaces)
ENUM_LABELS: dict[str, str] = {
    "awakens_spontaneously": "awakens spontaneously",
    "awakens_to_voice": "awakens to voice",
    "awakens_to_tactile": "awakens only to tactile stimulus",
    "rapidly_resolving": "clinical seizure, resolving rapidly",
    "eeg_nonconvulsive_resolving": "non-convulsive seizure on EEG, resolving with intervention",
    "prolonged_or_repetitive": "prolonged (> 5 min) or repetitive seizures",
    "cn_vi_palsy": "cranial nerve VI palsy",
    "cushings_triad": "Cushing's triad",
    "high_flow_nasal_cannula": "high-flow nasal cannula",
    "nasal_cannula": "nasal cannula",
    "blow_by": "blow-by",
    "non_rebreather": "non-rebreather mask",
    "cpap": "CPAP",
    "bipap": "BiPAP",
    "mechanical_ventilation": "mechanical ventilation",
    "moderate_severe": "moderate–severe",
    "end_organ_damage": "with end-organ damage",
    "localized": "localised (within 5 years)",
    "eu": "EU (SmPC)",
    "us": "US (label)",
    "mosteller": "Mosteller",
    "dubois": "DuBois",
    "talquetamab-weekly": "talquetamab, weekly",
    "talquetamab-biweekly": "talquetamab, every 2 weeks",
}

#: fields where null means "not tested" (a laboratory or genetic test); elsewhere "not given"
TESTED_FIELDS = frozenset(
    {
        "b2m",
        "creatinine",
        "ldh_above_uln",
        "del17p",
        "del17p_ccf_pct",
        "tp53_mutation",
        "t_4_14",
        "t_14_16",
        "t_14_20",
        "gain_1q",
        "del1p32",
        "fish_abnormality",
    }
)
NOT_TESTED = "not tested"
NOT_GIVEN = "not given"

def enum_label(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return ENUM_LABELS.get(text, text.replace("_", " "))


def format_value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:g}" if abs(v) < 1e6 else f"{v:.6g}"
    if isinstance(v, dict) and set(v) == {"value", "unit"}:
        return f"{format_value(v['value'])} {v['unit']}"
    if isinstance(v, list | tuple):
        return ", ".join(format_value(x) for x in v) or "none"
    return str(v)


def quantity_text(entered: Mapping[str, Any] | None, canonical: Mapping[str, Any] | None) -> str:
    """ "120 µmol/L (≈ 1.36 mg/dL)" when entered in another unit than the canonical one, else
    "1.2 mg/dL"."""
    if canonical is None:
        return NOT_GIVEN
    if not entered or entered.get("unit") == canonical.get("unit"):
        return f"{number_text(float(canonical['value']))} {canonical['unit']}"
    beside = display_canonical(float(canonical["value"]))
    return f"{number_text(float(entered['value']))} {entered['unit']} ({beside} {canonical['unit']})"


def _value_text(name: str, value: Any, entered: Mapping[str, Any] | None) -> str:
    if value is None:
        return NOT_TESTED if name in TESTED_FIELDS else NOT_GIVEN
    if isinstance(value, dict) and set(value) == {"value", "unit"}:
        return quantity_text(entered, value)
    if isinstance(value, str):
        return enum_label(value)
    if isinstance(value, list):
        return ", ".join(enum_label(v) for v in value) or "none"
    return format_value(value)


def calculator(calc_id: str) -> Calculator[Any]:
    """The registered calculator ``calc_id`` (KeyError for an unknown one: never a guessed label)."""
    import app.core.calculators.all  # noqa: F401  (registers every calculator)

    return REGISTRY[calc_id]


def input_rows(
    calc: Calculator[Any], inputs: Mapping[str, Any], entered: Mapping[str, Any] | None = None
) -> list[tuple[str, str]]:
    """The inputs, one readable row each, labelled by the calculator's own field labels:
    quantities as entered with the canonical value beside."""
    entered = entered or {}
    rows: list[tuple[str, str]] = []
    for name, value in inputs.items():
        label = calc.field_label(name)
        if isinstance(value, dict) and set(value) != {"value", "unit"}:
            for sub, sub_value in value.items():
                rows.append((f"{label} › {calc.field_label(sub)}", _value_text(sub, sub_value, None)))
        else:
            rows.append((label, _value_text(name, value, entered.get(name))))
    return rows


def step_day(d: Mapping[str, Any]) -> str:
    """The day column of a step: its treatment day, else how the label says when (e.g. "week 2")."""
    day = d.get("day")
    return str(day) if day is not None else str(d.get("when") or "not in the label text read")


def step_when(d: Mapping[str, Any]) -> str:
    """When a step is given, as the label says it ("day 4", "week 2"), never a bare missing day."""
    when = d.get("when")
    if when:
        return str(when)
    day = d.get("day")
    return f"day {day}" if day is not None else "day not in the label text read"


def schedule_rows(result: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Step-up schedule rows: day, step, dose, monitoring, premedication."""
    doses = result.get("doses")
    if not isinstance(doses, list):
        return []
    premed = result.get("premedication") or {}
    premed_text = "yes, see below" if premed.get("text") else ""
    rows = []
    for d in doses:
        status = d.get("monitoring_status")
        monitoring = d.get("monitoring", "")
        if status and status != "CONFIRMED":
            monitoring = f"{monitoring} [{status}]"
        rows.append((step_day(d), d.get("step", ""), f"{format_value(d.get('dose_mg'))} mg", monitoring, premed_text))
    return rows


def _para(prefix: str, text: str, width: int | None, indent: str = "") -> list[str]:
    line = f"{prefix}{text}"
    if width is None:
        return [indent + line]
    return textwrap.wrap(line, width=width, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def _section(title: str, lines: Sequence[str]) -> list[str]:
    """A heading with its lines, or nothing when there are none (no empty headings)."""
    return ["", title, *lines] if lines else []


def result_text(d: Mapping[str, Any], *, stamp: str = "", width: int | None = None) -> str:
    """The whole result as plain text; ``width`` wraps long lines (the CLI), None leaves them."""
    calc_id = str(d.get("calculator", ""))
    calc = calculator(calc_id)
    title = str(d.get("title") or calc.title)
    headline = str(d.get("headline") or calc.headline(d.get("result") or {}))
    out = [title, "=" * min(len(title), 72), "", *_para("Result: ", headline, width)]
    inputs = [f"  {label}: {value}" for label, value in input_rows(calc, d.get("inputs") or {}, d.get("entered"))]
    out += ["", "Inputs:", *(inputs or ["  (none)"])]
    result = d.get("result") or {}
    sched = []
    doses = result.get("doses") if isinstance(result, dict) else None
    for d, r in zip(doses or [], schedule_rows(result), strict=False):
        sched.append(f"  {step_when(d).capitalize()} ({r[1]}): {r[2]}; {r[3]}")
    premed = result.get("premedication") if isinstance(result, dict) else None
    if sched and isinstance(premed, dict) and premed.get("text"):
        sched.append(f"  Premedication: {premed['text']}")
    out += _section("Schedule:", sched)
    if d.get("interpretation"):
        out += ["", *_para("Interpretation: ", str(d["interpretation"]), width)]
    explanation = []
    unit = " points" if calc.scored else ""
    for row in d.get("explanation") or []:
        pts = f" [{format_value(row['points'])}{unit}]" if row.get("points") is not None else ""
        explanation += _para("", f"{row['item']}: {row['value']}{pts}", width, "  ")
    out += _section("Explanation:", explanation)
    warnings = []
    for w in d.get("warnings") or []:
        warnings += _para("! ", str(w), width, "  ")
    out += _section("Warnings:", warnings)
    refs = []
    for r in d.get("references") or []:
        refs += _para("- ", str(r), width, "  ")
    out += _section("Rule / references:", refs)
    out += ["", f"Calculator {calc_id} version {d.get('calculator_version', '')}"]
    if stamp:
        out.append(stamp)
    return "\n".join(out)
