"""The app's tools that people search for by name but that are not calculators of their own.

The CRS and ICANS screens (the ASTCT grader with the management panel of each grade), the
tocilizumab and bispecific step-up helpers beside them, and lenalidomide's renal dose table.
Each names the calculator whose form it embeds (its title and reference come from there, see
:func:`describe`) or the sources of the table it shows; nothing clinical is restated here.
The search index (``app.storage.build``) takes its tool documents from :data:`TOOLS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import app.core.calculators.all  # noqa: F401  (registers every calculator)
from app.core.calculators import renal_dosing
from app.core.calculators.base import REGISTRY


@dataclass(frozen=True)
class Tool:
    id: str
    title: str
    #: what the tool shows, in the words of the app (not a clinical statement)
    summary: str
    #: the words people type for it
    keywords: tuple[str, ...]
    #: the calculator whose form the tool embeds, if any
    calculator: str | None = None
    #: glossary drug ids the tool is about (the drug view links to it)
    drugs: tuple[str, ...] = ()
    #: the documents the tool's figures come from, when it has no calculator
    sources: tuple[str, ...] = ()


BISPECIFICS = ("teclistamab", "elranatamab", "talquetamab", "linvoseltamab")

TOOLS: tuple[Tool, ...] = (
    Tool(
        "crs-grader",
        "CRS screen: ASTCT grader and management by grade",
        "Grade cytokine release syndrome and open that grade's management panel: the guideline's bullets "
        "and recommendations for it, the doses the guideline gives, cautions and conflicts.",
        ("CRS screen", "CRS grader", "CRS management", "cytokine release syndrome management"),
        calculator="crs-grade",
    ),
    Tool(
        "icans-grader",
        "ICANS screen: ICE score, ASTCT grader and management by grade",
        "Score ICE, grade ICANS and open that grade's management panel: the guideline's bullets and "
        "recommendations for it, the doses the guideline gives, cautions and conflicts.",
        ("ICANS screen", "ICANS grader", "ICANS management", "neurotoxicity management"),
        calculator="icans-grade",
    ),
    Tool(
        "tocilizumab-helper",
        "Tocilizumab dose helper (CRS screen)",
        "The weight-based tocilizumab dose beside the CRS management panels.",
        ("tocilizumab helper", "CRS treatment"),
        calculator="tocilizumab-dose",
        drugs=("tocilizumab",),
    ),
    Tool(
        "step-up-helper",
        "Bispecific step-up helper (CRS screen)",
        "The step-up doses, monitoring and premedication of a bispecific antibody beside the CRS "
        "management panels.",
        ("step-up helper", "bispecific helper", *BISPECIFICS),
        calculator="bispecific-step-up",
        drugs=BISPECIFICS,
    ),
    Tool(
        "lenalidomide-renal-table",
        "Lenalidomide starting dose by creatinine clearance (renal dose table, EU SmPC and US label)",
        "Each creatinine-clearance band with the lenalidomide starting dose of the EU SmPC (followed by "
        "this guide) and of the US label beside it.",
        (
            "lenalidomide dose",
            "lenalidomide renal",
            "renal dosing",
            "renal impairment",
            "CrCl",
            "creatinine clearance",
            "dialysis",
            "Revlimid",
        ),
        drugs=("lenalidomide",),
        sources=(renal_dosing.LENALIDOMIDE_EU_SOURCE, renal_dosing.LENALIDOMIDE_US_SOURCE),
    ),
)


def tool(tool_id: str) -> Tool:
    for t in TOOLS:
        if t.id == tool_id:
            return t
    raise KeyError(f"unknown tool {tool_id!r}; known: {', '.join(t.id for t in TOOLS)}")


def describe(t: Tool) -> list[str]:
    """The tool's summary, then the title and reference of its calculator, or its sources."""
    parts = [t.summary]
    if t.calculator is not None:
        calc = REGISTRY[t.calculator]
        parts += [calc.title, calc.reference]
    parts += list(t.sources)
    return parts


def tools_for_drug(drug_id: str) -> list[Tool]:
    return [t for t in TOOLS if drug_id in t.drugs]
