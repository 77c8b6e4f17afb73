"""Building and evaluating patient cases in tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.core.case.derive import evaluate_case
from app.core.case.errors import CaseInputError

TODAY = date(2025, 6, 2)


def case(*episodes: dict[str, Any], **top: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {"assessment_date": "2025-06-02", "patient": {"age": 64}, "treatment_history": list(episodes)}
    raw.update(top)
    return raw


def ep(regimen: str | None = None, **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {} if regimen is None else {"regimen": regimen}
    out.update(fields)
    return out


def evaluate(bundle: Any, raw: dict[str, Any]) -> dict[str, Any]:
    return evaluate_case(raw, bundle.glossary, bundle.figure, TODAY).model_dump(mode="json")


def derived(bundle: Any, raw: dict[str, Any]) -> dict[str, Any]:
    return evaluate(bundle, raw)["derived"]


def value(bundle: Any, raw: dict[str, Any], name: str) -> Any:
    return derived(bundle, raw)[name]["value"]


def refused(bundle: Any, raw: Any) -> CaseInputError:
    with pytest.raises(CaseInputError) as info:
        evaluate_case(raw, bundle.glossary, bundle.figure, TODAY)
    return info.value
