"""Label facts and regimen dosing cards, as authored under ``resources/content/labels``.

One way to hold a label fact (:class:`LabelFact`): its region (EU SmPC or US label, never both in
one fact), what the guide shows (``text``, or ``None`` when the label text was not found), whether
it was read in the label text itself (``confirmed``), and its source: the document (title, kind,
the copy it was read in, its revision and the date it was checked), the section and a short
verbatim excerpt. Only the label text of the region confirms a fact: a manufacturer's HCP page, a
drug-reference summary, a GB SmPC standing in for the EU text, another country's label or a copy
the research found superseded leave it unconfirmed, shown with a warning, never as settled.

Structured parts (a dose with its unit and basis, schedule rows, a cycle length, a condition such
as "age ≥ 75 years") sit beside the text so that patient doses can be computed; tests check every
number of them against the fact's excerpt.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.content.models import SourceRef

Region = Literal["eu", "us"]
REGIONS: tuple[Region, Region] = ("eu", "us")
REGION_NAMES: dict[str, str] = {"eu": "EU SmPC", "us": "US label"}

SourceKind = Literal[
    "label",  # the label text of the region (any faithful copy: EMA/EC annex, DailyMed, label mirrors)
    "label-translation",  # the region's label in another official language (e.g. Spanish EU SmPC)
    "label-superseded",  # a copy of the label the research found outdated
    "gb-smpc",  # the GB SmPC (emc), standing in for the EU text
    "other-country-label",  # a label of another country (Swiss, Hong Kong, Malaysia…)
    "secondary",  # manufacturer HCP / medical-information pages, drug-reference summaries, news
]
#: kinds whose text confirms a fact of their region
CONFIRMING_KINDS: frozenset[str] = frozenset({"label", "label-translation"})
KIND_NAMES: dict[str, str] = {
    "label": "label text",
    "label-translation": "label text (official translation)",
    "label-superseded": "an older version of the label",
    "gb-smpc": "GB SmPC (not the EU text)",
    "other-country-label": "another country's label",
    "secondary": "secondary source (not the label text)",
}
NOT_IN_GUIDE = "not in this guide — check the label"

_ID = r"^[a-z0-9][a-z0-9-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabelDocument(Strict):
    """A label (or a page standing in for one) as it was read."""

    id: str = Field(pattern=_ID)
    title: str = Field(min_length=3)
    region: Region
    kind: SourceKind
    #: where the text was read (the copy), e.g. "rxreasoner.com copy ('Source: European Medicines Agency')"
    read_in: str = Field(min_length=3)
    url: str = Field(min_length=8)
    #: the revision the page shows, or "not shown"
    revision: str = Field(min_length=3)
    checked: date
    note: str = ""

    @property
    def confirms(self) -> bool:
        return self.kind in CONFIRMING_KINDS


class FactSource(Strict):
    """Where in a document a fact stands: section and a short verbatim excerpt."""

    doc: str
    section: str = Field(min_length=1)
    excerpt: str = ""
    #: further short verbatim excerpts of the same page (e.g. the next table row)
    more: list[str] = []
    #: another page of the same document (e.g. page 2 of a mirror)
    url: str | None = None

    @property
    def excerpts(self) -> list[str]:
        return [e for e in (self.excerpt, *self.more) if e]


class Condition(Strict):
    """Who a dose or band applies to. Every bound given must hold; units: years, kg, mL/min."""

    age_gte: float | None = None
    age_gt: float | None = None
    age_lt: float | None = None
    age_lte: float | None = None
    weight_gt: float | None = None
    weight_lte: float | None = None
    crcl_gte: float | None = None
    crcl_lt: float | None = None
    dialysis: bool | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if all(v is None for v in self.model_dump().values()):
            raise ValueError("a condition needs at least one bound")
        return self

    def needs(self) -> set[str]:
        """The patient values this condition reads (age, weight, crcl, dialysis)."""
        out = set()
        for name, value in self.model_dump().items():
            if value is not None:
                out.add("dialysis" if name == "dialysis" else name.split("_")[0])
        return out

    def matches(self, values: dict[str, float | bool | None]) -> bool | None:
        """True or False for these patient values; None when one it reads is missing."""
        checks: list[tuple[str, str, float | bool]] = [
            (name, name.split("_")[0] if name != "dialysis" else "dialysis", bound)
            for name, bound in self.model_dump().items()
            if bound is not None
        ]
        result = True
        for name, key, bound in checks:
            value = values.get(key)
            if value is None:
                return None
            if name == "dialysis":
                ok = bool(value) is bound
            else:
                op = name.split("_")[1]
                v, b = float(value), float(bound)
                ok = {"gte": v >= b, "gt": v > b, "lt": v < b, "lte": v <= b}[op]
            result = result and ok
        return result

    def reason(self, values: dict[str, float | bool | None]) -> str:
        """The patient's values against each bound, e.g. "age 77 ≥ 75" (a missing value: "age not given")."""
        signs = {"gte": "≥", "gt": ">", "lt": "<", "lte": "≤"}
        units = {"age": "", "weight": " kg", "crcl": " mL/min"}
        parts = []
        for name, bound in self.model_dump().items():
            if bound is None:
                continue
            if name == "dialysis":
                parts.append("on dialysis" if values.get("dialysis") else "not on dialysis")
                continue
            key, op = name.split("_")
            value = values.get(key)
            if value is None:
                parts.append(f"{key} not given")
            else:
                parts.append(f"{key} {_num(float(value))}{units[key]} {signs[op]} {_num(float(bound))}{units[key]}")
        return ", ".join(parts)

    def describe(self) -> str:
        words = {
            "age_gte": "age ≥ {} years",
            "age_gt": "age > {} years",
            "age_lt": "age < {} years",
            "age_lte": "age ≤ {} years",
            "weight_gt": "weight > {} kg",
            "weight_lte": "weight ≤ {} kg",
            "crcl_gte": "CrCl ≥ {} mL/min",
            "crcl_lt": "CrCl < {} mL/min",
        }
        parts = []
        for name, value in self.model_dump().items():
            if value is None:
                continue
            if name == "dialysis":
                parts.append("on dialysis" if value else "not on dialysis")
            else:
                parts.append(words[name].format(_num(float(value))))
        return ", ".join(parts)


