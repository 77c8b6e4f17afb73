"""Computing a regimen's doses for a patient in tests (the core, no CLI or GUI)."""

from __future__ import annotations

from typing import Any

from app.core.dosing.models import DosingContent
from app.core.dosing.patient import PatientInput, compute


def doses(dosing: DosingContent, regimen: str, region: str, **patient: Any) -> dict[str, Any]:
    return compute(dosing, regimen, region, PatientInput.model_validate(patient))  # type: ignore[arg-type]


def comp(result: dict[str, Any], drug: str) -> dict[str, Any]:
    return next(c for c in result["components"] if c["drug"] == drug)
