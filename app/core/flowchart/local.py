"""The hospital's local formulary as the flowcharts see it (contract shared/contracts/local.md,
"Where local material appears").

A regimen the installed local layer lists under ``unavailable`` is treated like the guideline's own
``unavailable`` answer — ``status: "unavailable"``, and any fallback above which it stood follows —
with a reason naming the layer, unless the patient's ``local_available`` fact overrides it. The
layer is passed in as data; this module reads no file and knows no package.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from app.core.flowchart.exposure import Names, Resolved

LOCAL_FACTS = ("local_available",)
"""Facts that concern the local layer rather than the guideline's figure (accepted by every figure)."""


@dataclass(frozen=True)
class LocalFormulary:
    """What a local layer says is not available: regimen id as the layer writes it → its reason.

    ``approved`` is the date the layer's package was built and signed (``InstalledLayer.created``):
    the formulary entries carry no approval date of their own, and signing the package is the
    hospital's approval of the list.
    """

    hospital: str
    sequence: int
    approved: date
    reasons: Mapping[str, str] = field(default_factory=dict)

    def reason(self, local_reason: str) -> str:
        return (
            f"not on the local formulary ({self.hospital}, layer {self.sequence}, approved "
            f"{self.approved.isoformat()}): {local_reason}"
        )


class LocalAvailability:
    """The formulary resolved against the glossary, and the patient's overrides."""

    def __init__(self, formulary: LocalFormulary | None, available: Sequence[Resolved], names: Names) -> None:
        self.formulary = formulary
        self.names = names
        self.available = list(available)
        self.unavailable: dict[str, str] = {}
        if formulary is not None:
            for name, why in formulary.reasons.items():
                resolved = names.resolve(name)
                if resolved is not None and resolved.kind == "regimen":
                    self.unavailable[resolved.name] = why

    def reason(self, regimen: str) -> str | None:
        """The local reason ``regimen`` is unavailable, or None (listed nowhere, or overridden)."""
        why = self.unavailable.get(regimen)
        if why is None or self.formulary is None or self._overridden(regimen):
            return None
        return self.formulary.reason(why)

    def _overridden(self, regimen: str) -> bool:
        """``local_available`` names the regimen, or a drug or class of its non-steroid agents."""
        agents = set(self.names.active_components(regimen))
        return any(
            (entry.name == regimen) if entry.kind == "regimen" else bool(entry.agents & agents)
            for entry in self.available
        )
