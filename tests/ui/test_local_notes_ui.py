"""Local notes in the GUI (issue 13): their own labelled, dash-framed box at the CRS/ICANS panel, the
step-up helper, the regimen's card and About — never an evidence badge — and LOCAL in copied text and
PDFs; a regimen off the local formulary is unavailable in Fig. 2 with the layer's reason."""

from __future__ import annotations

import pytest

from tests.local_display import CILTA_REASON, HOSPITAL, installed_layer  # noqa: F401  (fixture)

LABEL = f"Local — {HOSPITAL}, approved 2026-10-01"
FIG2_C = {"lenalidomide_status": "refractory", "anti_cd38_status": "refractory", "bortezomib_status": "sensitive",
          "car_t_eligible": True}


@pytest.fixture
def local_context(installed_layer, built_db, tmp_path):  # noqa: F811
    from app.services.guide import Guide
    from app.ui.context import UiContext

    ctx = UiContext()
    ctx.set_guide(Guide(data_dir=tmp_path / "data", database=built_db))
    return ctx


def _toxicity(qtbot, ctx, syndrome="crs"):
    from app.ui.screens import create_screen

    screen = create_screen(syndrome, ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def test_crs_grade_3_panel_shows_the_local_note_with_its_label_not_a_badge(qtbot, local_context):
    screen = _toxicity(qtbot, local_context)
    panel = screen.panels[3]
    assert panel.local_box.isVisibleTo(panel)
    assert panel.local_box.objectName() == "localNote"
    assert panel.local_box.labels() == [LABEL, LABEL]  # the grade panel's note, then its statement's
    shown = panel.local_box.label.text()
    assert LABEL in shown and "Call the ICU outreach team" in shown
    assert "Call the ICU outreach team" not in panel.box3.text() + panel.recommendations.text()
    assert "badge" not in shown and "[I, A]" not in shown
    assert not screen.panels[2].local_box.isVisibleTo(screen.panels[2])


def test_copied_panel_text_and_pdf_mark_the_note_local(qtbot, local_context):
    screen = _toxicity(qtbot, local_context)
    screen.tabs.setCurrentWidget(screen.panels[3])
    text = screen.plain_text()
    assert f"LOCAL — {HOSPITAL}, approved 2026-10-01: Call the ICU outreach team at once" in text
    assert "Local notes of this hospital (not the guideline):" in text
    doc = screen.document()
    assert doc is not None and LABEL in doc.toPlainText()
    screen.tabs.setCurrentWidget(screen.panels[1])
    assert "LOCAL —" not in screen.plain_text()


def test_step_up_helper_shows_its_local_protocol_choice(qtbot, local_context):
    screen = _toxicity(qtbot, local_context, "icans")
    assert screen.stepup_local.labels() == [f"Local — {HOSPITAL}, approved 2026-09-15"]
    assert "inpatients (48 h) on ward 7" in screen.stepup_local.label.text()
    assert not screen.toco_local.notes


def test_regimen_card_shows_local_note_and_formulary_reason(qtbot, local_context):
    from app.ui.dosing_card import CardArea, CardController

    area = CardArea()
    qtbot.addWidget(area)
    card = CardController(area)
    card.set_regimen(local_context.guide, "DaraRd")
    assert LABEL in card.html() and "Daratumumab is given SC here" in card.html()
    assert card.text().startswith(f"LOCAL — {HOSPITAL}, approved 2026-10-01: Daratumumab is given SC here")
    card.set_regimen(local_context.guide, "cilta-cel")
    assert "Local formulary" in card.html() and CILTA_REASON in card.html()
    assert card.text().startswith("LOCAL — not on the local formulary")
    card.set_regimen(local_context.guide, "KRd")
    assert "Local" not in card.html()


def test_about_shows_hospital_version_signers_and_date(qtbot, local_context):
    from app.ui.screens.about import AboutScreen

    about = AboutScreen(local_context)
    qtbot.addWidget(about)
    text = about.plain_text()
    assert "Local layer of this hospital" in text
    for expected in (HOSPITAL, "3 (sequence number", "hospital-key-1, hospital-key-2", "2026-10-02", "cilta-cel"):
        assert expected in text


def test_about_without_a_layer_says_none_installed(qtbot, context):
    from app.ui.screens.about import AboutScreen

    about = AboutScreen(context)
    qtbot.addWidget(about)
    assert "None installed." in about.plain_text()


def test_fig2_shows_cilta_cel_unavailable_with_the_local_reason_and_copies_it(qtbot, local_context):
    from tests.ui.windows import shown_flowchart_screen

    screen = shown_flowchart_screen(qtbot, local_context, "fig2", size=(1366, 768))
    screen.set_facts(FIG2_C)
    cilta = next(r for r in screen.evaluation.recommendations
                 if r.node == "r-c-len-cd38-ref" and r.regimen == "cilta-cel")
    assert cilta.status == "unavailable"
    assert cilta.reason.startswith(f"not on the local formulary ({HOSPITAL}, layer 3, signed 2026-10-02)")
    assert "not on the local formulary" in screen.sources_text()


def test_fig2_regimen_detail_shows_recommendation_and_box_notes_with_status_and_copies_them(qtbot, local_context):
    from tests.ui.windows import shown_flowchart_screen

    screen = shown_flowchart_screen(qtbot, local_context, "fig2", size=(1366, 768))
    screen.set_facts(FIG2_C)
    detail = screen.open_regimen("r-c-len-cd38-ref", "BelaPd")
    qtbot.addWidget(detail)
    shown = detail.browser.toPlainText()
    assert f"Local — {HOSPITAL}, approved 2025-01-10 · review overdue" in shown
    assert "Belantamab: eye review booked by the pharmacy." in shown
    assert "Discuss every box C patient at the MDT." in shown
    copied = detail.plain_text()
    assert f"LOCAL — {HOSPITAL}, approved 2025-01-10 [review overdue]: Belantamab: eye review" in copied
    assert copied.rstrip().endswith(local_context.stamp())
    other = screen.open_regimen("r-c-len-cd38-ref", "SelVd")
    assert "Belantamab: eye review" not in other.browser.toPlainText()


def test_fig2_copy_and_pdf_carry_the_boxes_local_notes_marked_local(qtbot, local_context):
    from tests.ui.windows import shown_flowchart_screen

    screen = shown_flowchart_screen(qtbot, local_context, "fig2", size=(1366, 768))
    screen.set_facts(FIG2_C)
    for text in (screen.plain_text(), screen.sources_text()):
        assert "Local notes of this hospital (not the guideline):" in text
        assert f"LOCAL — {HOSPITAL}, approved 2026-10-01: Discuss every box C patient at the MDT. " \
               "(HAEM-PROT-12 v3) (at box r-c-len-cd38-ref)" in text
        assert "[review overdue]: Belantamab: eye review" in text
        assert text.rstrip().endswith(local_context.stamp())
    html = screen.report_html()
    assert f"Local — {HOSPITAL}, approved 2026-10-01" in html and "border-style:dashed" in html
    screen.set_facts({"lenalidomide_status": "sensitive"})
    assert "LOCAL —" not in screen.plain_text()


def test_fig2_override_for_one_patient_offers_cilta_cel_again(qtbot, local_context):
    from tests.ui.windows import shown_flowchart_screen

    screen = shown_flowchart_screen(qtbot, local_context, "fig2", size=(1366, 768))
    screen.set_facts(FIG2_C)
    control = screen.panel.controls["local_available"]
    assert HOSPITAL in control.spec.prompt and CILTA_REASON in (control.spec.help or "")
    control.set_value(["cilta-cel"], emit=True)
    qtbot.waitUntil(lambda: screen.facts.get("local_available") == ["cilta-cel"])
    cilta = next(r for r in screen.evaluation.recommendations
                 if r.node == "r-c-len-cd38-ref" and r.regimen == "cilta-cel")
    assert cilta.status == "applies"
    assert "LOCAL — formulary override for this patient: offered although not on the local formulary: " \
           "cilta-cel" in screen.plain_text()


def test_fig1_has_no_override_when_its_regimens_are_all_on_the_formulary(qtbot, local_context):
    from tests.ui.windows import shown_flowchart_screen

    screen = shown_flowchart_screen(qtbot, local_context, "fig1", size=(1366, 768))
    assert "local_available" not in screen.panel.controls
