"""Plain-text renderings of CLI results (``--text``), for reading beside the guideline."""

from __future__ import annotations

import textwrap
from typing import Any

from app.core.calculators.presentation import result_text as calc_result_text
from app.services.flow_words import LABEL as STATUS_LABELS  # the status words of the diagram and its lists
from app.services.local_notes import text_lines as local_lines


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def version(d: dict[str, Any]) -> str:
    return (
        f"Myeloma Pocket Guide {d['app_version']}\n"
        f"Content {d['content_version']} ({d['content_date']}), database schema {d['schema_version']}"
    )


def info(d: dict[str, Any]) -> str:
    lines = [f"{k}: {v}" for k, v in d.items() if k not in ("text_followed", "local_layer")]
    lines.append("text followed:")
    lines.append(_wrap(str(d.get("text_followed", ""))))
    return "\n".join(lines)


def _tags(evidence: list[dict[str, Any]]) -> str:
    return " ".join(e["text"] for e in evidence)


def recs(items: list[dict[str, Any]]) -> str:
    out = []
    for s in items:
        out.append(f"[{s['id']}] {s['source']['location']}  {_tags(s['evidence'])}")
        out.append(_wrap(s["text"]))
        for note in s.get("notes", []):
            out.append(_wrap(f"Note: {note}"))
        if s.get("errata"):
            out.append(_wrap(f"Errata: {', '.join(s['errata'])}"))
        out += [_wrap(line) for line in local_lines(s.get("local"))]
    return "\n".join(out)


def with_local(text: str, d: dict[str, Any]) -> str:
    """A rendering followed by the local layer's notes on the object (and its local unavailability)."""
    extra = local_lines(d.get("local"))
    if d.get("local_unavailable"):
        extra.insert(0, f"LOCAL — {d['local_unavailable']['reason']}")
    if not extra:
        return text
    return text.rstrip("\n") + "\n\n" + "\n".join(_wrap(line, "") for line in extra)


def search(hits: list[dict[str, Any]]) -> str:
    return "\n".join(f"{h['kind']:12} {h['id']:36} {h['title']}\n{_wrap(h['snippet'])}" for h in hits) or "no hits"


def _hang(text: str, indent: str, first: str = "") -> str:
    """Wrapped at 100 with a hanging indent, never breaking an id at its hyphens."""
    return textwrap.fill(
        text,
        width=100,
        initial_indent=indent + first,
        subsequent_indent=indent + " " * len(first),
        break_on_hyphens=False,
        break_long_words=False,
    )


def _heading(title: str, lines: list[str]) -> list[str]:
    """A heading with its lines; nothing at all when there are no lines."""
    return [title, *lines] if lines else []


_STATEMENT_STRUCTURE = {"id", "kind", "section", "text", "evidence", "source", "notes", "errata", "drugs",
                        "regimens", "duplicate_of", "untagged", "local"}


def _extra_fields(item: dict[str, Any], known: set[str]) -> list[str]:
    """Fields a newer content version may add: shown as "name: value"; a flag only when set."""
    out = []
    for key, value in item.items():
        if key in known or value in (None, "", [], {}, False):
            continue
        name = key.replace("_", " ")
        if value is True:
            out.append(name)
        else:
            out.append(f"{name}: {_plain(value)}")
    return out


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items() if v not in (None, "", [], {}))
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def _statement(s: dict[str, Any]) -> list[str]:
    """One guideline statement of a panel with every non-empty field."""
    text = s.get("text", "")
    tags = " ".join(e["text"] for e in s.get("evidence") or [] if e.get("text") and e["text"] not in text)
    out = [_hang(f"{text}{' ' + tags if tags else ''}", "    ", "- ")]
    source = s.get("source") or {}
    where = [f"[{s['id']}]" if s.get("id") else "", source.get("location", "")]
    if s.get("duplicate_of"):
        where.append(f"(same as {s['duplicate_of']})")
    if s.get("untagged"):
        where.append("(printed without an evidence tag)")
    detail = "        "
    out.append(_hang(" ".join(w for w in where if w), detail))
    quote = source.get("quote")
    if quote and quote.strip() != text.strip():
        out.append(_hang(f"“{quote}”", detail))
    for key in ("drugs", "regimens"):
        if s.get(key):
            out.append(_hang(f"{key}: {', '.join(map(str, s[key]))}", detail))
    out += [_hang(n, detail, "Note: ") for n in s.get("notes") or []]
    out += [_hang(e, detail, "Erratum: ") for e in s.get("errata") or []]
    out += [_hang(extra, detail) for extra in _extra_fields(s, _STATEMENT_STRUCTURE)]
    out += [_hang(line, detail) for line in local_lines(s.get("local"))]
    return out


_PANEL_STRUCTURE = {
    "syndrome", "grade", "cautions", "box3", "recommendations", "doses", "doses_not_given", "conflicts", "local",
}


def _doses_not_given(items: Any) -> list[str]:
    """Where the guideline names a drug but no dose: what is missing, why, and the sentences."""
    out: list[str] = []
    for item in items or []:
        if not isinstance(item, dict):
            out.append(_hang(_plain(item), "    ", "- "))
            continue
        missing = f": no {item['missing']}" if item.get("missing") else ""
        out.append(_hang(f"{item.get('drug', '')}{missing}", "    ", "- "))
        if item.get("note"):
            out.append(_hang(str(item["note"]), "        "))
        for said in item.get("says") or []:
            out.append(_hang(f"{said.get('location', '')}: “{said.get('quote', '')}”", "        ", "• "))
        out += [_hang(extra, "        ") for extra in _extra_fields(item, {"drug", "missing", "note", "says"})]
    return out


