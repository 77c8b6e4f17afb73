"""A label subgroup dose is the patient's dose, like a renal band (pharmacist review, safety): every card
whose label gives a subgroup dose, at the boundary of its condition and with the value unknown; a renal
band and a subgroup on the same component are both shown, neither chosen."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.dosing.assemble import merged, resolve, source_line, status
from app.core.dosing.models import DosingContent, LabelFact
from app.core.dosing.patient import PatientInput, compute
from app.core.dosing.render import patient_lines
from app.core.dosing.subgroup import COMBINE
from tests.core.dosing_helpers import comp, doses

#: every (card, region, drug) whose label gives an age subgroup dose, as the content holds them today
AGE_SUBGROUPS = {
    ("DaraRd", "us", "dexamethasone"),
    ("Rd", "eu", "dexamethasone"),
    ("IsaPd", "eu", "dexamethasone"),
    ("IsaPd", "us", "dexamethasone"),
    ("Pd", "us", "dexamethasone"),
    ("melflufen", "eu", "dexamethasone"),
    ("melflufen", "us", "dexamethasone"),
}




def subgroup_facts(dosing: DosingContent, kind: str) -> list[tuple[str, str, str, LabelFact]]:
    out = []
    for card in dosing.cards:
        if card.same_as is not None:
            continue
        for c in resolve(dosing, card.regimen).components:
            for f in merged(dosing, c)["variants"]:
                if f.text is not None and f.dose is not None and f.when is not None and kind in f.when.needs():
                    out.append((card.regimen, f.region, c.drug, f))
    return out


def age_cases(dosing: DosingContent) -> list[tuple[str, str, str, LabelFact]]:
    return subgroup_facts(dosing, "age")


def test_every_age_subgroup_dose_of_the_content_is_tested(dosing):
    assert {(r, g, d) for r, g, d, _f in age_cases(dosing)} == AGE_SUBGROUPS


def _label_lines(c: dict[str, Any]) -> list[dict[str, Any]]:
    return [line for line in c["lines"] if not line.get("subgroup_dose") and not line.get("renal_adjusted")]


@pytest.mark.parametrize("case", sorted(AGE_SUBGROUPS))
def test_an_age_subgroup_at_its_boundary(dosing, case):
    regimen, region, drug = case
    fact = next(f for r, g, d, f in age_cases(dosing) if (r, g, d) == case)
    assert fact.when is not None and fact.dose is not None
    limit = int(fact.when.age_gte if fact.when.age_gte is not None else fact.when.age_gt + 1)  # type: ignore[operator]
    sign = "≥" if fact.when.age_gte is not None else ">"
    bound = limit if sign == "≥" else limit - 1
    # first age at which the subgroup applies: its dose is the patient's dose line, first
    c = comp(doses(dosing, regimen, region, weight="70 kg", age=limit), drug)
    first = c["lines"][0]
    assert first["subgroup_dose"] and first["for_patient"] is True
    assert first["label"] == f"{c['name']}: subgroup dose ({fact.when.describe()})"
    assert first["result"]["value"] == fact.dose.value
    assert first["status"] == status(fact) and first["source"] == source_line(dosing, fact)
    assert c["patient_dose"]["applies"] == "subgroup" and c["patient_dose"]["dose"] == first["result"]["text"]
    assert c["patient_dose"]["why"].startswith(f"age {limit} {sign} {bound}")
    for line in _label_lines(c):
        assert line["for_patient"] is False
        assert line["not_for_patient"].startswith(f"not for this patient: age {limit} {sign} {bound} (label subgroup: ")
    text = "\n".join(patient_lines(doses(dosing, regimen, region, weight="70 kg", age=limit)))
    block = text[text.index(f"  {c['name']}:\n", text.index("Doses for this patient")) :]
    dose_rows = [row for row in block.splitlines() if row.startswith("    - ")]
    assert "subgroup dose" in dose_rows[0] and "THE DOSE FOR THIS PATIENT" in dose_rows[0]
    assert f"[{status(fact)}]" in dose_rows[0]
    # one year younger: the label dose, the subgroup does not apply
    c = comp(doses(dosing, regimen, region, weight="70 kg", age=limit - 1), drug)
    assert not any(line.get("subgroup_dose") for line in c["lines"])
    assert all(line["for_patient"] is True for line in c["lines"])
    assert all("does not apply" in line["subgroup_note"] for line in _label_lines(c))
    assert c["patient_dose"]["applies"] == "label dose"
    # age unknown: undetermined, said next to each dose, none called the patient's
    c = comp(doses(dosing, regimen, region, weight="70 kg"), drug)
    assert not any(line.get("subgroup_dose") for line in c["lines"])
    assert all(line["for_patient"] is None for line in c["lines"])
    assert all(line["subgroup_note"].startswith("subgroup undetermined: needs age") for line in c["lines"])
    assert c["patient_dose"]["applies"] == "subgroup undetermined"


@pytest.mark.parametrize("age", [74, 75, 77])
def test_isapd_reported_case(dosing, age):
    """The pharmacist's case: IsaPd, 70 kg; 20 mg is the dose from 75 years, 40 mg is never shown as the dose."""
    dex = comp(doses(dosing, "IsaPd", "eu", weight="70 kg", age=age), "dexamethasone")
    text = "\n".join(patient_lines(doses(dosing, "IsaPd", "eu", weight="70 kg", age=age)))
    if age < 75:
        assert dex["lines"][0]["result"]["text"] == "40 mg" and dex["lines"][0]["for_patient"] is True
        assert "- dexamethasone: dose: 40 mg [CONFIRMED]" in text
        return
    assert [(x["result"]["text"], x["for_patient"]) for x in dex["lines"]] == [("20 mg", True), ("40 mg", False)]
    assert "- dexamethasone: subgroup dose (age ≥ 75 years): 20 mg [CONFIRMED] — THE DOSE FOR THIS PATIENT" in text
    assert f"- dexamethasone: dose: not for this patient: age {age} ≥ 75 (label subgroup: ≥ 75 years" in text
    assert "dexamethasone: dose: 40 mg" not in text
    assert text.index("subgroup dose (age ≥ 75 years)") < text.index("not for this patient: age")


