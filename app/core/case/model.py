"""The case input (contract case.md §2): one patient, entered once.

Unknown keys are refused at every level, so identifiers cannot be slipped in; there are no
identifier fields (no name, birth date, record number or free text) and age is in years.
Quantities are validated as in the calculators (app/core/units.py) but kept as entered, so each
calculator shows the unit the clinician typed. Dates may be partial (``YYYY``, ``YYYY-MM``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictBool,
    WithJsonSchema,
    field_validator,
)

from app.core.calculators.fields import AgeYears, FlcRatio, Percent, reject_bool
from app.core.calculators.frailty import AdlTotal, CciItems, CciTotal, Ecog, IadlTotal, KatzItems, LawtonItems
from app.core.case.dates import PARTIAL_DATE_PATTERN, parse_partial_date
from app.core.case.errors import CaseInputError
from app.core.strict import StrictInput
from app.core.units import (
    ALBUMIN,
    B2M,
    CREATININE,
    HEIGHT,
    M_PROTEIN,
    WEIGHT,
    Dimension,
    parse_quantity,
    quantity_schema,
)

Role = Literal[
    "induction", "consolidation", "maintenance", "continuous", "fixed_duration", "salvage", "bridging",
    "asct", "allo_sct", "car_t", "other",
]
StartedBecause = Literal[
    "planned", "progression", "toxicity", "inadequate_response", "patient_choice", "other", "unknown"
]
StopReason = Literal["ongoing", "completed", "progression", "toxicity", "patient_choice", "other", "unknown"]
Response = Literal["sCR", "CR", "VGPR", "PR", "MR", "SD", "PD"]
Timing = Literal["on_treatment", "within_60_days", "after_60_days"]
SCT_ROLES = ("asct", "allo_sct")


def _quantity(dim: Dimension) -> Any:
    """A quantity checked like the calculators' (unit required, plausible range) and kept as typed."""

    def check(raw: object) -> object:
        parse_quantity(dim, raw)
        return raw

    return Annotated[str | dict[str, Any], BeforeValidator(check), WithJsonSchema(quantity_schema(dim))]


def _partial_date(text: str) -> str:
    parse_partial_date(text)
    return text


def _full_date(text: str) -> str:
    if not parse_partial_date(text).exact:
        raise ValueError(f"{text!r}: give the full date YYYY-MM-DD")
    return text


