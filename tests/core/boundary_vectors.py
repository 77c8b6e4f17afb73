"""The calculators' published boundary vectors: one input on each side of every cut-off, with the answer.

``tests/core/test_boundary_vectors.py`` runs every vector through the calculator and checks the
answer, and ``python tools/test_vectors.py`` renders them as ``docs/test-vectors.md`` for a hospital
pharmacist to check by hand (a test fails when the committed table differs). Each vector's answer
is transcribed from the calculator test it names (``from_test``), whose cut-offs follow the
calculator's published source; a field not given takes the calculator's default
(``mmguide calc ID --schema``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Vector:
    calculator: str
    boundary: str
    inputs: dict[str, Any]
    #: dotted path into the result → the expected value (``doses`` of the step-up helper: (day, mg) pairs)
    expected: dict[str, Any]
    from_test: str
    #: absolute tolerance for numbers the source rounds (the table shows the rounded value)
    tolerance: float = 0.0
    note: str = field(default="")


_ST = "tests/core/test_calc_staging.py"
_HR = "tests/core/test_calc_high_risk.py"
_SMM = "tests/core/test_calc_smm.py"
_FR = "tests/core/test_calc_frailty.py"
_AS = "tests/core/test_calc_astct.py"
_RE = "tests/core/test_calc_renal.py"
_BO = "tests/core/test_calc_body.py"
_DO = "tests/core/test_calc_dosing.py"

R_ISS_BASE = {"ldh_above_uln": False, "del17p": False, "t_4_14": False, "t_14_16": False}
R2_BASE = {"ldh_above_uln": False, "del17p": False, "t_4_14": False, "gain_1q": False}
HR_BASE = {"tp53_mutation": False, "t_4_14": False, "t_14_16": False, "t_14_20": False, "gain_1q": False,
           "del1p32": "none", "b2m": "2 mg/L", "creatinine": "0.9 mg/dL"}
SMM_BASE = {"m_protein": "1 g/dL", "flc_ratio": 5, "bmpc_pct": 12}
FIT = {"age": 70, "cci": 0, "adl": 6, "iadl": 8}
SIMPLE = {"age": 70, "cci": 0, "ecog": 0}
CG = {"sex": "male", "weight": "72 kg", "creatinine": "1.0 mg/dL"}


def _ice(o: int, n: int, c: int, w: int, a: int) -> dict[str, int]:
    return {"orientation": o, "naming": n, "commands": c, "writing": w, "attention": a}


VECTORS: tuple[Vector, ...] = (
    # --- ISS: stage I needs β2M < 3.5 mg/L and albumin ≥ 3.5 g/dL; stage III is β2M ≥ 5.5 mg/L
    Vector("iss", "β2M just below 3.5 mg/L", {"b2m": "3.49 mg/L", "albumin": "3.5 g/dL"}, {"stage": "I"},
           f"{_ST}::test_iss_cutoffs"),
    Vector("iss", "β2M at 3.5 mg/L", {"b2m": "3.5 mg/L", "albumin": "3.5 g/dL"}, {"stage": "II"},
           f"{_ST}::test_iss_cutoffs"),
    Vector("iss", "albumin just below 3.5 g/dL", {"b2m": "3.0 mg/L", "albumin": "3.49 g/dL"}, {"stage": "II"},
           f"{_ST}::test_iss_cutoffs"),
    Vector("iss", "β2M just below 5.5 mg/L", {"b2m": "5.49 mg/L", "albumin": "4.0 g/dL"}, {"stage": "II"},
           f"{_ST}::test_iss_cutoffs"),
    Vector("iss", "β2M at 5.5 mg/L", {"b2m": "5.5 mg/L", "albumin": "4.0 g/dL"}, {"stage": "III"},
           f"{_ST}::test_iss_cutoffs"),
    Vector("iss", "β2M at 5.5 mg/L with low albumin", {"b2m": "5.5 mg/L", "albumin": "2.0 g/dL"}, {"stage": "III"},
           f"{_ST}::test_iss_cutoffs"),
    # --- R-ISS
    Vector("r-iss", "ISS I, standard risk, normal LDH", {"b2m": "3.49 mg/L", "albumin": "3.5 g/dL", **R_ISS_BASE},
           {"stage": "I"}, f"{_ST}::test_r_iss_rules"),
    Vector("r-iss", "ISS III without high-risk CA or high LDH", {"b2m": "5.5 mg/L", "albumin": "4 g/dL", **R_ISS_BASE},
           {"stage": "II"}, f"{_ST}::test_r_iss_rules"),
    Vector("r-iss", "ISS III with high LDH",
           {"b2m": "5.5 mg/L", "albumin": "4 g/dL", **R_ISS_BASE, "ldh_above_uln": True},
           {"stage": "III"}, f"{_ST}::test_r_iss_rules"),
    Vector("r-iss", "ISS II (β2M 5.49 mg/L) with t(14;16)",
           {"b2m": "5.49 mg/L", "albumin": "4 g/dL", **R_ISS_BASE, "t_14_16": True},
           {"stage": "II"}, f"{_ST}::test_r_iss_rules"),
    # --- R2-ISS: ISS II 1, ISS III 1.5, del(17p) 1, high LDH 1, t(4;14) 1, 1q+ 0.5
    Vector("r2-iss", "ISS I, no risk factor", {"b2m": "3 mg/L", "albumin": "4 g/dL", **R2_BASE},
           {"points": 0.0, "group": "low"}, f"{_ST}::test_r2_iss_group_boundaries"),
    Vector("r2-iss", "ISS I with 1q+ (0.5 points)", {"b2m": "3 mg/L", "albumin": "4 g/dL", **R2_BASE, "gain_1q": True},
           {"points": 0.5, "group": "low-intermediate"}, f"{_ST}::test_r2_iss_group_boundaries"),
    Vector("r2-iss", "ISS II with 1q+ (1.5 points)", {"b2m": "4 mg/L", "albumin": "4 g/dL", **R2_BASE, "gain_1q": True},
           {"points": 1.5, "group": "intermediate-high"}, f"{_ST}::test_r2_iss_group_boundaries"),
    Vector("r2-iss", "ISS III with del(17p) (2.5 points)",
           {"b2m": "6 mg/L", "albumin": "4 g/dL", **R2_BASE, "del17p": True},
           {"points": 2.5, "group": "intermediate-high"}, f"{_ST}::test_r2_iss_group_boundaries"),
    Vector("r2-iss", "ISS I with del(17p), t(4;14) and high LDH (3 points)",
           {"b2m": "3 mg/L", "albumin": "4 g/dL", **R2_BASE, "del17p": True, "t_4_14": True, "ldh_above_uln": True},
           {"points": 3.0, "group": "high"}, f"{_ST}::test_r2_iss_group_boundaries"),
    # --- IMS–IMWG high risk (Box 1): del(17p) in ≥ 20 % of plasma cells (cancer clonal fraction)
    Vector("high-risk", "del(17p) CCF just below 20 %", {"del17p_ccf_pct": 19.9, **HR_BASE}, {"high_risk": False},
           f"{_HR}::test_del17p_ccf_cutoff"),
    Vector("high-risk", "del(17p) CCF at 20 %", {"del17p_ccf_pct": 20, **HR_BASE}, {"high_risk": True},
           f"{_HR}::test_del17p_ccf_cutoff"),
    # --- SMM 2/20/20: each factor counts only above its cut-off (> 2 g/dL, > 20, > 20 %)
    Vector("smm-2-20-20", "M-protein at 2 g/dL", {**SMM_BASE, "m_protein": "2 g/dL"}, {"risk_factors": 0},
           f"{_SMM}::test_2_20_20_strict_cutoffs"),
    Vector("smm-2-20-20", "M-protein just above 2 g/dL", {**SMM_BASE, "m_protein": "2.01 g/dL"}, {"risk_factors": 1},
           f"{_SMM}::test_2_20_20_strict_cutoffs"),
    Vector("smm-2-20-20", "M-protein at 20 g/L", {**SMM_BASE, "m_protein": "20 g/L"}, {"risk_factors": 0},
           f"{_SMM}::test_2_20_20_strict_cutoffs"),
    Vector("smm-2-20-20", "FLC ratio at 20", {**SMM_BASE, "flc_ratio": 20}, {"risk_factors": 0},
           f"{_SMM}::test_2_20_20_strict_cutoffs"),
    Vector("smm-2-20-20", "FLC ratio just above 20", {**SMM_BASE, "flc_ratio": 20.01}, {"risk_factors": 1},
           f"{_SMM}::test_2_20_20_strict_cutoffs"),
    Vector("smm-2-20-20", "BMPC at 20 %", {**SMM_BASE, "bmpc_pct": 20}, {"risk_factors": 0},
           f"{_SMM}::test_2_20_20_strict_cutoffs"),
    Vector("smm-2-20-20", "BMPC just above 20 %", {**SMM_BASE, "bmpc_pct": 20.1}, {"risk_factors": 1},
           f"{_SMM}::test_2_20_20_strict_cutoffs"),
    # --- IMWG 2020 SMM score: FLC ratio 10/25/40, M-protein 1.5/3 g/dL, BMPC 15/20/30/40 %
    Vector("smm-imwg-score", "FLC ratio at 10", {**SMM_BASE, "flc_ratio": 10, "fish_abnormality": False},
           {"points": 0}, f"{_SMM}::test_score_bands"),
    Vector("smm-imwg-score", "FLC ratio just above 10", {**SMM_BASE, "flc_ratio": 10.1, "fish_abnormality": False},
           {"points": 2}, f"{_SMM}::test_score_bands"),
    Vector("smm-imwg-score", "FLC ratio just above 40", {**SMM_BASE, "flc_ratio": 40.1, "fish_abnormality": False},
           {"points": 5}, f"{_SMM}::test_score_bands"),
    Vector("smm-imwg-score", "M-protein 1.5 g/dL", {**SMM_BASE, "m_protein": "1.5 g/dL", "fish_abnormality": False},
           {"points": 0}, f"{_SMM}::test_score_bands"),
    Vector("smm-imwg-score", "M-protein 1.6 g/dL", {**SMM_BASE, "m_protein": "1.6 g/dL", "fish_abnormality": False},
           {"points": 3}, f"{_SMM}::test_score_bands"),
    Vector("smm-imwg-score", "M-protein 3.1 g/dL", {**SMM_BASE, "m_protein": "3.1 g/dL", "fish_abnormality": False},
           {"points": 4}, f"{_SMM}::test_score_bands"),
    Vector("smm-imwg-score", "BMPC at 15 %", {**SMM_BASE, "bmpc_pct": 15, "fish_abnormality": False},
           {"points": 0}, f"{_SMM}::test_score_bands"),
    Vector("smm-imwg-score", "BMPC just above 15 %", {**SMM_BASE, "bmpc_pct": 15.1, "fish_abnormality": False},
           {"points": 2}, f"{_SMM}::test_score_bands"),
    Vector("smm-imwg-score", "BMPC just above 40 %", {**SMM_BASE, "bmpc_pct": 40.1, "fish_abnormality": False},
           {"points": 6}, f"{_SMM}::test_score_bands"),
    # --- IMWG frailty: age ≤ 75 0, 76–80 1, > 80 2; CCI ≥ 2 1; ADL ≤ 4 1; IADL ≤ 5 1
    Vector("imwg-frailty", "age 75", {**FIT, "age": 75}, {"points": 0, "category": "fit"}, f"{_FR}::test_age_bands"),
    Vector("imwg-frailty", "age 76", {**FIT, "age": 76}, {"points": 1, "category": "intermediate"},
           f"{_FR}::test_age_bands"),
    Vector("imwg-frailty", "age 80", {**FIT, "age": 80}, {"points": 1}, f"{_FR}::test_age_bands"),
    Vector("imwg-frailty", "age 81", {**FIT, "age": 81}, {"points": 2, "category": "frail"}, f"{_FR}::test_age_bands"),
    Vector("imwg-frailty", "CCI 1", {**FIT, "cci": 1}, {"points": 0}, f"{_FR}::test_cci_cutoff"),
    Vector("imwg-frailty", "CCI 2", {**FIT, "cci": 2}, {"points": 1}, f"{_FR}::test_cci_cutoff"),
    Vector("imwg-frailty", "ADL 5", {**FIT, "adl": 5}, {"points": 0}, f"{_FR}::test_adl_cutoff"),
    Vector("imwg-frailty", "ADL 4", {**FIT, "adl": 4}, {"points": 1}, f"{_FR}::test_adl_cutoff"),
    Vector("imwg-frailty", "IADL 6", {**FIT, "iadl": 6}, {"points": 0}, f"{_FR}::test_iadl_cutoff"),
    Vector("imwg-frailty", "IADL 5", {**FIT, "iadl": 5}, {"points": 1}, f"{_FR}::test_iadl_cutoff"),
    Vector("imwg-frailty", "ADL 4 and IADL 5", {**FIT, "adl": 4, "iadl": 5}, {"points": 2, "category": "frail"},
           f"{_FR}::test_imwg_categories"),
    # --- simplified frailty (Facon 2020): frail at ≥ 2 points
    Vector("simplified-frailty", "ECOG 1", {**SIMPLE, "ecog": 1}, {"points": 1, "category": "non-frail"},
           f"{_FR}::test_simplified_categories"),
    Vector("simplified-frailty", "ECOG 1 and CCI 2", {**SIMPLE, "ecog": 1, "cci": 2},
           {"points": 2, "category": "frail"},
           f"{_FR}::test_simplified_categories"),
    Vector("simplified-frailty", "ECOG 2", {**SIMPLE, "ecog": 2}, {"points": 2, "category": "frail"},
           f"{_FR}::test_simplified_categories"),
    # --- ICE score → ICANS grade implied: 7–9 grade 1, 3–6 grade 2, 0–2 grade 3
    Vector("ice", "ICE 7", _ice(4, 3, 0, 0, 0), {"score": 7, "icans_grade_implied": 1}, f"{_AS}::test_ice_bands"),
    Vector("ice", "ICE 6", _ice(3, 3, 0, 0, 0), {"score": 6, "icans_grade_implied": 2}, f"{_AS}::test_ice_bands"),
    Vector("ice", "ICE 3", _ice(2, 1, 0, 0, 0), {"score": 3, "icans_grade_implied": 2}, f"{_AS}::test_ice_bands"),
    Vector("ice", "ICE 2", _ice(1, 1, 0, 0, 0), {"score": 2, "icans_grade_implied": 3}, f"{_AS}::test_ice_bands"),
    # --- ASTCT CRS: fever ≥ 38.0 °C; hypotension without vasopressor 2, one vasopressor 3, several 4
    Vector("crs-grade", "temperature 37.9 °C", {"temperature": "37.9 °C"}, {"fever": False, "grade": 0},
           f"{_AS}::test_fever_threshold_celsius_and_fahrenheit"),
    Vector("crs-grade", "temperature 38.0 °C", {"temperature": "38.0 °C"}, {"fever": True, "grade": 1},
           f"{_AS}::test_fever_threshold_celsius_and_fahrenheit"),
    Vector("crs-grade", "temperature 100.3 °F", {"temperature": "100.3 °F"}, {"fever": False, "grade": 0},
           f"{_AS}::test_fever_threshold_celsius_and_fahrenheit"),
    Vector("crs-grade", "temperature 100.4 °F", {"temperature": "100.4 °F"}, {"fever": True, "grade": 1},
           f"{_AS}::test_fever_threshold_celsius_and_fahrenheit"),
    Vector("crs-grade", "hypotension, no vasopressor",
           {"temperature": "38.5 °C", "hypotension": True, "vasopressors": 0},
           {"grade": 2}, f"{_AS}::test_hypotension_grades"),
    Vector("crs-grade", "hypotension, one vasopressor", {"temperature": "38.5 °C", "hypotension": True,
                                                         "vasopressors": 1}, {"grade": 3},
           f"{_AS}::test_hypotension_grades"),
    Vector("crs-grade", "hypotension, two vasopressors", {"temperature": "38.5 °C", "hypotension": True,
                                                          "vasopressors": 2}, {"grade": 4},
           f"{_AS}::test_hypotension_grades"),
    # --- ASTCT ICANS, ICE domain
    Vector("icans-grade", "ICE 10, alert", {"ice_score": 10, "consciousness": "alert"}, {"grade": 0},
           f"{_AS}::test_icans_ice_domain"),
    Vector("icans-grade", "ICE 7, alert", {"ice_score": 7, "consciousness": "alert"}, {"grade": 1},
           f"{_AS}::test_icans_ice_domain"),
    Vector("icans-grade", "ICE 6, alert", {"ice_score": 6, "consciousness": "alert"}, {"grade": 2},
           f"{_AS}::test_icans_ice_domain"),
    Vector("icans-grade", "ICE 2, alert", {"ice_score": 2, "consciousness": "alert"}, {"grade": 3},
           f"{_AS}::test_icans_ice_domain"),
    # --- Cockcroft–Gault and the lenalidomide starting dose (EU SmPC / US label, 25 mg Rd regimen)
    Vector("crcl", "reference: (140 − 60) × 72 / (72 × 1.0)", {"age": 60, **CG}, {"crcl_ml_min": 80.0},
           f"{_RE}::test_cg_male_reference"),
    Vector("crcl", "reference: woman 70 y, 60 kg, 1.2 mg/dL (× 0.85)",
           {"age": 70, "sex": "female", "weight": "60 kg", "creatinine": "1.2 mg/dL"}, {"crcl_ml_min": 41.3},
           f"{_RE}::test_cg_textbook_example", tolerance=0.05),
    Vector("crcl", "CrCl 60 mL/min", {"age": 80, **CG},
           {"crcl_ml_min": 60.0, "lenalidomide.eu.dose_mg": 25.0, "lenalidomide.us.dose_mg": 25.0},
           f"{_RE}::test_lenalidomide_bands"),
    Vector("crcl", "CrCl 59 mL/min", {"age": 81, **CG},
           {"crcl_ml_min": 59.0, "lenalidomide.eu.dose_mg": 25.0, "lenalidomide.us.dose_mg": 10.0},
           f"{_RE}::test_lenalidomide_bands", note="EU and US differ"),
    Vector("crcl", "CrCl 50 mL/min", {"age": 90, **CG},
           {"crcl_ml_min": 50.0, "lenalidomide.eu.dose_mg": 25.0, "lenalidomide.us.dose_mg": 10.0},
           f"{_RE}::test_lenalidomide_bands", note="EU and US differ"),
    Vector("crcl", "CrCl 49 mL/min", {"age": 91, **CG},
           {"crcl_ml_min": 49.0, "lenalidomide.eu.dose_mg": 10.0, "lenalidomide.us.dose_mg": 10.0},
           f"{_RE}::test_lenalidomide_bands"),
    Vector("crcl", "CrCl 30 mL/min", {"age": 110, **CG},
           {"crcl_ml_min": 30.0, "lenalidomide.eu.dose_mg": 10.0, "lenalidomide.us.dose_mg": 10.0},
           f"{_RE}::test_lenalidomide_bands"),
    Vector("crcl", "CrCl 29 mL/min", {"age": 111, **CG},
           {"crcl_ml_min": 29.0, "lenalidomide.eu.dose_mg": 7.5, "lenalidomide.us.dose_mg": 15.0},
           f"{_RE}::test_lenalidomide_bands", note="EU and US differ"),
    # --- CKD-EPI 2021
    Vector("egfr", "man 55 y, 1.2 mg/dL", {"age": 55, "sex": "male", "creatinine": "1.2 mg/dL"},
           {"egfr_ml_min_1_73m2": 71.4}, f"{_RE}::test_ckd_epi_male_reference", tolerance=0.1),
    Vector("egfr", "woman 55 y, 0.9 mg/dL", {"age": 55, "sex": "female", "creatinine": "0.9 mg/dL"},
           {"egfr_ml_min_1_73m2": 75.5}, f"{_RE}::test_ckd_epi_female_reference", tolerance=0.1),
    # --- BSA (Mosteller) and the carfilzomib 2.2 m² cap
    Vector("bsa", "Mosteller reference", {"height": "170 cm", "weight": "70 kg"}, {"bsa_m2": 1.818},
           f"{_BO}::test_mosteller_reference"),
    Vector("bsa", "exactly 2.2 m²", {"height": "200 cm", "weight": "87.12 kg"},
           {"bsa_m2": 2.2, "carfilzomib_bsa_m2": 2.2, "carfilzomib_cap_applied": False},
           f"{_BO}::test_carfilzomib_cap"),
    Vector("bsa", "just above 2.2 m²", {"height": "200 cm", "weight": "88 kg"},
           {"carfilzomib_bsa_m2": 2.2, "carfilzomib_cap_applied": True}, f"{_BO}::test_carfilzomib_cap"),
    # --- tocilizumab 8 mg/kg, at most 800 mg per dose
    Vector("tocilizumab-dose", "30 kg", {"weight": "30 kg"}, {"dose_mg": 240.0, "capped": False},
           f"{_DO}::test_tocilizumab_8_mg_per_kg_with_800_cap"),
    Vector("tocilizumab-dose", "99.9 kg", {"weight": "99.9 kg"}, {"dose_mg": 799.2, "capped": False},
           f"{_DO}::test_tocilizumab_8_mg_per_kg_with_800_cap"),
    Vector("tocilizumab-dose", "100 kg", {"weight": "100 kg"}, {"dose_mg": 800.0, "capped": False},
           f"{_DO}::test_tocilizumab_8_mg_per_kg_with_800_cap"),
    Vector("tocilizumab-dose", "100.1 kg", {"weight": "100.1 kg"}, {"dose_mg": 800.0, "capped": True},
           f"{_DO}::test_tocilizumab_8_mg_per_kg_with_800_cap"),
    # --- bispecific step-up (teclistamab 0.06 → 0.3 → 1.5 mg/kg; EU and US days differ)
    Vector("bispecific-step-up", "teclistamab 70 kg, EU", {"drug": "teclistamab", "weight": "70 kg", "region": "eu"},
           {"doses": [(1, 4.2), (3, 21.0), (5, 105.0)]}, f"{_DO}::test_teclistamab_70_kg_eu_and_us"),
    Vector("bispecific-step-up", "teclistamab 70 kg, US", {"drug": "teclistamab", "weight": "70 kg", "region": "us"},
           {"doses": [(1, 4.2), (4, 21.0), (7, 105.0)]}, f"{_DO}::test_teclistamab_70_kg_eu_and_us"),
)


def result_value(result: dict[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of a calculator result (``doses``: (day, mg) pairs)."""
    if path == "doses":
        return [(d["day"], d["dose_mg"]) for d in result["doses"]]
    value: Any = result
    for part in path.split("."):
        value = value[part]
    return value
