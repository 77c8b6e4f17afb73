"""Renal dosing facts: lenalidomide starting dose by creatinine clearance, other myeloma drugs.

Pure data and functions, no calculator of its own: the ``crcl`` calculator (renal.py) shows the
lenalidomide rows for its value, and ``bsa`` (body.py) shows the carfilzomib BSA cap.

Sources (shared/reference/scoring-rules.md §11c–§11d, each row with its status):
- Lenalidomide, EU SmPC (Revlimid): the guide follows this. ≥ 50 mL/min 25 mg daily;
  30 ≤ CLcr < 50 10 mg daily; < 30 without dialysis 7.5 mg daily (current SmPC, where the
  capsule exists; UNCONFIRMED as table text) or 15 mg every other day (older SmPC, CONFIRMED);
  dialysis 5 mg daily, after dialysis on dialysis days.
- Lenalidomide, US label, shown beside it where it differs: adjustment starts below 60 mL/min.
- These are the starting doses of the 25 mg regimen given with dexamethasone, NOT the maintenance
  dose after ASCT. Lenalidomide maintenance (R, DaraR, IsaR) has its own label facts: those of the
  R dosing card (resources/content/labels, :class:`app.core.dosing.models.LabelFact`, the one way a
  label fact is held), each with its document, section, revision and the date it was checked; what
  could not be read in a stored copy of the label is UNCONFIRMED.
- The guideline's own renal statements, verbatim with their locations (checked against the
  guideline text by tests/core/test_calc_renal.py).

Bands use the creatinine clearance rounded to one decimal, the value the user sees, so that a
displayed "50.0" never gives the < 50 dose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from app.core.dosing.models import LabelFact

Status = Literal["CONFIRMED", "UNCONFIRMED", "DISAGREEMENT"]
Region = Literal["eu", "us"]

LENALIDOMIDE_EU_SOURCE = (
    "Revlimid (lenalidomide) EU SmPC, section 4.2 renal impairment, multiple myeloma 25 mg regimen; older SmPC "
    "text mirrored at 120ty.net; the 7.5 mg capsule per the current SmPC capsule list (secondary retrieval "
    "recorded in the app's reference notes)"
)
LENALIDOMIDE_US_SOURCE = (
    "REVLIMID (lenalidomide) US Prescribing Information, dosage adjustment for renal impairment (secondary "
    "retrieval via drugs.com and 120ty.net)"
)
US_SUMMARY_ONLY = (
    "re-checked 2026-12-06: this row was read only in the drugs.com summary of the US label "
    "(\"CrCl 30 to less than 60 mL/min … 10 mg every 24 hours\"; \"CrCl 11 to less than 30 mL/min not requiring "
    "dialysis … 15 mg every 48 hours\"), not in label text"
)
US_DIALYSIS_NOT_FOUND = "re-checked 2026-12-06: the US dialysis row was not found in any stored copy of the US label"
CARFILZOMIB_BSA_CAP_M2 = 2.2
CARFILZOMIB_CAP_SOURCE = (
    "Kyprolis (carfilzomib) US Prescribing Information / EU SmPC: dose calculated on actual BSA; patients with "
    "BSA > 2.2 m² receive a dose based on 2.2 m² (CONFIRMED via kyprolis-hcp.com)"
)

BORDERLINE_ML_MIN = 3.0


@dataclass(frozen=True)
class GuidelineQuote:
    id: str
    drugs: tuple[str, ...]
    quote: str
    location: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "drugs": list(self.drugs), "quote": self.quote, "location": self.location}


_REC = "Supportive care › Recommendations"
_BOX2 = "Box 2 › Impaired renal function"

GUIDELINE_RENAL_QUOTES: tuple[GuidelineQuote, ...] = (
    GuidelineQuote(
        "renal-text-lenalidomide",
        ("lenalidomide",),
        "Lenalidomide is typically given at reduced doses according to renal function because it is cleared "
        "through the kidneys. However, a phase I/II trial demonstrated that lenalidomide can be given at the "
        "full dose of 25 mg daily to patients without severe renal impairment (creatinine clearance > 30 "
        "ml/min) and at a dose of ≥ 15 mg daily to those with creatinine clearance < 30 ml/min, even when on "
        "dialysis.",
        "Supportive care › Common complications and adverse events in patients with MM › Renal impairment",
    ),
    GuidelineQuote(
        "renal-rec-lenalidomide",
        ("lenalidomide",),
        "Lenalidomide is also effective and safe in patients with mild to moderate renal impairment and should "
        "be administered with dose adjustments according to creatinine clearance [II, B].",
        f"{_REC} (impaired renal function)",
    ),
    GuidelineQuote(
        "renal-box2-lenalidomide-substitution",
        ("lenalidomide", "thalidomide", "cyclophosphamide"),
        "If reversal of renal impairment is observed, thalidomide or cyclophosphamide might be substituted by "
        "lenalidomide [panel consensus; V, B].",
        f"{_BOX2}, bullet 3",
    ),
    GuidelineQuote(
        "renal-rec-pomalidomide",
        ("pomalidomide",),
        "Pomalidomide can be administered at standard doses in patients with severe renal impairment, even "
        "those on dialysis [II, B].",
        f"{_REC} (impaired renal function)",
    ),
    GuidelineQuote(
        "renal-rec-carfilzomib",
        ("carfilzomib",),
        "Carfilzomib is another option in patients with RRMM and renal impairment and it needs no dose "
        "modifications in those with creatinine clearance >15 ml/min, with similar outcomes in patients with "
        "and without renal impairment [II, B].",
        f"{_REC} (impaired renal function)",
    ),
    GuidelineQuote(
        "renal-rec-ixazomib",
        ("ixazomib",),
        "Ixazomib can be safely administered in combination with lenalidomide and dexamethasone in patients "
        "with RRMM and creatinine clearance ≥30 ml/min [II, B].",
        f"{_REC} (impaired renal function)",
    ),
    GuidelineQuote(
        "renal-box2-no-modification",
        ("pomalidomide", "carfilzomib", "ixazomib", "daratumumab", "isatuximab"),
        "Pomalidomide, carfilzomib, ixazomib, daratumumab and isatuximab need no dose modifications in patients "
        "with renal impairment [II, B].",
        f"{_BOX2}, bullet 4",
    ),
    GuidelineQuote(
        "renal-rec-daratumumab",
        ("daratumumab",),
        "Daratumumab can be also given to patients with severe renal impairment [II, B].",
        f"{_REC} (impaired renal function)",
    ),
    GuidelineQuote(
        "renal-rec-thalidomide",
        ("thalidomide",),
        "Thalidomide is effective and safe in patients with MM and renal impairment and can be given without "
        "dose modifications [II, B].",
        f"{_REC} (impaired renal function)",
    ),
    GuidelineQuote(
        "renal-rec-melphalan",
        ("melphalan",),
        "HDM-ASCT is feasible in patients with MM and renal impairment; the dose of melphalan should be "
        "restricted to 100–140 mg/m² [III, C].",
        f"{_REC} (impaired renal function)",
    ),
    GuidelineQuote(
        "renal-box2-car-t",
        ("ciltacabtagene-autoleucel", "idecabtagene-vicleucel"),
        "CAR T cells can be given in patients with mild to moderate renal impairment [II, B].",
        f"{_BOX2}, bullet 5",
    ),
    GuidelineQuote(
        "renal-box2-teclistamab",
        ("teclistamab",),
        "Teclistamab can be given to patients with MM-related renal impairment, even including those undergoing "
        "dialysis [III, C].",
        f"{_BOX2}, bullet 6",
    ),
    GuidelineQuote(
        "renal-rec-bone",
        ("aminobisphosphonates", "zoledronic-acid", "denosumab"),
        "In patients with severe renal impairment aminobisphosphonates are not recommended because they are "
        "cleared through the kidneys. Denosumab is a reasonable option but caution is needed owing to a high "
        "risk of hypocalcaemia [III, C].",
        f"{_REC} (bone disease)",
    ),
)


def _quote(quote_id: str) -> str:
    return next(q.quote for q in GUIDELINE_RENAL_QUOTES if q.id == quote_id)


def guideline_quotes(drug: str) -> list[dict[str, Any]]:
    """The guideline's renal statements that name ``drug`` (a drug id), as dicts."""
    return [q.as_dict() for q in GUIDELINE_RENAL_QUOTES if drug in q.drugs]


