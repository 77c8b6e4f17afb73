"""Smouldering myeloma risk of progression (Mateos et al., Blood Cancer J 2020;10:102).

- ``smm-2-20-20``: the IMWG "2/20/20" model (the guideline's "20-2-20" three-factor model),
  with the optional four-factor variant that adds a FISH abnormality.
- ``smm-imwg-score``: the IMWG 2020 weighted risk-scoring tool.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import Field

from app.core.calculators.base import CalcResult, Calculator, ExplanationRow, register
from app.core.calculators.fields import (
    GUIDELINE_REF,
    VERSION,
    Flag,
    FlcRatio,
    MProteinQuantity,
    Percent,
    QuantityInput,
    fmt,
    near_cutoff,
    qty,
    show_quantity,
)
from app.core.calculators.labels import labels
from app.core.calculators.untested import explore, or_join, tests_needed, tests_text
from app.core.units import M_PROTEIN, Dimension

MATEOS_2020 = (
    "Mateos MV, Kumar S, Dimopoulos MA, et al. International Myeloma Working Group risk stratification "
    "model for smoldering multiple myeloma (SMM). Blood Cancer J. 2020;10(10):102. "
    "doi:10.1038/s41408-020-00366-3."
)
RAJKUMAR_2014 = (
    "Rajkumar SV, Dimopoulos MA, Palumbo A, et al. International Myeloma Working Group updated criteria "
    "for the diagnosis of multiple myeloma. Lancet Oncol. 2014;15(12):e538–e548."
)

FISH_DESC = (
    "FISH abnormality present: t(4;14), t(14;16), +1q and/or del(13q) (monosomy 13 is detected as del(13q))"
)
FISH_LIST_NOTE = (
    "FISH abnormality = t(4;14), t(14;16), +1q and/or del(13q), as listed in the Mateos 2020 abstract. "
    "Whether the paper names monosomy 13 explicitly is UNCONFIRMED (monosomy 13 is detected as del(13q))."
)

_M_DESC = 'Serum M-protein with its unit (g/dL or g/L), e.g. "2.1 g/dL"'
_FLC_DESC = (
    "Serum free light chain ratio involved/uninvolved (κ/λ for κ disease, λ/κ for λ disease); always ≥ 1"
)
_BMPC_DESC = "Bone marrow clonal plasma cells, % (0–100)"


def _smm_diagnosis_warnings(m_protein: float, flc_ratio: float, bmpc: float) -> list[str]:
    """Sanity checks against the IMWG 2014 definitions of SMM and of myeloma-defining events."""
    warnings: list[str] = []
    if bmpc >= 60:
        warnings.append(
            "Clonal bone marrow plasma cells ≥ 60% is a myeloma-defining event (IMWG 2014): this is active "
            "multiple myeloma, not smouldering myeloma; the SMM risk models do not apply."
        )
    if flc_ratio >= 100:
        warnings.append(
            "An involved/uninvolved FLC ratio ≥ 100 is a myeloma-defining event when the involved FLC is "
            "≥ 100 mg/L (IMWG 2014): check whether this is active multiple myeloma."
        )
    if bmpc < 10 and m_protein < 3:
        warnings.append(
            "SMM requires clonal bone marrow plasma cells ≥ 10% and/or serum M-protein ≥ 3 g/dL (or urinary "
            "M-protein ≥ 500 mg/24 h): these values do not meet that unless the urine criterion applies; "
            "check the diagnosis (MGUS?)."
        )
    return warnings


# ---------------------------------------------------------------------------------------------
# 2/20/20 model
# ---------------------------------------------------------------------------------------------

SmmGroup = Literal["low", "intermediate", "high"]
FourFactorGroup = Literal["low", "low-intermediate", "intermediate", "high"]

THREE_FACTOR_PROGRESSION = {"low": 6, "intermediate": 18, "high": 44}
FOUR_FACTOR_PROGRESSION = {"low": 6, "low-intermediate": 23, "intermediate": 46, "high": 63}


class Smm22020Input(QuantityInput):
    """2/20/20 input; ``fish_abnormality`` (optional) adds the four-factor group."""

    quantity_dims: ClassVar[dict[str, Dimension]] = {"m_protein": M_PROTEIN}

    m_protein: MProteinQuantity = Field(description=_M_DESC)
    flc_ratio: FlcRatio = Field(description=_FLC_DESC)
    bmpc_pct: Percent = Field(description=_BMPC_DESC)
    fish_abnormality: Flag | None = Field(default=None, description=FISH_DESC + "; null = not tested")


def three_factor_group(risk_factors: int) -> SmmGroup:
    """2/20/20 group (Mateos 2020): 0 low, 1 intermediate, 2–3 high."""
    return "low" if risk_factors == 0 else "intermediate" if risk_factors == 1 else "high"


def four_factor_group(risk_factors: int) -> FourFactorGroup:
    """Four-factor group (Mateos 2020): 0 low, 1 low-intermediate, 2 intermediate, ≥ 3 high."""
    return ("low", "low-intermediate", "intermediate", "high")[min(risk_factors, 3)]


def compute_2_20_20(inp: Smm22020Input) -> CalcResult:
    """Each factor scores 1 with strict cut-offs: M-protein > 2 g/dL, FLC ratio > 20, BMPC > 20%."""
    m_high = inp.m_protein > 2.0
    flc_high = inp.flc_ratio > 20.0
    bmpc_high = inp.bmpc_pct > 20.0
    factors = int(m_high) + int(flc_high) + int(bmpc_high)
    group = three_factor_group(factors)
    rows = [
        ExplanationRow(
            item="Serum M-protein > 2 g/dL",
            value=f"{show_quantity(inp, 'm_protein', inp.m_protein, 'g/dL')}: {'yes' if m_high else 'no'}",
            points=int(m_high),
        ),
        ExplanationRow(
            item="FLC ratio (involved/uninvolved) > 20",
            value=f"{fmt(inp.flc_ratio)}: {'yes' if flc_high else 'no'}",
            points=int(flc_high),
        ),
        ExplanationRow(
            item="Bone marrow plasma cells > 20%",
            value=f"{fmt(inp.bmpc_pct)}%: {'yes' if bmpc_high else 'no'}",
            points=int(bmpc_high),
        ),
    ]
    result: dict[str, object] = {"risk_factors": factors, "group": group}
    interpretation = (
        f"2/20/20 model: {factors} of 3 risk factors, {group} risk; 2-year progression "
        f"{THREE_FACTOR_PROGRESSION[group]}% (Mateos 2020: low 6%, intermediate 18%, high 44%)."
    )
    inputs: dict[str, object] = {
        "m_protein": qty(inp.m_protein, "g/dL"),
        "flc_ratio": inp.flc_ratio,
        "bmpc_pct": inp.bmpc_pct,
        "fish_abnormality": inp.fish_abnormality,
    }
    warnings: list[str] = []
    for label, value, unit in (
        ("Serum M-protein", inp.m_protein, " g/dL"),
        ("FLC ratio", inp.flc_ratio, ""),
        ("Bone marrow plasma cells", inp.bmpc_pct, "%"),
    ):
        cutoff = 2.0 if unit == " g/dL" else 20.0
        warnings += near_cutoff(
            label,
            value,
            cutoff,
            unit,
            'the 2/20/20 cut-offs are strict (">"), so this factor does not count.',
        )
    if inp.fish_abnormality is not None:
        four = factors + int(inp.fish_abnormality)
        fgroup = four_factor_group(four)
        rows.append(
            ExplanationRow(
                item="FISH abnormality (four-factor model only)",
                value=(
                    f"{'present' if inp.fish_abnormality else 'absent'}; four-factor total {four} of 4 "
                    "(not part of the 2/20/20 count)"
                ),
            )
        )
        result["four_factor_risk_factors"] = four
        result["four_factor_group"] = fgroup
        interpretation += (
            f" Four-factor model (adding FISH): {four} of 4 risk factors, {fgroup} risk; 2-year progression "
            f"{FOUR_FACTOR_PROGRESSION[fgroup]}% (low 6%, low-intermediate 23%, intermediate 46%, high 63%)."
        )
        warnings.append(FISH_LIST_NOTE)
    diagnosis = _smm_diagnosis_warnings(inp.m_protein, inp.flc_ratio, inp.bmpc_pct)
    warnings += diagnosis
    return CalcResult(
        calculator="smm-2-20-20",
        result=result,
        inputs=inputs,
        explanation=rows,
        interpretation=interpretation,
        warnings=warnings,
        references=[MATEOS_2020, GUIDELINE_REF, *([RAJKUMAR_2014] if diagnosis else [])],
        calculator_version=VERSION,
    )


# ---------------------------------------------------------------------------------------------
# IMWG 2020 risk-scoring tool
# ---------------------------------------------------------------------------------------------

ScoreGroup = Literal["low", "low-intermediate", "intermediate", "high"]

#: Bands as (upper bound inclusive, points); the last band has no upper bound.
FLC_BANDS: tuple[tuple[float | None, int], ...] = ((10, 0), (25, 2), (40, 3), (None, 5))
M_PROTEIN_BANDS: tuple[tuple[float | None, int], ...] = ((1.5, 0), (3, 3), (None, 4))
BMPC_BANDS: tuple[tuple[float | None, int], ...] = ((15, 0), (20, 2), (30, 3), (40, 5), (None, 6))
FISH_POINTS = 2

SCORE_OUTCOMES: dict[str, tuple[str, str, str]] = {
    # score range, 2-year progression, hazard ratio vs the low group
    "low": ("0–4", "3.8%", "reference"),
    "low-intermediate": ("5–8", "26%", "HR 7.56"),
    "intermediate": ("9–12", "51%", "HR 17.3"),
    "high": ("> 12", "73%", "HR 31.9"),
}


def band_points(value: float, bands: tuple[tuple[float | None, int], ...]) -> tuple[int, str]:
    """Points for ``value`` in bands of the form "> lower and ≤ upper"; also the band's label."""
    lower: float | None = None
    for upper, points in bands:
        if upper is None or value <= upper:
            if lower is None:
                label = f"≤ {fmt(upper)}" if upper is not None else "any"
            elif upper is None:
                label = f"> {fmt(lower)}"
            else:
                label = f"> {fmt(lower)} to ≤ {fmt(upper)}"
            return points, label
        lower = upper
    raise AssertionError("unreachable: the last band is open")  # pragma: no cover


