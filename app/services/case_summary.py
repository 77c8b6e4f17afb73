"""The case summary (Qt-free): what the GUI's Case summary shows, copies and prints.

Built from one ``CaseEvaluation``: the routed figure and its recommendations with their statuses,
what the figure still needs (sorted as the figure screen sorts it, ``flow_questions``), stage and
risk, frailty, renal function, the dose-relevant values, the lines and the facts derived from
the treatment history. Every item is written in words (``case_words``) and points to numbered
references (``case_references``), each source cited once at the end. The case has no identifier
fields, so nothing here can carry one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.case.derive import DERIVED_NAMES, PASS_THROUGH, CaseEvaluation
from app.core.case.fact import Fact
from app.core.flowchart.model import Figure
from app.services.case_references import GUIDELINE, References, marks
from app.services.case_words import fact_label, fact_value_words, path_words, rule_words, value_words, words_in
from app.services.flow_questions import StillNeeded, still_needed
from app.services.flow_words import STATUSES, reason_text, short_text

__all__ = ["Item", "Section", "Summary", "case_sections", "case_summary", "long_lines", "short_lines"]

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
#: the case contract's rule for which creatinine the renal calculators use (verbatim, §2)
CREATININE_RULE = (
    "Case contract (shared/contracts/case.md §2, inputs): \"`labs_current` | `creatinine`: used for `crcl`/`egfr`; "
    "when absent and the history is empty, `labs_at_diagnosis.creatinine` is used\""
)
STILL_NEEDED = "Still needed in the figure"
OPTIONAL = "Optional in the figure"
REFRACTORINESS_FACTS = ("lenalidomide_status", "bortezomib_status", "anti_cd38_status")
#: left out of the short refractoriness line (the full per-drug status is in the derived facts)
CORTICOSTEROIDS = frozenset({"dexamethasone", "prednisone", "prednisolone", "methylprednisolone"})


@dataclass(frozen=True)
class Item:
    """One line of the summary: a label, its value in words, how it was reached (in words), what is
    missing (case paths) and the numbers of its references."""

    label: str
    value: str
    why: str = ""
    missing: list[str] = field(default_factory=list)
    refs: list[int] = field(default_factory=list)
    needed: bool = True
    """False: what is missing only refines the answer (shown without alarm)."""

    @property
    def missing_words(self) -> str:
        return ", ".join(dict.fromkeys(path_words(p) for p in self.missing))


@dataclass(frozen=True)
class Section:
    title: str
    items: list[Item]


@dataclass(frozen=True)
class Summary:
    assessment_date: str
    sections: list[Section]
    references: list[str]
    refractoriness: str
    """The derived refractoriness in one sentence (the short copy's clinical-note line)."""


def _from(paths: list[str]) -> str:
    return f"from: {', '.join(dict.fromkeys(path_words(p) for p in paths))}" if paths else ""


def _join(*bits: str) -> str:
    return "; ".join(b for b in bits if b)


def _calculator_item(calc_id: str, calc: dict[str, Any], refs: References) -> Item | None:
    name = CALC_NAMES.get(calc_id, calc_id)
    if "not_applicable" in calc:
        return None
    if "result" not in calc:
        return Item(name, "not calculated", missing=list(calc.get("missing", [])))
    paths = [p for f, p in calc.get("from_case", {}).items() if calc.get("inputs", {}).get(f) is not None]
    numbers = refs.cite_all(list(calc.get("references") or [])[:1])
    return Item(name, str(calc.get("headline") or value_words(calc["result"])), _from(paths),
                list(calc.get("missing", [])), numbers)


def _fact_item(name: str, fact: Fact, refs: References) -> Item:
    if fact.value is None and fact.not_applicable:
        value = f"not applicable ({words_in(fact.not_applicable)})"
    elif fact.value is None and fact.range:
        low, high = (value_words(v) if v is not None else "?" for v in fact.range)
        value = f"not determined (between {low} and {high})"
    else:
        value = fact_value_words(name, fact.value)
    why, numbers = "", []
    if fact.provenance is not None:
        why = _join(rule_words(fact.provenance.rule), _from(fact.provenance.inputs))
        if fact.provenance.source and not fact.provenance.source.startswith(("clinician", "treatment history")):
            numbers = refs.cite_source(fact.provenance.source)
    numbers += [n for n in refs.cite_all([f"Note: {n}" for n in fact.notes]) if n not in numbers]
    return Item(fact_label(name), value, why, list(fact.missing or []), numbers)


def _fact_paths(result: CaseEvaluation, name: str) -> list[str]:
    if name in PASS_THROUGH:
        return [PASS_THROUGH[name]]
    fact = result.derived.get(name)
    return list(fact.missing or []) if fact is not None else []


def _needed_items(result: CaseEvaluation, questions: StillNeeded) -> list[Item]:
    needed = [q.prompt for q in questions.needed]
    items = [Item(STILL_NEEDED, "; ".join(needed) if needed else "nothing",
                  missing=[p for q in questions.needed for p in _fact_paths(result, q.fact)])]
    if questions.optional:
        text = "; ".join(f"{q.prompt} ({q.why})" for q in questions.optional)
        items.append(Item(OPTIONAL, text, "refines what is shown; the answer does not wait for it",
                          [p for q in questions.optional for p in _fact_paths(result, q.fact)], needed=False))
    return items


def _figure_section(result: CaseEvaluation, figure: Figure | None, refs: References) -> Section:
    fig = result.figure
    prov = fig.provenance
    why, numbers = (_from([p for p in prov.inputs if p != "derived.prior_lines"] + ["derived.prior_lines"]),
                    refs.cite_source(prov.source)) if prov else ("", [])
    if fig.id is not None:
        head = Item("Figure", f"{fig.id.replace('fig', 'Fig. ')} — {fig.reason}", why, refs=numbers)
    elif fig.not_applicable:
        head = Item("Figure", f"none — {fig.not_applicable}")
    else:
        head = Item("Figure", f"undetermined — {fig.reason}", why, list(fig.missing or []), numbers)
    items = [head]
    flow = result.flow
    if flow is None:
        return Section("Where the case leads", items)
    questions = still_needed(figure, flow) if figure is not None else None
    prompts = {s.name: s.prompt for s in figure.facts} if figure is not None else {}
    asked = [q.prompt for q in questions.needed] if questions is not None else []
    ranked = sorted(flow.recommendations, key=lambda r: STATUSES.index(r.status) if r.status in STATUSES else 99)
    for rec in ranked:
        evidence = f" {rec.evidence.text}" if rec.evidence else ""
        quote = f": \"{rec.source.quote}\"" if rec.source.quote else ""
        number = refs.cite(f"{GUIDELINE}, {rec.source.section}{quote}")
        tier = (f" ({rec.tier}: {'; '.join(rec.conditions)})"
                if rec.tier == "conditional" and rec.conditions and rec.status in ("applies", "possible") else "")
        items.append(Item(f"{rec.regimen}{evidence}", short_text(rec.status) + tier,
                          words_in(reason_text(rec, asked, prompts) or ""), refs=[number]))
    if questions is not None:
        items += _needed_items(result, questions)
    elif flow.missing:
        items.append(Item(STILL_NEEDED, ", ".join(fact_label(n) for n in flow.missing),
                          missing=[p for n in flow.missing for p in _fact_paths(result, n)]))
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
        out.append(Item(label, f"{value}{unit}", "entered in the Patient panel") if value is not None
                   else Item(label, "not entered", missing=[path]))
    return out


def _creatinine_item(raw: dict[str, Any], refs: References) -> Item | None:
    """Which creatinine the renal calculators use, when a creatinine at diagnosis is entered."""
    at_diagnosis = _entered(raw, "labs_at_diagnosis.creatinine")
    if at_diagnosis is None or _entered(raw, "labs_current.creatinine") is not None:
        return None
    shown = at_diagnosis
    if isinstance(at_diagnosis, dict):
        shown = f"{at_diagnosis.get('value')} {at_diagnosis.get('unit')}"
    number = refs.cite(CREATININE_RULE)
    if raw.get("treatment_history"):
        return Item("Creatinine at diagnosis", f"{shown} — not used for current renal function",
                    "treatment has been given, so only a current creatinine is used for CrCl and eGFR; "
                    "enter the current creatinine", ["labs_current.creatinine"], [number])
    return Item("Creatinine at diagnosis", f"{shown} — used for CrCl and eGFR",
                "no current creatinine and no treatment yet, so the creatinine at diagnosis is used", refs=[number])


def _line_items(result: CaseEvaluation, raw: dict[str, Any] | None) -> list[Item]:
    history = (raw or {}).get("treatment_history") or []
    number_of = {str(ep.get("id", i + 1)): str(i + 1) for i, ep in enumerate(history) if isinstance(ep, dict)}
    out = []
    for g in result.lines:
        number = g["line"] if g["line"] is not None else "–".join(map(str, g["line_range"]))
        ended = {None: "not ended"}.get(g["ended_by"], f"ended by {g['ended_by']}")
        when = f" on {g['progression_date']}" if g.get("progression_date") else ""
        started = "" if g["started_by"] == "first episode" else rule_words(str(g["started_by"]))
        episodes = ", ".join(number_of.get(str(e), str(e)) for e in g["episodes"])
        noun = "episode" if len(g["episodes"]) == 1 else "episodes"
        out.append(Item(f"Line {number}", f"{noun} {episodes}; {ended}{when}", started))
    return out or [Item("Lines", "none (newly diagnosed)")]


def refractoriness_text(result: CaseEvaluation) -> str:
    """"lenalidomide-refractory, bortezomib-sensitive, anti-CD38-sensitive; triple-class exposed, not
    triple-class refractory; relapsed and refractory" — or "" before any treatment."""
    derived = result.derived
    if not result.lines:
        return ""
    statuses = []
    by_drug = derived.get("drug_status")
    drugs = {d: s for d, s in (by_drug.value or {}).items() if d not in CORTICOSTEROIDS} if by_drug else {}
    if drugs:  # every drug received, by its status (REF rules per drug); corticosteroids are not classified on
        for status in ("refractory", "sensitive"):
            named = [f"{d}-{status}" for d, s in drugs.items() if s == status]
            if named:
                statuses.append(", ".join(named))
        undetermined = [d for d, s in drugs.items() if s is None]
        if undetermined:
            statuses.append(f"not determined: {', '.join(undetermined)}")
        cd38 = derived.get("anti_cd38_status")  # the class, as Figs. 2 and 3 ask it
        if cd38 is not None and not cd38.not_applicable and cd38.value:
            statuses.append(f"anti-CD38-{cd38.value}")
    else:
        for name in REFRACTORINESS_FACTS:
            fact = derived.get(name)
            drug = "anti-CD38" if name == "anti_cd38_status" else name.split("_")[0]
            if fact is None or fact.not_applicable:
                continue
            statuses.append(f"{drug}-{fact.value}" if fact.value else f"{drug}: not determined")
    triple = [derived.get("triple_class_exposed"), derived.get("triple_class_refractory")]
    if triple[1] is not None and triple[1].value:
        statuses.append("triple-class refractory")
    elif triple[0] is not None and triple[0].value:
        statuses.append("triple-class exposed, not triple-class refractory"
                        if triple[1] is not None and triple[1].value is False else "triple-class exposed")
    refractory_to = derived.get("refractory_to")
    if refractory_to is not None and refractory_to.value:
        statuses.append(f"refractory to {value_words(refractory_to.value)}")
    state = derived.get("disease_state")
    if state is not None and state.value:
        statuses.append(f"disease {value_words(state.value)}")
    return "; ".join(statuses)


def case_summary(result: CaseEvaluation, raw: dict[str, Any] | None = None, figure: Figure | None = None) -> Summary:
    """The summary of one evaluated case (``raw``: the input, for the values as entered; ``figure``: the
    routed figure, to sort what it still needs as its screen does)."""
    refs = References()
    sections = [_figure_section(result, figure, refs)]
    for title, ids in CALCULATOR_SECTIONS:
        items = [i for i in (_calculator_item(c, result.calculators[c], refs) for c in ids if c in result.calculators)
                 if i is not None]
        if title == "Renal function" and raw is not None:
            creatinine = _creatinine_item(raw, refs)
            items += [creatinine] if creatinine is not None else []
        if title == "Dose-relevant values" and raw is not None:
            items = _entered_items(raw) + items
        if items:
            sections.append(Section(title, items))
    sections.append(Section("Lines of therapy", _line_items(result, raw)))
    sections.append(Section("Derived from the treatment history",
                            [_fact_item(n, result.derived[n], refs) for n in DERIVED_NAMES if n in result.derived]))
    if result.warnings:
        sections.append(Section("Warnings", [Item("Warning", words_in(w)) for w in result.warnings]))
    return Summary(result.assessment_date, sections, list(refs.texts), refractoriness_text(result))


def case_sections(result: CaseEvaluation, raw: dict[str, Any] | None = None,
                  figure: Figure | None = None) -> list[Section]:
    return case_summary(result, raw, figure).sections


def _short_value(item: Item) -> str:
    text = item.value
    if item.why and item.label not in ("Figure", OPTIONAL) and not item.value.startswith("✓"):
        text += f" — {item.why}" if not item.why.startswith(("from:", "entered")) else ""
    if item.missing and item.needed:
        text += f" (needs {item.missing_words})"
    return text


def short_lines(result: CaseEvaluation, raw: dict[str, Any] | None = None, figure: Figure | None = None) -> list[str]:
    """The short copy, a clinical note: the figure and its options (why, for each one not applying),
    the refractoriness, stage, frailty, renal function, doses and lines; no sources, no identifiers."""
    summary = case_summary(result, raw, figure)
    out = [f"Case summary (assessed {result.assessment_date})"]
    for section in summary.sections:
        if section.title in ("Derived from the treatment history", "Warnings"):
            continue
        out.append(f"{section.title}:")
        out += [f"- {i.label}: {_short_value(i)}" for i in section.items]
        if section.title == "Lines of therapy" and summary.refractoriness:
            out.append(f"- Refractoriness: {summary.refractoriness}")
    return out


def long_lines(result: CaseEvaluation, raw: dict[str, Any] | None = None, figure: Figure | None = None) -> list[str]:
    """The copy with sources: every item with how it was reached, what is missing and its references
    ([n]), then the references, each once."""
    summary = case_summary(result, raw, figure)
    out = [f"Case summary (assessed {result.assessment_date})"]
    for section in summary.sections:
        out += ["", f"{section.title}:"]
        for i in section.items:
            out.append(f"- {i.label}: {i.value}" + (f" {marks(i.refs)}" if i.refs else ""))
            if i.why:
                out.append(f"    {i.why}")
            if i.missing:
                out.append(f"    {'still missing' if i.needed else 'optional'}: {i.missing_words}")
    if summary.references:
        out += ["", "References and notes:"]
        out += [f"[{n}] {text}" for n, text in enumerate(summary.references, 1)]
    return out
