"""A local layer survives a guideline update: each note whose anchored content changed is flagged
``anchor-changed``, one whose anchor disappeared ``anchor-missing``, the others stay ``ok`` — never
dropped; a note past its review-by date is ``review-overdue``.

The update is a real signed package of a database built from a changed copy of the content
(tests/content_changes.py: a statement's evidence, a removed statement, a Fig. 1 item's evidence,
a regimen's name)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.services.guide import Guide
from app.services.local_layer import load_installed, note_statuses
from app.updates.local_install import apply as apply_local
from app.updates.local_install import init_local_trust
from tests import content_changes as changes
from tests.local.helpers import build

NOTE = {"author": "A. Pharmacist", "approver": "D&T Committee", "approved": date(2026, 10, 1),
        "review_by": date(2027, 10, 1)}
EXPECTED = {
    "on-changed-evidence": ({"kind": "statement", "id": changes.EVIDENCE_CHANGED}, "anchor-changed"),
    "on-removed-statement": ({"kind": "statement", "id": changes.REMOVED}, "anchor-missing"),
    "on-renamed-regimen": ({"kind": "regimen", "id": changes.REGIMEN_CHANGED}, "anchor-changed"),
    "on-changed-node": ({"kind": "figure-node", "id": changes.NODE_CHANGED}, "anchor-changed"),
    "on-changed-item": ({"kind": "recommendation", "id": f"{changes.NODE_CHANGED}:IsaVRd"}, "anchor-changed"),
    "on-unchanged-statement": ({"kind": "statement", "id": "ndmm-te-maintenance-lenalidomide"}, "ok"),
    "on-unchanged-item": ({"kind": "recommendation", "id": f"{changes.NODE_CHANGED}:DaraVRd"}, "ok"),
    "on-crs-panel": ({"kind": "toxicity", "id": "crs:2"}, "ok"),
    "on-calculator": ({"kind": "calculator", "id": "iss"}, "ok"),
    "on-regimen-kept": ({"kind": "regimen", "id": "DaraRd"}, "ok"),
}
SOURCE = {
    "layer_version": 1,
    "hospital": "St Example University Hospital, Haematology",
    "notes": [{"id": nid, "anchor": anchor, "text": f"Local note {nid}.", **NOTE}
              for nid, (anchor, _status) in EXPECTED.items()],
    "unavailable": [{"regimen": "cilta-cel", "reason": "Not commissioned here."}],
}


@pytest.fixture(scope="module")
def changed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return changes.build_changed_db(tmp_path_factory.mktemp("changed-content"))


@pytest.fixture
def updated(tmp_path: Path, changed_db: Path, keys, cli) -> Path:
    """A data dir with the layer (built against the bundled content) installed, then the guideline update."""
    data = tmp_path / "data"
    init_local_trust(data, [keys["h1"].public_key, keys["h2"].public_key], 2)
    apply_local(build(SOURCE, tmp_path / "local-1.zip", [keys["h1"], keys["h2"]]), data)
    layer = load_installed(data)
    assert layer is not None
    assert set(note_statuses(Guide(data), layer, date(2026, 12, 1)).values()) == {"ok"}
    pkg = changes.signed_package(tmp_path, changed_db, data)
    code, out = cli("--data-dir", data, "update", "apply", pkg)
    assert code == 0, out
    assert Guide(data).version()["content_version"] == changes.NEW_VERSION
    return data


def test_changed_and_missing_anchors_are_flagged_others_ok(updated, cli):
    code, status = cli("--data-dir", updated, "local", "status")
    assert code == 0 and status["installed"] is True
    assert status["built_against"] == "2025.1.0" and status["active_content_version"] == changes.NEW_VERSION
    got = {n["id"]: n["status"] for n in status["notes"]}
    assert got == {nid: want for nid, (_anchor, want) in EXPECTED.items()}  # every note still there
    flagged = next(n for n in status["notes"] if n["id"] == "on-changed-evidence")
    assert flagged["status_text"] == "the guideline changed under this note — review"
    code, rows = cli("--data-dir", updated, "local", "export")
    assert {r["id"]: r["status"] for r in rows} == got


def test_anchor_flags_come_before_review_dates(updated):
    layer = load_installed(updated)
    assert layer is not None
    late = note_statuses(Guide(updated), layer, date(2030, 1, 1))
    for nid, (_anchor, want) in EXPECTED.items():
        assert late[nid] == ("review-overdue" if want == "ok" else want)


def test_rollback_of_the_guideline_clears_the_flags(updated, cli):
    assert cli("--data-dir", updated, "update", "rollback")[0] == 0
    code, status = cli("--data-dir", updated, "local", "status")
    assert code == 0 and {n["status"] for n in status["notes"]} == {"ok"}


def test_review_by_in_the_past_is_overdue(tmp_path, keys):
    data = tmp_path / "data"
    init_local_trust(data, [keys["h1"].public_key], 1)
    apply_local(build(SOURCE, tmp_path / "p.zip", [keys["h1"]]), data)
    layer = load_installed(data)
    assert layer is not None
    guide = Guide(data)
    assert set(note_statuses(guide, layer, date(2027, 10, 1)).values()) == {"ok"}  # the review-by day itself
    assert set(note_statuses(guide, layer, date(2027, 10, 2)).values()) == {"review-overdue"}
