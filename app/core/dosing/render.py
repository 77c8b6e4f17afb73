"""The dosing card and its patient doses as plain text: ``mmguide regimen --text`` and the GUI's
"Copy as text" (the verification record) print the same lines.

Every line is one region's (never both): an unconfirmed value carries "[UNCONFIRMED: …]" on its own
line, a missing one "not in this guide — check the label"; each computed dose shows its inputs,
formula, cap, rounding, status and source.
"""

from __future__ import annotations

from typing import Any

WRAP = "      "


def _flag(v: dict[str, Any]) -> str:
    if not v["found"]:
        return "[NOT IN THIS GUIDE]"
    return "" if v["confirmed"] else "[UNCONFIRMED]"


def _fact_lines(v: dict[str, Any], indent: str = "    ") -> list[str]:
    opt = f"[{v['option']}] " if v.get("option") else ""
    cond = f"({v['condition']}) " if v.get("condition") else ""
    flag = _flag(v)
    lines = [f"{indent}- {opt}{cond}{v['text']}" + (f"  {flag}" if flag else "")]
    if v["warning"]:
        lines.append(f"{indent}  ! {v['warning']}")
    src = v["source"]
    if src is not None:
        lines.append(
            f"{indent}  source: {src['document']}, section {src['section']}; revision {src['revision']}; "
            f"read in {src['read_in']}; checked {src['checked']}"
        )
    return lines


def card_text(card: dict[str, Any], stamp: str = "") -> str:
    """The card (and its patient doses, if computed) for reading or pasting into a note."""
    out: list[str] = [f"Dosing card: {card['regimen']} — {card['name']}"]
    out.append(f"Label: {card['region_name']} (the other region's differences are listed separately)")
    if card.get("setting"):
        out.append(f"Setting: {card['setting']}")
    if card.get("same_as"):
        out.append(f"Facts of the {card['same_as']} card (each procedure as for {card['same_as']}).")
    out.append("")
    for topic in ("cycle_length", "duration"):
        name = "Cycle length" if topic == "cycle_length" else "Duration"
        out.append(f"{name}:")
        out += [line for v in card[topic] for line in _fact_lines(v)] or ["    - not in this guide — check the label"]
    for comp in card["components"]:
        out.append("")
        role = f" ({comp['role']})" if comp.get("role") else ""
        out.append(f"{comp['name']}{role}")
        for facts in comp["facts"].values():
            if not facts:
                continue
            out.append(f"  {facts[0]['topic_name']}:")
            for v in facts:
                out += _fact_lines(v)
                for row in v["schedule"]:
                    out.append(f"        · {row['text']}")
        for alt in comp["alternatives"]:
            out.append(f"  Alternative: {alt['label']}")
            for facts in alt["facts"].values():
                for v in facts:
                    out += _fact_lines(v)
                    for row in v["schedule"]:
                        out.append(f"        · {row['text']}")
            out += [f"    ≠ {d}" for d in alt["other_region"]]
        for g in comp["guideline_doses"]:
            out.append(f"  The guideline: {g['text']} — “{g['quote']}” ({g['location']})")
        if comp["other_region"]:
            out.append("  Where the other label differs:")
            out += [f"    ≠ {d}" for d in comp["other_region"]]
    if card["other_region"]:
        out.append("")
        out += [f"≠ {d}" for d in card["other_region"]]
    links = card.get("guideline_links") or {}
    if links.get("statements"):
        out.append("")
        out.append("What the guideline says about it:")
        out += [f"  - {s['quote']} ({s['location']})" for s in links["statements"]]
    if links.get("leaves"):
        out.append(
            "  In the flowcharts: "
            + "; ".join(
                f"{leaf['figure'].replace('fig', 'Fig. ')} › {leaf['title']}"
                + (f" (instead of {leaf['instead_of']})" if leaf.get("instead_of") else "")
                for leaf in links["leaves"]
            )
        )
    if links.get("trials"):
        out.append("  Trials: " + ", ".join(links["trials"]))
    if card["notes"]:
        out.append("")
        out.append("Notes of this guide:")
        out += [f"  - {n}" for n in card["notes"]]
    if card.get("patient"):
        out.append("")
        out += patient_lines(card["patient"])
    if card["warnings"]:
        out.append("")
        out.append(f"Warnings ({len(card['warnings'])}):")
        out += [f"  ! {w}" for w in card["warnings"]]
    tally = card["facts_tally"]["region"]
    out.append("")
    out.append(
        f"Facts of this card ({card['region_name']}): {tally['facts']}, of which {tally['found']} found and "
        f"{tally['confirmed']} confirmed in label text; label text checked {card.get('checked') or 'n/a'}."
    )
    out.append("Not a prescribing system: check the current SmPC or label and local protocols before use.")
    if stamp:
        out.append(stamp)
    return "\n".join(out)


