"""Regimen dosing cards for the CLI and the GUI (contract: shared/contracts/cli.md, "Regimen dosing cards").

Qt-free. The card comes from the active database (its label facts), with what the guideline
itself says about the regimen (statements, flowchart leaves, trials); with a patient, each
component's dose is computed (app.core.dosing.patient). Nothing of the patient is stored.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from app.core.dosing.assemble import card_view
from app.core.dosing.models import REGIONS, Region
from app.core.dosing.patient import PatientError, PatientInput, compute
from app.core.flowchart.model import RecommendationNode
from app.services.guide import Guide, UnknownItem


class RegimenInputError(ValueError):
    """A bad ``--patient`` (or case) value; ``field`` names it."""

    def __init__(self, field: str, message: str, code: str = "invalid_patient") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


def figure_regimens(guide: Guide) -> dict[str, list[dict[str, str]]]:
    """Every regimen the figures list (items and named substitutes) → where (figure, node)."""
    found: dict[str, list[dict[str, str]]] = {}
    for fig in guide.figures():
        for node in fig.nodes:
            if not isinstance(node, RecommendationNode):
                continue
            for item in node.items:
                found.setdefault(item.regimen, []).append({"figure": fig.id, "node": node.id, "title": node.title})
                for sub in item.substitutes:
                    found.setdefault(sub.regimen, []).append(
                        {"figure": fig.id, "node": node.id, "title": node.title, "instead_of": item.regimen}
                    )
    return found


def regimen_list(guide: Guide) -> list[dict[str, Any]]:
    """``[{"id", "name", "components", "status", "card"}]`` for every regimen of the glossary."""
    in_figures = figure_regimens(guide)
    cards = {c.regimen for c in guide.repo.dosing().cards}
    out = []
    for r in guide.repo.regimens():
        if not r.recommended:
            state = "not-recommended"
        elif r.abbr in in_figures:
            state = "recommended"
        else:
            state = "named"
        out.append(
            {"id": r.abbr, "name": r.name, "components": list(r.components), "status": state, "card": r.abbr in cards}
        )
    return out


STATUS_WORDS = {
    "recommended": "recommended in Figs. 1–3",
    "not-recommended": "discussed, not recommended",
    "named": "named in the guideline, not in Figs. 1–3",
}


def _guideline(guide: Guide, abbr: str) -> tuple[list[str], dict[str, Any]]:
    repo = guide.repo
    statements = [s for s in repo.statements() if abbr in s.regimens]
    ids = [s.id for s in statements]
    leaves = figure_regimens(guide).get(abbr, [])
    for leaf in leaves:
        for link in repo.links_for_node(leaf["figure"], leaf["node"]):
            if link.regimen == abbr and link.statement_id not in ids:
                ids.append(link.statement_id)
    texts = {s.id: s for s in repo.statements() if s.id in ids}
    regimen = repo.regimen(abbr)
    return ids, {
        "statements": [
            {"id": i, "quote": texts[i].source.quote, "location": texts[i].source.location} for i in ids if i in texts
        ],
        "leaves": leaves,
        "trials": list(regimen.trials),
        "approval_notes": [{"text": a.text, "as_of": a.as_of} for a in regimen.approval_notes],
    }


def parse_patient(raw: Any) -> PatientInput:
    if not isinstance(raw, dict):
        raise RegimenInputError("patient", "patient must be a JSON object (weight, height, age, creatinine or crcl …)")
    try:
        return PatientInput.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "patient"
        if err["type"] == "extra_forbidden":
            accepted = ", ".join(PatientInput.model_fields)
            raise RegimenInputError(
                field, f"unknown field {field!r}; accepted fields: {accepted}", "unknown_field"
            ) from None
        message = str(err["msg"]).removeprefix("Value error, ")
        if field == "patient" and ":" in message:
            field = message.split(":", 1)[0]
        raise RegimenInputError(field, f"{field}: {message}" if not message.startswith(field) else message) from None


def patient_from_case(raw: Any) -> dict[str, Any]:
    """The dosing values of a patient case (``mmguide case`` input): age, sex, weight, height,
    BSA method and the creatinine of the case's renal rule (:func:`renal_creatinine`: the current
    one, or the one at diagnosis before any treatment); the case is validated by its own model."""
    from app.core.case.calculators import renal_creatinine
    from app.core.case.errors import CaseInputError
    from app.core.case.model import CaseInput

    try:
        case = CaseInput.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = "case." + ".".join(str(p) for p in err["loc"])
        raise RegimenInputError(
            field, f"{field}: {str(err['msg']).removeprefix('Value error, ')}", "invalid_case"
        ) from None
    except CaseInputError as exc:
        raise RegimenInputError(f"case.{exc.field}", exc.message, "invalid_case") from None
    p = case.patient
    values: dict[str, Any] = {"age": p.age}
    if p.sex is not None:
        values["sex"] = p.sex
    if p.weight is not None:
        values["weight"] = p.weight  # as the case gives it (a quantity with its unit)
    if p.height is not None:
        values["height"] = p.height
    if p.bsa_method is not None:
        values["bsa_method"] = p.bsa_method
    creatinine = renal_creatinine(case)  # the case's rule: the current one, else at diagnosis before any treatment
    if creatinine.value is not None:
        values["creatinine"] = creatinine.value
    return values


def regimen_card(guide: Guide, regimen: str, region: str = "eu", patient: Any = None) -> dict[str, Any]:
    """The dosing card of ``regimen`` (abbreviation, alias or name) for ``region``, with the
    patient's doses when ``patient`` (the raw JSON object) is given."""
    if region not in REGIONS:
        raise RegimenInputError("region", f"region must be one of: {', '.join(REGIONS)}", "invalid_region")
    repo = guide.repo
    try:
        abbr = repo.regimen(regimen).abbr
    except KeyError:
        raise UnknownItem("regimen", f"unknown regimen {regimen!r}; `mmguide regimen --list` lists them") from None
    content = repo.dosing()
    known = {c.regimen for c in content.cards}
    if abbr not in known:
        raise UnknownItem(
            "regimen",
            f"{abbr} has no dosing card in this guide (cards: every regimen of Figs. 1–3, HDM and the CAR-T products; "
            "`mmguide regimen --list` shows which)",
        )
    reg: Region = "us" if region == "us" else "eu"
    names = {d.id: d.name for d in repo.drugs()}
    ids, links = _guideline(guide, abbr)
    view = card_view(
        content, abbr, reg, name=repo.regimen(abbr).name, drug_names=names, guideline=ids, guideline_links=links
    )
    view["status"] = next((r["status"] for r in regimen_list(guide) if r["id"] == abbr), "named")
    if patient is not None:
        parsed = parse_patient(patient)
        try:
            view["patient"] = compute(content, abbr, reg, parsed, names)
        except PatientError as exc:
            raise RegimenInputError(exc.field, exc.message) from None
    return view
