"""Fixtures of the core tests."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.dosing.models import DosingContent


@pytest.fixture(scope="module")
def dosing(bundle: Any) -> DosingContent:
    """The bundled label facts (patient doses are computed from them: tests/core/dosing_helpers.py)."""
    return bundle.dosing  # type: ignore[no-any-return]