def _num(x: float) -> str:
    return f"{x:g}"


class Dose(Strict):
    """A dose: ``value`` (or the range ``value``–``value_max``) in ``unit``, flat or per kg / per m²."""

    value: float = Field(gt=0)
    value_max: float | None = Field(default=None, gt=0)
    unit: str = "mg"
    per: Literal["kg", "m2"] | None = None
    #: the computed amount never exceeds this (in ``unit``), e.g. carfilzomib KRd 44 mg
    max_total: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _range(self) -> Dose:
        if self.value_max is not None and self.value_max < self.value:
            raise ValueError("value_max below value")
        return self

    def text(self) -> str:
        amount = _num(self.value) + (f"–{_num(self.value_max)}" if self.value_max is not None else "")
        per = {"kg": "/kg", "m2": "/m²", None: ""}[self.per]
        cap = f" (maximum {_num(self.max_total)} {self.unit})" if self.max_total is not None else ""
        return f"{amount} {self.unit}{per}{cap}"


_DAYS = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")


def expand_days(spec: str) -> list[int]:
    """``"1,8,15,22"`` → [1, 8, 15, 22]; ``"1-21"`` → 1..21."""
    out: list[int] = []
    for part in spec.split(","):
        if "-" in part:
            a, b = (int(x) for x in part.split("-"))
            out += list(range(a, b + 1))
        else:
            out.append(int(part))
    return out


class ScheduleRow(Strict):
    """One row of a schedule as the label states it: by cycles or by weeks, with its days or frequency."""

    label: str | None = None
    cycles: str | None = None
    weeks: str | None = None
    days: str | None = None
    every: str | None = None
    doses: int | None = Field(default=None, ge=1)
    dose: Dose | None = None
    until: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> ScheduleRow:
        if self.days is not None and not _DAYS.match(self.days):
            raise ValueError(f"days {self.days!r}: use '1,8,15,22' or '1-21' (no spaces)")
        if not (self.days or self.every or self.weeks or self.cycles or self.label):
            raise ValueError("a schedule row needs a label, days, a frequency, weeks or cycles")
        return self

    def day_list(self) -> list[int]:
        return expand_days(self.days) if self.days else []

    def text(self) -> str:
        parts = []
        if self.label:
            parts.append(self.label)
        if self.cycles:
            parts.append(f"cycle{'s' if not self.cycles.isdigit() else ''} {self.cycles.replace('-', '–')}")
        if self.weeks:
            parts.append(f"week{'s' if not self.weeks.isdigit() else ''} {self.weeks.replace('-', '–')}")
        if self.days:
            parts.append(
                "day " + self.days.replace(",", ", ").replace("-", "–")
                if self.days.isdigit()
                else "days " + self.days.replace(",", ", ").replace("-", "–")
            )
        if self.every:
            parts.append(self.every)
        if self.doses:
            parts.append(f"{self.doses} dose{'s' if self.doses > 1 else ''}")
        if self.dose:
            parts.append(self.dose.text())
        if self.until:
            parts.append(f"until {self.until}")
        return ", ".join(parts)


class Cap(Strict):
    """A cap on the basis of a dose: the BSA used (carfilzomib 2.2 m²) or mg per m² of a flat dose."""

    bsa_m2: float | None = Field(default=None, gt=0)
    mg_per_m2: float | None = Field(default=None, gt=0)


