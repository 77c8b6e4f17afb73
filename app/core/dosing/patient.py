"""Doses of a dosing card computed for one patient (``mmguide regimen ID --patient``).

Rules (the label facts of the card are the only source of a dose):
- mg/kg on actual body weight; mg/m² on the BSA by the method chosen (Mosteller by default, or
  DuBois; ``app.core.calculators.body``), both stated on every line.
- Caps as the label of that region gives them: a BSA cap (carfilzomib 2.2 m²) replaces the BSA
  above it; a maximum amount (carfilzomib KRd 44 / 60 mg) replaces a larger product; a mg/m² cap of
  a flat dose (selinexor 70 mg/m², unconfirmed) is computed as that patient's maximum.
- Rounding: none beyond showing 0.01 mg (or 0.01 × 10⁶ cells): no label text read gives a rounding
  rule; the strengths the label lists are shown beside a flat dose.
- A subgroup dose (age, weight) and a renal band are chosen from the patient's values, each with its
  condition; either one that changes the dose is the patient's dose line (``apply_renal``,
  :mod:`app.core.dosing.subgroup`), both at once are shown side by side, neither chosen.
  Lenalidomide's renal band comes from the guide's lenalidomide table
  (``app.core.calculators.renal_dosing``), the same rows as the creatinine clearance calculator.
- Creatinine clearance: entered, or Cockcroft–Gault (1976) on actual weight from creatinine, age
  and sex (``app.core.calculators.renal``).
Nothing of the patient is stored; no identifier is accepted.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictInt, model_validator

from app.core.calculators.body import dubois, mosteller
from app.core.calculators.renal import cockcroft_gault
from app.core.calculators.renal_dosing import (
    MAINTENANCE_HEADING,
    MAINTENANCE_USES,
    band_reason,
    guideline_quotes,
    lenalidomide_starting_dose,
)
from app.core.dosing.assemble import merged, merged_alternative, resolve, source_line, status, warning_of
from app.core.dosing.models import (
    NOT_IN_GUIDE,
    REGION_NAMES,
    Component,
    Dose,
    DosingContent,
    LabelFact,
    Region,
)
from app.core.dosing.subgroup import apply_subgroup
from app.core.strict import StrictInput
from app.core.units import CREATININE, CREATININE_CLEARANCE, HEIGHT, WEIGHT, Quantity

if TYPE_CHECKING:
    Weight = float
    Height = float
    Creatinine = float
    Clearance = float
else:
    Weight = Quantity(WEIGHT)
    Height = Quantity(HEIGHT)
    Creatinine = Quantity(CREATININE)
    Clearance = Quantity(CREATININE_CLEARANCE)

Age = Annotated[StrictInt, Field(ge=18, le=120, description="age in completed years (adults, 18–120)")]

NO_ROUNDING = "not rounded: no label text read gives a rounding rule (shown to 0.01)"
BSA_NAMES = {"mosteller": "Mosteller", "dubois": "DuBois"}


class PatientInput(StrictInput):
    """The patient's values; quantities with units as everywhere in the guide."""

    weight: Weight | None = Field(default=None, description="actual body weight (kg or lb)")
    height: Height | None = Field(default=None, description="height (cm, m or in)")
    age: Age | None = None
    sex: Literal["female", "male"] | None = Field(default=None, description="for Cockcroft–Gault")
    creatinine: Creatinine | None = Field(default=None, description="serum creatinine (mg/dL or µmol/L)")
    crcl: Clearance | None = Field(default=None, description="creatinine clearance (mL/min), if known")
    dialysis: StrictBool = False
    bsa_method: Literal["mosteller", "dubois"] = "mosteller"

    @model_validator(mode="after")
    def _one_renal_value(self) -> PatientInput:
        if self.creatinine is not None and self.crcl is not None:
            raise ValueError("crcl: give creatinine or crcl, not both")
        return self


