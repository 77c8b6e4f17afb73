"""The step view of a figure: the path as cards, usable without the diagram (Qt-free).

Reading order, one card each:

1. what is still needed (if anything), from :mod:`app.services.flow_questions`;
2. every question the path has answered, numbered, with the answer given (an answer is read
   from the path itself: the option that leads to the next box on it);
3. the question where the path stops, followed by its options (the ones the answers rule out
   are kept, marked);
4. the boxes the path has reached, each followed by its regimens with status, evidence as
   printed for that leaf, tier, reason and conditions; then the boxes that remain possible
   (only a one-line summary each while a question on the path is still open, so the current
   question stays first); then side boxes (Fig. 2's second-line ASCT);
5. the figure's notes for what was reached (ambiguities and errata marked), and what the
   reconstruction of the figure rests on.

The widgets draw these cards (:mod:`app.ui.flow_steps`); copies and prints read the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from app.core.flowchart.engine import Evaluation, NoteOut
from app.core.flowchart.model import Figure, Option, QuestionNode, RecommendationNode
from app.services.flow_questions import StillNeeded, side_boxes
from app.services.flow_words import GLYPH, LABEL, MEANING, reason_text

CardKind = Literal[
    "needed", "error", "answered", "question", "option", "box", "rec", "summary", "empty", "note", "about"
]

TIER_WORDS = {
    "preferred": "preferred",
    "other": "other option",
    "if-unavailable": "if unavailable",
    "conditional": "conditional",
}
NOTE_LABELS = {
    "rule": "Rule",
    "footnote": "Footnote",
    "ambiguity": "⚠ Ambiguity",
    "erratum": "⚠ Erratum",
    "approval": "Approval (dated)",
    "caveat": "Caveat",
}
MARKED_NOTES = ("ambiguity", "erratum")
BOX_STATE_WORDS = {"path": "Reached", "possible": "Possible, depending on the answers still needed", "side": "Side box"}


@dataclass(frozen=True)
class Tag:
    """An evidence tag as printed, its grade (for the colour) and, for a conditional grade, when it holds."""

    text: str
    grade: str | None
    when: str | None = None

    @property
    def display(self) -> str:
        return f"{self.text} ({self.when})" if self.when else self.text


@dataclass(frozen=True)
class Card:
    """One card of the step view. ``state``: option chosen/open/excluded; box path/possible/side; rec status."""

    kind: CardKind
    title: str
    lines: tuple[str, ...] = ()
    node: str | None = None
    number: int | None = None
    answer: str | None = None
    option: int | None = None
    state: str = ""
    tags: tuple[Tag, ...] = ()
    tier: str | None = None
    interpretive: bool = False
    substitutes_for: str | None = None
    reason: str | None = None
    facts: tuple[str, ...] = ()
    rec_index: int | None = None

    @property
    def actionable(self) -> bool:
        """Enter does something: answers an option, opens a regimen, goes to a question's field."""
        return self.kind in ("needed", "error", "answered", "question", "option", "rec") or (
            self.kind == "summary" and self.node is not None
        )

    @property
    def status_words(self) -> str:
        """A regimen's status as written on the card ("✓ applies"); empty for other cards."""
        if self.kind != "rec" or self.state not in GLYPH:
            return ""
        return f"{GLYPH[self.state]} {LABEL[self.state]}"

    @property
    def accessible(self) -> str:
        """The whole card in one sentence, for screen readers."""
        if self.kind == "answered":
            return f"Step {self.number}: {self.title} Answer: {self.answer}. Enter changes it in the questions."
        if self.kind == "question":
            return f"Step {self.number}, to answer: {self.title} Its options follow."
        if self.kind == "option":
            state = {"chosen": ", chosen", "excluded": ", ruled out by the answers"}.get(self.state, "")
            return f"Option: {self.title}{state}. Enter chooses it."
        if self.kind == "rec":
            parts = [self.title]
            if self.substitutes_for:
                parts.append(f"instead of {self.substitutes_for}")
            parts.append("evidence " + " or ".join(t.display for t in self.tags) if self.tags else "no evidence tag")
            if self.tier:
                reading = " (this guide's reading)" if self.interpretive else ""
                parts.append(TIER_WORDS.get(self.tier, self.tier) + reading)
            parts.append(MEANING.get(self.state, self.state))
            text = ", ".join(parts) + "."
            if self.reason:
                text += f" Why: {self.reason}"
            if self.lines:
                text += " " + " ".join(self.lines)
            return text
        return " ".join([self.title, *self.lines])


def chosen_option(figure: Figure, evaluation: Evaluation, node: QuestionNode) -> tuple[int, Option] | None:
    """The option of a question on the path that the answers took (the one leading to the next node on it)."""
    path = evaluation.path
    if node.id not in path:
        return None
    i = path.index(node.id)
    if i + 1 >= len(path):
        return None
    following = path[i + 1]
    leading = [(k, o) for k, o in enumerate(node.options) if o.next == following]
    if len(leading) > 1:
        for k, o in leading:
            try:
                if o.when.evaluate(evaluation.facts) is True:
                    return k, o
            except TypeError:
                continue
    return leading[0] if leading else None


