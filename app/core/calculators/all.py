"""Import every calculator module so that each registers itself."""

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
