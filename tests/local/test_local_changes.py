"""What a local package changes against the installed layer (h8 tryout: layer 2 did not say it replaced layer
1, nor which notes were new, changed or removed): the Qt-free comparison, ``local verify``'s ``changes``, and
which refusals the audit log records (an install attempt's, not a verify-only check's)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from app.core.local.model import InstalledLayer, LocalLayerSource
from app.services.local_changes import compare, note_change_words, replaces_line
from tests.local.helpers import build, raw_local, write_source
from tests.local.test_local_cli import _build


def layer_two(source: dict) -> dict:
    """The template with one note's text changed, one removed, one added, and the formulary entry swapped."""
    notes = [dict(n) for n in source["notes"] if n["id"] != "local-mdt-second-line"]
    notes[0] = {**notes[0], "text": "Daratumumab is given SC on every ward."}
    notes.append({**notes[1], "id": "local-new-one", "text": "A new local note."})
    return {**source, "notes": notes, "unavailable": [{"regimen": "BelaPd", "reason": "Not stocked."}]}


def _installed(source: dict) -> InstalledLayer:
    return InstalledLayer(source=LocalLayerSource.model_validate(source), sequence=1, signers=("h1",),
                          created=date(2026, 12, 6), content_version="test", anchor_fingerprints={})


def test_compare_names_each_note_new_changed_unchanged_or_removed(template_source):
    first = _installed(template_source)
    changes = compare(first, LocalLayerSource.model_validate(layer_two(template_source)))
    by_id = {n["id"]: note_change_words(n) for n in changes["notes"]}
    assert by_id["local-dara-sc"] == "changed text"
    assert by_id["local-mdt-second-line"] == "removed"
    assert by_id["local-new-one"] == "new"
    assert by_id["local-step-up"] == "unchanged"
    assert changes["counts"] == {"new": 1, "changed": 1, "unchanged": 4, "removed": 1}
    assert changes["unavailable"] == {"added": ["BelaPd"], "changed": [], "removed": ["cilta-cel"]}
    assert replaces_line(changes) == ("Replaces layer 1 of St Example University Hospital, Haematology "
                                      "(signed 2026-12-06).")


def test_compare_with_nothing_installed_is_all_new(template_source):
    changes = compare(None, LocalLayerSource.model_validate(template_source))
    assert changes["replaces"] is None and changes["counts"]["new"] == len(template_source["notes"])
    assert replaces_line(changes).startswith("No local layer is installed now")
    assert changes["unavailable"]["added"] == ["cilta-cel"]


def test_verify_reports_the_changes_in_json_and_text(cli, tmp_path, data_dir, keydir, template_source):
    one, two = tmp_path / "local-1.zip", tmp_path / "local-2.zip"
    assert _build(cli, data_dir, keydir, write_source(tmp_path, template_source), one)[0] == 0
    assert cli("--data-dir", data_dir, "local", "apply", one)[0] == 0
    source_two = write_source(tmp_path, layer_two(template_source), "layer-2.yaml")
    assert _build(cli, data_dir, keydir, source_two, two, sequence=2)[0] == 0
    code, out = cli("--data-dir", data_dir, "local", "verify", two)
    assert code == 0 and out["changes"]["replaces"]["sequence"] == 1
    assert out["changes"]["counts"] == {"new": 1, "changed": 1, "unchanged": 4, "removed": 1}
    code, text = cli("--data-dir", data_dir, "local", "verify", two, "--text")
    assert code == 0
    assert "Replaces layer 1 of St Example University Hospital, Haematology (signed " in text
    assert "changed text: local-dara-sc at regimen:DaraRd" in text
    assert "removed: local-mdt-second-line" in text and "Not-on-formulary list, removed from: cilta-cel" in text


def _history(data_dir: Path) -> list[dict]:
    path = data_dir / "history.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_an_install_attempt_refusal_is_audited_like_apply_and_a_verify_is_not(cli, tmp_path, data_dir, keys,
                                                                              template_source):
    from app.updates import UpdateRejected
    from app.updates.local_install import check_to_install

    bad = raw_local(template_source, tmp_path / "bad.zip", [keys["mallory"], keys["h1"]], sequence=2)
    before = len(_history(data_dir))
    assert cli("--data-dir", data_dir, "local", "verify", bad)[0] == 3
    assert len(_history(data_dir)) == before  # verify-only: not audited
    try:
        check_to_install(bad, data_dir)
    except UpdateRejected as exc:
        assert exc.code == "untrusted_signer"
    else:
        raise AssertionError("a package signed by an unknown key passed")
    by_gui = _history(data_dir)[-1]
    assert cli("--data-dir", data_dir, "local", "apply", bad)[0] == 3
    by_cli = _history(data_dir)[-1]
    same = ("action", "code", "message", "package")
    assert {k: by_gui[k] for k in same} == {k: by_cli[k] for k in same}
    assert by_gui["action"] == "local_reject" and set(by_gui) == set(by_cli)
    good = build(template_source, tmp_path / "good.zip", [keys["h1"], keys["h2"]], sequence=3)
    check_to_install(good, data_dir)
    assert _history(data_dir)[-1] == by_cli  # an accepted check writes nothing