class PatientError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _round(x: float, places: int = 2) -> float:
    q = Decimal(1).scaleb(-places)
    return float(Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP))


def num(x: float) -> str:
    """A number as shown: thousands separated, up to 2 decimals, no trailing zeros."""
    text = f"{_round(x):,.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _is_cells(unit: str) -> bool:
    return "cell" in unit.lower()


def amount(x: float, unit: str) -> str:
    if _is_cells(unit):
        return f"{num(x / 1e6)} × 10⁶ {unit}"
    return f"{num(x)} {unit}"


def per_text(dose: Dose) -> str:
    per = {"kg": "/kg", "m2": "/m²", None: ""}[dose.per]
    if _is_cells(dose.unit):
        lo = f"{num(dose.value / 1e6)}"
        hi = f"–{num(dose.value_max / 1e6)}" if dose.value_max is not None else ""
        return f"{lo}{hi} × 10⁶ {dose.unit}{per}"
    hi = f"–{num(dose.value_max)}" if dose.value_max is not None else ""
    return f"{num(dose.value)}{hi} {dose.unit}{per}"


def derive(p: PatientInput) -> dict[str, Any]:
    """BSA and creatinine clearance with how they were obtained; the inputs with their units."""
    inputs: list[dict[str, Any]] = []
    for name, value, unit in (
        ("weight", p.weight, "kg"),
        ("height", p.height, "cm"),
        ("age", p.age, "years"),
        ("creatinine", p.creatinine, "mg/dL"),
        ("crcl", p.crcl, "mL/min"),
    ):
        if value is not None:
            shown = value if isinstance(value, int) else _round(float(value), 2)
            inputs.append({"name": name, "value": shown, "unit": unit})
    if p.sex is not None:
        inputs.append({"name": "sex", "value": p.sex, "unit": None})
    inputs.append({"name": "dialysis", "value": "yes" if p.dialysis else "no", "unit": None})
    bsa: dict[str, Any] | None = None
    if p.weight is not None and p.height is not None:
        fn = mosteller if p.bsa_method == "mosteller" else dubois
        value = round(fn(p.height, p.weight), 3)
        formula = (
            f"√({num(p.height)} cm × {num(p.weight)} kg / 3600)"
            if p.bsa_method == "mosteller"
            else f"0.007184 × {num(p.height)}^0.725 × {num(p.weight)}^0.425"
        )
        bsa = {
            "value": value,
            "unit": "m²",
            "method": BSA_NAMES[p.bsa_method],
            "formula": f"{formula} = {value:.3f} m²",
        }
    crcl: dict[str, Any] | None = None
    if p.crcl is not None:
        crcl = {
            "value": round(float(p.crcl), 1),
            "unit": "mL/min",
            "method": "entered",
            "formula": f"{round(float(p.crcl), 1):g} mL/min, as entered",
        }
    elif p.creatinine is not None:
        missing = [n for n, v in (("age", p.age), ("sex", p.sex), ("weight", p.weight)) if v is None]
        if missing:
            raise PatientError(
                missing[0],
                f"{missing[0]} is needed with creatinine (Cockcroft–Gault uses age, sex and actual weight); "
                "or give crcl instead",
            )
        assert p.age is not None and p.sex is not None and p.weight is not None
        value = round(cockcroft_gault(float(p.age), p.sex, p.weight, p.creatinine), 1)
        female = " × 0.85" if p.sex == "female" else ""
        crcl = {
            "value": value,
            "unit": "mL/min",
            "method": "Cockcroft–Gault on actual body weight",
            "formula": f"(140 − {p.age}) × {num(p.weight)} kg / (72 × {num(p.creatinine)} mg/dL){female}"
            f" = {value:g} mL/min",
        }
    return {"inputs": inputs, "bsa": bsa, "crcl": crcl}


def _values(p: PatientInput, derived: dict[str, Any]) -> dict[str, float | bool | None]:
    crcl = derived["crcl"]["value"] if derived["crcl"] else None
    return {"age": p.age, "weight": p.weight, "crcl": crcl, "dialysis": p.dialysis}


