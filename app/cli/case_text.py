"""``mmguide case --text``: the evaluation of one case, readable (facts with their rule and
source, the lines, the calculators, then the figure's path)."""

from __future__ import annotations

import textwrap
from typing import Any

from app.cli import text as render


def _wrap(text: str, indent: str, rest: str | None = None) -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=rest or indent,
                         break_on_hyphens=False, break_long_words=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {'undetermined' if v is None else _value(v)}" for k, v in value.items()) or "none"
    return str(value)


def _range(values: list[Any], word: str = "to") -> str:
    low, high = (("?" if v is None else _value(v)) for v in values)
    return f"{low} {word} {high}"


def fact_lines(name: str, fact: dict[str, Any]) -> list[str]:
    """One derived fact: its value (or why it has none), rule, inputs and source, then its notes."""
    if fact.get("value") is not None:
        head = f"{name}: {_value(fact['value'])}"
    elif "not_applicable" in fact:
        head = f"{name}: not applicable — {fact['not_applicable']}"
    else:
        head = f"{name}: not determined"
        if fact.get("range"):
            head += f" (between {_range(fact['range'], 'and')})"
    out = [_wrap(head, "  ", "      ")]
    if fact.get("missing"):
        out.append(_wrap(f"missing: {', '.join(fact['missing'])}", "      "))
    if fact.get("passed_to_figure") is not None:
        out.append(_wrap(f"passed to the figure as {_value(fact['passed_to_figure'])}", "      "))
    prov = fact.get("provenance")
    if prov:
        out.append(_wrap(f"rule: {prov['rule']}", "      "))
        if prov["inputs"]:
            out.append(_wrap(f"from: {', '.join(prov['inputs'])}", "      "))
        out.append(_wrap(f"source: {prov['source']}", "      "))
    out += [_wrap(f"note: {n}", "      ") for n in fact.get("notes", [])]
    return out


def _calculator(calc_id: str, calc: dict[str, Any]) -> str:
    if "not_applicable" in calc:
        return f"  {calc_id}: not applicable — {calc['not_applicable']}"
    if "result" not in calc:
        return _wrap(f"{calc_id}: needs {', '.join(calc['missing'])}", "  ")
    missing = f" (would be settled by {', '.join(calc['missing'])})" if calc.get("missing") else ""
    return _wrap(f"{calc_id}: {calc.get('headline') or calc['result']}{missing}", "  ")


def _line(group: dict[str, Any]) -> str:
    number = group["line"] if group["line"] is not None else f"{_range(group['line_range'])} (undetermined)"
    ended = {"progression": "ended by progression", None: "—"}.get(group["ended_by"], group["ended_by"])
    when = f" on {group['progression_date']}" if group.get("progression_date") else ""
    start = "" if group["started_by"] == "first episode" else f"; started by {group['started_by']}"
    text = f"line {number}: {', '.join(group['episodes'])} — {ended}{when}{start}"
    return _wrap(text, "  ", "      ")


def case_text(d: dict[str, Any]) -> str:
    fig = d["figure"]
    if fig["id"] is not None:
        routed = f"figure {fig['id']}: {fig['reason']}"
    elif fig.get("not_applicable"):
        routed = f"no figure: {fig['not_applicable']}"
    else:
        routed = f"figure undetermined: {fig.get('reason', '')}; missing {', '.join(fig.get('missing') or [])}"
    out = [f"Case assessed {d['assessment_date']} — {routed}", "", "Lines of therapy:"]
    out += [_line(g) for g in d["lines"]] or ["  none (newly diagnosed)"]
    out += ["", "Derived facts:"]
    for name, fact in d["derived"].items():
        out += fact_lines(name, fact)
    out += ["", "Calculators:"]
    out += [_calculator(calc_id, calc) for calc_id, calc in d["calculators"].items()]
    if d.get("flow"):
        out += ["", f"Figure {fig['id']} for these facts:", render.evaluation(d["flow"])]
    if d["warnings"]:
        out += ["", "Warnings:"] + [_wrap(w, "  - ", "    ") for w in d["warnings"]]
    return "\n".join(out)