def build_steps(figure: Figure, evaluation: Evaluation, needed: StillNeeded) -> list[Card]:
    """The cards of the step view, in reading order (see the module docstring)."""
    prompts = {s.name: s.prompt for s in figure.facts}
    cards: list[Card] = []
    if needed.needed:
        cards.append(
            Card(
                "needed",
                "Still needed: " + "; ".join(q.prompt for q in needed.needed),
                lines=tuple(f"{q.prompt} — {_sentence(q.why)}" for q in needed.needed),
                facts=tuple(q.fact for q in needed.needed),
            )
        )
    number = 0
    open_question: QuestionNode | None = None
    for node_id in evaluation.path:
        node = figure.node(node_id)
        if not isinstance(node, QuestionNode):
            continue
        number += 1
        taken = chosen_option(figure, evaluation, node)
        if taken is not None:
            facts = tuple(node.facts)
            cards.append(Card("answered", node.prompt, node=node_id, number=number, answer=taken[1].label, facts=facts))
        else:
            open_question = node
            cards.append(
                Card(
                    "question",
                    node.prompt,
                    node=node_id,
                    number=number,
                    facts=tuple(node.facts),
                    lines=("Choose an answer below, or answer it in the questions.",),
                )
            )
            for k, opt in enumerate(node.options):
                try:
                    ruled_out = opt.when.evaluate(evaluation.facts) is False
                except TypeError:
                    ruled_out = False
                cards.append(
                    Card(
                        "option",
                        opt.label,
                        node=node_id,
                        option=k,
                        state="excluded" if ruled_out else "open",
                        lines=(opt.note,) if opt.note else (),
                    )
                )

    sides = side_boxes(figure)
    groups: dict[str, list[tuple[int, Any]]] = {}
    for i, rec in enumerate(evaluation.recommendations):
        groups.setdefault(rec.node, []).append((i, rec))
    missing = [q.prompt for q in needed.needed]
    reached = [n for n in evaluation.path if _is_box(figure, n) and n not in sides]
    possible = [n for n in evaluation.possible_nodes if _is_box(figure, n) and n not in sides]
    side = [n for n in [*evaluation.path, *evaluation.possible_nodes] if n in sides]
    for node_id in reached:
        cards += _box_cards(figure, node_id, "path", groups.get(node_id, []), missing, prompts)
    for node_id in possible:
        if open_question is not None:
            cards.append(_summary(figure, node_id, groups.get(node_id, [])))
        else:
            cards += _box_cards(figure, node_id, "possible", groups.get(node_id, []), missing, prompts)
    for node_id in side:
        cards += _box_cards(figure, node_id, "side", groups.get(node_id, []), missing, prompts)
    for note in evaluation.notes:
        label = note_label(note)
        tags = (Tag(note.evidence.text, note.evidence.grade),) if note.evidence is not None else ()
        marked = "marked" if note.kind in MARKED_NOTES else ""
        cards.append(Card("note", label, lines=(note.text,), tags=tags, state=marked))
    cards.append(Card("about", "About this diagram", lines=(figure.reconstruction,)))
    return cards


def note_label(note: NoteOut) -> str:
    """A note's heading as the step view, copies and prints write it ("Footnote a", "⚠ Erratum")."""
    return str(NOTE_LABELS.get(note.kind, note.kind)) + (f" {note.ref}" if note.ref else "")


def _sentence(text: str) -> str:
    return text if text.endswith(("?", ".", "!")) else text + "."


def _is_box(figure: Figure, node_id: str) -> bool:
    return isinstance(figure.node(node_id), RecommendationNode)


def _box_cards(
    figure: Figure,
    node_id: str,
    state: str,
    recs: list[tuple[int, Any]],
    missing: list[str],
    prompts: dict[str, str],
) -> list[Card]:
    node = figure.node(node_id)
    assert isinstance(node, RecommendationNode)
    where = BOX_STATE_WORDS[state]
    cards = [Card("box", node.title, lines=(where,), node=node_id, state=state)]
    if not node.items:
        cards.append(
            Card(
                "empty",
                "No regimen listed: no recommendation of the text covers these patients. See the notes.",
                node=node_id,
            )
        )
    for index, rec in recs:
        cards.append(rec_card(rec, index, missing, prompts))
    return cards


def rec_card(rec: Any, index: int, missing: list[str], prompts: dict[str, str]) -> Card:
    """One evaluated regimen (``RecommendationOut``) as a card."""
    tags = [Tag(rec.evidence.text, rec.evidence.grade)] if rec.evidence is not None else []
    tags += [Tag(c.evidence.text, c.evidence.grade, c.when) for c in rec.evidence_by_condition]
    lines = [f"Evidence {c.evidence.text} when: {c.when}" for c in rec.evidence_by_condition]
    lines += [f"Condition: {c}" for c in rec.conditions] + [f"Footnote: {f}" for f in rec.footnotes]
    return Card(
        "rec",
        rec.regimen,
        lines=tuple(lines),
        node=rec.node,
        state=rec.status,
        tags=tuple(tags),
        tier=rec.tier,
        interpretive=rec.interpretive_tier,
        substitutes_for=rec.substitutes_for,
        reason=reason_text(rec, missing, prompts),
        rec_index=index,
    )


def _summary(figure: Figure, node_id: str, recs: list[tuple[int, Any]]) -> Card:
    node = figure.node(node_id)
    assert isinstance(node, RecommendationNode)
    names = list(dict.fromkeys(r.regimen for _i, r in recs))
    listed = ", ".join(names) if names else "no regimen listed"
    return Card(
        "summary",
        f"Possible: {node.title}",
        lines=(f"{len(names)} regimen{'s' if len(names) != 1 else ''}: {listed}",),
        node=node_id,
        state="possible",
    )