def _strengths(facts: list[LabelFact]) -> tuple[list[float], LabelFact | None]:
    for f in facts:
        if f.strengths_mg:
            return list(f.strengths_mg), f
    return [], None


def _rounding(dose: Dose, value: float | None, strengths: tuple[list[float], LabelFact | None]) -> str:
    mg, fact = strengths
    if not mg or fact is None or _is_cells(dose.unit):
        return NO_ROUNDING
    flag = "" if fact.confirmed else " [UNCONFIRMED]"
    listed = ", ".join(num(s) for s in mg)
    if dose.per is None and value is not None and value in mg:
        return f"one {num(value)} mg unit; strengths the label lists: {listed} mg{flag}"
    return f"{NO_ROUNDING}; strengths the label lists: {listed} mg{flag}"


def dose_line(
    content: DosingContent,
    fact: LabelFact,
    dose: Dose,
    label: str,
    p: PatientInput,
    derived: dict[str, Any],
    caps: list[LabelFact],
    strengths: tuple[list[float], LabelFact | None],
) -> dict[str, Any]:
    """One computed dose: basis, formula, cap, rounding, status and source of the fact."""
    needs: list[str] = []
    basis = ""
    formula = ""
    cap_text: str | None = None
    cap_status: str | None = None
    lo: float | None = None
    hi: float | None = None
    if dose.per == "kg":
        if p.weight is None:
            needs.append("weight")
        else:
            basis = f"actual body weight {num(p.weight)} kg"
            lo = dose.value * p.weight
            hi = dose.value_max * p.weight if dose.value_max is not None else None
            formula = f"{per_text(dose)} × {num(p.weight)} kg = {_range(lo, hi, dose.unit)}"
    elif dose.per == "m2":
        bsa = derived["bsa"]
        if bsa is None:
            needs += [n for n, v in (("weight", p.weight), ("height", p.height)) if v is None]
        else:
            used = float(bsa["value"])
            basis = f"BSA {used:.3f} m² ({bsa['method']})"
            cap = next((c for c in caps if c.cap and c.cap.bsa_m2), None)
            if cap is not None and cap.cap is not None and cap.cap.bsa_m2 is not None:
                limit = cap.cap.bsa_m2
                if used > limit:
                    cap_text = f"BSA {used:.3f} m² > {num(limit)} m² cap: dosed on {num(limit)} m²"
                    used = limit
                else:
                    cap_text = f"BSA {used:.3f} m² ≤ {num(limit)} m² cap: not capped"
                cap_status = status(cap)
            lo = dose.value * used
            hi = dose.value_max * used if dose.value_max is not None else None
            formula = f"{per_text(dose)} × {used:.3f} m² = {_range(lo, hi, dose.unit)}"
    else:
        lo = dose.value
        hi = dose.value_max
        formula = f"{_range(lo, hi, dose.unit)} (flat dose, not weight- or BSA-based)"
    if lo is not None and dose.max_total is not None:
        over = (hi if hi is not None else lo) > dose.max_total
        if over:
            cap_amount = amount(dose.max_total, dose.unit)
            text = f"{_range(lo, hi, dose.unit)} > maximum {cap_amount}: {cap_amount}"
            lo = min(lo, dose.max_total)
            hi = min(hi, dose.max_total) if hi is not None else None
        else:
            text = f"within the maximum of {amount(dose.max_total, dose.unit)}"
        cap_text = f"{cap_text}; {text}" if cap_text else text
        cap_status = cap_status or status(fact)
    result = None
    if lo is not None:
        result = {
            "value": _round(lo, 2),
            "value_max": _round(hi, 2) if hi is not None else None,
            "unit": dose.unit,
            "text": _range(lo, hi, dose.unit),
        }
    line_status = status(fact)
    if cap_status == "UNCONFIRMED" and line_status == "CONFIRMED":
        line_status = "UNCONFIRMED"
    warning = warning_of(content, fact, label)
    if cap_status == "UNCONFIRMED" and warning is None:
        warning = (
            f"UNCONFIRMED ({REGION_NAMES[fact.region]}): the cap applied to {label} is not confirmed in label text"
        )
    return {
        "label": label,
        "region": fact.region,
        "per_unit": per_text(dose),
        "basis": basis,
        "formula": formula,
        "cap": cap_text,
        "rounding": _rounding(dose, lo, strengths),
        "result": result,
        "needs": needs,
        "confirmed": line_status == "CONFIRMED",
        "status": line_status,
        "warning": warning,
        "source": source_line(content, fact),
    }


