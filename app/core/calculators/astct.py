"""ASTCT 2019 consensus grading of CRS and ICANS, and the ICE score (Lee et al. 2019).

Calculators ``ice``, ``crs-grade`` and ``icans-grade`` (shared/contracts/cli.md). The rules
follow the consensus tables as compiled in shared/reference/scoring-rules.md §9:

- CRS needs fever ≥ 38.0 °C (°F converted), unless antipyretic or anti-cytokine therapy has
  already been given (``fever_masked``); grading is then driven by hypotension and hypoxia.
  The grade is the worse of hypotension (no vasopressor 2, one vasopressor 3, ≥ 2 vasopressors
  excluding vasopressin 4) and hypoxia (low-flow nasal cannula ≤ 6 L/min or blow-by 2;
  nasal cannula > 6 L/min, high-flow nasal cannula, facemask, non-rebreather, Venturi 3;
  CPAP, BiPAP, mechanical ventilation 4).
- ICANS is the worst of five domains: ICE (7–9 → 1, 3–6 → 2, 0–2 → 3, unarousable → 4),
  depressed consciousness, seizure, motor findings, raised intracranial pressure / oedema.

Management for each grade (the guideline's Box 3) is shown by ``mmguide toxicity``, not here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictInt

from app.core.calculators.base import (
    CalcInput,
    CalcInputError,
    CalcResult,
    Calculator,
    ExplanationRow,
    register,
)
from app.core.calculators.labels import labels
from app.core.units import OXYGEN_FLOW, TEMPERATURE, Quantity

VERSION = "1.0.0"

LEE_2019 = (
    "Lee DW, Santomasso BD, Locke FL, Ghobadi A, Turtle CJ, Brudno JN, et al. ASTCT consensus grading for "
    "cytokine release syndrome and neurologic toxicity associated with immune effector cells. Biol Blood Marrow "
    "Transplant. 2019;25(4):625–638. doi:10.1016/j.bbmt.2018.12.758"
)
GUIDELINE = (
    "Dimopoulos MA, Terpos E, Boccadoro M, et al. EHA–EMN Evidence-Based Guidelines for diagnosis, treatment and "
    "follow-up of patients with multiple myeloma. Nat Rev Clin Oncol. 2025. doi:10.1038/s41571-025-01041-x (Box "
    "3: management by grade; shown by `mmguide toxicity`)"
)

FEVER_C = 38.0
LOW_FLOW_MAX_L_MIN = 6.0






if TYPE_CHECKING:
    Temperature = float
    OxygenFlow = float
else:
    Temperature = Quantity(TEMPERATURE)
    OxygenFlow = Quantity(OXYGEN_FLOW)


def _fmt(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _management(syndrome: str, grade: int) -> str:
    if grade == 0:
        return f"no {syndrome.upper()} grade: no management panel applies (see `mmguide toxicity {syndrome}`)"
    return (
        f"the guideline's Box 3 management for grade {grade} {syndrome.upper()} is shown by `mmguide toxicity "
        f"{syndrome} --grade {grade}`"
    )


# ---------------------------------------------------------------------------------------------
# ICE score
# ---------------------------------------------------------------------------------------------

ICE_ITEMS: dict[str, tuple[int, str]] = {
    "orientation": (4, "orientation to year, month, city, hospital (1 point each)"),
    "naming": (3, "names 3 objects, e.g. clock, pen, button (1 point each)"),
    "commands": (1, "follows simple commands, e.g. 'show me 2 fingers'"),
    "writing": (1, "writes a standard sentence"),
    "attention": (1, "counts backwards from 100 by 10"),
}


def ice_domain_grade(score: int) -> int:
    """ICANS grade implied by an ICE score of a patient able to take the test (0–2 → 3)."""
    if score >= 10:
        return 0
    if score >= 7:
        return 1
    if score >= 3:
        return 2
    return 3


class IceInput(CalcInput):
    orientation: Annotated[StrictInt, Field(ge=0, le=4, description="0–4: year, month, city, hospital")]
    naming: Annotated[StrictInt, Field(ge=0, le=3, description="0–3: names three objects")]
    commands: Annotated[StrictInt, Field(ge=0, le=1, description="0–1: follows simple commands")]
    writing: Annotated[StrictInt, Field(ge=0, le=1, description="0–1: writes a standard sentence")]
    attention: Annotated[StrictInt, Field(ge=0, le=1, description="0–1: counts back from 100 by 10")]


def compute_ice(inp: IceInput) -> CalcResult:
    values = {name: int(getattr(inp, name)) for name in ICE_ITEMS}
    score = sum(values.values())
    grade = ice_domain_grade(score)
    explanation = [
        ExplanationRow(item=f"{name}: {text}", value=f"{values[name]}/{maximum}", points=values[name])
        for name, (maximum, text) in ICE_ITEMS.items()
    ]
    explanation.append(ExplanationRow(item="ICE score", value=f"{score}/10", points=score))
    band = {0: "10 (no impairment)", 1: "7–9", 2: "3–6", 3: "0–2"}[grade]
    explanation.append(
        ExplanationRow(item="ICANS grade implied by the ICE domain", value=f"ICE {band} → grade {grade}", points=grade)
    )
    warnings: list[str] = []
    if score == 0:
        warnings.append(
            "ICE 0: grade 3 if the patient is awake (e.g. global aphasia); grade 4 if the patient is unarousable "
            "and cannot perform ICE — use icans-grade with consciousness"
        )
    interpretation = (
        f"ICE score {score}/10"
        + ("; no impairment on ICE." if grade == 0 else f"; on its own this implies ICANS grade {grade}.")
        + " The ICANS grade is the worst of five domains (ICE, level of consciousness, seizure, motor "
        "findings, raised intracranial pressure/cerebral oedema): use icans-grade for the full grade. ICE "
        "applies to adults and children ≥ 12 years (CAPD is used below 12)."
    )
    return CalcResult(
        calculator="ice",
        result={"score": score, "icans_grade_implied": grade, "items": values},
        inputs=dict(values),
        explanation=explanation,
        interpretation=interpretation,
        warnings=warnings,
        references=[LEE_2019],
        calculator_version=VERSION,
    )


# ---------------------------------------------------------------------------------------------
# CRS
# ---------------------------------------------------------------------------------------------

OxygenDevice = Literal[
    "none",
    "nasal_cannula",
    "blow_by",
    "high_flow_nasal_cannula",
    "facemask",
    "non_rebreather",
    "venturi",
    "cpap",
    "bipap",
    "mechanical_ventilation",
]

DEVICE_GRADE: dict[str, int] = {
    "none": 0,
    "blow_by": 2,
    "high_flow_nasal_cannula": 3,
    "facemask": 3,
    "non_rebreather": 3,
    "venturi": 3,
    "cpap": 4,
    "bipap": 4,
    "mechanical_ventilation": 4,
}
DEVICE_LABEL: dict[str, str] = {
    "none": "no supplemental oxygen",
    "nasal_cannula": "nasal cannula",
    "blow_by": "blow-by oxygen",
    "high_flow_nasal_cannula": "high-flow nasal cannula",
    "facemask": "facemask",
    "non_rebreather": "non-rebreather mask",
    "venturi": "Venturi mask",
    "cpap": "CPAP (positive pressure)",
    "bipap": "BiPAP (positive pressure)",
    "mechanical_ventilation": "intubation and mechanical ventilation (positive pressure)",
}


class CrsInput(CalcInput):
    temperature: Temperature | None = Field(
        default=None, description="highest recent temperature (°C or °F); may be null only if fever_masked"
    )
    fever_masked: StrictBool = Field(
        default=False, description="antipyretic or anti-cytokine therapy (e.g. tocilizumab, steroids) given"
    )
    hypotension: StrictBool = False
    vasopressors: Annotated[StrictInt, Field(ge=0, le=10)] = Field(
        default=0, description="number of vasopressors needed, NOT counting vasopressin"
    )
    vasopressin: StrictBool = Field(
        default=False, description="vasopressin given (counts as a vasopressor only when it is the only one)"
    )
    oxygen_device: OxygenDevice = "none"
    oxygen_flow: OxygenFlow | None = Field(default=None, description="L/min; required with nasal_cannula")


def hypoxia_grade(device: str, flow: float | None) -> int:
    if device == "nasal_cannula":
        if flow is None:  # guarded by the caller
            raise CalcInputError("oxygen_flow", "oxygen_flow is required with a nasal cannula")
        return 2 if flow <= LOW_FLOW_MAX_L_MIN else 3
    return DEVICE_GRADE[device]


def hypotension_grade(hypotension: bool, vasopressors: int, vasopressin: bool) -> int:
    if vasopressors >= 2:
        return 4
    if vasopressors == 1 or vasopressin:
        return 3
    return 2 if hypotension else 0


def compute_crs(inp: CrsInput) -> CalcResult:
    if inp.temperature is None and not inp.fever_masked:
        raise CalcInputError(
            "temperature",
            "temperature is required (°C or °F; fever ≥ 38.0 °C defines CRS) unless fever_masked is true",
            "missing_field",
        )
    flow = None if inp.oxygen_flow is None else round(inp.oxygen_flow, 2)  # decided on the value shown
    if inp.oxygen_device == "nasal_cannula":
        if flow is None:
            raise CalcInputError(
                "oxygen_flow",
                "oxygen_flow (L/min) is required with a nasal cannula: ≤ 6 L/min is low-flow (grade 2), > 6 "
                "L/min is high-flow (grade 3)",
                "missing_field",
            )
        if flow <= 0:
            raise CalcInputError(
                "oxygen_flow",
                "oxygen_flow must be above 0 L/min with a nasal cannula (accepted 0–100 L/min); choose "
                "oxygen_device 'none' if no oxygen is given",
            )
    if inp.oxygen_device == "none" and flow is not None and flow > 0:
        raise CalcInputError(
            "oxygen_device",
            f"oxygen_flow {_fmt(flow)} L/min was given but oxygen_device is 'none': name the device",
        )

    warnings: list[str] = []
    explanation: list[ExplanationRow] = []
    temp = inp.temperature
    if temp is not None:
        temp = round(temp, 2)  # decide on the value shown (0.01 °C), so "38 °C" is never "no fever"
    fever = temp is not None and temp >= FEVER_C
    if temp is None:
        explanation.append(ExplanationRow(item="Temperature", value="not given (fever masked)", points=None))
    else:
        explanation.append(
            ExplanationRow(
                item="Temperature (fever is ≥ 38.0 °C = 100.4 °F)",
                value=f"{_fmt(temp)} °C ({_fmt(temp * 9 / 5 + 32)} °F): {'fever' if fever else 'no fever'}",
                points=1 if fever else 0,
            )
        )
        if not fever and temp >= 37.8:
            warnings.append(f"temperature {_fmt(temp)} °C is just below the 38.0 °C fever threshold: re-measure")
    explanation.append(
        ExplanationRow(
            item="Fever masked (antipyretic or anti-cytokine therapy already given)",
            value=("yes: fever no longer required; graded by hypotension and hypoxia" if inp.fever_masked else "no"),
            points=None,
        )
    )

    hypo = inp.hypotension
    if (inp.vasopressors > 0 or inp.vasopressin) and not hypo:
        hypo = True
        warnings.append(
            "hypotension was not ticked but a vasopressor was given: graded as hypotension requiring vasopressors"
        )
    hyp_grade = hypotension_grade(hypo, inp.vasopressors, inp.vasopressin)
    if inp.vasopressors >= 2:
        hyp_text = f"{inp.vasopressors} vasopressors (vasopressin not counted): multiple vasopressors → 4"
    elif inp.vasopressors == 1:
        hyp_text = "one vasopressor" + (" plus vasopressin" if inp.vasopressin else "") + " → 3"
    elif inp.vasopressin:
        hyp_text = "vasopressin as the only vasopressor: one vasopressor → 3"
    elif hypo:
        hyp_text = "hypotension not requiring vasopressors → 2"
    else:
        hyp_text = "no hypotension → 0"
    explanation.append(ExplanationRow(item="Hypotension", value=hyp_text, points=hyp_grade))
    explanation.append(
        ExplanationRow(
            item="Vasopressor count",
            value=(
                f"{inp.vasopressors} (the count excludes vasopressin: vasopressin with one other vasopressor is "
                "still grade 3; two non-vasopressin vasopressors are grade 4)"
            ),
            points=None,
        )
    )

    ox_grade = hypoxia_grade(inp.oxygen_device, flow)
    label = DEVICE_LABEL[inp.oxygen_device]
    if inp.oxygen_device == "nasal_cannula":
        assert flow is not None
        kind = "low-flow (≤ 6 L/min)" if ox_grade == 2 else "high-flow (> 6 L/min)"
        ox_text = f"{label} at {_fmt(flow)} L/min: {kind} → {ox_grade}"
        if abs(flow - LOW_FLOW_MAX_L_MIN) <= 0.5:
            warnings.append(
                f"oxygen flow {_fmt(flow)} L/min is at the ASTCT low/high-flow boundary: exactly 6 L/min is "
                "low-flow (grade 2), above 6 L/min is high-flow (grade 3)"
            )
    else:
        ox_text = f"{label} → {ox_grade}"
        if flow is not None and inp.oxygen_device != "none":
            ox_text += f" (flow {_fmt(flow)} L/min recorded; the device sets the grade)"
        if inp.oxygen_device == "high_flow_nasal_cannula" and flow is not None and flow <= LOW_FLOW_MAX_L_MIN:
            warnings.append(
                f"high-flow nasal cannula selected at {_fmt(flow)} L/min: ASTCT defines high-flow as > 6 L/min; "
                "graded 3 by the device selected — check whether this is a standard nasal cannula (grade 2)"
            )
    explanation.append(ExplanationRow(item="Hypoxia (oxygen requirement)", value=ox_text, points=ox_grade))

    graded = fever or inp.fever_masked
    grade = max(1 if fever else 0, hyp_grade, ox_grade) if graded else 0

    drivers: list[str] = []
    if grade > 0:
        if hyp_grade == grade:
            drivers.append("hypotension")
        if ox_grade == grade:
            drivers.append("hypoxia")
        if not drivers:
            drivers.append("fever")

    if grade == 0 and not fever and not inp.fever_masked:
        interpretation = (
            "No CRS by ASTCT criteria (grade 0): fever ≥ 38.0 °C is required for CRS, and no antipyretic or "
            "anti-cytokine therapy has been given that would mask it."
        )
        if hyp_grade or ox_grade:
            warnings.append(
                "hypotension or hypoxia without fever is not graded as CRS by ASTCT: if antipyretic or "
                "anti-cytokine therapy (tocilizumab, steroids) has already been given, set fever_masked; "
                "otherwise look for another cause"
            )
    elif grade == 0:
        interpretation = (
            "Fever is masked and there is no hypotension and no hypoxia: ASTCT grades masked CRS by hypotension "
            "and hypoxia only, so no grade is assigned (grade 0). Whether grade 1 CRS persists is a clinical "
            "judgement."
        )
        warnings.append(
            "fever masked with neither hypotension nor hypoxia: reported as grade 0; a patient still being "
            "treated for CRS may clinically be grade 1"
        )
    else:
        why = " and ".join(drivers)
        interpretation = (
            f"ASTCT grade {grade} CRS, set by {why}"
            + (" (fever masked by antipyretic/anti-cytokine therapy)" if not fever else "")
            + ". The grade is the worse of hypotension and hypoxia; organ toxicities (graded with "
            "CTCAE v5.0) do not change it. " + _sentence(_management("crs", grade)) + "."
        )
    interpretation += " Fever must not be attributable to another cause. Grade 5 (death from CRS) is not computed here."

    grade_name = "no CRS (grade 0)" if grade == 0 else f"grade {grade} CRS"
    inputs: dict[str, Any] = {
        "temperature": None if temp is None else {"value": temp, "unit": "°C"},
        "fever_masked": inp.fever_masked,
        "hypotension": inp.hypotension,
        "vasopressors": inp.vasopressors,
        "vasopressin": inp.vasopressin,
        "oxygen_device": inp.oxygen_device,
        "oxygen_flow": None if flow is None else {"value": flow, "unit": "L/min"},
    }
    return CalcResult(
        calculator="crs-grade",
        result={
            "grade": grade,
            "grade_name": grade_name,
            "determined_by": drivers,
            "fever": fever,
            "hypotension_grade": hyp_grade if graded else 0,
            "hypoxia_grade": ox_grade if graded else 0,
            "management": _management("crs", grade),
        },
        inputs=inputs,
        explanation=explanation,
        interpretation=interpretation,
        warnings=warnings,
        references=[LEE_2019, GUIDELINE],
        calculator_version=VERSION,
    )


# ---------------------------------------------------------------------------------------------
# CRS from an incomplete form: the lower bound the answers already decide
# ---------------------------------------------------------------------------------------------

#: What gives each CRS grade above 1 (Lee 2019, ASTCT CRS consensus table, as compiled in
#: shared/reference/scoring-rules.md §9a): hypotension *and/or* hypoxia, the worse of the two.
CRS_GRADE_FINDINGS: dict[int, str] = {
    2: "hypotension not requiring vasopressors, or hypoxia requiring low-flow nasal cannula (≤ 6 L/min) or "
    "blow-by oxygen",
    3: "hypotension requiring one vasopressor (with or without vasopressin), or hypoxia requiring high-flow nasal "
    "cannula (> 6 L/min), facemask, non-rebreather or Venturi mask",
    4: "hypotension requiring multiple vasopressors (excluding vasopressin), or hypoxia requiring positive "
    "pressure (CPAP, BiPAP, intubation and mechanical ventilation)",
}


def crs_raised_by(grade: int) -> list[str]:
    """What would raise a CRS grade: the findings of each higher grade (Lee 2019, CRS table).

    Grade 0 (no fever, not masked) is raised to grade 1 by fever ≥ 38.0 °C alone; every grade
    below 4 by the hypotension or hypoxia findings of the grades above it.
    """
    out = ["fever ≥ 38.0 °C (100.4 °F) → grade 1"] if grade < 1 else []
    return out + [f"{CRS_GRADE_FINDINGS[g]} → grade {g}" for g in range(max(2, grade + 1), 5)]


def crs_partial(raw: Mapping[str, Any]) -> CalcResult | None:
    """The CRS grade the answers given already decide, when the full grade cannot be computed yet.

    ASTCT CRS grading (Lee DW et al., Biol Blood Marrow Transplant 2019;25:625–638): the grade is
    the worse of hypotension and hypoxia in a patient with fever ≥ 38.0 °C (or whose fever was
    masked by antipyretic or anti-cytokine therapy). Two inputs can be missing while the others
    already bound the grade:

    - a nasal cannula without its flow: low-flow (≤ 6 L/min) is grade 2, high-flow (> 6 L/min)
      grade 3, so the hypoxia domain is 2 or 3 and the grade at least max(hypotension, 2);
    - no temperature (and fever not marked as masked): CRS needs fever, so there is no grade yet;
      the answers say what the grade would be with fever.

    Returns ``None`` when the input is complete (use the calculator), or invalid for another
    reason (the calculator's own error names it). ``result``: ``grade_at_least``,
    ``grade_at_most``, ``complete`` (false), ``missing`` (the inputs that would settle it) and
    ``raised_by`` (what would give a higher grade).
    """
    try:
        inp = CrsInput.model_validate(dict(raw))
    except Exception:
        return None
    flow_missing = inp.oxygen_device == "nasal_cannula" and inp.oxygen_flow is None
    temp_missing = inp.temperature is None and not inp.fever_masked
    if not (flow_missing or temp_missing):
        return None
    hypo = inp.hypotension or inp.vasopressors > 0 or inp.vasopressin
    hyp_grade = hypotension_grade(hypo, inp.vasopressors, inp.vasopressin)
    if flow_missing:
        ox_low, ox_high = 2, 3
    else:
        flow = None if inp.oxygen_flow is None else round(inp.oxygen_flow, 2)
        try:
            ox_low = ox_high = hypoxia_grade(inp.oxygen_device, flow)
        except CalcInputError:
            return None
    if temp_missing and not flow_missing and hyp_grade == 0 and ox_low == 0:
        return None  # nothing but the missing temperature: nothing to bound yet
    missing: list[str] = []
    fever = False
    if temp_missing:
        missing.append("temperature")
    elif inp.temperature is not None:
        fever = round(inp.temperature, 2) >= FEVER_C
    if flow_missing:
        missing.append("oxygen_flow")
    explanation = [
        ExplanationRow(item="Hypotension", value=f"→ {hyp_grade}", points=hyp_grade),
        ExplanationRow(
            item="Hypoxia (oxygen requirement)",
            value=(
                "nasal cannula, flow not given: low-flow (≤ 6 L/min) → 2, high-flow (> 6 L/min) → 3"
                if flow_missing
                else f"{DEVICE_LABEL[inp.oxygen_device]} → {ox_low}"
            ),
            points=ox_low,
        ),
    ]
    # with fever (or masked fever) the grade lies between these two
    low, high = max(1, hyp_grade, ox_low), max(1, hyp_grade, ox_high)
    if inp.fever_masked and not fever:
        low, high = max(hyp_grade, ox_low), max(hyp_grade, ox_high)
    raised_by: list[str] = []
    if temp_missing:
        grade_low, grade_high = 0, high
        headline = f"No CRS grade yet: with fever, at least grade {low}"
        interpretation = (
            "The temperature is not given. CRS needs fever ≥ 38.0 °C (100.4 °F), unless antipyretic or "
            f"anti-cytokine therapy has masked it; with fever, these answers give at least grade {low}"
            + (f", grade {high} if the oxygen flow is > 6 L/min." if high > low else ".")
        )
        raised_by.append(
            "a temperature ≥ 38.0 °C (100.4 °F), or fever masked by antipyretic or anti-cytokine therapy "
            f"→ grade {low}" + (" or more" if high > low else "")
        )
    elif not fever and not inp.fever_masked:
        grade_low = grade_high = 0
        headline = "No CRS (grade 0)"
        interpretation = (
            "No CRS by ASTCT criteria (grade 0) whatever the oxygen flow: fever ≥ 38.0 °C is required, and no "
            "antipyretic or anti-cytokine therapy has been given that would mask it."
        )
    elif low == high:
        grade_low = grade_high = low
        headline = f"CRS grade {low}"
        interpretation = (
            f"ASTCT grade {low} CRS: the oxygen flow is not given, but with these answers it does not change the "
            "grade (a nasal cannula is grade 2 at ≤ 6 L/min and grade 3 above)."
        )
    else:
        grade_low, grade_high = low, high
        headline = f"CRS at least grade {low}"
        interpretation = (
            f"ASTCT CRS at least grade {low}: the oxygen flow on the nasal cannula is not given. Grade {high} if it "
            "is > 6 L/min (high-flow); grade 2 hypoxia at ≤ 6 L/min (low-flow)."
        )
        raised_by.append(f"an oxygen flow > 6 L/min on the nasal cannula → grade {high}")
    if not temp_missing and (fever or inp.fever_masked):
        raised_by += crs_raised_by(grade_high)
    elif temp_missing:
        raised_by += crs_raised_by(high)
    interpretation += " The grade is the worse of hypotension and hypoxia (Lee 2019)."
    return CalcResult(
        calculator="crs-grade",
        result={
            **({"grade": grade_low} if grade_low == grade_high else {}),
            "grade_at_least": grade_low,
            "grade_at_most": grade_high,
            "complete": False,
            "missing": missing,
            "raised_by": raised_by,
            "fever": fever,
        },
        inputs={
            "temperature": None if inp.temperature is None else {"value": round(inp.temperature, 2), "unit": "°C"},
            "fever_masked": inp.fever_masked,
            "hypotension": inp.hypotension,
            "vasopressors": inp.vasopressors,
            "vasopressin": inp.vasopressin,
            "oxygen_device": inp.oxygen_device,
            "oxygen_flow": None,
        },
        explanation=explanation,
        interpretation=interpretation,
        warnings=[],
        references=[LEE_2019],
        calculator_version=VERSION,
        title="Cytokine release syndrome grade (ASTCT 2019 consensus)",
        headline=headline,
    )


#: calculators that can answer an incomplete form with what it already decides
PARTIAL_RESULTS = {"crs-grade": crs_partial}


# ---------------------------------------------------------------------------------------------
# ICANS
# ---------------------------------------------------------------------------------------------

Consciousness = Literal["alert", "awakens_spontaneously", "awakens_to_voice", "awakens_to_tactile", "unarousable"]
Seizure = Literal["none", "rapidly_resolving", "eeg_nonconvulsive_resolving", "prolonged_or_repetitive"]
Edema = Literal["none", "focal", "diffuse"]
IcpSign = Literal["posturing", "cn_vi_palsy", "papilledema", "cushings_triad"]

CONSCIOUSNESS_GRADE: dict[str, tuple[int, str]] = {
    "alert": (0, "alert"),
    "awakens_spontaneously": (1, "awakens spontaneously"),
    "awakens_to_voice": (2, "awakens to voice"),
    "awakens_to_tactile": (3, "awakens only to tactile stimulus"),
    "unarousable": (4, "unarousable or needs vigorous/repetitive tactile stimuli; stupor or coma"),
}
SEIZURE_GRADE: dict[str, tuple[int, str]] = {
    "none": (0, "no seizure"),
    "rapidly_resolving": (3, "clinical seizure, focal or generalised, resolving rapidly"),
    "eeg_nonconvulsive_resolving": (3, "non-convulsive seizures on EEG resolving with intervention"),
    "prolonged_or_repetitive": (
        4,
        "life-threatening prolonged seizure (> 5 min) or repetitive seizures without return to baseline",
    ),
}
EDEMA_GRADE: dict[str, tuple[int, str]] = {
    "none": (0, "no cerebral oedema"),
    "focal": (3, "focal/local oedema on neuroimaging"),
    "diffuse": (4, "diffuse cerebral oedema on neuroimaging"),
}
ICP_LABEL: dict[str, str] = {
    "posturing": "decerebrate or decorticate posturing",
    "cn_vi_palsy": "cranial nerve VI palsy",
    "papilledema": "papilloedema",
    "cushings_triad": "Cushing's triad",
}


DOMAIN_LABEL: dict[str, str] = {
    "ice": "ICE score",
    "consciousness": "level of consciousness",
    "seizure": "seizure",
    "motor": "motor findings",
    "raised_icp_cerebral_edema": "raised intracranial pressure / cerebral oedema",
}


class IcansInput(CalcInput):
    ice_score: Annotated[StrictInt, Field(ge=0, le=10)] | None = Field(
        default=None, description="ICE 0–10; null only if the patient is unarousable (or give the ICE items)"
    )
    orientation: Annotated[StrictInt, Field(ge=0, le=4)] | None = None
    naming: Annotated[StrictInt, Field(ge=0, le=3)] | None = None
    commands: Annotated[StrictInt, Field(ge=0, le=1)] | None = None
    writing: Annotated[StrictInt, Field(ge=0, le=1)] | None = None
    attention: Annotated[StrictInt, Field(ge=0, le=1)] | None = None
    consciousness: Consciousness
    seizure: Seizure = "none"
    motor_weakness: StrictBool = Field(
        default=False, description="deep focal motor weakness (hemiparesis or paraparesis)"
    )
    cerebral_edema: Edema = "none"
    raised_icp_signs: list[IcpSign] = Field(default_factory=list)


def compute_icans(inp: IcansInput) -> CalcResult:
    items = {name: getattr(inp, name) for name in ICE_ITEMS}
    given = [name for name, v in items.items() if v is not None]
    unarousable = inp.consciousness == "unarousable"
    warnings: list[str] = []
    explanation: list[ExplanationRow] = []

    ice: int | None
    ice_from_items = False
    if given:
        if inp.ice_score is not None:
            raise CalcInputError(
                "ice_score",
                "give either ice_score or the ICE item answers (orientation, naming, commands, writing, "
                "attention), not both",
            )
        missing = [name for name, v in items.items() if v is None]
        if missing:
            raise CalcInputError(
                missing[0], f"ICE item answers are incomplete: missing {', '.join(missing)}", "missing_field"
            )
        ice = sum(int(v) for v in items.values())
        ice_from_items = True
    else:
        ice = inp.ice_score
    if ice is None and not unarousable:
        raise CalcInputError(
            "ice_score",
            "an ICE score (0–10) or the ICE item answers are needed: ICE may be left out only when the patient "
            "is unarousable and cannot perform it",
            "missing_field",
        )

    if ice is None:
        ice_grade = 4
        ice_text = "not performed: unarousable, cannot perform ICE (ICE 0) → 4"
    elif unarousable:
        ice_grade = 4
        ice_text = f"{ice}/10 recorded, but the patient is unarousable: ICE cannot be performed → 4"
        if ice > 0:
            warnings.append(
                f"an ICE score of {ice} was given for an unarousable patient, who cannot perform ICE: the grade "
                "is 4 from the level of consciousness; recheck the inputs"
            )
    else:
        ice_grade = ice_domain_grade(ice)
        band = {0: "10", 1: "7–9", 2: "3–6", 3: "0–2"}[ice_grade]
        ice_text = f"{ice}/10 (band {band}) → {ice_grade}"
        if ice == 0:
            ice_text += " (ICE 0 in an awake patient, e.g. global aphasia, is grade 3)"
    if ice_from_items:
        ice_text += " [summed from the item answers: " + ", ".join(f"{k} {items[k]}" for k in ICE_ITEMS) + "]"
    explanation.append(ExplanationRow(item="ICE score", value=ice_text, points=ice_grade))

    cons_grade, cons_text = CONSCIOUSNESS_GRADE[inp.consciousness]
    explanation.append(
        ExplanationRow(item="Depressed level of consciousness", value=f"{cons_text} → {cons_grade}", points=cons_grade)
    )
    seiz_grade, seiz_text = SEIZURE_GRADE[inp.seizure]
    explanation.append(ExplanationRow(item="Seizure", value=f"{seiz_text} → {seiz_grade}", points=seiz_grade))
    motor_grade = 4 if inp.motor_weakness else 0
    explanation.append(
        ExplanationRow(
            item="Motor findings",
            value=(
                "deep focal motor weakness (hemiparesis/paraparesis) → 4"
                if inp.motor_weakness
                else "no deep focal motor weakness → 0"
            )
            + " (tremor and myoclonus do not count)",
            points=motor_grade,
        )
    )
    edema_grade, edema_text = EDEMA_GRADE[inp.cerebral_edema]
    signs = sorted(set(inp.raised_icp_signs), key=list(ICP_LABEL).index)
    icp_grade = 4 if signs else 0
    icp_text = edema_text
    if signs:
        icp_text += "; signs of raised ICP: " + ", ".join(ICP_LABEL[s] for s in signs)
    raised_grade = max(edema_grade, icp_grade)
    explanation.append(
        ExplanationRow(
            item="Raised ICP / cerebral oedema",
            value=f"{icp_text} → {raised_grade} (intracranial haemorrhage is excluded from ICANS grading)",
            points=raised_grade,
        )
    )

    domains = {
        "ice": ice_grade,
        "consciousness": cons_grade,
        "seizure": seiz_grade,
        "motor": motor_grade,
        "raised_icp_cerebral_edema": raised_grade,
    }
    grade = max(domains.values())
    drivers = [name for name, g in domains.items() if g == grade and grade > 0]
    if grade == 0:
        interpretation = "No ICANS by ASTCT criteria (grade 0): ICE 10/10 and no finding in the other domains."
    else:
        interpretation = (
            f"ASTCT grade {grade} ICANS, set by the worst domain "
            f"({', '.join(DOMAIN_LABEL[d] for d in drivers)}). " + _sentence(_management("icans", grade)) + "."
        )
    interpretation += (
        " Findings count only if not attributable to another cause (e.g. sedating medication for the level of "
        "consciousness). Tremor, myoclonus and intracranial haemorrhage are excluded from ICANS grading."
    )
    if inp.consciousness in {"awakens_to_voice", "awakens_to_tactile"} and ice is not None and ice >= 7:
        warnings.append(
            f"ICE {ice} with depressed consciousness ({cons_text}): check that ICE was scored at the same time"
        )

    inputs: dict[str, Any] = {
        "ice_score": ice if not ice_from_items else None,
        "consciousness": inp.consciousness,
        "seizure": inp.seizure,
        "motor_weakness": inp.motor_weakness,
        "cerebral_edema": inp.cerebral_edema,
        "raised_icp_signs": signs,
    }
    if ice_from_items:
        inputs.update({k: items[k] for k in ICE_ITEMS})
    return CalcResult(
        calculator="icans-grade",
        result={
            "grade": grade,
            "grade_name": "no ICANS (grade 0)" if grade == 0 else f"grade {grade} ICANS",
            "determined_by": drivers,
            "domain_grades": domains,
            "ice_score": ice,
            "management": _management("icans", grade),
        },
        inputs=inputs,
        explanation=explanation,
        interpretation=interpretation,
        warnings=warnings,
        references=[LEE_2019, GUIDELINE],
        calculator_version=VERSION,
    )


def ice_headline(r: Mapping[str, Any]) -> str:
    return f"ICE score {r['score']} / 10"


def crs_headline(r: Mapping[str, Any]) -> str:
    return "No CRS (grade 0)" if r["grade"] == 0 else f"CRS grade {r['grade']}"


def icans_headline(r: Mapping[str, Any]) -> str:
    return "No ICANS (grade 0)" if r["grade"] == 0 else f"ICANS grade {r['grade']}"


ICE = register(
    Calculator(
        id="ice",
        title="ICE score (Immune effector Cell-associated Encephalopathy), ASTCT 2019",
        reference="Lee DW et al. Biol Blood Marrow Transplant 2019;25:625–638",
        input_model=IceInput,
        compute=compute_ice,
        keywords=("ICE", "ICE score", "encephalopathy", "neurotoxicity", "ICANS"),
        headline=ice_headline,
        group="CAR-T and bispecific toxicity",
        order=9,
        scored=True,
        field_labels=labels("orientation", "naming", "commands", "writing", "attention"),
    )
)
CRS_GRADE = register(
    Calculator(
        id="crs-grade",
        title="Cytokine release syndrome grade (ASTCT 2019 consensus)",
        reference="Lee DW et al. Biol Blood Marrow Transplant 2019;25:625–638",
        input_model=CrsInput,
        compute=compute_crs,
        keywords=("CRS grade", "CRS grading", "cytokine release syndrome", "ASTCT", "fever", "hypotension", "hypoxia"),
        headline=crs_headline,
        group="CAR-T and bispecific toxicity",
        order=10,
        scored=True,
        field_labels=labels(
            temperature="Temperature",
            fever_masked="Fever masked (antipyretic / anti-cytokine given)",
            hypotension="Hypotension",
            vasopressors="Vasopressors (not counting vasopressin)",
            vasopressin="Vasopressin given",
            oxygen_device="Oxygen device",
            oxygen_flow="Oxygen flow",
        ),
    )
)
ICANS_GRADE = register(
    Calculator(
        id="icans-grade",
        title="ICANS grade, adults (ASTCT 2019 consensus)",
        reference="Lee DW et al. Biol Blood Marrow Transplant 2019;25:625–638",
        input_model=IcansInput,
        compute=compute_icans,
        keywords=("ICANS grade", "ICANS grading", "neurotoxicity", "ASTCT", "ICE score", "seizure", "cerebral oedema"),
        headline=icans_headline,
        group="CAR-T and bispecific toxicity",
        order=11,
        scored=True,
        field_labels=labels(
            "orientation", "naming", "commands", "writing", "attention",
            ice_score="ICE score (0–10)",
            consciousness="Level of consciousness",
            seizure="Seizure",
            motor_weakness="Deep focal motor weakness",
            cerebral_edema="Cerebral oedema",
            raised_icp_signs="Signs of raised ICP",
        ),
    )
)
