"""Staging calculators: ISS, R-ISS and R2-ISS.

- ``iss``: International Staging System (Greipp et al., J Clin Oncol 2005).
- ``r-iss``: Revised ISS (Palumbo et al., J Clin Oncol 2015).
- ``r2-iss``: Second revision of the ISS (D'Agostino et al., J Clin Oncol 2022), the system
  the EHA–EMN 2025 guideline describes in "Diagnosis and staging".
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import (
    Field,
)

from app.core.calculators.base import CalcResult, Calculator, ExplanationRow, register
from app.core.calculators.fields import (
    GUIDELINE_REF,
    VERSION,
    AlbuminQuantity,
    B2MQuantity,
    Flag,
    QuantityInput,
    b2m_unit_warning,
    fmt,
    near_cutoff,
    present,
    qty,
    show_quantity,
)
from app.core.units import ALBUMIN, B2M, Dimension

GREIPP_2005 = (
    "Greipp PR, San Miguel J, Durie BGM, et al. International staging system for multiple myeloma. "
    "J Clin Oncol. 2005;23(15):3412–3420."
)

PALUMBO_2015 = (
    "Palumbo A, Avet-Loiseau H, Oliva S, et al. Revised International Staging System for multiple "
    "myeloma: a report from International Myeloma Working Group. J Clin Oncol. 2015;33(26):2863–2869. "
    "doi:10.1200/JCO.2015.61.2267."
)

DAGOSTINO_2022 = (
    "D'Agostino M, Cairns DA, Lahuerta JJ, et al. Second Revision of the International Staging System "
    "(R2-ISS) for overall survival in multiple myeloma: a European Myeloma Network (EMN) report within "
    "the HARMONY project. J Clin Oncol. 2022;40(29):3406–3418. doi:10.1200/JCO.21.02614. "
    "Erratum: J Clin Oncol. 2022;40(34):4032."
)


# ---------------------------------------------------------------------------------------------
# ISS
# ---------------------------------------------------------------------------------------------

IssStage = Literal["I", "II", "III"]
ISS_B2M_LOW = 3.5  # mg/L
ISS_B2M_HIGH = 5.5  # mg/L
ISS_ALBUMIN = 3.5  # g/dL

ISS_MEDIAN_OS = {"I": 62, "II": 44, "III": 29}

_B2M_DESC = 'Serum β2-microglobulin with its unit (mg/L, µg/mL or mg/dL), e.g. "3.2 mg/L"'
_ALB_DESC = 'Serum albumin with its unit (g/dL or g/L), e.g. "3.8 g/dL"'


def iss_stage(b2m_mg_l: float, albumin_g_dl: float) -> IssStage:
    """ISS stage (Greipp et al., J Clin Oncol 2005;23:3412–3420).

    Stage I: β2M < 3.5 mg/L and albumin ≥ 3.5 g/dL. Stage III: β2M ≥ 5.5 mg/L. Stage II:
    neither. Boundaries: β2M exactly 3.5 is not stage I; β2M exactly 5.5 is stage III;
    albumin exactly 3.5 counts as ≥ 3.5.
    """
    if b2m_mg_l >= ISS_B2M_HIGH:
        return "III"
    if b2m_mg_l < ISS_B2M_LOW and albumin_g_dl >= ISS_ALBUMIN:
        return "I"
    return "II"


def _iss_rule_text(stage: IssStage) -> str:
    return {
        "I": "stage I: β2M < 3.5 mg/L and albumin ≥ 3.5 g/dL",
        "II": "stage II: neither stage I nor stage III",
        "III": "stage III: β2M ≥ 5.5 mg/L (whatever the albumin)",
    }[stage]


def _iss_warnings(model: QuantityInput, b2m: float, albumin: float) -> list[str]:
    warnings = b2m_unit_warning(model)
    warnings += near_cutoff(
        "β2-microglobulin",
        b2m,
        ISS_B2M_HIGH,
        " mg/L",
        "β2M ≥ 5.5 mg/L includes 5.5, so this is ISS stage III (Greipp 2005). Some secondary sources "
        'print "> 5.5"; the original abstract says ≥ 5.5.',
    )
    if albumin >= ISS_ALBUMIN:
        warnings += near_cutoff(
            "β2-microglobulin",
            b2m,
            ISS_B2M_LOW,
            " mg/L",
            "β2M 3.5 mg/L is not < 3.5, so it is not stage I; it is stage II.",
        )
    if b2m < ISS_B2M_LOW:
        warnings += near_cutoff(
            "Albumin",
            albumin,
            ISS_ALBUMIN,
            " g/dL",
            "albumin ≥ 3.5 g/dL includes 3.5 (35 g/L), so with β2M < 3.5 mg/L this is stage I.",
        )
    return warnings


def _iss_rows(model: QuantityInput, b2m: float, albumin: float) -> list[ExplanationRow]:
    if b2m >= ISS_B2M_HIGH:
        b2m_band = "≥ 5.5 mg/L"
    elif b2m >= ISS_B2M_LOW:
        b2m_band = "3.5 to < 5.5 mg/L"
    else:
        b2m_band = "< 3.5 mg/L"
    alb_band = "≥ 3.5 g/dL" if albumin >= ISS_ALBUMIN else "< 3.5 g/dL"
    return [
        ExplanationRow(
            item="β2-microglobulin", value=f"{show_quantity(model, 'b2m', b2m, 'mg/L')}: {b2m_band}"
        ),
        ExplanationRow(
            item="Albumin", value=f"{show_quantity(model, 'albumin', albumin, 'g/dL')}: {alb_band}"
        ),
    ]


class IssInput(QuantityInput):
    """ISS input: serum β2-microglobulin and serum albumin, each with its unit."""

    quantity_dims: ClassVar[dict[str, Dimension]] = {"b2m": B2M, "albumin": ALBUMIN}

    b2m: B2MQuantity = Field(description=_B2M_DESC)
    albumin: AlbuminQuantity = Field(description=_ALB_DESC)


def compute_iss(inp: IssInput) -> CalcResult:
    """Greipp 2005 ISS; median OS 62 / 44 / 29 months for stages I / II / III."""
    stage = iss_stage(inp.b2m, inp.albumin)
    rows = [
        *_iss_rows(inp, inp.b2m, inp.albumin),
        ExplanationRow(item="Rule applied", value=_iss_rule_text(stage)),
    ]
    return CalcResult(
        calculator="iss",
        result={"stage": stage},
        inputs={"b2m": qty(inp.b2m, "mg/L"), "albumin": qty(inp.albumin, "g/dL")},
        explanation=rows,
        interpretation=(
            f"ISS stage {stage}. Median overall survival in the ISS derivation cohort (Greipp 2005): "
            f"{ISS_MEDIAN_OS[stage]} months (stage I 62, II 44, III 29 months)."
        ),
        warnings=_iss_warnings(inp, inp.b2m, inp.albumin),
        references=[GREIPP_2005],
        calculator_version=VERSION,
    )


# ---------------------------------------------------------------------------------------------
# R-ISS
# ---------------------------------------------------------------------------------------------

R_ISS_OUTCOMES = {
    "I": (82, 55, 28),
    "II": (62, 36, 62),
    "III": (40, 24, 10),
}  # 5-year OS %, 5-year PFS %, share of the 3,060-patient cohort %

LDH_AT_ULN_NOTE = (
    "LDH equal to the upper limit of normal is counted as normal (not above ULN). This is the app's "
    "choice: the paper defines normal as below and high as above the ULN and does not address equality."
)


class RIssInput(QuantityInput):
    """R-ISS input: ISS laboratory values, LDH against the local ULN, and FISH results."""

    quantity_dims: ClassVar[dict[str, Dimension]] = {"b2m": B2M, "albumin": ALBUMIN}

    b2m: B2MQuantity = Field(description=_B2M_DESC)
    albumin: AlbuminQuantity = Field(description=_ALB_DESC)
    ldh_above_uln: Flag = Field(description="Serum LDH above the local upper limit of normal (equal = false)")
    del17p: Flag = Field(description="del(17p) by interphase FISH on CD138-purified plasma cells")
    t_4_14: Flag = Field(description="t(4;14) by interphase FISH")
    t_14_16: Flag = Field(description="t(14;16) by interphase FISH")


def r_iss_stage(iss: IssStage, high_risk_ca: bool, ldh_high: bool) -> IssStage:
    """R-ISS stage (Palumbo et al., J Clin Oncol 2015;33:2863–2869).

    I: ISS I, standard-risk CA and normal LDH. III: ISS III and (high-risk CA [del(17p),
    t(4;14) and/or t(14;16)] or high LDH). II: every other combination, including ISS III
    with standard-risk CA and normal LDH.
    """
    if iss == "I" and not high_risk_ca and not ldh_high:
        return "I"
    if iss == "III" and (high_risk_ca or ldh_high):
        return "III"
    return "II"


def compute_r_iss(inp: RIssInput) -> CalcResult:
    iss = iss_stage(inp.b2m, inp.albumin)
    high_ca = inp.del17p or inp.t_4_14 or inp.t_14_16
    stage = r_iss_stage(iss, high_ca, inp.ldh_above_uln)
    found = [
        n for n, f in (("del(17p)", inp.del17p), ("t(4;14)", inp.t_4_14), ("t(14;16)", inp.t_14_16)) if f
    ]
    rows = [
        *_iss_rows(inp, inp.b2m, inp.albumin),
        ExplanationRow(item="ISS stage", value=iss),
        ExplanationRow(
            item="LDH", value="above ULN (high)" if inp.ldh_above_uln else "not above ULN (normal)"
        ),
        ExplanationRow(item="del(17p)", value=present(inp.del17p)),
        ExplanationRow(item="t(4;14)", value=present(inp.t_4_14)),
        ExplanationRow(item="t(14;16)", value=present(inp.t_14_16)),
        ExplanationRow(
            item="Chromosomal abnormality risk",
            value=f"high risk ({', '.join(found)})" if found else "standard risk (none of the three)",
        ),
    ]
    if stage == "I":
        rule = "R-ISS I: ISS I, standard-risk CA and normal LDH"
    elif stage == "III":
        rule = "R-ISS III: ISS III with high-risk CA and/or high LDH"
    elif iss == "III":
        rule = "R-ISS II: ISS III but standard-risk CA and normal LDH"
    else:
        rule = "R-ISS II: not R-ISS I and not R-ISS III"
    rows.append(ExplanationRow(item="Rule applied", value=rule))
    os5, pfs5, share = R_ISS_OUTCOMES[stage]
    warnings = _iss_warnings(inp, inp.b2m, inp.albumin)
    if not inp.ldh_above_uln:
        warnings.append(LDH_AT_ULN_NOTE)
    warnings.append(
        "FISH positivity cut-offs are those of the local laboratory; the cut-offs used in the R-ISS paper "
        "were not retrieved (check the original paper)."
    )
    return CalcResult(
        calculator="r-iss",
        result={"stage": stage, "iss_stage": iss, "high_risk_ca": high_ca},
        inputs={
            "b2m": qty(inp.b2m, "mg/L"),
            "albumin": qty(inp.albumin, "g/dL"),
            "ldh_above_uln": inp.ldh_above_uln,
            "del17p": inp.del17p,
            "t_4_14": inp.t_4_14,
            "t_14_16": inp.t_14_16,
        },
        explanation=rows,
        interpretation=(
            f"R-ISS stage {stage}. In the R-ISS cohort (3,060 patients, median follow-up 46 months; "
            f"Palumbo 2015): 5-year overall survival {os5}% and 5-year progression-free survival {pfs5}% "
            f"({share}% of patients were R-ISS {stage}). For comparison: 5-year OS 82 / 62 / 40% and "
            "5-year PFS 55 / 36 / 24% for R-ISS I / II / III."
        ),
        warnings=warnings,
        references=[PALUMBO_2015, GREIPP_2005],
        calculator_version=VERSION,
    )


# ---------------------------------------------------------------------------------------------
# R2-ISS
# ---------------------------------------------------------------------------------------------

R2Group = Literal["low", "low-intermediate", "intermediate-high", "high"]

#: R2-ISS weights in half-points (integer arithmetic: 3 = 1.5 points).
R2_HALF_POINTS = {"iss_ii": 2, "iss_iii": 3, "del17p": 2, "ldh": 2, "t_4_14": 2, "gain_1q": 1}

R2_OUTCOMES: dict[str, tuple[str, str, str, str]] = {
    # roman numeral, median OS, median PFS (UNCONFIRMED), share of training set
    "low": ("I", "not reached", "68 months", "19.2%"),
    "low-intermediate": ("II", "109.2 months", "45.5 months", "30.8%"),
    "intermediate-high": ("III", "68.5 months", "30.2 months", "41.2%"),
    "high": ("IV", "37.9 months", "19.9 months", "8.8%"),
}


def r2_iss_group(half_points: int) -> R2Group:
    """R2-ISS group from the total in half-points (D'Agostino et al., J Clin Oncol 2022).

    low 0; low-intermediate 0.5–1; intermediate-high 1.5–2.5; high 3–5 points.
    """
    if half_points == 0:
        return "low"
    if half_points <= 2:
        return "low-intermediate"
    if half_points <= 5:
        return "intermediate-high"
    return "high"


class R2IssInput(QuantityInput):
    """R2-ISS input: ISS laboratory values, LDH against the local ULN, and FISH results."""

    quantity_dims: ClassVar[dict[str, Dimension]] = {"b2m": B2M, "albumin": ALBUMIN}

    b2m: B2MQuantity = Field(description=_B2M_DESC)
    albumin: AlbuminQuantity = Field(description=_ALB_DESC)
    ldh_above_uln: Flag = Field(description="Serum LDH above the local upper limit of normal (equal = false)")
    del17p: Flag = Field(description="del(17p) by FISH")
    t_4_14: Flag = Field(description="t(4;14) by FISH")
    gain_1q: Flag = Field(description="1q+ by FISH: gain (3 copies) or amplification (≥ 4 copies) of 1q")


def compute_r2_iss(inp: R2IssInput) -> CalcResult:
    """R2-ISS additive score: ISS II 1, ISS III 1.5, del(17p) 1, high LDH 1, t(4;14) 1, 1q+ 0.5."""
    iss = iss_stage(inp.b2m, inp.albumin)
    iss_half = {"I": 0, "II": R2_HALF_POINTS["iss_ii"], "III": R2_HALF_POINTS["iss_iii"]}[iss]
    parts: list[tuple[str, str, int]] = [
        ("ISS stage", iss, iss_half),
        ("del(17p)", present(inp.del17p), R2_HALF_POINTS["del17p"] if inp.del17p else 0),
        (
            "LDH",
            "above ULN (high)" if inp.ldh_above_uln else "not above ULN (normal)",
            R2_HALF_POINTS["ldh"] if inp.ldh_above_uln else 0,
        ),
        ("t(4;14)", present(inp.t_4_14), R2_HALF_POINTS["t_4_14"] if inp.t_4_14 else 0),
        (
            "1q+ (gain or amplification)",
            present(inp.gain_1q),
            R2_HALF_POINTS["gain_1q"] if inp.gain_1q else 0,
        ),
    ]
    half_total = sum(p for _, _, p in parts)
    points = half_total / 2
    group = r2_iss_group(half_total)
    roman, med_os, med_pfs, share = R2_OUTCOMES[group]
    rows = [*_iss_rows(inp, inp.b2m, inp.albumin)]
    rows += [ExplanationRow(item=item, value=value, points=half / 2) for item, value, half in parts]
    warnings = _iss_warnings(inp, inp.b2m, inp.albumin)
    if not inp.ldh_above_uln:
        warnings.append(LDH_AT_ULN_NOTE)
    warnings.append(
        "The R2-ISS median PFS figures (68 / 45.5 / 30.2 / 19.9 months) are those printed in the EHA–EMN "
        "guideline; they could not be checked against the original paper (UNCONFIRMED)."
    )
    return CalcResult(
        calculator="r2-iss",
        result={"points": points, "group": group, "stage": roman, "iss_stage": iss},
        inputs={
            "b2m": qty(inp.b2m, "mg/L"),
            "albumin": qty(inp.albumin, "g/dL"),
            "ldh_above_uln": inp.ldh_above_uln,
            "del17p": inp.del17p,
            "t_4_14": inp.t_4_14,
            "gain_1q": inp.gain_1q,
        },
        explanation=rows,
        interpretation=(
            f"R2-ISS {roman} ({group}): {fmt(points)} points (0 low; 0.5–1 low-intermediate; 1.5–2.5 "
            f"intermediate-high; 3–5 high). In the R2-ISS training set ({share} of patients in this group): "
            f"median overall survival {med_os}; median progression-free survival {med_pfs} "
            "(PFS figure as printed in the guideline, UNCONFIRMED against the original paper)."
        ),
        warnings=warnings,
        references=[DAGOSTINO_2022, GREIPP_2005, GUIDELINE_REF],
        calculator_version=VERSION,
    )


register(
    Calculator(
        "iss",
        "International Staging System (ISS)",
        GREIPP_2005,
        IssInput,
        compute_iss,
        keywords=("ISS", "staging", "stage", "β2-microglobulin", "beta-2 microglobulin", "albumin"),
    )
)
register(
    Calculator(
        "r-iss",
        "Revised International Staging System (R-ISS)",
        PALUMBO_2015,
        RIssInput,
        compute_r_iss,
        keywords=("R-ISS", "RISS", "revised ISS", "staging", "stage", "LDH", "cytogenetics"),
    )
)
register(
    Calculator(
        "r2-iss",
        "Second revision of the International Staging System (R2-ISS)",
        DAGOSTINO_2022,
        R2IssInput,
        compute_r2_iss,
        keywords=("R2-ISS", "R2ISS", "second revision ISS", "staging", "stage", "1q gain", "LDH"),
    )
)