def _range(lo: float, hi: float | None, unit: str) -> str:
    if hi is None:
        return amount(lo, unit)
    if _is_cells(unit):
        return f"{num(lo / 1e6)}–{num(hi / 1e6)} × 10⁶ {unit}"
    return f"{num(lo)}–{num(hi)} {unit}"


def _applies(fact: LabelFact, values: dict[str, float | bool | None]) -> tuple[bool | None, str]:
    if fact.when is None:
        return None, ""
    verdict = fact.when.matches(values)
    cond = fact.when.describe()
    if verdict is None:
        missing = sorted(k for k in fact.when.needs() if values.get(k) is None)
        return None, f"{cond}: needs {', '.join(missing)}"
    return verdict, f"{cond}: {'applies' if verdict else 'does not apply'} to this patient"


def component_doses(
    content: DosingContent,
    comp: Component,
    region: Region,
    p: PatientInput,
    derived: dict[str, Any],
    name: str,
    regimen: str = "",
) -> dict[str, Any]:
    facts = merged(content, comp)
    mine = {t: [f for f in fs if f.region == region] for t, fs in facts.items()}
    caps = [f for f in mine["caps"] if f.text is not None]
    strengths = _strengths(mine["strengths"])
    values = _values(p, derived)
    lines: list[dict[str, Any]] = []
    for fact in mine["dose"]:
        if fact.text is None:
            continue
        opt = f" [{fact.option}]" if fact.option else ""
        if fact.rows and any(r.dose for r in fact.rows):
            for r in fact.rows:
                if r.dose is not None:
                    lines.append(
                        dose_line(content, fact, r.dose, f"{name}{opt}: {r.text()}", p, derived, caps, strengths)
                    )
        elif fact.dose is not None:
            lines.append(dose_line(content, fact, fact.dose, f"{name}{opt}: dose", p, derived, caps, strengths))
    for fact in mine["schedule"]:
        if fact.text is None:
            continue
        opt = f" [{fact.option}]" if fact.option else ""
        for r in fact.rows:
            if r.dose is not None:
                lines.append(dose_line(content, fact, r.dose, f"{name}{opt}: {r.text()}", p, derived, caps, strengths))
    base = len(lines)
    selected: list[dict[str, Any]] = []
    for fact in mine["variants"]:
        if fact.text is None:
            continue
        verdict, why = _applies(fact, values)
        entry: dict[str, Any] = {
            "text": fact.text,
            "condition": why,
            "applies": verdict,
            "status": status(fact),
            "warning": warning_of(content, fact, f"{name} dose for a subgroup"),
            "source": source_line(content, fact),
        }
        if fact.when is not None:
            entry["when"] = fact.when.describe()
            entry["why"] = fact.when.reason(values)
            entry["needs"] = sorted(k for k in fact.when.needs() if values.get(k) is None)
        if fact.dose is not None:
            entry["line"] = dose_line(content, fact, fact.dose, f"{name}: {fact.text}", p, derived, caps, strengths)
        selected.append(entry)
    for fact in caps:
        if fact.cap is not None and fact.cap.mg_per_m2 is not None:
            bsa = derived["bsa"]
            limit = None if bsa is None else fact.cap.mg_per_m2 * float(bsa["value"])
            lines.append(
                {
                    "label": f"{name}: maximum per dose ({num(fact.cap.mg_per_m2)} mg/m²)",
                    "region": region,
                    "per_unit": f"{num(fact.cap.mg_per_m2)} mg/m²",
                    "basis": f"BSA {bsa['value']:.3f} m² ({bsa['method']})" if bsa else "",
                    "formula": f"{num(fact.cap.mg_per_m2)} mg/m² × {bsa['value']:.3f} m² = {num(limit)} mg maximum"
                    if bsa and limit is not None
                    else "",
                    "cap": None,
                    "rounding": NO_ROUNDING,
                    "result": {
                        "value": _round(limit, 2),
                        "value_max": None,
                        "unit": "mg",
                        "text": f"{num(limit)} mg maximum",
                    }
                    if limit is not None
                    else None,
                    "needs": [] if bsa else [n for n, v in (("weight", p.weight), ("height", p.height)) if v is None],
                    "confirmed": fact.confirmed,
                    "status": status(fact),
                    "warning": warning_of(content, fact, f"{name} cap"),
                    "source": source_line(content, fact),
                }
            )
    for alt in comp.alternatives:
        alt_facts = merged_alternative(content, alt)
        alt_strengths = _strengths([f for f in alt_facts["strengths"] if f.region == region])
        for fact in alt_facts["dose"]:
            if fact.region == region and fact.text is not None and fact.dose is not None:
                lines.append(
                    dose_line(content, fact, fact.dose, f"{name} ({alt.label}): dose", p, derived, caps, alt_strengths)
                )
    guideline = []
    for g in comp.guideline:
        if g.dose is None:
            continue
        line = _guideline_line(g.text, g.dose, g.when, p, derived)
        line["source"] = f"EHA–EMN 2025 guideline, {g.source.location}: “{g.source.quote}”"
        guideline.append(line)
    renal = renal_band(content, comp, mine["renal"], region, values, name, regimen)
    patient_dose = apply_renal(content, lines, base, renal, name, region, p, derived, caps, strengths)
    patient_dose = apply_subgroup(lines, base, selected, patient_dose, name)
    subgroup = subgroup_flag(content, comp, mine["variants"], region, p)
    if subgroup is not None:
        for line in lines[:base] if patient_dose["applies"] != "renal band" else lines[:1]:
            line["subgroup"] = subgroup
    return {
        "drug": comp.drug,
        "name": name,
        "region": region,
        "lines": lines,
        "variants": selected,
        "renal": renal,
        "patient_dose": patient_dose,
        "guideline": guideline,
    }


