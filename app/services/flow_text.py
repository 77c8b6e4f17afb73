"""A figure's answer as plain text: a short form for a clinical note, and a long form with its sources.

- :func:`short_text` ("Copy recommendation", Ctrl+Shift+C): the answers given, what is still
  needed, and for each box reached its regimens, one line each — evidence as printed for that
  leaf, tier, status, and one line of conditions (or the reason, for a regimen not offered or
  kept as a last resort); a regimen still possible carries its conditions, which say what
  would make it apply; boxes still possible in one line each; the app and content versions
  and the date. No quotes, no notes.
- :func:`long_text` ("Copy with sources"): the same, plus the path, every condition, footnote
  and item note, the reason of every status, each source quote **once** (numbered, regimens
  point to it), each footnote once, the figure's notes once, and what the reconstruction of
  the figure rests on.

Neither carries a patient identifier: the figures' facts have none (the engine refuses unknown
keys). Qt-free; the screen copies, the tests read.
"""

from __future__ import annotations

from typing import Any

from app.core.flowchart.engine import Evaluation
from app.core.flowchart.model import Figure, QuestionNode, RecommendationNode
from app.services.flow_questions import StillNeeded, side_boxes
from app.services.flow_steps import TIER_WORDS, chosen_option
from app.services.flow_words import LABEL, VALUE_WORDS, number_words, reason_text

#: order of the regimens of one box in a copy: offered, still possible, last resort, not offered
STATUS_ORDER = ("applies", "possible", "fallback", "unavailable", "already-received", "excluded")


def figure_heading(figure: Figure) -> str:
    return f"{figure.id.replace('fig', 'Fig. ')} — {figure.title}"


def value_words(figure: Figure, name: str, value: Any) -> str:
    """An answer as the side panel shows it ("Refractory", "yes", "4 cycles", "none of these")."""
    spec = next((s for s in figure.facts if s.name == name), None)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(VALUE_WORDS.get(v, v)) for v in value) if value else "none of these"
    if isinstance(value, str):
        return VALUE_WORDS.get(value, value)
    if isinstance(value, int | float):
        return number_words(value, (spec.unit or "") if spec is not None else "")
    return str(value)


def answer_lines(figure: Figure, evaluation: Evaluation) -> list[str]:
    return [
        f"{spec.prompt}: {value_words(figure, spec.name, evaluation.facts[spec.name])}"
        for spec in figure.facts
        if spec.name in evaluation.facts
    ]


def path_lines(figure: Figure, evaluation: Evaluation) -> list[str]:
    lines = []
    for node_id in evaluation.path:
        node = figure.node(node_id)
        if isinstance(node, QuestionNode):
            taken = chosen_option(figure, evaluation, node)
            lines.append(f"{node.prompt} → {taken[1].label if taken else '(not answered yet)'}")
        else:
            lines.append(node.title)
    return lines


def evidence_text(rec: Any) -> str:
    parts = [rec.evidence.text] if rec.evidence is not None else []
    parts += [f"{c.evidence.text} ({c.when})" for c in rec.evidence_by_condition]
    return " or ".join(parts) if parts else "no evidence tag"


def tier_text(rec: Any) -> str:
    return TIER_WORDS[rec.tier] + (" (tier is this guide's reading)" if rec.interpretive_tier else "")


def _boxes(figure: Figure, evaluation: Evaluation) -> tuple[list[str], list[str], list[str]]:
    """(reached boxes, still-possible boxes, side boxes), each in reading order."""
    sides = side_boxes(figure)

    def box(node_id: str) -> bool:
        return isinstance(figure.node(node_id), RecommendationNode)

    reached = [n for n in evaluation.path if box(n) and n not in sides]
    possible = [n for n in evaluation.possible_nodes if box(n) and n not in sides]
    side = [n for n in [*evaluation.path, *evaluation.possible_nodes] if n in sides]
    return reached, possible, side


def _recs_of(evaluation: Evaluation, node_id: str) -> list[Any]:
    recs = [r for r in evaluation.recommendations if r.node == node_id]
    return sorted(recs, key=lambda r: STATUS_ORDER.index(r.status))


def _title(figure: Figure, node_id: str) -> str:
    node = figure.node(node_id)
    return node.title if isinstance(node, RecommendationNode) else node.prompt


def _ends_at_question(figure: Figure, evaluation: Evaluation) -> bool:
    return bool(evaluation.path) and isinstance(figure.node(evaluation.path[-1]), QuestionNode)