@dataclass(frozen=True)
class DoseRow:
    region: Region
    band: str
    dose: str
    dose_mg: float
    options: tuple[str, ...]  # canonical "mg every h" keys used to compare regions
    notes: tuple[str, ...]
    source: str
    status: Status
    status_note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "band": self.band,
            "dose": self.dose,
            "dose_mg": self.dose_mg,
            "notes": list(self.notes),
            "source": self.source,
            "status": self.status,
            "status_note": self.status_note,
        }


@dataclass(frozen=True)
class LenalidomideStart:
    crcl_ml_min: float
    dialysis: bool
    eu: DoseRow
    us: DoseRow
    differ: bool
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "crcl_ml_min": self.crcl_ml_min,
            "dialysis": self.dialysis,
            "regimen": "multiple myeloma 25 mg regimen (days 1–21 of 28-day cycles): starting dose",
            "table": RD_TABLE_HEADING,
            "not_for_maintenance": f"{NOT_FOR_MAINTENANCE} {MAINTENANCE_POINTER}",
            "eu": self.eu.as_dict(),
            "us": self.us.as_dict(),
            "eu_us_differ": self.differ,
            "followed": "eu",
            "guideline": guideline_quotes("lenalidomide"),
        }


_CYCLE = "days 1–21 of repeated 28-day cycles"


