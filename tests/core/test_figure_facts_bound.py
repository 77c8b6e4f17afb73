"""A figure's facts are declared twice — the YAML ``facts:`` list the questions are built from
(resources/content/figures/fig*.yaml) and the ``Fig*Facts`` model that validates answers
(app/core/flowchart/facts.py) — and this test binds them (issue 11, item 3): same names, same
kinds, same ranges, same choices. A fact added, renamed or re-ranged on one side only fails here."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.flowchart.facts import FACT_MODELS, REFRACTORY_CLASSES, REGIMEN_LIST_FACTS
from app.core.flowchart.model import FactSpec

Shape = tuple[str, float | None, float | None, tuple[str, ...] | None]


def model_shapes(model: Any) -> dict[str, Shape]:
    """Each field of a facts model as (kind in the YAML's words, minimum, maximum, choices)."""
    out: dict[str, Shape] = {}
    for name, prop in model.model_json_schema()["properties"].items():
        options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
        assert len(options) == 1, f"{name}: one type besides null"
        inner = options[0]
        low, high = inner.get("minimum"), inner.get("maximum")
        kind = inner.get("type")
        if kind == "boolean":
            out[name] = ("bool", None, None, None)
        elif kind == "integer":
            out[name] = ("int", low, high, None)
        elif kind == "number":
            out[name] = ("number", low, high, None)
        elif kind == "string" and "enum" in inner:
            out[name] = ("enum", None, None, tuple(inner["enum"]))
        elif kind == "string":
            out[name] = ("regimen", None, None, None)
        elif kind == "array":
            assert name in REGIMEN_LIST_FACTS, f"{name}: a list fact the engine does not know"
            if name == "refractory_to":
                out[name] = ("enum_list", None, None, REFRACTORY_CLASSES)
            else:
                out[name] = ("regimen_list", None, None, None)
        else:
            raise AssertionError(f"{name}: unexpected schema {inner}")
    return out


def spec_shapes(specs: list[FactSpec]) -> dict[str, Shape]:
    """Each YAML fact as (kind, minimum, maximum, choices)."""
    out: dict[str, Shape] = {}
    for s in specs:
        assert s.name not in out, f"{s.name} declared twice"
        values = tuple(s.values) if s.values is not None else None
        out[s.name] = (s.type, s.minimum, s.maximum, values)
    return out


def differences(specs: list[FactSpec], model: Any) -> list[str]:
    yaml_side, model_side = spec_shapes(specs), model_shapes(model)
    out = [f"{n}: only in the YAML" for n in sorted(set(yaml_side) - set(model_side))]
    out += [f"{n}: only in the model" for n in sorted(set(model_side) - set(yaml_side))]
    for name in sorted(set(yaml_side) & set(model_side)):
        if yaml_side[name] != model_side[name]:
            out.append(f"{name}: YAML {yaml_side[name]} ≠ model {model_side[name]}")
    return out


def test_every_figure_has_a_facts_model(bundle) -> None:
    assert sorted(f.id for f in bundle.figures) == sorted(FACT_MODELS)


@pytest.mark.parametrize("fig", sorted(FACT_MODELS))
def test_yaml_facts_and_model_agree(bundle, fig: str) -> None:
    figure = next(f for f in bundle.figures if f.id == fig)
    assert differences(figure.facts, FACT_MODELS[fig]) == []


def test_a_difference_on_either_side_is_found(bundle) -> None:
    figure = next(f for f in bundle.figures if f.id == "fig3")
    facts = list(figure.facts)
    renamed = [s.model_copy(update={"name": "lines"}) if s.name == "line" else s for s in facts]
    assert differences(renamed, FACT_MODELS["fig3"]) == ["lines: only in the YAML", "line: only in the model"]
    ranged = [s.model_copy(update={"maximum": 30.0}) if s.name == "line" else s for s in facts]
    assert differences(ranged, FACT_MODELS["fig3"]) == [
        "line: YAML ('int', 3.0, 30.0, None) ≠ model ('int', 3, 20, None)"
    ]
    fig2 = next(f for f in bundle.figures if f.id == "fig2")
    retyped = [s.model_copy(update={"values": ["naive", "refractory"]}) if s.name == "bortezomib_status" else s
               for s in fig2.facts]
    assert [d.split(":")[0] for d in differences(retyped, FACT_MODELS["fig2"])] == ["bortezomib_status"]
    dropped = [s for s in fig2.facts if s.name != "unavailable"]
    assert differences(dropped, FACT_MODELS["fig2"]) == ["unavailable: only in the model"]