def short_text(figure: Figure, evaluation: Evaluation, needed: StillNeeded, stamp: str) -> str:
    """The short form, fit for a clinical note (see the module docstring)."""
    prompts = {s.name: s.prompt for s in figure.facts}
    missing = [q.prompt for q in needed.needed]
    answers = answer_lines(figure, evaluation)
    lines = [figure_heading(figure), "Answers: " + ("; ".join(answers) if answers else "none yet")]
    if needed.needed:
        lines.append("Still needed: " + "; ".join(missing))
    reached, possible, side = _boxes(figure, evaluation)
    listed = reached + (possible if not _ends_at_question(figure, evaluation) else [])
    for node_id, where in [*((n, "reached") for n in listed), *((n, "side box") for n in side)]:
        if node_id in possible:
            where = "possible"
        lines += ["", f"{_title(figure, node_id)} ({where}):"]
        recs = _recs_of(evaluation, node_id)
        if not recs:
            lines.append("- no regimen listed for these patients (see the notes in the app)")
        for rec in recs:
            lines.append(_short_line(rec, missing, prompts))
    if _ends_at_question(figure, evaluation) and possible:
        lines += ["", "Possible, depending on the answers still needed:"]
        for node_id in possible:
            names = list(dict.fromkeys(r.regimen for r in _recs_of(evaluation, node_id)))
            lines.append(f"- {_title(figure, node_id)}: {', '.join(names) if names else 'no regimen listed'}")
    lines += ["", stamp]
    return "\n".join(lines)


def _short_line(rec: Any, missing: list[str], prompts: dict[str, str]) -> str:
    head = f"- {rec.regimen} {evidence_text(rec)} · {TIER_WORDS[rec.tier]} · {LABEL[rec.status]}"
    if rec.substitutes_for:
        head += f" · instead of {rec.substitutes_for}"
    if rec.status in ("applies", "possible"):
        extra = "; ".join(rec.conditions)
    else:
        extra = reason_text(rec, missing, prompts) or "; ".join(rec.conditions)
    return f"{head} — {extra}" if extra else head


def long_text(figure: Figure, evaluation: Evaluation, needed: StillNeeded, stamp: str) -> str:
    """The long form with its sources, each quote, footnote and note once (see the module docstring)."""
    prompts = {s.name: s.prompt for s in figure.facts}
    missing = [q.prompt for q in needed.needed]
    lines = [figure_heading(figure), "", "Answers:"]
    lines += [f"- {x}" for x in answer_lines(figure, evaluation)] or ["- none yet"]
    if needed.needed:
        lines.append("Still needed: " + "; ".join(missing))
    if needed.optional:
        lines.append("Optional (refine the answer): " + "; ".join(q.prompt for q in needed.optional))
    lines += ["", "Path:"]
    lines += [f"{i}. {x}" for i, x in enumerate(path_lines(figure, evaluation), 1)]
    sources: list[tuple[str, str]] = []
    footnotes: list[str] = []

    def source_number(rec: Any) -> int:
        key = (rec.source.section, rec.source.quote)
        if key not in sources:
            sources.append(key)
        return sources.index(key) + 1

    def footnote_number(text: str) -> int:
        if text not in footnotes:
            footnotes.append(text)
        return footnotes.index(text) + 1

    reached, possible, side = _boxes(figure, evaluation)
    for node_id, where in [
        *((n, "reached") for n in reached),
        *((n, "possible") for n in possible),
        *((n, "side box") for n in side),
    ]:
        lines += ["", f"{_title(figure, node_id)} ({where}):"]
        recs = _recs_of(evaluation, node_id)
        if not recs:
            lines.append("- no regimen listed: no recommendation of the text covers these patients (see the notes)")
        for rec in recs:
            head = f"- {rec.regimen} {evidence_text(rec)} · {tier_text(rec)} · status: {LABEL[rec.status]}"
            if rec.substitutes_for:
                head += f" · instead of {rec.substitutes_for}"
            lines.append(f"{head} · source [{source_number(rec)}]")
            reason = reason_text(rec, missing, prompts)
            if reason:
                lines.append(f"  Reason: {reason}")
            lines += [f"  Condition: {c}" for c in rec.conditions]
            lines += [f"  Footnote [F{footnote_number(f)}]" for f in rec.footnotes]
            lines += [f"  Note: {n}" for n in rec.notes]
    if not evaluation.recommendations:
        lines += ["", "Recommendations: none on this path (see the notes)."]
    if sources:
        lines += ["", "Sources (each quoted once):"]
        lines += [f"[{i}] “{quote}” ({section})" for i, (section, quote) in enumerate(sources, 1)]
    if footnotes:
        lines += ["", "Footnotes:"]
        lines += [f"[F{i}] {text}" for i, text in enumerate(footnotes, 1)]
    shown_notes = [n for n in evaluation.notes if n.kind != "footnote" or n.text not in footnotes]
    if shown_notes:
        lines += ["", "Notes:"]
        for note in shown_notes:
            ref = f" {note.ref}" if note.ref else ""
            evidence = f" — evidence {note.evidence.text}" if note.evidence is not None else ""
            lines.append(f"- [{note.kind}{ref}] {note.text}{evidence}")
    lines += ["", f"About this diagram: {figure.reconstruction}", "", stamp]
    return "\n".join(lines)
