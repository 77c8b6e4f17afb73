"""Bispecific step-up schedules read from the dosing cards (the one source of both).

A card's schedule fact of a region lists its step rows in order ("step-up dose N", then the
"first treatment dose") and the rows that follow; monitoring facts name the steps they cover.
The ``bispecific-step-up`` calculator (``app.core.calculators.dosing``) computes from this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.dosing.assemble import merged, source_line, status
from app.core.dosing.models import NOT_IN_GUIDE, REGION_NAMES, DosingContent, LabelFact, Region, ScheduleRow

#: the calculator's drug choices → (card, schedule option)
CHOICES: dict[str, tuple[str, str | None]] = {
    "teclistamab": ("teclistamab", None),
    "elranatamab": ("elranatamab", None),
    "talquetamab-weekly": ("talquetamab", "weekly"),
    "talquetamab-biweekly": ("talquetamab", "every 2 weeks"),
    "linvoseltamab": ("linvoseltamab", None),
}
NAMES = {
    "teclistamab": "Teclistamab (Tecvayli)",
    "elranatamab": "Elranatamab (Elrexfio)",
    "talquetamab-weekly": "Talquetamab (Talvey), weekly schedule",
    "talquetamab-biweekly": "Talquetamab (Talvey), every-2-weeks schedule",
    "linvoseltamab": "Linvoseltamab (Lynozyfic)",
}


def is_step(row: ScheduleRow) -> bool:
    label = row.label or ""
    return label.startswith("step-up dose") or label == "first treatment dose"


@dataclass(frozen=True)
class Step:
    name: str
    day: int | None
    when: str
    mg_per_kg: float | None
    flat_mg: float | None
    status: str
    monitoring: str
    monitoring_status: str


@dataclass(frozen=True)
class Then:
    text: str
    status: str


@dataclass
class RegionSchedule:
    region: Region
    steps: list[Step]
    then: list[Then]
    premedication: list[Then]
    notes: list[Then]
    source: str
    checked: str
    missing: list[str] = field(default_factory=list)

    @property
    def days(self) -> tuple[int | None, ...]:
        return tuple(s.day for s in self.steps)


def _day(row: ScheduleRow) -> tuple[int | None, str]:
    """The treatment day of a step row (week W day D → (W − 1) × 7 + D) and how the label says it."""
    days = row.day_list()
    weeks = row.weeks
    if weeks and weeks.isdigit():
        if days:
            return (int(weeks) - 1) * 7 + days[0], f"week {weeks} day {days[0]}"
        return None, f"week {weeks}"
    if days:
        return days[0], f"day {days[0]}"
    return None, "day not in the label text read"


def _what(note: str) -> str:
    for prefix in ("NOT FOUND in an EU document: ", "NOT FOUND: "):
        note = note.removeprefix(prefix)
    return note


def _matches(fact: LabelFact, option: str | None) -> bool:
    return option is None or fact.option in (None, option)


def schedule(content: DosingContent, choice: str, region: Region) -> RegionSchedule:
    regimen, option = CHOICES[choice]
    card = content.card(regimen)
    comp = card.components[0]
    facts = merged(content, comp)
    mine = [f for f in facts["schedule"] if f.region == region and _matches(f, option)]
    with_steps = [f for f in mine if f.text is not None and any(is_step(r) for r in f.rows)]
    with_steps.sort(key=lambda f: not f.confirmed)
    missing: list[str] = []
    if not with_steps:
        return RegionSchedule(
            region, [], [], [], [], "", "", [f"{REGION_NAMES[region]}: the step-up schedule is {NOT_IN_GUIDE}"]
        )
    main = with_steps[0]
    monitoring = [f for f in facts["monitoring"] if f.region == region]
    found_mon = [f for f in monitoring if f.text is not None]
    unread = [f for f in monitoring if f.text is None]
    steps: list[Step] = []
    then: list[Then] = []
    index = 0
    for row in main.rows:
        if is_step(row):
            index += 1
            dose = row.dose
            day, when = _day(row)
            covering = [f for f in found_mon if index in f.steps]
            if covering:
                mon_text = "; ".join(f.text or "" for f in covering)
                mon_status = "CONFIRMED" if all(f.confirmed for f in covering) else "UNCONFIRMED"
            elif unread:
                mon_text = f"monitoring: {NOT_IN_GUIDE} ({unread[0].note.removeprefix('NOT FOUND: ')})"
                mon_status = "UNCONFIRMED"
            elif found_mon:
                mon_text = "the label text read names no monitoring requirement for this dose"
                mon_status = "CONFIRMED" if any(f.confirmed for f in found_mon) else "UNCONFIRMED"
            else:
                mon_text = f"monitoring: {NOT_IN_GUIDE}"
                mon_status = "UNCONFIRMED"
            steps.append(
                Step(
                    name=row.label or f"step {index}",
                    day=day,
                    when=when,
                    mg_per_kg=dose.value if dose and dose.per == "kg" else None,
                    flat_mg=dose.value if dose and dose.per is None else None,
                    status=status(main),
                    monitoring=mon_text,
                    monitoring_status=mon_status,
                )
            )
        else:
            then.append(Then(f"then {row.text()}", status(main)))
    for f in mine:
        if f is main:
            continue
        if f.text is None:
            then.append(
                Then(
                    f"{_what(f.note)} — {NOT_IN_GUIDE}",
                    "UNCONFIRMED",
                )
            )
    premed = [
        Then(
            f.text if f.text is not None else f"premedication: {NOT_IN_GUIDE}",
            status(f) if f.text is not None else "UNCONFIRMED",
        )
        for f in facts["premedication"]
        if f.region == region
    ]
    notes = [Then(f.text, status(f)) for f in facts["other"] if f.region == region and f.text is not None]
    checked = content.document(main.source.doc).checked.isoformat() if main.source else ""
    return RegionSchedule(region, steps, then, premed, notes, source_line(content, main), checked, missing)