def toxicity(panels: list[dict[str, Any]]) -> str:
    """Each panel with every non-empty field; a heading with nothing under it is left out."""
    out: list[str] = []
    for p in panels:
        if out:
            out.append("")
        out.append(f"== {p['syndrome'].upper()} grade {p['grade']} ==")
        out += [_hang(line, "  ") for line in local_lines(p.get("local"))]
        out += _heading(
            "  Cautions:", [_hang(f"{c['quote']} ({c['location']})", "    ", "! ") for c in p.get("cautions") or []]
        )
        out += _heading("  Box 3:", [line for s in p.get("box3") or [] for line in _statement(s)])
        out += _heading(
            "  Recommendations (Supportive care):",
            [line for s in p.get("recommendations") or [] for line in _statement(s)],
        )
        doses: list[str] = []
        for d in p.get("doses") or []:
            doses.append(_hang(f"{d['drug']}: {d['dose']}  ({d['source']['location']})", "    ", "- "))
            if d["source"].get("quote"):
                doses.append(_hang(f"“{d['source']['quote']}”", "        "))
            doses += [_hang(extra, "        ") for extra in _extra_fields(d, {"drug", "dose", "source"})]
        out += _heading("  Doses the guideline gives:", doses)
        out += _heading("  Doses the guideline does not give:", _doses_not_given(p.get("doses_not_given")))
        conflicts: list[str] = []
        for c in p.get("conflicts") or []:
            conflicts.append(_hang(f"{c['title']}: {c['note']}", "    ", "- "))
            conflicts += [_hang(f"{side['location']}: “{side['quote']}”", "        ", "• ") for side in c["sides"]]
        out += _heading("  Where the guideline contradicts itself:", conflicts)
        for key, value in p.items():
            if key in _PANEL_STRUCTURE or value in (None, "", [], {}):
                continue
            items = value if isinstance(value, list) else [value]
            title = f"  {key.replace('_', ' ').capitalize()}:"
            out += _heading(title, [_hang(_plain(v), "    ", "- ") for v in items])
    return "\n".join(out)


def describe(d: dict[str, Any]) -> str:
    out = [f"{d['figure']}: {d['title']}", _wrap(f"Reconstruction: {d['reconstruction']}", "  "), ""]
    for node in d["nodes"]:
        if node["kind"] == "question":
            flag = " (reconstructed)" if node["reconstructed"] else ""
            out.append(f"? {node['id']}: {node['prompt']}{flag}")
            out += [f"    [{o['label']}] if {o['when']} → {o['next']}" for o in node["options"]]
        else:
            out.append(f"■ {node['id']}: {node['title']}" + (f" → {node['next']}" if node["next"] else ""))
            for item in node["items"]:
                ev = item["evidence"]["text"] if item.get("evidence") else ""
                rules = "; ".join(f"{r['label']}: {r['evidence']['text']}" for r in item["evidence_rules"])
                out.append(f"    - {item['regimen']} {ev} {rules} ({item['tier']})".rstrip())
                if item.get("when"):
                    out.append(f"        when {item['when']}")
                for cond in item.get("conditions", []):
                    out.append(f"        condition: {cond}")
                if item.get("fallback"):
                    out.append(_wrap(f"last resort: {item['fallback']}", "        "))
                if item.get("when_false"):
                    out.append(_wrap(f"when not met: {item['when_false']}", "        "))
                if item.get("exclusive_when"):
                    out.append(_wrap(f"if {item['exclusive_when']}: {item['exclusive_reason']}", "        "))
                for sub in item["substitutes"]:
                    out.append(f"        if unavailable → {sub['regimen']} {sub['evidence']['text']}")
                out.append(_wrap(f"“{item['source']['quote']}”", "        "))
    out.append("")
    out.append("Notes:")
    for note in d["notes"]:
        out.append(_wrap(f"[{note['kind']}{' ' + note['ref'] if note.get('ref') else ''}] {note['text']}", "  "))
    return "\n".join(out)




def evaluation(d: dict[str, Any]) -> str:
    out = [f"{d['figure']} path: {' → '.join(d['path'])}"]
    if d["missing"]:
        out.append(f"still needed: {', '.join(d['missing'])}")
    for r in d["recommendations"]:
        ev = r["evidence"]["text"] if r["evidence"] else " / ".join(
            f"{c['when']}: {c['evidence']['text']}" for c in r["evidence_by_condition"]
        )
        sub = f" (instead of {r['substitutes_for']})" if r.get("substitutes_for") else ""
        status = STATUS_LABELS.get(r["status"], r["status"])
        out.append(f"- [{status}] {r['tier']}: {r['regimen']}{sub} {ev}  ({', '.join(r['components'])})")
        if r.get("reason"):
            out.append(_wrap(f"why: {r['reason']}", "      "))
        out += [_wrap(f"condition: {c}", "      ") for c in r["conditions"]]
        out.append(_wrap(f"“{r['source']['quote']}” — {r['source']['section']}", "      "))
        out += [_wrap(line, "      ") for line in local_lines(r.get("local"))]
    for note in d["notes"]:
        tag = f" {note['evidence']['text']}" if note.get("evidence") else ""
        out.append(_wrap(f"Note [{note['kind']}]{tag}: {note['text']}", "  "))
    for node in d.get("local_nodes") or []:
        out += [_wrap(f"{line} (at {node['node']})", "  ") for line in local_lines(node["local"])]
    return "\n".join(out)


def calc(d: dict[str, Any]) -> str:
    """The result as the GUI's Copy as text shows it (one rendering, app.core), wrapped to 100."""
    return with_local(calc_result_text(d, width=100), d)
