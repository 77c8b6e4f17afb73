"""The local formulary in the flowchart engine: a locally unavailable regimen is ``unavailable`` with a
reason naming the layer, ``local_available`` overrides it for one patient, and fallbacks follow."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.flowchart.engine import FactsError, LocalFormulary, evaluate

FORMULARY = LocalFormulary(
    hospital="St Example University Hospital, Haematology", sequence=3, approved=date(2026, 10, 1),
    reasons={"cilta-cel": "Not commissioned at this centre; refer to the regional CAR-T centre."},
)
FIG2_LEN_CD38_REF = {"lenalidomide_status": "refractory", "anti_cd38_status": "refractory",
                     "bortezomib_status": "sensitive", "car_t_eligible": True}


@pytest.fixture(scope="module")
def figures(bundle):
    return {f.id: f for f in bundle.figures}


def _by(ev, node: str) -> dict[str, object]:
    return {r.regimen: r for r in ev.recommendations if r.node == node}


def test_locally_unavailable_regimen_is_unavailable_with_the_layers_reason(figures, glossary):
    ev = evaluate(figures["fig2"], FIG2_LEN_CD38_REF, glossary, FORMULARY)
    cilta = _by(ev, "r-c-len-cd38-ref")["cilta-cel"]
    assert cilta.status == "unavailable"
    assert cilta.reason == (
        "not on the local formulary (St Example University Hospital, Haematology, layer 3, approved 2026-10-01): "
        "Not commissioned at this centre; refer to the regional CAR-T centre."
    )


def test_without_a_layer_the_same_answers_offer_cilta_cel(figures, glossary):
    ev = evaluate(figures["fig2"], FIG2_LEN_CD38_REF, glossary)
    assert _by(ev, "r-c-len-cd38-ref")["cilta-cel"].status == "applies"


@pytest.mark.parametrize("override", [["cilta-cel"], ["Carvykti"], ["ciltacabtagene autoleucel"], ["car-t"]])
def test_local_available_overrides_the_formulary_for_this_patient(figures, glossary, override):
    ev = evaluate(figures["fig2"], {**FIG2_LEN_CD38_REF, "local_available": override}, glossary, FORMULARY)
    cilta = _by(ev, "r-c-len-cd38-ref")["cilta-cel"]
    assert cilta.status == "applies" and cilta.reason is None


def test_local_available_naming_another_drug_does_not_override(figures, glossary):
    ev = evaluate(figures["fig2"], {**FIG2_LEN_CD38_REF, "local_available": ["teclistamab"]}, glossary, FORMULARY)
    assert _by(ev, "r-c-len-cd38-ref")["cilta-cel"].status == "unavailable"


def test_the_users_own_unavailable_answer_keeps_its_own_reason(figures, glossary):
    ev = evaluate(figures["fig2"], {**FIG2_LEN_CD38_REF, "unavailable": ["cilta-cel"]}, glossary, FORMULARY)
    assert _by(ev, "r-c-len-cd38-ref")["cilta-cel"].reason == "Answered: cilta-cel is not available (unavailable)."


def test_fallbacks_follow_local_unavailability(figures, glossary):
    """Fig. 2 box C: SelVd, BelaVd and Kd are "if other options are not available" (RRMM one prior line,
    Recommendations, bullet 5); with cilta-cel and BelaPd off the local formulary they apply."""
    before = _by(evaluate(figures["fig2"], FIG2_LEN_CD38_REF, glossary, FORMULARY), "r-c-len-cd38-ref")
    assert before["SelVd"].status == "fallback"
    both = LocalFormulary(FORMULARY.hospital, 3, date(2026, 10, 1), {"cilta-cel": "x", "BelaPd": "y"})
    after = _by(evaluate(figures["fig2"], FIG2_LEN_CD38_REF, glossary, both), "r-c-len-cd38-ref")
    assert after["BelaPd"].status == "unavailable" and "not on the local formulary" in (after["BelaPd"].reason or "")
    assert {after[r].status for r in ("SelVd", "BelaVd", "Kd")} == {"applies"}


def test_fig1_second_options_apply_when_both_first_options_are_off_the_formulary(figures, glossary):
    local = LocalFormulary("H", 1, date(2026, 1, 1), {"DaraVRd": "not funded", "IsaVRd": "not funded"})
    ev = evaluate(figures["fig1"], {"asct_eligible": True}, glossary, local)
    box = _by(ev, "te-induction")
    assert box["DaraVRd"].status == box["IsaVRd"].status == "unavailable"
    assert box["DaraVTd"].status == box["VRd"].status == "applies"


def test_a_named_substitute_applies_when_its_regimen_is_off_the_formulary(figures, glossary):
    """DaraVd is named for use if BelaVd is unavailable (Fig. 2)."""
    local = LocalFormulary("H", 1, date(2026, 1, 1), {"BelaVd": "not stocked"})
    facts = {"lenalidomide_status": "refractory", "anti_cd38_status": "naive", "bortezomib_status": "sensitive",
             "car_t_eligible": False}
    box = _by(evaluate(figures["fig2"], facts, glossary, local), "r-b-len-ref")
    assert box["BelaVd"].status == "unavailable"
    assert box["DaraVd"].status == "applies"


def test_unknown_name_in_local_available_is_refused_naming_the_field(figures, glossary):
    with pytest.raises(FactsError) as err:
        evaluate(figures["fig2"], {"local_available": ["cilta-cel", "unobtainium"]}, glossary, FORMULARY)
    assert err.value.field == "local_available.1"
    assert "unobtainium" in err.value.message


def test_local_available_must_be_a_list_of_names(figures, glossary):
    with pytest.raises(FactsError) as err:
        evaluate(figures["fig3"], {"local_available": "cilta-cel"}, glossary, FORMULARY)
    assert err.value.field == "local_available"


def test_unknown_fact_message_lists_local_available(figures, glossary):
    with pytest.raises(FactsError) as err:
        evaluate(figures["fig1"], {"formulary": []}, glossary)
    assert "local_available" in err.value.message


def test_a_formulary_entry_this_content_does_not_know_is_ignored_by_the_engine(figures, glossary):
    local = LocalFormulary("H", 1, date(2026, 1, 1), {"no-such-regimen": "gone"})
    ev = evaluate(figures["fig2"], FIG2_LEN_CD38_REF, glossary, local)
    assert _by(ev, "r-c-len-cd38-ref")["cilta-cel"].status == "applies"
