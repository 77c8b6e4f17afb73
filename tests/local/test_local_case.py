"""``mmguide case`` judges the routed figure with the installed layer's formulary, as ``mmguide flow`` does;
``context.local_available`` overrides it for this patient (issue 13, H7 item 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.local.helpers import write_source
from tests.local.test_local_cli import _build

ROOT = Path(__file__).resolve().parents[2]
REASON = ("not on the local formulary (St Example University Hospital, Haematology, layer 1, approved 2026-10-01): "
          "Not commissioned at this centre; refer to the regional CAR-T centre.")


@pytest.fixture
def installed(cli, tmp_path, data_dir, keydir, template_source) -> Path:
    pkg = tmp_path / "local-1.zip"
    assert _build(cli, data_dir, keydir, write_source(tmp_path, template_source), pkg)[0] == 0
    assert cli("--data-dir", data_dir, "local", "apply", pkg)[0] == 0
    return data_dir


def _case(tmp_path: Path, **context) -> Path:
    case = json.loads((ROOT / "docs" / "examples" / "case-second-line.json").read_text(encoding="utf-8"))
    case["context"] = context  # the example's own `unavailable: [cilta-cel]` is left out
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    return path


def _cilta(out: dict) -> dict:
    assert out["figure"]["id"] == "fig2"
    return next(r for r in out["flow"]["recommendations"] if r["regimen"] == "cilta-cel")


def test_case_offers_no_locally_unavailable_regimen_like_flow(cli, installed, tmp_path):
    code, out = cli("--data-dir", installed, "case", "--input", _case(tmp_path))
    assert code == 0, out
    cilta = _cilta(out)
    assert cilta["status"] == "unavailable" and cilta["reason"] == REASON  # the entry's date, not the signing date
    code, flow = cli("--data-dir", installed, "flow", "fig2", "--facts", json.dumps(out["flow"]["facts"]))
    assert code == 0
    assert next(r for r in flow["recommendations"] if r["regimen"] == "cilta-cel") == cilta


def test_without_a_layer_the_same_case_offers_it(cli, data_dir, tmp_path):
    code, out = cli("--data-dir", data_dir, "case", "--input", _case(tmp_path))
    assert code == 0 and _cilta(out)["status"] != "unavailable"


@pytest.mark.parametrize("name", ["cilta-cel", "Carvykti", "car-t"])
def test_context_local_available_overrides_the_formulary_for_this_patient(cli, installed, tmp_path, name):
    code, out = cli("--data-dir", installed, "case", "--input", _case(tmp_path, local_available=[name]))
    assert code == 0, out
    assert _cilta(out)["status"] != "unavailable"
    assert out["derived"]["local_available"]["value"] == [name]
    assert out["derived"]["local_available"]["provenance"]["inputs"] == ["context.local_available"]
    assert len(out["flow"]["facts"]["local_available"]) == 1  # resolved as `flow` resolves it


def test_an_unknown_local_available_name_is_refused_naming_the_field(cli, installed, tmp_path):
    code, out = cli("--data-dir", installed, "case", "--input", _case(tmp_path, local_available=["cilta-cel", "xyz"]))
    assert code == 2
    assert out["error"]["field"] == "context.local_available.1" and "'xyz'" in out["error"]["message"]


def test_the_gui_case_session_and_summary_follow_the_installed_formulary(installed):
    from datetime import date

    from app.services.case_session import CaseSession
    from app.services.case_summary import case_sections
    from app.services.guide import Guide

    case = json.loads((ROOT / "docs" / "examples" / "case-second-line.json").read_text(encoding="utf-8"))
    case["context"] = {}
    session = CaseSession(Guide(data_dir=installed), today=lambda: date(2025, 6, 2))
    session.set(case)
    cilta = next(i for i in case_sections(session.result)[0].items if i.label.startswith("cilta-cel"))
    assert "not available" in cilta.value
    assert "not on the local formulary (St Example University Hospital, Haematology, layer 1" in cilta.why
    session.set({**case, "context": {"local_available": ["cilta-cel"]}})
    cilta = next(i for i in case_sections(session.result)[0].items if i.label.startswith("cilta-cel"))
    assert "not available" not in cilta.value and "local formulary" not in cilta.why