def _eu_row(c: float, dialysis: bool) -> DoseRow:
    if dialysis:
        return DoseRow(
            "eu",
            "CLcr < 30 mL/min requiring dialysis (end-stage renal disease)",
            "5 mg once daily; on dialysis days give the dose after dialysis",
            5.0,
            ("5 mg q24h",),
            (_CYCLE,),
            LENALIDOMIDE_EU_SOURCE,
            "CONFIRMED",
        )
    if c >= 50:
        return DoseRow(
            "eu",
            "CLcr ≥ 50 mL/min (normal or mild impairment)",
            "25 mg once daily (no adjustment)",
            25.0,
            ("25 mg q24h",),
            (_CYCLE,),
            LENALIDOMIDE_EU_SOURCE,
            "CONFIRMED",
        )
    if c >= 30:
        return DoseRow(
            "eu",
            "30 ≤ CLcr < 50 mL/min (moderate impairment)",
            "10 mg once daily",
            10.0,
            ("10 mg q24h",),
            (
                _CYCLE,
                "may be escalated to 15 mg once daily after 2 cycles if the patient is not responding and is "
                "tolerating the treatment",
            ),
            LENALIDOMIDE_EU_SOURCE,
            "CONFIRMED",
        )
    return DoseRow(
        "eu",
        "CLcr < 30 mL/min, not requiring dialysis (severe impairment)",
        "7.5 mg once daily (where the 7.5 mg capsule is available) or 15 mg every other day",
        7.5,
        ("7.5 mg q24h", "15 mg q48h"),
        (_CYCLE, "older SmPC text: 15 mg every other day; may be escalated to 10 mg once daily if tolerated"),
        LENALIDOMIDE_EU_SOURCE,
        "UNCONFIRMED",
        "the 7.5 mg once-daily option of the current SmPC is UNCONFIRMED as table text (the 7.5 mg capsule "
        "exists); the 15 mg every-other-day option is CONFIRMED from the older SmPC; the current SmPC applies",
    )


