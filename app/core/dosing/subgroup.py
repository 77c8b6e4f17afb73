"""A label subgroup dose (age, weight) as the patient's dose, one mechanism with the renal band.

Rules (the label facts of the card are the only source of a dose; nothing is derived here):
- A subgroup of the label (``variants`` with a condition and a dose) that applies to this patient and
  gives a different dose from the label dose is the patient's dose line: first (after a renal line),
  with the subgroup's own status and source, labelled "subgroup dose (condition)". The label dose
  stays, marked "not for this patient: age 77 ≥ 75 (label subgroup …)".
- A subgroup dose range that contains the label dose computed for this patient (cilta-cel EU:
  target 0.75 × 10⁶/kg within 0.5–1.0 × 10⁶/kg at ≤ 100 kg) does not replace it: both agree, said
  next to the dose.
- A subgroup that cannot be decided (its value not given) puts "subgroup undetermined: needs age"
  next to each dose, which is then not called the patient's dose.
- A renal band and a subgroup that both change the same component's dose: no label text read says
  how they combine, so both are shown, neither is chosen, marked "label does not say how these
  combine — check the label". Several subgroups with different doses: none is chosen either.
"""

from __future__ import annotations

from typing import Any

COMBINE = "label does not say how these combine — check the label"


def _contains(outer: dict[str, Any] | None, inner: dict[str, Any] | None) -> bool:
    """The subgroup's result (a value or range) contains the label dose's result, same unit."""
    if outer is None or inner is None or outer["unit"] != inner["unit"]:
        return False
    lo, hi = outer["value"], outer["value_max"] if outer["value_max"] is not None else outer["value"]
    ilo, ihi = inner["value"], inner["value_max"] if inner["value_max"] is not None else inner["value"]
    return bool(lo <= ilo and ihi <= hi)


def _sub_text(v: dict[str, Any]) -> str:
    return f"label subgroup: {v['text']}"


def _mark_undetermined(lines: list[dict[str, Any]], note: str) -> None:
    for line in lines:
        line["for_patient"] = None
        line["subgroup_note"] = note


def apply_subgroup(
    lines: list[dict[str, Any]],
    base: int,
    variants: list[dict[str, Any]],
    patient_dose: dict[str, Any],
    name: str,
) -> dict[str, Any]:
    """The patient's dose of one component once the renal band is applied (``patient_dose`` of
    :func:`app.core.dosing.patient.apply_renal`); ``lines[:base]`` are the label dose lines (after a
    renal-adjusted line, if one was inserted first). Returns the updated ``patient_dose``."""
    renal_line = lines[0] if lines and lines[0].get("renal_adjusted") else None
    offset = 1 if renal_line is not None else 0
    label_lines = lines[offset : offset + base]
    doses = [v for v in variants if v.get("line") is not None and v.get("when")]
    applying = [v for v in doses if v["applies"] is True]
    undetermined = [v for v in doses if v["applies"] is None]
    current = [*([renal_line] if renal_line is not None else []), *label_lines]
    if not applying:
        if undetermined:
            needs = sorted({n for v in undetermined for n in v["needs"]})
            what = "; ".join(_sub_text(v) for v in undetermined)
            note = f"subgroup undetermined: needs {', '.join(needs)} ({what})"
            _mark_undetermined(current, note)
            out = dict(patient_dose)
            if out["applies"] == "label dose":
                out.update(applies="subgroup undetermined", why=note)
            else:
                out["undetermined"] = [*out.get("undetermined", []), note]
            return out
        for v in doses:
            for line in current:
                line.setdefault("subgroup_note", f"{_sub_text(v)} — does not apply ({v['why']})")
        return patient_dose
    results = {(v["line"]["result"] or {}).get("text") for v in applying}
    if len(results) > 1:
        note = (
            "several label subgroups apply with different doses ("
            + "; ".join(
                f"{_sub_text(v)} → {v['line']['result']['text'] if v['line']['result'] else 'not computed'}"
                for v in applying
            )
            + f"): none is chosen — {COMBINE}"
        )
        _mark_undetermined(current, note)
        return {"applies": "subgroups undecided", "why": note, "dose": None}
    v = applying[0]
    sub = v["line"]
    why = f"{v['why']} ({_sub_text(v)})"
    if label_lines and renal_line is None and all(_contains(sub["result"], x["result"]) for x in label_lines):
        for line in label_lines:
            line["subgroup_note"] = f"{why} → {sub['result']['text']}: this dose lies within it"
        out = dict(patient_dose)
        out["subgroup"] = f"{why}: the label dose lies within the subgroup's dose"
        return out
    line = dict(sub)
    line["label"] = f"{name}: subgroup dose ({v['when']})"
    line["basis"] = f"label subgroup: {v['why']}" + (f"; {sub['basis']}" if sub["basis"] else "")
    line["for_patient"] = True
    line["subgroup_dose"] = True
    v["promoted"] = True
    notes = {str(x["renal_note"]) for x in label_lines if x.get("renal_note")}
    for old in label_lines:
        old["for_patient"] = False
        reasons = [why] if renal_line is None else [str(patient_dose["why"]), why]
        old["not_for_patient"] = f"not for this patient: {'; '.join(reasons)}; " + (
            "the subgroup dose applies" if renal_line is None else "the adjusted doses above apply"
        )
        old.pop("renal_note", None)
        old.pop("subgroup_note", None)
    if renal_line is not None:
        note = f"renal band and label subgroup both change this dose: {COMBINE}"
        for cand in (renal_line, line):
            cand["for_patient"] = None
            cand["combine_note"] = note
        lines.insert(1, line)
        return {
            "applies": "renal band and subgroup",
            "why": f"{patient_dose['why']}; {why} — {COMBINE}",
            "dose": None,
            "candidates": [renal_line["result"]["text"] if renal_line["result"] else None, _text(line)],
        }
    undecided = patient_dose["applies"] == "renal band undetermined"
    if undecided:
        line["for_patient"] = None
    if notes:
        line["renal_note"] = "; ".join(sorted(notes))
    lines.insert(0, line)
    out = {"applies": "subgroup", "why": why, "dose": _text(line)}
    if undecided:
        out["undetermined"] = [*patient_dose.get("undetermined", []), *(sorted(notes) or [str(patient_dose["why"])])]
    return out


def _text(line: dict[str, Any]) -> str | None:
    return str(line["result"]["text"]) if line["result"] else None
