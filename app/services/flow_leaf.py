"""One regimen in one box of a figure (a "leaf"), as the flowcharts show it (Qt-free).

A leaf carries what that box says of the regimen: the evidence tag **as printed for that leaf**
(a regimen's tag differs from box to box), its tier, conditions, notes, footnotes, the verbatim
source quote with its location, the statement it rests on and, when the figure was evaluated
for a patient, its status. Built from an evaluated recommendation (:func:`leaf_from_rec`) or
straight from the figure (:func:`leaf_from_figure`) when the answers do not reach the box.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.evidence import evidence_from_short
from app.core.flowchart.engine import RecommendationOut
from app.core.flowchart.model import Figure, QuestionNode, RecItem, RecommendationNode
from app.services.flow_steps import TIER_WORDS

NOT_EVALUATED = "not evaluated"
NOT_REACHED = "not applicable with the current answers"


def figure_label(figure_id: str) -> str:
    """``fig2`` → ``Fig. 2``."""
    return figure_id.replace("fig", "Fig. ")


def node_title(node: QuestionNode | RecommendationNode) -> str:
    """A question's prompt or a box's title."""
    return node.prompt if isinstance(node, QuestionNode) else node.title


@dataclass
class Leaf:
    """One regimen in one box, as the flowchart shows it (evaluated or not)."""

    figure_id: str
    node_id: str
    node_title: str
    regimen: str
    tier: str
    evidence: list[tuple[str, str | None]]  # (tag as printed, qualifier)
    quote: str
    location: str
    substitutes_for: str | None = None
    interpretive: bool = False
    conditions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    statement: str | None = None
    status: str = NOT_EVALUATED
    components: list[str] = field(default_factory=list)

    @property
    def evidence_text(self) -> str:
        parts = [f"{t} ({q})" if q else t for t, q in self.evidence]
        return " or ".join(parts) if parts else "no evidence tag"

    @property
    def tier_text(self) -> str:
        word = TIER_WORDS.get(self.tier, self.tier)
        return f"{word} (tier is this guide's reading of the text)" if self.interpretive else word

    @property
    def figure_label(self) -> str:
        return figure_label(self.figure_id)


def leaf_from_rec(figure: Figure, rec: RecommendationOut) -> Leaf:
    """A leaf from an evaluated recommendation."""
    evidence: list[tuple[str, str | None]] = [(rec.evidence.text, None)] if rec.evidence is not None else []
    evidence += [(c.evidence.text, c.when) for c in rec.evidence_by_condition]
    return Leaf(
        figure_id=figure.id,
        node_id=rec.node,
        node_title=node_title(figure.node(rec.node)),
        regimen=rec.regimen,
        tier=rec.tier,
        evidence=evidence,
        quote=rec.source.quote,
        location=rec.source.section,
        substitutes_for=rec.substitutes_for,
        interpretive=rec.interpretive_tier,
        conditions=list(rec.conditions),
        notes=list(rec.notes),
        footnotes=list(rec.footnotes),
        statement=rec.statement,
        status=rec.status,
        components=list(rec.components),
    )


def leaf_from_figure(
    figure: Figure, node_id: str, regimen: str, substitutes_for: str | None = None, status: str = NOT_REACHED
) -> Leaf:
    """A leaf straight from the figure (``KeyError`` if the box does not list the regimen)."""
    node = figure.node(node_id)
    if not isinstance(node, RecommendationNode):
        raise KeyError(node_id)
    for item in node.items:
        if substitutes_for is None and item.regimen == regimen:
            return _leaf_item(figure, node, item, status)
        if substitutes_for is not None and item.regimen == substitutes_for:
            for sub in item.substitutes:
                if sub.regimen == regimen:
                    return Leaf(
                        figure_id=figure.id,
                        node_id=node.id,
                        node_title=node.title,
                        regimen=sub.regimen,
                        tier="if-unavailable",
                        evidence=[(evidence_from_short(sub.evidence).text, None)],
                        quote=sub.source.quote,
                        location=sub.source.location,
                        substitutes_for=item.regimen,
                        conditions=[f"only if {item.regimen} is unavailable", *item.conditions],
                        notes=list(sub.notes),
                        footnotes=[figure.note(f).text for f in sub.footnotes],
                        statement=sub.statement,
                        status=status,
                    )
    raise KeyError((node_id, regimen, substitutes_for))


def figure_leaves(figures: list[Figure], regimen: str) -> list[Leaf]:
    """Every box of ``figures`` that lists ``regimen``, as an item or as a named substitute, in figure order."""
    out = []
    for figure in figures:
        for node in figure.nodes:
            if not isinstance(node, RecommendationNode):
                continue
            for item in node.items:
                if item.regimen == regimen:
                    out.append(_leaf_item(figure, node, item, NOT_EVALUATED))
                for sub in item.substitutes:
                    if sub.regimen == regimen:
                        out.append(leaf_from_figure(figure, node.id, regimen, item.regimen, NOT_EVALUATED))
    return out


def _leaf_item(figure: Figure, node: RecommendationNode, item: RecItem, status: str) -> Leaf:
    evidence: list[tuple[str, str | None]] = []
    if item.evidence:
        evidence.append((evidence_from_short(item.evidence).text, None))
    evidence += [(evidence_from_short(r.evidence).text, r.label) for r in item.evidence_rules]
    conditions = list(item.conditions)
    if item.when is not None:
        conditions.append(f"Applies when: {item.when.describe()}")
    return Leaf(
        figure_id=figure.id,
        node_id=node.id,
        node_title=node.title,
        regimen=item.regimen,
        tier=item.tier,
        evidence=evidence,
        quote=item.source.quote,
        location=item.source.location,
        interpretive=item.interpretive_tier,
        conditions=conditions,
        notes=list(item.notes),
        footnotes=[figure.note(f).text for f in item.footnotes],
        statement=item.statement,
        status=status,
    )
