"""ASTCT 2019 CRS and ICANS grading and the ICE score: every boundary at, below and above."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.calculators import astct  # noqa: F401  (registers ice, crs-grade, icans-grade)
from app.core.calculators.base import REGISTRY, CalcInputError, CalcResult


def run(cid: str, **inp: Any) -> CalcResult:
    return REGISTRY[cid].run(inp)


def crs(**inp: Any) -> CalcResult:
    inp.setdefault("temperature", "38.5 °C")
    return run("crs-grade", **inp)


def icans(**inp: Any) -> CalcResult:
    inp.setdefault("consciousness", "alert")
    if not any(k in inp for k in ("ice_score", "orientation")):
        inp["ice_score"] = 10
    return run("icans-grade", **inp)


# --- ICE --------------------------------------------------------------------------------------

FULL_ICE = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1}


def test_ice_full_marks() -> None:
    r = run("ice", **FULL_ICE)
    assert r.calculator == "ice"
    assert r.result["score"] == 10
    assert r.result["icans_grade_implied"] == 0
    assert r.references and "Biol Blood Marrow Transplant" in r.references[0]


@pytest.mark.parametrize(
    ("items", "score", "grade"),
    [
        ({"orientation": 4, "naming": 3, "commands": 0, "writing": 1, "attention": 1}, 9, 1),
        ({"orientation": 4, "naming": 3, "commands": 0, "writing": 0, "attention": 0}, 7, 1),
        ({"orientation": 3, "naming": 3, "commands": 0, "writing": 0, "attention": 0}, 6, 2),
        ({"orientation": 2, "naming": 1, "commands": 0, "writing": 0, "attention": 0}, 3, 2),
        ({"orientation": 1, "naming": 1, "commands": 0, "writing": 0, "attention": 0}, 2, 3),
        ({"orientation": 0, "naming": 0, "commands": 0, "writing": 0, "attention": 0}, 0, 3),
    ],
)
def test_ice_bands(items: dict[str, int], score: int, grade: int) -> None:
    r = run("ice", **items)
    assert r.result["score"] == score
    assert r.result["icans_grade_implied"] == grade


def test_ice_zero_mentions_unarousable_grade_4() -> None:
    r = run("ice", **dict.fromkeys(FULL_ICE, 0))
    assert any("unarousable" in w for w in r.warnings)


@pytest.mark.parametrize(
    ("field", "value"),
    [("orientation", 5), ("naming", 4), ("commands", 2), ("writing", -1), ("attention", 2)],
)
def test_ice_item_ranges(field: str, value: int) -> None:
    with pytest.raises(CalcInputError) as exc:
        run("ice", **{**FULL_ICE, field: value})
    assert exc.value.field == field


@pytest.mark.parametrize("bad", [True, 2.5, "3", None, float("nan")])
def test_ice_items_must_be_integers(bad: Any) -> None:
    with pytest.raises(CalcInputError):
        run("ice", **{**FULL_ICE, "orientation": bad})


def test_ice_missing_and_unknown_fields() -> None:
    with pytest.raises(CalcInputError) as exc:
        run("ice", orientation=4, naming=3, commands=1, writing=1)
    assert exc.value.field == "attention"
    with pytest.raises(CalcInputError) as exc:
        run("ice", **FULL_ICE, ice_score=10)
    assert exc.value.code == "unknown_field"


# --- CRS: fever --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("temperature", "fever"),
    [
        ("37.9 °C", False),
        ("37.99 °C", False),
        ("38.0 °C", True),
        ("38 C", True),
        ("38.1 °C", True),
        ("100.3 °F", False),
        ("100.4 °F", True),
        ({"value": 100.4, "unit": "°F"}, True),
        ("100.5 F", True),
        ({"value": 38, "unit": "degC"}, True),
    ],
)
def test_fever_threshold_celsius_and_fahrenheit(temperature: Any, fever: bool) -> None:
    r = run("crs-grade", temperature=temperature)
    assert r.result["fever"] is fever
    assert r.result["grade"] == (1 if fever else 0)


def test_fahrenheit_is_normalised_to_celsius() -> None:
    r = run("crs-grade", temperature="100.4 °F")
    assert r.inputs["temperature"] == {"value": 38.0, "unit": "°C"}
    r = run("crs-grade", temperature="102.2 °F")
    assert r.inputs["temperature"]["value"] == pytest.approx(39.0)


def test_no_fever_not_masked_is_grade_0_even_with_hypotension_and_hypoxia() -> None:
    r = run("crs-grade", temperature="37.2 °C", hypotension=True, vasopressors=2, oxygen_device="bipap")
    assert r.result["grade"] == 0
    assert "fever ≥ 38.0 °C is required" in r.interpretation
    assert any("fever_masked" in w for w in r.warnings)


def test_fever_masked_grades_by_hypotension_and_hypoxia() -> None:
    r = run("crs-grade", temperature="37.0 °C", fever_masked=True, hypotension=True)
    assert r.result["grade"] == 2
    r = run("crs-grade", fever_masked=True, oxygen_device="facemask")
    assert r.result["grade"] == 3
    r = run("crs-grade", fever_masked=True, oxygen_device="mechanical_ventilation")
    assert r.result["grade"] == 4


def test_fever_masked_without_hypotension_or_hypoxia_is_grade_0_with_warning() -> None:
    r = run("crs-grade", fever_masked=True, temperature="37.0 °C")
    assert r.result["grade"] == 0
    assert any("masked" in w for w in r.warnings)


def test_fever_masked_with_fever_still_grade_1() -> None:
    assert run("crs-grade", fever_masked=True, temperature="38.2 °C").result["grade"] == 1


def test_temperature_required_unless_masked() -> None:
    with pytest.raises(CalcInputError) as exc:
        run("crs-grade")
    assert exc.value.field == "temperature"
    assert "fever_masked" in exc.value.message


def test_borderline_temperature_warns() -> None:
    r = run("crs-grade", temperature="37.9 °C")
    assert any("just below" in w for w in r.warnings)


# --- CRS: hypotension and vasopressors ---------------------------------------------------------


@pytest.mark.parametrize(
    ("hypotension", "vasopressors", "vasopressin", "grade"),
    [
        (False, 0, False, 1),
        (True, 0, False, 2),
        (True, 1, False, 3),
        (True, 1, True, 3),  # vasopressin with one other vasopressor is still grade 3
        (True, 0, True, 3),  # vasopressin as the only vasopressor: one vasopressor
        (True, 2, False, 4),
        (True, 2, True, 4),
        (True, 3, False, 4),
    ],
)
def test_hypotension_grades(hypotension: bool, vasopressors: int, vasopressin: bool, grade: int) -> None:
    r = crs(hypotension=hypotension, vasopressors=vasopressors, vasopressin=vasopressin)
    assert r.result["grade"] == grade


def test_vasopressin_is_not_counted_and_says_so() -> None:
    r = crs(hypotension=True, vasopressors=1, vasopressin=True)
    rows = " ".join(row.value for row in r.explanation)
    assert "excludes vasopressin" in rows


def test_vasopressor_without_hypotension_ticked_is_graded_and_warned() -> None:
    r = crs(vasopressors=1)
    assert r.result["grade"] == 3
    assert any("vasopressor was given" in w for w in r.warnings)


@pytest.mark.parametrize("bad", [-1, 11, 1.5, True, "2"])
def test_vasopressor_count_validation(bad: Any) -> None:
    with pytest.raises(CalcInputError) as exc:
        crs(vasopressors=bad)
    assert exc.value.field == "vasopressors"


# --- CRS: hypoxia --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flow", "grade"),
    [("0.5 L/min", 2), ("5.9 L/min", 2), ("6 L/min", 2), ("6.0 L/min", 2), ("6.1 L/min", 3), ("15 lpm", 3)],
)
def test_nasal_cannula_low_vs_high_flow(flow: str, grade: int) -> None:
    r = crs(oxygen_device="nasal_cannula", oxygen_flow=flow)
    assert r.result["grade"] == grade
    assert r.result["hypoxia_grade"] == grade


def test_exactly_6_l_min_boundary_warns() -> None:
    r = crs(oxygen_device="nasal_cannula", oxygen_flow="6 L/min")
    assert any("exactly 6 L/min is low-flow" in w for w in r.warnings)


@pytest.mark.parametrize(
    ("device", "grade"),
    [
        ("none", 1),
        ("blow_by", 2),
        ("high_flow_nasal_cannula", 3),
        ("facemask", 3),
        ("non_rebreather", 3),
        ("venturi", 3),
        ("cpap", 4),
        ("bipap", 4),
        ("mechanical_ventilation", 4),
    ],
)
def test_oxygen_devices(device: str, grade: int) -> None:
    assert crs(oxygen_device=device).result["grade"] == grade


def test_nasal_cannula_requires_flow() -> None:
    with pytest.raises(CalcInputError) as exc:
        crs(oxygen_device="nasal_cannula")
    assert exc.value.field == "oxygen_flow"
    assert "6 L/min" in exc.value.message


def test_nasal_cannula_zero_flow_rejected() -> None:
    with pytest.raises(CalcInputError) as exc:
        crs(oxygen_device="nasal_cannula", oxygen_flow="0 L/min")
    assert exc.value.field == "oxygen_flow"


def test_flow_without_device_rejected() -> None:
    with pytest.raises(CalcInputError) as exc:
        crs(oxygen_flow="4 L/min")
    assert exc.value.field == "oxygen_device"


def test_high_flow_device_at_low_flow_warns_but_grades_by_device() -> None:
    r = crs(oxygen_device="high_flow_nasal_cannula", oxygen_flow="4 L/min")
    assert r.result["grade"] == 3
    assert any("high-flow" in w for w in r.warnings)


def test_worse_of_hypotension_and_hypoxia_sets_grade() -> None:
    # the paper's example: febrile, one vasopressor, low-flow nasal cannula → grade 3
    r = crs(hypotension=True, vasopressors=1, oxygen_device="nasal_cannula", oxygen_flow="2 L/min")
    assert r.result["grade"] == 3
    assert r.result["determined_by"] == ["hypotension"]
    r = crs(hypotension=True, oxygen_device="cpap")
    assert r.result["grade"] == 4
    assert r.result["determined_by"] == ["hypoxia"]
    r = crs(hypotension=True, oxygen_device="blow_by")
    assert r.result["determined_by"] == ["hypotension", "hypoxia"]


def test_crs_result_names_grade_and_management() -> None:
    r = crs(hypotension=True)
    assert r.result["grade_name"] == "grade 2 CRS"
    assert "mmguide toxicity crs --grade 2" in r.result["management"]
    assert "mmguide toxicity" in r.interpretation


@pytest.mark.parametrize(
    "temperature",
    [38.5, "38.5", "38.5 K", {"value": 38.5}, {"value": "38.5", "unit": "°C"}, "50 °C", "29 °C"],
)
def test_temperature_units_and_bare_numbers_rejected(temperature: Any) -> None:
    with pytest.raises(CalcInputError) as exc:
        run("crs-grade", temperature=temperature)
    assert exc.value.field == "temperature"


def test_oxygen_flow_bare_number_rejected() -> None:
    with pytest.raises(CalcInputError) as exc:
        crs(oxygen_device="nasal_cannula", oxygen_flow=4)
    assert exc.value.field == "oxygen_flow"
    assert "L/min" in exc.value.message


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_crs_nan_inf_rejected(bad: float) -> None:
    with pytest.raises(CalcInputError):
        run("crs-grade", temperature={"value": bad, "unit": "°C"})
    with pytest.raises(CalcInputError):
        crs(oxygen_device="nasal_cannula", oxygen_flow={"value": bad, "unit": "L/min"})


def test_crs_unknown_field_and_bad_enum() -> None:
    with pytest.raises(CalcInputError) as exc:
        crs(lactate="2 mmol/L")
    assert exc.value.code == "unknown_field"
    with pytest.raises(CalcInputError) as exc:
        crs(oxygen_device="hood")
    assert exc.value.field == "oxygen_device"
    with pytest.raises(CalcInputError):
        crs(hypotension="yes")


# --- ICANS --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("ice", "grade"), [(10, 0), (9, 1), (7, 1), (6, 2), (3, 2), (2, 3), (0, 3)])
def test_icans_ice_domain(ice: int, grade: int) -> None:
    r = icans(ice_score=ice)
    assert r.result["grade"] == grade
    assert r.result["domain_grades"]["ice"] == grade


@pytest.mark.parametrize(
    ("level", "grade"),
    [
        ("alert", 0),
        ("awakens_spontaneously", 1),
        ("awakens_to_voice", 2),
        ("awakens_to_tactile", 3),
        ("unarousable", 4),
    ],
)
def test_icans_consciousness_levels(level: str, grade: int) -> None:
    r = icans(consciousness=level, ice_score=10)
    assert r.result["grade"] == grade
    assert r.result["domain_grades"]["consciousness"] == grade


def test_ice_zero_awake_is_3_unarousable_is_4() -> None:
    assert icans(ice_score=0, consciousness="alert").result["grade"] == 3
    assert icans(ice_score=0, consciousness="unarousable").result["grade"] == 4
    r = run("icans-grade", consciousness="unarousable")
    assert r.result["grade"] == 4
    assert r.result["domain_grades"]["ice"] == 4
    assert r.result["ice_score"] is None


def test_ice_needed_unless_unarousable() -> None:
    for level in ("alert", "awakens_spontaneously", "awakens_to_voice", "awakens_to_tactile"):
        with pytest.raises(CalcInputError) as exc:
            run("icans-grade", consciousness=level)
        assert exc.value.field == "ice_score"
        assert "ICE" in exc.value.message


def test_consciousness_is_required() -> None:
    with pytest.raises(CalcInputError) as exc:
        run("icans-grade", ice_score=10)
    assert exc.value.field == "consciousness"


def test_unarousable_with_nonzero_ice_warns() -> None:
    r = icans(ice_score=8, consciousness="unarousable")
    assert r.result["grade"] == 4
    assert any("unarousable" in w for w in r.warnings)


@pytest.mark.parametrize(
    ("seizure", "grade"),
    [("none", 0), ("rapidly_resolving", 3), ("eeg_nonconvulsive_resolving", 3), ("prolonged_or_repetitive", 4)],
)
def test_icans_seizure(seizure: str, grade: int) -> None:
    assert icans(seizure=seizure).result["grade"] == grade


def test_icans_paper_example_ice3_with_generalised_seizure_is_3() -> None:
    assert icans(ice_score=3, seizure="rapidly_resolving").result["grade"] == 3


def test_icans_motor_weakness() -> None:
    assert icans(motor_weakness=True).result["grade"] == 4
    assert icans(motor_weakness=False).result["grade"] == 0


@pytest.mark.parametrize(("edema", "grade"), [("none", 0), ("focal", 3), ("diffuse", 4)])
def test_icans_cerebral_edema(edema: str, grade: int) -> None:
    assert icans(cerebral_edema=edema).result["grade"] == grade


@pytest.mark.parametrize("sign", ["posturing", "cn_vi_palsy", "papilledema", "cushings_triad"])
def test_icans_raised_icp_any_sign_is_4(sign: str) -> None:
    r = icans(raised_icp_signs=[sign])
    assert r.result["grade"] == 4
    assert r.result["domain_grades"]["raised_icp_cerebral_edema"] == 4


def test_icans_duplicate_signs_deduplicated_and_bad_sign_rejected() -> None:
    r = icans(raised_icp_signs=["papilledema", "papilledema"])
    assert r.inputs["raised_icp_signs"] == ["papilledema"]
    with pytest.raises(CalcInputError):
        icans(raised_icp_signs=["haemorrhage"])


def test_icans_exclusions_stated() -> None:
    text = icans(ice_score=8).interpretation
    assert "Tremor" in text and "myoclonus" in text and "haemorrhage" in text


def test_icans_from_ice_items() -> None:
    r = run("icans-grade", consciousness="alert", **{**FULL_ICE, "writing": 0, "attention": 0, "commands": 0})
    assert r.result["ice_score"] == 7
    assert r.result["grade"] == 1


def test_icans_items_and_score_not_both() -> None:
    with pytest.raises(CalcInputError) as exc:
        run("icans-grade", consciousness="alert", ice_score=10, **FULL_ICE)
    assert exc.value.field == "ice_score"
    assert "not both" in exc.value.message


def test_icans_items_must_be_complete() -> None:
    with pytest.raises(CalcInputError) as exc:
        run("icans-grade", consciousness="alert", orientation=4, naming=3)
    assert exc.value.field == "commands"


def test_icans_result_names_grade_and_management() -> None:
    r = icans(ice_score=5)
    assert r.result["grade_name"] == "grade 2 ICANS"
    assert "mmguide toxicity icans --grade 2" in r.result["management"]
    assert icans().result["grade_name"] == "no ICANS (grade 0)"


def test_icans_worst_domain_wins() -> None:
    r = icans(ice_score=8, consciousness="awakens_to_voice", cerebral_edema="focal")
    assert r.result["grade"] == 3
    assert r.result["determined_by"] == ["raised_icp_cerebral_edema"]


@pytest.mark.parametrize(("field", "value"), [("ice_score", 11), ("ice_score", -1), ("ice_score", 5.0)])
def test_icans_ice_score_validation(field: str, value: Any) -> None:
    with pytest.raises(CalcInputError) as exc:
        icans(**{field: value})
    assert exc.value.field == field


def test_icans_unknown_field() -> None:
    with pytest.raises(CalcInputError) as exc:
        icans(tremor=True)
    assert exc.value.code == "unknown_field"


def test_results_round_trip_through_inputs() -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        (
            "crs-grade",
            {"temperature": "101 °F", "hypotension": True, "oxygen_device": "nasal_cannula", "oxygen_flow": "3 L/min"},
        ),
        (
            "icans-grade",
            {
                "consciousness": "awakens_to_voice",
                "orientation": 2,
                "naming": 3,
                "commands": 1,
                "writing": 0,
                "attention": 0,
            },
        ),
        ("ice", FULL_ICE),
    ]
    for cid, inp in cases:
        first = REGISTRY[cid].run(inp)
        again = REGISTRY[cid].run({k: v for k, v in first.inputs.items() if v is not None})
        assert again.result == first.result


@pytest.mark.parametrize("cid", ["ice", "crs-grade", "icans-grade"])
def test_schema_lists_fields_and_units(cid: str) -> None:
    schema = REGISTRY[cid].schema()
    assert schema["additionalProperties"] is False
    if cid == "crs-grade":
        temp = schema["properties"]["temperature"]["anyOf"][0]
        assert temp["x-accepted-units"] == ["°C", "°F"]
        assert "vasopressin" in schema["properties"]["vasopressors"]["description"]


def test_decisions_use_the_displayed_precision() -> None:
    # 37.996 °C is shown as 38 °C and is fever; 37.994 °C is shown as 37.99 °C and is not
    assert run("crs-grade", temperature="37.996 °C").result["fever"] is True
    assert run("crs-grade", temperature="37.994 °C").result["fever"] is False
    # 6.004 L/min is shown as 6 L/min and is low-flow
    assert crs(oxygen_device="nasal_cannula", oxygen_flow="6.004 L/min").result["grade"] == 2
    assert crs(oxygen_device="nasal_cannula", oxygen_flow="6.01 L/min").result["grade"] == 3