@pytest.mark.parametrize(("weight", "mg"), [("60 kg", 30.0), ("61 kg", 40.0), ("60.01 kg", 40.0)])
def test_melflufen_weight_subgroup_at_60_kg(dosing, weight, mg):
    mel = comp(doses(dosing, "melflufen", "eu", weight=weight, age=70), "melphalan-flufenamide")
    first = mel["lines"][0]
    assert first["result"]["value"] == mg and first["for_patient"] is True
    assert bool(first.get("subgroup_dose")) is (mg == 30.0)
    if mg == 30.0:
        assert mel["lines"][1]["for_patient"] is False
        assert mel["lines"][1]["not_for_patient"].startswith("not for this patient: weight 60 kg ≤ 60 kg")


def test_melflufen_without_weight_is_undetermined(dosing):
    mel = comp(doses(dosing, "melflufen", "eu", age=70), "melphalan-flufenamide")
    assert mel["patient_dose"]["applies"] == "subgroup undetermined"
    assert mel["lines"][0]["subgroup_note"].startswith("subgroup undetermined: needs weight")
    assert mel["lines"][0]["for_patient"] is None


@pytest.mark.parametrize("weight", ["70 kg", "100 kg", "120 kg"])
def test_cilta_cel_target_within_the_weight_range_is_kept(dosing, weight):
    """EU: the target 0.75 × 10⁶/kg (≤ 1.0 × 10⁸) lies within each weight range: it stays the dose, the range
    is said next to it (the subgroup range does not replace the label's target)."""
    cel = comp(doses(dosing, "cilta-cel", "eu", weight=weight), "ciltacabtagene-autoleucel")
    (line,) = cel["lines"]
    assert line["for_patient"] is True and not line.get("subgroup_dose")
    assert "this dose lies within it" in line["subgroup_note"]
    assert "the label dose lies within" in cel["patient_dose"]["subgroup"]


def test_elopd_inverted_rule_is_never_applied(dosing):
    for age in (60, 75, 76, 90):
        dex = comp(doses(dosing, "EloPd", "us", weight="70 kg", age=age), "dexamethasone")
        assert not any(line.get("subgroup_dose") for line in dex["lines"])
        assert dex["patient_dose"]["applies"] != "subgroup"


def _with_subgroup(dosing: DosingContent, regimen: str, drug: str, variant: dict[str, Any]) -> DosingContent:
    """A TEST-ONLY copy of the content with one made-up subgroup added (no shipped card has a renal band and
    a subgroup dose on the same drug)."""
    data = dosing.model_dump(mode="json", exclude_none=True)
    card = next(c for c in data["cards"] if c["regimen"] == regimen)
    component = next(c for c in card["components"] if c["drug"] == drug)
    component["variants"] = [*component.get("variants", []), variant]
    return DosingContent.model_validate(data)


def _variant(region: str, value: float, source: dict[str, Any]) -> dict[str, Any]:
    return {
        "region": region,
        "text": f"≥ 75 years: {value:g} mg (TEST ONLY)",
        "confirmed": False,
        "when": {"age_gte": 75},
        "dose": {"value": value, "unit": "mg"},
        "source": source,
        "note": "TEST ONLY: a made-up subgroup to exercise the combination; not a label fact.",
    }