def _us_row(c: float, dialysis: bool) -> DoseRow:
    if dialysis:
        notes = [_CYCLE]
        if c < 7:
            notes.append("dialysis patients with CrCl < 7 mL/min have not been studied (US label)")
        return DoseRow(
            "us",
            "dialysis",
            "5 mg once daily; on dialysis days give the dose after dialysis",
            5.0,
            ("5 mg q24h",),
            tuple(notes),
            LENALIDOMIDE_US_SOURCE,
            "UNCONFIRMED",
            US_DIALYSIS_NOT_FOUND,
        )
    if c >= 60:
        return DoseRow(
            "us",
            "CrCl ≥ 60 mL/min",
            "25 mg once daily (no adjustment)",
            25.0,
            ("25 mg q24h",),
            (_CYCLE,),
            LENALIDOMIDE_US_SOURCE,
            "CONFIRMED",
        )
    if c >= 30:
        return DoseRow(
            "us",
            "CrCl 30 to < 60 mL/min",
            "10 mg every 24 hours",
            10.0,
            ("10 mg q24h",),
            (_CYCLE,),
            LENALIDOMIDE_US_SOURCE,
            "UNCONFIRMED",
            US_SUMMARY_ONLY,
        )
    notes = [_CYCLE]
    if c < 11:
        notes.append("patients with CrCl < 11 mL/min not on dialysis have not been studied (US label)")
    return DoseRow(
        "us",
        "CrCl < 30 mL/min, not requiring dialysis",
        "15 mg every 48 hours",
        15.0,
        ("15 mg q48h",),
        tuple(notes),
        LENALIDOMIDE_US_SOURCE,
        "UNCONFIRMED",
        US_SUMMARY_ONLY,
    )


#: the creatinine clearance thresholds of each region's rows above (EU SmPC 30/50, US label 30/60)
BAND_THRESHOLDS: dict[Region, tuple[float, ...]] = {"eu": (30.0, 50.0), "us": (30.0, 60.0)}


def band_reason(region: Region, crcl_ml_min: float | None, dialysis: bool) -> str:
    """Why a patient falls in a renal row of :func:`lenalidomide_starting_dose`, e.g. "CrCl 23.8 mL/min < 30"."""
    if dialysis:
        return "on dialysis"
    if crcl_ml_min is None:
        return "creatinine clearance not given"
    c = round(float(crcl_ml_min), 1)
    upper = next((t for t in BAND_THRESHOLDS[region] if c < t), None)
    if upper is None:
        return f"CrCl {c:g} mL/min ≥ {BAND_THRESHOLDS[region][-1]:g}"
    return f"CrCl {c:g} mL/min < {upper:g}"


def lenalidomide_starting_dose(crcl_ml_min: float, *, dialysis: bool = False) -> LenalidomideStart:
    """Lenalidomide starting dose (myeloma, 25 mg regimen) by CrCl: EU SmPC, with the US label beside it."""
    if isinstance(crcl_ml_min, bool) or not isinstance(crcl_ml_min, int | float):
        raise TypeError("crcl_ml_min must be a number")
    if not math.isfinite(crcl_ml_min) or crcl_ml_min < 0:
        raise ValueError("crcl_ml_min must be a finite number ≥ 0")
    c = round(float(crcl_ml_min), 1)
    eu, us = _eu_row(c, dialysis), _us_row(c, dialysis)
    differ = set(eu.options) != set(us.options)
    warnings: list[str] = []
    if differ:
        warnings.append(
            f"lenalidomide at CrCl {c:g} mL/min{' on dialysis' if dialysis else ''}: the EU SmPC gives {eu.dose}, "
            f"the US label gives {us.dose}; this guide follows the EU SmPC"
        )
    if eu.status != "CONFIRMED":
        warnings.append(f"lenalidomide EU row UNCONFIRMED: {eu.status_note}")
    if us.status != "CONFIRMED":
        warnings.append(f"lenalidomide US row UNCONFIRMED: {us.status_note}")
    if not dialysis:
        for threshold, who in ((30.0, "EU and US"), (50.0, "EU"), (60.0, "US")):
            if abs(c - threshold) < BORDERLINE_ML_MIN:
                warnings.append(
                    f"CrCl {c:g} mL/min is within {BORDERLINE_ML_MIN:g} mL/min of the {threshold:g} mL/min "
                    f"lenalidomide threshold ({who}): creatinine-based estimates are imprecise; recheck before "
                    "choosing the band"
                )
        if c < 50:
            warnings.append(
                "the guideline cites a phase I/II trial in which lenalidomide was given at the full 25 mg daily "
                "dose with creatinine clearance > 30 ml/min and at ≥ 15 mg daily below 30 ml/min, even on "
                "dialysis (Supportive care › Renal impairment): trial data that differ from the label starting "
                "doses shown"
            )
    for row in (eu, us):
        for note in row.notes:
            if "not been studied" in note:
                warnings.append(f"lenalidomide: {note}")
    return LenalidomideStart(c, dialysis, eu, us, differ, tuple(warnings))