def apply_renal(
    content: DosingContent,
    lines: list[dict[str, Any]],
    base: int,
    renal: dict[str, Any],
    name: str,
    region: Region,
    p: PatientInput,
    derived: dict[str, Any],
    caps: list[LabelFact],
    strengths: tuple[list[float], LabelFact | None],
) -> dict[str, Any]:
    """Which dose applies to this patient, marked on each of the first ``base`` (label dose) lines.

    A renal band that replaces the starting dose becomes the first line, the patient's dose, with the
    band's status and source; the label's starting doses stay, each marked "not for this patient" with
    why. Without a creatinine clearance the band is undetermined, said next to each dose."""
    replaces = renal.get("replaces")
    for line in lines:
        line.setdefault("for_patient", True)
    if replaces is not None:
        why = str(replaces["why"])
        if "row" in replaces:
            row = replaces["row"]
            line = {
                "label": f"{name}: renal-adjusted starting dose ({row.band})",
                "region": region,
                "per_unit": "",
                "basis": "",
                "formula": f"{why} → {row.dose}",
                "cap": None,
                "rounding": "as the renal row gives it",
                "result": {"value": row.dose_mg, "value_max": None, "unit": "mg", "text": row.dose},
                "needs": [],
                "confirmed": replaces["status"] == "CONFIRMED",
                "status": replaces["status"],
                "warning": None,
                "source": row.source,
            }
        else:
            fact = replaces["fact"]
            line = dose_line(
                content, fact, fact.dose, f"{name}: renal-adjusted starting dose ({why})", p, derived, caps, strengths
            )
            line["basis"] = f"renal band: {why}" + (f"; {line['basis']}" if line["basis"] else "")
        line["for_patient"] = True
        line["renal_adjusted"] = True
        for old in lines[:base]:
            old["for_patient"] = False
            old["not_for_patient"] = f"not for this patient: {why}; the renal-adjusted dose applies"
        lines.insert(0, line)
        return {"applies": "renal band", "why": why, "dose": line["result"]["text"] if line["result"] else None}
    if renal["status"] == "needs" and base:
        for old in lines[:base]:
            old["for_patient"] = None
            old["renal_note"] = "renal band undetermined: needs creatinine clearance — this is the dose before " \
                "any renal adjustment"
        return {"applies": "renal band undetermined", "why": renal["text"]}
    if renal.get("maintenance") and base:
        for old in lines[:base]:
            old["for_patient"] = None
            old["renal_note"] = "renal adjustment of the maintenance dose: not confirmed in a source — check the label"
        return {"applies": "renal band undetermined", "why": renal["text"]}
    if renal.get("band") and base:
        for old in lines[:base]:
            old["renal_note"] = f"renal band: {renal.get('why') or renal['band']} → no adjustment"
        return {"applies": "label dose", "why": f"renal band {renal['band']}: no adjustment"}
    return {"applies": "label dose", "why": "no renal band of this guide changes this dose"}


