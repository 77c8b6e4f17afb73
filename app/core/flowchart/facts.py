"""Patient facts accepted by each figure (the vocabulary of shared figures-notes §3).

Every fact is optional: an absent fact is unknown, and the engine then reports it in
``missing`` and keeps every branch that remains possible. Unknown names and values are
rejected; nothing is ignored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from app.core.strict import StrictInput

Status = Literal["naive", "sensitive", "refractory"]
REFRACTORY_CLASSES = ("car-t", "adc", "bispecific")


class FactsError(ValueError):
    """Invalid facts: names the offending field and what is accepted."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _Facts(StrictInput):
    """Facts of a figure: every one optional; unknown names refused; no value converted (``"yes"`` is
    not a yes and ``"4"`` not a number: JSON true/false and numbers only)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Fig1Facts(_Facts):
    """Newly diagnosed MM (Fig. 1)."""

    asct_eligible: bool | None = None
    age: Annotated[int, Field(ge=18, le=120)] | None = None
    imwg_frailty_score: Annotated[int, Field(ge=0, le=5)] | None = None
    high_risk: bool | None = None
    induction_cycles: Annotated[int, Field(ge=1, le=12)] | None = None
    induction_regimen: str | None = None
    first_option_available: bool | None = None
    unavailable: list[str] | None = None


class Fig2Facts(_Facts):
    """RRMM at second line, i.e. after exactly one prior line (Fig. 2)."""

    lenalidomide_status: Status | None = None
    bortezomib_status: Status | None = None
    anti_cd38_status: Status | None = None
    car_t_eligible: bool | None = None
    unavailable: list[str] | None = None
    limited_access_to_novel_regimens: bool | None = None
    prior_asct_then_len_maintenance: bool | None = None
    initial_remission_months: Annotated[float, Field(ge=0, le=600)] | None = None


class Fig3Facts(_Facts):
    """RRMM at third line and beyond (Fig. 3)."""

    line: Annotated[int, Field(ge=3, le=20)] | None = None
    triple_class_refractory: bool | None = None
    refractory_to: list[str] | None = None
    car_t_eligible: bool | None = None
    prior_asct: bool | None = None
    ttp_after_asct_years: Annotated[float, Field(ge=0, le=50)] | None = None
    anti_cd38_status: Status | None = None
    anti_cd38_free_interval_months: Annotated[float, Field(ge=0, le=600)] | None = None
    anti_cd38_retreatment_only_option: bool | None = None
    previously_received: list[str] | None = None
    unavailable: list[str] | None = None


FACT_MODELS: dict[str, type[_Facts]] = {"fig1": Fig1Facts, "fig2": Fig2Facts, "fig3": Fig3Facts}
REGIMEN_LIST_FACTS = ("unavailable", "previously_received", "refractory_to")
