"""``mmguide local …`` end to end on real packages: template → build → verify → apply → status → export → remove."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml

from app.core.local.template import TEMPLATE
from tests.local.helpers import overdue, write_source

ROOT = Path(__file__).resolve().parents[2]


def _build(cli, data_dir: Path, keydir: Path, source: Path, out: Path, *, sequence: int = 1, signers=("h1", "h2"),
           example: bool = True):
    """``mmguide local build`` of ``source``; ``example`` passes --allow-example (the template's own texts)."""
    args = ["--data-dir", data_dir, "local", "build", "--source", source, "--sequence", sequence, "--out", out]
    if example:
        args.append("--allow-example")
    for name in signers:
        args += ["--sign", keydir / f"{name}.key"]
    return cli(*args)


def test_template_is_the_documented_example_and_builds(cli, tmp_path, data_dir, keydir):
    code, out = cli("local", "template")
    assert code == 0
    assert out == (ROOT / "docs" / "examples" / "local-layer.yaml").read_text(encoding="utf-8") == TEMPLATE
    source = tmp_path / "layer.yaml"
    source.write_text(out, encoding="utf-8")
    code, built = _build(cli, data_dir, keydir, source, tmp_path / "p.zip")
    assert code == 0, built
    assert built["hospital"] == "St Example University Hospital, Haematology"
    assert set(built["anchor_fingerprints"]) == {n["id"] for n in yaml.safe_load(TEMPLATE)["notes"]}


def test_build_refuses_the_unedited_template_naming_the_field(cli, tmp_path, data_dir, keydir, template_source):
    """h8 tryout: the fictional "St Example" notes must not be signed by following the docs literally."""
    out = tmp_path / "p.zip"
    code, err = _build(cli, data_dir, keydir, write_source(tmp_path, template_source), out, example=False)
    assert code == 2 and err["error"]["code"] == "template_text" and err["error"]["field"] == "hospital"
    assert "fictional" in err["error"]["message"] and "--allow-example" in err["error"]["message"]
    assert not out.exists()
    renamed = {**template_source, "hospital": "Northfield General, Haematology"}
    code, err = _build(cli, data_dir, keydir, write_source(tmp_path, renamed), out, example=False)
    assert code == 2 and err["error"]["field"] == "notes.0.text" and "local-dara-sc" in err["error"]["message"]
    notes = [{**n, "text": f"Our own text {i}."} for i, n in enumerate(template_source["notes"])]
    code, err = _build(cli, data_dir, keydir, write_source(tmp_path, {**renamed, "notes": notes}), out,
                       example=False)
    assert code == 2 and err["error"]["field"] == "unavailable.0.reason"
    own = {**renamed, "notes": notes, "unavailable": [{"regimen": "cilta-cel", "reason": "Not funded here."}]}
    code, built = _build(cli, data_dir, keydir, write_source(tmp_path, own), out, example=False)
    assert code == 0, built
    assert built["hospital"] == "Northfield General, Haematology" and out.exists()


def test_schema_is_the_source_models_schema(cli):
    code, schema = cli("local", "schema")
    assert code == 0
    assert schema["additionalProperties"] is False
    assert {"layer_version", "hospital", "notes", "unavailable"} <= set(schema["properties"])


def test_build_verify_apply_status_export_remove(cli, tmp_path, data_dir, keydir, template_source):
    source = write_source(tmp_path, overdue(template_source))
    pkg = tmp_path / "local-1.zip"
    assert _build(cli, data_dir, keydir, source, pkg)[0] == 0

    code, verified = cli("--data-dir", data_dir, "local", "verify", pkg)
    assert code == 0 and verified["accepted"] is True
    assert [s["name"] for s in verified["signers"]] == ["h1", "h2"]
    assert verified["adds"]["unavailable"] == [
        {"regimen": "cilta-cel", "reason": "Not commissioned at this centre; refer to the regional CAR-T centre."}]
    assert not (data_dir / "local" / "layer.zip").exists()  # verify changes nothing

    code, applied = cli("--data-dir", data_dir, "local", "apply", pkg)
    assert code == 0, applied
    status = applied["status"]
    assert status["installed"] is True and status["sequence"] == 1 and status["signers"] == ["h1", "h2"]
    by_id = {n["id"]: n["status"] for n in status["notes"]}
    assert by_id.pop("local-dara-sc") == "review-overdue"
    assert set(by_id.values()) == {"ok"}

    code, info = cli("--data-dir", data_dir, "info")
    assert code == 0
    assert info["local_layer"]["hospital"] == "St Example University Hospital, Haematology"
    assert info["local_layer"]["sequence"] == 1 and info["local_layer"]["signers"] == ["h1", "h2"]

    code, rows = cli("--data-dir", data_dir, "local", "export")
    assert code == 0 and rows[0]["anchor"] == "regimen:DaraRd" and rows[0]["status"] == "review-overdue"
    assert rows[0]["approved"] == "2024-01-01" and rows[0]["review_by"] == "2025-01-01"
    code, text = cli("--data-dir", data_dir, "local", "export", "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert code == 0 and [r["id"] for r in parsed] == [r["id"] for r in rows]
    assert parsed[0]["approver"] == "Drugs & Therapeutics Committee"

    code, removed = cli("--data-dir", data_dir, "local", "remove")
    assert code == 0 and removed["sequence"] == 1
    history = [json.loads(line) for line in (data_dir / "history.jsonl").read_text().splitlines()]
    assert history[-1]["action"] == "local_remove" and history[-1]["sequence"] == 1 and "user" in history[-1]
    assert cli("--data-dir", data_dir, "info")[1]["local_layer"] is None
    assert cli("--data-dir", data_dir, "local", "status")[1]["installed"] is False
    code, err = cli("--data-dir", data_dir, "local", "apply", pkg)  # removal does not lower the floor
    assert code == 3 and err["error"]["code"] == "replayed_sequence"


def test_unknown_anchor_is_refused_naming_the_note(cli, tmp_path, data_dir, keydir, template_source):
    bad = dict(template_source)
    bad["notes"] = [*template_source["notes"], {**template_source["notes"][0], "id": "local-typo",
                                                "anchor": {"kind": "statement", "id": "no-such-statement"}}]
    code, err = _build(cli, data_dir, keydir, write_source(tmp_path, bad), tmp_path / "p.zip")
    assert code == 2
    assert err["error"]["code"] == "unknown_anchor" and "'local-typo'" in err["error"]["message"]
    assert err["error"]["field"] == f"notes.{len(bad['notes']) - 1}.anchor"
    assert not (tmp_path / "p.zip").exists()


def test_unknown_unavailable_regimen_is_refused(cli, tmp_path, data_dir, keydir, template_source):
    bad = {**template_source, "unavailable": [{"regimen": "NoSuchRegimen", "reason": "x"}]}
    code, err = _build(cli, data_dir, keydir, write_source(tmp_path, bad), tmp_path / "p.zip")
    assert code == 2 and err["error"]["field"] == "unavailable.0.regimen"


def test_unknown_key_and_bad_dates_are_refused_with_the_field(cli, tmp_path, data_dir, keydir, template_source):
    extra = {**template_source, "notes": [{**template_source["notes"][0], "dose": "1 g"}]}
    code, err = _build(cli, data_dir, keydir, write_source(tmp_path, extra), tmp_path / "p.zip")
    assert code == 2 and err["error"]["code"] == "invalid_source" and err["error"]["field"] == "notes.0.dose"
    backwards = {**template_source, "notes": [{**template_source["notes"][0], "review_by": "2020-01-01"}]}
    code, err = _build(cli, data_dir, keydir, write_source(tmp_path, backwards, "b.yaml"), tmp_path / "p.zip")
    assert code == 2 and "local-dara-sc" in err["error"]["message"] and "review_by" in err["error"]["message"]


def test_init_local_trust_is_separate_and_rotates_by_the_same_rules(cli, tmp_path, keydir):
    data = tmp_path / "fresh"
    code, out = cli("--data-dir", data, "admin", "init-local-trust", "--key", keydir / "h1.pub", "--key",
                    keydir / "h2.pub", "--threshold", "2")
    assert code == 0 and out["action"] == "local_trust_init" and (data / "local" / "trust.json").is_file()
    assert not (data / "trust" / "root.json").exists()
    code, err = cli("--data-dir", data, "admin", "init-local-trust", "--key", keydir / "h3.pub", "--threshold", "1")
    assert code == 2 and err["error"]["code"] == "root_exists"
    code, err = cli("--data-dir", data, "admin", "init-local-trust", "--key", keydir / "h3.pub", "--threshold", "1",
                    "--rotate-with", keydir / "h1.key")
    assert code == 3 and err["error"]["code"] == "rotation_below_old_threshold"
    code, out = cli("--data-dir", data, "admin", "init-local-trust", "--key", keydir / "h3.pub", "--threshold", "1",
                    "--rotate-with", keydir / "h1.key", "--rotate-with", keydir / "h2.key", "--rotate-with",
                    keydir / "h3.key")
    assert code == 0 and out["action"] == "local_trust_rotate" and out["root"]["version"] == 2
    code, err = cli("--data-dir", data, "admin", "init-local-trust", "--threshold", "1")
    assert code == 2 and err["error"]["field"] == "key"


def test_guideline_trust_root_is_not_a_local_one(cli, tmp_path, keydir, template_source):
    data = tmp_path / "data"
    assert cli("--data-dir", data, "admin", "init-trust", "--key", keydir / "h1.pub", "--threshold", "1")[0] == 0
    (data / "local").mkdir()
    (data / "local" / "trust.json").write_bytes((data / "trust" / "root.json").read_bytes())
    pkg = tmp_path / "p.zip"
    code, built = _build(cli, data, keydir, write_source(tmp_path, template_source), pkg, signers=("h1",))
    assert code == 0, built
    code, err = cli("--data-dir", data, "local", "apply", pkg)
    assert code == 3 and err["error"]["code"] == "invalid_local_trust_root"


def test_status_without_a_layer_and_text_output(cli, tmp_path, data_dir, keydir, template_source):
    code, out = cli("--data-dir", data_dir, "local", "status")
    assert code == 0 and out == {"installed": False, "problem": None}
    pkg = tmp_path / "p.zip"
    _build(cli, data_dir, keydir, write_source(tmp_path, template_source), pkg)
    code, text = cli("--data-dir", data_dir, "local", "apply", pkg, "--text")
    assert code == 0 and text.startswith("Local — St Example University Hospital, Haematology, layer 1")
    assert "[ok] local-step-up at calculator:bispecific-step-up" in text
    code, text = cli("--data-dir", data_dir, "--text", "info")
    assert "Local layer: St Example University Hospital, Haematology, layer 1" in text
