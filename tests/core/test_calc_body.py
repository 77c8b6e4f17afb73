"""Body-surface area (Mosteller, DuBois) and the carfilzomib 2.2 m² cap."""

from __future__ import annotations

import math
from typing import Any

import pytest

from app.core.calculators import body  # noqa: F401  (registers bsa)
from app.core.calculators.base import REGISTRY, CalcInputError, CalcResult
from app.core.text import quote_key
from app.paths import guideline_seed


def bsa(**inp: Any) -> CalcResult:
    return REGISTRY["bsa"].run(inp)


def test_mosteller_reference() -> None:
    r = bsa(height="170 cm", weight="70 kg")
    assert r.result["bsa_m2"] == 1.818
    assert r.result["method"] == "mosteller"
    assert "Mosteller" in r.references[0]


def test_dubois_reference() -> None:
    r = bsa(height="170 cm", weight="70 kg", method="dubois")
    expected = 0.007184 * 170**0.725 * 70**0.425
    assert r.result["bsa_m2"] == pytest.approx(expected, abs=0.0005)
    assert r.result["bsa_m2"] == pytest.approx(1.810, abs=0.001)
    assert r.result["bsa_other_method_m2"] == 1.818
    assert "Du Bois" in r.references[0]


@pytest.mark.parametrize(
    ("height", "weight"),
    [
        ("1.7 m", "70 kg"),
        ({"value": 66.929134, "unit": "in"}, "70 kg"),
        ("170 cm", "154.3236 lb"),
        ("66.929134 inches", {"value": 154.3236, "unit": "lbs"}),
    ],
)
def test_unit_conversions(height: Any, weight: Any) -> None:
    r = bsa(height=height, weight=weight)
    assert r.result["bsa_m2"] == 1.818
    assert r.inputs["height"]["unit"] == "cm"
    assert r.inputs["weight"]["unit"] == "kg"


@pytest.mark.parametrize(
    ("height", "weight", "capped"),
    [
        ("190 cm", "91 kg", False),  # √(190 × 91 / 3600) = 2.1915
        ("200 cm", "87.12 kg", False),  # exactly 2.2 m² → not capped
        ("200 cm", "88 kg", True),  # 2.211 → capped
        ("200 cm", "120 kg", True),
    ],
)
def test_carfilzomib_cap(height: str, weight: str, capped: bool) -> None:
    r = bsa(height=height, weight=weight)
    assert r.result["carfilzomib_cap_applied"] is capped
    if capped:
        assert r.result["carfilzomib_bsa_m2"] == 2.2
        assert r.result["bsa_m2"] > 2.2
        assert any("dosed on 2.2" in w for w in r.warnings)
        assert "capped" in r.interpretation
    else:
        assert r.result["carfilzomib_bsa_m2"] == r.result["bsa_m2"] <= 2.2
    note = r.result["dosing_notes"][0]
    assert note["drug"] == "carfilzomib" and note["cap_applied"] is capped


def test_exactly_cap_value() -> None:
    r = bsa(height="200 cm", weight="87.12 kg")
    assert r.result["bsa_m2"] == 2.2
    assert r.result["carfilzomib_bsa_m2"] == 2.2
    assert any("close to the carfilzomib" in w for w in r.warnings)


def test_melphalan_note_quotes_guideline() -> None:
    r = bsa(height="170 cm", weight="70 kg")
    mel = r.result["dosing_notes"][1]
    assert mel["drug"] == "melphalan"
    assert "100–140 mg/m²" in mel["guideline"][0]["quote"]
    seed = guideline_seed()
    if seed is not None:
        assert quote_key(mel["guideline"][0]["quote"]) in quote_key(seed.read_text(encoding="utf-8"))


def test_methods_differ_warning_at_extremes() -> None:
    r = bsa(height="150 cm", weight="150 kg")
    assert any("differ by more than" in w for w in r.warnings)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("height", 170),
        ("height", "170"),
        ("height", "170 ft"),
        ("height", "90 cm"),
        ("height", "260 cm"),
        ("weight", 70),
        ("weight", "70 g"),
        ("weight", "10 kg"),
        ("weight", {"value": float("nan"), "unit": "kg"}),
        ("weight", {"value": float("inf"), "unit": "kg"}),
        ("weight", {"value": 10**400, "unit": "kg"}),
        ("method", "haycock"),
    ],
)
def test_invalid_inputs(field: str, value: Any) -> None:
    base: dict[str, Any] = {"height": "170 cm", "weight": "70 kg"}
    with pytest.raises(CalcInputError) as exc:
        bsa(**{**base, field: value})
    assert exc.value.field == field


def test_unknown_and_missing_fields() -> None:
    with pytest.raises(CalcInputError) as exc:
        bsa(height="170 cm", weight="70 kg", age=60)
    assert exc.value.code == "unknown_field"
    with pytest.raises(CalcInputError) as exc:
        bsa(height="170 cm")
    assert exc.value.field == "weight"


def test_formula_matches_definition() -> None:
    r = bsa(height="183 cm", weight="95.5 kg")
    assert r.result["bsa_m2"] == round(math.sqrt(183 * 95.5 / 3600), 3)


def test_schema_lists_units() -> None:
    schema = REGISTRY["bsa"].schema()
    assert schema["properties"]["height"]["x-accepted-units"] == ["cm", "m", "in"]
    assert schema["properties"]["weight"]["x-accepted-units"] == ["kg", "lb"]
