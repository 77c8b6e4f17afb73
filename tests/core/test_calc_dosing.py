"""Tocilizumab dose for CRS and the bispecific step-up schedules (EU SmPC vs US label)."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.calculators import dosing
from app.core.calculators.base import REGISTRY, CalcInputError, CalcResult
from app.core.text import quote_key
from app.paths import guideline_seed


def toci(weight: Any) -> CalcResult:
    return REGISTRY["tocilizumab-dose"].run({"weight": weight})


def step_up(**inp: Any) -> CalcResult:
    return REGISTRY["bispecific-step-up"].run(inp)


# --- tocilizumab ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "dose", "capped"),
    [
        ("30 kg", 240.0, False),
        ("70 kg", 560.0, False),
        ("99 kg", 792.0, False),
        ("99.9 kg", 799.2, False),
        ("100 kg", 800.0, False),
        ("100.1 kg", 800.0, True),
        ("150 kg", 800.0, True),
    ],
)
def test_tocilizumab_8_mg_per_kg_with_800_cap(weight: str, dose: float, capped: bool) -> None:
    r = toci(weight)
    assert r.result["dose_mg"] == dose
    assert r.result["capped"] is capped
    assert r.result["max_dose_mg"] == 800.0
    assert r.result["dose_mg"] <= 800.0


def test_tocilizumab_100_kg_shows_the_cap() -> None:
    r = toci("100 kg")
    dose_row = next(e for e in r.explanation if e.item == "Dose")
    assert "800 mg per-dose maximum" in dose_row.value
    r = toci("120 kg")
    assert r.result["computed_mg"] == 960.0
    assert "capped" in next(e for e in r.explanation if e.item == "Dose").value


def test_tocilizumab_pounds() -> None:
    r = toci("220.462 lb")
    assert r.inputs["weight"]["value"] == pytest.approx(100.0, abs=0.001)
    assert r.result["dose_mg"] == 800.0
    assert toci({"value": 154.3236, "unit": "lb"}).result["dose_mg"] == pytest.approx(560.0, abs=0.1)


def test_tocilizumab_limits_and_sources() -> None:
    r = toci("70 kg")
    assert r.result["min_interval_h"] == 8
    assert r.result["max_doses_24h"] == 3
    assert r.result["max_doses_total"] == 4
    assert r.result["label_text_checked"] == dosing.LABEL_TEXT_CHECKED
    assert r.result["guideline"][0] == {
        "quote": "tocilizumab (8 mg/kg infused over 1 h)",
        "location": "Supportive care › Recommendations (grade 2 CRS)",
    }
    assert any("UNCONFIRMED" in w and "RoActemra" in w for w in r.warnings)
    assert r.result["label_dose_under_30kg"] is None


@pytest.mark.parametrize(("weight", "alt"), [("25 kg", 300.0), ("29.9 kg", 358.8)])
def test_tocilizumab_under_30_kg_shows_label_12_mg_per_kg(weight: str, alt: float) -> None:
    r = toci(weight)
    assert r.result["dose_mg"] == pytest.approx(8 * float(weight.split()[0]), abs=0.05)
    assert r.result["label_dose_under_30kg"]["dose_mg"] == alt
    assert any("12 mg/kg" in w for w in r.warnings)


def test_tocilizumab_guideline_quotes_verbatim() -> None:
    seed = guideline_seed()
    if seed is None:
        pytest.skip("guideline text not present")
    text = quote_key(seed.read_text(encoding="utf-8"))
    for q in dosing.TOCILIZUMAB_QUOTES:
        assert quote_key(q["quote"]) in text


@pytest.mark.parametrize(
    "weight", [100, "100", "100 st", "10 kg", {"value": float("nan"), "unit": "kg"}, {"value": 1e400, "unit": "kg"}]
)
def test_tocilizumab_invalid_weight(weight: Any) -> None:
    with pytest.raises(CalcInputError) as exc:
        toci(weight)
    assert exc.value.field == "weight"


def test_tocilizumab_unknown_field() -> None:
    with pytest.raises(CalcInputError) as exc:
        REGISTRY["tocilizumab-dose"].run({"weight": "70 kg", "dose": 3})
    assert exc.value.code == "unknown_field"


# --- bispecific step-up: read from the dosing cards (resources/content/labels) ----------------------


def _doses(r: CalcResult) -> list[tuple[int | None, float]]:
    return [(d["day"], d["dose_mg"]) for d in r.result["doses"]]


def test_teclistamab_70_kg_eu_and_us() -> None:
    eu = step_up(drug="teclistamab", weight="70 kg", region="eu")
    assert _doses(eu) == [(1, 4.2), (3, 21.0), (5, 105.0)]
    assert all("48 h" in d["monitoring"] and "proximity" in d["monitoring"] for d in eu.result["doses"])
    # the EU day 1/3/5 rows were read only in a summary of the SmPC: every dose says so
    assert {d["dose_status"] for d in eu.result["doses"]} == {"UNCONFIRMED"}
    assert any("not the label" in w for w in eu.warnings)
    us = step_up(drug="teclistamab", weight="70 kg", region="us")
    assert _doses(us) == [(1, 4.2), (4, 21.0), (7, 105.0)]
    assert all("hospitalise for 48 h" in d["monitoring"].lower() for d in us.result["doses"])
    assert {d["dose_status"] for d in us.result["doses"]} == {"CONFIRMED"}
    assert any("EU SmPC and US label differ" in w for w in eu.warnings)
    assert "dexamethasone 16 mg" in us.result["premedication"]["text"]
    assert us.result["premedication"]["status"] == "UNCONFIRMED"  # an HCP page, not the label


def test_region_defaults_to_eu() -> None:
    r = step_up(drug="teclistamab", weight="70 kg")
    assert r.result["region"] == "eu"
    assert r.inputs["region"] == "eu"


def test_talquetamab_70_kg() -> None:
    weekly = step_up(drug="talquetamab-weekly", weight="70 kg", region="us")
    assert _doses(weekly) == [(1, 0.7), (4, 4.2), (7, 28.0)]
    biweekly = step_up(drug="talquetamab-biweekly", weight="70 kg", region="us")
    assert _doses(biweekly) == [(1, 0.7), (4, 4.2), (7, 28.0), (10, 56.0)]
    eu = step_up(drug="talquetamab-biweekly", weight="70 kg", region="eu")
    assert _doses(eu) == [(1, 0.7), (3, 4.2), (5, 28.0), (7, 56.0)]
    assert any("every 2 weeks" in t["text"] and "0.8 mg/kg" in t["text"] for t in eu.result["then"])
    eu_weekly = step_up(drug="talquetamab-weekly", weight="70 kg", region="eu")
    assert any("switch" in t["text"] for t in eu_weekly.result["then"])
    # the EU monitoring wording of the step-up phase was not found: never shown as settled
    assert {d["monitoring_status"] for d in eu.result["doses"]} == {"UNCONFIRMED"}
    assert all("not in this guide" in d["monitoring"] for d in eu.result["doses"])


def test_elranatamab_flat_doses_and_monitoring() -> None:
    us = step_up(drug="elranatamab", region="us")
    assert _doses(us) == [(1, 12.0), (4, 32.0), (8, 76.0)]
    mons = [d["monitoring"] for d in us.result["doses"]]
    assert "48 h" in mons[0] and "24 h" in mons[1] and "no monitoring requirement" in mons[2]
    eu = step_up(drug="elranatamab", region="eu", weight="80 kg")
    # the EU text gives the first full dose as "week 2" without a day number
    assert _doses(eu) == [(1, 12.0), (4, 32.0), (None, 76.0)]
    assert eu.result["doses"][2]["when"] == "week 2"
    assert eu.result["weight_kg"] is None
    assert [d["monitoring_status"] for d in eu.result["doses"]][:2] == ["CONFIRMED", "CONFIRMED"]
    assert all("48 h" in d["monitoring"] for d in eu.result["doses"][:2])
    assert any("every-4-weeks" in t["text"] and t["status"] == "UNCONFIRMED" for t in eu.result["then"])


def test_linvoseltamab() -> None:
    us = step_up(drug="linvoseltamab", region="us")
    assert _doses(us) == [(1, 5.0), (8, 25.0), (15, 200.0)]
    assert all("24 h" in d["monitoring"] for d in us.result["doses"][:2])
    assert "not read" in us.result["premedication"]["text"]
    eu = step_up(drug="linvoseltamab", region="eu")
    assert _doses(eu) == [(1, 5.0), (8, 25.0), (15, 200.0)]  # week 2 day 1 = day 8, week 3 day 1 = day 15
    assert "caregiver" in eu.result["doses"][0]["monitoring"]
    assert eu.result["doses"][0]["monitoring_status"] == "CONFIRMED"
    assert eu.result["doses"][1]["monitoring_status"] == "UNCONFIRMED"
    assert "40 mg" in eu.result["premedication"]["text"]
    assert any("every-4-weeks" in w for w in eu.warnings)


@pytest.mark.parametrize("drug", ["teclistamab", "talquetamab-weekly", "talquetamab-biweekly"])
def test_weight_required_for_weight_based(drug: str) -> None:
    with pytest.raises(CalcInputError) as exc:
        step_up(drug=drug)
    assert exc.value.field == "weight"


@pytest.mark.parametrize("drug", list(dosing.STEP_UP_CHOICES))
@pytest.mark.parametrize("region", ["eu", "us"])
def test_every_schedule_has_sources_and_checked_date(drug: str, region: str) -> None:
    r = step_up(drug=drug, weight="70 kg", region=region)
    res = r.result
    assert res["label_source"] and res["label_text_checked"] == "2026-12-06"
    assert res["premedication"]["text"]
    assert len(res["doses"]) >= 3
    days = [d["day"] for d in res["doses"] if d["day"] is not None]
    assert days == sorted(days) and days[0] == 1
    for d in res["doses"]:
        assert set(d) >= {"day", "dose_mg", "monitoring", "dose_status", "monitoring_status"}
        assert d["dose_mg"] > 0
    for status in [d["monitoring_status"] for d in res["doses"]] + [res["premedication"]["status"]]:
        assert status in {"CONFIRMED", "UNCONFIRMED"}
    unconfirmed = [d for d in res["doses"] if d["monitoring_status"] == "UNCONFIRMED"]
    assert len([w for w in r.warnings if w.startswith("UNCONFIRMED (")]) >= len(unconfirmed)


@pytest.mark.parametrize("drug", list(dosing.STEP_UP_CHOICES))
@pytest.mark.parametrize("region", ["eu", "us"])
def test_step_up_is_the_cards_schedule(drug: str, region: str) -> None:
    """One source: every computed step is a step row of the card's schedule fact of that region."""
    from app.core.dosing import catalog, stepup
    from app.core.dosing.assemble import merged

    regimen, option = stepup.CHOICES[drug]
    comp = catalog.current().card(regimen).components[0]
    facts = [
        f for f in merged(catalog.current(), comp)["schedule"]
        if f.region == region and f.text is not None and (option is None or f.option in (None, option))
    ]
    rows = [r for f in facts for r in f.rows if stepup.is_step(r)]
    r = step_up(drug=drug, weight="70 kg", region=region)
    assert [d["step"] for d in r.result["doses"]] == [row.label for row in rows][: len(r.result["doses"])]
    for d, row in zip(r.result["doses"], rows, strict=False):
        assert row.dose is not None
        expected = row.dose.value * 70 if row.dose.per == "kg" else row.dose.value
        assert d["dose_mg"] == pytest.approx(expected, abs=0.01)


