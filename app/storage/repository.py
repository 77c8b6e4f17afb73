"""Read the guide database into core models (SQLAlchemy Core over a read-only SQLite file)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import text

from app.core.content.bundle import ContentBundle
from app.core.content.models import (
    Box1,
    Box2,
    Box3,
    Conflict,
    Drug,
    Erratum,
    EvidenceScale,
    Glossary,
    Meta,
    Regimen,
    Section,
    Statement,
    Table1,
    ToxicityPanel,
    Trial,
)
from app.core.dosing.models import DosingCard, DosingContent
from app.core.flowchart.model import Figure
from app.core.text import fold
from app.storage import schema
from app.storage.database import DatabaseInfo, open_engine, verify_database
from app.storage.search import SearchHit, search

M = TypeVar("M", bound=BaseModel)


class StatementLink(BaseModel):
    """A flowchart node that uses a statement, for a regimen (an item or its substitute)."""

    model_config = ConfigDict(frozen=True)

    statement_id: str
    figure: str
    node: str
    regimen: str
    via: str


class EvidenceFilter(BaseModel):
    """A parsed evidence filter: ``"I, A"``, ``"[II, B]"``, ``"I"``, ``"A"``, ``"panel consensus"``."""

    model_config = ConfigDict(frozen=True)

    level: str | None = None
    grade: str | None = None
    panel_consensus: bool = False


_LEVEL_GRADE = re.compile(r"^(?P<level>iv|v|i{1,3})?\s*,?\s*(?P<grade>[a-e])?$")


def parse_evidence_filter(value: str) -> EvidenceFilter:
    """Parse what a user types to filter statements by evidence; ``ValueError`` if it is none."""
    rest = fold(value).strip("[] ")
    pc = False
    for marker in ("panel consensus", "pc"):
        if rest.startswith(marker) and (len(rest) == len(marker) or not rest[len(marker)].isalnum()):
            pc, rest = True, rest[len(marker) :].lstrip(" ;,·")
            break
    match = _LEVEL_GRADE.fullmatch(rest.strip())
    if match is None or not (pc or match.group("level") or match.group("grade")):
        raise ValueError(
            f"unrecognised evidence filter {value!r}: use a level and grade such as 'I, A', "
            "a level (I–V), a grade (A–E) or 'panel consensus'"
        )
    level, grade = match.group("level"), match.group("grade")
    return EvidenceFilter(
        level=level.upper() if level else None, grade=grade.upper() if grade else None, panel_consensus=pc
    )


class GuideRepository:
    """Core models out of one guide database, opened read-only.

    ``immutable=True`` only for a file that cannot change while the app runs (the bundled
    copy); ``verify=True`` runs :func:`verify_database` first and keeps its result in ``info``.
    """

    def __init__(self, path: Path, *, immutable: bool = False, verify: bool = False) -> None:
        self.path = Path(path)
        self.info: DatabaseInfo | None = verify_database(self.path, immutable=immutable) if verify else None
        self.engine = open_engine(self.path, immutable=immutable)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> GuideRepository:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- plumbing ---------------------------------------------------------------------------

    def _rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with self.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), dict(params or {}))]

    def _models(self, model: type[M], sql: str, params: Mapping[str, Any] | None = None) -> list[M]:
        return [model.model_validate_json(row[0]) for row in self._rows(sql, params)]

    def _one(self, model: type[M], sql: str, params: Mapping[str, Any], key: object) -> M:
        found = self._models(model, sql, params)
        if not found:
            raise KeyError(key)
        return found[0]

    def _doc(self, model: type[M], name: str) -> M:
        return self._one(model, "SELECT json FROM docs WHERE name = :name", {"name": name}, name)

    # --- meta -------------------------------------------------------------------------------

    def meta_values(self) -> dict[str, str]:
        """The raw ``meta`` table (includes ``source_hash``)."""
        return {str(k): str(v) for k, v in self._rows("SELECT key, value FROM meta")}

    def meta(self) -> Meta:
        values = self.meta_values()
        return Meta(
            content_version=values["content_version"],
            content_date=date.fromisoformat(values["content_date"]),
            schema_version=int(values["schema_version"]),
            title=values["title"],
            citation=values["citation"],
            doi=values["doi"],
            text_followed=values["text_followed"],
            intended_use=values["intended_use"],
            disclaimer=values["disclaimer"],
            literature_cutoff=date.fromisoformat(values["literature_cutoff"]),
        )

    def source_hash(self) -> str:
        return self.meta_values()["source_hash"]

    def evidence_scale(self) -> EvidenceScale:
        return self._doc(EvidenceScale, "evidence_scale")

    # --- sections and statements ------------------------------------------------------------

    def sections(self) -> list[Section]:
        return self._models(Section, "SELECT json FROM sections ORDER BY ord")

    def statements(
        self, section: str | None = None, evidence: str | None = None, *, subsections: bool = True
    ) -> list[Statement]:
        """Statements in content order, optionally of one section (and, by default, its
        subsections) and with an evidence tag matching ``evidence`` (see :func:`parse_evidence_filter`)."""
        where: list[str] = []
        params: dict[str, Any] = {}
        if section is not None:
            params["section"] = section
            if subsections:
                where.append(
                    "s.section IN (WITH RECURSIVE sub(id) AS (SELECT :section UNION "
                    "SELECT c.id FROM sections c JOIN sub ON c.parent = sub.id) SELECT id FROM sub)"
                )
            else:
                where.append("s.section = :section")
        if evidence is not None:
            f = parse_evidence_filter(evidence)
            params.update(level=f.level, grade=f.grade, pc=int(f.panel_consensus))
            where.append(
                "EXISTS (SELECT 1 FROM statement_evidence e WHERE e.statement_id = s.id"
                " AND (:level IS NULL OR e.level = :level) AND (:grade IS NULL OR e.grade = :grade)"
                " AND (:pc = 0 OR e.panel_consensus = 1))"
            )
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return self._models(Statement, f"SELECT s.json FROM statements s{clause} ORDER BY s.ord", params)

    def statement(self, statement_id: str) -> Statement:
        return self._one(
            Statement, "SELECT json FROM statements WHERE id = :id", {"id": statement_id}, statement_id
        )

    def links_for_statement(self, statement_id: str) -> list[StatementLink]:
        """The flowchart nodes and regimens that rest on a statement, in figure order."""
        return self._links("WHERE statement_id = :sid", {"sid": statement_id})

    def links_for_node(self, figure: str, node: str | None = None) -> list[StatementLink]:
        """The statements a figure (or one of its nodes) rests on."""
        if node is None:
            return self._links("WHERE figure = :fig", {"fig": figure})
        return self._links("WHERE figure = :fig AND node = :node", {"fig": figure, "node": node})

    def _links(self, where: str, params: Mapping[str, Any]) -> list[StatementLink]:
        rows = self._rows(
            f"SELECT statement_id, figure, node, regimen, via FROM statement_links {where} ORDER BY ord",
            params,
        )
        return [
            StatementLink(statement_id=r[0], figure=r[1], node=r[2], regimen=r[3], via=r[4]) for r in rows
        ]

    # --- glossary ---------------------------------------------------------------------------

    def regimens(self) -> list[Regimen]:
        return self._models(Regimen, "SELECT json FROM regimens ORDER BY ord")

    def regimen(self, abbr: str) -> Regimen:
        """A regimen by abbreviation, alias or name (case, diacritics and punctuation ignored)."""
        found = self._models(Regimen, "SELECT json FROM regimens WHERE abbr = :abbr", {"abbr": abbr})
        if found:
            return found[0]
        return self._one(
            Regimen,
            "SELECT r.json FROM names n JOIN regimens r ON r.abbr = n.ref_id"
            " WHERE n.kind = 'regimen' AND n.key = :key",
            {"key": schema.name_key(abbr)},
            abbr,
        )

    def drugs(self) -> list[Drug]:
        return self._models(Drug, "SELECT json FROM drugs ORDER BY ord")

    def drug(self, drug_id: str) -> Drug:
        """A drug by id, alias or name (case, diacritics and punctuation ignored)."""
        found = self._models(Drug, "SELECT json FROM drugs WHERE id = :id", {"id": drug_id})
        if found:
            return found[0]
        return self._one(
            Drug,
            "SELECT d.json FROM names n JOIN drugs d ON d.id = n.ref_id"
            " WHERE n.kind = 'drug' AND n.key = :key",
            {"key": schema.name_key(drug_id)},
            drug_id,
        )

    def glossary(self) -> Glossary:
        return Glossary(drugs=self.drugs(), regimens=self.regimens())

    # --- trials, tables, boxes --------------------------------------------------------------

    def trials(self) -> list[Trial]:
        return self._models(Trial, "SELECT json FROM trials ORDER BY ord")

    def trial(self, trial_id: str) -> Trial:
        found = self._models(Trial, "SELECT json FROM trials WHERE id = :id", {"id": trial_id})
        if found:
            return found[0]
        return self._one(
            Trial,
            "SELECT json FROM trials WHERE lower(id) = lower(:id) OR lower(name) = lower(:id) ORDER BY ord",
            {"id": trial_id},
            trial_id,
        )

    def table1(self) -> Table1:
        return self._doc(Table1, "table1")

    def box1(self) -> Box1:
        return self._doc(Box1, "box1")

    def box2(self) -> Box2:
        return self._doc(Box2, "box2")

    def box3(self) -> Box3:
        return self._doc(Box3, "box3")

    # --- dosing cards -----------------------------------------------------------------------

    def dosing(self) -> DosingContent:
        """The label documents, shared drug facts and dosing cards (empty in a database built
        before the cards existed). Read once per repository: it is one document."""
        cached = getattr(self, "_dosing", None)
        if cached is None:
            try:
                cached = self._doc(DosingContent, "dosing")
            except KeyError:
                cached = DosingContent()
            self._dosing = cached
        return cached

    def dosing_card(self, regimen: str) -> DosingCard:
        """The dosing card of a regimen (abbreviation, alias or name); KeyError if it has none."""
        content = self.dosing()
        try:
            return content.card(regimen)
        except KeyError:
            return content.card(self.regimen(regimen).abbr)

    def toxicity(self, syndrome: str | None = None, grade: int | None = None) -> list[ToxicityPanel]:
        """Management panels, optionally of one syndrome (``crs``/``icans``) and grade."""
        return self._models(
            ToxicityPanel,
            "SELECT json FROM toxicity WHERE (:syndrome IS NULL OR syndrome = :syndrome)"
            " AND (:grade IS NULL OR grade = :grade) ORDER BY ord",
            {"syndrome": syndrome.strip().lower() if syndrome else None, "grade": grade},
        )

    def toxicity_panel(self, syndrome: str, grade: int) -> ToxicityPanel:
        found = self.toxicity(syndrome, grade)
        if not found:
            raise KeyError((syndrome, grade))
        return found[0]

    # --- errata, conflicts, figures ---------------------------------------------------------

    def errata(self) -> list[Erratum]:
        return self._models(Erratum, "SELECT json FROM errata ORDER BY ord")

    def conflicts(self) -> list[Conflict]:
        return self._models(Conflict, "SELECT json FROM conflicts ORDER BY ord")

    def figures(self) -> list[Figure]:
        return self._models(Figure, "SELECT json FROM figures ORDER BY ord")

    def figure(self, figure_id: str) -> Figure:
        return self._one(Figure, "SELECT json FROM figures WHERE id = :id", {"id": figure_id}, figure_id)

    # --- whole content and search -----------------------------------------------------------

    def bundle(self) -> ContentBundle:
        """The whole content, validated again (cross-references included)."""
        return ContentBundle(
            meta=self.meta(),
            evidence_scale=self.evidence_scale(),
            sections=self.sections(),
            statements=self.statements(),
            glossary=self.glossary(),
            trials=self.trials(),
            table1=self.table1(),
            box1=self.box1(),
            box2=self.box2(),
            box3=self.box3(),
            toxicity=self.toxicity(),
            errata=self.errata(),
            conflicts=self.conflicts(),
            figures=self.figures(),
            dosing=self.dosing(),
        )

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        return search(self, query, limit)