class LabelFact(Strict):
    """One fact of one region's label (see the module docstring)."""

    region: Region
    #: what the guide shows; None: the label text was not found (shown as NOT_IN_GUIDE)
    text: str | None = None
    confirmed: bool
    source: FactSource | None = None
    note: str = ""
    #: a named schedule option the fact belongs to (talquetamab "weekly" / "every 2 weeks")
    option: str | None = None
    dose: Dose | None = None
    rows: list[ScheduleRow] = []
    #: a cycle length in days
    days: int | None = Field(default=None, ge=1, le=84)
    when: Condition | None = None
    cap: Cap | None = None
    #: strengths available (tablets, capsules or vials), in mg
    strengths_mg: list[float] = []
    #: the step-up doses (1-based) a monitoring fact covers
    steps: list[int] = []

    @model_validator(mode="after")
    def _discipline(self) -> LabelFact:
        if self.text is None:
            if self.confirmed:
                raise ValueError("a fact that was not found cannot be confirmed")
            if self.dose or self.rows or self.days or self.cap or self.strengths_mg:
                raise ValueError("a fact that was not found carries no value")
            if not self.note:
                raise ValueError("a fact that was not found needs a note saying what was looked for")
            return self
        if self.source is None:
            raise ValueError(f"fact {self.text!r} has a value but no source")
        if not self.source.excerpt:
            raise ValueError(f"fact {self.text!r}: the source needs a short verbatim excerpt")
        if len(self.source.excerpt) > 400 or any(len(m) > 400 for m in self.source.more):
            raise ValueError(f"fact {self.text!r}: excerpts are for verification: keep each under 400 characters")
        return self


class GuidelineDose(Strict):
    """A dose the guideline itself gives (verbatim quote and place), e.g. HDM 200 mg/m²."""

    text: str
    source: SourceRef
    dose: Dose | None = None
    when: str | None = None


class Alternative(Strict):
    """Another form of the same drug in the regimen (IV vs SC daratumumab)."""

    label: str
    route: list[LabelFact] = []
    dose: list[LabelFact] = []
    schedule: list[LabelFact] = []
    uses: list[str] = []
    other: list[LabelFact] = []


class Component(Strict):
    """One drug of a regimen, with its facts per region."""

    drug: str = Field(pattern=_ID)
    #: for a drug not in the glossary (fludarabine in lymphodepletion)
    name: str | None = None
    role: str = ""
    #: shared drug fact sets (``drug_facts``) merged into this component
    uses: list[str] = []
    route: list[LabelFact] = []
    dose: list[LabelFact] = []
    schedule: list[LabelFact] = []
    variants: list[LabelFact] = []
    caps: list[LabelFact] = []
    premedication: list[LabelFact] = []
    prophylaxis: list[LabelFact] = []
    monitoring: list[LabelFact] = []
    renal: list[LabelFact] = []
    hepatic: list[LabelFact] = []
    dose_levels: list[LabelFact] = []
    strengths: list[LabelFact] = []
    other: list[LabelFact] = []
    alternatives: list[Alternative] = []
    guideline: list[GuidelineDose] = []
    #: the renal band of this component comes from the guide's renal table (one source with the
    #: CrCl calculator): lenalidomide's 25 mg regimen starting dose
    renal_table: Literal["lenalidomide-25mg"] | None = None
    #: why the table's rows are not confirmed for this regimen (its label's own renal text was not
    #: read): the band is then applied with status UNCONFIRMED and this note
    renal_table_note: str | None = None


FACT_LISTS = (
    "route",
    "dose",
    "schedule",
    "variants",
    "caps",
    "premedication",
    "prophylaxis",
    "monitoring",
    "renal",
    "hepatic",
    "dose_levels",
    "strengths",
    "other",
)
TOPIC_NAMES = {
    "route": "Route",
    "dose": "Dose",
    "schedule": "Schedule",
    "variants": "Dose for a subgroup",
    "caps": "Cap",
    "premedication": "Premedication",
    "prophylaxis": "Prophylaxis and supportive care",
    "monitoring": "Monitoring",
    "renal": "Renal impairment",
    "hepatic": "Hepatic impairment",
    "dose_levels": "Dose modification",
    "strengths": "Strengths",
    "other": "Other",
    "cycle_length": "Cycle length",
    "duration": "Duration",
}


class DrugFacts(Strict):
    """Facts of a drug shared by several regimens (premedication, strengths, renal…)."""

    id: str = Field(pattern=_ID)
    drug: str = Field(pattern=_ID)
    route: list[LabelFact] = []
    dose: list[LabelFact] = []
    caps: list[LabelFact] = []
    premedication: list[LabelFact] = []
    prophylaxis: list[LabelFact] = []
    monitoring: list[LabelFact] = []
    renal: list[LabelFact] = []
    hepatic: list[LabelFact] = []
    dose_levels: list[LabelFact] = []
    strengths: list[LabelFact] = []
    other: list[LabelFact] = []


