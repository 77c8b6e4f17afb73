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

from collections.abc import Mapping
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
from app.core.calculators.labels import labels
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

ADJUSTED_FACTOR = 0.4
OBESITY_BMI = 30.0  # kg/m²
OBESITY_IBW_FRACTION = 1.2
HEIGHT_NEEDED_WEIGHT_KG = 80.0
ADJUSTED_WEIGHT_SOURCE = (
    "Adjusted body weight = IBW + 0.4 × (actual − IBW): the 0.4 factor as used for Cockcroft–Gault in obesity "
    "by ClinCalc (Vancomycin calculator: 'Adjusted = 0.4*(Actual-Ideal)+Ideal' when more than 30% above the "
    "Devine IBW) and Pharmacy Times (Kantorovich A, 'Medications That Always Use Actual Body Weight to Calculate "
    "Creatinine Clearance', June 2016: '40% correction factor'); secondary sources, the paper the factor was "
    "derived in was not retrieved (UNCONFIRMED). Both adjust above 130% of IBW; the app warns from 120%, the "
    "more sensitive threshold also in use"
)
WHO_BMI = (
    "World Health Organization. Obesity: preventing and managing the global epidemic. WHO Technical Report "
    "Series 894, 2000 (BMI ≥ 30 kg/m² = obesity; classification as reproduced in WHO/FAO 'Diet, nutrition and "
    "the prevention of chronic diseases', Table 8)"
)
DEMIROVIC_2009 = (
    "Demirovic JA, Pai AB, Pai MP. Estimation of creatinine clearance in morbidly obese patients. Am J Health "
    "Syst Pharm. 2009;66(7):642–648 (Cockcroft–Gault on adjusted weight 0.3 and 0.4 overestimated and on ideal "
    "weight underestimated measured clearance)"
)
OBESITY_RULE = (
    "obesity = BMI ≥ 30 kg/m² (WHO) or actual weight > 120% of the Devine ideal body weight (IBW); adjusted "
    "body weight = IBW + 0.4 × (actual − IBW), the 0.4 factor from secondary sources (its original paper "
    "UNCONFIRMED)"
)

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
    height: Height | None = Field(
        default=None,
        description="height (cm, m or in): checks for obesity and shows CrCl on ideal and adjusted body weight "
        "beside the actual; needed for the ideal or adjusted basis",
    )
    creatinine: Creatinine = Field(description="serum creatinine (mg/dL or µmol/L)")
    weight_basis: Literal["actual", "ideal", "adjusted"] = Field(
        default="actual",
        description="actual (default, as in the 1976 derivation), ideal (Devine) or adjusted "
        "(IBW + 0.4 × (actual − IBW)); ideal and adjusted need height",
    )
    dialysis: StrictBool = Field(default=False, description="on dialysis (for the lenalidomide dose rows)")


def adjusted_body_weight_kg(actual_kg: float, ibw_kg: float) -> float:
    """Adjusted body weight: IBW + 0.4 × (actual − IBW) (ADJUSTED_WEIGHT_SOURCE)."""
    return ibw_kg + ADJUSTED_FACTOR * (actual_kg - ibw_kg)


def body_mass_index(weight_kg: float, height_cm: float) -> float:
    return weight_kg / (height_cm / 100.0) ** 2


def _is_obese(bmi: float, actual_kg: float, ibw_kg: float) -> bool:
    """Obesity for this calculator: BMI ≥ 30 kg/m² (WHO) or actual weight > 120% of IBW."""
    return bmi >= OBESITY_BMI or actual_kg > OBESITY_IBW_FRACTION * ibw_kg


def _basis_entry(inp: CrclInput, weight_kg: float) -> dict[str, Any]:
    crcl = round(cockcroft_gault(inp.age, inp.sex, weight_kg, inp.creatinine), 1)
    start = lenalidomide_starting_dose(crcl, dialysis=inp.dialysis)
    return {
        "weight_kg": round(weight_kg, 1),
        "crcl_ml_min": crcl,
        "lenalidomide_eu": {"band": start.eu.band, "dose": start.eu.dose, "dose_mg": start.eu.dose_mg},
        "lenalidomide_us": {"band": start.us.band, "dose": start.us.dose, "dose_mg": start.us.dose_mg},
    }


_BASIS_NAMES = {
    "actual": "actual body weight",
    "ideal": "ideal body weight (Devine)",
    "adjusted": "adjusted body weight (IBW + 0.4 × excess)",
}


