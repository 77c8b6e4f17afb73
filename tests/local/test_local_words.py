"""One source of truth for a local note's words (issue 13): ``mmguide local status`` and every ``local`` key
give the same note object and the same label, "Local — <hospital>, approved <date>"."""

from __future__ import annotations

from tests.local.helpers import overdue, write_source
from tests.local.test_local_cli import _build

HOSPITAL = "St Example University Hospital, Haematology"


def test_status_and_the_regimen_card_carry_the_same_note_and_label(cli, tmp_path, data_dir, keydir, template_source):
    pkg = tmp_path / "local-1.zip"
    assert _build(cli, data_dir, keydir, write_source(tmp_path, overdue(template_source)), pkg)[0] == 0
    assert cli("--data-dir", data_dir, "local", "apply", pkg)[0] == 0

    code, status = cli("--data-dir", data_dir, "local", "status")
    assert code == 0
    listed = next(n for n in status["notes"] if n["id"] == "local-dara-sc")
    code, card = cli("--data-dir", data_dir, "regimen", "DaraRd")
    assert code == 0
    [on_card] = card["local"]
    assert {k: v for k, v in listed.items() if k not in ("status_text", "label")} == on_card
    assert on_card["layer_sequence"] == 1
    assert listed["label"] == f"Local — {HOSPITAL}, approved 2024-01-01 · review overdue"
    assert listed["status_text"] == "review overdue"
    assert status["label"].startswith(f"Local — {HOSPITAL}, layer 1, signed ")
    assert status["counts"] == {"ok": 5, "review-overdue": 1, "anchor-changed": 0, "anchor-missing": 0}

    code, text = cli("--data-dir", data_dir, "regimen", "DaraRd", "--text")
    assert f"LOCAL — {HOSPITAL}, approved 2024-01-01 [review overdue]:" in text


def _layer(source: dict):
    from datetime import date

    from app.core.local.model import InstalledLayer, LocalLayerSource

    return InstalledLayer(source=LocalLayerSource.model_validate(source), sequence=2, signers=("h1",),
                          created=date(2026, 12, 6), content_version="test", anchor_fingerprints={})


def test_a_formulary_entry_is_dated_by_its_own_approval_or_else_says_signed(template_source):
    """h8-55: the package's signing date was shown as "approved"; an entry's own date is, else "signed"."""
    from app.core.local.words import formulary_reason
    from app.services.local_notes import LocalView, formulary_of

    dated = _layer(template_source)
    assert LocalView(dated).unavailable_reason("cilta-cel") == (
        f"not on the local formulary ({HOSPITAL}, layer 2, approved 2026-10-01): Not commissioned at this centre; "
        "refer to the regional CAR-T centre.")
    undated_source = {**template_source, "unavailable": [{"regimen": "cilta-cel", "reason": "Not stocked."}]}
    undated = _layer(undated_source)
    reason = formulary_reason(undated, undated.source.unavailable[0])
    assert reason == f"not on the local formulary ({HOSPITAL}, layer 2, signed 2026-12-06): Not stocked."
    assert formulary_of(undated).reason(formulary_of(undated).reasons["cilta-cel"]) == reason
    assert "approved 2026-12-06" not in formulary_reason(dated, dated.source.unavailable[0])