@dataclass(frozen=True)
class DrugNote:
    drug: str
    note: str
    source: str
    status: Status
    applies: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "note": self.note,
            "source": self.source,
            "status": self.status,
            "applies": self.applies,
            "guideline": guideline_quotes(self.drug),
        }


def other_drug_notes(crcl_ml_min: float, *, dialysis: bool = False) -> list[DrugNote]:
    """Renal notes for pomalidomide, carfilzomib and ixazomib; ``applies`` marks those this CrCl triggers."""
    c = round(float(crcl_ml_min), 1)
    severe = dialysis or c < 30
    return [
        DrugNote(
            "pomalidomide",
            "EU SmPC (Imnovid) renal adjustment: not confirmed in a source — check the label. The guideline (not "
            f"the label): “{_quote('renal-rec-pomalidomide')}”",
            f"Imnovid EU SmPC renal text: not found in a stored copy (UNCONFIRMED); the guideline: {_REC} "
            "(impaired renal function)",
            "UNCONFIRMED",
            True,
        ),
        DrugNote(
            "pomalidomide",
            "US label and Swiss label (2017): severe renal impairment requiring dialysis → start 3 mg/day (25% "
            "reduction), taken after haemodialysis. The guideline: standard doses even on dialysis.",
            "POMALYST US Prescribing Information; Swiss label update, compendium.ch 2017 (CONFIRMED)",
            "DISAGREEMENT",
            dialysis,
        ),
        DrugNote(
            "carfilzomib",
            "Label renal adjustment: not confirmed in a source — check the label. The guideline (not the label): "
            f"“{_quote('renal-rec-carfilzomib')}”"
            + (f" This CrCl ({c:g} mL/min) is ≤ 15 mL/min, outside that statement." if c <= 15 else "")
            + f" Dose on BSA capped at {CARFILZOMIB_BSA_CAP_M2:g} m².",
            f"Kyprolis label renal text: not found in a stored copy (UNCONFIRMED); the guideline: {_REC} (impaired "
            "renal function); BSA cap CONFIRMED (kyprolis-hcp.com)",
            "UNCONFIRMED",
            True,
        ),
        DrugNote(
            "ixazomib",
            "Severe renal impairment (CrCl < 30 mL/min) or end-stage renal disease requiring dialysis: reduce "
            "the starting dose from 4 mg to 3 mg. Not dialysable: may be given without regard to dialysis "
            "timing. The guideline's Box 2 lists ixazomib among drugs needing no dose modification, and its "
            "text supports use with creatinine clearance ≥ 30 ml/min.",
            "NINLARO (ixazomib) label (CONFIRMED via drugs.com, farmacoinc)",
            "DISAGREEMENT" if severe else "CONFIRMED",
            severe,
        ),
    ]


# --------------------------------------------------------------------------------------------
# Lenalidomide maintenance after ASCT: a different dose from the 25 mg table above
# --------------------------------------------------------------------------------------------

