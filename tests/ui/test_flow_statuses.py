"""Status of each listed regimen on the flowchart screens: drawn, explained, copied; refused answers.

Real widgets, real database, offscreen; answers are given through the side panel the way a
keyboard user gives them, and tooltips are raised by real help events.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QHelpEvent
from PySide6.QtWidgets import QApplication, QComboBox, QToolTip

from app.ui import flow_status
from app.ui.screens.flowchart import FlowchartScreen
from app.ui.theme import (
    DARK,
    FLOW_DARK,
    FLOW_LIGHT,
    FLOW_PALETTES,
    PALETTES,
    apply_theme,
    contrast_ratio,
    restore_defaults,
)

from .windows import shown_flowchart_screen

FIG2_LEN_CD38 = {
    "lenalidomide_status": "refractory",
    "anti_cd38_status": "refractory",
    "bortezomib_status": "sensitive",
    "car_t_eligible": True,
}
FIG3_CARVYKTI = {
    "triple_class_refractory": True,
    "refractory_to": ["teclistamab"],
    "line": 5,
    "car_t_eligible": True,
    "previously_received": ["Carvykti"],
    "prior_asct": True,
    "ttp_after_asct_years": 2,
}


@pytest.fixture
def make_screen(qtbot, context):
    return lambda figure_id: shown_flowchart_screen(qtbot, context, figure_id)


def choose(qtbot, screen: FlowchartScreen, fact: str, value) -> None:
    """Choose a value in a side-panel combo box with the keyboard."""
    combo = screen.panel.controls[fact].widget
    assert isinstance(combo, QComboBox)
    index = combo.findData(value)
    assert index > 0, (fact, value)
    combo.setFocus()
    while combo.currentIndex() != index:
        before = combo.currentIndex()
        qtbot.keyClick(combo, Qt.Key.Key_Down if before < index else Qt.Key.Key_Up)
        assert combo.currentIndex() != before, "the combo box did not move"


def type_number(qtbot, screen: FlowchartScreen, fact: str, text: str) -> None:
    box = screen.panel.controls[fact].widget
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Tab)


def tooltip_over_entry(screen: FlowchartScreen, entry) -> str:
    """Hover the regimen on the diagram: the text of the tooltip the view shows."""
    view = screen.view
    view.ensureVisible(entry, 20, 20)
    QApplication.processEvents()
    pos = view.mapFromScene(entry.mapToScene(entry.boundingRect().center()))
    assert view.viewport().rect().contains(pos)
    QToolTip.hideText()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    assert QToolTip.isVisible()
    return QToolTip.text()


def card_of(screen: FlowchartScreen, regimen: str):
    """The step view's card of a regimen (the first with that name)."""
    for card in screen.step_cards():
        if card.kind == "rec" and card.title == regimen:
            return card
    raise AssertionError(f"{regimen} not in the steps")


def struck_through(screen: FlowchartScreen, regimen: str) -> bool:
    """Is the regimen's name drawn struck through in the step view (as the delegate lays it out)?"""
    card = card_of(screen, regimen)
    ops, _height = screen.steps.delegate.layout(card, 600, screen.steps.font())
    name = next(op for op in ops if op.kind == "text" and regimen in op.text)
    return bool(name.flags & (1 << 30))


# ----------------------------------------------------------------------------- the three figures
def test_fig1_first_option_unavailable(make_screen, qtbot):
    screen = make_screen("fig1")
    choose(qtbot, screen, "asct_eligible", True)
    choose(qtbot, screen, "first_option_available", False)
    scene = screen.scene
    dara = scene.entry("te-induction", "DaraVRd")
    assert dara.state == "unavailable"
    assert dara.status_words == "✕ NOT AVAILABLE"
    tip = tooltip_over_entry(screen, dara)
    assert "not available" in tip
    # the reason, with the fact in the words of the side panel rather than its identifier
    assert "Answered: no first-option regimen is available (“Is a first-option regimen available?” = no)" in tip
    assert "first_option_available" not in tip
    vrd = scene.entry("te-induction", "VRd")
    assert vrd.state == "applies" and vrd.status_words == "✓ APPLIES"
    assert card_of(screen, "DaraVRd").status_words == "✕ not available"
    assert card_of(screen, "VRd").status_words == "✓ applies"
    assert struck_through(screen, "DaraVRd") and not struck_through(screen, "VRd")


