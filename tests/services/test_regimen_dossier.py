"""A regimen's dossier, the leaf detail and the dosing notes, without Qt (real database).

Evidence tags are checked against the guideline's own sentences (shared/seeds/003_…):
- "DaraVRd and IsaVRd … are recommended as the new SOC regimens [I, A]" (Newly diagnosed MM ›
  Recommendations, bullet 2) — Fig. 1, transplant-eligible induction;
- "In patients who have received only four cycles of DaraVRd induction, two cycles of DaraVRd
  consolidation should be considered [I, B]." (bullet 5) — Fig. 1, consolidation.
"""

from __future__ import annotations

import pytest

from app.core.calculators import renal_dosing
from app.core.dosing.regimen_tables import (
    LENALIDOMIDE_BANDS,
    RENAL_TOPICS,
    lenalidomide_band_rows,
    lenalidomide_table_notes,
    step_up_choices,
)
from app.services.dosing_notes import dosing_notes, renal_statements_for_drug
from app.services.flow_leaf import leaf_from_figure
from app.services.regimen_dossier import leaf_dossier, regimen_dossier


@pytest.fixture(scope="module")
def guide(built_db):
    from app.services.guide import Guide

    return Guide(database=built_db)


def test_daravrd_names_fig1_with_each_leafs_evidence_as_printed(guide, guideline_text):
    d = regimen_dossier(guide, "DaraVRd")
    assert d.abbr == "DaraVRd" and d.regimen.recommended
    assert [c.id for c in d.components] == list(d.regimen.components)
    assert all(c.name == guide.repo.drug(c.id).name for c in d.components)
    assert all(c.classes == tuple(guide.repo.drug(c.id).classes) for c in d.components)
    where = {(a.figure_label, a.node_id): (a.evidence_text, a.tier) for a in d.appearances}
    assert where[("Fig. 1", "te-induction")] == ("[I, A]", "preferred")
    assert where[("Fig. 1", "te-consolidation")] == ("[I, B]", "conditional")
    assert {a.figure_id for a in d.appearances} == {"fig1"}
    for leaf in d.appearances:
        assert leaf.quote in guideline_text, leaf.node_id
        assert leaf.evidence_text.split(" (")[0].strip("[]") in leaf.quote
    assert "ndmm-te-consolidation-daravrd" in [s.id for s in d.statements]
    assert d.has_dosing_card


def test_a_substitute_appears_with_the_regimen_it_replaces(guide):
    d = regimen_dossier(guide, "PVd")
    assert d.appearances and all(a.substitutes_for == "BelaPd" for a in d.appearances)
    assert all(a.tier == "if-unavailable" and a.figure_id == "fig2" for a in d.appearances)
    assert all(a.conditions[0] == "only if BelaPd is unavailable" for a in d.appearances)


def test_cilta_cel_keeps_its_two_conditional_tags_in_fig3(guide):
    d = regimen_dossier(guide, "cilta-cel")
    tcr = next(a for a in d.appearances if (a.figure_id, a.node_id) == ("fig3", "tcr"))
    assert [t for t, _q in tcr.evidence] == ["[I, A]", "[II, B]"]
    assert all(q for _t, q in tcr.evidence)  # each tag with the line it holds for
    # a CAR-T product: the renal statements are the guideline's CAR-T ones
    assert d.dosing.renal and all("car-t" in guide.repo.statement(s.id).topics for s in d.dosing.renal)


def test_a_regimen_outside_the_figures_has_no_appearance(guide):
    d = regimen_dossier(guide, "Rd")
    assert d.appearances == ()
    assert d.dosing.lenalidomide_rows == lenalidomide_band_rows()
    with pytest.raises(KeyError):
        regimen_dossier(guide, "no-such-regimen")


def test_maintenance_regimen_gets_the_maintenance_dose_not_the_25_mg_table(guide):
    d = regimen_dossier(guide, "R")
    assert d.dosing.maintenance is not None
    assert d.dosing.lenalidomide_rows == ()
    assert "not shown for R, a maintenance regimen" in d.dosing.rd_table_hidden
    assert d.dosing_notes[0] == f"Lenalidomide dose — {renal_dosing.MAINTENANCE_POINTER}"


