"""A dosing card as one region shows it (the ``mmguide regimen ID`` contract, cli.md).

Every value comes from a :class:`~app.core.dosing.models.LabelFact` of THAT region: the other
region's label is never merged into a line; where it differs, ``other_region`` says how, each line
prefixed with the other label's name. A fact that was not confirmed in label text carries its
warning wherever it is shown; a fact that was not found shows :data:`NOT_IN_GUIDE`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from app.core.dosing.models import (
    FACT_LISTS,
    KIND_NAMES,
    NOT_IN_GUIDE,
    REGION_NAMES,
    TOPIC_NAMES,
    Alternative,
    Component,
    DosingCard,
    DosingContent,
    LabelFact,
    Region,
    ScheduleRow,
)

#: the topics a component shows, in the card's order
COMPONENT_TOPICS = FACT_LISTS
#: a missing fact of these topics is named among the card's warnings (the others are shown in place)
KEY_TOPICS = frozenset({"dose", "schedule", "cycle_length"})


def other(region: Region) -> Region:
    return "us" if region == "eu" else "eu"


def resolve(content: DosingContent, regimen: str) -> DosingCard:
    """The card that holds a regimen's facts (following ``same_as``)."""
    card = content.card(regimen)
    seen = {card.regimen}
    while card.same_as is not None:
        card = content.card(card.same_as)
        if card.regimen in seen:
            raise ValueError(f"same_as cycle at {card.regimen}")
        seen.add(card.regimen)
    return card


def merged(content: DosingContent, comp: Component) -> dict[str, list[LabelFact]]:
    """A component's facts per topic: its own first, then those of the shared drug facts it uses."""
    out: dict[str, list[LabelFact]] = {name: list(getattr(comp, name)) for name in FACT_LISTS}
    for ref in comp.uses:
        shared = content.shared(ref)
        for name in FACT_LISTS:
            out[name] += list(getattr(shared, name, []))
    return out


def merged_alternative(content: DosingContent, alt: Alternative) -> dict[str, list[LabelFact]]:
    out: dict[str, list[LabelFact]] = {
        name: list(getattr(alt, name)) for name in ("route", "dose", "schedule", "other")
    }
    out["strengths"] = []
    for ref in alt.uses:
        shared = content.shared(ref)
        for name in ("route", "dose", "other", "strengths"):
            out[name] += list(getattr(shared, name, []))
    return out


def in_region(facts: Iterable[LabelFact], region: Region) -> list[LabelFact]:
    return [f for f in facts if f.region == region]


def status(fact: LabelFact) -> str:
    if fact.text is None:
        return "NOT FOUND"
    return "CONFIRMED" if fact.confirmed else "UNCONFIRMED"


def source_view(content: DosingContent, fact: LabelFact) -> dict[str, Any] | None:
    if fact.source is None:
        return None
    doc = content.document(fact.source.doc)
    return {
        "document": doc.title,
        "kind": doc.kind,
        "kind_name": KIND_NAMES[doc.kind],
        "section": fact.source.section,
        "revision": doc.revision,
        "read_in": doc.read_in,
        "url": fact.source.url or doc.url,
        "checked": doc.checked.isoformat(),
        "excerpt": fact.source.excerpt,
        "more": list(fact.source.more),
    }


def source_line(content: DosingContent, fact: LabelFact) -> str:
    """ "DOCUMENT, section S; revision R; read in C; checked D" (or why there is none)."""
    src = source_view(content, fact)
    if src is None:
        return "no source: the label text was not found"
    return (
        f"{src['document']}, section {src['section']}; revision: {src['revision']}; read in: {src['read_in']}; "
        f"checked {src['checked']}"
    )


def warning_of(content: DosingContent, fact: LabelFact, what: str) -> str | None:
    """The warning a fact carries wherever it is shown (None for a confirmed fact)."""
    region = REGION_NAMES[fact.region]
    if fact.text is None:
        return f"NOT IN THIS GUIDE ({region}): {what} — check the label. {fact.note}".strip()
    if fact.confirmed:
        return None
    assert fact.source is not None
    doc = content.document(fact.source.doc)
    if doc.confirms:
        return f"UNCONFIRMED ({region}): {what} — {fact.note}"
    why = f" {fact.note}" if fact.note else ""
    return f"UNCONFIRMED ({region}): {what} — from {KIND_NAMES[doc.kind]} ({doc.title}).{why}"


def row_view(row: ScheduleRow) -> dict[str, Any]:
    return {
        "label": row.label,
        "cycles": row.cycles,
        "weeks": row.weeks,
        "days": row.day_list() if row.days else None,
        "every": row.every,
        "doses": row.doses,
        "dose": dose_view(row.dose),
        "until": row.until,
        "text": row.text(),
    }


