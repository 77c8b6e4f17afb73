"""Dosing helpers: tocilizumab for CRS (``tocilizumab-dose``) and bispecific step-up schedules
(``bispecific-step-up``), each row with its label source, its status and the date its text was checked.

The label facts come from the app's reference notes (shared/reference/scoring-rules.md §10a and
§10e), which record secondary retrievals of the US Prescribing Information and the EU SmPC. Rows
marked UNCONFIRMED there are shown with a warning, never as settled. The guideline itself gives
tocilizumab "8 mg/kg infused over 1 h" (Supportive care › Recommendations, grade 2 CRS): it is the
authority here, and a label difference (12 mg/kg below 30 kg) is shown, not silently applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
from app.core.units import WEIGHT, Quantity

VERSION = "1.0.0"

# The label texts below were checked against the reference notes on this date (the notes record
# secondary retrievals of the labels; the retrieval itself is undated). Re-check on label changes.
LABEL_TEXT_CHECKED = "2026-11-21"
LABEL_CHECK_NOTE = (
    "label text as recorded in the app's reference notes (secondary retrieval of the US Prescribing Information "
    f"and EU SmPC), checked {LABEL_TEXT_CHECKED}; not re-read from the printed label — check the current label "
    "version, as monitoring requirements are being changed after marketing"
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
# Bispecific step-up schedules
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    name: str
    mg_per_kg: float | None = None
    flat_mg: float | None = None


@dataclass(frozen=True)
class Monitoring:
    text: str
    status: Status = "CONFIRMED"


@dataclass(frozen=True)
class RegionSchedule:
    days: tuple[int, ...]
    monitoring: tuple[Monitoring, ...]
    premedication: str
    premedication_status: Status
    timing: tuple[str, ...]
    then: tuple[tuple[str, Status], ...]
    source: str


@dataclass(frozen=True)
class Bispecific:
    id: str
    name: str
    route: str
    target: str
    steps: tuple[Step, ...]
    eu: RegionSchedule
    us: RegionSchedule
    guideline_quote: str
    guideline_location: str

    @property
    def weight_based(self) -> bool:
        return any(s.mg_per_kg is not None for s in self.steps)

    def region(self, region: str) -> RegionSchedule:
        return self.eu if region == "eu" else self.us


_US_HOSP_48 = Monitoring("hospitalise for 48 h after this dose (US label)")
_RRMM_3L = "Relapsed and/or refractory MM › Patients who have received two or more prior lines of treatment"
_TEC_TAL_PREMED = (
    "1–3 h before each dose of the step-up schedule: dexamethasone 16 mg, diphenhydramine 50 mg (or an "
    "equivalent antihistamine) and paracetamol (acetaminophen) 650–1,000 mg"
)
_EU_PREMED_NOTE = " (EU wording not separately retrieved; the same regimen is assumed)"


def _talquetamab(biweekly: bool) -> Bispecific:
    steps = [Step("step-up dose 1", 0.01), Step("step-up dose 2", 0.06)]
    if biweekly:
        steps += [Step("step-up dose 3", 0.4), Step("first treatment dose", 0.8)]
    else:
        steps += [Step("first treatment dose", 0.4)]
    n = len(steps)
    eu_mon = Monitoring(
        "monitor for 48 h after this dose and remain within proximity of a healthcare facility (EU SmPC; no "
        "mandated hospitalisation)"
    )
    if biweekly:
        then_us: tuple[tuple[str, Status], ...] = (
            ("then 0.8 mg/kg every 2 weeks; at least 12 days between every-2-week doses", "CONFIRMED"),
        )
        then_eu: tuple[tuple[str, Status], ...] = (("then 0.8 mg/kg every 2 weeks", "CONFIRMED"),)
    else:
        then_us = (("then 0.4 mg/kg weekly; at least 6 days between weekly doses", "CONFIRMED"),)
        then_eu = (
            ("then 0.4 mg/kg weekly", "CONFIRMED"),
            (
                "a switch from 0.4 mg/kg weekly to 0.8 mg/kg every 2 weeks is allowed after an adequate "
                "response is confirmed in ≥ 2 consecutive assessments",
                "CONFIRMED",
            ),
        )
    return Bispecific(
        id="talquetamab-biweekly" if biweekly else "talquetamab-weekly",
        name="Talquetamab (Talvey), " + ("every-2-weeks schedule" if biweekly else "weekly schedule"),
        route="subcutaneous",
        target="GPRC5D",
        steps=tuple(steps),
        eu=RegionSchedule(
            days=(1, 3, 5, 7)[:n],
            monitoring=(eu_mon,) * n,
            premedication=_TEC_TAL_PREMED + _EU_PREMED_NOTE,
            premedication_status="UNCONFIRMED",
            timing=(),
            then=then_eu,
            source="Talvey (talquetamab) EU SmPC section 4.2 (via rxreasoner; UK PI at janssen-pi.co.uk)",
        ),
        us=RegionSchedule(
            days=(1, 4, 7, 10)[:n],
            monitoring=(_US_HOSP_48,) * n,
            premedication=_TEC_TAL_PREMED,
            premedication_status="CONFIRMED",
            timing=(),
            then=then_us,
            source="TALVEY (talquetamab-tgvs) US Prescribing Information (via drugs.com, Medscape)",
        ),
        guideline_quote=(
            "received a subcutaneous dose of either 0.8 mg/kg every 2 weeks or 0.4 mg/kg weekly (recommended "
            "dose from the phase I part of the study) of talquetamab"
        ),
        guideline_location=f"{_RRMM_3L} (MonumenTAL-1)",
    )


BISPECIFICS: dict[str, Bispecific] = {
    "teclistamab": Bispecific(
        id="teclistamab",
        name="Teclistamab (Tecvayli)",
        route="subcutaneous",
        target="BCMA",
        steps=(Step("step-up dose 1", 0.06), Step("step-up dose 2", 0.3), Step("first treatment dose", 1.5)),
        eu=RegionSchedule(
            days=(1, 3, 5),
            monitoring=(
                Monitoring(
                    "monitor daily for 48 h after this dose and remain within proximity of a healthcare facility "
                    "(EU SmPC; no mandated hospitalisation)"
                ),
            )
            * 3,
            premedication=_TEC_TAL_PREMED + _EU_PREMED_NOTE,
            premedication_status="UNCONFIRMED",
            timing=(),
            then=(
                ("then 1.5 mg/kg weekly", "CONFIRMED"),
                (
                    "after a complete response or better for ≥ 6 months, the interval can be reduced to every 2 weeks",
                    "CONFIRMED",
                ),
            ),
            source="Tecvayli (teclistamab) EU SmPC section 4.2 (via rxreasoner; Hong Kong label via MIMS)",
        ),
        us=RegionSchedule(
            days=(1, 4, 7),
            monitoring=(_US_HOSP_48,) * 3,
            premedication=_TEC_TAL_PREMED,
            premedication_status="CONFIRMED",
            timing=(
                "step-up dose 2 and the first treatment dose are each given 2–4 days after the previous dose, "
                "or up to 7 days later to allow adverse reactions to resolve",
            ),
            then=(
                ("then 1.5 mg/kg weekly", "CONFIRMED"),
                (
                    "after a complete response or better for ≥ 6 months, the interval can be reduced to every 2 weeks",
                    "CONFIRMED",
                ),
            ),
            source="TECVAYLI (teclistamab-cqyv) US Prescribing Information (via prescriberpoint, drugs.com, "
            "tecvaylihcp.com)",
        ),
        guideline_quote=(
            "165 patients received a weekly subcutaneous injection of this agent at 1.5 mg/kg after two step-up "
            "doses of 0.06 mg/kg and 0.3 mg/kg"
        ),
        guideline_location=f"{_RRMM_3L} (MajesTEC-1)",
    ),
    "elranatamab": Bispecific(
        id="elranatamab",
        name="Elranatamab (Elrexfio)",
        route="subcutaneous",
        target="BCMA",
        steps=(
            Step("step-up dose 1", flat_mg=12),
            Step("step-up dose 2", flat_mg=32),
            Step("first treatment dose", flat_mg=76),
        ),
        eu=RegionSchedule(
            days=(1, 4, 8),
            monitoring=(
                Monitoring(
                    "monitor for 48 h after this dose and remain within proximity of a healthcare facility "
                    "(best knowledge of the EU SmPC)",
                    "UNCONFIRMED",
                ),
                Monitoring(
                    "monitor for 48 h after this dose and remain within proximity of a healthcare facility "
                    "(best knowledge of the EU SmPC)",
                    "UNCONFIRMED",
                ),
                Monitoring("no specific monitoring retrieved for this dose (EU SmPC)", "UNCONFIRMED"),
            ),
            premedication=(
                "about 1 h before each of the first three doses: dexamethasone 20 mg, diphenhydramine 25 mg "
                "and paracetamol 650 mg" + _EU_PREMED_NOTE
            ),
            premedication_status="UNCONFIRMED",
            timing=(),
            then=(
                ("then 76 mg weekly through week 24", "CONFIRMED"),
                (
                    "from week 25, 76 mg every 2 weeks in patients with a response (≥ PR maintained ≥ 2 months)",
                    "CONFIRMED",
                ),
            ),
            source="Elrexfio (elranatamab) EU SmPC (doses via the Singapore label, EU-like; monitoring "
            "wording not retrieved)",
        ),
        us=RegionSchedule(
            days=(1, 4, 8),
            monitoring=(
                Monitoring("hospitalise for 48 h after this dose (US label)"),
                Monitoring("hospitalise for 24 h after this dose (US label)"),
                Monitoring("no hospitalisation required by the label for this dose"),
            ),
            premedication=(
                "about 1 h before each of the first three doses: dexamethasone 20 mg, diphenhydramine 25 mg and "
                "paracetamol 650 mg"
            ),
            premedication_status="CONFIRMED",
            timing=(),
            then=(
                ("then 76 mg weekly through week 24", "CONFIRMED"),
                (
                    "from week 25, 76 mg every 2 weeks in patients with a response (≥ PR maintained ≥ 2 months)",
                    "CONFIRMED",
                ),
                (
                    "every 4 weeks after ≥ 24 weeks on every-2-week dosing with the response maintained "
                    "(current US label)",
                    "CONFIRMED",
                ),
            ),
            source="ELREXFIO (elranatamab-bcmm) US Prescribing Information (via rxreasoner, medilib/UpToDate)",
        ),
        guideline_quote=(
            "patients received a weekly subcutaneous injection of this agent at 76 mg after two step-up priming "
            "doses (12 mg and 32 mg); after six cycles, responders received elranatamab once every 2 weeks"
        ),
        guideline_location=f"{_RRMM_3L} (MagnetisMM-3)",
    ),
    "talquetamab-weekly": _talquetamab(biweekly=False),
    "talquetamab-biweekly": _talquetamab(biweekly=True),
    "linvoseltamab": Bispecific(
        id="linvoseltamab",
        name="Linvoseltamab (Lynozyfic)",
        route="intravenous infusion after dilution in 0.9% sodium chloride",
        target="BCMA",
        steps=(
            Step("step-up dose 1 (4-h infusion)", flat_mg=5),
            Step("step-up dose 2", flat_mg=25),
            Step("first treatment dose", flat_mg=200),
        ),
        eu=RegionSchedule(
            days=(1, 8, 15),
            monitoring=(
                Monitoring(
                    "remain with a caregiver within close proximity of the qualified treatment centre for 24 h "
                    "after the end of the infusion (EU SmPC)"
                ),
                Monitoring(
                    "the same 24-h proximity rule applies under conditions listed in the EU SmPC (conditions "
                    "not retrieved)",
                    "UNCONFIRMED",
                ),
                Monitoring(
                    "the same 24-h proximity rule applies under conditions listed in the EU SmPC (conditions "
                    "not retrieved)",
                    "UNCONFIRMED",
                ),
            ),
            premedication=(
                "dexamethasone 40 mg IV 1–3 h before each step-up dose and the first 200 mg dose, with an "
                "antihistamine and paracetamol; continue until two full doses are tolerated without CRS or "
                "infusion-related reaction; the second 200 mg dose uses dexamethasone 10 mg if there was no CRS "
                "or infusion-related reaction"
            ),
            premedication_status="CONFIRMED",
            timing=(),
            then=(
                ("then 200 mg weekly for 10 doses (weeks 4–13)", "CONFIRMED"),
                ("then 200 mg every 2 weeks from week 14", "CONFIRMED"),
                ("an every-4-weeks rule in the EU SmPC was not retrieved", "UNCONFIRMED"),
            ),
            source="Lynozyfic (linvoseltamab) EU SmPC section 4.2 (via rxreasoner)",
        ),
        us=RegionSchedule(
            days=(1, 8, 15),
            monitoring=(
                Monitoring("hospitalise for 24 h after this dose (US label)"),
                Monitoring("hospitalise for 24 h after this dose (US label)"),
                Monitoring("no hospitalisation required by the label for this dose"),
            ),
            premedication=(
                "US label premedication not retrieved; the EU SmPC gives dexamethasone 40 mg IV 1–3 h before "
                "each step-up dose and the first 200 mg dose, with an antihistamine and paracetamol"
            ),
            premedication_status="UNCONFIRMED",
            timing=(),
            then=(
                ("then 200 mg weekly for 10 doses (weeks 4–13)", "CONFIRMED"),
                ("then 200 mg every 2 weeks from week 14", "CONFIRMED"),
                (
                    "every 4 weeks in patients with ≥ VGPR at or after week 24 who have received ≥ 17 doses of 200 mg",
                    "CONFIRMED",
                ),
            ),
            source="LYNOZYFIC (linvoseltamab-gcpt) US Prescribing Information (via drugs.com)",
        ),
        guideline_quote=("117 patients received linsoseltamab once weekly through week 14 and then once every 2 weeks"),
        guideline_location=f"{_RRMM_3L} (LINKER-MM1; the guideline prints 'linsoseltamab')",
    ),
}


class BispecificInput(CalcInput):
    drug: Literal["teclistamab", "elranatamab", "talquetamab-weekly", "talquetamab-biweekly", "linvoseltamab"]
    weight: Weight | None = Field(
        default=None, description="actual body weight (kg or lb); required for teclistamab and talquetamab"
    )
    region: Literal["eu", "us"] = Field(default="eu", description="eu (EU SmPC, default) or us (US label)")


def _dose_mg(step: Step, weight: float | None) -> float:
    if step.flat_mg is not None:
        return float(step.flat_mg)
    assert step.mg_per_kg is not None and weight is not None
    return round(step.mg_per_kg * weight, 2)


def _step_text(step: Step) -> str:
    return f"{_mg(step.mg_per_kg)} mg/kg" if step.mg_per_kg is not None else f"{_mg(step.flat_mg or 0)} mg flat"


def compute_bispecific(inp: BispecificInput) -> CalcResult:
    drug = BISPECIFICS[inp.drug]
    weight = inp.weight
    if drug.weight_based and weight is None:
        raise CalcInputError(
            "weight",
            f"weight (kg or lb) is required for {inp.drug}: its doses are mg/kg of actual body weight",
            "missing_field",
        )
    region = inp.region
    other_region: Region = "us" if region == "eu" else "eu"
    sched = drug.region(region)
    other = drug.region(other_region)
    region_name = {"eu": "EU SmPC", "us": "US label"}

    doses: list[dict[str, Any]] = []
    explanation: list[ExplanationRow] = []
    warnings: list[str] = []
    if weight is not None:
        explanation.append(
            ExplanationRow(
                item="Weight",
                value=f"{_mg(weight)} kg actual body weight" + ("" if drug.weight_based else " (not used: flat doses)"),
                points=None,
            )
        )
    for step, day, mon in zip(drug.steps, sched.days, sched.monitoring, strict=True):
        mg = _dose_mg(step, weight)
        doses.append(
            {
                "day": day,
                "dose_mg": mg,
                "monitoring": mon.text,
                "step": step.name,
                "mg_per_kg": step.mg_per_kg,
                "monitoring_status": mon.status,
            }
        )
        calc = f"{_mg(step.mg_per_kg)} mg/kg × {_mg(weight or 0)} kg = " if step.mg_per_kg is not None else ""
        explanation.append(
            ExplanationRow(item=f"Day {day}: {step.name}", value=f"{calc}{_mg(mg)} mg; {mon.text}", points=mg)
        )
        if mon.status == "UNCONFIRMED":
            warnings.append(f"UNCONFIRMED ({region_name[region]}): day {day} {step.name} — {mon.text}")
    if sched.premedication_status == "UNCONFIRMED":
        warnings.append(f"UNCONFIRMED premedication ({region_name[region]}): {sched.premedication}")
    for text, status in sched.then:
        if status == "UNCONFIRMED":
            warnings.append(f"UNCONFIRMED ({region_name[region]}): {text}")

    if sched.days != other.days or [m.text for m in sched.monitoring] != [m.text for m in other.monitoring]:
        other_days = "/".join(str(d) for d in other.days)
        these_days = "/".join(str(d) for d in sched.days)
        if len({m.text for m in other.monitoring}) == 1:
            other_mon = f"after each dose: {other.monitoring[0].text}"
        else:
            other_mon = "; ".join(f"day {d}: {m.text}" for d, m in zip(other.days, other.monitoring, strict=True))
        warnings.append(
            f"EU SmPC and US label differ for {drug.id}: this schedule ({region_name[region]}) uses days "
            f"{these_days}; the {region_name[other_region]} uses days {other_days} with {other_mon}"
        )
    if drug.weight_based:
        warnings.append(
            "doses are computed from actual body weight; the label's weight-band preparation table (injection "
            "volumes) may differ slightly — prepare from the label table"
        )

    days_text = ", ".join(f"day {d['day']} {_mg(d['dose_mg'])} mg" for d in doses)
    interpretation = (
        f"{drug.name}, {drug.route}, step-up schedule per the {region_name[region]}: {days_text}. "
        + " ".join(t[:1].upper() + t[1:] + "." for t, _ in sched.then)
        + f" Premedication: {sched.premedication}. Check the current label before use; CRS/ICANS grading and "
        "management: crs-grade, icans-grade and `mmguide toxicity`."
    )
    result: dict[str, Any] = {
        "doses": doses,
        "drug": drug.id,
        "name": drug.name,
        "region": region,
        "route": drug.route,
        "target": drug.target,
        "weight_kg": weight if drug.weight_based else None,
        "weight_basis": "actual body weight" if drug.weight_based else "flat doses (weight not used)",
        "steps": [{"step": s.name, "dose": _step_text(s)} for s in drug.steps],
        "premedication": {"text": sched.premedication, "status": sched.premedication_status},
        "timing": list(sched.timing),
        "then": [{"text": t, "status": s} for t, s in sched.then],
        "label_source": sched.source,
        "label_text_checked": LABEL_TEXT_CHECKED,
        "label_check_note": LABEL_CHECK_NOTE,
        "other_region": {
            "region": other_region,
            "days": list(other.days),
            "monitoring": [{"text": m.text, "status": m.status} for m in other.monitoring],
            "label_source": other.source,
        },
        "guideline": {"quote": drug.guideline_quote, "location": drug.guideline_location},
    }
    inputs: dict[str, Any] = {
        "drug": inp.drug,
        "weight": None if weight is None else {"value": weight, "unit": "kg"},
        "region": region,
    }
    return CalcResult(
        calculator="bispecific-step-up",
        result=result,
        inputs=inputs,
        explanation=explanation,
        interpretation=interpretation,
        warnings=warnings,
        references=[
            f"{sched.source}; label text checked {LABEL_TEXT_CHECKED} (secondary retrieval)",
            f"{other.source} (for comparison)",
            GUIDELINE + f" ({drug.guideline_location})",
        ],
        calculator_version=VERSION,
    )


def tocilizumab_headline(r: Mapping[str, Any]) -> str:
    return f"Tocilizumab {r['dose_mg']:g} mg per dose"


def bispecific_headline(r: Mapping[str, Any]) -> str:
    days = " · ".join(f"day {d['day']}: {d['dose_mg']:g} mg" for d in r["doses"])
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
    )
)
