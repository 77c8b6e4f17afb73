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


@pytest.mark.parametrize("figure", ["fig1", "fig2", "fig3"])
def test_every_status_but_applies_carries_a_reason(bundle, figure):
    """Contract cli.md, "Status of each listed recommendation": a reason for every status but applies."""
    fig = bundle.figure(figure)
    samples: list[dict] = [{}]
    for spec in fig.facts:
        if spec.type == "bool":
            samples += [{spec.name: True}, {spec.name: False}]
        elif spec.type == "enum" and spec.values:
            samples += [{spec.name: v} for v in spec.values]
    for facts in samples:
        for r in ev(bundle, figure, **facts).recommendations:
            if r.status != "applies":
                assert r.reason, (figure, facts, r.regimen, r.status)


def test_a_last_resort_never_applies_beside_the_options_it_backs(bundle):
    for fig in bundle.figures:
        for facts in ({}, {"first_option_available": True} if fig.id == "fig1" else {}):
            e = ev(bundle, fig.id, **facts)
            for r in e.recommendations:
                if r.fallback_for and r.status == "applies":
                    above = [x for x in e.recommendations if x.node == r.node and x.regimen in r.fallback_for]
                    assert all(x.status not in ("applies", "possible", "fallback") for x in above)
