"""``mmguide regimen IsaPd --patient`` for a 77-year-old (the pharmacist's report): the label subgroup's
20 mg is the dexamethasone dose line, first, in the text and in the JSON; 40 mg is "not for this patient"."""

from __future__ import annotations

import json

PATIENT = {"weight": "70 kg", "age": 77}


def test_text_shows_the_subgroup_dose_first(run):
    code, out = run("--text", "regimen", "IsaPd", "--patient", json.dumps(PATIENT))
    assert code == 0 and isinstance(out, str)
    dex = out[out.index("  dexamethasone:", out.index("Doses for this patient")) :]
    rows = [row for row in dex.splitlines() if row.startswith("    - ")]
    assert rows[0].startswith("    - dexamethasone: subgroup dose (age ≥ 75 years): 20 mg [CONFIRMED]")
    assert rows[0].endswith("THE DOSE FOR THIS PATIENT")
    assert rows[1].startswith("    - dexamethasone: dose: not for this patient: age 77 ≥ 75 (label subgroup: ")
    assert "dexamethasone: dose: 40 mg" not in out


def test_json_patient_dose(run):
    code, card = run("regimen", "IsaPd", "--patient", json.dumps(PATIENT))
    assert code == 0
    dex = next(c for c in card["patient"]["components"] if c["drug"] == "dexamethasone")
    assert dex["patient_dose"]["applies"] == "subgroup" and dex["patient_dose"]["dose"] == "20 mg"
    first, label = dex["lines"]
    assert first["for_patient"] is True and first["subgroup_dose"] and first["status"] == "CONFIRMED"
    assert "SARCLISA" in first["source"]
    assert label["for_patient"] is False and label["result"]["text"] == "40 mg"
    assert label["not_for_patient"].startswith("not for this patient: age 77 ≥ 75")


def test_age_unknown_says_undetermined(run):
    code, out = run("--text", "regimen", "IsaPd", "--region", "us", "--patient", '{"weight": "70 kg"}')
    assert code == 0
    assert "- dexamethasone: dose: 40 mg [UNCONFIRMED] — subgroup undetermined: needs age" in out