MAINTENANCE_CHECKED = "2026-12-06"
RD_TABLE_HEADING = (
    "Starting dose with Rd (NOT maintenance): lenalidomide with dexamethasone, 25 mg regimen "
    "(days 1–21 of 28-day cycles), by creatinine clearance"
)
MAINTENANCE_HEADING = "Maintenance after ASCT: lenalidomide dose"
NOT_FOR_MAINTENANCE = (
    "The 25 mg starting-dose table (lenalidomide with dexamethasone, days 1–21 of 28) is NOT the maintenance "
    "dose after ASCT and its renal rows are not maintenance rows: do not use it for lenalidomide maintenance."
)
MAINTENANCE_POINTER = (
    "Maintenance after ASCT: US label 10 mg once daily continuously (days 1–28 of 28-day cycles), may increase to "
    "15 mg once daily after 3 cycles if tolerated; the EU SmPC maintenance dose and both labels' maintenance renal "
    "rows are UNCONFIRMED in this guide (see the Regimens & dosing screen for R or DaraR)."
)
RD_TABLE_RECHECK = (
    f"Re-read {MAINTENANCE_CHECKED}: the EU rows 30 ≤ CLcr < 50 (10 mg once daily), < 30 not on dialysis "
    "(15 mg every other day) and dialysis (5 mg once daily, after dialysis) in an older Revlimid EU SmPC, "
    "section 4.2 (120ty.net mirror, revision date not shown); the US rows CrCl 30 to < 60 (10 mg every 24 hours) "
    "and < 30 not on dialysis (15 mg every 48 hours) on drugs.com (lenalidomide dosage page)."
)
#: the card whose lenalidomide facts are the maintenance facts (resources/content/labels)
MAINTENANCE_CARD = "R"
_TOPICS = {"dose": "Starting dose", "variants": "Dose increase", "renal": "Renal impairment during maintenance"}


@dataclass(frozen=True)
class MaintenanceFact:
    """One label fact of the lenalidomide maintenance card (:class:`app.core.dosing.models.LabelFact`,
    the one way the guide holds a label fact) in the words of the maintenance box."""

    topic: str
    fact: LabelFact
    document: str
    revision: str
    retrieved_from: str
    checked: str

    @property
    def region(self) -> Region:
        return self.fact.region

    @property
    def status(self) -> Status:
        return "CONFIRMED" if self.fact.confirmed else "UNCONFIRMED"

    @property
    def quote(self) -> str:
        return self.fact.source.excerpt if self.fact.confirmed and self.fact.source else ""

    @property
    def shown(self) -> str:
        if self.fact.text is None:
            what = self.fact.note.removeprefix("NOT FOUND: ")
            return f"UNCONFIRMED — {what} Check the current label."
        return self.fact.text if self.fact.confirmed else f"UNCONFIRMED — {self.fact.text}"

    def as_dict(self) -> dict[str, Any]:
        looked = "section 4.2" if self.region == "eu" else "section 2"
        if self.fact.source is not None:
            section = f"section {self.fact.source.section}"
        else:
            section = f"{looked} (looked for, not found in a stored copy)"
        return {
            "region": self.region,
            "topic": self.topic,
            "shown": self.shown,
            "quote": self.quote,
            "source": {
                "document": self.document,
                "section": section,
                "revision": self.revision,
                "retrieved_from": self.retrieved_from,
                "checked": self.checked,
            },
            "status": self.status,
        }


def _maintenance(topics: tuple[str, ...]) -> tuple[MaintenanceFact, ...]:
    """The maintenance card's lenalidomide facts of ``topics`` (the dosing content in use)."""
    from app.core.dosing import catalog
    from app.core.dosing.assemble import merged

    content = catalog.current()
    comp = next(c for c in content.card(MAINTENANCE_CARD).components if c.drug == "lenalidomide")
    facts = merged(content, comp)
    out: list[MaintenanceFact] = []
    for topic in topics:
        for fact in facts[topic]:
            if topic == "other":
                name = "Indication" if (fact.text or "").startswith("EU indication") else "When to start"
            else:
                name = _TOPICS[topic]
            doc = content.document(fact.source.doc) if fact.source else None
            out.append(
                MaintenanceFact(
                    name,
                    fact,
                    doc.title if doc else (_EU_SMPC if fact.region == "eu" else _US_PI),
                    doc.revision if doc else "not retrieved",
                    doc.read_in if doc else "not found in a stored copy",
                    doc.checked.isoformat() if doc else MAINTENANCE_CHECKED,
                )
            )
    return tuple(out)


_US_PI = "REVLIMID (lenalidomide) US Prescribing Information"
_EU_SMPC = "Revlimid (lenalidomide) EU SmPC"


def maintenance_facts() -> tuple[MaintenanceFact, ...]:
    """Dose, dose increase, when to start and indication of lenalidomide maintenance (card R)."""
    return _maintenance(("dose", "variants", "other"))