def test_guideline_dosing_quotes_verbatim() -> None:
    from app.core.dosing import catalog, stepup

    seed = guideline_seed()
    if seed is None:
        pytest.skip("guideline text not present")
    text = quote_key(seed.read_text(encoding="utf-8"))
    for regimen, _option in stepup.CHOICES.values():
        for g in catalog.current().card(regimen).components[0].guideline:
            assert quote_key(g.source.quote) in text, regimen


def test_weight_units() -> None:
    a = step_up(drug="teclistamab", weight="154.3236 lb")
    assert _doses(a) == [(1, 4.2), (3, 21.0), (5, 105.0)]


@pytest.mark.parametrize(
    ("field", "value"),
    [("drug", "blinatumomab"), ("region", "uk"), ("weight", 70), ("weight", "70"), ("weight", "400 kg")],
)
def test_bispecific_invalid(field: str, value: Any) -> None:
    base: dict[str, Any] = {"drug": "teclistamab", "weight": "70 kg", "region": "eu"}
    with pytest.raises(CalcInputError) as exc:
        step_up(**{**base, field: value})
    assert exc.value.field == field


def test_bispecific_unknown_field() -> None:
    with pytest.raises(CalcInputError) as exc:
        step_up(drug="teclistamab", weight="70 kg", hospital="x")
    assert exc.value.code == "unknown_field"


@pytest.mark.parametrize("cid", ["tocilizumab-dose", "bispecific-step-up"])
def test_schema(cid: str) -> None:
    schema = REGISTRY[cid].schema()
    assert schema["additionalProperties"] is False
    assert "weight" in schema["properties"]
