"""`mmguide calc … --text` and `mmguide toxicity … --text` read as text, end to end (issue 9)."""

from __future__ import annotations

import json

import pytest

CRCL_OBESE = '{"age": 60, "sex": "male", "weight": "120 kg", "height": "165 cm", "creatinine": "1.2 mg/dL"}'


def test_calc_text_is_readable_not_a_dict(run):
    code, out = run("calc", "crcl", "--input", CRCL_OBESE, "--text")
    assert code == 0 and isinstance(out, str)
    lines = out.splitlines()
    assert lines[0] == "Creatinine clearance (Cockcroft–Gault) with lenalidomide starting dose"
    assert "Result: CrCl 111.1 mL/min (Cockcroft–Gault, actual body weight)" in lines
    assert "  Height: 165 cm" in lines
    assert "Warnings:" in lines and "Rule / references:" in lines
    assert any(line.startswith("  ! Obesity (BMI 44.1 kg/m²") for line in lines)
    assert any(line.startswith("  CrCl on ideal body weight (Devine) 61.4 kg: 56.9 mL/min") for line in lines)
    assert "{'" not in out and "crcl_ml_min" not in out
    assert all(len(line) <= 100 for line in lines)


def test_text_flag_before_the_command_works_too(run):
    code, out = run("--text", "calc", "iss", "--input", '{"b2m": "3 mcg/mL", "albumin": "35 g/l"}')
    assert code == 0
    assert "Result: ISS stage I" in out
    assert "  β2-microglobulin: 3 µg/mL (3 mg/L)" in out
    assert "  Albumin: 35 g/L (3.5 g/dL)" in out


def test_units_as_typed_end_to_end(run):
    raw = {"age": 60, "sex": "male", "weight": "80 KG", "creatinine": "120 umol/L"}
    code, out = run("calc", "crcl", "--input", json.dumps(raw))
    assert code == 0
    assert out["inputs"]["creatinine"] == {"value": pytest.approx(120 / 88.4), "unit": "mg/dL"}
    assert out["entered"]["creatinine"] == {"value": 120.0, "unit": "µmol/L"}
    assert out["headline"] == "CrCl 65.5 mL/min (Cockcroft–Gault, actual body weight)"
    raw["creatinine"] = "120 \u03bcmol/l"  # Greek mu, lower-case l
    code, text = run("calc", "crcl", "--input", json.dumps(raw, ensure_ascii=False), "--text")
    assert "  Creatinine: 120 µmol/L (≈ 1.36 mg/dL)" in text


def test_a_wrong_unit_still_exits_2_naming_the_field(run):
    code, out = run("calc", "iss", "--input", '{"b2m": "3 ug/L", "albumin": "35 g/L"}', "--text")
    assert code == 2
    assert out["error"]["field"] == "b2m"
    assert "accepted units: mg/L, µg/mL, mg/dL" in out["error"]["message"]


def test_r_iss_with_fish_not_tested(run):
    raw = {"b2m": "2 mg/L", "albumin": "4 g/dL", "ldh_above_uln": False, "del17p": None, "t_4_14": None,
           "t_14_16": None}
    code, out = run("calc", "r-iss", "--input", json.dumps(raw))
    assert code == 0
    assert out["result"]["stage"] is None
    assert out["result"]["possible_stages"] == ["I", "II"]
    assert out["result"]["tests_needed"] == ["FISH for del(17p), t(4;14) and t(14;16)"]
    assert out["flowchart_facts"] == {}
    code, text = run("calc", "r-iss", "--input", json.dumps(raw), "--text")
    assert "Result: R-ISS stage I or II: not decided without FISH for del(17p), t(4;14) and t(14;16)" in text
    assert "  del(17p): not tested" in text


def test_r_iss_missing_marker_says_null_is_accepted(run):
    code, out = run("calc", "r-iss", "--input", '{"b2m": "2 mg/L", "albumin": "4 g/dL", "ldh_above_uln": false}')
    assert code == 2
    assert out["error"]["code"] == "missing_field"
    assert "null if it was not tested" in out["error"]["message"]


def test_schema_shows_null_for_untested_markers(run):
    code, schema = run("calc", "r2-iss", "--schema")
    assert code == 0
    for name in ("ldh_above_uln", "del17p", "t_4_14", "gain_1q"):
        assert {"type": "null"} in schema["properties"][name]["anyOf"]
    code, schema = run("calc", "smm-imwg-score", "--schema")
    assert {"type": "null"} in schema["properties"]["fish_abnormality"]["anyOf"]


def test_toxicity_text_shows_notes_and_no_empty_heading(run):
    code, panels = run("toxicity", "icans", "--grade", "1")
    assert code == 0
    code, text = run("toxicity", "icans", "--grade", "1", "--text")
    assert code == 0
    lines = text.splitlines()
    # every note of every statement is printed
    for section in ("box3", "recommendations"):
        for statement in panels[0][section]:
            for note in statement["notes"]:
                assert note.split()[0] in text
            assert statement["source"]["location"].split(",")[0] in text
    assert any("Note: The Recommendations list says" in line for line in lines)
    # a heading is always followed by an item
    headings = [i for i, line in enumerate(lines) if line.startswith("  ") and line.endswith(":")
                and not line.startswith("    ")]
    assert headings
    for i in headings:
        assert i + 1 < len(lines) and lines[i + 1].startswith("    "), lines[i]
    if not panels[0]["doses"]:
        assert "  Doses the guideline gives:" not in lines
