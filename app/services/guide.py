"""One facade over the active guideline database, used by the CLI and the GUI alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from app import __version__
from app.core.calculators.base import REGISTRY, CalcResult, Calculator
from app.core.content.models import Statement, UntaggedBullet
from app.core.evidence import evidence_from_short
from app.core.flowchart.engine import Evaluation, evaluate
from app.core.flowchart.model import Figure, QuestionNode
from app.paths import bundled_database
from app.storage.database import verify_database
from app.storage.repository import GuideRepository
from app.storage.search import search as fts_search


class UnknownItem(LookupError):
    """A name the caller gave does not exist (figure, calculator, syndrome…)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ActiveDatabase:
    path: Path
    origin: str
    signers: list[str] = field(default_factory=list)
    notice: str | None = None


def active_database(data_dir: Path | None) -> ActiveDatabase:
    """The database the app runs on: the current signed update in ``data_dir``, else the
    previous one, else the bundled database, each checked first (app.updates.active)."""
    if data_dir is None:
        return ActiveDatabase(path=bundled_database(), origin="bundled")
    from app.storage import schema
    from app.updates.active import DatabaseRules, select_active

    rules = DatabaseRules(
        application_id=schema.APPLICATION_ID, supported_schema_versions=frozenset(schema.SUPPORTED_SCHEMA_VERSIONS)
    )
    selection = select_active(data_dir, bundled_database(), rules=rules)
    return ActiveDatabase(
        path=selection.path, origin=selection.origin, signers=list(selection.signers), notice=selection.notice
    )


