"""Property tests for the grading, renal, body and dosing calculators.

- Any input, however malformed, gives a CalcResult or a CalcInputError, never another exception;
  a result is JSON-serialisable and re-running it from its own normalised ``inputs`` gives the
  same result.
- Worse findings never lower a CRS or ICANS grade; CrCl falls with age and creatinine and rises
  with weight; eGFR falls with creatinine and age; BSA and weight-based doses never fall with size;
  the lenalidomide starting dose never falls as CrCl rises.
- The same quantity in another unit gives the same answer.

Examples per test: MMGUIDE_HYPOTHESIS_EXAMPLES (default 200).
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.core.calculators import astct, body, dosing, renal  # noqa: F401  (register the calculators)
from app.core.calculators.base import REGISTRY, CalcInputError, CalcResult
from app.core.calculators.renal_dosing import lenalidomide_starting_dose

EXAMPLES = int(os.environ.get("MMGUIDE_HYPOTHESIS_EXAMPLES", "200"))
PROFILE = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CALCS = ["ice", "crs-grade", "icans-grade", "crcl", "egfr", "bsa", "tocilizumab-dose", "bispecific-step-up"]
PRIMARY = {
    "ice": "score",
    "crs-grade": "grade",
    "icans-grade": "grade",
    "crcl": "crcl_ml_min",
    "egfr": "egfr_ml_min_1_73m2",
    "bsa": "bsa_m2",
    "tocilizumab-dose": "dose_mg",
    "bispecific-step-up": "doses",
}

# --- strategies: valid inputs, then corrupted one or two fields at a time -------------------------

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.just(10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def quantity(ranges: dict[str, tuple[float, float]]) -> st.SearchStrategy[Any]:
    """A well-formed quantity (unit → value range, a little wider than accepted), as object or string."""

    def build(unit: str) -> st.SearchStrategy[Any]:
        lo, hi = ranges[unit]
        value = st.floats(min_value=lo, max_value=hi, allow_nan=False)
        return st.one_of(
            value.map(lambda v: {"value": v, "unit": unit}),
            value.map(lambda v: f"{v:.3f} {unit}"),
        )

    return st.sampled_from(sorted(ranges)).flatmap(build)


def bad_quantity(units: list[str]) -> st.SearchStrategy[Any]:
    """Malformed quantities: bare numbers, unknown units, NaN/inf, huge integers, wrong shapes."""
    return st.one_of(
        st.floats(allow_nan=True),  # bare number
        st.integers(),
        st.builds(
            lambda v, u: {"value": v, "unit": u}, st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(units)
        ),
        st.builds(lambda v, u: {"value": v, "unit": u}, st.integers(-(10**400), 10**400), st.sampled_from(units)),
        st.builds(lambda v, u: {"value": v, "unit": u}, st.floats(0, 1000), st.text(max_size=6)),
        st.builds(lambda v, u: f"{v} {u}", st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=6)),
        st.dictionaries(st.sampled_from(["value", "unit", "units"]), junk, max_size=3),
        junk,
    )


TEMP_UNITS = ["°C", "°F", "C", "F", "degC"]
FLOW_UNITS = ["L/min", "lpm", "l/min"]
WEIGHT_UNITS = ["kg", "lb", "lbs"]
HEIGHT_UNITS = ["cm", "m", "in"]
CREAT_UNITS = ["mg/dL", "µmol/L", "umol/L", "μmol/L"]

ICE_VALID = {
    "orientation": st.integers(0, 4),
    "naming": st.integers(0, 3),
    "commands": st.integers(0, 1),
    "writing": st.integers(0, 1),
    "attention": st.integers(0, 1),
}
# plausible-but-wide ranges: some values fall outside the accepted range on purpose
VALID: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "ice": ICE_VALID,
    "crs-grade": {
        "temperature": st.one_of(
            st.builds(lambda v: {"value": v, "unit": "°C"}, st.floats(35.0, 42.0)),
            st.builds(lambda v: {"value": v, "unit": "°F"}, st.floats(95.0, 107.6)),
            quantity({"°C": (28.0, 46.0), "°F": (85.0, 115.0), "C": (35.0, 42.0), "F": (95.0, 108.0)}),
            st.none(),
        ),
        "fever_masked": st.booleans(),
        "hypotension": st.booleans(),
        "vasopressors": st.integers(0, 4),
        "vasopressin": st.booleans(),
        "oxygen_device": st.sampled_from(list(astct.DEVICE_LABEL)),
        "oxygen_flow": st.one_of(st.none(), quantity({"L/min": (0.0, 20.0), "lpm": (0.0, 8.0), "l/min": (5.0, 7.0)})),
    },
    "icans-grade": {
        "ice_score": st.one_of(st.integers(0, 10), st.none()),
        "consciousness": st.sampled_from(list(astct.CONSCIOUSNESS_GRADE)),
        "seizure": st.sampled_from(list(astct.SEIZURE_GRADE)),
        "motor_weakness": st.booleans(),
        "cerebral_edema": st.sampled_from(list(astct.EDEMA_GRADE)),
        "raised_icp_signs": st.lists(st.sampled_from(list(astct.ICP_LABEL)), max_size=5),
    },
    "crcl": {
        "age": st.floats(18, 120),
        "sex": st.sampled_from(["female", "male"]),
        "weight": quantity({"kg": (15.0, 300.0), "lb": (40.0, 700.0), "lbs": (90.0, 300.0)}),
        "creatinine": quantity(
            {"mg/dL": (0.05, 26.0), "µmol/L": (8.0, 2300.0), "umol/L": (40.0, 900.0), "μmol/L": (40.0, 900.0)}
        ),
        "weight_basis": st.sampled_from(["actual", "ideal", "adjusted"]),
        "height": st.one_of(st.none(), quantity({"cm": (95.0, 255.0), "m": (1.0, 2.5), "in": (40.0, 100.0)})),
        "dialysis": st.booleans(),
    },
    "egfr": {
        "age": st.floats(18, 120),
        "sex": st.sampled_from(["female", "male"]),
        "creatinine": quantity(
            {"mg/dL": (0.05, 26.0), "µmol/L": (8.0, 2300.0), "umol/L": (40.0, 900.0), "μmol/L": (40.0, 900.0)}
        ),
    },
    "bsa": {
        "height": quantity({"cm": (95.0, 255.0), "m": (1.0, 2.5), "in": (40.0, 100.0)}),
        "weight": quantity({"kg": (15.0, 360.0), "lb": (40.0, 780.0), "lbs": (90.0, 300.0)}),
        "method": st.sampled_from(["mosteller", "dubois"]),
    },
    "tocilizumab-dose": {"weight": quantity({"kg": (15.0, 360.0), "lb": (40.0, 780.0), "lbs": (90.0, 300.0)})},
    "bispecific-step-up": {
        "drug": st.sampled_from(list(dosing.BISPECIFICS)),
        "weight": st.one_of(quantity({"kg": (15.0, 360.0), "lb": (40.0, 780.0), "lbs": (90.0, 300.0)}), st.none()),
        "region": st.sampled_from(["eu", "us"]),
    },
}
QUANTITY_UNITS = {
    "temperature": TEMP_UNITS,
    "oxygen_flow": FLOW_UNITS,
    "weight": WEIGHT_UNITS,
    "height": HEIGHT_UNITS,
    "creatinine": CREAT_UNITS,
}


@st.composite
def raw_input(draw: st.DrawFn, cid: str) -> Any:
    if draw(st.integers(0, 50)) == 0:
        return draw(junk)  # not even an object
    fields = VALID[cid]
    raw: dict[str, Any] = {name: draw(strategy) for name, strategy in fields.items()}
    if cid == "icans-grade" and draw(st.integers(0, 3)) == 0:
        # ICE item answers instead of the score (sometimes both, which must be rejected)
        if draw(st.integers(0, 3)):
            raw.pop("ice_score")
        raw.update({name: draw(strategy) for name, strategy in ICE_VALID.items()})
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2]))):
        if not raw:
            break
        kind = draw(st.integers(0, 3))
        name = draw(st.sampled_from(sorted(raw)))
        if kind == 0:
            raw.pop(name)
        elif kind == 1 and name in QUANTITY_UNITS:
            raw[name] = draw(bad_quantity(QUANTITY_UNITS[name]))
        elif kind == 2:
            raw[draw(st.text(min_size=1, max_size=8))] = draw(junk)
        else:
            raw[name] = draw(junk)
    return raw


def check_robust(cid: str, raw: Any) -> None:
    calc = REGISTRY[cid]
    try:
        result = calc.run(raw)
    except CalcInputError as exc:
        assert exc.field and exc.message
        event(f"rejected ({exc.code})")
        return
    event("accepted")
    assert isinstance(result, CalcResult)
    assert result.calculator == cid
    assert PRIMARY[cid] in result.result
    json.dumps(result.model_dump(), allow_nan=False)
    again = calc.run({k: v for k, v in result.inputs.items() if v is not None})
    assert again.result == result.result


@PROFILE
@given(raw_input("ice"))
def test_ice_any_input(raw: Any) -> None:
    check_robust("ice", raw)


@PROFILE
@given(raw_input("crs-grade"))
def test_crs_any_input(raw: Any) -> None:
    check_robust("crs-grade", raw)


@PROFILE
@given(raw_input("icans-grade"))
def test_icans_any_input(raw: Any) -> None:
    check_robust("icans-grade", raw)


@PROFILE
@given(raw_input("crcl"))
def test_crcl_any_input(raw: Any) -> None:
    check_robust("crcl", raw)


@PROFILE
@given(raw_input("egfr"))
def test_egfr_any_input(raw: Any) -> None:
    check_robust("egfr", raw)


@PROFILE
@given(raw_input("bsa"))
def test_bsa_any_input(raw: Any) -> None:
    check_robust("bsa", raw)


@PROFILE
@given(raw_input("tocilizumab-dose"))
def test_tocilizumab_any_input(raw: Any) -> None:
    check_robust("tocilizumab-dose", raw)


@PROFILE
@given(raw_input("bispecific-step-up"))
def test_bispecific_any_input(raw: Any) -> None:
    check_robust("bispecific-step-up", raw)


# --- monotonicity: worse findings never lower a grade ----------------------------------------------

# (device, flow, severity) — severity from the ASTCT table, written independently of the code
OXYGEN_STATES = st.one_of(
    st.just(("none", None, 0)),
    st.builds(lambda f: ("nasal_cannula", f, 1), st.floats(0.1, 6.0)),
    st.just(("blow_by", None, 1)),
    st.builds(lambda f: ("nasal_cannula", f, 2), st.floats(6.01, 60.0)),
    st.tuples(
        st.sampled_from(["high_flow_nasal_cannula", "facemask", "non_rebreather", "venturi"]),
        st.none(),
        st.just(2),
    ),
    st.tuples(st.sampled_from(["cpap", "bipap", "mechanical_ventilation"]), st.none(), st.just(3)),
)


def _oxygen_order(a: tuple[str, float | None, int], b: tuple[str, float | None, int]) -> bool:
    """True if a is no worse than b."""
    if a[2] != b[2]:
        return a[2] < b[2]
    if a[0] == b[0] == "nasal_cannula":
        assert a[1] is not None and b[1] is not None
        return a[1] <= b[1]
    return True


def _crs(
    temp: float | None, masked: bool, hypo: bool, vaso: int, vasopressin: bool, oxygen: tuple[str, float | None, int]
) -> int:
    raw: dict[str, Any] = {
        "fever_masked": masked,
        "hypotension": hypo,
        "vasopressors": vaso,
        "vasopressin": vasopressin,
        "oxygen_device": oxygen[0],
    }
    if temp is not None:
        raw["temperature"] = {"value": temp, "unit": "°C"}
    if oxygen[1] is not None:
        raw["oxygen_flow"] = {"value": oxygen[1], "unit": "L/min"}
    grade = REGISTRY["crs-grade"].run(raw).result["grade"]
    assert isinstance(grade, int)
    return grade


@PROFILE
@given(
    temps=st.lists(st.floats(35.0, 42.0), min_size=2, max_size=2),
    masked=st.booleans(),
    hypo=st.lists(st.booleans(), min_size=2, max_size=2),
    vaso=st.lists(st.integers(0, 4), min_size=2, max_size=2),
    vasopressin=st.lists(st.booleans(), min_size=2, max_size=2),
    oxygen=st.lists(OXYGEN_STATES, min_size=2, max_size=2),
    drop_temp=st.booleans(),
)
def test_crs_worse_findings_never_lower_grade(
    temps: list[float],
    masked: bool,
    hypo: list[bool],
    vaso: list[int],
    vasopressin: list[bool],
    oxygen: list[tuple[str, float | None, int]],
    drop_temp: bool,
) -> None:
    t_lo, t_hi = sorted(temps)
    o_lo, o_hi = oxygen if _oxygen_order(oxygen[0], oxygen[1]) else oxygen[::-1]
    t_better: float | None = None if (masked and drop_temp) else t_lo
    g_better = _crs(t_better, masked, min(hypo), min(vaso), min(vasopressin), o_lo)
    g_worse = _crs(t_hi, masked, max(hypo), max(vaso), max(vasopressin), o_hi)
    assert 0 <= g_better <= g_worse <= 4


CONSCIOUSNESS = list(astct.CONSCIOUSNESS_GRADE)  # listed from best to worst
SEIZURE_RANK = {"none": 0, "rapidly_resolving": 1, "eeg_nonconvulsive_resolving": 1, "prolonged_or_repetitive": 2}
EDEMA = ["none", "focal", "diffuse"]


@st.composite
def icans_pair(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    ice = sorted(draw(st.lists(st.integers(0, 10), min_size=2, max_size=2)), reverse=True)
    cons = sorted(draw(st.lists(st.integers(0, 4), min_size=2, max_size=2)))
    seiz = draw(st.lists(st.sampled_from(list(SEIZURE_RANK)), min_size=2, max_size=2))
    seiz = sorted(seiz, key=SEIZURE_RANK.__getitem__)
    if SEIZURE_RANK[seiz[0]] == SEIZURE_RANK[seiz[1]]:
        seiz = [seiz[0], seiz[0]]
    motor = sorted(draw(st.lists(st.booleans(), min_size=2, max_size=2)))
    edema = sorted(draw(st.lists(st.integers(0, 2), min_size=2, max_size=2)))
    signs_worse = draw(st.lists(st.sampled_from(list(astct.ICP_LABEL)), unique=True))
    signs_better = [s for s in signs_worse if draw(st.booleans())]
    pair = []
    for i, signs in ((0, signs_better), (1, signs_worse)):
        raw: dict[str, Any] = {
            "ice_score": ice[i],
            "consciousness": CONSCIOUSNESS[cons[i]],
            "seizure": seiz[i],
            "motor_weakness": motor[i],
            "cerebral_edema": EDEMA[edema[i]],
            "raised_icp_signs": signs,
        }
        if CONSCIOUSNESS[cons[i]] == "unarousable" and draw(st.booleans()):
            raw["ice_score"] = None
        pair.append(raw)
    return pair[0], pair[1]


@PROFILE
@given(icans_pair())
def test_icans_worse_findings_never_lower_grade(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    better, worse = pair
    g_better = REGISTRY["icans-grade"].run(better).result["grade"]
    g_worse = REGISTRY["icans-grade"].run(worse).result["grade"]
    assert 0 <= g_better <= g_worse <= 4


@PROFILE
@given(
    o=st.integers(0, 4),
    n=st.integers(0, 3),
    c=st.integers(0, 1),
    w=st.integers(0, 1),
    a=st.integers(0, 1),
    cons=st.sampled_from(CONSCIOUSNESS),
)
def test_icans_items_equal_summed_score(o: int, n: int, c: int, w: int, a: int, cons: str) -> None:
    items = {"orientation": o, "naming": n, "commands": c, "writing": w, "attention": a}
    by_items = REGISTRY["icans-grade"].run({"consciousness": cons, **items}).result
    by_score = REGISTRY["icans-grade"].run({"consciousness": cons, "ice_score": o + n + c + w + a}).result
    assert by_items["grade"] == by_score["grade"]
    ice = REGISTRY["ice"].run(items).result
    assert ice["score"] == o + n + c + w + a
    if cons == "alert":
        assert ice["icans_grade_implied"] == by_items["grade"]


# --- renal, body and dosing monotonicity -----------------------------------------------------------

ages = st.floats(18, 120)
creat = st.floats(0.1, 25.0)
kg = st.floats(20.0, 350.0)
cm = st.floats(100.0, 250.0)


def _daily_mg(dose: dict[str, Any]) -> float:
    """Average daily lenalidomide exposure of a starting-dose row (15 mg every 48 h = 7.5 mg/day)."""
    text = dose["dose"]
    return float(dose["dose_mg"]) / (2.0 if "48 hours" in text or text.startswith("15 mg every other") else 1.0)


def _crcl(age: float, sex: str, w: float, scr: float, **extra: Any) -> CalcResult:
    return REGISTRY["crcl"].run(
        {
            "age": age,
            "sex": sex,
            "weight": {"value": w, "unit": "kg"},
            "creatinine": {"value": scr, "unit": "mg/dL"},
            **extra,
        }
    )


@PROFILE
@given(
    sex=st.sampled_from(["female", "male"]),
    a=st.lists(ages, min_size=2, max_size=2),
    w=st.lists(kg, min_size=2, max_size=2),
    s=st.lists(creat, min_size=2, max_size=2),
)
def test_crcl_monotone(sex: str, a: list[float], w: list[float], s: list[float]) -> None:
    # younger, heavier, lower creatinine → never a lower clearance or lenalidomide dose
    best = _crcl(min(a), sex, max(w), min(s)).result
    worst = _crcl(max(a), sex, min(w), max(s)).result
    assert best["crcl_ml_min"] >= worst["crcl_ml_min"] >= 0
    for region in ("eu", "us"):
        assert _daily_mg(best["lenalidomide"][region]) >= _daily_mg(worst["lenalidomide"][region])
    female = _crcl(a[0], "female", w[0], s[0]).result["crcl_ml_min"]
    male = _crcl(a[0], "male", w[0], s[0]).result["crcl_ml_min"]
    assert female <= male


@PROFILE
@given(st.lists(st.floats(0.0, 200.0), min_size=2, max_size=2))
def test_lenalidomide_daily_dose_never_falls_as_crcl_rises(values: list[float]) -> None:
    lo, hi = sorted(values)
    for region in ("eu", "us"):
        low = lenalidomide_starting_dose(lo).as_dict()[region]
        high = lenalidomide_starting_dose(hi).as_dict()[region]
        assert _daily_mg(low) <= _daily_mg(high)


@PROFILE
@given(
    sex=st.sampled_from(["female", "male"]),
    a=st.lists(ages, min_size=2, max_size=2),
    s=st.lists(creat, min_size=2, max_size=2),
)
def test_egfr_monotone(sex: str, a: list[float], s: list[float]) -> None:
    def egfr(age: float, scr: float) -> float:
        value = (
            REGISTRY["egfr"]
            .run({"age": age, "sex": sex, "creatinine": {"value": scr, "unit": "mg/dL"}})
            .result["egfr_ml_min_1_73m2"]
        )
        assert isinstance(value, float)
        return value

    assert egfr(min(a), min(s)) >= egfr(max(a), max(s)) > 0
    assert egfr(a[0], min(s)) >= egfr(a[0], max(s))
    assert egfr(min(a), s[0]) >= egfr(max(a), s[0])


@PROFILE
@given(
    h=st.lists(cm, min_size=2, max_size=2),
    w=st.lists(kg, min_size=2, max_size=2),
    method=st.sampled_from(["mosteller", "dubois"]),
)
def test_bsa_monotone_and_cap(h: list[float], w: list[float], method: str) -> None:
    def run(height: float, weight: float) -> dict[str, Any]:
        return (
            REGISTRY["bsa"]
            .run(
                {"height": {"value": height, "unit": "cm"}, "weight": {"value": weight, "unit": "kg"}, "method": method}
            )
            .result
        )

    small, large = run(min(h), min(w)), run(max(h), max(w))
    assert 0 < small["bsa_m2"] <= large["bsa_m2"]
    for r in (small, large):
        assert r["carfilzomib_bsa_m2"] == min(r["bsa_m2"], 2.2)
        assert r["carfilzomib_cap_applied"] is (r["bsa_m2"] > 2.2)


@PROFILE
@given(st.lists(kg, min_size=2, max_size=2))
def test_tocilizumab_monotone_and_capped(w: list[float]) -> None:
    lo, hi = sorted(w)
    d_lo = REGISTRY["tocilizumab-dose"].run({"weight": {"value": lo, "unit": "kg"}}).result["dose_mg"]
    d_hi = REGISTRY["tocilizumab-dose"].run({"weight": {"value": hi, "unit": "kg"}}).result["dose_mg"]
    assert 0 < d_lo <= d_hi <= 800.0
    assert math.isclose(d_lo, min(8 * lo, 800.0), abs_tol=0.051)


@PROFILE
@given(st.lists(kg, min_size=2, max_size=2), st.sampled_from(list(dosing.BISPECIFICS)), st.sampled_from(["eu", "us"]))
def test_bispecific_doses_never_fall_with_weight(w: list[float], drug: str, region: str) -> None:
    lo, hi = sorted(w)

    def doses(weight: float) -> list[float]:
        res = (
            REGISTRY["bispecific-step-up"]
            .run({"drug": drug, "region": region, "weight": {"value": weight, "unit": "kg"}})
            .result
        )
        return [d["dose_mg"] for d in res["doses"]]

    small, large = doses(lo), doses(hi)
    assert all(0 < a <= b for a, b in zip(small, large, strict=True))
    assert small == sorted(small)  # each step-up dose is larger than the one before


# --- the same quantity in another unit gives the same answer ---------------------------------------


@PROFILE
@given(
    c=st.integers(3000, 4500).map(lambda x: x / 100),
    masked=st.booleans(),
    hypo=st.booleans(),
    oxygen=OXYGEN_STATES,
)
def test_crs_celsius_equals_fahrenheit(
    c: float, masked: bool, hypo: bool, oxygen: tuple[str, float | None, int]
) -> None:
    base: dict[str, Any] = {"fever_masked": masked, "hypotension": hypo, "oxygen_device": oxygen[0]}
    if oxygen[1] is not None:
        base["oxygen_flow"] = f"{oxygen[1]} L/min"
    g_c = REGISTRY["crs-grade"].run({**base, "temperature": {"value": c, "unit": "°C"}}).result["grade"]
    g_f = REGISTRY["crs-grade"].run({**base, "temperature": {"value": c * 9 / 5 + 32, "unit": "°F"}}).result
    assert g_c == g_f["grade"]


@PROFILE
@given(age=ages, sex=st.sampled_from(["female", "male"]), w=st.floats(20.0, 150.0), s=st.floats(0.2, 20.0))
def test_crcl_units_agree(age: float, sex: str, w: float, s: float) -> None:
    metric = _crcl(age, sex, w, s).result["crcl_ml_min"]
    imperial = (
        REGISTRY["crcl"]
        .run(
            {
                "age": age,
                "sex": sex,
                "weight": {"value": w / 0.45359237, "unit": "lb"},
                "creatinine": {"value": s * 88.4, "unit": "µmol/L"},
            }
        )
        .result["crcl_ml_min"]
    )
    assert math.isclose(metric, imperial, abs_tol=0.1)


@PROFILE
@given(h=cm, w=st.floats(20.0, 300.0))
def test_bsa_units_agree(h: float, w: float) -> None:
    metric = REGISTRY["bsa"].run({"height": f"{h} cm", "weight": f"{w} kg"}).result["bsa_m2"]
    other = (
        REGISTRY["bsa"]
        .run({"height": {"value": h / 2.54, "unit": "in"}, "weight": {"value": w / 0.45359237, "unit": "lb"}})
        .result["bsa_m2"]
    )
    assert math.isclose(metric, other, abs_tol=0.0011)
