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

#: the contract's order (shared/contracts/cli.md), used for listings
ORDER = (
    "iss", "r-iss", "r2-iss", "high-risk", "smm-2-20-20", "smm-imwg-score", "imwg-frailty", "simplified-frailty",
    "ice", "crs-grade", "icans-grade", "crcl", "egfr", "bsa", "tocilizumab-dose", "bispecific-step-up",
)
