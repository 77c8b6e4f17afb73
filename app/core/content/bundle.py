"""The whole guideline content as one validated bundle, with cross-references checked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from app.core.content.models import (
    Box1,
    Box2,
    Box3,
    Conflict,
    Erratum,
    EvidenceScale,
    Glossary,
    Meta,
    Section,
    SourceRef,
    Statement,
    Table1,
    ToxicityPanel,
    Trial,
)
from app.core.dosing.models import DosingContent
from app.core.flowchart.model import Figure, RecommendationNode


class ContentBundle(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    meta: Meta
    evidence_scale: EvidenceScale
    sections: list[Section]
    statements: list[Statement]
    glossary: Glossary
    trials: list[Trial]
    table1: Table1
    box1: Box1
    box2: Box2
    box3: Box3
    toxicity: list[ToxicityPanel]
    errata: list[Erratum]
    conflicts: list[Conflict]
    figures: list[Figure]
    #: label facts and regimen dosing cards (resources/content/labels)
    dosing: DosingContent = DosingContent()

    @model_validator(mode="after")
    def _cross_references(self) -> ContentBundle:
        problems: list[str] = []
        section_ids = {s.id for s in self.sections}
        statement_ids = [s.id for s in self.statements]
        if len(statement_ids) != len(set(statement_ids)):
            dupes = sorted({i for i in statement_ids if statement_ids.count(i) > 1})
            problems.append(f"duplicate statement ids: {dupes}")
        sids = set(statement_ids)
        regimens = {r.abbr for r in self.glossary.regimens}
        drugs = {d.id for d in self.glossary.drugs}
        errata = {e.id for e in self.errata}
        trials = {t.id for t in self.trials}
        for s in self.statements:
            if s.section not in section_ids:
                problems.append(f"statement {s.id}: unknown section {s.section!r}")
            problems += [f"statement {s.id}: unknown regimen {r!r}" for r in s.regimens if r not in regimens]
            problems += [f"statement {s.id}: unknown drug {d!r}" for d in s.drugs if d not in drugs]
            problems += [f"statement {s.id}: unknown erratum {e!r}" for e in s.errata if e not in errata]
            if s.duplicate_of is not None and s.duplicate_of not in sids:
                problems.append(f"statement {s.id}: duplicate_of unknown {s.duplicate_of!r}")
        for sec in self.sections:
            if sec.parent is not None and sec.parent not in section_ids:
                problems.append(f"section {sec.id}: unknown parent {sec.parent!r}")
        for r in self.glossary.regimens:
            problems += [f"regimen {r.abbr}: unknown component {c!r}" for c in r.components if c not in drugs]
            problems += [f"regimen {r.abbr}: unknown trial {t!r}" for t in r.trials if t not in trials]
        for t in self.trials:
            problems += [f"trial {t.id}: unknown regimen {r!r}" for r in t.regimens if r not in regimens]
        for group in self.box2.groups:
            problems += [f"box2: unknown statement {i!r}" for i in group.statements if i not in sids]
        problems += [f"box3: unknown statement {i!r}" for i in self.box3.ocular if i not in sids]
        for panel in self.toxicity:
            for i in [*panel.box3_statements, *panel.text_statements]:
                if i not in sids:
                    problems.append(f"toxicity {panel.syndrome} {panel.grade}: unknown statement {i!r}")
        conflict_ids = {c.id for c in self.conflicts}
        for panel in self.toxicity:
            problems += [f"toxicity: unknown conflict {c!r}" for c in panel.conflicts if c not in conflict_ids]
            problems += [f"toxicity: unknown drug {d.drug!r}" for d in panel.doses if d.drug not in drugs]
            problems += [f"toxicity: unknown drug {d.drug!r}" for d in panel.doses_not_given if d.drug not in drugs]
        for c in self.box1.criteria:
            problems += [f"box1 {c.id}: unknown erratum {e!r}" for e in c.errata if e not in errata]
        for fig in self.figures:
            for node in fig.nodes:
                if not isinstance(node, RecommendationNode):
                    continue
                for item in node.items:
                    names = [item.regimen, *(s.regimen for s in item.substitutes)]
                    problems += [f"{fig.id}/{node.id}: unknown regimen {n!r}" for n in names if n not in regimens]
                    refs = [item.statement, *(s.statement for s in item.substitutes)]
                    problems += [
                        f"{fig.id}/{node.id}: unknown statement {r!r}" for r in refs if r is not None and r not in sids
                    ]
                    for n in names:
                        if n in regimens and not self.regimen(n).recommended:
                            problems.append(f"{fig.id}/{node.id}: {n} is not recommended by the guideline")
        panels = {(p.syndrome, p.grade) for p in self.toxicity}
        if self.toxicity and panels != {(s, g) for s in ("crs", "icans") for g in (1, 2, 3, 4)}:
            problems.append(f"toxicity panels incomplete: {sorted(panels)}")
        problems += _dosing_problems(self.dosing, regimens, drugs)
        del trials
        if problems:
            raise ValueError("content cross-reference errors:\n  " + "\n  ".join(problems))
        return self

    def regimen(self, abbr: str) -> Any:
        for r in self.glossary.regimens:
            if r.abbr == abbr:
                return r
        raise KeyError(abbr)

    def figure(self, figure_id: str) -> Figure:
        for fig in self.figures:
            if fig.id == figure_id:
                return fig
        raise KeyError(figure_id)

    def statement(self, statement_id: str) -> Statement:
        for s in self.statements:
            if s.id == statement_id:
                return s
        raise KeyError(statement_id)


def _dosing_problems(dosing: DosingContent, regimens: set[str], drugs: set[str]) -> list[str]:
    """Cards name regimens of the glossary; components name its drugs (or carry their own name)."""
    problems = [
        f"dosing card {c.regimen!r}: not a regimen of the glossary" for c in dosing.cards if c.regimen not in regimens
    ]
    for card in dosing.cards:
        problems += [
            f"dosing card {card.regimen}: unknown drug {comp.drug!r} (give its name)"
            for comp in card.components
            if comp.drug not in drugs and comp.name is None
        ]
    problems += [f"drug_facts {f.id}: unknown drug {f.drug!r}" for f in dosing.drug_facts if f.drug not in drugs]
    return problems


def iter_source_refs(obj: Any, path: str = "") -> Iterator[tuple[str, SourceRef]]:
    """Every :class:`SourceRef` inside ``obj``, with a readable path to it."""
    if isinstance(obj, SourceRef):
        yield path, obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from iter_source_refs(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            label = getattr(item, "id", None) or getattr(item, "abbr", None) or str(i)
            yield from iter_source_refs(item, f"{path}[{label}]")
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from iter_source_refs(value, f"{path}.{key}")
