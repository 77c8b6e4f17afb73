"""One source of truth per calculator (issue 11, item 3): title, group, order, scored-or-not, field
labels and headline are declared on its registration, and every listing reads them from there."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

import app.core.calculators.all  # noqa: F401  (registers every calculator)
from app.core.calculators.all import ORDER, grouped, listed
from app.core.calculators.base import GROUPS, REGISTRY, CalcInput, CalcResult, Calculator, register
from app.core.calculators.presentation import result_text
from tests.core.boundary_vectors import VECTORS

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contracts" / "cli.md"


def contract_ids() -> list[str]:
    path = Path(os.environ.get("MMGUIDE_CLI_CONTRACT", CONTRACT))
    if not path.is_file():
        pytest.fail(f"the CLI contract is needed for the listing order: {path} (set MMGUIDE_CLI_CONTRACT)")
    line = next(ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("IDs: "))
    return re.findall(r"`([a-z0-9-]+)`", line)


def test_listing_order_is_the_contracts_order() -> None:
    assert list(ORDER) == contract_ids()
    assert [c.id for c in listed()] == list(ORDER)


def test_groups_list_every_calculator_once_in_the_listing_order() -> None:
    groups = grouped()
    assert [name for name, _ in groups] == list(GROUPS)
    assert all(ids for _, ids in groups), "a group with no calculator"
    assert [i for _, ids in groups for i in ids] == list(ORDER)
    for name, ids in groups:
        assert {REGISTRY[i].group for i in ids} == {name}


@pytest.mark.parametrize("calc_id", sorted(REGISTRY))
def test_every_calculator_declares_everything_every_face_shows(calc_id: str) -> None:
    calc = REGISTRY[calc_id]
    assert calc.title.strip() and calc.reference.strip()
    assert calc.group in GROUPS
    assert isinstance(calc.order, int) and isinstance(calc.scored, bool)
    assert set(calc.field_labels) == set(calc.input_model.model_fields)
    assert all(label.strip() and "_" not in label for label in calc.field_labels.values())
    assert callable(calc.headline)


def test_orders_are_distinct() -> None:
    orders = [c.order for c in REGISTRY.values()]
    assert len(set(orders)) == len(orders)


def test_scored_calculators_are_the_scores_and_grades() -> None:
    scored = {c.id for c in REGISTRY.values() if c.scored}
    assert scored == set(ORDER[: ORDER.index("icans-grade") + 1])


# ------------------------------------------------------------------ the registration refuses gaps


class _TwoFields(CalcInput):
    alpha: int = Field(default=1)
    beta_value: int = Field(default=2)


def _compute(_inp: _TwoFields) -> CalcResult:
    raise AssertionError("never run")


def _make(**overrides: Any) -> Calculator[Any]:
    spec: dict[str, Any] = {
        "headline": lambda r: "x",
        "group": GROUPS[0],
        "order": 999,
        "scored": False,
        "field_labels": {"alpha": "Alpha", "beta_value": "Beta value"},
    } | overrides
    return Calculator("probe", "Probe", "ref", _TwoFields, _compute, **spec)


def test_a_calculator_without_a_label_for_a_field_is_refused() -> None:
    with pytest.raises(ValueError, match=r"field labels missing for \['beta_value'\]"):
        _make(field_labels={"alpha": "Alpha"})


def test_a_label_for_a_field_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValueError, match=r"for no field: \['gamma'\]"):
        _make(field_labels={"alpha": "Alpha", "beta_value": "Beta", "gamma": "Gamma"})


def test_an_empty_label_or_an_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError, match="empty field labels"):
        _make(field_labels={"alpha": "Alpha", "beta_value": " "})
    with pytest.raises(ValueError, match="is not one of"):
        _make(group="Miscellaneous")


def test_a_calculator_without_group_order_scored_labels_or_headline_cannot_be_made() -> None:
    for missing in ("headline", "group", "order", "scored", "field_labels"):
        spec: dict[str, Any] = {
            "headline": lambda r: "x",
            "group": GROUPS[0],
            "order": 999,
            "scored": False,
            "field_labels": {"alpha": "Alpha", "beta_value": "Beta value"},
        }
        del spec[missing]
        with pytest.raises(TypeError, match=missing):
            Calculator("probe", "Probe", "ref", _TwoFields, _compute, **spec)


def test_a_second_calculator_at_a_taken_place_is_refused() -> None:
    with pytest.raises(ValueError, match="order 1 is already iss's"):
        register(_make(order=1))
    assert "probe" not in REGISTRY


# ------------------------------------------------------------------ headlines, from core, for all


def test_every_calculator_has_boundary_vectors() -> None:
    assert {v.calculator for v in VECTORS} == set(ORDER)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v.calculator}:{v.boundary}")
def test_a_headline_is_produced_for_every_valid_example(vector: Any) -> None:
    calc = REGISTRY[vector.calculator]
    res = calc.run(vector.inputs)
    assert res.headline == calc.headline(res.result)
    assert res.headline.strip() and res.headline != calc.title
    assert f"Result: {res.headline}" in result_text(res.model_dump(mode="json"))


def test_plain_text_labels_each_input_by_its_calculators_own_label() -> None:
    res = REGISTRY["high-risk"].run({"del17p_ccf_pct": 30, "t_14_20": True, "b2m": None, "creatinine": None})
    lines = result_text(res.model_dump(mode="json")).splitlines()
    assert "  del(17p) clonal fraction (%): 30" in lines
    assert "  t(14;20): yes" in lines


def test_plain_text_says_points_only_for_a_scored_calculator() -> None:
    r2 = {"b2m": "6 mg/L", "albumin": "3 g/dL", "ldh_above_uln": True, "del17p": False, "t_4_14": False,
          "gain_1q": False}
    scored = result_text(REGISTRY["r2-iss"].run(r2).model_dump(mode="json"))
    plain = result_text(REGISTRY["bsa"].run({"height": "180 cm", "weight": "80 kg"}).model_dump(mode="json"))
    assert re.search(r"\[[\d.]+ points\]", scored)
    assert re.search(r"\[[\d.]+\]", plain) and " points]" not in plain
