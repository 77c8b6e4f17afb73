"""The CRS and ICANS screens: grader → grade tab; management panels; dosing helpers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.ui.printing import export_pdf
from app.ui.screens import create_screen
from app.ui.screens.toxicity import GradePanel, ToxicityScreen
from tests.ui.windows import choose

COPRESENCE = "it should be given only in the co-presence of CRS"


def make(qtbot, context, syndrome: str) -> ToxicityScreen:
    s = create_screen(syndrome, context)
    assert isinstance(s, ToxicityScreen)
    qtbot.addWidget(s)
    s.resize(1280, 800)
    s.show()
    qtbot.waitExposed(s)
    return s


@pytest.fixture
def crs(qtbot, context):
    return make(qtbot, context, "crs")


@pytest.fixture
def icans(qtbot, context):
    return make(qtbot, context, "icans")


def test_four_grade_tabs_from_the_guideline(crs, icans):
    for screen in (crs, icans):
        assert [screen.tabs.tabText(i) for i in range(screen.tabs.count())] == [
            "Grade 1",
            "Grade 2",
            "Grade 3",
            "Grade 4",
        ]
        for i in range(4):
            panel = screen.tabs.widget(i)
            assert isinstance(panel, GradePanel)
            assert "Box 3" in panel.plain_text()


def test_crs_fever_and_one_vasopressor_selects_grade_3(qtbot, crs):
    form = crs.grader.form
    assert form.unit_combo("temperature").currentData() == "°C"
    qtbot.keyClicks(form.editor("temperature"), "38.0")
    qtbot.keyClicks(form.editor("vasopressors"), "1")
    qtbot.waitUntil(lambda: crs.tabs.currentIndex() == 2)
    assert crs.grader.result.result["grade"] == 3
    assert crs.tabs.tabText(2) == "Grade 3 ◀ graded"
    assert crs.grader.pane.primary.text() == "CRS grade 3"
    assert crs.current_grade() == 3


def test_crs_fever_in_fahrenheit_without_organ_signs_is_grade_1(qtbot, crs):
    form = crs.grader.form
    choose(form.unit_combo("temperature"), "°F")
    qtbot.keyClicks(form.editor("temperature"), "100.4")
    qtbot.waitUntil(lambda: crs.grader.result is not None)
    assert crs.grader.result.result["grade"] == 1
    assert crs.tabs.currentIndex() == 0


def test_crs_nasal_cannula_without_flow_gives_the_lower_bound(qtbot, crs):
    form = crs.grader.form
    qtbot.keyClicks(form.editor("temperature"), "39")
    choose(form.editor("oxygen_device"), "nasal_cannula")
    qtbot.waitUntil(lambda: crs.grader.pane.primary.text() == "CRS at least grade 2")
    assert crs.grader.result.result["grade_at_least"] == 2
    assert crs.tabs.tabText(1) == "Grade 2 ◀ at least"
    assert "Oxygen flow" not in form.field("oxygen_flow").message.full_text()  # not edited yet
    crs.grader.reveal_missing()
    assert form.field("oxygen_flow").message.full_text() == "Oxygen flow is needed"
    qtbot.keyClicks(form.editor("oxygen_flow"), "8")
    qtbot.waitUntil(lambda: crs.grader.pane.primary.text() == "CRS grade 3")


def test_icans_caution_is_on_every_tab(qtbot, icans):
    banner = icans.banner
    assert banner is not None
    for i in range(4):
        icans.tabs.setCurrentIndex(i)
        panel = icans.tabs.widget(i)
        qtbot.waitUntil(banner.isVisible)
        assert not panel.isAncestorOf(banner) and not panel.scroll_area.isAncestorOf(banner)
        assert "Tocilizumab only with concurrent CRS" in banner.heading.text()
        assert COPRESENCE in banner.text.text()
        assert "Tocilizumab is much less effective in ICANS than in CRS" in banner.text.text()
        assert COPRESENCE in panel.plain_text()
        assert COPRESENCE in icans.plain_text()


def test_crs_has_no_tocilizumab_banner(crs):
    assert crs.banner is None
    assert all("Tocilizumab only with concurrent CRS" not in crs.tabs.widget(i).plain_text() for i in range(4))


def test_icans_grade_2_shows_both_dexamethasone_doses(qtbot, icans):
    icans.open_item(2)
    panel = icans.tabs.currentWidget()
    assert panel.grade == 2
    doses = [row[1] for row in panel.dose_model.rows()]
    assert "10 mg every 12 h" in doses
    assert "10 mg every 6 h" in doses
    assert panel.conflict_boxes, "the conflict is shown"
    text = icans.plain_text()
    assert "Conflict: Grade 2 ICANS: dexamethasone 10 mg every 12 h or every 6 h" in text
    assert "Supportive care › Recommendations" in text
    assert "Immune effector cell-associated neurotoxicity syndrome" in text
    assert "[II, B]" in text


def test_icans_ice_items_grade_the_patient(qtbot, icans):
    form = icans.grader.form
    form.editor("__ice_items__").setChecked(True)
    assert not form.editor("ice_score").isEnabled()
    for name, value in (("orientation", 4), ("naming", 3), ("commands", 1), ("writing", 1), ("attention", 0)):
        choose(form.editor(name), value)
    choose(form.editor("consciousness"), "alert")
    qtbot.waitUntil(lambda: icans.grader.result is not None)
    assert icans.grader.result.result["ice_score"] == 9
    assert icans.grader.result.result["grade"] == 1
    assert icans.tabs.currentIndex() == 0


def test_icans_ice_score_and_raised_icp(qtbot, icans):
    form = icans.grader.form
    qtbot.keyClicks(form.editor("ice_score"), "5")
    choose(form.editor("consciousness"), "alert")
    qtbot.waitUntil(lambda: icans.tabs.currentIndex() == 1)
    signs = form.editor("raised_icp_signs")
    signs.boxes[0].setChecked(True)  # posturing → grade 4
    qtbot.waitUntil(lambda: icans.tabs.currentIndex() == 3)


def test_open_item_selects_the_grade(crs):
    crs.open_item("grade 4")
    assert crs.current_grade() == 4
    crs.open_item(1)
    assert crs.current_grade() == 1


def test_tocilizumab_100_kg_is_800_mg(qtbot, crs):
    qtbot.keyClicks(crs.toco.form.editor("weight"), "100")
    qtbot.waitUntil(lambda: crs.toco.result is not None)
    assert crs.toco.result.result["dose_mg"] == 800
    assert crs.toco.pane.primary.text() == "Tocilizumab 800 mg per dose"
    assert "at least 8 h" in crs.toco.pane.interpretation.text()
    assert "4 doses in total" in crs.toco.pane.interpretation.text()
    crs.toco.form.editor("weight").clear()
    qtbot.keyClicks(crs.toco.form.editor("weight"), "120")
    qtbot.waitUntil(lambda: crs.toco.result is not None and crs.toco.result.result["computed_mg"] == 960)
    assert crs.toco.result.result["dose_mg"] == 800


def test_icans_tocilizumab_helper_says_only_with_crs(icans):
    texts = [w.text() for w in icans.helpers.widget(0).findChildren(type(icans.grader.pane.primary))]
    assert any("Tocilizumab only with concurrent CRS" in t for t in texts)


def test_teclistamab_step_up_for_70_kg_eu(qtbot, crs):
    crs.helpers.setCurrentIndex(1)  # the step-up helper (in its scroll area)
    form = crs.stepup.form
    choose(form.editor("drug"), "teclistamab")
    qtbot.keyClicks(form.editor("weight"), "70")
    assert form.editor("region").currentData() == "eu"
    qtbot.waitUntil(lambda: crs.stepup.result is not None)
    rows = crs.stepup.pane.schedule_model.rows()
    assert [(r[0], r[2]) for r in rows] == [("1", "4.2 mg"), ("3", "21 mg"), ("5", "105 mg")]
    assert all("48 h" in r[3] for r in rows)
    assert all(r[4] for r in rows)  # premedication before each step-up dose
    # the EU SmPC's premedication agents were not read: said so, never assumed from the US label
    assert "not read" in crs.stepup.pane.premedication.text()
    assert crs.stepup.pane.schedule_view.isVisibleTo(crs)


def test_step_up_link_opens_the_helper(crs):
    crs.open_item("stepup:elranatamab")
    assert crs.helpers.currentWidget().widget() is crs.stepup
    assert crs.stepup.form.editor("drug").currentData() == "elranatamab"


def test_copy_panel_as_text_has_the_grade_and_the_stamp(qtbot, crs, context):
    qtbot.keyClicks(crs.grader.form.editor("temperature"), "38.5")
    qtbot.keyClicks(crs.grader.form.editor("vasopressors"), "2")
    qtbot.waitUntil(lambda: crs.current_grade() == 4)
    qtbot.mouseClick(crs.copy_button, Qt.MouseButton.LeftButton)
    text = QGuiApplication.clipboard().text()
    assert text.startswith("Graded: CRS grade 4 (ASTCT 2019)")
    assert "CRS grade 4: management" in text
    assert context.stamp() in text


def test_models_pass_qtmodeltester(qtbot, icans, crs, qtmodeltester):
    for screen in (icans, crs):
        for i in range(4):
            qtmodeltester.check(screen.tabs.widget(i).dose_model)
    choose(crs.stepup.form.editor("drug"), "linvoseltamab")
    qtbot.waitUntil(lambda: crs.stepup.result is not None)
    qtmodeltester.check(crs.stepup.pane.schedule_model)


def test_print_the_grade_panel_to_pdf(icans, context, tmp_path):
    icans.open_item(2)
    doc = icans.document()
    text = doc.toPlainText()
    assert "ICANS grade 2: management" in text
    assert COPRESENCE in text
    assert "10 mg every 6 h" in text
    out = export_pdf(doc, tmp_path / "icans-2.pdf", context.stamp())
    assert out.read_bytes()[:4] == b"%PDF"


def next_tab_stop(widget):
    w = widget.nextInFocusChain()
    while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(w.window()) and w.isEnabled()):
        w = w.nextInFocusChain()
    return w


def test_tab_goes_from_the_grader_to_the_grade_tabs(crs):
    order = crs.grader.focus_order()
    assert order[0] is crs.grader.form.editor("temperature")
    assert next_tab_stop(order[-1]) is crs.tabs.tabBar()  # the grader's last control (Clear, "Show what…")
    assert next_tab_stop(crs.pdf_button) is crs.helpers.tabBar()


def test_built_before_the_guide_loads(qtbot, guide):
    from app.ui.context import UiContext

    ctx = UiContext()
    s = ToxicityScreen(ctx, syndrome="icans")
    qtbot.addWidget(s)
    assert s.tabs.count() == 0 and s.plain_text() == "" and s.document() is None
    ctx.set_guide(guide)
    assert s.tabs.count() == 4
    assert s.grader.calc_id == "icans-grade"


# --- panels carry what the content knows (issue 9, item 12) -----------------------------------

METHYLPRED_TITLE = '"High-dose methylprednisolone": three different doses'


@pytest.mark.parametrize(("syndrome", "grade"), [("crs", 4), ("icans", 3), ("icans", 4)])
def test_methylprednisolone_conflict_on_its_tabs(qtbot, context, syndrome, grade):
    screen = make(qtbot, context, syndrome)
    screen.open_item(grade)
    panel = screen.tabs.currentWidget()
    names = [box.accessibleName() for box in panel.conflict_boxes]
    assert f"Conflict: {METHYLPRED_TITLE}" in names
    text = screen.plain_text()
    assert f"Conflict: {METHYLPRED_TITLE}" in text
    assert "(1 g/day)" in text and "(1–2 g/day)" in text and "(2 mg/kg every 12 h)" in text
    assert f"⇄ Conflict: {METHYLPRED_TITLE}" in screen.document().toPlainText()


def test_methylprednisolone_conflict_not_on_crs_grade_3(crs):
    crs.open_item(3)
    assert METHYLPRED_TITLE not in crs.plain_text()


def test_icans_grade_1_box3_starts_with_the_untagged_bullets(icans):
    icans.open_item(1)
    panel = icans.tabs.currentWidget()
    shown = panel.box3.text()
    observation = shown.index("Observation.")
    withhold = shown.index("Withhold oral food, medicine and fluid intake and switch to intravenous intake.")
    haloperidol = shown.index("Haloperidol or lorazepam")
    assert observation < withhold < haloperidol
    assert shown[:observation].count("untagged in Box 3") == 1
    assert shown[observation:haloperidol].count("untagged in Box 3") == 1
    assert "untagged in Box 3" not in shown[haloperidol:]
    # not a caution at the bottom any more
    assert "Observation." not in panel.cautions.body.text()
    assert "Withhold oral food" not in panel.cautions.body.text()
    lines = icans.plain_text().splitlines()
    box3 = lines.index("Box 3, grade 1 ICANS:")
    assert lines[box3 + 1] == (
        "  - Observation. [untagged in Box 3 (no evidence tag)]  (Box 3 › ICANS › Grade 1, bullet 1)"
    )
    bullets = [ln for ln in lines[box3 + 1 :] if ln.startswith("  - ")]
    assert bullets[1].startswith("  - Withhold oral food, medicine and fluid intake and switch to intravenous intake.")
    assert bullets[2].startswith("  - Haloperidol or lorazepam if patient is agitated [II, B].")
    assert "Cautions:" not in icans.plain_text()


def test_crs_grade_3_shows_that_no_starting_dexamethasone_dose_is_given(qtbot, crs):
    crs.open_item(3)
    panel = crs.tabs.currentWidget()
    qtbot.waitUntil(panel.not_given.isVisible)
    body = panel.not_given.body.text()
    assert "Dose not given in the guideline" in panel.not_given.heading.text()
    assert "no starting dexamethasone dose for grade 3 CRS" in body
    assert "Add dexamethasone if no response within 24 h, increasing dose if refractory [II, B]." in body
    assert "Box 3 › CRS › Grade 3, bullet 3" in body and "Supportive care › Recommendations, bullet 19" in body
    text = crs.plain_text()
    assert "Dose not given in the guideline:" in text
    assert "  ! dexamethasone, starting dose: The guideline gives no starting dexamethasone dose" in text
    assert "Dose not given in the guideline" in crs.document().toPlainText()
    for grade in (1, 2, 4):
        assert not crs.panels[grade].not_given.isVisibleTo(crs.panels[grade])
        assert "Dose not given" not in crs.panels[grade].plain_text()