def test_renal_statements_are_those_of_the_drugs(guide):
    d = regimen_dossier(guide, "DaraVRd")
    drugs = set(d.regimen.components)
    assert d.dosing.renal
    for ref in d.dosing.renal:
        s = guide.repo.statement(ref.id)
        assert set(s.topics) & RENAL_TOPICS
        assert drugs & (set(s.drugs) | set(s.topics)) or "DaraVRd" in s.regimens
        assert ref.evidence and ref.text == s.source.quote


def test_leaf_dossier_names_the_statement_and_where_else_it_is_used(guide):
    leaf = leaf_from_figure(guide.figure("fig1"), "te-induction", "DaraVRd")
    c = leaf_dossier(guide, leaf)
    assert c.name == c.dossier.regimen.name
    assert c.statement is not None and c.statement.id == "ndmm-te-induction-quadruplets"
    here = [u for u in c.links if c.is_this_leaf(u)]
    assert len(here) == 1 and here[0].node_title == leaf.node_title
    assert {u.regimen for u in c.links} >= {"DaraVRd", "IsaVRd"}
    # a name the glossary does not hold still gives the box's facts
    fake = leaf_from_figure(guide.figure("fig1"), "te-induction", "DaraVRd")
    fake.regimen = "not-in-glossary"
    empty = leaf_dossier(guide, fake)
    assert empty.dossier is None and empty.name == "not-in-glossary" and empty.trials == ()


def test_step_up_choices_come_from_the_calculator():
    assert step_up_choices("talquetamab") == ("talquetamab-weekly", "talquetamab-biweekly")
    assert step_up_choices("teclistamab") == ("teclistamab",)
    assert step_up_choices("daratumumab") == ()


def test_lenalidomide_bands_follow_both_labels():
    """EU SmPC 25 mg ≥ 50 mL/min, US label adjusts below 60: the 50–< 60 band is where they differ."""
    rows = {r.band: r for r in lenalidomide_band_rows()}
    assert [r.band for r in lenalidomide_band_rows()] == [b.label for b in LENALIDOMIDE_BANDS]
    for band in LENALIDOMIDE_BANDS:
        start = renal_dosing.lenalidomide_starting_dose(band.crcl_ml_min, dialysis=band.dialysis)
        assert rows[band.label].eu.startswith(start.eu.dose) and rows[band.label].differ == start.differ
        assert (f"[{start.us.status}]" in rows[band.label].us) == (start.us.status != "CONFIRMED")
    assert rows["50 to < 60 mL/min"].differ and not rows["≥ 60 mL/min"].differ
    assert rows["50 to < 60 mL/min"].eu.startswith("25 mg")
    notes = lenalidomide_table_notes()
    assert f"EU source: {renal_dosing.LENALIDOMIDE_EU_SOURCE}" in notes
    assert any(n.startswith("US rows [UNCONFIRMED]") for n in notes)
    assert notes[-1] == renal_dosing.RD_TABLE_RECHECK


def test_drug_dosing_notes(guide):
    statements = guide.repo.statements()
    carfilzomib = dosing_notes("carfilzomib", {"carfilzomib"}, renal_statements_for_drug(statements, "carfilzomib", ()))
    assert carfilzomib.carfilzomib_cap is not None
    assert carfilzomib.carfilzomib_cap.source == renal_dosing.CARFILZOMIB_CAP_SOURCE
    assert "2.2 m²" in carfilzomib.carfilzomib_cap.text
    assert [n.drug for n in carfilzomib.label_notes] == ["carfilzomib"]
    assert carfilzomib.lenalidomide_rows == () and carfilzomib.has_label_facts
    tal = dosing_notes("talquetamab", {"talquetamab"}, ())
    assert tal.step_up == ("talquetamab-weekly", "talquetamab-biweekly") and tal.checked
    dex = dosing_notes("dexamethasone", {"dexamethasone"}, ())
    assert not dex.has_label_facts
    assert dex.checked_line.endswith("Check the current label before use.")
