"""Dosing helpers: tocilizumab for CRS (``tocilizumab-dose``) and bispecific step-up schedules
(``bispecific-step-up``), each row with its label source, its status and the date its text was checked.

Tocilizumab's label facts come from the app's reference notes (shared/reference/scoring-rules.md
§10a). The step-up schedules are read from the dosing cards (resources/content/labels, through
app.core.dosing.stepup): the calculator and the cards have one source. Facts not confirmed in
label text are shown with a warning, never as settled. The guideline itself gives
tocilizumab "8 mg/kg infused over 1 h" (Supportive care › Recommendations, grade 2 CRS): it is the
authority here, and a label difference (12 mg/kg below 30 kg) is shown, not silently applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from app.core.calculators.base import (
    CalcInput,
    CalcInputError,
    CalcResult,
    Calculator,
    ExplanationRow,
    register,
)
from app.core.calculators.labels import labels
from app.core.calculators.presentation import step_when
from app.core.dosing import catalog, stepup
from app.core.dosing.models import DosingContent
from app.core.units import WEIGHT, Quantity

VERSION = "1.0.0"

# The tocilizumab label texts below were checked against the reference notes on this date (the notes
# record secondary retrievals of the labels). The step-up schedules carry their own check dates
# (resources/content/labels/documents.yaml). Re-check on label changes.
LABEL_TEXT_CHECKED = "2026-11-21"
LABEL_CHECK_NOTE = (
    "label text as read in the stored copies named in the source (document, section, revision); check the current "
    "label version, as monitoring requirements are being changed after marketing"
)

GUIDELINE = (
    "Dimopoulos MA, Terpos E, Boccadoro M, et al. EHA–EMN Evidence-Based Guidelines for diagnosis, treatment and "
    "follow-up of patients with multiple myeloma. Nat Rev Clin Oncol. 2025. doi:10.1038/s41571-025-01041-x"
)

Status = Literal["CONFIRMED", "UNCONFIRMED"]
Region = Literal["eu", "us"]

if TYPE_CHECKING:
    Weight = float
else:
    Weight = Quantity(WEIGHT)


def _mg(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return text or "0"


# ---------------------------------------------------------------------------------------------
# Tocilizumab
# ---------------------------------------------------------------------------------------------

TOCILIZUMAB_MG_PER_KG = 8.0
TOCILIZUMAB_LABEL_MG_PER_KG_UNDER_30 = 12.0
TOCILIZUMAB_MAX_MG = 800.0
TOCILIZUMAB_SOURCE_US = (
    "ACTEMRA (tocilizumab) US Prescribing Information, cytokine release syndrome: ≥ 30 kg 8 mg/kg, < 30 kg 12 "
    "mg/kg IV over 60 min; doses above 800 mg per infusion not recommended; up to 3 additional doses at least 8 "
    "h apart (CONFIRMED via drugs.com)"
)
TOCILIZUMAB_SOURCE_EU = (
    "RoActemra (tocilizumab) EU SmPC, CRS posology: believed identical to the US label (UNCONFIRMED; the EU text "
    "was not retrieved)"
)
TOCILIZUMAB_SOURCE_GUIDELINES = (
    "NCCN/ASCO-style CRS algorithms (secondary quotes): 8 mg/kg IV over 1 h, not exceeding 800 mg per dose, "
    "repeat every 8 h if no improvement, maximum 3 doses in 24 h and 4 doses in total"
)
TOCILIZUMAB_QUOTES: tuple[dict[str, str], ...] = (
    {
        "quote": "tocilizumab (8 mg/kg infused over 1 h)",
        "location": "Supportive care › Recommendations (grade 2 CRS)",
    },
    {
        "quote": "Tocilizumab is much less effective in ICANS than in CRS because it doesn't cross the "
        "blood–brain barrier and, thus, it is not recommended for the management of ICANS. In fact, given that "
        "tocilizumab might worsen ICANS by increasing IL-6 levels, it should be given only in the co-presence "
        "of CRS.",
        "location": "Supportive care › Immune effector cell-associated neurotoxicity syndrome and other "
        "neurotoxicities",
    },
)


class TocilizumabInput(CalcInput):
    weight: Weight = Field(description="actual body weight (kg or lb)")


def compute_tocilizumab(inp: TocilizumabInput) -> CalcResult:
    w = inp.weight
    computed = round(TOCILIZUMAB_MG_PER_KG * w, 1)
    capped = computed > TOCILIZUMAB_MAX_MG
    dose = min(computed, TOCILIZUMAB_MAX_MG)
    warnings: list[str] = [
        "EU SmPC (RoActemra) CRS posology UNCONFIRMED: believed identical to the US label; the EU text was not "
        "retrieved",
        "actual body weight is used; no label retrieved specifies the weight type (UNCONFIRMED)",
    ]
    label_alternative: dict[str, Any] | None = None
    if w < 30.0:
        alt = round(TOCILIZUMAB_LABEL_MG_PER_KG_UNDER_30 * w, 1)
        label_alternative = {
            "mg_per_kg": TOCILIZUMAB_LABEL_MG_PER_KG_UNDER_30,
            "dose_mg": alt,
            "source": TOCILIZUMAB_SOURCE_US,
        }
        warnings.append(
            f"weight {_mg(w)} kg is below 30 kg: the label dose for patients < 30 kg is 12 mg/kg ({_mg(alt)} mg). "
            "The guideline states 8 mg/kg without a weight band, so the guide shows 8 mg/kg; the 12 mg/kg band "
            "was set for children and applies rarely to adults — decide with the treating team and pharmacy"
        )
    if capped:
        cap_text = (
            f"8 mg/kg × {_mg(w)} kg = {_mg(computed)} mg, above the 800 mg per-dose maximum → "
            f"{_mg(TOCILIZUMAB_MAX_MG)} mg (capped)"
        )
    elif computed == TOCILIZUMAB_MAX_MG:
        cap_text = f"8 mg/kg × {_mg(w)} kg = 800 mg, exactly the 800 mg per-dose maximum"
    else:
        cap_text = f"8 mg/kg × {_mg(w)} kg = {_mg(computed)} mg (below the 800 mg per-dose maximum)"
    explanation = [
        ExplanationRow(item="Weight (actual body weight)", value=f"{_mg(w)} kg", points=None),
        ExplanationRow(item="Dose per kg (guideline; label ≥ 30 kg)", value="8 mg/kg", points=8),
        ExplanationRow(item="Dose", value=cap_text, points=dose),
        ExplanationRow(item="Infusion", value="IV over 60 minutes (guideline: 'infused over 1 h')", points=None),
        ExplanationRow(item="Interval", value="at least 8 h between doses, if no clinical improvement", points=8),
        ExplanationRow(item="Maximum", value="3 doses in 24 h; 4 doses in total", points=4),
    ]
    interpretation = (
        f"Tocilizumab {_mg(dose)} mg IV over 1 h (8 mg/kg, maximum 800 mg per dose"
        + (", capped" if capped else "")
        + "). If there is no clinical improvement it may be repeated at least 8 h apart: at most 3 doses in "
        "24 h and 4 doses in total. Give it only when CRS is present (the guideline does not recommend it for "
        "ICANS alone). Not rounded to vial sizes. When to give it by CRS grade: `mmguide toxicity crs`."
    )
    return CalcResult(
        calculator="tocilizumab-dose",
        result={
            "dose_mg": dose,
            "mg_per_kg": TOCILIZUMAB_MG_PER_KG,
            "computed_mg": computed,
            "max_dose_mg": TOCILIZUMAB_MAX_MG,
            "capped": capped,
            "infusion": "IV over 60 minutes",
            "min_interval_h": 8,
            "max_doses_24h": 3,
            "max_doses_total": 4,
            "label_dose_under_30kg": label_alternative,
            "guideline": list(TOCILIZUMAB_QUOTES),
            "label_sources": [TOCILIZUMAB_SOURCE_US, TOCILIZUMAB_SOURCE_EU],
            "label_text_checked": LABEL_TEXT_CHECKED,
            "label_check_note": LABEL_CHECK_NOTE,
            "notes": [
                "Where tocilizumab supply is limited, some guidance limits use to 2 doses per CRS episode.",
                "Bispecific-specific caps (e.g. '3 doses within 6 weeks') are UNCONFIRMED and not applied.",
            ],
        },
        inputs={"weight": {"value": w, "unit": "kg"}},
        explanation=explanation,
        interpretation=interpretation,
        warnings=warnings,
        references=[
            GUIDELINE + " (Supportive care › Recommendations: grade 2 CRS)",
            TOCILIZUMAB_SOURCE_US,
            TOCILIZUMAB_SOURCE_EU,
            TOCILIZUMAB_SOURCE_GUIDELINES,
        ],
        calculator_version=VERSION,
    )


# ---------------------------------------------------------------------------------------------
# Bispecific step-up schedules: read from the dosing cards (resources/content/labels), the one
# source of the step-up doses, days, monitoring and premedication (app.core.dosing.stepup)
# ---------------------------------------------------------------------------------------------

STEP_UP_CHOICES = tuple(stepup.CHOICES)
#: the drug choices of the calculator (kept under its earlier name)
BISPECIFICS = STEP_UP_CHOICES


class BispecificInput(CalcInput):
    drug: Literal["teclistamab", "elranatamab", "talquetamab-weekly", "talquetamab-biweekly", "linvoseltamab"]
    weight: Weight | None = Field(
        default=None, description="actual body weight (kg or lb); required for teclistamab and talquetamab"
    )
    region: Literal["eu", "us"] = Field(default="eu", description="eu (EU SmPC, default) or us (US label)")


def _dose_mg(step: stepup.Step, weight: float | None) -> float:
    if step.flat_mg is not None:
        return float(step.flat_mg)
    assert step.mg_per_kg is not None and weight is not None
    return round(step.mg_per_kg * weight, 2)


def _step_text(step: stepup.Step) -> str:
    return f"{_mg(step.mg_per_kg)} mg/kg" if step.mg_per_kg is not None else f"{_mg(step.flat_mg or 0)} mg flat"


def _guideline(content: DosingContent, choice: str) -> dict[str, str]:
    regimen, _option = stepup.CHOICES[choice]
    refs = content.card(regimen).components[0].guideline
    return {"quote": refs[0].source.quote, "location": refs[0].source.location} if refs else {}


def compute_bispecific(inp: BispecificInput) -> CalcResult:
    content = catalog.current()
    region: Region = inp.region
    other_region: Region = "us" if region == "eu" else "eu"
    sched = stepup.schedule(content, inp.drug, region)
    other = stepup.schedule(content, inp.drug, other_region)
    weight_based = any(s.mg_per_kg is not None for s in [*sched.steps, *other.steps])
    weight = inp.weight
    if weight_based and weight is None:
        raise CalcInputError(
            "weight",
            f"weight (kg or lb) is required for {inp.drug}: its doses are mg/kg of actual body weight",
            "missing_field",
        )
    if not sched.steps:
        raise CalcInputError("region", f"{inp.drug}: {'; '.join(sched.missing)}", "not_in_guide")
    region_name = {"eu": "EU SmPC", "us": "US label"}
    name = stepup.NAMES[inp.drug]

    doses: list[dict[str, Any]] = []
    explanation: list[ExplanationRow] = []
    warnings: list[str] = []
    if weight is not None:
        explanation.append(
            ExplanationRow(
                item="Weight",
                value=f"{_mg(weight)} kg actual body weight" + ("" if weight_based else " (not used: flat doses)"),
                points=None,
            )
        )
    for step in sched.steps:
        mg = _dose_mg(step, weight)
        doses.append(
            {
                "day": step.day,
                "when": step.when,
                "dose_mg": mg,
                "monitoring": step.monitoring,
                "step": step.name,
                "mg_per_kg": step.mg_per_kg,
                "dose_status": step.status,
                "monitoring_status": step.monitoring_status,
            }
        )
        calc = f"{_mg(step.mg_per_kg)} mg/kg × {_mg(weight or 0)} kg = " if step.mg_per_kg is not None else ""
        explanation.append(
            ExplanationRow(
                item=f"{step.when.capitalize()}: {step.name}", value=f"{calc}{_mg(mg)} mg; {step.monitoring}", points=mg
            )
        )
        if step.monitoring_status == "UNCONFIRMED":
            warnings.append(f"UNCONFIRMED ({region_name[region]}): {step.when} {step.name} — {step.monitoring}")
    if any(s.status != "CONFIRMED" for s in sched.steps):
        warnings.append(
            f"UNCONFIRMED ({region_name[region]}): the step-up days and doses come from a source that is not the label "
            f"text ({sched.source})"
        )
    for item in [*sched.premedication, *sched.then]:
        if item.status != "CONFIRMED":
            warnings.append(f"UNCONFIRMED ({region_name[region]}): {item.text}")
    if sched.days != other.days or [s.monitoring for s in sched.steps] != [s.monitoring for s in other.steps]:
        other_days = "/".join("?" if d is None else str(d) for d in other.days) or "not in this guide"
        these_days = "/".join("?" if d is None else str(d) for d in sched.days)
        other_mon = "; ".join(f"{s.when}: {s.monitoring}" for s in other.steps) or "not in this guide"
        warnings.append(
            f"EU SmPC and US label differ for {inp.drug}: this schedule ({region_name[region]}) uses days "
            f"{these_days}; the {region_name[other_region]} uses days {other_days} with {other_mon}"
        )
    if weight_based:
        warnings.append(
            "doses are computed from actual body weight; the label's weight-band preparation table (injection "
            "volumes) may differ slightly — prepare from the label table"
        )
    premed_text = "; ".join(p.text for p in sched.premedication) or "not in this guide — check the label"
    settled = bool(sched.premedication) and all(p.status == "CONFIRMED" for p in sched.premedication)
    premed_status = "CONFIRMED" if settled else "UNCONFIRMED"
    days_text = ", ".join(f"{d['when']} {_mg(d['dose_mg'])} mg" for d in doses)
    interpretation = (
        f"{name}, step-up schedule per the {region_name[region]}: {days_text}. "
        + " ".join(t.text[:1].upper() + t.text[1:] + "." for t in sched.then)
        + f" Premedication: {premed_text}. Check the current label before use; CRS/ICANS grading and "
        "management: crs-grade, icans-grade and `mmguide toxicity`. The same facts are on the dosing card "
        f"(`mmguide regimen {stepup.CHOICES[inp.drug][0]}`)."
    )
    result: dict[str, Any] = {
        "doses": doses,
        "drug": inp.drug,
        "name": name,
        "region": region,
        "weight_kg": weight if weight_based else None,
        "weight_basis": "actual body weight" if weight_based else "flat doses (weight not used)",
        "steps": [{"step": s.name, "dose": _step_text(s)} for s in sched.steps],
        "premedication": {"text": premed_text, "status": premed_status},
        "timing": [n.text for n in sched.notes],
        "then": [{"text": t.text, "status": t.status} for t in sched.then],
        "label_source": sched.source,
        "label_text_checked": sched.checked,
        "label_check_note": LABEL_CHECK_NOTE,
        "other_region": {
            "region": other_region,
            "days": list(other.days),
            "monitoring": [{"text": s.monitoring, "status": s.monitoring_status} for s in other.steps],
            "label_source": other.source or "not in this guide",
        },
        "guideline": _guideline(content, inp.drug),
        "card": stepup.CHOICES[inp.drug][0],
    }
    inputs: dict[str, Any] = {
        "drug": inp.drug,
        "weight": None if weight is None else {"value": weight, "unit": "kg"},
        "region": region,
    }
    guideline = result["guideline"]
    return CalcResult(
        calculator="bispecific-step-up",
        result=result,
        inputs=inputs,
        explanation=explanation,
        interpretation=interpretation,
        warnings=warnings,
        references=[
            f"{sched.source}",
            f"{other.source or 'not in this guide'} (for comparison)",
            GUIDELINE + (f" ({guideline['location']})" if guideline else ""),
        ],
        calculator_version=VERSION,
    )


def tocilizumab_headline(r: Mapping[str, Any]) -> str:
    return f"Tocilizumab {r['dose_mg']:g} mg per dose"


def bispecific_headline(r: Mapping[str, Any]) -> str:
    days = " · ".join(f"{step_when(d)}: {d['dose_mg']:g} mg" for d in r["doses"])
    return f"{r.get('name', r.get('drug', ''))} ({str(r.get('region', '')).upper()}): {days}"


TOCILIZUMAB_DOSE = register(
    Calculator(
        id="tocilizumab-dose",
        title="Tocilizumab dose for CRS (8 mg/kg, maximum 800 mg)",
        reference="EHA–EMN 2025 guideline (grade 2 CRS); ACTEMRA US label; RoActemra EU SmPC",
        input_model=TocilizumabInput,
        compute=compute_tocilizumab,
        keywords=("tocilizumab", "tocilizumab dose", "Actemra", "RoActemra", "IL-6", "CRS treatment"),
        headline=tocilizumab_headline,
        group="Dosing helpers",
        order=15,
        scored=False,
        field_labels=labels("weight"),
    )
)
BISPECIFIC_STEP_UP = register(
    Calculator(
        id="bispecific-step-up",
        title="Bispecific step-up schedules (teclistamab, elranatamab, talquetamab, linvoseltamab), EU or US",
        reference="EU SmPCs and US Prescribing Information of Tecvayli, Elrexfio, Talvey, Lynozyfic",
        input_model=BispecificInput,
        compute=compute_bispecific,
        keywords=(
            "step-up", "step up", "step-up dosing", "bispecific", "teclistamab", "elranatamab", "talquetamab",
            "linvoseltamab", "Tecvayli", "Elrexfio", "Talvey", "Lynozyfic",
        ),
        headline=bispecific_headline,
        group="Dosing helpers",
        order=16,
        scored=False,
        field_labels=labels("weight", drug="Bispecific antibody", region="Label"),
    )
)
