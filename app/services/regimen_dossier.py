"""A regimen's dossier: everything the guide holds about it, built once for every view (Qt-free).

The Regimens & dosing screen and the regimen detail opened from a flowchart box both read it:
what the regimen is (components with their drug names and classes), every box of Figs. 1–3
that lists it with the tier and the evidence tag **as printed for that leaf**, the statements
that name it, approval notes, trials, its glossary notes (the dosing ones apart), whether it has
a dosing card, and the pharmacist's dosing notes (:mod:`app.services.dosing_notes`).
:func:`leaf_dossier` adds, for one box, the statement the leaf rests on and where else that
statement is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.calculators.renal_dosing import MAINTENANCE_POINTER, MAINTENANCE_USES
from app.core.content.models import ApprovalNote, Regimen, Statement, Trial
from app.services.dosing_notes import DosingNotes, StatementRef, dosing_notes, renal_statements_for_regimen
from app.services.flow_leaf import Leaf, figure_leaves
from app.services.guide import Guide
from app.services.statement_uses import StatementUse, statement_uses

#: a glossary note about dosing (shown under "Dosing notes"; the others under "Other notes")
DOSING_WORDS = re.compile(
    r"\b(dose|doses|dosing|mg/m²|mg|schedule|weekly|biweekly|cycles?|step-up|dexamethasone only)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Component:
    """A drug of the regimen: its glossary id, name and classes (the id itself when the glossary lacks it)."""

    id: str
    name: str
    classes: tuple[str, ...]


@dataclass(frozen=True)
class RegimenDossier:
    regimen: Regimen
    components: tuple[Component, ...]
    #: every box of Figs. 1–3 that lists it (as an item or a named substitute), not evaluated
    appearances: tuple[Leaf, ...]
    #: the guideline statements that name it
    statements: tuple[StatementRef, ...]
    trials: tuple[Trial, ...]
    missing_trials: tuple[str, ...]
    #: glossary notes about dosing (for a maintenance regimen, the lenalidomide maintenance pointer first)
    dosing_notes: tuple[str, ...]
    other_notes: tuple[str, ...]
    has_dosing_card: bool
    dosing: DosingNotes

    @property
    def abbr(self) -> str:
        return self.regimen.abbr


def components_of(guide: Guide, ids: list[str]) -> tuple[Component, ...]:
    out = []
    for cid in ids:
        try:
            drug = guide.repo.drug(cid)
        except KeyError:
            out.append(Component(cid, cid, ()))
        else:
            out.append(Component(cid, drug.name, tuple(drug.classes)))
    return tuple(out)


def regimen_dossier(guide: Guide, abbr: str, statements: list[Statement] | None = None) -> RegimenDossier:
    """The dossier of ``abbr`` (abbreviation or alias; ``KeyError`` if unknown). ``statements``: the
    guideline's statements when the caller has them already (read from the database otherwise)."""
    repo = guide.repo
    regimen = repo.regimen(abbr)
    every = statements if statements is not None else repo.statements()
    drug_ids = list(regimen.components)
    car_t = any("CAR-T" in c for c in regimen.classes)
    trials, missing = [], []
    for tid in regimen.trials:
        try:
            trials.append(repo.trial(tid))
        except KeyError:
            missing.append(tid)
    dosing = [n for n in regimen.notes if DOSING_WORDS.search(n)]
    if regimen.abbr in MAINTENANCE_USES:
        dosing.insert(0, f"Lenalidomide dose — {MAINTENANCE_POINTER}")
    renal = renal_statements_for_regimen(every, regimen.abbr, drug_ids, car_t)
    return RegimenDossier(
        regimen=regimen,
        components=components_of(guide, drug_ids),
        appearances=tuple(figure_leaves(guide.figures(), regimen.abbr)),
        statements=tuple(StatementRef.of(s) for s in every if regimen.abbr in s.regimens),
        trials=tuple(trials),
        missing_trials=tuple(missing),
        dosing_notes=tuple(dosing),
        other_notes=tuple(n for n in regimen.notes if not DOSING_WORDS.search(n)),
        has_dosing_card=any(c.regimen == regimen.abbr for c in repo.dosing().cards),
        dosing=dosing_notes(regimen.abbr, drug_ids, renal),
    )


@dataclass(frozen=True)
class LeafDossier:
    """What the regimen detail of one flowchart box shows."""

    leaf: Leaf
    name: str
    components: tuple[Component, ...]
    classes: tuple[str, ...]
    #: the statement the leaf rests on, and every box and regimen that uses it
    statement: Statement | None
    links: tuple[StatementUse, ...]
    approvals: tuple[ApprovalNote, ...]
    trials: tuple[Trial, ...]
    missing_trials: tuple[str, ...]
    dosing_notes: tuple[str, ...]
    glossary_notes: tuple[str, ...]
    dossier: RegimenDossier | None  # None for a name the glossary does not hold

    def is_this_leaf(self, use: StatementUse) -> bool:
        leaf = self.leaf
        return use.figure == leaf.figure_id and use.node == leaf.node_id and use.regimen == leaf.regimen


def leaf_dossier(guide: Guide, leaf: Leaf) -> LeafDossier:
    """The dossier of the leaf's regimen, with the statement of this box and where it is used."""
    repo = guide.repo
    try:
        dossier: RegimenDossier | None = regimen_dossier(guide, leaf.regimen)
    except KeyError:
        dossier = None
    components = dossier.components if dossier is not None and not leaf.components else None
    components = components or components_of(guide, leaf.components)
    statement_id = leaf.statement
    if statement_id is None:
        via = "substitute" if leaf.substitutes_for else "item"
        statement_id = next(
            (
                link.statement_id
                for link in repo.links_for_node(leaf.figure_id, leaf.node_id)
                if link.regimen == leaf.regimen and link.via == via
            ),
            None,
        )
    statement = None
    links: tuple[StatementUse, ...] = ()
    if statement_id is not None:
        try:
            statement = repo.statement(statement_id)
        except KeyError:
            statement = None
        links = statement_uses(guide, statement_id)
    regimen = dossier.regimen if dossier is not None else None
    return LeafDossier(
        leaf=leaf,
        name=regimen.name if regimen is not None else leaf.regimen,
        components=components,
        classes=tuple(regimen.classes) if regimen is not None else (),
        statement=statement,
        links=links,
        approvals=tuple(regimen.approval_notes) if regimen is not None else (),
        trials=dossier.trials if dossier is not None else (),
        missing_trials=dossier.missing_trials if dossier is not None else (),
        dosing_notes=dossier.dosing_notes if dossier is not None else (),
        glossary_notes=dossier.other_notes if dossier is not None else (),
        dossier=dossier,
    )
