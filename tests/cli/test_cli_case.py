"""`mmguide case` on the command line (contract case.md §1, §5, §6) and its privacy promise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "case-second-line.json"


def test_input_as_at_file_as_path_and_inline_give_the_same_answer(run):
    code, by_at = run("case", "--input", f"@{EXAMPLE}")
    assert code == 0, by_at
    code, by_path = run("case", "--input", str(EXAMPLE))
    assert code == 0 and by_path == by_at
    code, inline = run("case", "--input", EXAMPLE.read_text(encoding="utf-8"))
    assert code == 0 and inline == by_at
    assert set(by_at) == {"case_version", "assessment_date", "derived", "lines", "calculators", "figure", "flow",
                          "warnings"}
    assert by_at["figure"]["id"] == "fig2" and by_at["flow"]["figure"] == "fig2"
    assert by_at["derived"]["lenalidomide_status"]["value"] == "refractory"
    assert by_at["derived"]["initial_remission_months"]["note"].startswith("Start point: the first ASCT")


def test_text_shows_facts_with_rule_and_source_then_the_path(run):
    code, out = run("case", "--text", "--input", f"@{EXAMPLE}")
    assert code == 0 and isinstance(out, str)
    assert out.startswith("Case assessed 2025-06-02 — figure fig2: 1 prior line (IMWG)")
    assert "  lenalidomide_status: refractory\n      rule: REF-1/REF-2/REF-3: progression while e3 was given" in out
    assert "source: Rajkumar SV et al." in out and "CARTITUDE-4" in out
    assert "note: Start point: the first ASCT of line 1." in out
    assert "line 1: e1, e2, e3 — ended by progression on 2025-05-12" in out
    assert "fig2 path: " in out and "- [excluded] conditional: second-line ASCT" in out
    code, before = run("--text", "case", "--input", f"@{EXAMPLE}")
    assert code == 0 and before == out


def test_schema_describes_the_input_and_refuses_unknown_keys(run):
    code, schema = run("case", "--schema")
    assert code == 0
    assert schema["additionalProperties"] is False
    assert {"patient", "treatment_history", "cytogenetics", "context"} <= set(schema["properties"])
    episode = schema["$defs"]["Episode"]
    assert episode["additionalProperties"] is False and "started_because" in episode["properties"]
    assert schema["$defs"]["Patient"]["required"] == ["age"]


@pytest.mark.parametrize(("argv_input", "code", "field"), [
    ("{not json", "invalid_json", "input"),
    ('{"patient": {"age": 64}, "name": "X"}', "unknown_field", "name"),
    ('{"patient": {"age": 64}, "labs_at_diagnosis": {"b2m": 3.1}}', "invalid_input", "labs_at_diagnosis.b2m"),
    ('{"patient": {"age": 64}, "treatment_history": [{"regimen": "VRd"}, {"drugs": ["lenalidomid"]}]}',
     "unknown_drug", "treatment_history.1.drugs.0"),
    ('{"assessment_date": "2025-06-02", "patient": {"age": 64}, "treatment_history": '
     '[{"regimen": "VRd", "start": "2025-01-01", "end": "2024-12-01"}]}', "end_before_start",
     "treatment_history.0.end"),
    ('{"patient": {"age": 64}, "treatment_history": '
     '[{"regimen": "VRd", "stop_reason": "ongoing"}, {"regimen": "Kd"}]}',
     "ongoing_not_last", "treatment_history.0.stop_reason"),
    ("[1, 2]", "invalid_input", "input"),
])
def test_errors_exit_2_with_only_the_error_object(run, capsys, argv_input, code, field):
    exit_code, out = run("case", "--input", argv_input)
    assert exit_code == 2
    assert set(out) == {"error"} and set(out["error"]) == {"code", "message", "field"}
    assert (out["error"]["code"], out["error"]["field"]) == (code, field)


def test_case_needs_input_or_schema(run):
    code, out = run("case")
    assert code == 2 and out["error"]["field"] == "input"


# -- privacy (case.md §1): nothing of the case is written anywhere ------------------------------------

DISTINCT = {
    "assessment_date": "2024-11-27",
    "patient": {"age": 83, "sex": "female", "weight": "61.73 kg", "height": "163.9 cm", "ecog": 1,
                "frailty": {"cci": 3, "adl": 5, "iadl": 6}},
    "labs_at_diagnosis": {"b2m": "4.917 mg/L", "albumin": "33.7 g/L", "creatinine": "1.137 mg/dL"},
    "labs_current": {"creatinine": "1.293 mg/dL"},
    "treatment_history": [
        {"id": "qz7kx", "regimen": "DaraRd", "start": "2021-07-19", "end": "2023-02-13", "cycles": 17,
         "stop_reason": "progression", "best_response": "VGPR"},
        {"id": "wv3jp", "regimen": "PVd", "started_because": "progression", "start": "2023-03-06",
         "stop_reason": "ongoing", "best_response": "PR"}],
}
NEEDLES = ["61.73", "163.9", "4.917", "33.7", "1.137", "1.293", "2021-07-19", "2023-02-13", "2023-03-06",
           "2024-11-27", "qz7kx", "wv3jp"]


def _scan(tree: Path) -> list[str]:
    hits = []
    for path in tree.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path}: {n}" for n in NEEDLES if n.encode() in data]
    return hits


def test_a_cli_run_leaves_no_file_holding_a_case_value(tmp_path):
    tree = tmp_path / "tree"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    dirs = {name: tree / name.lower() for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
                                                   "XDG_STATE_HOME", "XDG_RUNTIME_DIR", "TMPDIR")}
    for name, path in dirs.items():
        path.mkdir(parents=True)
        env[name] = str(path)
    env.pop("MMGUIDE_DATA_DIR", None)
    data_dir = tree / "data"
    raw = json.dumps(DISTINCT)
    runs = [["case", "--input", raw], ["case", "--text", "--input", raw],
            ["case", "--input", raw.replace('"cycles": 17', '"cycles": 17, "comment": "qz7kx"')]]
    outputs = []
    for argv in runs:
        proc = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir), *argv], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=180)
        outputs.append(proc)
    assert [p.returncode for p in outputs] == [0, 0, 2], [p.stdout[-500:] + p.stderr[-500:] for p in outputs]
    # the answers did use the values
    assert "61.73" in outputs[0].stdout and "2023-02-13" in outputs[0].stdout and "qz7kx" in outputs[1].stdout
    assert _scan(tree) == []
