"""The hazard log is traced to real tests, its documents are generated from it, and the safety case
report is built from it (markdown and a readable PDF)."""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("safety_report_tool", ROOT / "tools" / "safety_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool():
    return _tool()


@pytest.fixture(scope="module")
def log(tool):
    return tool.load_log()


def test_every_hazard_has_a_tested_control_and_every_referenced_test_exists(tool, log):
    assert tool.problems(log) == []


def test_the_log_covers_every_hazard_the_review_asks_for(log):
    titles = " | ".join(h["title"].lower() for h in log["hazards"])
    for words in ("stale", "unit", "impossible or partial input", "wrong branch or status", "fallback",
                  "dose misread", "patient values", "failed or partial update", "tampered", "clock set back",
                  "local note", "unreadable export"):
        assert words in titles, words


def test_a_missing_test_or_a_hazard_without_a_tested_control_is_caught(tool, log):
    tests = tool.existing_tests()
    broken = copy.deepcopy(log)
    broken["hazards"][0]["controls"][0]["tests"] = ["tests/test_nowhere.py::test_does_not_exist"]
    assert any("does not exist" in p for p in tool.problems(broken, tests))
    untested = copy.deepcopy(log)
    for control in untested["hazards"][1]["controls"]:
        control["tests"] = []
        control["untested"] = "for the test"
    assert any("no control verified by a test" in p for p in tool.problems(untested, tests))
    silent = copy.deepcopy(log)
    silent["hazards"][2]["controls"][0] = {"control": "something", "tests": []}
    assert any("neither tests nor an 'untested' statement" in p for p in tool.problems(silent, tests))
    assert tool.base_id("tests/a.py::test_b[x-1]") == "tests/a.py::test_b"


def test_hazards_md_and_the_intended_use_table_are_generated_from_their_sources(tool):
    assert tool.stale_documents() == [], "run python tools/safety_report.py --hazards --intended-use"
    text = (ROOT / "docs" / "safety" / "hazards.md").read_text(encoding="utf-8")
    assert "## H07" in text and "tests/ui/test_safety_views.py::" in text


def test_the_version_block_names_the_installed_local_layer(capsys, tmp_path):
    """H11: `mmguide info` and the problem report's version block say which local layer is in use, or none."""
    from app.cli.main import main
    from app.services.guide import Guide
    from app.services.problem_report import LOCAL_LAYER_NONE, version_block
    from app.updates.keys import PrivateKey
    from app.updates.local_install import apply, init_local_trust
    from tests.local.helpers import build

    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "info"]) == 0
    assert json.loads(capsys.readouterr().out)["local_layer"] is None
    assert version_block(Guide(data))["local_layer"] == LOCAL_LAYER_NONE
    key = PrivateKey.generate("h1")
    init_local_trust(data, [key.public_key], 1)
    source = {"layer_version": 1, "hospital": "St Example", "unavailable": [{"regimen": "cilta-cel", "reason": "x"}]}
    apply(build(source, tmp_path / "p.zip", [key], sequence=3), data)
    assert main(["--data-dir", str(data), "info"]) == 0
    assert json.loads(capsys.readouterr().out)["local_layer"]["sequence"] == 3
    assert version_block(Guide(data))["local_layer"].startswith("St Example, layer 3, built ")


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest">
<testcase classname="tests.ui.test_main_window" name="test_status_bar_shows_content_version_and_date"/>
<testcase classname="tests.core.test_calc_staging" name="test_iss_cutoffs[3.49 mg/L-3.5 g/dL-I]"/>
<testcase classname="tests.core.test_calc_staging" name="test_iss_cutoffs[3.5 mg/L-3.5 g/dL-II]">
  <failure message="boom">assert False</failure></testcase>
<testcase classname="tests.storage.test_build" name="test_bundled_database_is_current"><skipped/></testcase>
<testcase classname="tests.x.test_y.TestThing" name="test_z"/>
</testsuite></testsuites>
"""


def test_junit_outcomes_are_read_per_test_any_failed_parameter_failing_it(tool, tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text(JUNIT, encoding="utf-8")
    assert tool.parse_junit(path) == {
        "tests/ui/test_main_window.py::test_status_bar_shows_content_version_and_date": "passed",
        "tests/core/test_calc_staging.py::test_iss_cutoffs": "failed",
        "tests/storage/test_build.py::test_bundled_database_is_current": "skipped",
        "tests/x/test_y.py::TestThing::test_z": "passed",
    }


def test_safety_case_report_markdown_and_pdf(tool, log, tmp_path, qapp):
    referenced = tool.referenced_tests(log)
    failing = "tests/ui/test_main_window.py::test_status_bar_shows_content_version_and_date"
    assert failing in referenced
    cases = [f'<testcase classname="{t.split("::")[0][:-3].replace("/", ".")}" name="{t.split("::")[1]}"/>'
             for t in referenced if t != failing and "::" in t and t.count("::") == 1]
    cases.append(f'<testcase classname="tests.ui.test_main_window" name="{failing.split("::")[1]}">'
                 '<failure message="x">x</failure></testcase>')
    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite name="pytest">' + "".join(cases) + "</testsuite></testsuites>",
                     encoding="utf-8")
    md_path, pdf_path, outcomes = tool.build_report(tmp_path / "out", junit)
    assert outcomes[failing] == "failed"
    md = md_path.read_text(encoding="utf-8")
    from app import __version__
    from app.paths import bundled_database
    from app.storage.database import verify_database

    info = verify_database(bundled_database())
    for expected in ("# Clinical safety case report", f"| App version | {__version__} |",
                     f"| Content version | {info.content_version} of {info.content_date.isoformat()} |",
                     "Bundled database SHA-256", "## Scope and intended use", "## Open issues",
                     f"{len(log['hazards'])} hazards", "H01 control 1: a verifying test FAILED", failing,
                     "no automated test", "Hospital clinical safety officer"):
        assert expected in md, expected
    for hazard in log["hazards"]:
        assert f"### {hazard['id']} {hazard['title']}" in md
    assert "| H01 Stale or superseded content used as current | major / low | " in md
    assert "FAILED" in md.split("## Summary")[1].split("## Hazards")[0]  # the failure shows in the summary
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Clinical safety case report" in text and "H12" in text
        assert "page 1 of" in text
