"""The pharmacist's dosing notes of a regimen or of one drug (Qt-free).

What the Regimens & dosing screen and a drug's page show under "Dosing notes": the guideline's
renal statements for the drugs, lenalidomide's starting-dose table (EU SmPC beside the US label)
or, for a maintenance regimen, the maintenance dose instead, the label notes of
:func:`app.core.calculators.renal_dosing.other_drug_notes`, carfilzomib's BSA cap and the links
to the bispecific step-up schedules. Every fact keeps the source and status its core module
gives it (UNCONFIRMED rows say so); nothing is computed for a patient here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from app.core.calculators import dosing, renal_dosing
from app.core.content.models import Statement
from app.core.dosing.regimen_tables import (
    RENAL_TOPICS,
    BandRow,
    lenalidomide_band_rows,
    lenalidomide_table_notes,
    step_up_choices,
)
from app.core.evidence import Evidence

#: the creatinine clearance at which the label notes are listed (they do not depend on it above 30 mL/min)
LABEL_NOTES_CRCL = 60.0


@dataclass(frozen=True)
class StatementRef:
    """A guideline statement as a page lists it: its tag(s) as printed, text, location and notes."""

    id: str
    text: str
    evidence: tuple[Evidence, ...]
    location: str
    notes: tuple[str, ...]

    @classmethod
    def of(cls, s: Statement) -> StatementRef:
        return cls(s.id, s.text, tuple(s.evidence), s.source.location, tuple(s.notes))


class LabelNote(NamedTuple):
    drug: str
    note: str
    status: str
    source: str


class SourcedText(NamedTuple):
    text: str
    source: str


@dataclass(frozen=True)
class DosingNotes:
    """The dosing notes of a regimen (or of one drug, ``abbr`` being its id)."""

    abbr: str
    renal: tuple[StatementRef, ...] = ()
    lenalidomide_rows: tuple[BandRow, ...] = ()
    lenalidomide_notes: tuple[str, ...] = ()
    rd_table_heading: str = ""
    rd_table_hidden: str = ""  # why the 25 mg table is not shown for this (maintenance) regimen
    maintenance: dict[str, Any] | None = None  # renal_dosing.lenalidomide_maintenance() for maintenance regimens
    label_notes: tuple[LabelNote, ...] = ()
    carfilzomib_cap: SourcedText | None = None
    step_up: tuple[str, ...] = ()
    checked: str = ""

    @property
    def has_label_facts(self) -> bool:
        return bool(
            self.lenalidomide_rows or self.label_notes or self.carfilzomib_cap or self.step_up or self.maintenance
        )

    @property
    def checked_line(self) -> str:
        line = f"Label text checked: {self.checked or 'not recorded in the guide'}."
        if self.maintenance is not None:
            line += " The maintenance facts above carry their own check date."
        return line + " Check the current label before use."


def renal_statements_for_regimen(
    statements: Iterable[Statement], abbr: str, drug_ids: Collection[str], car_t: bool
) -> tuple[StatementRef, ...]:
    """Renal statements naming one of the drugs (as a drug or a topic), the regimen, or CAR-T for a CAR-T product."""
    out = []
    for s in statements:
        topics = set(s.topics)
        if not topics & RENAL_TOPICS:
            continue
        if set(drug_ids) & (set(s.drugs) | topics) or abbr in s.regimens or (car_t and "car-t" in topics):
            out.append(StatementRef.of(s))
    return tuple(out)


def renal_statements_for_drug(
    statements: Iterable[Statement], drug_id: str, alone: Collection[str]
) -> tuple[StatementRef, ...]:
    """Renal statements naming the drug (as a drug or a topic) or a regimen that is the drug alone."""
    return tuple(
        StatementRef.of(s)
        for s in statements
        if set(s.topics) & RENAL_TOPICS and (drug_id in s.drugs or drug_id in s.topics or set(alone) & set(s.regimens))
    )


def dosing_notes(abbr: str, drug_ids: Collection[str], renal: tuple[StatementRef, ...]) -> DosingNotes:
    """The dosing notes for a regimen ``abbr`` of ``drug_ids`` (or one drug: ``abbr`` its id)."""
    ids = set(drug_ids)
    fields: dict[str, Any] = {"checked": str(getattr(renal_dosing, "LABEL_TEXT_CHECKED", "") or "")}
    if "lenalidomide" in ids:
        fields.update(_lenalidomide(abbr))
    fields["label_notes"] = tuple(
        LabelNote(n.drug, n.note, n.status, n.source)
        for n in renal_dosing.other_drug_notes(LABEL_NOTES_CRCL)
        if n.drug in ids
    )
    if "carfilzomib" in ids:
        fields["carfilzomib_cap"] = SourcedText(
            "Carfilzomib doses (mg/m²) are calculated on actual BSA capped at "
            f"{renal_dosing.CARFILZOMIB_BSA_CAP_M2:g} m² (the BSA calculator shows the dosing BSA).",
            renal_dosing.CARFILZOMIB_CAP_SOURCE,
        )
    step_up = tuple(choice for drug_id in sorted(ids) for choice in step_up_choices(drug_id))
    if step_up:
        fields["step_up"] = step_up
        fields["checked"] = fields["checked"] or dosing.LABEL_TEXT_CHECKED
    return DosingNotes(abbr=abbr, renal=renal, **fields)


def _lenalidomide(abbr: str) -> dict[str, Any]:
    """Maintenance regimens get the maintenance dose; the 25 mg (Rd) table only where the regimen
    has a non-maintenance use it belongs to, always headed "NOT maintenance"."""
    use = renal_dosing.MAINTENANCE_USES.get(abbr)
    out: dict[str, Any] = {"rd_table_heading": renal_dosing.RD_TABLE_HEADING}
    if use is not None:
        out["maintenance"] = renal_dosing.lenalidomide_maintenance(use.regimen)
        if not use.show_rd_table:
            out["rd_table_hidden"] = (
                f"{renal_dosing.RD_TABLE_HEADING}: not shown for {abbr}, a maintenance regimen. "
                "It is on the Rd page and in the creatinine clearance calculator."
            )
            return out
    notes = lenalidomide_table_notes()
    out["lenalidomide_rows"] = lenalidomide_band_rows()
    out["lenalidomide_notes"] = ((renal_dosing.NOT_FOR_MAINTENANCE,) if use is not None else ()) + notes
    return out