def subgroup_flag(
    content: DosingContent, comp: Component, variants: list[LabelFact], region: Region, p: PatientInput
) -> dict[str, Any] | None:
    """For a patient of an age at which another card of this guide gives this drug a lower subgroup dose,
    while this card's label text gives none: the card's "not in this guide" status next to the dose
    (no dose is derived from the other cards)."""
    mine = [f for f in variants if f.region == region]
    if p.age is None or not mine or any(f.text is not None for f in mine):
        return None
    ages: list[tuple[float, bool, str]] = []
    for card in content.cards:
        for c in card.components:
            if c.drug != comp.drug:
                continue
            for f in merged(content, c)["variants"]:
                if f.text is None or f.when is None:
                    continue
                if f.when.age_gte is not None:
                    ages.append((f.when.age_gte, True, card.regimen))
                elif f.when.age_gt is not None:
                    ages.append((f.when.age_gt, False, card.regimen))
    hits = sorted({(a, ge, r) for a, ge, r in ages if (p.age >= a if ge else p.age > a)})
    if not hits:
        return None
    limit = min(a for a, _ge, _r in hits)
    cards = ", ".join(sorted({r for _a, _ge, r in hits}))
    note = next((f.note for f in mine if f.note), "")
    return {
        "status": "NOT IN THIS GUIDE",
        "text": f"age {p.age}: dose for a subgroup — {NOT_IN_GUIDE} (this label text gives no subgroup dose; "
        f"other cards of this guide give a lower dose from age {limit:g} ({cards}): none is applied here)",
        "note": note,
    }


def _guideline_line(
    text: str, dose: Dose, when: str | None, p: PatientInput, derived: dict[str, Any]
) -> dict[str, Any]:
    """A dose the guideline gives (e.g. HDM 200 mg/m²), computed like a label dose."""
    bsa = derived["bsa"]
    line: dict[str, Any] = {
        "label": text,
        "region": "guideline",
        "per_unit": per_text(dose),
        "when": when,
        "cap": None,
        "rounding": NO_ROUNDING,
        "confirmed": True,
        "status": "GUIDELINE",
        "warning": None,
    }
    if dose.per == "m2" and bsa is not None:
        lo = dose.value * float(bsa["value"])
        hi = dose.value_max * float(bsa["value"]) if dose.value_max is not None else None
        line.update(
            basis=f"BSA {bsa['value']:.3f} m² ({bsa['method']})",
            formula=f"{per_text(dose)} × {bsa['value']:.3f} m² = {_range(lo, hi, dose.unit)}",
            result={
                "value": _round(lo),
                "value_max": _round(hi) if hi is not None else None,
                "unit": dose.unit,
                "text": _range(lo, hi, dose.unit),
            },
            needs=[],
        )
    else:
        line.update(
            basis="",
            formula="",
            result=None,
            needs=[n for n, v in (("weight", p.weight), ("height", p.height)) if v is None],
        )
    return line