def score_group(points: int) -> ScoreGroup:
    """IMWG 2020 score group: 0–4 low, 5–8 low-intermediate, 9–12 intermediate, > 12 high."""
    if points <= 4:
        return "low"
    if points <= 8:
        return "low-intermediate"
    if points <= 12:
        return "intermediate"
    return "high"


class SmmScoreInput(QuantityInput):
    """IMWG 2020 SMM risk score input; ``fish_abnormality`` must be given (null = not tested)."""

    quantity_dims: ClassVar[dict[str, Dimension]] = {"m_protein": M_PROTEIN}

    flc_ratio: FlcRatio = Field(description=_FLC_DESC)
    m_protein: MProteinQuantity = Field(description=_M_DESC)
    bmpc_pct: Percent = Field(description=_BMPC_DESC)
    fish_abnormality: Flag | None = Field(
        description=FISH_DESC + "; null = not tested. Required: give true, false or null"
    )


SCORE_GROUP_ORDER: tuple[ScoreGroup, ...] = ("low", "low-intermediate", "intermediate", "high")


def compute_smm_score(inp: SmmScoreInput) -> CalcResult:
    """Weighted IMWG 2020 score (Mateos 2020): FLC 0/2/3/5, M-protein 0/3/4, BMPC 0/2/3/5/6, FISH 2.

    With FISH not tested the score is a range (+0 or +2); the group is decided when both ends
    fall in one group.
    """
    flc_pts, flc_band = band_points(inp.flc_ratio, FLC_BANDS)
    m_pts, m_band = band_points(inp.m_protein, M_PROTEIN_BANDS)
    bm_pts, bm_band = band_points(inp.bmpc_pct, BMPC_BANDS)
    base = flc_pts + m_pts + bm_pts
    fish = {"fish_abnormality": inp.fish_abnormality}

    def total_of(v: Mapping[str, bool]) -> int:
        return base + (FISH_POINTS if v["fish_abnormality"] else 0)

    by_points = explore(fish, total_of)
    found = explore(fish, lambda v: score_group(total_of(v)))
    low_total, high_total = min(by_points.outcomes), max(by_points.outcomes)
    possible: list[ScoreGroup] = sorted(set(found.outcomes), key=SCORE_GROUP_ORDER.index)
    group = possible[0] if len(possible) == 1 else None
    total = low_total if low_total == high_total else None
    points_text = str(low_total) if total is not None else f"{low_total}–{high_total}"
    if inp.fish_abnormality is None:
        fish_row = ExplanationRow(
            item="FISH abnormality", value=f"not tested: 0 or {FISH_POINTS} points", points=None
        )
    else:
        fish_row = ExplanationRow(
            item="FISH abnormality",
            value="present" if inp.fish_abnormality else "absent",
            points=FISH_POINTS if inp.fish_abnormality else 0,
        )
    rows = [
        ExplanationRow(
            item="FLC ratio (involved/uninvolved)",
            value=f"{fmt(inp.flc_ratio)} (band {flc_band})",
            points=flc_pts,
        ),
        ExplanationRow(
            item="Serum M-protein",
            value=f"{show_quantity(inp, 'm_protein', inp.m_protein, 'g/dL')} (band {m_band} g/dL)",
            points=m_pts,
        ),
        ExplanationRow(
            item="Bone marrow plasma cells", value=f"{fmt(inp.bmpc_pct)}% (band {bm_band}%)", points=bm_pts
        ),
        fish_row,
        ExplanationRow(item="Total", value=f"{points_text} points"),
    ]
    warnings = [
        'Score bands are applied as "> lower and ≤ upper" (e.g. FLC ratio 10 → 0 points, 10.1 → 2; M-protein '
        "3.0 g/dL → 3, 3.1 → 4), the form believed to be the original table's; a 2022 review prints integer "
        "ranges (0–10, 11–25, …) that leave gaps. Band wording as commonly cited; check the original paper.",
        FISH_LIST_NOTE + " Whether the tool also credits del(17p) is UNCONFIRMED; it is not counted here.",
    ]
    for label, value, cutoffs, unit in (
        ("FLC ratio", inp.flc_ratio, (10.0, 25.0, 40.0), ""),
        ("Serum M-protein", inp.m_protein, (1.5, 3.0), " g/dL"),
        ("Bone marrow plasma cells", inp.bmpc_pct, (15.0, 20.0, 30.0, 40.0), "%"),
    ):
        for cutoff in cutoffs:
            warnings += near_cutoff(
                label, value, cutoff, unit, 'counted in the lower band (bands are "> lower and ≤ upper").'
            )
    groups_text = (
        "Groups (Mateos 2020): 0–4 low 3.8%; 5–8 low-intermediate 26%; 9–12 intermediate 51%; > 12 high 73%."
    )
    if group is not None:
        rng, risk, hr = SCORE_OUTCOMES[group]
        interpretation = (
            f"IMWG 2020 SMM risk score {points_text} ({rng}): {group} risk; 2-year progression {risk} ({hr}). "
            + groups_text
        )
        if inp.fish_abnormality is None:
            interpretation += " FISH was not tested; with or without a FISH abnormality the group is the same."
    else:
        best, worst = possible[0], possible[-1]
        interpretation = (
            f"IMWG 2020 SMM risk score not decided: {points_text} points, {or_join(list(possible))} risk, "
            f"depending on {tests_text(found.relevant)} (not done). Best case {best} risk (2-year progression "
            f"{SCORE_OUTCOMES[best][1]}), worst case {worst} risk ({SCORE_OUTCOMES[worst][1]}). " + groups_text
        )
        warnings.append(
            f"The IMWG 2020 score cannot be decided without {tests_text(found.relevant)}: possible groups "
            f"{', '.join(possible)}. The group is left empty rather than guessed."
        )
    diagnosis = _smm_diagnosis_warnings(inp.m_protein, inp.flc_ratio, inp.bmpc_pct)
    warnings += diagnosis
    return CalcResult(
        calculator="smm-imwg-score",
        result={
            "points": total,
            "points_min": low_total,
            "points_max": high_total,
            "group": group,
            "possible_groups": list(possible),
            "best_case": possible[0],
            "worst_case": possible[-1],
            "untested_markers": list(found.untested),
            "untested_markers_that_could_change_the_answer": list(found.relevant),
            "tests_needed": tests_needed(found.relevant),
        },
        inputs={
            "flc_ratio": inp.flc_ratio,
            "m_protein": qty(inp.m_protein, "g/dL"),
            "bmpc_pct": inp.bmpc_pct,
            "fish_abnormality": inp.fish_abnormality,
        },
        explanation=rows,
        interpretation=interpretation,
        warnings=warnings,
        references=[MATEOS_2020, GUIDELINE_REF, *([RAJKUMAR_2014] if diagnosis else [])],
        calculator_version=VERSION,
    )


