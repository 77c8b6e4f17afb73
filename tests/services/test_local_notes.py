"""app.services.local_notes: the note objects, labels and LOCAL text lines, without Qt."""

from __future__ import annotations

from datetime import date

from app.services.local_notes import LocalView, add_to_flow, label, text_line
from tests.local_display import HOSPITAL, example_layer


def test_note_json_has_the_contract_keys_and_status_follows_the_given_statuses():
    view = LocalView(example_layer(), {"local-dara-sc": "anchor-changed"}, date(2026, 12, 1))
    [note] = view.notes("regimen", "darard")  # ids compared case-insensitively
    assert {k: note[k] for k in ("id", "hospital", "approved", "review_by", "status")} == {
        "id": "local-dara-sc", "hospital": HOSPITAL, "approved": "2026-10-01", "review_by": "2027-10-01",
        "status": "anchor-changed",
    }
    assert label(note) == f"Local — {HOSPITAL}, approved 2026-10-01 · the guideline changed under this note — review"
    assert text_line(note).startswith(f"LOCAL — {HOSPITAL}, approved 2026-10-01 [the guideline changed under this")


def test_an_unrated_note_is_judged_by_its_review_by_date():
    before = LocalView(example_layer(), {}, date(2027, 3, 15))
    after = LocalView(example_layer(), {}, date(2027, 3, 16))
    assert before.notes("calculator", "bispecific-step-up")[0]["status"] == "ok"
    [note] = after.notes("calculator", "bispecific-step-up")
    assert note["status"] == "review-overdue"
    assert label(note) == f"Local — {HOSPITAL}, approved 2026-09-15 · review overdue"
    assert text_line(note) == (f"LOCAL — {HOSPITAL}, approved 2026-09-15 [review overdue]: Step-up doses are given "
                               "as inpatients (48 h) on ward 7. (HAEM-PROT-12 v3)")


def test_formulary_and_unavailable_reason_say_signed_on_the_package_date_without_an_approval_date():
    view = LocalView(example_layer(), {}, date(2026, 12, 1))
    assert view.formulary().approved == date(2026, 10, 2)
    assert view.unavailable_reason("CILTA-CEL") == (
        f"not on the local formulary ({HOSPITAL}, layer 3, signed 2026-10-02): Not commissioned at this centre; "
        "refer to the regional CAR-T centre."
    )
    assert view.unavailable_reason("DaraRd") is None


def test_add_to_flow_leaves_objects_without_notes_untouched():
    view = LocalView(example_layer(), {}, date(2026, 12, 1))
    data = {"figure": "fig2", "path": ["r-b-len-ref"], "possible_nodes": [],
            "recommendations": [{"node": "r-b-len-ref", "regimen": "DaraKd", "status": "applies"}]}
    out = add_to_flow(data, view)
    assert out["recommendations"] == [{"node": "r-b-len-ref", "regimen": "DaraKd", "status": "applies"}]
    assert "local_nodes" not in out
    assert add_to_flow({"figure": "fig2"}, None) == {"figure": "fig2"}
