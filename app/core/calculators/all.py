"""Import every calculator module so that each registers itself; the listing order and groups
read from the registrations (each calculator declares its own ``order`` and ``group``)."""

from typing import Any

from app.core.calculators import (  # noqa: F401
    astct,
    body,
    dosing,
    frailty,
    high_risk,
    renal,
    smm,
    staging,
)
from app.core.calculators.base import GROUPS, REGISTRY, Calculator


def listed() -> list[Calculator[Any]]:
    """Every calculator in its listing order (the contract's, shared/contracts/cli.md)."""
    return sorted(REGISTRY.values(), key=lambda c: c.order)


def grouped() -> list[tuple[str, list[str]]]:
    """The calculator list's groups in order, each with its calculators' ids in listing order."""
    calcs = listed()
    return [(group, [c.id for c in calcs if c.group == group]) for group in GROUPS]


#: every calculator id in listing order (derived from the registrations, never declared here)
ORDER: tuple[str, ...] = tuple(c.id for c in listed())
