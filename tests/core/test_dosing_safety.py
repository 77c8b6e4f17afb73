"""What a ward pharmacist found wrong on the dosing cards (safety): the renal band IS the patient's dose,
every lenalidomide card applies the renal rows, one renal statement per drug from a source, step-up
steps without a day never print "None", and the dexamethasone subgroup status next to the dose."""

from __future__ import annotations

import pytest

from app.core.calculators import dosing as calc_dosing
from app.core.calculators.base import REGISTRY
from app.core.calculators.presentation import result_text
from app.core.calculators.renal_dosing import GUIDELINE_RENAL_QUOTES, lenalidomide_starting_dose, other_drug_notes
from app.core.dosing.assemble import merged, resolve
from app.core.dosing.models import DosingContent
from app.core.dosing.render import patient_lines
from app.paths import guideline_seed
from tests.core.dosing_helpers import comp, doses

TESTER = {"weight": "58 kg", "height": "160 cm", "age": 77, "sex": "female", "creatinine": "160 µmol/L"}
MAINTENANCE = {"R", "DaraR", "IsaR"}




def lenalidomide_cards(dosing: DosingContent) -> list[str]:
    return sorted(
        c.regimen
        for c in dosing.cards
        if c.same_as is None and any(x.drug == "lenalidomide" for x in resolve(dosing, c.regimen).components)
    )


def test_the_tester_patient_gets_the_severe_band_as_the_krd_dose(dosing):
    """CrCl 23.8 mL/min: the first lenalidomide line is the EU < 30 row, 25 mg is "not for this patient"."""
    r = doses(dosing, "KRd", "eu", **TESTER)
    assert r["crcl"]["value"] == 23.8
    lena = comp(r, "lenalidomide")
    first, *rest = lena["lines"]
    row = lenalidomide_starting_dose(23.8).eu
    assert first["renal_adjusted"] and first["for_patient"] is True
    assert first["result"]["text"] == row.dose and first["status"] == "UNCONFIRMED" == row.status
    assert first["source"] == row.source
    assert lena["patient_dose"]["applies"] == "renal band"
    assert "CrCl 23.8 mL/min < 30" in lena["patient_dose"]["why"]
    assert rest and all(line["for_patient"] is False for line in rest)
    assert all(line["not_for_patient"].startswith("not for this patient: CrCl 23.8 mL/min < 30") for line in rest)
    text = "\n".join(patient_lines(r))
    assert text.index(row.dose) < text.index("days 1–21, once daily, 25 mg: not for this patient")
    assert "25 mg: 25 mg [CONFIRMED]" not in text


@pytest.mark.parametrize(
    ("region", "crcl", "dialysis", "mg"),
    [
        ("eu", 50.0, False, None),
        ("eu", 49.9, False, 10.0),
        ("eu", 30.0, False, 10.0),
        ("eu", 29.9, False, 7.5),
        ("us", 60.0, False, None),
        ("us", 59.9, False, 10.0),
        ("us", 30.0, False, 10.0),
        ("us", 29.9, False, 15.0),
        ("eu", 12.0, True, 5.0),
        ("us", 12.0, True, 5.0),
    ],
)
def test_the_patient_dose_at_the_band_boundaries(dosing, region, crcl, dialysis, mg):
    r = doses(dosing, "Rd", region, crcl=f"{crcl} mL/min", dialysis=dialysis)
    lena = comp(r, "lenalidomide")
    if mg is None:
        assert lena["patient_dose"]["applies"] == "label dose"
        assert not any(line.get("renal_adjusted") for line in lena["lines"])
        assert all(line["for_patient"] is True for line in lena["lines"])
        assert all("no adjustment" in line["renal_note"] for line in lena["lines"])
    else:
        first = lena["lines"][0]
        assert first["renal_adjusted"] and first["result"]["value"] == mg
        assert all(line["for_patient"] is False for line in lena["lines"][1:])
        why = lena["patient_dose"]["why"]
        assert ("on dialysis" in why) if dialysis else (f"CrCl {crcl:g} mL/min <" in why)


def test_without_a_clearance_the_band_is_undetermined_next_to_the_dose(dosing):
    lena = comp(doses(dosing, "KRd", "eu", weight="70 kg", height="170 cm"), "lenalidomide")
    assert lena["patient_dose"]["applies"] == "renal band undetermined"
    assert lena["lines"] and all(line["for_patient"] is None for line in lena["lines"])
    assert all(line["renal_note"].startswith("renal band undetermined") for line in lena["lines"])


def test_an_adjusting_label_band_of_another_drug_is_the_dose_too(dosing):
    """Ixazomib US: CrCl < 30 → 3 mg (UNCONFIRMED, a drugs.com summary): that line comes first."""
    ixa = comp(doses(dosing, "IxaRd", "us", crcl="25 mL/min"), "ixazomib")
    assert ixa["lines"][0]["renal_adjusted"] and ixa["lines"][0]["result"]["value"] == 3.0
    assert ixa["lines"][0]["status"] == "UNCONFIRMED"
    assert all(line["for_patient"] is False for line in ixa["lines"][1:])


