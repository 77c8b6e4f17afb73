"""Property tests for iss, r-iss, r2-iss, high-risk, smm-2-20-20, smm-imwg-score, imwg-frailty and
simplified-frailty.

- any input, including garbage types, gives a CalcResult or a CalcInputError, never another exception;
- valid inputs: the points equal the sum of the explanation points, the normalised inputs run again
  to the same result, and the same quantities in other units give the same result;
- more risk never lowers a stage, group or score;
- high-risk: a decided answer never changes when an untested marker is filled in.

The example count is ``MMGUIDE_HYPOTHESIS_EXAMPLES`` (default 200) per test; for the long run, e.g.
``MMGUIDE_HYPOTHESIS_EXAMPLES=10000 python -m pytest tests/core/test_calc_properties_a.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.calculators import frailty, high_risk, smm, staging  # noqa: F401  (register)
from app.core.calculators.base import REGISTRY, CalcInputError, CalcResult

EXAMPLES = int(os.environ.get("MMGUIDE_HYPOTHESIS_EXAMPLES", "200"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

CALC_IDS = [
    "iss",
    "r-iss",
    "r2-iss",
    "high-risk",
    "smm-2-20-20",
    "smm-imwg-score",
    "imwg-frailty",
    "simplified-frailty",
]

# ------------------------------------------------------------------------------------------------
# Variables: canonical values on a decimal grid, rendered in any accepted unit
# ------------------------------------------------------------------------------------------------

UNITS: dict[str, dict[str, Decimal]] = {
    # unit -> factor from canonical to that unit (value_in_unit = canonical * factor)
    "b2m": {"mg/L": Decimal(1), "µg/mL": Decimal(1), "ug/mL": Decimal(1), "mg/dL": Decimal("0.1")},
    "albumin": {"g/dL": Decimal(1), "g/L": Decimal(10)},
    "m_protein": {"g/dL": Decimal(1), "g/L": Decimal(10)},
    "creatinine": {"mg/dL": Decimal(1), "µmol/L": Decimal("88.4"), "umol/L": Decimal("88.4")},
}
CANONICAL_UNIT = {"b2m": "mg/L", "albumin": "g/dL", "m_protein": "g/dL", "creatinine": "mg/dL"}


@dataclass(frozen=True)
class Var:
    name: str
    kind: str  # "quantity:<dim>", "number", "int", "bool", "enum"
    lo: int = 0  # grid bounds (integers scaled by `scale`)
    hi: int = 0
    scale: int = 1
    hot: tuple[int, ...] = ()  # grid points at and around the cut-offs
    up: bool = True  # True: a larger value (or True, or a later enum option) is more risk
    options: tuple[str, ...] = ()
    nullable: bool = False

    def values(self, allow_none: bool = True) -> st.SearchStrategy[Any]:
        if self.kind == "bool":
            base: st.SearchStrategy[Any] = st.booleans()
        elif self.kind == "enum":
            base = st.sampled_from(self.options)
        else:
            ints = st.integers(self.lo, self.hi)
            if self.hot:
                ints = st.one_of(ints, st.sampled_from(self.hot))
            base = ints if self.kind == "int" else ints.map(lambda n: Decimal(n) / self.scale)
        return st.one_of(st.none(), base) if self.nullable and allow_none else base

    def riskier(self, a: Any, b: Any) -> Any:
        """The riskier of two values (None is kept as it is in ``a``)."""
        if a is None or b is None:
            return a
        if self.kind == "enum":
            return max(a, b, key=self.options.index)
        return max(a, b) if self.up else min(a, b)


def _around(*cuts: int) -> tuple[int, ...]:
    return tuple(sorted({c + d for c in cuts for d in (-1, 0, 1)}))


B2M_V = Var("b2m", "quantity:b2m", 0, 10000, 100, _around(350, 550))
ALB_V = Var("albumin", "quantity:albumin", 50, 700, 100, _around(350), up=False)
FLAGS = {name: Var(name, "bool") for name in ("ldh_above_uln", "del17p", "t_4_14", "t_14_16", "gain_1q")}
M_V = Var("m_protein", "quantity:m_protein", 0, 1500, 100, _around(150, 200, 300))
FLC_V = Var("flc_ratio", "number", 10, 100000, 10, _around(100, 200, 250, 400))
BMPC_V = Var("bmpc_pct", "number", 0, 1000, 10, _around(150, 200, 300, 400))
AGE_V = Var("age", "int", 18, 120, 1, _around(75, 80))
CCI_V = Var("cci", "int", 0, 37, 1, (0, 1, 2, 3))

VARIABLES: dict[str, list[Var]] = {
    "iss": [B2M_V, ALB_V],
    "r-iss": [B2M_V, ALB_V, *(FLAGS[n] for n in ("ldh_above_uln", "del17p", "t_4_14", "t_14_16"))],
    "r2-iss": [B2M_V, ALB_V, *(FLAGS[n] for n in ("ldh_above_uln", "del17p", "t_4_14", "gain_1q"))],
    "high-risk": [
        Var("del17p_ccf_pct", "number", 0, 1000, 10, _around(200), nullable=True),
        *(Var(n, "bool", nullable=True) for n in ("tp53_mutation", "t_4_14", "t_14_16", "t_14_20", "gain_1q")),
        Var("del1p32", "enum", options=("none", "monoallelic", "biallelic"), nullable=True),
        Var("b2m", "quantity:b2m", 0, 10000, 100, _around(550), nullable=True),
        Var("creatinine", "quantity:creatinine", 10, 2500, 100, _around(120), up=False, nullable=True),
    ],
    "smm-2-20-20": [M_V, FLC_V, BMPC_V, Var("fish_abnormality", "bool", nullable=True)],
    "smm-imwg-score": [FLC_V, M_V, BMPC_V, Var("fish_abnormality", "bool")],
    "imwg-frailty": [
        AGE_V,
        CCI_V,
        Var("adl", "int", 0, 6, 1, (4, 5), up=False),
        Var("iadl", "int", 0, 8, 1, (5, 6), up=False),
    ],
    "simplified-frailty": [AGE_V, CCI_V, Var("ecog", "int", 0, 4, 1, (0, 1, 2))],
}


def canonical_inputs(calc_id: str, allow_none: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({v.name: v.values(allow_none) for v in VARIABLES[calc_id]})


@st.composite
def render(draw: st.DrawFn, canon: dict[str, Any], calc_id: str, canonical_units: bool = False) -> dict[str, Any]:
    """A raw input for ``canon``: quantities in a random accepted unit, as an object or a string."""
    raw: dict[str, Any] = {}
    for var in VARIABLES[calc_id]:
        value = canon[var.name]
        if value is None:
            if draw(st.booleans()):
                raw[var.name] = None
            continue
        if var.kind.startswith("quantity:"):
            dim = var.kind.split(":", 1)[1]
            unit = CANONICAL_UNIT[dim] if canonical_units else draw(st.sampled_from(sorted(UNITS[dim])))
            shown = (value * UNITS[dim][unit]).normalize()
            text = f"{shown:f}"
            raw[var.name] = draw(st.sampled_from([{"value": float(text), "unit": unit}, f"{text} {unit}"]))
        elif var.kind == "number":
            raw[var.name] = float(value) if canonical_units else draw(st.sampled_from([float(value), f"{value:f}"]))
        else:
            raw[var.name] = value
    return raw


# ------------------------------------------------------------------------------------------------
# Ranks: how risky a result is
# ------------------------------------------------------------------------------------------------

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def _group_rank(order: tuple[str, ...]) -> Callable[[CalcResult], tuple[Any, ...]]:
    return lambda r: (r.result["points"], order.index(r.result["group"]))


RANK: dict[str, Callable[[CalcResult], tuple[Any, ...]]] = {
    "iss": lambda r: (ROMAN[r.result["stage"]],),
    "r-iss": lambda r: (ROMAN[r.result["stage"]],),
    "r2-iss": _group_rank(("low", "low-intermediate", "intermediate-high", "high")),
    "high-risk": lambda r: ({False: 0, None: 1, True: 2}[r.result["high_risk"]],),
    "smm-2-20-20": lambda r: (
        r.result["risk_factors"],
        ("low", "intermediate", "high").index(r.result["group"]),
        r.result.get("four_factor_risk_factors", -1),
    ),
    "smm-imwg-score": _group_rank(("low", "low-intermediate", "intermediate", "high")),
    "imwg-frailty": lambda r: (r.result["points"], ("fit", "intermediate", "frail").index(r.result["category"])),
    "simplified-frailty": lambda r: (r.result["points"], ("non-frail", "frail").index(r.result["category"])),
}


def _dominates(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return all(x <= y for x, y in zip(a, b, strict=True))


TOTAL_FIELD = {
    "r2-iss": "points",
    "smm-2-20-20": "risk_factors",
    "smm-imwg-score": "points",
    "imwg-frailty": "points",
    "simplified-frailty": "points",
}


def _check_result(calc_id: str, res: CalcResult) -> None:
    assert res.calculator == calc_id
    assert res.calculator_version
    assert res.references and res.interpretation
    json.dumps(res.model_dump())
    if calc_id in TOTAL_FIELD:
        total = res.result[TOTAL_FIELD[calc_id]]
        if total is None:  # an untested marker leaves the points a range: the tested ones sum to its floor
            total = res.result["points_min"]
            assert res.result["points_max"] > total
        assert sum(r.points for r in res.explanation if r.points is not None) == total


# ------------------------------------------------------------------------------------------------
# Valid inputs
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("calc_id", CALC_IDS)
@SETTINGS
@given(data=st.data())
def test_valid_inputs_give_consistent_results(calc_id: str, data: st.DataObject) -> None:
    calc = REGISTRY[calc_id]
    canon = data.draw(canonical_inputs(calc_id))
    raw = data.draw(render(canon, calc_id))
    res = calc.run(raw)
    _check_result(calc_id, res)
    # the normalised inputs are themselves a valid input giving the same result
    again = calc.run(res.inputs)
    assert again.result == res.result
    # the same quantities in canonical units give the same result
    plain = calc.run(data.draw(render(canon, calc_id, canonical_units=True)))
    assert plain.result == res.result
    assert plain.inputs == res.inputs


@pytest.mark.parametrize("calc_id", CALC_IDS)
@SETTINGS
@given(data=st.data())
def test_more_risk_never_lowers_the_result(calc_id: str, data: st.DataObject) -> None:
    calc = REGISTRY[calc_id]
    a = data.draw(canonical_inputs(calc_id))
    b_draw = data.draw(canonical_inputs(calc_id))
    b = {v.name: v.riskier(a[v.name], b_draw[v.name]) for v in VARIABLES[calc_id]}
    lower = calc.run(data.draw(render(a, calc_id)))
    higher = calc.run(data.draw(render(b, calc_id)))
    assert _dominates(RANK[calc_id](lower), RANK[calc_id](higher)), (a, b)


@st.composite
def katz_items(draw: st.DrawFn) -> dict[str, str]:
    return {k: draw(st.sampled_from(["independent", "dependent"])) for k in frailty.KATZ_LABELS}


@st.composite
def lawton_items(draw: st.DrawFn) -> dict[str, int]:
    return {k: draw(st.sampled_from([0, 1])) for k in frailty.LAWTON_LABELS}


@st.composite
def cci_items(draw: st.DrawFn) -> dict[str, Any]:
    items: dict[str, Any] = {}
    for name in frailty.CCI_BOOL_WEIGHTS:
        if draw(st.booleans()):
            items[name] = draw(st.booleans())
    for name, grades in frailty.CCI_GRADED_WEIGHTS.items():
        if draw(st.booleans()):
            items[name] = draw(st.sampled_from(["none", *grades]))
    return items


@SETTINGS
@given(
    age=AGE_V.values(),
    cci=st.one_of(CCI_V.values(), cci_items()),
    adl=st.one_of(st.integers(0, 6), katz_items()),
    iadl=st.one_of(st.integers(0, 8), lawton_items()),
)
def test_imwg_frailty_items_equal_totals(age: int, cci: Any, adl: Any, iadl: Any) -> None:
    raw: dict[str, Any] = {"age": age}
    raw["cci" if isinstance(cci, int) else "cci_items"] = cci
    raw["adl" if isinstance(adl, int) else "adl_items"] = adl
    raw["iadl" if isinstance(iadl, int) else "iadl_items"] = iadl
    res = REGISTRY["imwg-frailty"].run(raw)
    _check_result("imwg-frailty", res)
    totals = REGISTRY["imwg-frailty"].run(
        {"age": age, "cci": res.result["cci"], "adl": res.result["adl"], "iadl": res.result["iadl"]}
    )
    assert totals.result == res.result
    assert REGISTRY["imwg-frailty"].run(res.inputs).result == res.result
    assert res.flowchart_facts == {"fig1": {"imwg_frailty_score": res.result["points"]}}


@SETTINGS
@given(data=st.data())
def test_high_risk_decided_answer_survives_new_tests(data: st.DataObject) -> None:
    """Filling in an untested marker never turns a decided answer around; an undecided answer
    names the markers it waits for, and only untested ones."""
    calc = REGISTRY["high-risk"]
    canon = data.draw(canonical_inputs("high-risk"))
    res = calc.run(data.draw(render(canon, "high-risk")))
    answer = res.result["high_risk"]
    relevant = res.result["untested_markers_that_could_change_the_answer"]
    assert (answer is None) == bool(relevant)
    assert set(relevant) <= set(res.result["untested_markers"])
    assert (answer is True) == bool(res.result["criteria_met"])
    assert ("fig1" in res.flowchart_facts) == (answer is not None)
    filled_draw = data.draw(canonical_inputs("high-risk", allow_none=False))
    filled = {k: (filled_draw[k] if v is None else v) for k, v in canon.items()}
    later = calc.run(data.draw(render(filled, "high-risk")))
    if answer is not None:
        assert later.result["high_risk"] is answer
    else:
        assert later.result["high_risk"] is not None


# ------------------------------------------------------------------------------------------------
# Garbage in: a CalcResult or a CalcInputError, nothing else
# ------------------------------------------------------------------------------------------------

SPECIAL = st.sampled_from(
    [
        10**400,
        -(10**400),
        2**63,
        1e308,
        -0.0,
        "nan",
        "inf",
        "-inf",
        "NaN mg/L",
        "1e999 mg/L",
        "1e-999 mg/L",
        "3.5",
        "3.5 mg/L",
        "0.35 mg/dL",
        "35 g/L",
        "2 g/dL",
        "106 µmol/L",
        "5,5 mg/L",
        "",
        " ",
        "\x00",
        "independent",
        "dependent",
        "none",
        "monoallelic",
        "biallelic",
        "true",
        {"value": 10**400, "unit": "mg/L"},
        {"value": "3", "unit": "mg/L"},
        {"value": 3.0, "unit": None},
        {"value": 3.0, "unit": "mg/L", "extra": 1},
        {"value": float("nan"), "unit": "g/dL"},
        {"value": float("inf"), "unit": "mg/dL"},
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.binary(max_size=4),
    SPECIAL,
)
GARBAGE = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner),
        st.dictionaries(st.text(max_size=6), inner, max_size=3),
        st.fixed_dictionaries({"value": inner, "unit": inner}),
    ),
    max_leaves=6,
)

SUBFORMS = {
    "imwg-frailty": {"cci_items": cci_items(), "adl_items": katz_items(), "iadl_items": lawton_items()},
    "simplified-frailty": {"cci_items": cci_items()},
}


@st.composite
def garbage_input(draw: st.DrawFn, calc_id: str) -> Any:
    mode = draw(st.sampled_from(["mutate", "mutate", "mutate", "dict", "anything"]))
    if mode == "anything":
        return draw(GARBAGE)
    fields = list(REGISTRY[calc_id].input_model.model_fields)
    if mode == "dict":
        keys = st.one_of(st.sampled_from(fields), st.text(max_size=8), st.integers(), st.none())
        return draw(st.dictionaries(keys, GARBAGE, max_size=6))
    raw = dict(draw(render(draw(canonical_inputs(calc_id)), calc_id)))
    for name, strategy in SUBFORMS.get(calc_id, {}).items():
        if draw(st.booleans()):
            raw[name] = draw(strategy)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["replace", "replace", "delete", "add", "nested"]))
        key = draw(st.sampled_from(fields))
        if op == "replace":
            raw[key] = draw(GARBAGE)
        elif op == "delete":
            raw.pop(key, None)
        elif op == "add":
            raw[draw(st.one_of(st.text(max_size=8), st.sampled_from([f + "_" for f in fields])))] = draw(GARBAGE)
        elif isinstance(raw.get(key), dict):
            inner = dict(raw[key])
            inner[draw(st.one_of(st.sampled_from(sorted(inner) or ["value"]), st.text(max_size=5)))] = draw(GARBAGE)
            raw[key] = inner
    return raw


@pytest.mark.parametrize("calc_id", CALC_IDS)
@SETTINGS
@given(data=st.data())
def test_any_input_gives_result_or_input_error(calc_id: str, data: st.DataObject) -> None:
    raw = data.draw(garbage_input(calc_id))
    try:
        res = REGISTRY[calc_id].run(raw)
    except CalcInputError as exc:
        assert isinstance(exc.field, str) and exc.field
        assert isinstance(exc.message, str) and exc.message
        return
    _check_result(calc_id, res)


def test_huge_integer_quantity_is_a_clean_input_error():
    from app.core.calculators.all import ORDER  # noqa: F401  (registers every calculator)
    from app.core.calculators.base import REGISTRY, CalcInputError

    with pytest.raises(CalcInputError) as info:
        REGISTRY["iss"].run({"b2m": {"value": 10**400, "unit": "mg/L"}, "albumin": "3.5 g/dL"})
    assert info.value.field == "b2m"
