"""``mmguide diff --text`` and the GUI's "Copy as text": a content diff as readable lines."""

from __future__ import annotations

import textwrap
from typing import Any

from app.services.content_diff import KIND_TITLES, KINDS, item_title, summary_line


def _side(side: dict[str, Any]) -> str:
    return f"content {side['content_version']} of {side['content_date']} ({side['label']})"


def _short(value: Any, width: int = 100) -> str:
    text = value if isinstance(value, str) else repr(value)
    return textwrap.shorten(" ".join(text.split()), width=width, placeholder=" …")


def _wrap(prefix: str, text: str) -> list[str]:
    return textwrap.wrap(" ".join(str(text).split()), width=100, initial_indent=prefix,
                         subsequent_indent=" " * len(prefix)) or [prefix.rstrip()]


def _field_lines(entry: dict[str, Any]) -> list[str]:
    lines = []
    for name in entry["fields"]:
        if name in ("evidence", "source") and "evidence" in entry:
            continue
        a, b = entry["old"].get(name), entry["new"].get(name)
        if isinstance(a, str | int | float | type(None)) and isinstance(b, str | int | float | type(None)):
            lines.append(f"      {name}: {_short(a, 60)} → {_short(b, 60)}")
        else:
            lines.append(f"      {name}: changed")
    return lines


def diff_text(result: dict[str, Any]) -> str:
    out = [f"From {_side(result['from'])}", f"  to {_side(result['to'])}"]
    if result["identical"]:
        out.append("The two databases hold the same content.")
        return "\n".join(out)
    out.append(f"Summary: {summary_line(result)}")
    for kind in KINDS:
        part = result[kind]
        if not any(part.values()):
            continue
        c = result["counts"][kind]
        out.append("")
        out.append(f"{KIND_TITLES[kind]}: {c['added']} added, {c['changed']} changed, {c['removed']} removed")
        for entry in part["added"]:
            out += _wrap(f"  + {entry['id']}: ", item_title(kind, entry["new"]))
        for entry in part["changed"]:
            out.append(f"  ~ {entry['id']}: {_short(item_title(kind, entry['new']), 90)}")
            if "evidence" in entry:
                old_ev = ", ".join(entry["evidence"]["old"] or []) or "none"
                new_ev = ", ".join(entry["evidence"]["new"] or []) or "none"
                out.append(f"      EVIDENCE {old_ev} → {new_ev}")
            if kind == "statements" and "source" in entry["fields"]:
                out += _wrap("      was: ", item_title(kind, entry["old"]))
                out += _wrap("      now: ", item_title(kind, entry["new"]))
            for rec in entry.get("recommendations", []):
                out.append(f"      {rec['regimen']}: {_rec(rec['old'])} → {_rec(rec['new'])}")
            out += _field_lines(entry)
        for entry in part["removed"]:
            out += _wrap(f"  - {entry['id']}: ", item_title(kind, entry["old"]))
    if result["other"]:
        out.append("")
        out.append("Other content changed:")
        for other in result["other"]:
            bits = [f"{len(other[k])} {k}" for k in ("added", "changed", "removed") if other[k]]
            ids = ", ".join([*other["added"], *other["changed"], *other["removed"]])
            out.append(f"  {other['kind']}: {', '.join(bits)} ({_short(ids, 70)})")
    return "\n".join(out)


def _rec(value: dict[str, Any] | None) -> str:
    if value is None:
        return "not listed"
    text = f"{value.get('tier')}, [{value.get('evidence')}]" if value.get("evidence") else str(value.get("tier"))
    if value.get("evidence_rules"):
        text += " (" + "; ".join(value["evidence_rules"]) + ")"
    return text
