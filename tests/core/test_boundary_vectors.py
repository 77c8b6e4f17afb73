"""The published boundary vectors (docs/test-vectors.md) hold, name real tests, and the table is current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import app.core.calculators.all  # noqa: F401  (registers every calculator)
from app.core.calculators.base import REGISTRY
from tests.core.boundary_vectors import VECTORS, Vector, result_value

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("test_vectors_tool", ROOT / "tools" / "test_vectors.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("vector", VECTORS, ids=[f"{v.calculator}:{v.boundary}" for v in VECTORS])
def test_every_published_vector_holds(vector: Vector) -> None:
    result = REGISTRY[vector.calculator].run(vector.inputs).result
    for path, expected in vector.expected.items():
        got = result_value(result, path)
        if vector.tolerance and isinstance(expected, float):
            assert got == pytest.approx(expected, abs=vector.tolerance), path
        else:
            assert got == expected, path


def test_every_vector_names_an_existing_test_and_every_calculator_has_vectors() -> None:
    tool = _tool()
    for vector in VECTORS:
        path, name = vector.from_test.split("::")
        assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), vector.from_test
    assert {v.calculator for v in VECTORS} == set(REGISTRY), "a calculator without published vectors"
    assert tool.render().count("\n| ") >= len(VECTORS)


def test_the_published_table_is_current() -> None:
    tool = _tool()
    committed = (ROOT / "docs" / "test-vectors.md").read_text(encoding="utf-8")
    assert committed == tool.render(), "docs/test-vectors.md is stale: run python tools/test_vectors.py"
