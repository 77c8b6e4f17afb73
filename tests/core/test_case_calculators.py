"""The calculators run from the case (CALC): inputs from one place, untested markers honest."""

from __future__ import annotations

from tests.core.case_helpers import case, ep, evaluate

LABS = {"b2m": "3.1 mg/L", "albumin": "36 g/L", "ldh_above_uln": False, "creatinine": "95 µmol/L"}
TESTED = {"del17p": False, "t_4_14": False, "t_14_16": False, "t_14_20": False, "gain_1q": False,
          "del1p32": "none", "tp53_mutation": False}


def test_staging_from_labs_and_cytogenetics_with_the_entered_units(bundle):
    calcs = evaluate(bundle, case(labs_at_diagnosis=LABS, cytogenetics=TESTED))["calculators"]
    assert calcs["iss"]["result"]["stage"] == "I"
    assert calcs["iss"]["from_case"] == {"b2m": "labs_at_diagnosis.b2m", "albumin": "labs_at_diagnosis.albumin"}
    assert calcs["iss"]["entered"]["albumin"] == {"value": 36.0, "unit": "g/L"}
    assert calcs["r-iss"]["result"]["stage"] == "I" and "missing" not in calcs["r-iss"]
    assert calcs["r2-iss"]["result"]["group"] == "low"
    assert calcs["high-risk"]["result"]["high_risk"] is False
    assert calcs["high-risk"]["inputs"]["del17p_ccf_pct"] == 0  # del17p false → clonal fraction 0


def test_untested_markers_that_could_change_r_iss_are_missing(bundle):
    cyto = {**TESTED, "t_14_16": None}
    out = evaluate(bundle, case(labs_at_diagnosis={**LABS, "ldh_above_uln": None}, cytogenetics=cyto))
    r_iss = out["calculators"]["r-iss"]
    assert r_iss["result"]["stage"] is None
    assert r_iss["missing"] == ["labs_at_diagnosis.ldh_above_uln", "cytogenetics.t_14_16"]


def test_untested_markers_that_cannot_change_the_answer_give_one_answer_and_a_warning(bundle):
    labs = {"b2m": "6.0 mg/L", "albumin": "30 g/L", "ldh_above_uln": True}
    out = evaluate(bundle, case(labs_at_diagnosis=labs, cytogenetics={"t_4_14": None}))
    r_iss = out["calculators"]["r-iss"]
    assert r_iss["result"]["stage"] == "III" and "missing" not in r_iss
    assert any(w.startswith("r-iss: R-ISS stage III whatever the untested") and "cytogenetics.t_4_14" in w
               for w in out["warnings"])


def test_high_risk_cannot_exclude_and_names_the_tests(bundle):
    out = evaluate(bundle, case(cytogenetics={"del17p": False, "t_4_14": True}))
    fact = out["derived"]["high_risk"]
    assert out["calculators"]["high-risk"]["result"]["high_risk"] is None
    assert fact["value"] is None and "cytogenetics.gain_1q" in fact["missing"]
    positive = evaluate(bundle, case(cytogenetics={"del17p": True, "del17p_ccf_pct": 45}))["derived"]["high_risk"]
    assert positive["value"] is True and "cytogenetics.del17p_ccf_pct" in positive["provenance"]["inputs"]


def test_missing_inputs_are_named_not_guessed(bundle):
    calcs = evaluate(bundle, case())["calculators"]
    assert calcs["iss"] == {"missing": ["labs_at_diagnosis.b2m", "labs_at_diagnosis.albumin"]}
    assert calcs["imwg-frailty"] == {"missing": ["patient.frailty.cci", "patient.frailty.adl", "patient.frailty.iadl"]}
    assert calcs["crcl"] == {"missing": ["patient.sex", "patient.weight", "labs_current.creatinine"]}
    assert calcs["bsa"] == {"missing": ["patient.height", "patient.weight"]}


def test_frailty_body_and_renal_from_the_patient(bundle):
    patient = {"age": 78, "sex": "female", "weight": "60 kg", "height": "160 cm", "ecog": 2,
               "frailty": {"cci_items": {"dementia": True}, "adl": 6, "iadl": 8}}
    out = evaluate(bundle, case(patient=patient, labs_current={"creatinine": "1.0 mg/dL"}))
    calcs = out["calculators"]
    assert calcs["imwg-frailty"]["result"]["points"] == 1
    assert calcs["imwg-frailty"]["from_case"]["cci_items"] == "patient.frailty.cci_items"
    assert out["derived"]["imwg_frailty_score"]["value"] == 1
    assert calcs["simplified-frailty"]["result"]["category"] == "frail"
    assert calcs["crcl"]["result"]["crcl_ml_min"] > 0 and calcs["egfr"]["result"]["egfr_ml_min_1_73m2"] > 0
    assert calcs["bsa"]["inputs"]["method"] == "mosteller"
    assert calcs["tocilizumab-dose"]["result"]["dose_mg"] == 480


def test_creatinine_at_diagnosis_is_used_only_before_any_treatment(bundle):
    patient = {"age": 64, "sex": "male", "weight": "80 kg"}
    labs = {"creatinine": "95 µmol/L"}
    out = evaluate(bundle, case(patient=patient, labs_at_diagnosis=labs))
    assert out["calculators"]["crcl"]["from_case"]["creatinine"] == "labs_at_diagnosis.creatinine"
    assert any("creatinine at diagnosis" in w for w in out["warnings"])
    treated = evaluate(bundle, case(ep("VRd", stop_reason="ongoing"), patient=patient, labs_at_diagnosis=labs))
    assert treated["calculators"]["crcl"] == {"missing": ["labs_current.creatinine"]}


def test_event_time_tools_are_not_applicable(bundle):
    calcs = evaluate(bundle, case())["calculators"]
    for calc_id in ("ice", "crs-grade", "icans-grade", "bispecific-step-up"):
        assert calcs[calc_id] == {"not_applicable": "event-time tool: used at the time of the event, not from the case"}


def test_smm_runs_only_the_smm_calculators(bundle):
    smm = {"m_protein": "2.1 g/dL", "flc_ratio": 25, "bmpc_pct": 15, "fish_abnormality": None}
    out = evaluate(bundle, case(diagnosis="smm", smm=smm, labs_at_diagnosis=LABS))
    calcs = out["calculators"]
    assert calcs["smm-2-20-20"]["result"]["risk_factors"] == 2
    assert calcs["smm-imwg-score"]["result"]["points"] is None  # FISH untested: a range
    assert calcs["iss"]["not_applicable"].startswith("diagnosis is smm")
    assert out["derived"]["high_risk"]["not_applicable"].startswith("diagnosis is smm")
    mm = evaluate(bundle, case())["calculators"]
    assert mm["smm-2-20-20"]["not_applicable"].startswith("diagnosis is mm")