def _dose_differs(by_weight: dict[str, dict[str, Any]], region: str) -> bool:
    return len({entry[f"lenalidomide_{region}"]["dose"] for entry in by_weight.values()}) > 1


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
        elif inp.height < 60 * CM_PER_IN:
            warnings.append("height below 152.4 cm (60 in): the Devine ideal body weight formula is extrapolated")
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
        used = adjusted_body_weight_kg(actual, ibw)
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

    # Obesity: BMI and % of IBW; CrCl and the lenalidomide starting dose on each weight, side by side.
    obesity: dict[str, Any] = {"obese": None, "rule": OBESITY_RULE}
    by_weight: dict[str, dict[str, Any]] = {}
    if inp.height is not None and ibw is not None:
        bmi = body_mass_index(actual, inp.height)
        adjusted = adjusted_body_weight_kg(actual, ibw)
        obese = _is_obese(bmi, actual, ibw)
        obesity.update(
            obese=obese,
            bmi_kg_m2=round(bmi, 1),
            percent_of_ideal_body_weight=round(100.0 * actual / ibw),
            ideal_body_weight_kg=round(ibw, 1),
            adjusted_body_weight_kg=round(adjusted, 1),
        )
        by_weight = {
            "actual": _basis_entry(inp, actual),
            "ideal": _basis_entry(inp, ibw),
            "adjusted": _basis_entry(inp, adjusted),
        }
        explanation.append(
            ExplanationRow(
                item="Body mass index",
                value=f"{_fmt(bmi)} kg/m²; actual weight {_fmt(actual)} kg = {round(100.0 * actual / ibw)}% of the "
                f"ideal body weight {_fmt(ibw)} kg"
                + (" → obesity (BMI ≥ 30 or > 120% of IBW)" if obese else " → not obese by this rule"),
                points=round(bmi, 1),
            )
        )
        for basis, entry in by_weight.items():
            marker = " (used above)" if basis == inp.weight_basis else ""
            explanation.append(
                ExplanationRow(
                    item=f"CrCl on {_BASIS_NAMES[basis]} {_fmt(entry['weight_kg'])} kg{marker}",
                    value=f"{_fmt(entry['crcl_ml_min'])} mL/min → lenalidomide start EU: "
                    f"{entry['lenalidomide_eu']['dose']}; US: {entry['lenalidomide_us']['dose']}",
                    points=entry["crcl_ml_min"],
                )
            )
        if obese:
            side = "; ".join(
                f"{basis} {_fmt(e['weight_kg'])} kg → {_fmt(e['crcl_ml_min'])} mL/min, "
                f"EU {e['lenalidomide_eu']['dose']}"
                for basis, e in by_weight.items()
            )
            text = (
                f"Obesity (BMI {_fmt(bmi)} kg/m², {round(100.0 * actual / ibw)}% of the ideal body weight): "
                "Cockcroft–Gault on actual weight overestimates creatinine clearance in obesity. By weight: "
                f"{side}."
            )
            regions = (("EU SmPC", "eu"), ("US label", "us"))
            moved = [name for name, region in regions if _dose_differs(by_weight, region)]
            if moved:
                text += (
                    f" The lenalidomide starting dose differs between these weights ({' and '.join(moved)}): "
                    "choose the weight deliberately, by local protocol."
                )
            text += (
                " No weight is validated for lenalidomide dosing; in morbid obesity Cockcroft–Gault overestimated "
                "measured clearance even on adjusted weight and underestimated it on ideal weight (Demirovic 2009). "
                f"Rule: {OBESITY_RULE}."
            )
            warnings.append(text)
        elif actual < ibw:
            warnings.append(
                f"actual weight {_fmt(actual)} kg is below the ideal body weight {_fmt(ibw)} kg: the ideal and "
                "adjusted rows are shown for comparison only; most practices use the actual weight then"
            )
    elif inp.height is None and actual >= HEIGHT_NEEDED_WEIGHT_KG:
        obesity["height_needed"] = True
        warnings.append(
            f"Height not given: at {_fmt(actual)} kg obesity cannot be excluded, and Cockcroft–Gault on actual "
            "weight overestimates clearance in obesity, which can change the lenalidomide band. Enter the height "
            "to see CrCl and the lenalidomide starting dose on actual, ideal and adjusted body weight side by side. "
            f"(The app asks for height from {HEIGHT_NEEDED_WEIGHT_KG:g} kg, the weight of a BMI of 30 kg/m² at "
            "1.63 m: app's choice.)"
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
    if obesity["obese"]:
        interpretation += (
            " Obesity: CrCl on ideal body weight "
            f"{_fmt(by_weight['ideal']['crcl_ml_min'])} mL/min and on adjusted body weight "
            f"{_fmt(by_weight['adjusted']['crcl_ml_min'])} mL/min (see the warning)."
        )
    interpretation += " Check the current SmPC or label and local protocols before prescribing."

    inputs: dict[str, Any] = {
        "age": inp.age,
        "sex": inp.sex,
        "weight": {"value": actual, "unit": "kg"},
        "height": None if inp.height is None else {"value": inp.height, "unit": "cm"},
        "creatinine": {"value": scr, "unit": "mg/dL"},
        "weight_basis": inp.weight_basis,
        "dialysis": inp.dialysis,
    }
    references = [COCKCROFT_GAULT, DEVINE, LABELS, GUIDELINE]
    if by_weight or obesity.get("height_needed"):
        references += [ADJUSTED_WEIGHT_SOURCE, WHO_BMI, DEMIROVIC_2009]
    return CalcResult(
        calculator="crcl",
        result={
            "crcl_ml_min": crcl,
            "weight_basis": inp.weight_basis,
            "weight_used_kg": round(used, 2),
            "ideal_body_weight_kg": None if ibw is None else round(ibw, 2),
            "obesity": obesity,
            "by_weight": by_weight,
            "lenalidomide": len_start.as_dict(),
            "renal_notes": [n.as_dict() for n in notes],
        },
        inputs=inputs,
        explanation=explanation,
        interpretation=interpretation,
        warnings=warnings,
        references=references,
        calculator_version=VERSION,
    )


def crcl_headline(r: Mapping[str, Any]) -> str:
    return f"CrCl {_fmt(r['crcl_ml_min'])} mL/min (Cockcroft–Gault, {r['weight_basis']} body weight)"


def egfr_headline(r: Mapping[str, Any]) -> str:
    cat = f" ({r['kdigo_category']})" if r.get("kdigo_category") else ""
    return f"eGFR {_fmt(r['egfr_ml_min_1_73m2'])} mL/min/1.73 m²{cat}"


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
        headline=crcl_headline,
        group="Kidney and body size",
        order=12,
        scored=False,
        field_labels=labels(
            "age", "sex", "weight", "height", "creatinine", weight_basis="Weight used", dialysis="On dialysis"
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
        headline=egfr_headline,
        group="Kidney and body size",
        order=13,
        scored=False,
        field_labels=labels("age", "sex", "creatinine"),
    )
)
