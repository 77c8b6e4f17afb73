"""Where a guideline statement is used: the boxes of Figs. 1–3 and the regimens that rest on it (Qt-free).

The links are the database's (built from the ``statement:`` of each flowchart item and named
substitute); this module adds the box's title so that a screen needs nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from app.services.flow_leaf import figure_label, node_title
from app.services.guide import Guide


@dataclass(frozen=True)
class StatementUse:
    """One regimen of one box that rests on a statement; ``via`` is ``item`` or ``substitute``."""

    statement_id: str
    figure: str
    node: str
    node_title: str
    regimen: str
    via: str

    @property
    def figure_label(self) -> str:
        return figure_label(self.figure)

    @property
    def as_substitute(self) -> bool:
        return self.via == "substitute"


@dataclass(frozen=True)
class BoxUses:
    """The regimens of one box that rest on a statement."""

    figure: str
    node: str
    node_title: str
    regimens: tuple[StatementUse, ...]

    @property
    def figure_label(self) -> str:
        return figure_label(self.figure)


def _titles(guide: Guide) -> dict[tuple[str, str], str]:
    return {(fig.id, node.id): node_title(node) for fig in guide.figures() for node in fig.nodes}


def statement_uses(guide: Guide, statement_id: str) -> tuple[StatementUse, ...]:
    """Every (box, regimen) that rests on ``statement_id``, in the database's order."""
    titles = _titles(guide)
    return tuple(
        StatementUse(
            link.statement_id,
            link.figure,
            link.node,
            titles.get((link.figure, link.node), link.node),
            link.regimen,
            link.via,
        )
        for link in guide.repo.links_for_statement(statement_id)
    )


def uses_by_statement(guide: Guide) -> dict[str, tuple[StatementUse, ...]]:
    """:func:`statement_uses` for every statement that has one, read once."""
    titles = _titles(guide)
    found: dict[str, list[StatementUse]] = defaultdict(list)
    for fig in guide.figures():
        for link in guide.repo.links_for_node(fig.id):
            title = titles.get((link.figure, link.node), link.node)
            found[link.statement_id].append(
                StatementUse(link.statement_id, link.figure, link.node, title, link.regimen, link.via)
            )
    return {k: tuple(v) for k, v in found.items()}


def by_box(uses: tuple[StatementUse, ...]) -> tuple[BoxUses, ...]:
    """``uses`` grouped by box, boxes in the order they first appear."""
    groups: dict[tuple[str, str], list[StatementUse]] = defaultdict(list)
    for use in uses:
        groups[(use.figure, use.node)].append(use)
    return tuple(BoxUses(fig, node, members[0].node_title, tuple(members)) for (fig, node), members in groups.items())