def smm_2_20_20_headline(r: Mapping[str, Any]) -> str:
    text = f"{_first_upper(r['group'])} risk: {r['risk_factors']} of 3 risk factors (2/20/20)"
    if r.get("four_factor_group"):
        text += f"; four-factor model: {r['four_factor_group']} risk"
    return text


def smm_score_headline(r: Mapping[str, Any]) -> str:
    points = r["points"] if r.get("points") is not None else f"{r['points_min']}–{r['points_max']}"
    if r["group"] is not None:
        untested = "; FISH not tested" if r.get("points") is None else ""
        return f"{_first_upper(r['group'])} risk (IMWG 2020 score {points}{untested})"
    return (
        f"{_first_upper(or_join(list(r['possible_groups'])))} risk (IMWG 2020 score {points}): not decided without "
        + " and ".join(r.get("tests_needed") or [])
    )


def _first_upper(text: object) -> str:
    s = str(text)
    return s[:1].upper() + s[1:]


register(
    Calculator(
        "smm-2-20-20",
        "Smouldering myeloma: IMWG 2/20/20 risk model (with the four-factor variant)",
        MATEOS_2020,
        Smm22020Input,
        compute_2_20_20,
        keywords=("SMM", "smouldering", "smoldering", "2/20/20", "20/2/20", "risk stratification"),
        headline=smm_2_20_20_headline,
        group="Staging and risk",
        order=5,
        scored=True,
        field_labels=labels("m_protein", "flc_ratio", "bmpc_pct", "fish_abnormality"),
    )
)
register(
    Calculator(
        "smm-imwg-score",
        "Smouldering myeloma: IMWG 2020 risk score",
        MATEOS_2020,
        SmmScoreInput,
        compute_smm_score,
        keywords=("SMM", "smouldering", "smoldering", "IMWG score", "risk score", "risk stratification"),
        headline=smm_score_headline,
        group="Staging and risk",
        order=6,
        scored=True,
        field_labels=labels("flc_ratio", "m_protein", "bmpc_pct", "fish_abnormality"),
    )
)
