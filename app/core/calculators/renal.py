"""Renal function: Cockcroft–Gault creatinine clearance (``crcl``) and CKD-EPI 2021 (``egfr``).

Cockcroft–Gault (1976): CrCl [mL/min] = (140 − age) × weight [kg] / (72 × SCr [mg/dL]), × 0.85 if
female; not indexed to 1.73 m². Creatinine in µmol/L is divided by 88.4 (units.py); the UK
shortcut factors 1.23/1.04 are not used. Weight basis: actual body weight by default (the 1976
derivation used it; drug labels do not specify one); ideal (Devine) or adjusted body weight
(IBW + 0.4 × (actual − IBW)) on request, with height. The result names the weight used and
carries the lenalidomide EU/US starting-dose rows for its value (renal_dosing.py).

CKD-EPI 2021, race-free (Inker et al. 2021): eGFR = 142 × min(SCr/κ, 1)^α × max(SCr/κ, 1)^−1.200
× 0.9938^age × 1.012 [female]; κ 0.7 F / 0.9 M; α −0.241 F / −0.302 M; mL/min/1.73 m².
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictFloat

from app.core.calculators.base import (
    CalcInput,
    CalcInputError,
    CalcResult,
    Calculator,
    ExplanationRow,
    register,
)
from app.core.calculators.renal_dosing import guideline_quotes, lenalidomide_starting_dose, other_drug_notes
from app.core.units import CREATININE, HEIGHT, WEIGHT, Quantity

VERSION = "1.0.0"

COCKCROFT_GAULT = (
    "Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum creatinine. Nephron. "
    "1976;16(1):31–41. doi:10.1159/000180580"
)
DEVINE = "Devine BJ. Gentamicin therapy. Drug Intell Clin Pharm. 1974;8:650–655 (ideal body weight)"
INKER_2021 = (
    "Inker LA, Eneanya ND, Coresh J, Tighiouart H, Wang D, Sang Y, et al. New creatinine- and cystatin C–based "
    "equations to estimate GFR without race. N Engl J Med. 2021;385(19):1737–1749. doi:10.1056/NEJMoa2102953"
)
KDIGO_2012 = (
    "Kidney Disease: Improving Global Outcomes (KDIGO) CKD Work Group. KDIGO 2012 clinical practice guideline "
    "for the evaluation and management of chronic kidney disease. Kidney Int Suppl. 2013;3(1):1–150 (GFR "
    "categories G1–G5)"
)
GUIDELINE = (
    "Dimopoulos MA, Terpos E, Boccadoro M, et al. EHA–EMN Evidence-Based Guidelines for diagnosis, treatment and "
    "follow-up of patients with multiple myeloma. Nat Rev Clin Oncol. 2025. doi:10.1038/s41571-025-01041-x "
    "(Supportive care: renal impairment; Box 2)"
)
LABELS = (
    "Lenalidomide starting doses: Revlimid EU SmPC section 4.2 (followed) and REVLIMID US Prescribing "
    "Information, as retrieved in the app's reference notes (secondary sources; see each row's status)"
)

CM_PER_IN = 2.54






if TYPE_CHECKING:
    Weight = float
    Height = float
    Creatinine = float
else:
    Weight = Quantity(WEIGHT)
    Height = Quantity(HEIGHT)
    Creatinine = Quantity(CREATININE)

Age = Annotated[StrictFloat, Field(ge=18, le=120, description="age in years (adults, 18–120)")]
Sex = Literal["female", "male"]


def _fmt(x: float, digits: int = 1) -> str:
    text = f"{x:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def ideal_body_weight_kg(sex: str, height_cm: float) -> float:
    """Devine: 50 kg (men) or 45.5 kg (women) + 2.3 kg per inch over 60 inches."""
    base = 50.0 if sex == "male" else 45.5
    return base + 2.3 * (height_cm / CM_PER_IN - 60.0)


def cockcroft_gault(age: float, sex: str, weight_kg: float, scr_mg_dl: float) -> float:
    value = (140.0 - age) * weight_kg / (72.0 * scr_mg_dl)
    return value * 0.85 if sex == "female" else value


def ckd_epi_2021(age: float, sex: str, scr_mg_dl: float) -> float:
    female = sex == "female"
    kappa = 0.7 if female else 0.9
    alpha = -0.241 if female else -0.302
    ratio = scr_mg_dl / kappa
    value = float(142.0 * min(ratio, 1.0) ** alpha * max(ratio, 1.0) ** -1.200 * 0.9938**age)
    return value * 1.012 if female else value


# ---------------------------------------------------------------------------------------------
# Cockcroft–Gault
# ---------------------------------------------------------------------------------------------


class CrclInput(CalcInput):
    age: Age
    sex: Sex
    weight: Weight = Field(description="actual body weight (kg or lb)")
    creatinine: Creatinine = Field(description="serum creatinine (mg/dL or µmol/L)")
    weight_basis: Literal["actual", "ideal", "adjusted"] = Field(
        default="actual",
        description="actual (default, as in the 1976 derivation), ideal (Devine) or adjusted "
        "(IBW + 0.4 × (actual − IBW)); ideal and adjusted need height",
    )
    height: Height | None = Field(default=None, description="needed for ideal or adjusted weight")
    dialysis: StrictBool = Field(default=False, description="on dialysis (for the lenalidomide dose rows)")


def compute_crcl(inp: CrclInput) -> CalcResult:
    warnings: list[str] = []
    explanation: list[ExplanationRow] = []
    actual = inp.weight
    ibw: float | None = None
    if inp.height is not None:
        ibw = ideal_body_weight_kg(inp.sex, inp.height)
        if ibw < 20.0 and inp.weight_basis == "actual":
            warnings.append("the Devine ideal body weight is not defined for this height: not shown")
            ibw = None
    if inp.weight_basis != "actual":
        if inp.height is None:
            raise CalcInputError(
                "height",
                f"height (cm, m or in) is required for the {inp.weight_basis} body weight basis",
                "missing_field",
            )
        assert ibw is not None
        if ibw < 20.0:
            raise CalcInputError(
                "height",
                f"the Devine ideal body weight for this height is {_fmt(ibw)} kg, below the plausible 20 kg: use "
                "the actual weight basis",
            )
        if inp.height < 60 * CM_PER_IN:
            warnings.append("height below 152.4 cm (60 in): the Devine ideal body weight formula is extrapolated")
    if inp.weight_basis == "ideal":
        assert ibw is not None
        used = ibw
        basis_text = f"ideal body weight (Devine) {_fmt(ibw)} kg"
        if actual < ibw:
            warnings.append(
                f"actual weight {_fmt(actual)} kg is below the ideal body weight {_fmt(ibw)} kg: most practices "
                "use the actual weight then"
            )
    elif inp.weight_basis == "adjusted":
        assert ibw is not None
        used = ibw + 0.4 * (actual - ibw)
        basis_text = f"adjusted body weight {_fmt(used)} kg = IBW {_fmt(ibw)} + 0.4 × ({_fmt(actual)} − {_fmt(ibw)})"
        if actual < ibw:
            warnings.append(
                f"actual weight {_fmt(actual)} kg is below the ideal body weight {_fmt(ibw)} kg: adjusted weight "
                "is meant for obesity; most practices use the actual weight then"
            )
    else:
        used = actual
        basis_text = f"actual body weight {_fmt(actual)} kg"

    scr = inp.creatinine
    raw_value = cockcroft_gault(inp.age, inp.sex, used, scr)
    crcl = round(raw_value, 1)

    explanation += [
        ExplanationRow(item="Age", value=f"{_fmt(inp.age)} years → (140 − age) = {_fmt(140 - inp.age)}", points=None),
        ExplanationRow(item="Weight used", value=basis_text, points=round(used, 2)),
        ExplanationRow(
            item="Serum creatinine",
            value=f"{_fmt(scr, 3)} mg/dL ({_fmt(scr * 88.4, 0)} µmol/L; µmol/L ÷ 88.4 = mg/dL)",
            points=None,
        ),
        ExplanationRow(
            item="Sex factor", value="× 0.85 (female)" if inp.sex == "female" else "× 1 (male)", points=None
        ),
        ExplanationRow(
            item="Cockcroft–Gault",
            value=f"(140 − {_fmt(inp.age)}) × {_fmt(used, 2)} / (72 × {_fmt(scr, 3)})"
            + (" × 0.85" if inp.sex == "female" else "")
            + f" = {_fmt(crcl)} mL/min",
            points=crcl,
        ),
    ]
    if ibw is not None and inp.weight_basis == "actual":
        explanation.append(
            ExplanationRow(
                item="For comparison",
                value=f"ideal body weight (Devine) {_fmt(ibw)} kg would give "
                f"{_fmt(cockcroft_gault(inp.age, inp.sex, ibw, scr))} mL/min",
                points=None,
            )
        )
    if scr < 0.7:
        warnings.append(
            f"creatinine {_fmt(scr, 2)} mg/dL is low (e.g. low muscle mass): Cockcroft–Gault may overestimate "
            "clearance; some practices round creatinine up to 1.0 mg/dL — this calculator uses the measured value"
        )
    if inp.dialysis:
        warnings.append(
            "on dialysis: Cockcroft–Gault does not estimate clearance reliably; the dialysis dose rows apply"
        )

    len_start = lenalidomide_starting_dose(crcl, dialysis=inp.dialysis)
    warnings += list(len_start.warnings)
    notes = other_drug_notes(crcl, dialysis=inp.dialysis)
    for note in notes:
        if note.applies and note.status == "DISAGREEMENT":
            warnings.append(f"{note.drug}: sources disagree — {note.note}")

    eu, us = len_start.eu, len_start.us
    explanation.append(
        ExplanationRow(
            item="Lenalidomide starting dose, EU SmPC (followed)", value=f"{eu.band}: {eu.dose}", points=None
        )
    )
    explanation.append(
        ExplanationRow(
            item="Lenalidomide starting dose, US label",
            value=f"{us.band}: {us.dose}" + ("" if len_start.differ else " (same as EU)"),
            points=None,
        )
    )
    interpretation = (
        f"Creatinine clearance (Cockcroft–Gault, {inp.weight_basis} body weight) {_fmt(crcl)} mL/min, not indexed "
        f"to body-surface area. Lenalidomide starting dose (myeloma, 25 mg regimen) per EU SmPC: {eu.dose}."
    )
    if len_start.differ:
        interpretation += f" The US label differs: {us.dose}."
    interpretation += " Check the current SmPC or label and local protocols before prescribing."

    inputs: dict[str, Any] = {
        "age": inp.age,
        "sex": inp.sex,
        "weight": {"value": actual, "unit": "kg"},
        "creatinine": {"value": scr, "unit": "mg/dL"},
        "weight_basis": inp.weight_basis,
        "height": None if inp.height is None else {"value": inp.height, "unit": "cm"},
        "dialysis": inp.dialysis,
    }
    return CalcResult(
        calculator="crcl",
        result={
            "crcl_ml_min": crcl,
            "weight_basis": inp.weight_basis,
            "weight_used_kg": round(used, 2),
            "ideal_body_weight_kg": None if ibw is None else round(ibw, 2),
            "lenalidomide": len_start.as_dict(),
            "renal_notes": [n.as_dict() for n in notes],
        },
        inputs=inputs,
        explanation=explanation,
        interpretation=interpretation,
        warnings=warnings,
        references=[COCKCROFT_GAULT, DEVINE, LABELS, GUIDELINE],
        calculator_version=VERSION,
    )


# ---------------------------------------------------------------------------------------------
# CKD-EPI 2021
# ---------------------------------------------------------------------------------------------


class EgfrInput(CalcInput):
    age: Age
    sex: Sex
    creatinine: Creatinine = Field(description="IDMS-standardised serum creatinine (mg/dL or µmol/L)")


def gfr_category(egfr: float) -> tuple[str, str]:
    if egfr >= 90:
        return "G1", "normal or high"
    if egfr >= 60:
        return "G2", "mildly decreased"
    if egfr >= 45:
        return "G3a", "mildly to moderately decreased"
    if egfr >= 30:
        return "G3b", "moderately to severely decreased"
    if egfr >= 15:
        return "G4", "severely decreased"
    return "G5", "kidney failure"


def compute_egfr(inp: EgfrInput) -> CalcResult:
    scr = inp.creatinine
    female = inp.sex == "female"
    kappa = 0.7 if female else 0.9
    alpha = -0.241 if female else -0.302
    egfr = round(ckd_epi_2021(inp.age, inp.sex, scr), 1)
    category, label = gfr_category(egfr)
    explanation = [
        ExplanationRow(
            item="Serum creatinine", value=f"{_fmt(scr, 3)} mg/dL ({_fmt(scr * 88.4, 0)} µmol/L)", points=None
        ),
        ExplanationRow(
            item="Sex constants",
            value=f"κ = {kappa}, α = {alpha}" + (", × 1.012 (female)" if female else ""),
            points=None,
        ),
        ExplanationRow(
            item="SCr/κ",
            value=f"{_fmt(scr / kappa, 3)} ({'≤ 1: α term applies' if scr <= kappa else '> 1: −1.200 term applies'})",
            points=None,
        ),
        ExplanationRow(item="Age factor", value=f"0.9938^{_fmt(inp.age)} = {0.9938**inp.age:.3f}", points=None),
        ExplanationRow(item="eGFR (CKD-EPI 2021)", value=f"{_fmt(egfr)} mL/min/1.73 m²", points=egfr),
        ExplanationRow(item="KDIGO GFR category", value=f"{category} ({label})", points=None),
    ]
    warnings: list[str] = [
        "eGFR is indexed to 1.73 m²: lenalidomide and other label thresholds use creatinine clearance "
        "(Cockcroft–Gault, mL/min) — use the crcl calculator for dosing"
    ]
    for threshold in (15.0, 30.0, 60.0):
        if abs(egfr - threshold) < 3.0:
            warnings.append(
                f"eGFR {_fmt(egfr)} is within 3 mL/min/1.73 m² of {threshold:g}: estimates are imprecise near "
                "category boundaries"
            )
    interpretation = (
        f"eGFR {_fmt(egfr)} mL/min/1.73 m² (CKD-EPI 2021 creatinine equation, race-free), KDIGO category "
        f"{category} ({label}). Valid for adults with IDMS-standardised creatinine at steady state."
    )
    result: dict[str, Any] = {"egfr_ml_min_1_73m2": egfr, "kdigo_category": category}
    if egfr < 30:
        interpretation += (
            " Severe renal impairment: the guideline does not recommend aminobisphosphonates; denosumab is an "
            "option with caution for hypocalcaemia [III, C]."
        )
        result["guideline"] = guideline_quotes("denosumab")
    return CalcResult(
        calculator="egfr",
        result=result,
        inputs={"age": inp.age, "sex": inp.sex, "creatinine": {"value": scr, "unit": "mg/dL"}},
        explanation=explanation,
        interpretation=interpretation,
        warnings=warnings,
        references=[INKER_2021, KDIGO_2012],
        calculator_version=VERSION,
    )


CRCL = register(
    Calculator(
        id="crcl",
        title="Creatinine clearance (Cockcroft–Gault) with lenalidomide starting dose",
        reference="Cockcroft DW, Gault MH. Nephron 1976;16:31–41",
        input_model=CrclInput,
        compute=compute_crcl,
        keywords=(
            "CrCl", "creatinine clearance", "Cockcroft", "Cockcroft-Gault", "renal function", "kidney",
            "lenalidomide dose", "renal dosing",
        ),
    )
)
EGFR = register(
    Calculator(
        id="egfr",
        title="eGFR (CKD-EPI 2021 creatinine equation, race-free)",
        reference="Inker LA et al. N Engl J Med 2021;385:1737–1749",
        input_model=EgfrInput,
        compute=compute_egfr,
        keywords=("eGFR", "GFR", "CKD-EPI", "glomerular filtration rate", "renal function", "kidney"),
    )
)
