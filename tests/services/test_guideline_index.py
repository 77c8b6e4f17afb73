"""The guideline cross-index without Qt (real database built from resources/content)."""

from __future__ import annotations

import pytest

from app.services.guideline_index import GuidelineIndex, Place, page_for_section
from app.services.statement_uses import statement_uses


@pytest.fixture(scope="module")
def guide(built_db):
    from app.services.guide import Guide

    return Guide(database=built_db)


@pytest.fixture(scope="module")
def index(guide):
    return GuidelineIndex.load(guide)


def test_a_statement_links_to_the_boxes_and_regimens_that_rest_on_it(guide, index):
    boxes = index.used_in("rrmm2-len-refractory-cilta-cel")
    assert [(b.figure_label, b.node) for b in boxes] == [("Fig. 2", "r-b-len-ref")]
    assert boxes[0].node_title == guide.figure("fig2").node("r-b-len-ref").title
    assert [u.regimen for u in boxes[0].regimens] == ["cilta-cel"]
    assert index.used_in("no-such-statement") == ()


def test_every_use_names_a_box_that_lists_the_regimen(guide, index):
    """The index agrees with the figures: each (box, regimen) lists that regimen, as an item or a substitute."""
    count = 0
    for statement_id, uses in index.uses.items():
        assert statement_id in index.statement_by_id
        assert uses == statement_uses(guide, statement_id)
        for use in uses:
            node = guide.figure(use.figure).node(use.node)
            listed = {i.regimen for i in node.items} | {s.regimen for i in node.items for s in i.substitutes}
            assert use.regimen in listed, use
            count += 1
    assert count > 50


def test_substitutes_are_marked(index):
    uses = [u for us in index.uses.values() for u in us if u.as_substitute]
    assert uses and {u.regimen for u in uses} >= {"PVd"}


def test_a_box2_bullet_is_also_in_the_text(index):
    text = index.statement_by_id["sup-bone-antiresorptive-osteolytic"]
    places = index.also_in(text)
    assert [(p.statement_id, p.label) for p in places] == [
        ("box2-bone-antiresorptive-osteolytic", "Box 2 › Bone disease")
    ]
    assert places[0].location == index.statement_by_id["box2-bone-antiresorptive-osteolytic"].source.location
    # one place per location, even when a bullet is split into several statements
    for s in index.statements:
        locations = [p.location for p in index.also_in(s)]
        assert len(locations) == len(set(locations))


def test_conflicts_link_both_passages(index):
    assert {s.id for s in index.conflict_statements["icans-g2-dexamethasone"]} == {
        "sup-icans-g2",
        "box3-icans-g2-dexamethasone",
    }
    for cid, statements in index.conflict_statements.items():
        for s in statements:
            assert cid in index.conflicts_of(s)


def test_erratum_targets(index):
    assert index.erratum_target("fig2").kind == "figure" and index.erratum_target("fig2").label == "Fig. 2"
    rec = index.erratum_target("rrmm-2l-recs")
    assert rec.kind == "section"
    assert rec.label == "Patients who have received one prior line of treatment › Recommendations"
    trial = index.erratum_target("CEPHEUS")
    assert trial.kind == "trial" and trial.payload == "DaraVRd"
    assert index.erratum_target("PVd").kind == "regimen"
    for erratum_id, statements in index.flagged.items():
        assert all(erratum_id in s.errata for s in statements)


def test_sections(index):
    assert index.path("ndmm-recs") == "Newly diagnosed multiple myeloma › Recommendations"
    for section in index.sections:
        assert index.count(section.id) >= len(index.by_section.get(section.id, []))
    top = [s for s in index.sections if s.parent is None]
    assert sum(index.count(s.id) for s in top) == len(index.statements)


def test_names_resolve_to_places(index):
    s = index.statement_by_id["rrmm2-len-refractory-cilta-cel"]
    assert index.resolve(s.id) == Place(page_for_section(s.section), f"s-{s.id}", s.id)
    assert index.resolve({"statement": s.id}).focus == s.id
    assert index.resolve("table1:3") == Place("table1", row=3)
    assert index.resolve("box1:ccf") == Place("box1", "c-ccf")
    assert index.resolve("conflict:icans-g2-dexamethasone") == Place("conflicts", "x-icans-g2-dexamethasone")
    assert index.resolve("box2") == Place("box2")
    assert index.resolve("section:ndmm-recs") == Place("section:ndmm-recs")
    with pytest.raises(KeyError):
        index.resolve("no-such-thing")
