"""IMWG frailty score (with Katz, Lawton and Charlson sub-forms) and the simplified frailty scale."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.calculators import frailty
from app.core.calculators.base import REGISTRY, CalcInputError, CalcResult

IMWG = REGISTRY["imwg-frailty"]
SIMPLE = REGISTRY["simplified-frailty"]

FIT: dict[str, Any] = {"age": 70, "cci": 0, "adl": 6, "iadl": 8}
KATZ_ALL = {name: "independent" for name in frailty.KATZ_LABELS}
LAWTON_ALL = dict.fromkeys(frailty.LAWTON_LABELS, 1)


def imwg(**changes: Any) -> CalcResult:
    raw = dict(FIT)
    raw.update(changes)
    return IMWG.run(raw)


def simple(**changes: Any) -> CalcResult:
    raw: dict[str, Any] = {"age": 70, "cci": 0, "ecog": 0}
    raw.update(changes)
    return SIMPLE.run(raw)


def points_of(res: CalcResult) -> float:
    return sum(r.points for r in res.explanation if r.points is not None)


# ---------------------------------------------------------------------------------- IMWG score


@pytest.mark.parametrize(("age", "points"), [(18, 0), (55, 0), (75, 0), (76, 1), (80, 1), (81, 2), (120, 2)])
def test_age_bands(age: int, points: int) -> None:
    assert imwg(age=age).result["points"] == points
    assert simple(age=age).result["points"] == points


@pytest.mark.parametrize(("cci", "points"), [(0, 0), (1, 0), (2, 1), (3, 1), (37, 1)])
def test_cci_cutoff(cci: int, points: int) -> None:
    assert imwg(cci=cci).result["points"] == points
    assert simple(cci=cci).result["points"] == points


@pytest.mark.parametrize(("adl", "points"), [(0, 1), (3, 1), (4, 1), (5, 0), (6, 0)])
def test_adl_cutoff(adl: int, points: int) -> None:
    assert imwg(adl=adl).result["points"] == points


@pytest.mark.parametrize(("iadl", "points"), [(0, 1), (4, 1), (5, 1), (6, 0), (8, 0)])
def test_iadl_cutoff(iadl: int, points: int) -> None:
    assert imwg(iadl=iadl).result["points"] == points


@pytest.mark.parametrize(
    ("changes", "points", "category", "os3"),
    [
        ({}, 0, "fit", "84%"),
        ({"age": 76}, 1, "intermediate", "76%"),
        ({"cci": 2}, 1, "intermediate", "76%"),
        ({"age": 81}, 2, "frail", "57%"),
        ({"adl": 4, "iadl": 5}, 2, "frail", "57%"),
        ({"age": 85, "cci": 3, "adl": 2, "iadl": 1}, 5, "frail", "57%"),
    ],
)
def test_imwg_categories(changes: dict[str, Any], points: int, category: str, os3: str) -> None:
    res = imwg(**changes)
    assert res.result["points"] == points and res.result["category"] == category
    assert points_of(res) == points
    assert f"3-year overall survival {os3}" in res.interpretation
    assert res.flowchart_facts == {"fig1": {"imwg_frailty_score": points}}


def test_imwg_warns_unconfirmed_cutoffs_and_young_age() -> None:
    res = imwg()
    assert any("ADL ≤ 4" in w and "IADL ≤ 5" in w and "check the original paper" in w for w in res.warnings)
    assert not any("< 55" in w for w in res.warnings)
    assert any("< 55" in w for w in imwg(age=54).warnings)
    assert any("next to the ADL cut-off" in w for w in imwg(adl=5).warnings)
    assert any("next to the IADL cut-off" in w for w in imwg(iadl=5).warnings)


def test_cci_explanation_says_unadjusted_without_myeloma() -> None:
    row = next(r for r in imwg().explanation if r.item == "Charlson Comorbidity Index")
    assert "unadjusted for age" in row.value and "not counting the myeloma" in row.value


# -------------------------------------------------------------------------------------- sub-forms


@pytest.mark.parametrize(("dependent", "adl", "points"), [(0, 6, 0), (1, 5, 0), (2, 4, 1), (6, 0, 1)])
def test_katz_items(dependent: int, adl: int, points: int) -> None:
    items = dict(KATZ_ALL)
    for name in list(items)[:dependent]:
        items[name] = "dependent"
    raw = dict(FIT)
    del raw["adl"]
    res = IMWG.run(dict(raw, adl_items=items))
    assert res.result["adl"] == adl
    assert res.result["points"] == points
    assert points_of(res) == points
    assert sum(r.item.startswith("Katz ADL: ") for r in res.explanation) == 6
    assert res.inputs["adl_items"] == items


@pytest.mark.parametrize(("zeros", "iadl", "points"), [(0, 8, 0), (2, 6, 0), (3, 5, 1), (8, 0, 1)])
def test_lawton_items(zeros: int, iadl: int, points: int) -> None:
    items = dict(LAWTON_ALL)
    for name in list(items)[:zeros]:
        items[name] = 0
    raw = dict(FIT)
    del raw["iadl"]
    res = IMWG.run(dict(raw, iadl_items=items))
    assert res.result["iadl"] == iadl and res.result["points"] == points
    assert any("Lawton items" in w for w in res.warnings)


CHARLSON_CASES: list[tuple[dict[str, Any], int]] = [
    ({}, 0),
    *[({name: True}, weight) for name, (_, weight) in frailty.CCI_BOOL_WEIGHTS.items()],
    ({"liver_disease": "mild"}, 1),
    ({"liver_disease": "moderate_severe"}, 3),
    ({"diabetes": "uncomplicated"}, 1),
    ({"diabetes": "end_organ_damage"}, 2),
    ({"solid_tumor": "localized"}, 2),
    ({"solid_tumor": "metastatic"}, 6),
    ({"myocardial_infarction": True, "dementia": True}, 2),
    ({"lymphoma": True, "aids": True, "liver_disease": "moderate_severe"}, 11),
]


@pytest.mark.parametrize(("items", "cci"), CHARLSON_CASES)
def test_charlson_items(items: dict[str, Any], cci: int) -> None:
    raw = dict(FIT)
    del raw["cci"]
    res = IMWG.run(dict(raw, cci_items=items))
    assert res.result["cci"] == cci
    assert res.result["points"] == (1 if cci >= 2 else 0)
    res_s = SIMPLE.run({"age": 70, "cci_items": items, "ecog": 0})
    assert res_s.result["cci"] == cci and res_s.result["points"] == (1 if cci > 1 else 0)


def test_charlson_every_item_at_once() -> None:
    everything: dict[str, Any] = dict.fromkeys(frailty.CCI_BOOL_WEIGHTS, True)
    everything.update(liver_disease="moderate_severe", diabetes="end_organ_damage", solid_tumor="metastatic")
    res = imwg(cci=None, cci_items=everything)
    assert res.result["cci"] == 33


@pytest.mark.parametrize(
    ("raw_changes", "field", "code"),
    [
        ({"adl_items": KATZ_ALL}, "adl", "conflicting_fields"),
        ({"iadl_items": LAWTON_ALL}, "iadl", "conflicting_fields"),
        ({"cci_items": {}}, "cci", "conflicting_fields"),
        ({"adl": None}, "adl", "missing_field"),
        ({"cci": None}, "cci", "missing_field"),
        ({"adl": None, "adl_items": dict(KATZ_ALL, bathing="partly")}, "adl_items.bathing", "invalid_input"),
        (
            {"adl": None, "adl_items": {k: v for k, v in KATZ_ALL.items() if k != "feeding"}},
            "adl_items.feeding",
            "missing_field",
        ),
        ({"iadl": None, "iadl_items": dict(LAWTON_ALL, telephone=0.5)}, "iadl_items.telephone", "invalid_input"),
        ({"iadl": None, "iadl_items": dict(LAWTON_ALL, telephone=True)}, "iadl_items.telephone", "invalid_input"),
        ({"iadl": None, "iadl_items": dict(LAWTON_ALL, telephone=2)}, "iadl_items.telephone", "invalid_input"),
        ({"cci": None, "cci_items": {"dementia": "yes"}}, "cci_items.dementia", "invalid_input"),
        ({"cci": None, "cci_items": {"myeloma": True}}, "cci_items.myeloma", "unknown_field"),
        ({"age": 17}, "age", "invalid_input"),
        ({"age": 121}, "age", "invalid_input"),
        ({"age": 75.5}, "age", "invalid_input"),
        ({"age": True}, "age", "invalid_input"),
        ({"age": "old"}, "age", "invalid_input"),
        ({"cci": 38}, "cci", "invalid_input"),
        ({"cci": -1}, "cci", "invalid_input"),
        ({"adl": 7}, "adl", "invalid_input"),
        ({"adl": 4.5}, "adl", "invalid_input"),
        ({"iadl": 9}, "iadl", "invalid_input"),
        ({"iadl": float("nan")}, "iadl", "invalid_input"),
        ({"katz": 6}, "katz", "unknown_field"),
    ],
)
def test_imwg_invalid_inputs(raw_changes: dict[str, Any], field: str, code: str) -> None:
    with pytest.raises(CalcInputError) as exc:
        imwg(**raw_changes)
    assert exc.value.field == field
    assert exc.value.code == code


def test_imwg_inputs_round_trip() -> None:
    raw = {"age": 79, "cci_items": {"dementia": True}, "adl_items": KATZ_ALL, "iadl": 3}
    res = IMWG.run(raw)
    again = IMWG.run(res.inputs)
    assert again.result == res.result
    assert set(res.inputs) == {"age", "cci_items", "adl_items", "iadl"}


# ------------------------------------------------------------------------------ simplified scale


@pytest.mark.parametrize(("ecog", "points"), [(0, 0), (1, 1), (2, 2), (3, 2), (4, 2)])
def test_ecog_points(ecog: int, points: int) -> None:
    assert simple(ecog=ecog).result["points"] == points


@pytest.mark.parametrize(
    ("changes", "points", "category"),
    [
        ({}, 0, "non-frail"),
        ({"ecog": 1}, 1, "non-frail"),
        ({"age": 76}, 1, "non-frail"),
        ({"cci": 2}, 1, "non-frail"),
        ({"ecog": 1, "cci": 2}, 2, "frail"),
        ({"age": 81}, 2, "frail"),
        ({"ecog": 2}, 2, "frail"),
        ({"age": 90, "cci": 5, "ecog": 4}, 5, "frail"),
    ],
)
def test_simplified_categories(changes: dict[str, Any], points: int, category: str) -> None:
    res = simple(**changes)
    assert res.result["points"] == points and res.result["category"] == category
    assert points_of(res) == points
    figures = "median OS 42.1 months" if category == "frail" else "median OS 70.1 months"
    assert figures in res.interpretation
    assert res.flowchart_facts == {}


@pytest.mark.parametrize(("field", "value"), [("ecog", 5), ("ecog", -1), ("ecog", True), ("ecog", 1.5)])
def test_simplified_invalid(field: str, value: Any) -> None:
    with pytest.raises(CalcInputError) as exc:
        simple(**{field: value})
    assert exc.value.field == field
