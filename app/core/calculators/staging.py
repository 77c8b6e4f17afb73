"""Staging calculators: ISS, R-ISS and R2-ISS.

- ``iss``: International Staging System (Greipp et al., J Clin Oncol 2005).
- ``r-iss``: Revised ISS (Palumbo et al., J Clin Oncol 2015).
- ``r2-iss``: Second revision of the ISS (D'Agostino et al., J Clin Oncol 2022), the system
  the EHA–EMN 2025 guideline describes in "Diagnosis and staging".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal

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
    qty,
    show_quantity,
)
from app.core.calculators.labels import labels
from app.core.calculators.untested import explore, or_join, tests_needed, tests_text
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

STAGE_ORDER: tuple[IssStage, ...] = ("I", "II", "III")

LDH_AT_ULN_NOTE = (
    "LDH equal to the upper limit of normal is counted as normal (not above ULN). This is the app's "
    "choice: the paper defines normal as below and high as above the ULN and does not address equality."
)

_NULL_FISH = "; null = not tested"
_LDH_DESC = (
    "Serum LDH above the local upper limit of normal (equal = false); null = not measured. Required: give "
    "true, false or null"
)


class RIssInput(QuantityInput):
    """R-ISS input: ISS laboratory values, LDH against the local ULN, and FISH results.

    LDH and each FISH marker must be given, as true, false or null (not tested).
    """

    quantity_dims: ClassVar[dict[str, Dimension]] = {"b2m": B2M, "albumin": ALBUMIN}

    b2m: B2MQuantity = Field(description=_B2M_DESC)
    albumin: AlbuminQuantity = Field(description=_ALB_DESC)
    ldh_above_uln: Flag | None = Field(description=_LDH_DESC)
    del17p: Flag | None = Field(
        description="del(17p) by interphase FISH on CD138-purified plasma cells" + _NULL_FISH
    )
    t_4_14: Flag | None = Field(description="t(4;14) by interphase FISH" + _NULL_FISH)
    t_14_16: Flag | None = Field(description="t(14;16) by interphase FISH" + _NULL_FISH)


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


def _flag_text(value: bool | None, yes: str = "present", no: str = "absent") -> str:
    return NOT_TESTED_TEXT if value is None else (yes if value else no)


NOT_TESTED_TEXT = "not tested"


def _ldh_text(value: bool | None) -> str:
    if value is None:
        return "not measured"
    return "above ULN (high)" if value else "not above ULN (normal)"


def _ordered(values: Iterable[str], order: Sequence[str]) -> list[str]:
    return sorted(set(values), key=order.index)


def compute_r_iss(inp: RIssInput) -> CalcResult:
    """R-ISS with untested markers: decided when every completion gives one stage."""
    iss = iss_stage(inp.b2m, inp.albumin)
    markers: dict[str, bool | None] = {
        "ldh_above_uln": inp.ldh_above_uln,
        "del17p": inp.del17p,
        "t_4_14": inp.t_4_14,
        "t_14_16": inp.t_14_16,
    }

    def stage_of(v: Mapping[str, bool]) -> IssStage:
        return r_iss_stage(iss, v["del17p"] or v["t_4_14"] or v["t_14_16"], v["ldh_above_uln"])

    found = explore(markers, stage_of)
    possible = _ordered(found.outcomes, STAGE_ORDER)
    stage: IssStage | None = found.outcomes[0] if found.decided else None
    fish = (("del(17p)", inp.del17p), ("t(4;14)", inp.t_4_14), ("t(14;16)", inp.t_14_16))
    high_ca: bool | None = None
    if any(f is True for _, f in fish):
        high_ca = True
    elif all(f is False for _, f in fish):
        high_ca = False
    named = [n for n, f in fish if f]
    if high_ca is None:
        ca_text = "not decided: " + ", ".join(f"{n} {_flag_text(f)}" for n, f in fish)
    elif high_ca:
        ca_text = f"high risk ({', '.join(named)})"
    else:
        ca_text = "standard risk (none of the three)"
    rows = [
        *_iss_rows(inp, inp.b2m, inp.albumin),
        ExplanationRow(item="ISS stage", value=iss),
        ExplanationRow(item="LDH", value=_ldh_text(inp.ldh_above_uln)),
        ExplanationRow(item="del(17p)", value=_flag_text(inp.del17p)),
        ExplanationRow(item="t(4;14)", value=_flag_text(inp.t_4_14)),
        ExplanationRow(item="t(14;16)", value=_flag_text(inp.t_14_16)),
        ExplanationRow(item="Chromosomal abnormality risk", value=ca_text),
    ]
    tests = tests_needed(found.relevant)
    if stage == "I":
        rule = "R-ISS I: ISS I, standard-risk CA and normal LDH"
    elif stage == "III":
        rule = "R-ISS III: ISS III with high-risk CA and/or high LDH"
    elif stage == "II" and iss == "III":
        rule = "R-ISS II: ISS III but standard-risk CA and normal LDH"
    elif stage == "II":
        rule = "R-ISS II: not R-ISS I and not R-ISS III"
    else:
        rule = (
            f"not decided: R-ISS {or_join(possible)} depending on {tests_text(found.relevant)} "
            "(R-ISS I needs ISS I, normal LDH and none of del(17p), t(4;14), t(14;16); R-ISS III needs ISS III "
            "with high LDH or one of them)"
        )
    rows.append(ExplanationRow(item="Rule applied", value=rule))
    warnings = _iss_warnings(inp, inp.b2m, inp.albumin)
    if inp.ldh_above_uln is False:
        warnings.append(LDH_AT_ULN_NOTE)
    warnings.append(
        "FISH positivity cut-offs are those of the local laboratory; the cut-offs used in the R-ISS paper "
        "were not retrieved (check the original paper)."
    )
    untested_labels = [_MARKER_NAMES[m] for m in found.untested]
    if stage is not None:
        os5, pfs5, share = R_ISS_OUTCOMES[stage]
        interpretation = (
            f"R-ISS stage {stage}. In the R-ISS cohort (3,060 patients, median follow-up 46 months; "
            f"Palumbo 2015): 5-year overall survival {os5}% and 5-year progression-free survival {pfs5}% "
            f"({share}% of patients were R-ISS {stage}). For comparison: 5-year OS 82 / 62 / 40% and "
            "5-year PFS 55 / 36 / 24% for R-ISS I / II / III."
        )
        if found.untested:
            interpretation += (
                f" Not tested, but could not change this stage: {', '.join(untested_labels)}."
            )
    else:
        best, worst = possible[0], possible[-1]
        interpretation = (
            f"R-ISS stage not decided: R-ISS {or_join(possible)}, depending on {tests_text(found.relevant)} "
            f"(not done). Best case R-ISS {best} (5-year OS {R_ISS_OUTCOMES[best][0]}%, PFS "
            f"{R_ISS_OUTCOMES[best][1]}%), worst case R-ISS {worst} (5-year OS {R_ISS_OUTCOMES[worst][0]}%, PFS "
            f"{R_ISS_OUTCOMES[worst][1]}%; Palumbo 2015)."
        )
        warnings.append(
            f"R-ISS cannot be decided without {tests_text(found.relevant)}: possible stages "
            f"{', '.join(possible)}. The stage is left empty rather than guessed."
        )
    result: dict[str, Any] = {
        "stage": stage,
        "iss_stage": iss,
        "high_risk_ca": high_ca,
        "possible_stages": possible,
        "best_case": possible[0],
        "worst_case": possible[-1],
        "untested_markers": list(found.untested),
        "untested_markers_that_could_change_the_answer": list(found.relevant),
        "tests_needed": tests,
    }
    return CalcResult(
        calculator="r-iss",
        result=result,
        inputs={
            "b2m": qty(inp.b2m, "mg/L"),
            "albumin": qty(inp.albumin, "g/dL"),
            "ldh_above_uln": inp.ldh_above_uln,
            "del17p": inp.del17p,
            "t_4_14": inp.t_4_14,
            "t_14_16": inp.t_14_16,
        },
        explanation=rows,
        interpretation=interpretation,
        warnings=warnings,
        references=[PALUMBO_2015, GREIPP_2005],
        calculator_version=VERSION,
    )


_MARKER_NAMES = {
    "ldh_above_uln": "LDH",
    "del17p": "del(17p)",
    "t_4_14": "t(4;14)",
    "t_14_16": "t(14;16)",
    "gain_1q": "1q+",
}


def r_iss_headline(r: Mapping[str, Any]) -> str:
    if r["stage"] is not None:
        return f"R-ISS stage {r['stage']}"
    tests = " and ".join(r.get("tests_needed") or [])
    return f"R-ISS stage {or_join(r['possible_stages'])}: not decided without {tests}"


# ---------------------------------------------------------------------------------------------
# R2-ISS
# ---------------------------------------------------------------------------------------------

R2Group = Literal["low", "low-intermediate", "intermediate-high", "high"]
R2_GROUP_ORDER: tuple[R2Group, ...] = ("low", "low-intermediate", "intermediate-high", "high")

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
    """R2-ISS input: ISS laboratory values, LDH against the local ULN, and FISH results.

    LDH and each FISH marker must be given, as true, false or null (not tested).
    """

    quantity_dims: ClassVar[dict[str, Dimension]] = {"b2m": B2M, "albumin": ALBUMIN}

    b2m: B2MQuantity = Field(description=_B2M_DESC)
    albumin: AlbuminQuantity = Field(description=_ALB_DESC)
    ldh_above_uln: Flag | None = Field(description=_LDH_DESC)
    del17p: Flag | None = Field(description="del(17p) by FISH" + _NULL_FISH)
    t_4_14: Flag | None = Field(description="t(4;14) by FISH" + _NULL_FISH)
    gain_1q: Flag | None = Field(
        description="1q+ by FISH: gain (3 copies) or amplification (≥ 4 copies) of 1q" + _NULL_FISH
    )


_R2_FACTORS: tuple[tuple[str, str, str], ...] = (
    # input field, explanation label, half-points key
    ("del17p", "del(17p)", "del17p"),
    ("ldh_above_uln", "LDH", "ldh"),
    ("t_4_14", "t(4;14)", "t_4_14"),
    ("gain_1q", "1q+ (gain or amplification)", "gain_1q"),
)


def _fmt_points(half_min: int, half_max: int) -> str:
    return fmt(half_min / 2) if half_min == half_max else f"{fmt(half_min / 2)}–{fmt(half_max / 2)}"


def compute_r2_iss(inp: R2IssInput) -> CalcResult:
    """R2-ISS additive score: ISS II 1, ISS III 1.5, del(17p) 1, high LDH 1, t(4;14) 1, 1q+ 0.5."""
    iss = iss_stage(inp.b2m, inp.albumin)
    iss_half = {"I": 0, "II": R2_HALF_POINTS["iss_ii"], "III": R2_HALF_POINTS["iss_iii"]}[iss]
    markers: dict[str, bool | None] = {name: getattr(inp, name) for name, _, _ in _R2_FACTORS}

    def half_points(v: Mapping[str, bool]) -> int:
        return iss_half + sum(R2_HALF_POINTS[key] for name, _, key in _R2_FACTORS if v[name])

    by_points = explore(markers, half_points)
    by_group = explore(markers, lambda v: r2_iss_group(half_points(v)))
    half_min, half_max = min(by_points.outcomes), max(by_points.outcomes)
    possible: list[str] = _ordered(by_group.outcomes, R2_GROUP_ORDER)
    group = possible[0] if by_group.decided else None
    points = half_min / 2 if half_min == half_max else None

    rows = [*_iss_rows(inp, inp.b2m, inp.albumin), ExplanationRow(item="ISS stage", value=iss, points=iss_half / 2)]
    for name, label, key in _R2_FACTORS:
        value = markers[name]
        weight = R2_HALF_POINTS[key] / 2
        text = _ldh_text(value) if name == "ldh_above_uln" else _flag_text(value)
        if value is None:
            unit = "point" if weight == 1 else "points"
            rows.append(ExplanationRow(item=label, value=f"{text}: 0 or {fmt(weight)} {unit}", points=None))
        else:
            rows.append(ExplanationRow(item=label, value=text, points=weight if value else 0))
    rows.append(ExplanationRow(item="Total", value=f"{_fmt_points(half_min, half_max)} points"))
    warnings = _iss_warnings(inp, inp.b2m, inp.albumin)
    if inp.ldh_above_uln is False:
        warnings.append(LDH_AT_ULN_NOTE)
    warnings.append(
        "The R2-ISS median PFS figures (68 / 45.5 / 30.2 / 19.9 months) are those printed in the EHA–EMN "
        "guideline; they could not be checked against the original paper (UNCONFIRMED)."
    )
    tests = tests_needed(by_group.relevant)
    points_text = _fmt_points(half_min, half_max)
    if group is not None:
        roman, med_os, med_pfs, share = R2_OUTCOMES[group]
        interpretation = (
            f"R2-ISS {roman} ({group}): {points_text} points (0 low; 0.5–1 low-intermediate; 1.5–2.5 "
            f"intermediate-high; 3–5 high). In the R2-ISS training set ({share} of patients in this group): "
            f"median overall survival {med_os}; median progression-free survival {med_pfs} "
            "(PFS figure as printed in the guideline, UNCONFIRMED against the original paper)."
        )
        if by_points.untested:
            interpretation += (
                " Not tested, but could not change the group: "
                f"{', '.join(_MARKER_NAMES[m] for m in by_points.untested)}"
                + (" (the points are a range)." if points is None else ".")
            )
    else:
        best, worst = possible[0], possible[-1]
        interpretation = (
            f"R2-ISS not decided: {points_text} points, R2-ISS "
            f"{or_join([f'{R2_OUTCOMES[g][0]} ({g})' for g in possible])}, depending on "
            f"{tests_text(by_group.relevant)} (not done). Best case R2-ISS {R2_OUTCOMES[best][0]} (median OS "
            f"{R2_OUTCOMES[best][1]}), worst case R2-ISS {R2_OUTCOMES[worst][0]} (median OS "
            f"{R2_OUTCOMES[worst][1]}; D'Agostino 2022)."
        )
        warnings.append(
            f"R2-ISS cannot be decided without {tests_text(by_group.relevant)}: possible groups "
            f"{', '.join(possible)}. The group is left empty rather than guessed."
        )
    result: dict[str, Any] = {
        "points": points,
        "points_min": half_min / 2,
        "points_max": half_max / 2,
        "group": group,
        "stage": None if group is None else R2_OUTCOMES[group][0],
        "iss_stage": iss,
        "possible_groups": possible,
        "possible_stages": [R2_OUTCOMES[g][0] for g in possible],
        "best_case": possible[0],
        "worst_case": possible[-1],
        "untested_markers": list(by_points.untested),
        "untested_markers_that_could_change_the_answer": list(by_group.relevant),
        "tests_needed": tests,
    }
    return CalcResult(
        calculator="r2-iss",
        result=result,
        inputs={
            "b2m": qty(inp.b2m, "mg/L"),
            "albumin": qty(inp.albumin, "g/dL"),
            "ldh_above_uln": inp.ldh_above_uln,
            "del17p": inp.del17p,
            "t_4_14": inp.t_4_14,
            "gain_1q": inp.gain_1q,
        },
        explanation=rows,
        interpretation=interpretation,
        warnings=warnings,
        references=[DAGOSTINO_2022, GREIPP_2005, GUIDELINE_REF],
        calculator_version=VERSION,
    )


def r2_iss_headline(r: Mapping[str, Any]) -> str:
    points = (
        fmt(r["points"]) if r.get("points") is not None else f"{fmt(r['points_min'])}–{fmt(r['points_max'])}"
    )
    if r["group"] is not None:
        return f"R2-ISS {r['stage']} ({r['group']} risk), {points} points"
    tests = " and ".join(r.get("tests_needed") or [])
    return (
        f"R2-ISS {or_join(r['possible_stages'])} ({or_join(r['possible_groups'])} risk), {points} points: "
        f"not decided without {tests}"
    )


def iss_headline(r: Mapping[str, Any]) -> str:
    return f"ISS stage {r['stage']}"


register(
    Calculator(
        "iss",
        "International Staging System (ISS)",
        GREIPP_2005,
        IssInput,
        compute_iss,
        keywords=("ISS", "staging", "stage", "β2-microglobulin", "beta-2 microglobulin", "albumin"),
        headline=iss_headline,
        group="Staging and risk",
        order=1,
        scored=True,
        field_labels=labels("b2m", "albumin"),
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
        headline=r_iss_headline,
        group="Staging and risk",
        order=2,
        scored=True,
        field_labels=labels("b2m", "albumin", "ldh_above_uln", "del17p", "t_4_14", "t_14_16"),
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
        headline=r2_iss_headline,
        group="Staging and risk",
        order=3,
        scored=True,
        field_labels=labels("b2m", "albumin", "ldh_above_uln", "del17p", "t_4_14", "gain_1q"),
    )
)