def dose_view(dose: Any) -> dict[str, Any] | None:
    if dose is None:
        return None
    return {
        "value": dose.value,
        "value_max": dose.value_max,
        "unit": dose.unit,
        "per": dose.per,
        "max_total": dose.max_total,
        "text": dose.text(),
    }


def fact_view(content: DosingContent, fact: LabelFact, topic: str, what: str) -> dict[str, Any]:
    """One fact as the card shows it: text (or NOT_IN_GUIDE), status, warning, source, structure."""
    return {
        "topic": topic,
        "topic_name": TOPIC_NAMES.get(topic, topic),
        "region": fact.region,
        "region_name": REGION_NAMES[fact.region],
        "option": fact.option,
        "text": fact.text if fact.text is not None else NOT_IN_GUIDE,
        "found": fact.text is not None,
        "confirmed": fact.confirmed,
        "status": status(fact),
        "warning": warning_of(content, fact, what),
        "note": fact.note,
        "source": source_view(content, fact),
        "dose": dose_view(fact.dose),
        "schedule": [row_view(r) for r in fact.rows],
        "cycle_length_days": fact.days,
        "condition": fact.when.describe() if fact.when is not None else None,
        "cap": fact.cap.model_dump() if fact.cap is not None else None,
        "strengths_mg": list(fact.strengths_mg),
        "steps": list(fact.steps),
    }


def _texts(facts: Sequence[LabelFact]) -> list[str]:
    return [(f"[{f.option}] " if f.option else "") + (f.text or NOT_IN_GUIDE) for f in facts]


def differences(topic_facts: dict[str, list[LabelFact]], region: Region, what: str) -> list[str]:
    """How the other region's label differs, topic by topic, each line naming that label."""
    out: list[str] = []
    them = other(region)
    for topic, facts in topic_facts.items():
        mine = in_region(facts, region)
        theirs = in_region(facts, them)
        if not theirs or not any(f.text is not None for f in [*mine, *theirs]):
            continue
        if sorted(_texts(mine)) == sorted(_texts(theirs)):
            continue
        parts = []
        for f in theirs:
            flag = "" if f.text is None or f.confirmed else " [UNCONFIRMED]"
            parts.append((f"[{f.option}] " if f.option else "") + (f.text or NOT_IN_GUIDE) + flag)
        out.append(f"{REGION_NAMES[them]} · {what} · {TOPIC_NAMES.get(topic, topic)}: " + "; ".join(parts))
    return out


def _first_found(facts: Sequence[LabelFact]) -> LabelFact | None:
    for f in facts:
        if f.text is not None:
            return f
    return None


def component_view(content: DosingContent, comp: Component, region: Region, drug_name: str) -> dict[str, Any]:
    facts = merged(content, comp)
    what = drug_name
    views = {
        topic: [
            fact_view(content, f, topic, f"{what} {TOPIC_NAMES[topic].lower()}")
            for f in in_region(facts[topic], region)
        ]
        for topic in COMPONENT_TOPICS
    }
    main_dose = _first_found(in_region(facts["dose"], region))
    route = _first_found(in_region(facts["route"], region))
    cap_fact = _first_found(in_region(facts["caps"], region))
    schedule_rows = [
        {**row_view(r), "option": f.option, "confirmed": f.confirmed, "status": status(f)}
        for f in in_region(facts["schedule"], region)
        for r in f.rows
    ]
    dose_rows = [
        {**row_view(r), "option": f.option, "confirmed": f.confirmed, "status": status(f)}
        for f in in_region(facts["dose"], region)
        for r in f.rows
    ]
    key = [f for t in ("dose", "schedule") for f in in_region(facts[t], region)]
    alternatives = []
    for alt in comp.alternatives:
        alt_facts = merged_alternative(content, alt)
        alt_views = {
            t: [
                fact_view(content, f, t, f"{what} ({alt.label}) {TOPIC_NAMES[t].lower()}")
                for f in in_region(alt_facts[t], region)
            ]
            for t in ("route", "dose", "schedule", "other", "strengths")
        }
        alt_dose = _first_found(in_region(alt_facts["dose"], region))
        alt_route = _first_found(in_region(alt_facts["route"], region))
        alternatives.append(
            {
                "label": alt.label,
                "route": alt_route.text if alt_route else None,
                "dose": dose_view(alt_dose.dose) if alt_dose else None,
                "schedule": [row_view(r) for f in in_region(alt_facts["schedule"], region) for r in f.rows],
                "facts": alt_views,
                "other_region": differences(alt_facts, region, f"{what} ({alt.label})"),
            }
        )
    adjustments = [
        {
            "kind": topic,
            "condition": v["condition"],
            "change": v["text"],
            "confirmed": v["confirmed"],
            "status": v["status"],
            "warning": v["warning"],
            "source": v["source"],
        }
        for topic in ("renal", "hepatic", "dose_levels")
        for v in views[topic]
    ]
    return {
        "drug": comp.drug,
        "name": drug_name,
        "role": comp.role,
        "route": route.text if route else None,
        "dose": dose_view(main_dose.dose) if main_dose else None,
        "dose_text": main_dose.text if main_dose else NOT_IN_GUIDE,
        "cap": cap_fact.cap.model_dump() if cap_fact and cap_fact.cap else None,
        "schedule": schedule_rows or dose_rows,
        "alternatives": alternatives,
        "premedication": views["premedication"],
        "adjustments": adjustments,
        "source": source_view(content, main_dose) if main_dose else None,
        "confirmed": bool(key) and all(f.confirmed for f in key),
        "other_region": differences({t: facts[t] for t in COMPONENT_TOPICS}, region, what),
        "facts": views,
        "guideline_doses": [
            {
                "text": g.text,
                "quote": g.source.quote,
                "location": g.source.location,
                "dose": dose_view(g.dose),
                "when": g.when,
            }
            for g in comp.guideline
        ],
        "renal_table": comp.renal_table,
    }


