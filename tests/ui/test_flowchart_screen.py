"""The flowchart screens (Figs. 1–3): real widgets, real database, offscreen; no mocks."""

from __future__ import annotations

import statistics
import time

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QWheelEvent
from PySide6.QtWidgets import QApplication

from app.core.flowchart.conditions import Condition
from app.core.flowchart.model import QuestionNode, RecommendationNode
from app.ui.flow_panel import CheckListModel, FlowPanel
from app.ui.printing import export_pdf
from app.ui.screens.flowchart import FlowchartScreen, option_answers

from .windows import shown_flowchart_screen

FIG2_QUOTE = (
    "Patients eligible for treatment with CAR T cells with disease refractory to first-line lenalidomide and who "
    "have not received or have disease sensitive to anti-CD38 antibodies should receive cilta-cel, if available [I, A]."
)


@pytest.fixture
def make_screen(qtbot, context):
    return lambda figure_id: shown_flowchart_screen(qtbot, context, figure_id)


def combo_select(qtbot, screen: FlowchartScreen, fact: str, value) -> None:
    """Choose a value in a side-panel combo box the way a keyboard user does."""
    combo = screen.panel.controls[fact].widget
    index = combo.findData(value)
    assert index > 0, (fact, value)
    combo.setFocus()
    while combo.currentIndex() != index:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up)


def click_item(qtbot, screen: FlowchartScreen, item) -> None:
    """A real mouse click on the viewport where the item is drawn."""
    view = screen.view
    view.ensureVisible(item, 20, 20)
    QApplication.processEvents()
    centre = item.mapToScene(item.boundingRect().center())
    pos = view.mapFromScene(centre)
    assert view.viewport().rect().contains(pos)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


# ----------------------------------------------------------------------------- rendering
@pytest.mark.parametrize("figure_id", ["fig1", "fig2", "fig3"])
def test_each_figure_renders_a_box_per_node_without_overlap(make_screen, guide, figure_id):
    screen = make_screen(figure_id)
    figure = guide.figure(figure_id)
    assert set(screen.scene.nodes) == {n.id for n in figure.nodes}
    assert screen.scene.overlapping_boxes() == []
    for node in figure.nodes:
        if isinstance(node, QuestionNode):
            labels = [screen.scene.chip(node.id, i).option.label for i in range(len(node.options))]
            assert labels == [o.label for o in node.options]
        else:
            shown = [e.regimen for e in screen.scene.entries_of(node.id) if e.substitutes_for is None]
            assert shown == [i.regimen for i in node.items]
    # chips sit between their question and the box they lead to, never on a box
    for (nid, _i), chip in screen.scene.chips.items():
        chip_rect = chip.mapRectToScene(chip.shape().boundingRect())
        for other in screen.scene.nodes:
            assert not chip_rect.intersects(screen.scene.node_rect(other)), (nid, other)
    # the diagram follows the path on open (never "fit"), and nothing is faded before any answer
    assert screen.view.mode == "path" and not screen.view.auto_fit
    assert all(n.opacity() == 1.0 for n in screen.scene.nodes.values())
    assert screen.title.startswith(f"Fig. {figure_id[-1]}")


def test_fig1_columns_follow_the_paper(make_screen):
    screen = make_screen("fig1")
    rect = screen.scene.node_rect
    chain = ["te-induction", "te-asct", "te-consolidation", "te-maintenance"]
    xs = {round(rect(n).center().x()) for n in chain}
    assert len(xs) == 1, "the transplant-eligible column is one straight column"
    assert [rect(n).top() for n in chain] == sorted(rect(n).top() for n in chain)
    # transplant-ineligible arm to the right of the eligible column
    assert rect("q-ti-frailty").left() > rect("te-induction").right()
    assert rect("q-asct-eligible").bottom() < rect("te-induction").top()


def test_fig2_columns_by_lenalidomide_status(make_screen):
    screen = make_screen("fig2")
    rect = screen.scene.node_rect
    # lenalidomide-naive/sensitive column left of the lenalidomide-refractory columns
    assert rect("r-a-btz-ref").right() < rect("r-b-len-ref").left()
    assert rect("r-b-len-btz-ref").right() < rect("r-c-len-cd38-ref").left()
    # the second-line ASCT side box stands beside the first question, not above it
    assert rect("r-asct-side").right() < rect("q-len").left()
    assert abs(rect("r-asct-side").top() - rect("q-len").top()) < 1


