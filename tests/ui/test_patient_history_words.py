"""The Patient panel's derived lines say "episode 4" for a line of one episode and "episodes 1, 2, 3"
for more, as the Case summary does (real widgets, the example second-line case)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tests.ui.windows import shown_main_window

ROOT = Path(__file__).resolve().parents[2]
SECOND_LINE = json.loads((ROOT / "docs/examples/case-second-line.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.usefixtures("fresh_main_windows")


def test_a_line_of_one_episode_says_episode(qtbot, guide, tmp_path):
    window = shown_main_window(qtbot, guide=guide, size=(1366, 768))
    panel = window.show_screen("patient")
    case = copy.deepcopy(SECOND_LINE)
    case["assessment_date"] = "2025-06-02"
    case["treatment_history"].append(
        {"regimen": "KRd", "role": "continuous", "started_because": "progression", "start": "2025-05-26",
         "best_response": "PR"})
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    assert panel.open_case_file(str(path))  # as a clinician opens it: the episodes numbered 1, 2, 3…
    assert window.context.case.error is None, window.context.case.error
    lines = panel.history.lines_label.text()
    assert "Line 1: episodes 1, 2, 3 —" in lines, lines
    assert "Line 2: episode 4 —" in lines, lines
    assert "episodes 4" not in lines
