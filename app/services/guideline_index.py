"""The guideline's cross-index, read once from the active database (Qt-free).

What the Guideline screen shows beside each statement, and where its links lead: the sections
as a tree, the statements of each section, where the same bullet appears again (Box 2 and the
text), the errata and conflicts a statement is part of, the boxes of Figs. 1–3 and the regimens
that rest on it, what an erratum applies to, and which page a name (statement, section,
erratum, conflict, Table 1 row, Box 1 criterion) opens; and the hospital's local notes anchored to
each statement (issue 13: shown beside the statement, never inside it). The screen turns these into HTML.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from app.core.content.models import (
    Box1,
    Box2,
    Box3,
    Conflict,
    Erratum,
    EvidenceScale,
    Meta,
    Section,
    Statement,
    Table1,
    ToxicityPanel,
)
from app.services.guide import Guide
from app.services.statement_uses import BoxUses, StatementUse, by_box, uses_by_statement

SPECIAL_SECTIONS = ("table1", "box1", "box2", "box3")
PAGES = ("table1", "box2", "box3", "evidence", "errata", "conflicts")
FIGURE_NAMES = {"fig1": "Fig. 1", "fig2": "Fig. 2", "fig3": "Fig. 3"}
_CONFLICT_IN_NOTE = re.compile(r"\bconflict ([a-z0-9][a-z0-9-]*[a-z0-9])")


def _local_notes(guide: Guide) -> dict[str, list[dict[str, Any]]]:
    from app.services.local_notes import local_view

    view = local_view(guide)
    if view is None:
        return {}
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for note in view.layer.source.notes:
        if note.anchor.kind == "statement":
            out[note.anchor.id.casefold()].append(view.note_json(note))
    return dict(out)


def page_for_section(section_id: str) -> str:
    return section_id if section_id in SPECIAL_SECTIONS else f"section:{section_id}"


class Place(NamedTuple):
    """Where a name opens: the page, the anchor on it, the statement to highlight, the Table 1 row."""

    page: str
    anchor: str | None = None
    focus: str | None = None
    row: int | None = None


@dataclass(frozen=True)
class AlsoIn:
    """Another place of the same bullet (a Box 2 or Box 3 bullet repeated in the text)."""

    statement_id: str
    label: str
    location: str


@dataclass(frozen=True)
class ErratumTarget:
    """What an erratum applies to, and what its link opens (a figure, a section, a trial's regimen, a regimen)."""

    kind: Literal["figure", "section", "trial", "regimen"]
    label: str
    payload: str | None


@dataclass
class GuidelineIndex:
    """Everything the Guideline screen shows, read once from the repository, with its indexes."""

    sections: list[Section]
    statements: list[Statement]
    errata: list[Erratum]
    conflicts: list[Conflict]
    table1: Table1
    box1: Box1
    box2: Box2
    box3: Box3
    scale: EvidenceScale
    toxicity: list[ToxicityPanel]
    meta: Meta
    uses: dict[str, tuple[StatementUse, ...]]
    trial_regimens: dict[str, list[str]] = field(default_factory=dict)
    #: statement id (case-folded, as anchors are compared) → its local notes (``local`` note objects)
    local_by_statement: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    section_by_id: dict[str, Section] = field(default_factory=dict)
    statement_by_id: dict[str, Statement] = field(default_factory=dict)
    erratum_by_id: dict[str, Erratum] = field(default_factory=dict)
    conflict_by_id: dict[str, Conflict] = field(default_factory=dict)
    by_section: dict[str, list[Statement]] = field(default_factory=dict)
    children: dict[str | None, list[Section]] = field(default_factory=dict)
    duplicates: dict[str, list[Statement]] = field(default_factory=dict)
    errata_by_target: dict[str, list[Erratum]] = field(default_factory=dict)
    conflict_statements: dict[str, list[Statement]] = field(default_factory=dict)
    flagged: dict[str, list[Statement]] = field(default_factory=dict)
    box2_group: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, guide: Guide) -> GuidelineIndex:
        repo = guide.repo
        index = cls(
            sections=repo.sections(),
            statements=repo.statements(),
            errata=repo.errata(),
            conflicts=repo.conflicts(),
            table1=repo.table1(),
            box1=repo.box1(),
            box2=repo.box2(),
            box3=repo.box3(),
            scale=repo.evidence_scale(),
            toxicity=repo.toxicity(),
            meta=repo.meta(),
            uses=uses_by_statement(guide),
            trial_regimens={t.id: list(t.regimens) for t in repo.trials()},
            local_by_statement=_local_notes(guide),
        )
        index._index()
        return index

    def _index(self) -> None:
        self.section_by_id = {s.id: s for s in self.sections}
        self.statement_by_id = {s.id: s for s in self.statements}
        self.erratum_by_id = {e.id: e for e in self.errata}
        self.conflict_by_id = {c.id: c for c in self.conflicts}
        by_section: dict[str, list[Statement]] = defaultdict(list)
        duplicates: dict[str, list[Statement]] = defaultdict(list)
        conflict_statements: dict[str, list[Statement]] = defaultdict(list)
        flagged: dict[str, list[Statement]] = defaultdict(list)
        for s in self.statements:
            by_section[s.section].append(s)
            if s.duplicate_of:
                duplicates[s.duplicate_of].append(s)
            for cid in self.conflicts_of(s):
                conflict_statements[cid].append(s)
            for eid in s.errata:
                flagged[eid].append(s)
        self.by_section = dict(by_section)
        self.duplicates = dict(duplicates)
        self.conflict_statements = dict(conflict_statements)
        self.flagged = dict(flagged)
        children: dict[str | None, list[Section]] = defaultdict(list)
        for sec in self.sections:
            children[sec.parent].append(sec)
        self.children = dict(children)
        targets: dict[str, list[Erratum]] = defaultdict(list)
        for e in self.errata:
            for target in e.applies_to:
                targets[target].append(e)
        self.errata_by_target = dict(targets)
        self.box2_group = {sid: g.title for g in self.box2.groups for sid in g.statements}

    # -- one statement ----------------------------------------------------------------------
    def conflicts_of(self, statement: Statement) -> list[str]:
        """The conflicts a statement's notes name ("… see conflict <id>"), each once."""
        found: list[str] = []
        for note in statement.notes:
            for cid in _CONFLICT_IN_NOTE.findall(note):
                if cid in self.conflict_by_id and cid not in found:
                    found.append(cid)
        return found

    def local_of(self, statement_id: str) -> list[dict[str, Any]]:
        """The hospital's local notes anchored to the statement (empty without a layer or a note)."""
        return self.local_by_statement.get(statement_id.casefold(), [])

    def used_in(self, statement_id: str) -> tuple[BoxUses, ...]:
        """The boxes of Figs. 1–3 that rest on the statement, each with its regimens."""
        return by_box(self.uses.get(statement_id, ()))

    def also_in(self, statement: Statement) -> tuple[AlsoIn, ...]:
        """The other places of the same bullet, one per place (a bullet split into several statements: once)."""
        out: list[AlsoIn] = []
        seen: set[str] = set()
        for dup in self.duplicates.get(statement.id, []):
            if dup.source.location in seen:
                continue
            seen.add(dup.source.location)
            if dup.section in ("box2", "box3"):
                where = "Box 2" if dup.section == "box2" else "Box 3"
            else:
                where = self.path(dup.section)
            group = self.box2_group.get(dup.id)
            out.append(AlsoIn(dup.id, f"{where}{' › ' + group if group else ''}", dup.source.location))
        return tuple(out)

    # -- sections ---------------------------------------------------------------------------
    def descendants(self, section_id: str) -> list[Section]:
        out: list[Section] = []
        for child in self.children.get(section_id, []):
            out.append(child)
            out += self.descendants(child.id)
        return out

    def count(self, section_id: str) -> int:
        """Statements in the section and every section under it."""
        ids = [section_id, *(d.id for d in self.descendants(section_id))]
        return sum(len(self.by_section.get(i, [])) for i in ids)

    def path(self, section_id: str) -> str:
        """``Newly diagnosed MM › Recommendations``."""
        titles: list[str] = []
        sid: str | None = section_id
        while sid is not None and sid in self.section_by_id:
            titles.append(self.section_by_id[sid].title)
            sid = self.section_by_id[sid].parent
        return " › ".join(reversed(titles))

    # -- errata -----------------------------------------------------------------------------
    def erratum_target(self, target: str) -> ErratumTarget:
        """What an erratum's ``applies_to`` entry names, and what its link opens."""
        if target in FIGURE_NAMES:
            return ErratumTarget("figure", FIGURE_NAMES[target], target)
        if target in self.section_by_id:
            section = self.section_by_id[target]
            title = section.title
            if title == "Recommendations" and section.parent and section.parent in self.section_by_id:
                title = f"{self.section_by_id[section.parent].title} › {title}"
            return ErratumTarget("section", title, target)
        if target in self.trial_regimens:  # a trial opens on its first regimen, where it is listed
            regimens = self.trial_regimens[target]
            return ErratumTarget("trial", f"{target} (trial)", regimens[0] if regimens else None)
        return ErratumTarget("regimen", target, target)

    # -- names → places ---------------------------------------------------------------------
    def resolve(self, payload: Any) -> Place:
        """A name (or ``{"statement": …}``) → the place it opens; ``KeyError`` if the guideline has none."""
        if isinstance(payload, dict):
            payload = payload.get("statement") or payload.get("id") or payload.get("item")
        key = str(payload).strip()
        head, _, rest = key.partition(":")
        if key in PAGES:
            return Place(key)
        if head == "table1" and rest:
            return Place("table1", row=int(rest) if rest.isdigit() else None)
        if key == "box1":
            return Place("box1")
        if head == "box1" and rest:
            return Place("box1", f"c-{rest}")
        if head == "conflict" and rest in self.conflict_by_id:
            return Place("conflicts", f"x-{rest}")
        if head == "section" and rest in self.section_by_id:
            return Place(page_for_section(rest))
        if head == "erratum" and rest in self.erratum_by_id:
            return Place("errata", f"e-{rest}")
        if key in self.statement_by_id:
            return Place(page_for_section(self.statement_by_id[key].section), f"s-{key}", key)
        if key in self.erratum_by_id:
            return Place("errata", f"e-{key}")
        if key in self.conflict_by_id:
            return Place("conflicts", f"x-{key}")
        if key in self.section_by_id:
            return Place(page_for_section(key))
        raise KeyError(f"nothing called {payload!r} in the guideline")