# ----------------------------------------------------------------------------- answering on the diagram
def test_clicking_option_chips_highlights_the_path(make_screen, qtbot):
    screen = make_screen("fig1")
    scene = screen.scene
    click_item(qtbot, screen, scene.chip_for_label("q-asct-eligible", "No"))
    assert screen.facts == {"asct_eligible": False}
    assert screen.evaluation.path == ["q-asct-eligible", "q-ti-frailty"]
    assert scene.nodes["q-ti-frailty"].state == "path"
    assert scene.chip_for_label("q-asct-eligible", "No").state == "chosen"
    assert scene.chip_for_label("q-asct-eligible", "Yes").state == "excluded"
    taken = [(e.source, e.target) for e in scene.edges if e.state == "taken"]
    assert taken == [("q-asct-eligible", "q-ti-frailty")]
    assert scene.nodes["te-induction"].opacity() < 0.5  # the transplant-eligible column fades
    # the panel follows the diagram
    assert screen.panel.controls["asct_eligible"].widget.currentData() is False

    # "IMWG FS ≥2 (frail)" covers scores 2–5: the chip asks which, and never guesses
    answers = screen.activate_option("q-ti-frailty", 1)
    assert answers == [{"imwg_frailty_score": s} for s in (2, 3, 4, 5)]
    menu = screen._choice_menu
    assert menu is not None and menu.isVisible()
    menu.actions()[0].trigger()
    menu.close()
    assert screen.facts["imwg_frailty_score"] == 2
    assert screen.evaluation.path[-1] == "ti-frail"
    assert scene.nodes["ti-frail"].state == "path"
    assert scene.entry("ti-frail", "DaraRd").state == "applies"


def test_a_number_is_never_invented_by_a_chip(make_screen):
    screen = make_screen("fig1")
    screen.set_facts({"asct_eligible": False, "imwg_frailty_score": 0})
    assert screen.activate_option("q-ti-age", 0) is None  # "<80 years"
    assert "age" not in screen.facts
    assert "in the questions" in screen.message.text()
    assert screen.panel.controls["age"].widget.hasFocus() or QApplication.focusWidget() is None


def test_keyboard_arrows_and_enter_activate_a_chip(make_screen, qtbot):
    screen = make_screen("fig1")
    view = screen.view
    screen.activateWindow()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus)
    first = screen.scene.focusItem()
    assert first is screen.scene.chip_for_label("q-asct-eligible", "Yes")  # the question where the path stops
    qtbot.keyClick(view, Qt.Key.Key_Right)
    no_chip = screen.scene.chip_for_label("q-asct-eligible", "No")
    assert screen.scene.focusItem() is no_chip
    assert no_chip.hasFocus() and view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert screen.facts == {"asct_eligible": False}
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert screen.scene.focusItem() is first
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert screen.facts == {"asct_eligible": True}
    # Enter on a regimen entry opens its detail
    entry = screen.scene.entry("te-induction", "DaraVRd")
    entry.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(view, Qt.Key.Key_Enter)
    assert screen.detail is not None and screen.detail.isVisible()
    assert "DaraVRd" in screen.detail.windowTitle()
    screen.detail.close()


def test_the_diagram_is_one_tab_stop_with_arrow_keys_inside(make_screen, qtbot):
    screen = make_screen("fig3")
    view = screen.view
    screen.activateWindow()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus)
    chain = screen.scene.focus_chain
    assert len(chain) > 20
    assert screen.scene.focusItem() is screen.scene.chip_for_label("q-tcr", "No")
    # the arrow keys walk every item in reading order, and stop at the ends
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert screen.scene.focusItem() is chain[0]
    for i in range(1, len(chain)):
        qtbot.keyClick(view, Qt.Key.Key_Down)
        assert screen.scene.focusItem() is chain[i]
        assert view.hasFocus()
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert screen.scene.focusItem() is chain[-1]
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert screen.scene.focusItem() is chain[-2]
    # Page Down jumps to the next box
    qtbot.keyClick(view, Qt.Key.Key_Home)
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert screen.scene.focusItem().node_id != chain[0].node_id
    # one Tab leaves the diagram, wherever the focus is inside it
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert not view.hasFocus()
    # coming back with Tab (from the diagram's last tool button) lands on the item focused last
    remembered = screen.scene.last_focused
    screen.map_button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(screen.map_button, Qt.Key.Key_Tab)
    qtbot.waitUntil(view.hasFocus)
    assert screen.scene.focusItem() is remembered