def card_facts(content: DosingContent, card: DosingCard) -> list[LabelFact]:
    """Every fact the card shows (its own and the shared drug facts it uses), both regions."""
    out = [*card.cycle_length, *card.duration]
    for comp in card.components:
        for facts in merged(content, comp).values():
            out += facts
        for alt in comp.alternatives:
            for facts in merged_alternative(content, alt).values():
                out += facts
    return out


def tally(facts: Sequence[LabelFact]) -> dict[str, int]:
    return {
        "facts": len(facts),
        "found": sum(f.text is not None for f in facts),
        "confirmed": sum(f.confirmed for f in facts),
    }


def card_view(
    content: DosingContent,
    regimen: str,
    region: Region,
    *,
    name: str = "",
    drug_names: dict[str, str] | None = None,
    guideline: Sequence[str] = (),
    guideline_links: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The card of ``regimen`` for ``region`` (the contract's JSON, without the patient part)."""
    asked = content.card(regimen)
    card = resolve(content, regimen)
    names = drug_names or {}
    cycle = in_region(card.cycle_length, region)
    duration = in_region(card.duration, region)
    cycle_found = _first_found(cycle)
    components = [component_view(content, c, region, c.name or names.get(c.drug, c.drug)) for c in card.components]
    warnings: list[str] = []
    for f in cycle:
        w = warning_of(content, f, "cycle length")
        if w:
            warnings.append(w)
    for f in duration:
        if f.text is not None:
            w = warning_of(content, f, "duration")
            if w:
                warnings.append(w)
    for comp in components:
        for topic in ("dose", "schedule", "variants", "caps"):
            for v in comp["facts"][topic]:
                if v["warning"] and (v["found"] or topic in KEY_TOPICS):
                    warnings.append(v["warning"])
    if not any(c["dose"] or c["schedule"] for c in components):
        warnings.insert(0, f"{REGION_NAMES[region]}: no dose of this regimen was found in label text — check the label")
    facts = card_facts(content, card)
    regional = [f for f in facts if f.region == region]
    checked = sorted({content.document(f.source.doc).checked.isoformat() for f in facts if f.source is not None})
    return {
        "regimen": asked.regimen,
        "name": name or asked.regimen,
        "region": region,
        "region_name": REGION_NAMES[region],
        "setting": asked.setting or card.setting,
        "same_as": asked.same_as,
        "cycle_length_days": cycle_found.days if cycle_found and cycle_found.confirmed else None,
        "cycle_length": [fact_view(content, f, "cycle_length", "cycle length") for f in cycle],
        "duration": [fact_view(content, f, "duration", "duration") for f in duration],
        "components": components,
        "other_region": differences({"cycle_length": card.cycle_length, "duration": card.duration}, region, "regimen"),
        "guideline": list(guideline),
        "guideline_links": guideline_links or {},
        "warnings": warnings,
        "notes": [*asked.notes, *(card.notes if card is not asked else [])],
        "checked": checked[-1] if checked else None,
        "facts_tally": {"region": tally(regional), "both": tally(facts)},
    }