def renal_band(
    content: DosingContent,
    comp: Component,
    renal: list[LabelFact],
    region: Region,
    values: dict[str, float | bool | None],
    name: str,
    regimen: str = "",
) -> dict[str, Any]:
    """The renal band chosen for this patient, with its condition and source (or why none).

    ``replaces``: the band's starting dose when it replaces the label dose for this patient (it is then
    the patient's dose line, :func:`apply_renal`)."""
    crcl = values.get("crcl")
    dialysis = bool(values.get("dialysis"))
    if comp.renal_table == "lenalidomide-25mg":
        return _lenalidomide_band(comp, region, crcl, dialysis, regimen)
    if comp.drug == "lenalidomide" and regimen in MAINTENANCE_USES:
        return _maintenance_band(renal, region, regimen)
    structured = [f for f in renal if f.text is not None and f.when is not None]
    texts = [f for f in renal if f.text is not None and f.when is None]
    if structured:
        if crcl is None and not dialysis:
            return {
                "status": "needs",
                "text": "needs creatinine clearance",
                "source": source_line(content, structured[0]),
            }
        for f in structured:
            if f.when is not None and f.when.matches(values):
                dose = f" → {f.dose.text()}" if f.dose else ""
                out: dict[str, Any] = {
                    "status": status(f),
                    "band": f.when.describe(),
                    "text": f"{f.text}{dose}",
                    "source": source_line(content, f),
                    "warning": warning_of(content, f, f"{name} renal band"),
                }
                if f.dose is not None:
                    out["replaces"] = {"fact": f, "why": f"{_crcl_text(crcl, dialysis)}: {f.when.describe()}"}
                return out
        conds = "; ".join(f.when.describe() for f in structured if f.when is not None)
        return {
            "status": "no-band",
            "text": f"no renal band of the label text read applies at this clearance (bands read: {conds})",
            "source": source_line(content, structured[0]),
        }
    if texts:
        f = texts[0]
        return {
            "status": status(f),
            "text": f.text,
            "source": source_line(content, f),
            "warning": warning_of(content, f, f"{name} renal impairment"),
        }
    note = next((f.note for f in renal), "")
    out = {"status": "NOT FOUND", "text": f"renal adjustment: {NOT_IN_GUIDE}", "note": note, "source": None}
    quotes = [q for q in guideline_quotes(comp.drug) if comp.drug != "lenalidomide"]
    if quotes:
        out["guideline"] = [
            f"the guideline (not the label): “{q['quote']}” ({q['location']})" for q in quotes
        ] + _outside_guideline(comp.drug, crcl)
    return out


def _crcl_text(crcl: float | bool | None, dialysis: bool) -> str:
    if dialysis:
        return "on dialysis"
    return f"CrCl {float(crcl):g} mL/min" if isinstance(crcl, int | float) else "CrCl not given"


def _outside_guideline(drug: str, crcl: float | bool | None) -> list[str]:
    """The guideline's carfilzomib statement covers creatinine clearance > 15 ml/min only."""
    if drug == "carfilzomib" and isinstance(crcl, int | float) and not isinstance(crcl, bool) and crcl <= 15:
        return [f"CrCl {float(crcl):g} mL/min is ≤ 15 mL/min: outside the guideline's statement"]
    return []


