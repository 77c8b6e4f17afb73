"""Lenalidomide maintenance after ASCT is not the 25 mg (Rd) starting dose (issue 9, item 10)."""

from __future__ import annotations

import pytest

from app.core.calculators.renal_dosing import (
    LENALIDOMIDE_MAINTENANCE,
    LENALIDOMIDE_MAINTENANCE_RENAL,
    MAINTENANCE_CHECKED,
    MAINTENANCE_USES,
    lenalidomide_maintenance,
    lenalidomide_starting_dose,
)

FACTS = [*LENALIDOMIDE_MAINTENANCE, *LENALIDOMIDE_MAINTENANCE_RENAL]


def test_the_confirmed_maintenance_dose_is_10_mg_days_1_to_28():
    (start,) = [f for f in LENALIDOMIDE_MAINTENANCE if f.region == "us" and f.topic == "Starting dose"]
    assert start.status == "CONFIRMED"
    assert "10 mg once daily continuously (Days 1-28 of repeated 28-day cycles)" in start.quote
    (increase,) = [f for f in LENALIDOMIDE_MAINTENANCE if f.topic == "Dose increase"]
    assert "After 3 cycles of maintenance therapy, the dose can be increased to 15 mg once daily" in increase.quote
    assert not any("25 mg" in f.shown or "25 mg" in f.quote for f in LENALIDOMIDE_MAINTENANCE)


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f"{f.region}-{f.topic}")
def test_every_fact_names_its_source_and_is_honest_about_status(fact):
    d = fact.as_dict()
    for key in ("document", "section", "revision", "retrieved_from", "checked"):
        assert d["source"][key], key
    assert d["source"]["checked"] == MAINTENANCE_CHECKED == "2026-12-06"
    if fact.status == "CONFIRMED":
        assert fact.quote, "a confirmed fact carries the label's own words"
    else:
        assert fact.status == "UNCONFIRMED"
        assert not fact.quote and fact.shown.startswith("UNCONFIRMED")


def test_what_was_not_read_stays_unconfirmed():
    by_key = {(f.region, f.topic): f for f in FACTS}
    assert by_key[("eu", "Starting dose")].status == "UNCONFIRMED"
    assert by_key[("eu", "Renal impairment during maintenance")].status == "UNCONFIRMED"
    assert by_key[("us", "Renal impairment during maintenance")].status == "UNCONFIRMED"
    assert by_key[("eu", "Indication")].status == "CONFIRMED"


def test_the_maintenance_card_for_each_maintenance_regimen():
    assert set(MAINTENANCE_USES) == {"R", "DaraR", "IsaR"}
    card = lenalidomide_maintenance("DaraR")
    assert card["use"]["regimen"] == "DaraR" and card["use"]["rd_table_shown"] is True
    assert "not in this guide yet" in card["use"]["partner_note"] and "UNCONFIRMED" in card["use"]["partner_note"]
    assert "NOT the maintenance dose" in card["not_the_25_mg_table"]
    assert lenalidomide_maintenance("R")["use"]["rd_table_shown"] is False
    assert lenalidomide_maintenance("VRd")["use"] is None


@pytest.mark.parametrize("crcl", [20.0, 40.0, 55.0, 90.0])
def test_the_25_mg_table_says_it_is_not_maintenance(crcl):
    d = lenalidomide_starting_dose(crcl).as_dict()
    assert d["table"].startswith("Starting dose with Rd (NOT maintenance)")
    assert "NOT the maintenance dose after ASCT" in d["not_for_maintenance"]
    assert "10 mg once daily continuously (days 1–28" in d["not_for_maintenance"]
    assert "UNCONFIRMED" in d["not_for_maintenance"]
