"""Plain-text renderings of CLI results (``--text``), for reading beside the guideline."""

from __future__ import annotations

import textwrap
from typing import Any


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=100, initial_indent=indent, subsequent_indent=indent)


def version(d: dict[str, Any]) -> str:
    return (
        f"Myeloma Pocket Guide {d['app_version']}\n"
        f"Content {d['content_version']} ({d['content_date']}), database schema {d['schema_version']}"
    )


def info(d: dict[str, Any]) -> str:
    lines = [f"{k}: {v}" for k, v in d.items() if k != "text_followed"]
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
    return "\n".join(out)


def search(hits: list[dict[str, Any]]) -> str:
    return "\n".join(f"{h['kind']:12} {h['id']:36} {h['title']}\n{_wrap(h['snippet'])}" for h in hits) or "no hits"


def toxicity(panels: list[dict[str, Any]]) -> str:
    out = []
    for p in panels:
        out.append(f"== {p['syndrome'].upper()} grade {p['grade']} ==")
        for c in p["cautions"]:
            out.append(_wrap(f"! {c['quote']} ({c['location']})", "  "))
        out.append("  Box 3:")
        out += [_wrap(f"- {s['text']}") for s in p["box3"]]
        out.append("  Recommendations (Supportive care):")
        out += [_wrap(f"- {s['text']}") for s in p["recommendations"]]
        out.append("  Doses the guideline gives:")
        out += [_wrap(f"- {d['drug']}: {d['dose']}  ({d['source']['location']})") for d in p["doses"]]
        for c in p["conflicts"]:
            out.append(_wrap(f"Conflict — {c['title']}: {c['note']}", "  "))
            out += [_wrap(f"• {side['location']}: “{side['quote']}”", "    ") for side in c["sides"]]
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


STATUS_LABELS = {
    "applies": "applies",
    "possible": "possible",
    "fallback": "fallback",
    "unavailable": "not available",
    "already-received": "already received",
    "excluded": "excluded",
}


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
    for note in d["notes"]:
        tag = f" {note['evidence']['text']}" if note.get("evidence") else ""
        out.append(_wrap(f"Note [{note['kind']}]{tag}: {note['text']}", "  "))
    return "\n".join(out)


def calc(d: dict[str, Any]) -> str:
    out = [f"{d['calculator']}: {d['result']}", "Inputs: " + ", ".join(f"{k}={v}" for k, v in d["inputs"].items())]
    for row in d["explanation"]:
        points = f" → {row['points']}" if row.get("points") is not None else ""
        out.append(f"  {row['item']}: {row['value']}{points}")
    out.append(_wrap(d["interpretation"], ""))
    out += [_wrap(f"Warning: {w}", "") for w in d["warnings"]]
    out += [f"Reference: {r}" for r in d["references"]]
    return "\n".join(out)