def test_fig2_fallback_with_its_reason_on_hover_and_focus(make_screen, qtbot):
    screen = make_screen("fig2")
    for fact, value in FIG2_LEN_CD38.items():
        choose(qtbot, screen, fact, value)
    assert screen.evaluation.path[-1] == "r-c-len-cd38-ref"
    kd = screen.scene.entry("r-c-len-cd38-ref", "Kd")
    assert kd.state == "fallback" and kd.status_words == "↓ FALLBACK"
    assert screen.scene.entry("r-c-len-cd38-ref", "cilta-cel").state == "applies"
    reason = "if other options are not available"
    assert reason in tooltip_over_entry(screen, kd)
    assert "fallback (last resort)" in tooltip_over_entry(screen, kd)
    card = card_of(screen, "Kd")
    assert card.status_words == "↓ fallback" and reason in card.reason and reason in card.accessible
    # the mouse over it writes it on the status line as well
    view = screen.view
    qtbot.mouseMove(view.viewport(), view.mapFromScene(kd.mapToScene(kd.boundingRect().center())))
    qtbot.waitUntil(lambda: screen.status_line.text().startswith("Kd — ↓ fallback"), timeout=2000)
    assert reason in screen.status_line.text()
    # keyboard focus: the status line and the diagram's accessible description carry the reason
    screen.view.setFocus()
    kd.setFocus(Qt.FocusReason.TabFocusReason)
    assert screen.scene.focusItem() is kd
    assert screen.status_line.isVisible()
    assert screen.status_line.text().startswith("Kd — ↓ fallback")
    assert reason in screen.status_line.text()
    description = screen.view.accessibleDescription()
    assert "Kd" in description and "fallback" in description and reason in description
    # moving the focus on changes both
    cilta = screen.scene.entry("r-c-len-cd38-ref", "cilta-cel")
    cilta.setFocus(Qt.FocusReason.TabFocusReason)
    assert screen.status_line.text().startswith("cilta-cel — ✓ applies")
    assert "fallback" not in screen.view.accessibleDescription()


def test_fig2_keyboard_in_the_steps_reads_the_reason(make_screen, qtbot):
    from PySide6.QtGui import QAccessible

    screen = make_screen("fig2")
    screen.set_facts(FIG2_LEN_CD38)
    screen.activateWindow()
    screen.show_tab(1)
    steps = screen.steps
    qtbot.waitUntil(steps.hasFocus)
    reached = []
    for _ in range(40):
        card = steps.current_card()
        reached.append(card.title)
        if card.title == "SelVd":
            break
        qtbot.keyClick(steps, Qt.Key.Key_Down)
    assert steps.current_card().title == "SelVd", reached
    index = steps.currentIndex()
    assert "if other options are not available" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    # what a screen reader gets for that row of the list
    iface = QAccessible.queryAccessibleInterface(steps)
    names = []
    for i in range(iface.childCount()):
        child = iface.child(i)
        if child is not None:
            names.append(child.text(QAccessible.Text.Name))
    assert any(n.startswith("SelVd,") and "fallback" in n for n in names), names[:5]


def test_fig3_already_received_and_excluded(make_screen, qtbot):
    screen = make_screen("fig3")
    screen.set_facts({k: v for k, v in FIG3_CARVYKTI.items() if k != "previously_received"})
    assert screen.scene.entry("tcr", "cilta-cel").state == "applies"
    # the brand name is typed into the list: it is not one of the regimens offered
    control = screen.panel.controls["previously_received"]
    control.add_edit.setFocus()
    qtbot.keyClicks(control.add_edit, "Carvykti")
    qtbot.keyClick(control.add_edit, Qt.Key.Key_Return)
    assert screen.facts["previously_received"] == ["Carvykti"]
    cilta = screen.scene.entry("tcr", "cilta-cel")
    assert cilta.state == "already-received" and cilta.status_words == "↺ ALREADY RECEIVED"
    tip = tooltip_over_entry(screen, cilta)
    assert "Already received: ciltacabtagene autoleucel" in tip
    assert card_of(screen, "cilta-cel").status_words == "↺ already received"
    assert struck_through(screen, "cilta-cel")
    teclistamab = screen.scene.entry("tcr", "teclistamab")
    assert teclistamab.state == "excluded" and teclistamab.status_words == "⊘ EXCLUDED"
    assert "refractory to teclistamab" in tooltip_over_entry(screen, teclistamab)
    assert screen.scene.entry("tcr", "ide-cel").state == "applies"
    assert card_of(screen, "melflufen").status_words == "⊘ excluded"
    # screen readers hear status and reason
    assert "already received" in cilta.accessible_text and "ciltacabtagene autoleucel" in cilta.accessible_text


