"""The small clinical tables the regimen and drug pages read (pure, no Qt, no database).

- :data:`RENAL_TOPICS`: the statement topics that make a guideline statement a renal one. They
  are the vocabulary of ``resources/content/statements/*.yaml`` (e.g. 60-supportive.yaml, the
  guideline's "Supportive care › Renal impairment" statements, tagged ``renal``,
  ``renal-impairment``, ``severe-renal-impairment``, ``dialysis``, ``renal-recovery``).
- :func:`step_up_choices`: a regimen component → the bispecific step-up calculator's drug
  choice(s), read from :data:`app.core.dosing.stepup.CHOICES` (the schedules themselves are the
  dosing cards' label facts, EU SmPC and US label, each with its source).
- :func:`lenalidomide_band_rows`: lenalidomide's starting dose of the 25 mg regimen (days 1–21
  of 28) per creatinine-clearance band, EU SmPC (followed) beside the US label. The rows come
  from :func:`app.core.calculators.renal_dosing.lenalidomide_starting_dose`, which carries the
  sources and the status of every row (shared/reference/scoring-rules.md §11c: EU SmPC
  Revlimid section 4.2, "≥ 50 mL/min … 25 mg once daily", "30 ≤ CLcr < 50 … 10 mg once
  daily", "< 30, not requiring dialysis … 7.5 mg once daily … or 15 mg every other day",
  "< 30, requiring dialysis … 5 mg once daily"; US label "CrCl 30 to < 60: 10 mg every 24 h",
  "< 30, not on dialysis: 15 mg every 48 h", "Dialysis: 5 mg once daily" — the US rows are
  UNCONFIRMED where they were read only in a summary, and say so). The bands are the union of
  the EU boundaries (50, 30 mL/min) and the US one (60 mL/min) so that every row where the
  two differ is shown; each band is looked up at one creatinine clearance inside it (this
  guide's choice of a representative value, not a clinical fact).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from app.core.calculators import renal_dosing
from app.core.dosing.stepup import CHOICES

RENAL_TOPICS = frozenset({"renal", "renal-impairment", "severe-renal-impairment", "dialysis", "renal-recovery"})


def step_up_choices(drug_id: str) -> tuple[str, ...]:
    """The step-up calculator's choices for a drug (talquetamab: weekly and every-2-weeks); () if none."""
    return tuple(choice for choice, (card, _option) in CHOICES.items() if card == drug_id)


@dataclass(frozen=True)
class Band:
    """A creatinine-clearance band of the table and the value it is looked up at."""

    label: str
    crcl_ml_min: float
    dialysis: bool = False


#: EU SmPC boundaries 50 and 30 mL/min, US label 60 and 30 mL/min (scoring-rules.md §11c)
LENALIDOMIDE_BANDS: tuple[Band, ...] = (
    Band("≥ 60 mL/min", 70.0),
    Band("50 to < 60 mL/min", 55.0),
    Band("30 to < 50 mL/min", 40.0),
    Band("< 30 mL/min, not on dialysis", 20.0),
    Band("on dialysis", 10.0, dialysis=True),
)
SAME, DIFFER = "same", "⚠ differ"
BAND_WORDS = (
    "EU SmPC bands: ≥ 50, 30–< 50, < 30 mL/min; US label bands: ≥ 60, 30–< 60, < 30 mL/min. "
    "This guide follows the EU SmPC."
)


class BandRow(NamedTuple):
    """One row: the band, the EU and US starting doses (with their status when not CONFIRMED), and
    "⚠ differ" or "same"."""

    band: str
    eu: str
    us: str
    comparison: str

    @property
    def differ(self) -> bool:
        return self.comparison != SAME


def _dose(row: renal_dosing.DoseRow) -> str:
    return row.dose + (f" [{row.status}]" if row.status != "CONFIRMED" else "")


def lenalidomide_band_rows() -> tuple[BandRow, ...]:
    """The starting-dose table of the 25 mg regimen, one row per band (see the module docstring)."""
    rows = []
    for band in LENALIDOMIDE_BANDS:
        start = renal_dosing.lenalidomide_starting_dose(band.crcl_ml_min, dialysis=band.dialysis)
        rows.append(BandRow(band.label, _dose(start.eu), _dose(start.us), DIFFER if start.differ else SAME))
    return tuple(rows)


def lenalidomide_table_notes() -> tuple[str, ...]:
    """What goes under the table: the bands, both sources, every UNCONFIRMED row's note, the re-check."""
    notes = [
        BAND_WORDS,
        f"EU source: {renal_dosing.LENALIDOMIDE_EU_SOURCE}",
        f"US source: {renal_dosing.LENALIDOMIDE_US_SOURCE}",
    ]
    eu_low = renal_dosing.lenalidomide_starting_dose(20.0).eu
    if eu_low.status_note:
        notes.append(f"< 30 mL/min EU row: {eu_low.status_note}")
    us_rows = (renal_dosing.lenalidomide_starting_dose(c, dialysis=d).us for c, d in ((45.0, False), (10.0, True)))
    notes += sorted({f"US rows [UNCONFIRMED]: {row.status_note}" for row in us_rows if row.status_note})
    notes.append(renal_dosing.RD_TABLE_RECHECK)
    return tuple(notes)