def test_lenalidomide_band_and_a_subgroup_are_both_shown_neither_chosen(dosing):
    base = dosing.model_dump(mode="json", exclude_none=True)
    krd = next(c for c in base["cards"] if c["regimen"] == "KRd")
    lena = next(c for c in krd["components"] if c["drug"] == "lenalidomide")
    source = next(f["source"] for f in lena.get("dose", []) + lena.get("schedule", []) if f.get("source"))
    content = _with_subgroup(dosing, "KRd", "lenalidomide", _variant("eu", 20, source))
    r = compute(content, "KRd", "eu", PatientInput.model_validate({"age": 77, "weight": "70 kg", "crcl": "40 mL/min"}))
    c = comp(r, "lenalidomide")
    renal, sub, *rest = c["lines"]
    assert renal["renal_adjusted"] and sub["subgroup_dose"]
    assert renal["for_patient"] is None and sub["for_patient"] is None
    assert COMBINE in renal["combine_note"] and COMBINE in sub["combine_note"]
    assert c["patient_dose"]["applies"] == "renal band and subgroup" and c["patient_dose"]["dose"] is None
    assert c["patient_dose"]["candidates"] == [renal["result"]["text"], "20 mg"]
    assert rest and all(line["for_patient"] is False for line in rest)
    assert all("CrCl 40 mL/min" in x["not_for_patient"] and "age 77 ≥ 75" in x["not_for_patient"] for x in rest)
    text = "\n".join(patient_lines(r))
    assert "THE DOSE FOR THIS PATIENT" not in text.split("  lenalidomide:")[1].split("  dexamethasone:")[0]
    assert "label does not say how these combine — check the label" in text


def test_renal_band_dose_with_a_subgroup_on_ixazomib(dosing):
    """A label renal band (US: ixazomib CrCl < 30 → 3 mg) and a made-up subgroup: both shown, neither chosen;
    without CrCl the subgroup dose is first but not called the patient's (renal band undetermined)."""
    ixa = next(c for c in resolve(dosing, "IxaRd").components if c.drug == "ixazomib")
    source = next(f.source for f in merged(dosing, ixa)["dose"] if f.source and f.region == "us")
    assert source is not None
    content = _with_subgroup(dosing, "IxaRd", "ixazomib", _variant("us", 2.3, source.model_dump(exclude_none=True)))
    both = comp(
        compute(content, "IxaRd", "us", PatientInput.model_validate({"age": 80, "crcl": "20 mL/min"})), "ixazomib"
    )
    assert [x["result"]["value"] for x in both["lines"][:2]] == [3.0, 2.3]
    assert both["patient_dose"]["applies"] == "renal band and subgroup"
    no_crcl = comp(compute(content, "IxaRd", "us", PatientInput.model_validate({"age": 80})), "ixazomib")
    first = no_crcl["lines"][0]
    assert first["subgroup_dose"] and first["for_patient"] is None
    assert first["renal_note"].startswith("renal band undetermined")
    assert no_crcl["patient_dose"]["applies"] == "subgroup" and no_crcl["patient_dose"]["undetermined"]
    young = comp(compute(content, "IxaRd", "us", PatientInput.model_validate({"crcl": "20 mL/min"})), "ixazomib")
    assert young["lines"][0]["renal_adjusted"] and young["lines"][0]["for_patient"] is None
    assert young["lines"][0]["subgroup_note"].startswith("subgroup undetermined: needs age")
    assert young["patient_dose"]["applies"] == "renal band" and young["patient_dose"]["undetermined"]


def test_two_subgroups_with_different_doses_choose_none(dosing):
    isa = next(c for c in resolve(dosing, "IsaPd").components if c.drug == "dexamethasone")
    source = next(f.source for f in merged(dosing, isa)["variants"] if f.source and f.region == "eu")
    assert source is not None
    extra = {**_variant("eu", 30, source.model_dump(exclude_none=True)), "when": {"age_gte": 70}}
    content = _with_subgroup(dosing, "IsaPd", "dexamethasone", extra)
    dex = comp(compute(content, "IsaPd", "eu", PatientInput.model_validate({"age": 77})), "dexamethasone")
    assert dex["patient_dose"]["applies"] == "subgroups undecided" and dex["patient_dose"]["dose"] is None
    assert not any(line.get("subgroup_dose") for line in dex["lines"])
    assert all(line["for_patient"] is None and COMBINE in line["subgroup_note"] for line in dex["lines"])
    one = comp(compute(content, "IsaPd", "eu", PatientInput.model_validate({"age": 72})), "dexamethasone")
    assert one["lines"][0]["subgroup_dose"] and one["lines"][0]["result"]["value"] == 30.0