def test_each_status_has_its_own_words_glyph_and_line():
    assert set(flow_status.STATUSES) == set(flow_status.GLYPH) == set(flow_status.LABEL) == set(flow_status.MEANING)
    assert len(set(flow_status.GLYPH.values())) == len(flow_status.STATUSES)
    assert len(set(flow_status.LABEL.values())) == len(flow_status.STATUSES)
    assert flow_status.LINE_STYLE["applies"] != flow_status.LINE_STYLE["possible"] != flow_status.LINE_STYLE["fallback"]


# ----------------------------------------------------------------------------- copy
def test_copy_carries_status_reason_and_note_evidence(make_screen, qtbot):
    screen = make_screen("fig3")
    screen.set_facts(FIG3_CARVYKTI)
    qtbot.mouseClick(screen.copy_sources_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied == screen.sources_text()
    lines = copied.splitlines()
    cilta = next(i for i, line in enumerate(lines) if line.startswith("- cilta-cel "))
    assert "· status: already received ·" in lines[cilta]
    assert lines[cilta + 1].startswith("  Reason: Already received: ciltacabtagene autoleucel")
    melflufen = next(i for i, line in enumerate(lines) if line.startswith("- melflufen "))
    assert "· status: excluded ·" in lines[melflufen]
    assert "“Has the patient undergone ASCT?” = yes" in lines[melflufen + 1]
    assert "- ide-cel [II, B] · conditional · status: applies" in copied
    ide = next(i for i, line in enumerate(lines) if line.startswith("- ide-cel "))
    assert ide < cilta < melflufen  # offered first, then what is not offered
    # every note with an evidence tag carries it
    tagged = [n for n in screen.evaluation.notes if n.evidence is not None]
    assert tagged
    for note in tagged:
        assert f"{note.text} — evidence {note.evidence.text}" in copied
    # the short form: one line each, the reason of what is not offered
    short = screen.plain_text()
    assert any(
        line.startswith("- cilta-cel [II, B] · conditional · already received — Already received")
        for line in short.splitlines()
    )


def test_copy_lists_fallbacks_after_the_options_with_their_reason(make_screen):
    screen = make_screen("fig2")
    screen.set_facts(FIG2_LEN_CD38)
    text = screen.plain_text()
    kd = '- Kd [panel consensus; V, C] · conditional · fallback — "if other options are not available"'
    assert kd in text
    assert text.index("- cilta-cel [I, A] · preferred · applies") < text.index(kd)


# ----------------------------------------------------------------------------- refused answers
def test_impossible_frailty_score_is_marked_at_its_field(make_screen, qtbot):
    screen = make_screen("fig1")
    choose(qtbot, screen, "asct_eligible", False)
    type_number(qtbot, screen, "age", "80")
    assert screen.evaluation is not None
    type_number(qtbot, screen, "imwg_frailty_score", "0")
    control = screen.panel.controls["imwg_frailty_score"]
    assert screen.facts["imwg_frailty_score"] == 0
    assert control.error.isVisible()
    assert control.error.text().startswith("⚠ Not accepted: 0 is impossible at age 80")
    assert "imwg_frailty_score" not in control.error.text()
    assert control.property("invalid") is True
    assert control.widget.accessibleDescription().startswith("Not accepted: 0 is impossible at age 80")
    assert screen.panel.error_fields() == ["imwg_frailty_score"]
    assert not screen.panel.controls["age"].error.isVisible()
    assert screen.message.text().startswith("Not accepted — IMWG frailty score: 0 is impossible")
    # no recommendation is shown for answers that contradict each other, and nothing is copied
    assert screen.evaluation is None
    cards = screen.step_cards()
    assert [c.kind for c in cards] == ["error"]
    assert "No recommendation is shown" in cards[0].lines[0] and cards[0].facts == ("imwg_frailty_score",)
    assert all(e.state == "neutral" for e in screen.scene.entries.values())
    assert "not known" in screen.panel.still_needed_text()
    QGuiApplication.clipboard().setText("before")
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "before"
    assert "Nothing copied" in screen.message.text()
    # a score the age allows is accepted again
    type_number(qtbot, screen, "imwg_frailty_score", "2")
    assert not control.error.isVisible() and control.property("invalid") is False
    assert screen.evaluation is not None and screen.evaluation.path[-1] == "ti-frail"
    assert screen.panel.error_fields() == []
    assert not control.widget.accessibleDescription().startswith("Not accepted")


def test_unknown_name_in_a_list_is_refused_at_that_list(make_screen, qtbot):
    screen = make_screen("fig1")
    control = screen.panel.controls["unavailable"]
    control.add_edit.setFocus()
    qtbot.keyClicks(control.add_edit, "notadrug")
    qtbot.keyClick(control.add_edit, Qt.Key.Key_Return)
    assert control.error.isVisible()
    assert "unknown name 'notadrug'" in control.error.text()
    assert screen.evaluation is None
    # unticking it brings the result back
    model = control.model
    row = model.choice_keys().index("notadrug") + 1
    model.setData(model.index(row), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert not control.error.isVisible()
    assert screen.evaluation is not None


# ----------------------------------------------------------------------------- new Fig. 1 facts
def test_fig1_induction_regimen_is_one_choice_with_unknown(make_screen, qtbot):
    screen = make_screen("fig1")
    combo = screen.panel.controls["induction_regimen"].widget
    assert isinstance(combo, QComboBox)
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels[:5] == ["Unknown", "DaraVRd", "IsaVRd", "DaraVTd", "VRd"]
    assert "VCd" in labels and "VTd" in labels  # every other regimen of the glossary, after a separator
    assert labels.count("DaraVRd") == 1
    assert combo.accessibleName() == "Which induction regimen was given?"
    choose(qtbot, screen, "asct_eligible", True)
    type_number(qtbot, screen, "induction_cycles", "4")
    choose(qtbot, screen, "induction_regimen", "DaraVRd")
    assert screen.facts["induction_regimen"] == "DaraVRd"
    assert screen.scene.entry("te-consolidation", "DaraVRd").state == "applies"
    choose(qtbot, screen, "induction_regimen", "VRd")
    consolidation = screen.scene.entry("te-consolidation", "DaraVRd")
    assert consolidation.state == "excluded"
    assert "four cycles of DaraVRd induction" in consolidation.toolTip()
    # a value carried in that the combo lacks is kept, not lost
    screen.set_facts({"asct_eligible": True, "induction_regimen": "VMP"})
    assert combo.currentText() == "VMP"


def test_fig1_unavailable_list_like_figs_2_and_3(make_screen, qtbot):
    screen = make_screen("fig1")
    choose(qtbot, screen, "asct_eligible", True)
    model = screen.panel.controls["unavailable"].model
    assert model.choice_keys()[:4] == ["DaraVRd", "IsaVRd", "DaraVTd", "VRd"]
    for name in ("DaraVRd", "IsaVRd"):
        row = model.choice_keys().index(name) + 1
        model.setData(model.index(row), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert screen.facts["unavailable"] == ["DaraVRd", "IsaVRd"]
    scene = screen.scene
    assert scene.entry("te-induction", "IsaVRd").state == "unavailable"
    assert "“Regimens not available locally”" in scene.entry("te-induction", "IsaVRd").toolTip()
    assert scene.entry("te-induction", "DaraVTd").state == "applies"


# ----------------------------------------------------------------------------- themes
@pytest.mark.parametrize("theme", ["light", "dark", "high-contrast"])
def test_status_colours_read_on_the_diagram_and_the_list(theme):
    flow, base = FLOW_PALETTES[theme], PALETTES[theme].base
    needed = 7.0 if theme == "high-contrast" else 4.5
    assert set(flow.status) == set(flow_status.STATUSES)
    for status, colour in flow.status.items():
        assert contrast_ratio(colour.ink, flow.paper) >= needed, (theme, status)
        assert contrast_ratio(colour.ink, base) >= needed, (theme, status)
        assert contrast_ratio(colour.ink, colour.tint) >= 4.5, (theme, status)
    assert len({c.ink for c in flow.status.values()}) == len(flow.status)
    for colour in (flow.ink, flow.muted, *flow.tier.values()):
        assert contrast_ratio(colour, flow.entry_fill) >= 4.5


def test_theme_change_repaints_diagram_steps_and_panel(make_screen, qapp):
    screen = make_screen("fig2")
    screen.set_facts({k: v for k, v in FIG2_LEN_CD38.items() if k != "car_t_eligible"})
    assert screen.scene.colours == FLOW_LIGHT
    try:
        apply_theme(qapp, "dark")
        QApplication.processEvents()
        assert screen.scene.colours == FLOW_DARK
        assert screen.scene.backgroundBrush().color().name() == FLOW_DARK.paper
        # the step view paints its cards on the dark base
        screen.show_tab(1)
        QApplication.processEvents()
        image = screen.steps.viewport().grab().toImage()
        row = next(i for i, c in enumerate(screen.steps.cards()) if c.kind == "rec")
        rect = screen.steps.visualRect(screen.steps.model().index(row))
        beside = image.pixelColor(rect.left() + 4, rect.center().y()).name()  # left of the indented card
        assert contrast_ratio(beside, DARK.base) < 1.2, beside
        # the panel's labels follow the theme (no style sheet freezes them in the old one)
        label = screen.panel.controls["lenalidomide_status"].label
        assert label.palette().color(label.foregroundRole()).name() == DARK.window_text
        needed = screen.panel.controls["car_t_eligible"]
        assert needed.property("missing") is True
        assert contrast_ratio(needed.label.palette().color(needed.label.foregroundRole()).name(), "#fff4cc") > 7
    finally:
        restore_defaults(qapp)


def test_reason_words_for_possible_items_name_the_questions(make_screen):
    screen = make_screen("fig2")
    side = screen.scene.entry("r-asct-side", "second-line ASCT")
    assert side.state == "possible"
    assert "Does the patient have limited access to novel regimens?" in side.toolTip()
    assert "limited_access_to_novel_regimens" not in side.toolTip()


@pytest.mark.usefixtures("fresh_main_windows")
def test_ctrl_shift_c_in_the_app_copies_status_and_reason(qtbot, guide):
    from app.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.load_services(guide=guide)
    window.navigate("fig2", dict(FIG2_LEN_CD38))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    QGuiApplication.clipboard().setText("")
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    copied = QGuiApplication.clipboard().text()
    assert (
        '- SelVd [panel consensus; II, C] · conditional · fallback — "if other options are not available" '
        "(RRMM one prior line, Recommendations, bullet 5)"
    ) in copied
    assert "- BelaPd [I, A] · preferred · applies" in copied
    # the copy made from the menu is confirmed above the diagram too, and stays
    screen = window.current_screen()
    qtbot.waitUntil(screen.copy_note.isVisible, timeout=2000)
    assert "Copied the short recommendation" in screen.copy_note.text()


@pytest.mark.parametrize("theme", ["dark", "high-contrast"])
def test_list_check_boxes_are_visible_on_a_dark_base(make_screen, qapp, theme):
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    try:
        apply_theme(qapp, theme)
        screen = make_screen("fig2")
        view = screen.panel.controls["unavailable"].widget
        QApplication.processEvents()
        image = view.viewport().grab().toImage()
        option = QStyleOptionViewItem()
        view.itemDelegate().initStyleOption(option, view.model().index(1))
        option.rect = view.visualRect(view.model().index(1))
        option.widget = view
        box = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)
        assert box.isValid()
        base = PALETTES[theme].base
        edge = image.pixelColor(box.left() + 1, box.center().y()).name()
        assert contrast_ratio(edge, base) >= 3.0, (edge, base)
    finally:
        restore_defaults(qapp)
