"""The patient case evaluated against the active guide (contract shared/contracts/case.md).

Qt-free; nothing of the case is written anywhere: the input is evaluated in memory and the
result returned to the caller.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.core.case.derive import CaseEvaluation, evaluate_case
from app.core.case.errors import CaseInputError
from app.core.case.model import CaseInput
from app.services.guide import Guide

__all__ = ["CaseInputError", "case_schema", "evaluate"]


def evaluate(guide: Guide, raw: Any, today: date | None = None) -> CaseEvaluation:
    """Every derived fact, calculator result and the routed figure for ``raw`` (the JSON input), the figure
    judged with the installed local layer's formulary; raises :class:`CaseInputError` naming the offending
    input path."""
    from app.services.local_notes import formulary_for  # the installed local layer's formulary, as in `flow`

    return evaluate_case(raw, guide.repo.glossary(), guide.figure, today or date.today(), formulary_for(guide))


def case_schema() -> dict[str, Any]:
    """JSON Schema of the case input."""
    schema = CaseInput.model_json_schema()
    schema["title"] = "mmguide case input (case_version 1)"
    return schema