def maintenance_renal_facts() -> tuple[MaintenanceFact, ...]:
    return _maintenance(("renal",))


def __getattr__(name: str) -> Any:
    """``LENALIDOMIDE_MAINTENANCE`` and ``..._RENAL``: the card's facts, read when first asked for."""
    if name == "LENALIDOMIDE_MAINTENANCE":
        return maintenance_facts()
    if name == "LENALIDOMIDE_MAINTENANCE_RENAL":
        return maintenance_renal_facts()
    raise AttributeError(name)


@dataclass(frozen=True)
class MaintenanceUse:
    """How the guideline uses a lenalidomide-containing maintenance regimen, and what its partner drug needs."""

    regimen: str
    setting: str
    partner_note: str
    other_uses: tuple[str, ...]
    show_rd_table: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "regimen": self.regimen,
            "setting": self.setting,
            "partner_note": self.partner_note,
            "other_uses": list(self.other_uses),
            "rd_table_shown": self.show_rd_table,
        }


#: Regimens the guideline names as maintenance after ASCT (Newly diagnosed MM › Recommendations,
#: bullet 7: "Lenalidomide was considered the SOC maintenance treatment after ASCT in all patients
#: with MM [I, A]." and "On the basis of PFS results from the PERSEUS trial, the addition of
#: daratumumab to lenalidomide is the new SOC [I, A]."; IsaR is the maintenance arm of GMMG-HD7).
MAINTENANCE_USES: dict[str, MaintenanceUse] = {
    "R": MaintenanceUse(
        "R",
        "Maintenance after ASCT (lenalidomide alone)",
        "",
        (
            "Lenalidomide alone for high-risk SMM is discussed in the guideline but is not approved for SMM (see the "
            "approval notes); the guide gives no dose for it.",
        ),
        False,
    ),
    "DaraR": MaintenanceUse(
        "DaraR",
        "Maintenance after ASCT (daratumumab with lenalidomide, PERSEUS)",
        "Daratumumab dose and schedule for DaraR maintenance after ASCT: not in this guide yet (UNCONFIRMED — no "
        "stored label text giving it was found; the stored DARZALEX 1,800 mg SmPC, UK emc copy updated "
        '11 Nov 2024, section 4.1, names the combination "with bortezomib, lenalidomide and dexamethasone" for '
        "transplant-eligible NDMM, but its section 4.2 maintenance schedule was not read).",
        (
            "DaraR is also the dexamethasone-sparing option for frail (IMWG FS ≥ 2) transplant-ineligible patients "
            "(IFM2017-03): that is not maintenance, and the guideline gives no lenalidomide dose for it. The "
            "Rd starting-dose table below is the label's dose of lenalidomide given with dexamethasone, shown "
            "for that use only.",
        ),
        True,
    ),
    "IsaR": MaintenanceUse(
        "IsaR",
        "Maintenance after ASCT (isatuximab with lenalidomide, GMMG-HD7 maintenance arm)",
        "Isatuximab dose and schedule for IsaR maintenance: not in this guide (UNCONFIRMED — no stored label text "
        "giving it was found).",
        (),
        False,
    ),
}


def lenalidomide_maintenance(regimen: str | None = None) -> dict[str, Any]:
    """The lenalidomide maintenance facts (never the 25 mg table), for ``regimen`` when it is one of
    :data:`MAINTENANCE_USES`."""
    use = MAINTENANCE_USES.get(regimen) if regimen is not None else None
    return {
        "heading": MAINTENANCE_HEADING,
        "not_the_25_mg_table": NOT_FOR_MAINTENANCE,
        "use": use.as_dict() if use is not None else None,
        "dose": [f.as_dict() for f in maintenance_facts()],
        "renal": [f.as_dict() for f in maintenance_renal_facts()],
        "followed": "This guide follows the EU SmPC where its text was read; the EU maintenance dose was not read, "
        "so the US label's dose is shown, marked with its region",
        "guideline": [
            {
                "quote": "Lenalidomide was considered the SOC maintenance treatment after ASCT in all patients with "
                "MM [I, A].",
                "location": "Newly diagnosed MM › Recommendations, bullet 7",
            }
        ],
    }