def _positive_months(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise ValueError("must be a number of months greater than 0")
    return value


if TYPE_CHECKING:
    QB2M = str | dict[str, Any]
    QAlbumin = str | dict[str, Any]
    QCreatinine = str | dict[str, Any]
    QWeight = str | dict[str, Any]
    QHeight = str | dict[str, Any]
    QMProtein = str | dict[str, Any]
    PartialDate = str
    FullDate = str
    Months = float
    Count = int
else:
    QB2M = _quantity(B2M)
    QAlbumin = _quantity(ALBUMIN)
    QCreatinine = _quantity(CREATININE)
    QWeight = _quantity(WEIGHT)
    QHeight = _quantity(HEIGHT)
    QMProtein = _quantity(M_PROTEIN)
    PartialDate = Annotated[
        str,
        AfterValidator(_partial_date),
        WithJsonSchema(
            {"type": "string", "pattern": PARTIAL_DATE_PATTERN, "examples": ["2024-03-07", "2024-03", "2024"]}
        ),
    ]
    FullDate = Annotated[
        str, AfterValidator(_full_date), WithJsonSchema({"type": "string", "format": "date"})
    ]
    Months = Annotated[float, BeforeValidator(reject_bool), Field(le=600), AfterValidator(_positive_months)]
    Count = Annotated[int, BeforeValidator(reject_bool), Field(ge=0, le=500)]


class _Strict(StrictInput):
    """Case input: unknown keys refused, values frozen, NaN and infinity refused."""


class Frailty(_Strict):
    """The shapes of ``imwg-frailty``: each sub-scale as its total or as its items."""

    cci: CciTotal | None = None
    cci_items: CciItems | None = None
    adl: AdlTotal | None = None
    adl_items: KatzItems | None = None
    iadl: IadlTotal | None = None
    iadl_items: LawtonItems | None = None


class Patient(_Strict):
    age: AgeYears = Field(description="age in completed years at assessment_date (18–120); required")
    sex: Literal["female", "male"] | None = None
    weight: QWeight | None = None
    height: QHeight | None = None
    ecog: Ecog | None = None
    bsa_method: Literal["mosteller", "dubois"] | None = None
    asct_eligible: StrictBool | None = Field(default=None, description="clinician's judgement, never derived")
    car_t_eligible: StrictBool | None = Field(default=None, description="clinician's judgement, never derived")
    frailty: Frailty | None = None


class LabsAtDiagnosis(_Strict):
    b2m: QB2M | None = None
    albumin: QAlbumin | None = None
    creatinine: QCreatinine | None = None
    ldh_above_uln: StrictBool | None = None


class LabsCurrent(_Strict):
    creatinine: QCreatinine | None = None


class Cytogenetics(_Strict):
    """null or absent = not tested."""

    del17p: StrictBool | None = Field(default=None, description="del(17p) FISH positive by the lab's cut-off")
    del17p_ccf_pct: Percent | None = None
    tp53_mutation: StrictBool | None = None
    t_4_14: StrictBool | None = None
    t_14_16: StrictBool | None = None
    t_14_20: StrictBool | None = None
    gain_1q: StrictBool | None = None
    del1p32: Literal["none", "monoallelic", "biallelic"] | None = None


class Smm(_Strict):
    m_protein: QMProtein | None = None
    flc_ratio: FlcRatio | None = None
    bmpc_pct: Percent | None = None
    fish_abnormality: StrictBool | None = None


class ProgressionInput(_Strict):
    """The first progression after the episode started (before the next one started)."""

    date: PartialDate | None = Field(default=None, description="null = at an unknown date")
    timing: Timing | None = Field(default=None, description="relation to the episode's last dose")


class Episode(_Strict):
    """One continuous stretch of one regimen (a change of drugs is a new episode; dose changes are not)."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")] | None = None
    regimen: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    drugs: list[Annotated[str, Field(min_length=1, max_length=60)]] | None = Field(default=None, min_length=1)
    role: Role | None = None
    tandem: StrictBool | None = None
    started_because: StartedBecause = "unknown"
    start: PartialDate | None = None
    end: PartialDate | None = Field(default=None, description="date of the last dose (asct/car_t: infusion day)")
    duration_months: Months | None = None
    cycles: Count | None = None
    stop_reason: StopReason | None = None
    best_response: Response | None = None
    progression: ProgressionInput | Literal["none"] | None = None
    new_line: StrictBool | None = None

    @field_validator("progression", mode="before")
    @classmethod
    def _none_or_object(cls, value: object) -> object:
        if isinstance(value, str) and value != "none":
            raise ValueError('give "none" or an object {"date": YYYY-MM-DD | null, "timing": ...}')
        return value


class Context(_Strict):
    unavailable: list[Annotated[str, Field(min_length=1, max_length=60)]] | None = None
    local_available: list[Annotated[str, Field(min_length=1, max_length=60)]] | None = Field(
        default=None,
        description="regimens (or drugs, brands, classes) to offer for this patient although the installed local "
        "layer lists them as not on the local formulary; names as for unavailable",
    )
    limited_access_to_novel_regimens: StrictBool | None = None
    first_option_available: StrictBool | None = None
    anti_cd38_retreatment_only_option: StrictBool | None = None


class CaseInput(_Strict):
    case_version: Literal[1] = 1
    assessment_date: FullDate | None = Field(default=None, description="absent → today's date (a warning says so)")
    diagnosis: Literal["mm", "smm"] = "mm"
    patient: Patient
    labs_at_diagnosis: LabsAtDiagnosis = LabsAtDiagnosis()
    labs_current: LabsCurrent = LabsCurrent()
    cytogenetics: Cytogenetics = Cytogenetics()
    smm: Smm | None = None
    treatment_history: list[Episode] = Field(default_factory=list)
    context: Context = Context()


def check_case(case: CaseInput) -> None:
    """Combinations the field types cannot refuse alone; raises :class:`CaseInputError`."""
    cyto = case.cytogenetics
    if cyto.del17p is False and cyto.del17p_ccf_pct not in (None, 0):
        raise CaseInputError(
            "cytogenetics.del17p_ccf_pct",
            "cytogenetics.del17p_ccf_pct: a clonal fraction above 0 contradicts del17p = false; give 0, null, "
            "or correct del17p",
        )
    if cyto.del17p is True and cyto.del17p_ccf_pct == 0:
        raise CaseInputError(
            "cytogenetics.del17p_ccf_pct",
            "cytogenetics.del17p_ccf_pct: 0 contradicts del17p = true; give the clonal fraction or null",
        )
    if case.smm is not None and case.diagnosis != "smm":
        raise CaseInputError("smm", "smm: the SMM inputs are accepted only with diagnosis: smm", "invalid_input")
    frailty = case.patient.frailty
    if frailty is not None:
        for total in ("cci", "adl", "iadl"):
            if getattr(frailty, total) is not None and getattr(frailty, f"{total}_items") is not None:
                raise CaseInputError(
                    f"patient.frailty.{total}_items",
                    f"patient.frailty: give {total} or {total}_items, not both",
                )
    for i, ep in enumerate(case.treatment_history):
        path = f"treatment_history.{i}"
        if ep.regimen is None and ep.drugs is None and ep.role not in SCT_ROLES:
            raise CaseInputError(
                f"{path}.regimen",
                f"{path}: give regimen (a guideline abbreviation such as VRd, DaraRd, cilta-cel) and/or drugs "
                "(glossary names such as lenalidomide, Darzalex); only an asct or allo_sct may have neither",
                "missing_field",
            )
        if ep.tandem is not None and ep.role != "asct":
            raise CaseInputError(f"{path}.tandem", f"{path}.tandem: only an episode with role asct can be a tandem")
        if ep.stop_reason == "ongoing":
            if i != len(case.treatment_history) - 1:
                raise CaseInputError(
                    f"{path}.stop_reason",
                    f"{path}.stop_reason: 'ongoing' is accepted only on the last episode",
                    "ongoing_not_last",
                )
            if ep.end is not None:
                raise CaseInputError(
                    f"{path}.end", f"{path}.end: an ongoing episode has no end (the last dose is still to come)"
                )