def _lenalidomide_band(
    comp: Component, region: Region, crcl: float | bool | None, dialysis: bool, regimen: str
) -> dict[str, Any]:
    """The row of the guide's lenalidomide table (the creatinine clearance calculator's rows)."""
    table = (
        "the guide's lenalidomide renal table (the same rows as the creatinine clearance calculator): "
        "the 25 mg regimen's starting dose"
    )
    if crcl is None and not dialysis:
        return {
            "status": "needs",
            "text": "renal band undetermined: needs creatinine clearance (creatinine with age, sex and weight, "
            "or crcl)",
            "source": "the guide's lenalidomide renal table",
            "table": table,
        }
    start = lenalidomide_starting_dose(float(crcl if isinstance(crcl, int | float) else 0.0), dialysis=dialysis)
    row = start.eu if region == "eu" else start.us
    them = start.us if region == "eu" else start.eu
    row_status: str = row.status
    warnings = [w for w in start.warnings if crcl is not None or "not been studied" not in w]
    if comp.renal_table_note:
        row_status = "UNCONFIRMED"
        warnings.insert(0, f"UNCONFIRMED for {regimen or 'this regimen'}: {comp.renal_table_note}")
    why = f"{band_reason(region, None if crcl is None else float(crcl), dialysis)} (renal band {row.band})"
    out: dict[str, Any] = {
        "status": row_status,
        "band": row.band,
        "text": row.dose,
        "why": why,
        "source": row.source,
        "table": table,
        "other_region": f"{REGION_NAMES[them.region]}: {them.band} → {them.dose} [{them.status}]",
        "warnings": warnings,
    }
    if row.dose_mg != 25.0:
        out["replaces"] = {"row": row, "status": row_status, "why": why}
    return out


def _maintenance_band(renal: list[LabelFact], region: Region, regimen: str) -> dict[str, Any]:
    """Lenalidomide maintenance: the maintenance block's renal facts, never the 25 mg table."""
    notes = [f.note.removeprefix("NOT FOUND: ") for f in renal if f.text is None and f.note]
    return {
        "status": "UNCONFIRMED",
        "text": "renal adjustment of the maintenance dose: not confirmed in a source — check the label "
        "(the 25 mg Rd starting-dose table is NOT the maintenance dose)",
        "source": f"the lenalidomide maintenance block ({MAINTENANCE_HEADING}; card {regimen})",
        "warnings": notes,
        "maintenance": True,
    }


def compute(
    content: DosingContent, regimen: str, region: Region, p: PatientInput, drug_names: dict[str, str] | None = None
) -> dict[str, Any]:
    """The card's doses for this patient in ``region``."""
    derived = derive(p)
    card = resolve(content, regimen)
    names = drug_names or {}
    comps = [
        component_doses(content, c, region, p, derived, c.name or names.get(c.drug, c.drug), regimen)
        for c in card.components
    ]
    warnings: list[str] = []
    for c in comps:
        for line in c["lines"]:
            if line["needs"]:
                warnings.append(f"{line['label']}: needs {', '.join(line['needs'])}")
    if derived["bsa"] is not None and p.weight is not None and p.height is not None:
        other = dubois(p.height, p.weight) if p.bsa_method == "mosteller" else mosteller(p.height, p.weight)
        if abs(other - derived["bsa"]["value"]) / derived["bsa"]["value"] > 0.05:
            warnings.append("Mosteller and DuBois differ by more than 5% at this body size: use the protocol's method")
    if derived["crcl"] is not None and not math.isfinite(derived["crcl"]["value"]):
        raise PatientError("creatinine", "creatinine: the clearance could not be computed")
    return {
        "region": region,
        "region_name": REGION_NAMES[region],
        "inputs": derived["inputs"],
        "bsa": derived["bsa"],
        "crcl": derived["crcl"],
        "weight_basis": "actual body weight",
        "rounding": NO_ROUNDING,
        "components": comps,
        "warnings": warnings,
    }
