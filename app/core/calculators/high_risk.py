"""IMS–IMWG 2024 consensus definition of high-risk multiple myeloma (the guideline's Box 1).

Source: Avet-Loiseau H, et al. J Clin Oncol 2025;43(24):2739–2751, as summarised in Box 1 of
the EHA–EMN 2025 guideline. High risk if at least one of:

1. del(17p) with cancer clonal fraction ≥ 20% (Box 1; some summaries of the paper say > 20%)
   and/or a TP53 mutation (by NGS);
2. t(4;14), t(14;16) or t(14;20) co-occurring with +1q and/or del(1p32);
3. monoallelic del(1p32) with 1q gain, or biallelic del(1p32);
4. β2-microglobulin ≥ 5.5 mg/L with normal creatinine (< 1.2 mg/dL). Box 1 prints
   "> 5.5 mg/dl"; the paper and every other source use ≥ 5.5 mg/L (the ISS stage III cut-off).

Each marker may be null (not tested). The answer is ``True`` as soon as a criterion is met by
tested markers, ``False`` only when every criterion is decidedly not met, and ``None``
("cannot exclude high risk") otherwise, with the untested markers that could change it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, ClassVar, Literal

from pydantic import Field

from app.core.calculators.base import CalcResult, Calculator, ExplanationRow, register
from app.core.calculators.fields import (
    GUIDELINE_REF,
    VERSION,
    B2MQuantity,
    CreatinineQuantity,
    Flag,
    Percent,
    QuantityInput,
    b2m_unit_warning,
    fmt,
    near_cutoff,
    qty,
    show_quantity,
)
from app.core.calculators.labels import labels
from app.core.units import B2M, CREATININE, Dimension

AVET_LOISEAU_2025 = (
    "Avet-Loiseau H, et al. International Myeloma Society/International Myeloma Working Group consensus "
    "recommendations on the definition of high-risk multiple myeloma. J Clin Oncol. 2025;43(24):2739–2751. "
    "doi:10.1200/JCO-24-01893. Erratum: J Clin Oncol. 2025;43(22):2553."
)

CCF_CUTOFF = 20.0  # %, Box 1: ≥ 20 %
B2M_CUTOFF = 5.5  # mg/L, ≥
CREATININE_CUTOFF = 1.2  # mg/dL, normal is <

Del1p32 = Literal["none", "monoallelic", "biallelic"]

#: Box 1 wording of each criterion (β2M unit corrected from the printed "mg/dl" to mg/L).
CRITERIA: dict[str, str] = {
    "del17p_tp53": "del(17p) and/or TP53 mutation",
    "translocation_1q_1p": "t(4;14), t(14;16) or t(14;20), co-occurring with +1q and/or del(1p32)",
    "del1p32": "Monoallelic del(1p32) along with 1q gain, or biallelic del(1p32)",
    "b2m_creatinine": "High β2 microglobulin (≥ 5.5 mg/L) with normal creatinine (< 1.2 mg/dl)",
}

MARKER_LABELS: dict[str, str] = {
    "del17p_ccf_pct": "del(17p) cancer clonal fraction (FISH on CD138-purified cells)",
    "tp53_mutation": "TP53 mutation (NGS)",
    "t_4_14": "t(4;14)",
    "t_14_16": "t(14;16)",
    "t_14_20": "t(14;20)",
    "gain_1q": "1q+ (gain or amplification)",
    "del1p32": "del(1p32) (monoallelic or biallelic)",
    "b2m": "β2-microglobulin",
    "creatinine": "creatinine",
}
MARKERS = tuple(MARKER_LABELS)

# Abstract marker values: booleans for the threshold markers, the del(1p32) literal otherwise.
Abstract = tuple[bool | str | None, ...]
_DOMAINS: dict[str, tuple[bool | str, ...]] = {
    name: (("none", "monoallelic", "biallelic") if name == "del1p32" else (False, True)) for name in MARKERS
}


class HighRiskInput(QuantityInput):
    """Box 1 markers; leave a marker out (or null) when it was not tested."""

    quantity_dims: ClassVar[dict[str, Dimension]] = {"b2m": B2M, "creatinine": CREATININE}

    del17p_ccf_pct: Percent | None = Field(
        default=None,
        description=(
            "del(17p) cancer clonal fraction in % (0 if del(17p) was not detected); null = not tested"
        ),
    )
    tp53_mutation: Flag | None = Field(default=None, description="TP53 mutation by NGS; null = not tested")
    t_4_14: Flag | None = Field(default=None, description="t(4;14); null = not tested")
    t_14_16: Flag | None = Field(default=None, description="t(14;16); null = not tested")
    t_14_20: Flag | None = Field(default=None, description="t(14;20); null = not tested")
    gain_1q: Flag | None = Field(
        default=None, description="+1q: gain (3 copies) or amplification (≥ 4 copies); null = not tested"
    )
    del1p32: Del1p32 | None = Field(default=None, description="del(1p32): none, monoallelic or biallelic")
    b2m: B2MQuantity | None = Field(
        default=None, description="Serum β2-microglobulin with its unit (mg/L, µg/mL or mg/dL)"
    )
    creatinine: CreatinineQuantity | None = Field(
        default=None, description="Serum creatinine with its unit (mg/dL or µmol/L)"
    )


def _and(*values: bool | None) -> bool | None:
    """Kleene AND."""
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None


def _or(*values: bool | None) -> bool | None:
    """Kleene OR."""
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


def _eq(value: bool | str | None, *options: str) -> bool | None:
    return None if value is None else value in options


def _abstract(inp: HighRiskInput) -> Abstract:
    """Reduce the inputs to what the rule depends on (in MARKERS order)."""
    return (
        None if inp.del17p_ccf_pct is None else inp.del17p_ccf_pct >= CCF_CUTOFF,
        inp.tp53_mutation,
        inp.t_4_14,
        inp.t_14_16,
        inp.t_14_20,
        inp.gain_1q,
        inp.del1p32,
        None if inp.b2m is None else inp.b2m >= B2M_CUTOFF,
        None if inp.creatinine is None else inp.creatinine < CREATININE_CUTOFF,
    )


def evaluate_criteria(values: Abstract) -> dict[str, bool | None]:
    """Three-valued (Kleene) status of each Box 1 criterion; None = cannot be decided.

    Criteria as in the guideline's Box 1 / Avet-Loiseau et al., J Clin Oncol 2025 (see the module
    docstring); the inputs are already reduced to "CCF ≥ 20%", "β2M ≥ 5.5 mg/L" and
    "creatinine < 1.2 mg/dL".
    """
    del17p, tp53, t414, t1416, t1420, gain1q, del1p, b2m_high, creat_normal = values
    return {
        "del17p_tp53": _or(_as_bool(del17p), _as_bool(tp53)),
        "translocation_1q_1p": _and(
            _or(_as_bool(t414), _as_bool(t1416), _as_bool(t1420)),
            _or(_as_bool(gain1q), _eq(del1p, "monoallelic", "biallelic")),
        ),
        "del1p32": _or(_and(_eq(del1p, "monoallelic"), _as_bool(gain1q)), _eq(del1p, "biallelic")),
        "b2m_creatinine": _and(_as_bool(b2m_high), _as_bool(creat_normal)),
    }


def _as_bool(value: bool | str | None) -> bool | None:
    return value if value is None or isinstance(value, bool) else None


def _overall(values: Abstract) -> bool | None:
    return _or(*evaluate_criteria(values).values())


@lru_cache(maxsize=4096)
def relevant_untested(values: Abstract) -> tuple[str, ...]:
    """Untested markers on which the answer depends, found by trying every completion.

    A marker is relevant when two completions of the untested markers that differ only in that
    marker give different answers.
    """
    unknown = [i for i, v in enumerate(values) if v is None]
    if not unknown:
        return ()
    table: dict[tuple[bool | str, ...], bool | None] = {}
    for combo in itertools.product(*(_DOMAINS[MARKERS[i]] for i in unknown)):
        filled = list(values)
        for i, v in zip(unknown, combo, strict=True):
            filled[i] = v
        table[combo] = _overall(tuple(filled))
    relevant: list[str] = []
    for pos, i in enumerate(unknown):
        seen: dict[tuple[bool | str, ...], set[bool | None]] = {}
        for combo, outcome in table.items():
            seen.setdefault(combo[:pos] + combo[pos + 1 :], set()).add(outcome)
        if any(len(outcomes) > 1 for outcomes in seen.values()):
            relevant.append(MARKERS[i])
    return tuple(relevant)


def _status(value: bool | None) -> str:
    return {True: "met", False: "not met", None: "cannot be decided"}[value]


def _tested(value: bool | None, yes: str = "present", no: str = "absent") -> str:
    return "not tested" if value is None else (yes if value else no)


def ngs_note(relevant: list[str]) -> str:
    """The NGS remark, only for the untested markers it concerns (TheLimbic on the Australian
    validation: registries often lack NGS data for TP53 mutation and biallelic del(1p32))."""
    markers = (("tp53_mutation", "TP53 mutation"), ("del1p32", "biallelic del(1p32)"))
    needs = [name for marker, name in markers if marker in relevant]
    if not needs:
        return ""
    if len(needs) == 2:
        return " TP53 mutation and biallelic del(1p32) usually need NGS-based testing."
    return f" {needs[0][:1].upper()}{needs[0][1:]} usually needs NGS-based testing."


def high_risk_headline(r: Mapping[str, Any]) -> str:
    return {
        True: "High-risk myeloma (a Box 1 criterion is met)",
        False: "Not high risk by Box 1",
        None: "Cannot exclude high risk (untested markers could change the answer)",
    }[r["high_risk"]]


def compute_high_risk(inp: HighRiskInput) -> CalcResult:
    values = _abstract(inp)
    criteria = evaluate_criteria(values)
    overall = _or(*criteria.values())
    untested = [m for m, v in zip(MARKERS, values, strict=True) if v is None]
    relevant = list(relevant_untested(values)) if overall is None else []
    met = [CRITERIA[k] for k, v in criteria.items() if v is True]

    rows: list[ExplanationRow] = []
    if inp.del17p_ccf_pct is None:
        ccf_text = "not tested"
    else:
        side = "≥ 20%, counts" if inp.del17p_ccf_pct >= CCF_CUTOFF else "< 20%, does not count"
        ccf_text = f"{fmt(inp.del17p_ccf_pct)}%: {side}"
    rows.append(ExplanationRow(item=MARKER_LABELS["del17p_ccf_pct"], value=ccf_text))
    rows.append(ExplanationRow(item=MARKER_LABELS["tp53_mutation"], value=_tested(inp.tp53_mutation)))
    for name, val in (("t_4_14", inp.t_4_14), ("t_14_16", inp.t_14_16), ("t_14_20", inp.t_14_20)):
        rows.append(ExplanationRow(item=MARKER_LABELS[name], value=_tested(val)))
    rows.append(ExplanationRow(item=MARKER_LABELS["gain_1q"], value=_tested(inp.gain_1q)))
    rows.append(ExplanationRow(item="del(1p32)", value="not tested" if inp.del1p32 is None else inp.del1p32))
    if inp.b2m is None:
        b2m_text = "not tested"
    else:
        side = "≥ 5.5 mg/L, high" if inp.b2m >= B2M_CUTOFF else "< 5.5 mg/L, not high"
        b2m_text = f"{show_quantity(inp, 'b2m', inp.b2m, 'mg/L')}: {side}"
    rows.append(ExplanationRow(item=MARKER_LABELS["b2m"], value=b2m_text))
    if inp.creatinine is None:
        cr_text = "not tested"
    else:
        side = "< 1.2 mg/dL, normal" if inp.creatinine < CREATININE_CUTOFF else "≥ 1.2 mg/dL, not normal"
        cr_text = f"{show_quantity(inp, 'creatinine', inp.creatinine, 'mg/dL')}: {side}"
    rows.append(ExplanationRow(item="Creatinine", value=cr_text))
    for number, (key, text) in enumerate(CRITERIA.items(), start=1):
        rows.append(ExplanationRow(item=f"Criterion {number}: {text}", value=_status(criteria[key])))

    if overall is True:
        interpretation = (
            "High-risk multiple myeloma by the IMS–IMWG 2024 consensus definition (guideline Box 1). "
            f"Criteria met: {'; '.join(met)}."
        )
    elif overall is False:
        interpretation = (
            "Not high risk (standard risk) by the IMS–IMWG 2024 consensus definition: no criterion of "
            "Box 1 is met."
        )
        if untested:
            interpretation += (
                " Untested markers that could not change this answer: "
                f"{', '.join(MARKER_LABELS[m] for m in untested)}."
            )
    else:
        interpretation = (
            "Cannot exclude high risk: no Box 1 criterion is met by the tests done, but untested markers "
            f"could change the answer: {', '.join(MARKER_LABELS[m] for m in relevant)}."
        )
        interpretation += ngs_note(relevant)

    warnings: list[str] = []
    if inp.del17p_ccf_pct is not None:
        warnings.append(
            "del(17p) counts at a cancer clonal fraction ≥ 20% as in the guideline's Box 1; some summaries "
            "of the original IMS–IMWG paper write > 20%. The app follows the guideline."
        )
        warnings += near_cutoff(
            "del(17p) cancer clonal fraction",
            inp.del17p_ccf_pct,
            CCF_CUTOFF,
            "%",
            'counted as meeting the criterion (Box 1: ≥ 20%); under the "> 20%" wording it would not.',
        )
    if inp.b2m is not None:
        warnings.append(
            'Box 1 of the guideline prints the β2-microglobulin criterion as "> 5.5 mg/dl"; the IMS–IMWG '
            "paper and every other source use ≥ 5.5 mg/L (the ISS stage III cut-off; 5.5 mg/dL would be "
            "55 mg/L). The app uses ≥ 5.5 mg/L."
        )
        warnings += b2m_unit_warning(inp)
        warnings += near_cutoff(
            "β2-microglobulin", inp.b2m, B2M_CUTOFF, " mg/L", "counted as high (≥ 5.5 mg/L)."
        )
    if inp.creatinine is not None:
        warnings += near_cutoff(
            "Creatinine",
            inp.creatinine,
            CREATININE_CUTOFF,
            " mg/dL",
            "not normal (normal is < 1.2 mg/dL, i.e. below about 106 µmol/L), so criterion 4 is not met.",
        )

    result: dict[str, object] = {
        "high_risk": overall,
        "criteria_met": met,
        "criteria": {k: _status(v) for k, v in criteria.items()},
        "untested_markers": untested,
        "untested_markers_that_could_change_the_answer": relevant,
    }
    facts = {"fig1": {"high_risk": overall}} if overall is not None else {}
    return CalcResult(
        calculator="high-risk",
        result=result,
        inputs={
            "del17p_ccf_pct": inp.del17p_ccf_pct,
            "tp53_mutation": inp.tp53_mutation,
            "t_4_14": inp.t_4_14,
            "t_14_16": inp.t_14_16,
            "t_14_20": inp.t_14_20,
            "gain_1q": inp.gain_1q,
            "del1p32": inp.del1p32,
            "b2m": None if inp.b2m is None else qty(inp.b2m, "mg/L"),
            "creatinine": None if inp.creatinine is None else qty(inp.creatinine, "mg/dL"),
        },
        explanation=rows,
        interpretation=interpretation,
        warnings=warnings,
        references=[AVET_LOISEAU_2025, GUIDELINE_REF],
        calculator_version=VERSION,
        flowchart_facts=facts,
    )


register(
    Calculator(
        "high-risk",
        "High-risk myeloma: IMS–IMWG 2024 consensus definition (Box 1)",
        AVET_LOISEAU_2025,
        HighRiskInput,
        compute_high_risk,
        keywords=("high risk", "high-risk cytogenetics", "IMS-IMWG", "Box 1", "del(17p)", "TP53", "t(4;14)", "1q"),
        headline=high_risk_headline,
        group="Staging and risk",
        order=4,
        scored=True,
        field_labels=labels(
            "t_4_14", "t_14_16", "gain_1q", "b2m", "creatinine",
            del17p_ccf_pct="del(17p) clonal fraction (%)",
            tp53_mutation="TP53 mutation",
            t_14_20="t(14;20)",
            del1p32="del(1p32)",
        ),
    )
)