class Guide:
    def __init__(self, data_dir: Path | None = None, database: Path | None = None) -> None:
        self.data_dir = data_dir
        self.active = ActiveDatabase(path=database, origin="bundled") if database else active_database(data_dir)

    @cached_property
    def repo(self) -> GuideRepository:
        return GuideRepository(self.active.path)

    # -- identity -------------------------------------------------------------------
    def version(self) -> dict[str, Any]:
        meta = self.repo.meta()
        return {
            "app_version": __version__,
            "content_version": meta.content_version,
            "content_date": meta.content_date.isoformat(),
            "schema_version": meta.schema_version,
        }

    def info(self, today: date | None = None) -> dict[str, Any]:
        today = today or date.today()
        integrity = "ok"
        try:
            verify_database(self.active.path)
        except Exception as exc:  # reported, never hidden
            integrity = f"failed: {exc}"
        meta = self.repo.meta()
        return {
            "source": self.active.origin,
            "path": str(self.active.path),
            "content_version": meta.content_version,
            "content_date": meta.content_date.isoformat(),
            "schema_version": meta.schema_version,
            "signer_key_ids": list(self.active.signers),
            "integrity": integrity,
            "data_age_days": (today - meta.content_date).days,
            "text_followed": meta.text_followed,
            "notice": self.active.notice,
        }

    # -- statements -----------------------------------------------------------------
    def recs(self, section: str | None = None, evidence: str | None = None) -> list[dict[str, Any]]:
        sections = self.repo.sections()
        chosen = {sec.id for sec in sections}
        if section is not None:
            chosen = _section_ids(sections, section)
            if not chosen:
                known = ", ".join(sec.id for sec in sections)
                raise UnknownItem("section", f"unknown section {section!r}; known sections: {known}")
        try:
            statements = self.repo.statements(evidence=evidence)
        except ValueError as exc:
            raise UnknownItem("evidence", str(exc)) from None
        out = [statement_json(st) for st in statements if st.section in chosen]
        if evidence is None:
            if "box1" in chosen:
                box1 = self.repo.box1()
                out.append({
                    "id": "box1", "kind": "box", "section": "box1", "title": box1.title,
                    "text": "\n".join(c.printed for c in box1.criteria), "evidence": [], "regimens": [],
                    "source": {"quote": None, "location": box1.location},
                    "box": box1.model_dump(mode="json"),
                })
            if "table1" in chosen:
                table1 = self.repo.table1()
                out.append({
                    "id": "table1", "kind": "table", "section": "table1", "title": table1.title,
                    "text": table1.title, "evidence": [], "regimens": [],
                    "source": {"quote": None, "location": table1.location},
                    "table": table1.model_dump(mode="json"),
                })
        return out

    # -- search ---------------------------------------------------------------------
    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        return [
            {"kind": h.kind, "id": h.id, "title": h.title, "snippet": h.snippet, "section": h.section}
            for h in fts_search(self.repo, query, limit=limit)
        ]

    # -- flowcharts -----------------------------------------------------------------
    def figures(self) -> list[Figure]:
        return self.repo.figures()

    @cached_property
    def _figures(self) -> dict[str, Figure]:
        """The figures and the glossary are read once per database (read-only; a new database is a new Guide):
        re-reading and re-validating them took ~9 of the ~14 ms of every flowchart answer."""
        return {f.id: f for f in self.repo.figures()}

    @cached_property
    def _glossary(self) -> Any:
        return self.repo.glossary()

    def figure(self, figure_id: str) -> Figure:
        try:
            return self._figures[figure_id]
        except KeyError:
            known = ", ".join(self._figures)
            raise UnknownItem("figure", f"unknown figure {figure_id!r}; known: {known}") from None

    def flow(self, figure_id: str, facts: dict[str, Any]) -> Evaluation:
        from app.services.local_notes import formulary_for  # the installed local layer's formulary

        return evaluate(self.figure(figure_id), facts, self._glossary, formulary_for(self))

    def describe(self, figure_id: str) -> dict[str, Any]:
        return describe_figure(self.figure(figure_id))

    # -- toxicity -------------------------------------------------------------------
    def toxicity(self, syndrome: str, grade: int | None = None) -> list[dict[str, Any]]:
        if syndrome not in ("crs", "icans"):
            raise UnknownItem("syndrome", f"unknown syndrome {syndrome!r}; accepted: crs, icans")
        if grade is not None and grade not in (1, 2, 3, 4):
            raise UnknownItem("grade", f"grade {grade} is not accepted; accepted grades: 1, 2, 3, 4")
        statements = {s.id: s for s in self.repo.statements()}
        conflicts = {c.id: c for c in self.repo.conflicts()}
        panels = []
        for panel in self.repo.toxicity(syndrome, grade):
            panels.append({
                "syndrome": panel.syndrome,
                "grade": panel.grade,
                "box3": [_box3_json(item, statements) for item in panel.box3],
                "recommendations": [statement_json(statements[i]) for i in panel.text_statements],
                "doses": [d.model_dump(mode="json") for d in panel.doses],
                "doses_not_given": [d.model_dump(mode="json") for d in panel.doses_not_given],
                "cautions": [c.model_dump(mode="json") for c in panel.cautions],
                "conflicts": [conflicts[c].model_dump(mode="json") for c in panel.conflicts],
            })
        return panels

    # -- calculators ----------------------------------------------------------------
    def calculators(self) -> list[dict[str, str]]:
        from app.core.calculators.all import ORDER

        _load_calculators()
        calcs = sorted(REGISTRY.values(), key=lambda c: ORDER.index(c.id) if c.id in ORDER else len(ORDER))
        return [{"id": c.id, "title": c.title, "reference": c.reference} for c in calcs]

    def calculator_schema(self, calc_id: str) -> dict[str, Any]:
        return _calculator(calc_id).schema()

    def calculate(self, calc_id: str, raw: Any) -> CalcResult:
        from app.core.dosing import catalog

        calc = _calculator(calc_id)
        with catalog.using(self.repo.dosing()):  # the active database's label facts (step-up schedules)
            return calc.run(raw)


def _load_calculators() -> None:
    import app.core.calculators.all  # noqa: F401  (registers every calculator)