class DosingCard(Strict):
    """The dosing card of one regimen of the glossary."""

    regimen: str
    setting: str = ""
    #: the card of another regimen holds the facts (tandem ASCT → HDM-ASCT)
    same_as: str | None = None
    cycle_length: list[LabelFact] = []
    duration: list[LabelFact] = []
    components: list[Component] = []
    #: the app's own notes (what it decided, what was not found), not clinical facts
    notes: list[str] = []

    @model_validator(mode="after")
    def _shape(self) -> DosingCard:
        if self.same_as is None and not self.components:
            raise ValueError(f"card {self.regimen}: no components")
        if self.same_as is not None and self.components:
            raise ValueError(f"card {self.regimen}: same_as and components exclude each other")
        return self


class DosingContent(Strict):
    """All label documents, shared drug facts and cards."""

    documents: list[LabelDocument] = []
    drug_facts: list[DrugFacts] = []
    cards: list[DosingCard] = []

    @model_validator(mode="after")
    def _references(self) -> DosingContent:
        problems: list[str] = []
        docs = {d.id: d for d in self.documents}
        if len(docs) != len(self.documents):
            problems.append("duplicate document ids")
        shared = {f.id: f for f in self.drug_facts}
        if len(shared) != len(self.drug_facts):
            problems.append("duplicate drug_facts ids")
        regimens = [c.regimen for c in self.cards]
        if len(set(regimens)) != len(regimens):
            problems.append(f"duplicate cards: {sorted({r for r in regimens if regimens.count(r) > 1})}")
        for where, fact in self.all_facts():
            problems += _fact_problems(where, fact, docs)
        for card in self.cards:
            if card.same_as is not None and card.same_as not in regimens:
                problems.append(f"card {card.regimen}: same_as unknown card {card.same_as!r}")
            for comp in card.components:
                for ref in [*comp.uses, *(u for a in comp.alternatives for u in a.uses)]:
                    if ref not in shared:
                        problems.append(f"card {card.regimen}/{comp.drug}: unknown drug_facts {ref!r}")
                    elif shared[ref].drug != comp.drug:
                        problems.append(
                            f"card {card.regimen}/{comp.drug}: drug_facts {ref!r} is for {shared[ref].drug}"
                        )
        if problems:
            raise ValueError("dosing content: " + "; ".join(problems))
        return self

    def document(self, doc_id: str) -> LabelDocument:
        for d in self.documents:
            if d.id == doc_id:
                return d
        raise KeyError(doc_id)

    def card(self, regimen: str) -> DosingCard:
        for c in self.cards:
            if c.regimen == regimen:
                return c
        raise KeyError(regimen)

    def shared(self, fact_id: str) -> DrugFacts:
        for f in self.drug_facts:
            if f.id == fact_id:
                return f
        raise KeyError(fact_id)

    def all_facts(self) -> list[tuple[str, LabelFact]]:
        """Every label fact with where it stands ("DaraRd/daratumumab/dose")."""
        out: list[tuple[str, LabelFact]] = []
        for shared in self.drug_facts:
            for name in FACT_LISTS:
                out += [(f"drug_facts {shared.id}/{name}", f) for f in getattr(shared, name, [])]
        for card in self.cards:
            out += [(f"{card.regimen}/cycle_length", f) for f in card.cycle_length]
            out += [(f"{card.regimen}/duration", f) for f in card.duration]
            for comp in card.components:
                for name in FACT_LISTS:
                    out += [(f"{card.regimen}/{comp.drug}/{name}", f) for f in getattr(comp, name)]
                for alt in comp.alternatives:
                    for name in ("route", "dose", "schedule", "other"):
                        out += [(f"{card.regimen}/{comp.drug}/{alt.label}/{name}", f) for f in getattr(alt, name)]
        return out


def _fact_problems(where: str, fact: LabelFact, docs: dict[str, LabelDocument]) -> list[str]:
    if fact.source is None:
        return []
    doc = docs.get(fact.source.doc)
    if doc is None:
        return [f"{where}: unknown document {fact.source.doc!r}"]
    problems = []
    if doc.region != fact.region:
        problems.append(f"{where}: a {fact.region} fact cites the {doc.region} document {doc.id}")
    if fact.confirmed and not doc.confirms:
        problems.append(f"{where}: confirmed, but {doc.id} is {KIND_NAMES[doc.kind]}")
    if not fact.confirmed and fact.text is not None and doc.confirms and not fact.note:
        problems.append(f"{where}: label text of {doc.id} but unconfirmed: the note must say why")
    return problems
