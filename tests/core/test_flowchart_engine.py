"""The engine on its own: three-valued conditions, unknown facts, validation."""

from __future__ import annotations

import pytest

from app.core.flowchart.conditions import Condition
from app.core.flowchart.engine import FactsError

from .flow_helpers import ev


def test_condition_is_three_valued():
    c = Condition.model_validate(
        {"any": [{"fact": "a", "op": "eq", "value": True}, {"fact": "b", "op": "ge", "value": 3}]}
    )
    assert c.evaluate({"a": True}) is True
    assert c.evaluate({"a": False}) is None
    assert c.missing({"a": False}) == {"b"}
    assert c.evaluate({"a": False, "b": 2}) is False
    n = Condition.model_validate({"not": {"fact": "a", "op": "eq", "value": True}})
    assert n.evaluate({}) is None and n.evaluate({"a": True}) is False


def test_condition_needs_exactly_one_form():
    with pytest.raises(ValueError):
        Condition.model_validate({"fact": "a", "op": "eq", "value": 1, "all": []})
    with pytest.raises(ValueError):
        Condition.model_validate({})


@pytest.mark.parametrize(("figure", "facts", "field"), [
    ("fig1", {"asct_eligibel": True}, "asct_eligibel"),
    ("fig1", {"imwg_frailty_score": 6}, "imwg_frailty_score"),
    ("fig1", {"age": float("nan")}, "age"),
    ("fig2", {"bortezomib_status": "exposed"}, "bortezomib_status"),
    ("fig2", {"unavailable": ["cilta-cel", "XYZ"]}, "unavailable.1"),
    ("fig3", {"line": 2}, "line"),
    ("fig3", {"refractory_to": ["car-t", "imid"]}, "refractory_to.1"),
])
def test_invalid_facts_are_rejected_naming_the_field(bundle, figure, facts, field):
    with pytest.raises(FactsError) as info:
        ev(bundle, figure, **facts)
    assert info.value.field == field


def test_spelling_variants_are_normalised(bundle):
    e = ev(bundle, "fig2", unavailable=["PvD", "belavd"])
    assert e.facts["unavailable"] == ["PVd", "BelaVd"]
    e = ev(bundle, "fig3", previously_received=["Seld", "linsoseltamab"])
    assert e.facts["previously_received"] == ["Sel-d", "linvoseltamab"]


@pytest.mark.parametrize("figure", ["fig1", "fig2", "fig3"])
def test_no_facts_shows_every_branch_as_possible(bundle, figure):
    e = ev(bundle, figure)
    fig = bundle.figure(figure)
    reached = set(e.path) | set(e.possible_nodes)
    assert reached == {n.id for n in fig.nodes}
    assert e.missing
    assert all(r.status in ("possible", "fallback") or r.node in e.path for r in e.recommendations)
    assert not [r for r in e.recommendations if r.status == "applies" and r.node not in e.path]


def test_discussed_but_not_recommended_regimens_never_appear(bundle):
    banned = {r.abbr for r in bundle.glossary.regimens if not r.recommended}
    assert {"KPd", "IsaKRd", "DaraKRd", "alloSCT"} <= banned
    for fig in bundle.figures:
        for node in fig.nodes:
            for item in getattr(node, "items", []):
                assert item.regimen not in banned
                assert not {s.regimen for s in item.substitutes} & banned


def test_every_item_quotes_its_source(bundle):
    for fig in bundle.figures:
        for node in fig.nodes:
            for item in getattr(node, "items", []):
                assert item.source.quote and item.source.location