def _calculator(calc_id: str) -> Calculator[Any]:
    _load_calculators()
    if calc_id not in REGISTRY:
        raise UnknownItem("calculator", f"unknown calculator {calc_id!r}; known: {', '.join(REGISTRY)}")
    return REGISTRY[calc_id]


UNTAGGED_NOTE = "Printed in Box 3 without an evidence tag."


def _box3_json(item: str | UntaggedBullet, statements: dict[str, Statement]) -> dict[str, Any]:
    """A Box 3 bullet of a panel, in printed order: a statement, or a bullet printed without a tag
    (same keys, ``untagged`` true, no evidence)."""
    if isinstance(item, str):
        return {**statement_json(statements[item]), "untagged": False}
    src = item.untagged
    return {
        "id": None,
        "kind": "box",
        "section": "box3",
        "text": src.quote,
        "evidence": [],
        "untagged": True,
        "regimens": [],
        "drugs": [],
        "errata": [],
        "notes": [UNTAGGED_NOTE],
        "duplicate_of": None,
        "source": {"quote": src.quote, "location": src.location},
    }


def statement_json(s: Statement) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind,
        "section": s.section,
        "text": s.text,
        "evidence": [e.model_dump() for e in s.evidence],
        "regimens": list(s.regimens),
        "drugs": list(s.drugs),
        "errata": list(s.errata),
        "notes": list(s.notes),
        "duplicate_of": s.duplicate_of,
        "source": {"quote": s.source.quote, "location": s.source.location},
    }


def _section_ids(sections: list[Any], wanted: str) -> set[str]:
    key = wanted.casefold()
    roots = {s.id for s in sections if s.id.casefold() == key or key in s.title.casefold()}
    chosen = set(roots)
    changed = True
    while changed:
        changed = False
        for s in sections:
            if s.parent in chosen and s.id not in chosen:
                chosen.add(s.id)
                changed = True
    return chosen


def describe_figure(fig: Figure) -> dict[str, Any]:
    """The whole decision graph with parsed evidence and readable conditions."""
    nodes: list[dict[str, Any]] = []
    for node in fig.nodes:
        if isinstance(node, QuestionNode):
            nodes.append({
                "id": node.id,
                "kind": "question",
                "prompt": node.prompt,
                "facts": list(node.facts),
                "reconstructed": node.reconstructed,
                "options": [
                    {"label": o.label, "when": o.when.describe(), "next": o.next, "note": o.note}
                    for o in node.options
                ],
                "source": node.source.model_dump() if node.source else None,
            })
            continue
        items = []
        for item in node.items:
            entry = item.model_dump(mode="json", exclude_none=True, by_alias=True)
            entry["evidence"] = evidence_from_short(item.evidence).model_dump() if item.evidence else None
            entry["evidence_rules"] = [
                {"when": r.when.describe(), "label": r.label, "evidence": evidence_from_short(r.evidence).model_dump()}
                for r in item.evidence_rules
            ]
            entry["when"] = item.when.describe() if item.when else None
            if item.exclusive_when is not None:
                entry["exclusive_when"] = item.exclusive_when.describe()
            entry["substitutes"] = [
                {**s.model_dump(mode="json"), "evidence": evidence_from_short(s.evidence).model_dump()}
                for s in item.substitutes
            ]
            items.append(entry)
        nodes.append({
            "id": node.id, "kind": "recommendation", "title": node.title, "stage": node.stage,
            "items": items, "next": node.next,
        })
    notes = []
    for note in fig.notes:
        entry = note.model_dump(mode="json", exclude_none=True, by_alias=True)
        entry["evidence"] = note.parsed_evidence.model_dump() if note.parsed_evidence else None
        entry["when"] = note.when.describe() if note.when else None
        notes.append(entry)
    return {
        "figure": fig.id,
        "title": fig.title,
        "caption": fig.caption.model_dump(),
        "reconstruction": fig.reconstruction,
        "facts": [f.model_dump(mode="json", exclude_none=True) for f in fig.facts],
        "start": fig.start,
        "nodes": nodes,
        "notes": notes,
    }
