"""``mmguide regimen`` (cli.md, "Regimen dosing cards"): --list, a card per region, --patient, --case,
--text, and errors with exit 2 naming the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "docs" / "examples" / "case-second-line.json"


def test_list_every_regimen_of_the_glossary(run, glossary):
    code, data = run("regimen", "--list")
    assert code == 0
    assert [d["id"] for d in data] == [r.abbr for r in glossary.regimens]
    by_id = {d["id"]: d for d in data}
    assert set(by_id["DaraRd"]) == {"id", "name", "components", "status", "card"}
    assert by_id["DaraRd"]["status"] == "recommended" and by_id["DaraRd"]["card"] is True
    assert by_id["KPd"]["status"] == "not-recommended" and by_id["KPd"]["card"] is False
    assert all(d["card"] for d in data if d["status"] == "recommended")


def test_list_text(run):
    code, out = run("--text", "regimen", "--list")
    assert code == 0 and "DaraRd" in out and "recommended in Figs. 1–3" in out


@pytest.mark.parametrize("region", ["eu", "us"])
def test_card_per_contract(run, region):
    code, card = run("regimen", "DaraRd", "--region", region)
    assert code == 0
    assert {"regimen", "name", "region", "cycle_length_days", "components", "guideline", "warnings"} <= set(card)
    assert card["region"] == region and card["cycle_length_days"] == 28
    comp = card["components"][0]
    assert {"drug", "route", "dose", "cap", "schedule", "alternatives", "premedication", "adjustments", "source",
            "confirmed", "other_region"} <= set(comp)
    assert comp["dose"]["per"] == "kg"
    assert card["guideline"] and all(isinstance(i, str) for i in card["guideline"])


def test_default_region_is_eu(run):
    assert run("regimen", "KRd")[1]["region"] == "eu"


def test_alias_finds_the_card(run):
    code, card = run("regimen", "ciltacabtagene autoleucel")
    assert code == 0 and card["regimen"] == "cilta-cel"


def test_patient_doses(run):
    code, card = run("regimen", "KRd", "--patient", json.dumps(
        {"weight": "80 kg", "height": "170 cm", "age": 80, "sex": "female", "creatinine": "110 µmol/L"}))
    assert code == 0
    p = card["patient"]
    assert p["bsa"]["value"] == 1.944 and p["crcl"]["value"] == 45.5
    carfilzomib = p["components"][0]
    assert carfilzomib["lines"][0]["result"]["value"] == 38.88
    assert "20 mg/m² × 1.944 m² = 38.88 mg" in carfilzomib["lines"][0]["formula"]
    lenalidomide = p["components"][1]
    assert lenalidomide["renal"]["text"].startswith("10 mg once daily")


def test_patient_from_a_case_file(run):
    code, card = run("regimen", "KRd", "--case", str(CASE))
    assert code == 0
    assert {i["name"] for i in card["patient"]["inputs"]} >= {"weight", "height", "age", "creatinine"}
    code, card = run("regimen", "KRd", "--case", str(CASE), "--patient", '{"crcl": "25 mL/min", "creatinine": null}')
    assert code == 0 and card["patient"]["crcl"]["value"] == 25.0


def test_text_is_the_verification_record(run):
    code, out = run("regimen", "IsaPd", "--patient", '{"weight": "70 kg", "age": 76}', "--text")
    assert code == 0
    assert out.startswith("Dosing card: IsaPd")
    assert "Doses for this patient (EU SmPC) — no patient identifiers" in out
    assert "10 mg/kg × 70 kg = 700 mg" in out
    assert "subgroup [APPLIES] age ≥ 75 years" in out
    assert "Myeloma Pocket Guide" in out.splitlines()[-1] and "printed" in out.splitlines()[-1]


@pytest.mark.parametrize(
    ("argv", "code_", "field"),
    [
        (["regimen", "XYZ"], "unknown_regimen", "regimen"),
        (["regimen", "VCd"], "unknown_regimen", "regimen"),
        (["regimen"], "missing_regimen", "regimen"),
        (["regimen", "KRd", "--patient", '{"weight": 70}'], "invalid_patient", "weight"),
        (["regimen", "KRd", "--patient", '{"weight": "70 kg", "name": "X"}'], "unknown_field", "name"),
        (["regimen", "KRd", "--patient", '{"creatinine": "1 mg/dL", "weight": "70 kg"}'], "invalid_patient", "age"),
        (["regimen", "KRd", "--patient", '{"crcl": "40 mL/min", "creatinine": "1 mg/dL"}'], "invalid_patient", "crcl"),
        (["regimen", "KRd", "--patient", "[1]"], "invalid_patient", "patient"),
        (["regimen", "KRd", "--patient", "{"], "invalid_json", "patient"),
    ],
)
def test_errors_exit_2_naming_the_field(run, argv, code_, field):
    code, data = run(*argv)
    assert code == 2
    assert data["error"]["code"] == code_ and data["error"]["field"] == field


def test_region_is_checked(run):
    code, data = run("regimen", "KRd", "--region", "uk")
    assert code == 2 and data["error"]["field"] == "arguments"


def test_a_case_before_any_treatment_doses_from_the_creatinine_at_diagnosis(run, tmp_path):
    """The case's renal rule (case.md §2 labs_current): no current creatinine and no treatment yet →
    the creatinine at diagnosis; once treated, it is not used (the card asks for a current value)."""
    import json

    case = {"case_version": 1, "patient": {"age": 70, "sex": "male", "weight": "72 kg", "height": "175 cm"},
            "labs_at_diagnosis": {"creatinine": "120 µmol/L"}}
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    code, card = run("regimen", "KRd", "--case", str(path))
    assert code == 0
    creatinine = next(i for i in card["patient"]["inputs"] if i["name"] == "creatinine")
    assert (creatinine["value"], creatinine["unit"]) == (1.36, "mg/dL")  # 120 µmol/L ÷ 88.4
    case["treatment_history"] = [{"regimen": "VRd", "role": "induction", "start": "2025-01-06", "cycles": 2,
                                  "stop_reason": "ongoing"}]
    path.write_text(json.dumps(case), encoding="utf-8")
    code, card = run("regimen", "KRd", "--case", str(path))
    assert code == 0
    assert not any(i["name"] == "creatinine" for i in card["patient"]["inputs"])