def patient_lines(p: dict[str, Any]) -> list[str]:
    """The verification record: inputs with units, derived values, each dose with its working."""
    out = [f"Doses for this patient ({p['region_name']}) — no patient identifiers"]
    out.append(
        "  Inputs: "
        + "; ".join(f"{i['name']} {i['value']}" + (f" {i['unit']}" if i["unit"] else "") for i in p["inputs"])
    )
    if p["bsa"]:
        out.append(f"  BSA ({p['bsa']['method']}): {p['bsa']['formula']}")
    else:
        out.append("  BSA: needs weight and height")
    if p["crcl"]:
        out.append(f"  Creatinine clearance ({p['crcl']['method']}): {p['crcl']['formula']}")
    else:
        out.append("  Creatinine clearance: not given (creatinine with age, sex and weight, or crcl)")
    out.append(f"  Weight basis: {p['weight_basis']}. Rounding: {p['rounding']}.")
    for comp in p["components"]:
        out.append(f"  {comp['name']}:")
        pd = comp.get("patient_dose")
        if pd and pd["applies"] != "label dose":
            out.append(f"    = dose for this patient: {pd['applies']} — {pd['why']}")
        if pd:
            out += [f"    = undetermined: {u}" for u in pd.get("undetermined", [])]
            if pd.get("subgroup"):
                out.append(f"    = {pd['subgroup']}")
        if not comp["lines"] and not comp["variants"] and not comp["guideline"]:
            out.append("    - no dose of this component in the label text read — not in this guide, check the label")
        for line in comp["lines"]:
            out += _dose_lines(line)
        for v in comp["variants"]:
            mark = {True: "APPLIES", False: "does not apply", None: "cannot tell"}[v["applies"]]
            out.append(f"    - subgroup [{mark}] {v['condition']}: {v['text']} [{v['status']}]")
            if v.get("promoted"):
                out.append("      → the subgroup dose line above")
            elif v.get("line"):
                out += _dose_lines(v["line"], "      ")
            if v["warning"]:
                out.append(f"      ! {v['warning']}")
        for g in comp["guideline"]:
            out += _dose_lines(g)
        r = comp["renal"]
        band = f"{r['band']} → " if r.get("band") else ""
        out.append(f"    - renal band: {band}{r['text']} [{r['status']}]")
        if r.get("other_region"):
            out.append(f"      other label, shown apart: {r['other_region']}")
        if r.get("source"):
            out.append(f"      source: {r['source']}")
        if r.get("warning"):
            out.append(f"      ! {r['warning']}")
        out += [f"      ! {w}" for w in r.get("warnings", [])]
        out += [f"      {g}" for g in r.get("guideline", [])]
    if p["warnings"]:
        out += [f"  ! {w}" for w in p["warnings"]]
    return out


def _dose_lines(line: dict[str, Any], indent: str = "    ") -> list[str]:
    result = (
        line["result"]["text"] if line["result"] else "not computed: needs " + ", ".join(line["needs"] or ["input"])
    )
    head = f"{indent}- {line['label']}: {result} [{line['status']}]"
    if line.get("for_patient") is False:
        head = f"{indent}- {line['label']}: {line['not_for_patient']} [label dose: {line['status']}]"
    elif line.get("for_patient") is True and (line.get("renal_adjusted") or line.get("subgroup_dose")):
        head += " — THE DOSE FOR THIS PATIENT"
    for key in ("combine_note", "renal_note", "subgroup_note"):
        if line.get(key):
            head += f" — {line[key]}"
    if line.get("subgroup"):
        head += f" — {line['subgroup']['text']} [{line['subgroup']['status']}]"
    out = [head]
    if line.get("when"):
        out.append(f"{indent}  when: {line['when']}")
    if line["formula"]:
        out.append(f"{indent}  formula: {line['formula']}" + (f" ({line['basis']})" if line["basis"] else ""))
    if line["cap"]:
        out.append(f"{indent}  cap: {line['cap']}")
    out.append(f"{indent}  rounding: {line['rounding']}")
    out.append(f"{indent}  source: {line['source']}")
    if line["warning"]:
        out.append(f"{indent}  ! {line['warning']}")
    return out


def list_text(items: list[dict[str, Any]], words: dict[str, str]) -> str:
    width = max((len(i["id"]) for i in items), default=8)
    lines = []
    for i in items:
        card = "card" if i["card"] else "no card"
        lines.append(f"{i['id']:<{width}}  {words.get(i['status'], i['status']):<40}  {card:<7}  {i['name']}")
    return "\n".join(lines)