def test_every_lenalidomide_card_shows_its_renal_adjustment(dosing):
    """CrCl 23.8: no lenalidomide card says "not in this guide" for renal; the non-Rd regimens are UNCONFIRMED."""
    cards = lenalidomide_cards(dosing)
    assert {"KRd", "Rd", "DaraRd", "EloRd", "IxaRd", "VRd", "DaraVRd", "IsaVRd", "R", "DaraR"} <= set(cards)
    for regimen in cards:
        for region in ("eu", "us"):
            r = doses(dosing, regimen, region, **TESTER)
            renal = comp(r, "lenalidomide")["renal"]
            assert renal["status"] != "NOT FOUND", (regimen, region)
            if regimen in MAINTENANCE:
                assert renal["status"] == "UNCONFIRMED" and "maintenance" in renal["text"]
                assert "replaces" not in renal
                continue
            row = getattr(lenalidomide_starting_dose(23.8), region)
            assert renal["band"] == row.band and renal["text"] == row.dose, (regimen, region)
            assert comp(r, "lenalidomide")["patient_dose"]["applies"] == "renal band"
            if regimen in {"VRd", "DaraVRd", "IsaVRd"}:
                assert renal["status"] == "UNCONFIRMED"
                assert renal["warnings"][0].startswith(f"UNCONFIRMED for {regimen}")


def test_the_non_rd_regimens_keep_an_unconfirmed_status_even_for_a_confirmed_row(dosing):
    renal = comp(doses(dosing, "VRd", "eu", crcl="40 mL/min"), "lenalidomide")["renal"]
    assert lenalidomide_starting_dose(40).eu.status == "CONFIRMED"
    assert renal["status"] == "UNCONFIRMED" and renal["text"] == "10 mg once daily"
    assert comp(doses(dosing, "Rd", "eu", crcl="40 mL/min"), "lenalidomide")["renal"]["status"] == "CONFIRMED"


def test_no_renal_note_is_from_memory():
    """Pomalidomide EU and carfilzomib: the guideline's sentence, the label text marked not confirmed."""
    seed = " ".join(guideline_seed().read_text(encoding="utf-8").split())
    for note in other_drug_notes(23.8) + other_drug_notes(10.0, dialysis=True):
        assert "best knowledge" not in note.source.lower() + note.note.lower()
    by_id = {q.id: q for q in GUIDELINE_RENAL_QUOTES}
    for drug, quote_id in (("carfilzomib", "renal-rec-carfilzomib"), ("pomalidomide", "renal-rec-pomalidomide")):
        quote = by_id[quote_id].quote
        assert quote in seed
        note = next(n for n in other_drug_notes(23.8) if n.drug == drug and quote in n.note)
        assert "not confirmed in a source — check the label" in note.note and note.status == "UNCONFIRMED"
    carfilzomib = next(n for n in other_drug_notes(12.0) if n.drug == "carfilzomib")
    assert "≤ 15 mL/min, outside that statement" in carfilzomib.note


def test_carfilzomib_card_row_band_and_notes_say_the_same(dosing):
    r = doses(dosing, "KRd", "eu", **TESTER)
    renal = comp(r, "carfilzomib")["renal"]
    quote = next(q.quote for q in GUIDELINE_RENAL_QUOTES if q.id == "renal-rec-carfilzomib")
    assert renal["status"] == "NOT FOUND" and any(quote in g for g in renal["guideline"])
    card = resolve(dosing, "KRd")
    facts = merged(dosing, next(c for c in card.components if c.drug == "carfilzomib"))["renal"]
    assert all(f.text is None and quote in f.note for f in facts)
    label_notes = [n for n in other_drug_notes(23.8) if n.drug == "carfilzomib"]
    assert len(label_notes) == 1 and "No starting-dose adjustment" not in label_notes[0].note


@pytest.mark.parametrize("choice", calc_dosing.STEP_UP_CHOICES)
@pytest.mark.parametrize("region", ["eu", "us"])
def test_no_step_prints_none(choice, region):
    calc = REGISTRY["bispecific-step-up"]
    result = calc.run({"drug": choice, "region": region, "weight": "70 kg"})
    d = result.model_dump()
    d["headline"] = calc.headline(d["result"])
    assert "None" not in d["headline"]
    assert "None" not in result_text(d)
    for step in d["result"]["doses"]:
        assert step["when"]


def test_elranatamab_eu_week_2(dosing):
    result = REGISTRY["bispecific-step-up"].run({"drug": "elranatamab", "region": "eu"})
    headline = calc_dosing.bispecific_headline(result.result)
    assert "week 2: 76 mg" in headline and "None" not in headline
    d = result.model_dump()
    assert "  Week 2 (first treatment dose): 76 mg" in result_text(d)


def test_no_dosing_card_prints_none(dosing):
    for card in dosing.cards:
        r = doses(dosing, card.regimen, "eu", **TESTER)
        assert "None" not in "\n".join(patient_lines(r)), card.regimen


def test_dexamethasone_at_77_carries_the_subgroup_status(dosing):
    dex = comp(doses(dosing, "KRd", "eu", **TESTER), "dexamethasone")
    line = dex["lines"][0]
    assert line["result"]["value"] == 40.0  # no new dose
    assert line["subgroup"]["status"] == "NOT IN THIS GUIDE"
    assert "age 77" in line["subgroup"]["text"] and "none is applied here" in line["subgroup"]["text"]
    young = comp(doses(dosing, "KRd", "eu", **{**TESTER, "age": 60}), "dexamethasone")
    assert "subgroup" not in young["lines"][0]
    # a card whose label gives the subgroup dose shows that dose, not this flag
    assert "subgroup" not in comp(doses(dosing, "IsaPd", "eu", age=77), "dexamethasone")["lines"][0]