# ----------------------------------------------------------------------------- answering in the panel
def test_side_panel_answers_and_checkable_lists(make_screen, qtbot):
    screen = make_screen("fig3")
    combo_select(qtbot, screen, "triple_class_refractory", True)
    assert screen.evaluation.path == ["q-tcr", "q-tcr-cart-adc"]
    model = screen.panel.controls["refractory_to"].model
    row = model.choice_keys().index("car-t") + 1
    model.setData(model.index(row), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert screen.facts["refractory_to"] == ["car-t"]
    assert screen.evaluation.path[-1] == "tcr-cart-adc-refractory"
    # "None of these" is exclusive and means a known empty list
    model.setData(model.index(0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert screen.facts["refractory_to"] == []
    assert screen.evaluation.path[-1] == "tcr"
    # a spin box with its unit, and a typed number
    line = screen.panel.controls["line"].widget
    line.setFocus()
    line.selectAll()
    qtbot.keyClicks(line, "5")
    assert screen.facts["line"] == 5
    cilta = next(r for r in screen.evaluation.recommendations if r.regimen == "cilta-cel")
    assert cilta.evidence.text == "[II, B]"
    assert [b.text for b in screen.scene.entry("tcr", "cilta-cel").badges] == ["[II, B]"]
    # unavailable list: the figure's regimens
    unavailable = screen.panel.controls["unavailable"].model
    assert "cilta-cel" in unavailable.choice_keys()
    assert "teclistamab" in unavailable.choice_keys()


def test_unknown_facts_are_prompted(make_screen):
    screen = make_screen("fig2")
    ev = screen.evaluation
    assert "lenalidomide_status" in ev.missing
    control = screen.panel.controls["lenalidomide_status"]
    assert control.property("missing") is True
    assert control.need_mark.isVisible()
    assert "Still needed" in control.widget.accessibleDescription()
    assert screen.panel.still_needed_text() == "Still needed: Lenalidomide status after the first line"
    assert screen.step_cards()[0].title == "Still needed: Lenalidomide status after the first line"
    # the side-box questions are optional, never "still needed"
    side = screen.panel.controls["initial_remission_months"]
    assert side.property("missing") is False and not side.need_mark.isVisible()
    assert "side box (3 questions)" in screen.panel.optional_text
    # every box is still possible: dashed, not faded
    assert screen.scene.nodes["r-b-len-ref"].state == "possible"
    assert screen.scene.entry("r-b-len-ref", "DaraKd").state == "possible"


def test_impossible_branches_fade(make_screen, qtbot):
    screen = make_screen("fig2")
    combo_select(qtbot, screen, "lenalidomide_status", "refractory")
    scene = screen.scene
    for nid in ("q-a-cd38", "q-a-btz", "r-a-btz-ref", "r-a-btz-sens", "r-a-cd38-exposed-gap"):
        assert scene.nodes[nid].opacity() == pytest.approx(0.28), nid
        assert scene.nodes[nid].state == "faded"
    for nid in ("q-b-btz", "r-b-len-ref", "r-b-len-btz-ref", "r-c-len-cd38-ref"):
        assert scene.nodes[nid].opacity() == 1.0 and scene.nodes[nid].state == "possible"
    assert scene.nodes["q-b-cd38"].state == "path"
    assert scene.chip_for_label("q-len", "Lenalidomide-naive or lenalidomide-sensitive").opacity() < 0.5
    assert "lenalidomide_status" not in screen.evaluation.missing
    assert not screen.panel.controls["lenalidomide_status"].need_mark.isVisible()


def test_dropped_items_and_substitutes(make_screen):
    screen = make_screen("fig2")
    screen.set_facts(
        {
            "lenalidomide_status": "refractory",
            "anti_cd38_status": "naive",
            "bortezomib_status": "sensitive",
            "car_t_eligible": False,
            "unavailable": ["BelaVd"],
        }
    )
    scene = screen.scene
    cilta = scene.entry("r-b-len-ref", "cilta-cel")
    assert cilta.state == "excluded" and cilta.status_words == "⊘ EXCLUDED"
    assert "Is the patient eligible for CAR T-cell therapy?" in cilta.toolTip()  # the reason, in the panel's words
    assert scene.entry("r-b-len-ref", "BelaVd").state == "unavailable"
    assert scene.entry("r-b-len-ref", "DaraVd", "BelaVd").state == "applies"
    assert scene.entry("r-a-btz-ref", "DaraRd").state == "ruled-out"  # a box the answers rule out fades
    assert scene.entry("r-a-btz-ref", "DaraRd").effectiveOpacity() < 0.5
    daravd = next(c for c in screen.step_cards() if c.kind == "rec" and c.title == "DaraVd")
    assert daravd.substitutes_for == "BelaVd" and daravd.state == "applies"
    assert "instead of BelaVd" in daravd.accessible
    assert "instead of BelaVd" in screen.plain_text()


def test_notes_list_marks_ambiguities_and_errata(make_screen):
    screen = make_screen("fig2")
    screen.set_facts({"lenalidomide_status": "refractory"})
    notes = {c.title: c for c in screen.step_cards() if c.kind == "note"}
    assert "⚠ Ambiguity F2-A4" in notes and "⚠ Erratum G-5" in notes and "Approval (dated) G-6" in notes
    assert notes["⚠ Ambiguity F2-A4"].state == "marked"  # shaded as well as labelled
    assert notes["Approval (dated) G-6"].state == ""
    long = screen.sources_text()
    assert "[ambiguity F2-A4]" in long and "[erratum G-5]" in long


# ----------------------------------------------------------------------------- regimen detail
def test_regimen_detail_for_cilta_cel_in_fig2(make_screen, qtbot, context):
    screen = make_screen("fig2")
    screen.set_facts(
        {
            "lenalidomide_status": "refractory",
            "anti_cd38_status": "naive",
            "bortezomib_status": "sensitive",
            "car_t_eligible": True,
        }
    )
    click_item(qtbot, screen, screen.scene.entry("r-b-len-ref", "cilta-cel"))
    detail = screen.detail
    assert detail is not None and detail.isVisible()
    text = detail.browser.toPlainText()
    assert "ciltacabtagene autoleucel" in text  # component name from the glossary
    assert "BCMA-directed CAR-T" in text
    assert "Evidence (this leaf)" in text and "[I, A]" in text
    assert "preferred (tier is this guide's reading of the text)" in text
    assert "only in patients eligible for CAR T-cell therapy" in text
    assert FIG2_QUOTE in text
    assert "Recommendations, bullet 3" in text
    assert "(this box)" in text
    assert "CARTITUDE-4" in text and "phase III" in text and "n = 419" in text
    assert "median 33.6 months" in text and "HR 0.29" in text
    assert "Approval notes (dated)" in text and "at the time of writing" in text
    assert "Dosing notes" in text
    qtbot.mouseClick(detail.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("cilta-cel — ciltacabtagene autoleucel")
    assert "Evidence: [I, A]" in copied and "Tier: preferred" in copied
    assert "Conditions:\n- only in patients eligible for CAR T-cell therapy" in copied
    assert f"“{FIG2_QUOTE}”" in copied
    assert "Relapsed/refractory MM › One prior line › Recommendations, bullet 3" in copied
    assert copied.rstrip().endswith(context.stamp())
    detail.close()


def test_regimen_detail_of_a_box_not_reached(make_screen):
    screen = make_screen("fig2")
    screen.set_facts({"lenalidomide_status": "naive"})
    detail = screen.open_regimen("r-b-len-btz-ref", "DaraPd")
    text = detail.browser.toPlainText()
    assert "[II, B]" in text  # the grade of THIS leaf, not the [I, A] of bullet 3
    assert "not applicable with the current answers" in text
    detail = screen.open_regimen("r-b-len-ref", "PVd", "BelaPd")
    assert "Named instead of BelaPd" in detail.browser.toPlainText()
    assert "[panel consensus; I, A]" in detail.browser.toPlainText()
    detail.close()


def test_enter_on_a_regimen_card_opens_the_detail(make_screen, qtbot):
    screen = make_screen("fig3")
    screen.set_facts({"triple_class_refractory": True, "refractory_to": [], "line": 3, "car_t_eligible": True})
    screen.activateWindow()
    screen.show_tab(1)
    steps = screen.steps
    qtbot.waitUntil(steps.hasFocus)
    card = steps.current_card()
    assert card.kind == "rec" and card.title == "cilta-cel"  # the first regimen of the box reached
    qtbot.keyClick(steps, Qt.Key.Key_Down)
    assert steps.current_card().title == "ide-cel"
    qtbot.keyClick(steps, Qt.Key.Key_Return)
    assert screen.detail is not None and screen.detail.isVisible()
    assert screen.detail.content.leaf.regimen == "ide-cel"
    screen.detail.close()


# ----------------------------------------------------------------------------- carry-over
def test_calculator_frailty_score_changes_fig1_branch(make_screen, qtbot, context):
    screen = make_screen("fig1")
    combo_select(qtbot, screen, "asct_eligible", False)
    assert "ti-frail" not in screen.evaluation.path
    context.carry_facts.emit("fig2", {"car_t_eligible": True})  # another figure: ignored
    assert "car_t_eligible" not in screen.facts
    context.carry_facts.emit("fig1", {"imwg_frailty_score": 2})
    assert screen.evaluation.path[-1] == "ti-frail"
    assert screen.scene.nodes["ti-frail"].state == "path"
    assert screen.panel.controls["imwg_frailty_score"].widget.value() == 2
    assert screen.panel.carried.isVisible()
    assert screen.panel.carried.text() == "Carried over from calculator: IMWG frailty score: 2"
    # changing the carried value by hand drops the carried-over line
    screen.panel.controls["imwg_frailty_score"].widget.setValue(1)
    assert not screen.panel.carried.isVisible()


def test_calculator_high_risk_brings_tandem_asct(make_screen, context):
    screen = make_screen("fig1")
    screen.set_facts({"asct_eligible": True})
    assert screen.scene.entry("te-consolidation", "tandem ASCT").state == "possible"
    context.carry_facts.emit("fig1", {"high_risk": True})
    assert screen.scene.entry("te-consolidation", "tandem ASCT").state == "applies"
    assert "High-risk disease" in screen.panel.carried.text()


def test_invalid_carry_over_is_refused_with_a_message(make_screen, context):
    screen = make_screen("fig1")
    context.carry_facts.emit("fig1", {"imwg_frailty_score": 9})
    assert "imwg_frailty_score" not in screen.facts
    assert "Could not carry over" in screen.message.text()


# ----------------------------------------------------------------------------- zoom, pan, fit
def test_zoom_buttons_ctrl_wheel_fit_and_follow(make_screen, qtbot):
    screen = make_screen("fig2")
    view = screen.view
    legible = view.zoom
    assert view.mode == "path" and legible == pytest.approx(1.0)
    assert screen.zoom_label.text() == "Following the path · 100 %"
    qtbot.mouseClick(screen.zoom_in_button, Qt.MouseButton.LeftButton)
    assert view.zoom == pytest.approx(legible * 1.2)
    assert view.mode == "free"
    assert screen.zoom_label.text() == f"{round(view.zoom * 100)} % · P follows the path"
    before = view.zoom
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(
        centre,
        view.viewport().mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom == pytest.approx(before * 1.15)
    qtbot.mouseClick(screen.zoom_out_button, Qt.MouseButton.LeftButton)
    assert view.zoom == pytest.approx(before * 1.15 / 1.2)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F)
    fitted = view.zoom
    assert view.auto_fit and view.mode == "overview" and fitted < legible
    assert view.mapFromScene(view.sceneRect()).boundingRect().width() <= view.viewport().width() + 2
    assert "small text: P follows the path" in screen.zoom_label.text()
    qtbot.mouseClick(screen.fit_button, Qt.MouseButton.LeftButton)
    assert view.zoom == pytest.approx(fitted)
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert view.mode == "path" and view.zoom == pytest.approx(legible) and view.minimap.isVisible()
    qtbot.mouseClick(screen.map_button, Qt.MouseButton.LeftButton)
    assert not view.minimap.isVisible()
    assert view.dragMode() == view.DragMode.ScrollHandDrag  # pan by dragging


def test_open_item_node_and_facts(make_screen):
    screen = make_screen("fig3")
    screen.open_item({"triple_class_refractory": False})
    assert screen.evaluation.path == ["q-tcr", "q-ntcr-line"]
    screen.open_item("ntcr-line-3-4")
    view = screen.view
    assert view.zoom >= 0.75
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    rect = screen.scene.node_rect("ntcr-line-3-4")
    assert visible.contains(rect.topLeft()) and visible.intersects(rect)
    assert screen.scene.focusItem() is screen.scene.entry("ntcr-line-3-4", "cilta-cel")
    assert "Showing:" in screen.message.text()


# ----------------------------------------------------------------------------- copy, print
def test_acceptance_fig2_lenalidomide_refractory_copy_in_a_few_steps(make_screen, qtbot, context):
    """A new user answers Fig. 2 for a lenalidomide-refractory patient and copies the recommendation."""
    started = time.perf_counter()
    screen = make_screen("fig2")
    combo_select(qtbot, screen, "lenalidomide_status", "refractory")
    combo_select(qtbot, screen, "anti_cd38_status", "naive")
    combo_select(qtbot, screen, "bortezomib_status", "sensitive")
    combo_select(qtbot, screen, "car_t_eligible", True)
    assert screen.evaluation.path[-1] == "r-b-len-ref"
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert time.perf_counter() - started < 10  # four answers and one click: seconds, not minutes

    assert "Lenalidomide status after the first line: Refractory" in copied
    assert "- cilta-cel [I, A] · preferred · applies — only in patients eligible for CAR T-cell therapy" in copied
    assert "- DaraKd [I, A] · preferred · applies" in copied
    assert "- IsaKd [I, A] · preferred · applies" in copied
    assert "- DaraPd [I, A] · other option · applies" in copied
    assert "- PVd [panel consensus; I, A] · if unavailable · fallback · instead of BelaPd" in copied
    assert FIG2_QUOTE not in copied  # the short form has no quotes
    assert copied.rstrip().endswith(context.stamp())
    assert copied.index("(bullet 3) (reached):") < copied.index("(side box):")
    assert screen.copy_note.isVisible() and "Copied the short recommendation" in screen.copy_note.text()
    # the long form, with each source once
    qtbot.mouseClick(screen.copy_sources_button, Qt.MouseButton.LeftButton)
    long = QGuiApplication.clipboard().text()
    assert long.count(f"“{FIG2_QUOTE}”") == 1
    assert "(Relapsed/refractory MM › One prior line › Recommendations, bullet 3)" in long
    assert "  Condition: only in patients eligible for CAR T-cell therapy" in long
    assert "Copied the recommendation with its sources" in screen.copy_note.text()
    # the step view lists the box reached before the side box
    titles = [c.title for c in screen.step_cards() if c.kind == "box"]
    assert titles[0].endswith("not bortezomib-refractory (bullet 3)") and titles[1].startswith("Side box")


def test_plain_text_lists_answers_path_and_missing(make_screen, context):
    screen = make_screen("fig1")
    screen.set_facts({"asct_eligible": True, "induction_cycles": 4})
    text = screen.plain_text()
    assert "Is the patient eligible for autologous stem cell transplantation (ASCT)?: yes" in text
    assert "Number of induction cycles given (or planned) before ASCT: 4 cycles" in text
    assert "Still needed: Is the disease genetically high risk?" in text or "Still needed:" in text
    assert "DaraVRd [I, B] · conditional" in text  # consolidation's own grade
    assert context.stamp() in text
    assert "1. Eligibility for ASCT → Yes" in screen.sources_text()


def test_print_to_pdf(make_screen, tmp_path, context):
    screen = make_screen("fig2")
    screen.set_facts({"lenalidomide_status": "refractory", "anti_cd38_status": "refractory"})
    doc = screen.document()
    assert doc is not None
    text = doc.toPlainText()
    assert "Refractory to lenalidomide and an anti-CD38 antibody (bullet 5)" in text
    assert "Path" in text and "Sources" in text
    out = export_pdf(doc, tmp_path / "fig2.pdf", context.stamp())
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000


# ----------------------------------------------------------------------------- speed, models, helpers
def test_path_highlighting_restyles_within_a_frame(make_screen):
    screen = make_screen("fig2")
    guide = screen.context.guide
    evs = [
        guide.flow("fig2", {"lenalidomide_status": "refractory", "anti_cd38_status": "naive"}),
        guide.flow(
            "fig2", {"lenalidomide_status": "naive", "anti_cd38_status": "naive", "bortezomib_status": "sensitive"}
        ),
        guide.flow("fig2", {}),
    ]
    items_before = len(screen.scene.items())
    times = []
    for i in range(60):
        t = time.perf_counter()
        screen.scene.apply(evs[i % 3])
        times.append((time.perf_counter() - t) * 1000)
    assert statistics.median(times) < 16
    assert len(screen.scene.items()) == items_before  # restyled, never rebuilt


def test_check_list_model_passes_qtmodeltester(qtmodeltester):
    model = CheckListModel([("car-t", "CAR T cells"), ("adc", "ADC"), ("bispecific", "Bispecific")])
    qtmodeltester.check(model)
    assert model.value() is None
    model.setData(model.index(1), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(2), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert model.value() == ["car-t", "adc"]
    model.setData(model.index(0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert model.value() == []
    model.set_value(["DaraPd"])  # a carried-over name the list lacks is added, not lost
    assert model.value() == ["DaraPd"]
    qtmodeltester.check(model)


def test_panel_models_pass_qtmodeltester(qtmodeltester, guide, qtbot):
    panel = FlowPanel(guide.figure("fig3"))
    qtbot.addWidget(panel)
    for control in panel.controls.values():
        if control.model is not None:
            qtmodeltester.check(control.model)
    for control in panel.controls.values():
        assert control.widget.accessibleName() == control.spec.prompt


def test_option_answers_never_guess_numbers(guide):
    specs = {s.name: s for s in guide.figure("fig1").facts}
    assert option_answers(Condition(fact="asct_eligible", op="eq", value=False), {}, specs) == [
        {"asct_eligible": False}
    ]
    assert option_answers(Condition(fact="age", op="lt", value=80), {}, specs) is None
    assert option_answers(Condition(fact="imwg_frailty_score", op="lt", value=2), {}, specs) == [
        {"imwg_frailty_score": 0},
        {"imwg_frailty_score": 1},
    ]
    specs3 = {s.name: s for s in guide.figure("fig3").facts}
    no = Condition.model_validate({"not": {"fact": "refractory_to", "op": "intersects", "value": ["car-t", "adc"]}})
    assert option_answers(no, {"refractory_to": ["car-t", "bispecific"]}, specs3) == [{"refractory_to": ["bispecific"]}]
    yes = Condition(fact="refractory_to", op="intersects", value=["car-t", "adc"])
    assert option_answers(yes, {}, specs3) == [{"refractory_to": ["car-t"]}, {"refractory_to": ["adc"]}]


def test_screen_waits_for_the_guide(qtbot, guide):
    from app.ui.context import UiContext

    ctx = UiContext()
    screen = FlowchartScreen(ctx, "fig1")
    qtbot.addWidget(screen)
    assert screen.scene is None and screen.plain_text() == "" and screen.document() is None
    ctx.carry_facts.emit("fig1", {"high_risk": True})
    ctx.set_guide(guide)
    assert screen.scene is not None
    assert screen.facts == {"high_risk": True}
    assert isinstance(guide.figure("fig1").node("te-consolidation"), RecommendationNode)


def test_carry_reaches_a_figure_screen_opened_afterwards(context, qtbot):
    from app.ui.screens.flowchart import FlowchartScreen

    context.carry_facts.emit("fig1", {"asct_eligible": False, "imwg_frailty_score": 2})
    screen = FlowchartScreen(context, "fig1")
    qtbot.addWidget(screen)
    assert screen.facts["imwg_frailty_score"] == 2
    assert "ti-frail" in screen.evaluation.path
