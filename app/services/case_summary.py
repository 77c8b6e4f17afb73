"""The case summary (Qt-free): what the GUI's Case summary shows, copies and prints.

Built from one ``CaseEvaluation``: the routed figure and its recommendations with their statuses,
stage and risk, frailty, renal function, the dose-relevant values, the facts derived from the
treatment history and the lines — each item with where it came from (inputs, rule, source) or
what is still missing. The case has no identifier fields, so nothing here can carry one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.case.derive import DERIVED_NAMES, CaseEvaluation
from app.core.case.fact import Fact
from app.services.case_session import fact_why
from app.services.flow_words import STATUSES, reason_text, short_text

__all__ = ["Item", "Section", "case_sections", "long_lines", "short_lines"]

CALCULATOR_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Stage and risk", ("iss", "r-iss", "r2-iss", "high-risk")),
    ("Frailty", ("imwg-frailty", "simplified-frailty")),
    ("Renal function", ("crcl", "egfr")),
    ("Dose-relevant values", ("bsa", "tocilizumab-dose")),
    ("Smouldering myeloma", ("smm-2-20-20", "smm-imwg-score")),
)
CALC_NAMES = {
    "iss": "ISS", "r-iss": "R-ISS", "r2-iss": "R2-ISS", "high-risk": "High risk (IMS–IMWG, Box 1)",
    "imwg-frailty": "IMWG frailty", "simplified-frailty": "Simplified frailty", "crcl": "Creatinine clearance",
    "egfr": "eGFR", "bsa": "Body surface area", "tocilizumab-dose": "Tocilizumab dose",
    "smm-2-20-20": "SMM 2/20/20", "smm-imwg-score": "SMM IMWG score",
}


@dataclass(frozen=True)
class Item:
    """One line of the summary: a label, its value in words, where it came from, what is missing."""

    label: str
    value: str
    why: str = ""
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    title: str
    items: list[Item]


def _words(value: Any) -> str:
    if value is None:
        return "not determined"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list):
        return ", ".join(_words(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_words(v)}" for k, v in value.items()) or "none"
    return str(value)


def _calculator_item(calc_id: str, calc: dict[str, Any]) -> Item | None:
    name = CALC_NAMES.get(calc_id, calc_id)
    if "not_applicable" in calc:
        return None
    if "result" not in calc:
        return Item(name, "not calculated", missing=list(calc.get("missing", [])))
    paths = [p for f, p in calc.get("from_case", {}).items() if calc.get("inputs", {}).get(f) is not None]
    refs = calc.get("references") or []
    why = f"from: {', '.join(paths)}; source: {refs[0] if refs else calc_id}"
    return Item(name, str(calc.get("headline") or _words(calc["result"])), why, list(calc.get("missing", [])))


def _fact_item(name: str, fact: Fact) -> Item:
    if fact.value is None and fact.not_applicable:
        value = f"not applicable ({fact.not_applicable})"
    elif fact.value is None and fact.range:
        value = f"not determined (between {_words(fact.range[0])} and {_words(fact.range[1])})"
    else:
        value = _words(fact.value)
    return Item(name.replace("_", " "), value, fact_why(fact) if fact.provenance or fact.notes else "",
                list(fact.missing or []))


def _figure_section(result: CaseEvaluation) -> Section:
    fig = result.figure
    prov = fig.provenance
    why = f"rule: {prov.rule}; from: {', '.join(prov.inputs)}; source: {prov.source}" if prov else ""
    if fig.id is not None:
        head = Item("Figure", f"{fig.id.replace('fig', 'Fig. ')} — {fig.reason}", why)
    elif fig.not_applicable:
        head = Item("Figure", f"none — {fig.not_applicable}")
    else:
        head = Item("Figure", f"undetermined — {fig.reason}", why, list(fig.missing or []))
    items = [head]
    flow = result.flow
    if flow is not None:
        ranked = sorted(flow.recommendations, key=lambda r: STATUSES.index(r.status) if r.status in STATUSES else 99)
        for rec in ranked:
            reason = reason_text(rec) or ""
            evidence = f" {rec.evidence.text}" if rec.evidence else ""
            items.append(Item(f"{rec.regimen}{evidence}", short_text(rec.status),
                              f"{reason.rstrip('.;')}; " * bool(reason) + f"source: {rec.source.section}"))
        if flow.missing:
            unknown = {n: result.derived[n] for n in flow.missing if n in result.derived}
            needs = [p for f in unknown.values() for p in (f.missing or [])]
            items.append(Item("Still open in the figure", ", ".join(n.replace("_", " ") for n in flow.missing),
                              missing=list(dict.fromkeys(needs))))
    return Section("Where the case leads", items)


ENTERED_DOSE_VALUES = (("Age", "patient.age", " years"), ("Sex", "patient.sex", ""), ("Weight", "patient.weight", ""),
                       ("Height", "patient.height", ""), ("Current creatinine", "labs_current.creatinine", ""))


def _entered(raw: dict[str, Any], path: str) -> Any:
    node: Any = raw
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _entered_items(raw: dict[str, Any]) -> list[Item]:
    """The values the dose-relevant calculators start from, as entered."""
    out = []
    for label, path, unit in ENTERED_DOSE_VALUES:
        value = _entered(raw, path)
        if isinstance(value, dict):
            value = f"{value.get('value')} {value.get('unit')}"
        out.append(Item(label, f"{value}{unit}", f"entered: {path}") if value is not None
                   else Item(label, "not entered", missing=[path]))
    return out


def case_sections(result: CaseEvaluation, raw: dict[str, Any] | None = None) -> list[Section]:
    """The summary of one evaluated case, section by section (``raw``: the input, for the values as entered)."""
    sections = [_figure_section(result)]
    for title, ids in CALCULATOR_SECTIONS:
        items = [i for i in (_calculator_item(c, result.calculators[c]) for c in ids if c in result.calculators)
                 if i is not None]
        if title == "Dose-relevant values" and raw is not None:
            items = _entered_items(raw) + items
        if items:
            sections.append(Section(title, items))
    lines = [Item(f"Line {g['line'] if g['line'] is not None else '–'.join(map(str, g['line_range']))}",
                  f"episodes {', '.join(map(str, g['episodes']))}; ended by {g['ended_by'] or '—'}"
                  + (f" on {g['progression_date']}" if g.get("progression_date") else ""), str(g["started_by"]))
             for g in result.lines]
    sections.append(Section("Lines of therapy", lines or [Item("Lines", "none (newly diagnosed)")]))
    sections.append(Section("Derived from the treatment history",
                            [_fact_item(n, result.derived[n]) for n in DERIVED_NAMES if n in result.derived]))
    if result.warnings:
        sections.append(Section("Warnings", [Item("Warning", w) for w in result.warnings]))
    return sections


def short_lines(result: CaseEvaluation, raw: dict[str, Any] | None = None) -> list[str]:
    """The short copy: the figure, then one line per item (no sources)."""
    out = [f"Case summary (assessed {result.assessment_date})"]
    for section in case_sections(result, raw):
        if section.title in ("Derived from the treatment history", "Warnings"):
            continue
        out.append(f"{section.title}:")
        out += [f"- {i.label}: {i.value}" for i in section.items]
    return out


def long_lines(result: CaseEvaluation, raw: dict[str, Any] | None = None) -> list[str]:
    """The copy with sources: every item with where it came from and what is missing."""
    out = [f"Case summary (assessed {result.assessment_date})"]
    for section in case_sections(result, raw):
        out += ["", f"{section.title}:"]
        for i in section.items:
            out.append(f"- {i.label}: {i.value}")
            if i.why:
                out.append(f"    {i.why}")
            if i.missing:
                out.append(f"    missing: {', '.join(i.missing)}")
    return out
