"""The flowcharts on a ward laptop: legible by default, keyboard first, named for screen readers.

Real widgets, the real database, offscreen; the main window at 1366×768 where the issue saw
5–6 px text and a 150 px results pane.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAccessible, QFont, QGuiApplication
from PySide6.QtWidgets import QApplication, QComboBox

from app.ui.accessible import accessible_name, accessible_value
from app.ui.flow_scene import PRIMARY_FONTS
from app.ui.screens.flowchart import STEPS_TAB, FlowchartScreen
from app.ui.theme import FLOW_LIGHT, apply_font_scale, contrast_ratio, restore_defaults

from .windows import shown_flowchart_screen

FIG2_LEN_REFRACTORY = {
    "lenalidomide_status": "refractory",
    "anti_cd38_status": "naive",
    "bortezomib_status": "sensitive",
    "car_t_eligible": True,
}
FIG3_TCR = {"triple_class_refractory": True, "refractory_to": [], "line": 4, "car_t_eligible": True}
LAPTOP = (1366, 768)


@pytest.fixture
def make_screen(qtbot, context):
    def make(figure_id: str, size: tuple[int, int] = (1180, 680)) -> FlowchartScreen:
        return shown_flowchart_screen(qtbot, context, figure_id, size)

    return make


@pytest.fixture
def laptop_window(qtbot, guide, fresh_main_windows):
    from app.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(*LAPTOP)
    window.show()
    qtbot.waitExposed(window)
    window.load_services(guide=guide)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def rendered_px(font: QFont, zoom: float, device) -> float:
    """The pixel size a scene font is drawn at on ``device`` at the view's zoom."""
    return font.pointSizeF() * device.logicalDpiY() / 72.0 * zoom


def body_px(device) -> float:
    return QApplication.font().pointSizeF() * device.logicalDpiY() / 72.0


# ----------------------------------------------------------------------------- legible by default
def test_fig2_at_1366x768_draws_the_path_box_at_body_text_size(make_screen, qtbot):
    # the room a 1366×768 screen leaves the figure: the window maximised, less the navigation
    # list (~210 px), the menu, status and title bars (measured under Xvfb + openbox: 1146×662)
    screen = make_screen("fig2", (1146, 662))
    screen.set_facts(dict(FIG2_LEN_REFRACTORY))
    QApplication.processEvents()
    view = screen.view
    assert view.mode == "path"
    viewport = view.viewport()
    for name in PRIMARY_FONTS:
        font = getattr(screen.scene.fonts, name)
        assert rendered_px(font, view.zoom, viewport) >= body_px(viewport) - 0.01, name
    # the small capitals (tier, caption, status pill) at 80 % of it or more, never the 5–6 px of "fit"
    for name in ("tier", "caption"):
        assert rendered_px(getattr(screen.scene.fonts, name), view.zoom, viewport) >= 0.8 * body_px(viewport) - 0.01
    # the box reached is in view: its title and first regimens
    box = screen.scene.node_rect("r-b-len-ref")
    seen = view.visible_scene_rect()
    assert seen.contains(box.topLeft() + QPointF(4, 4)) and seen.contains(QPointF(box.right() - 4, box.top() + 4))
    first = screen.scene.entry("r-b-len-ref", "cilta-cel")
    assert seen.contains(first.mapRectToScene(first.boundingRect()))
    # the diagram and the steps have the room the results pane never had (~150 px before)
    assert viewport.height() >= 300
    screen.show_tab(STEPS_TAB)
    QApplication.processEvents()
    assert screen.steps.viewport().height() >= 400
    # whole figure is an explicit choice, and says its text is small
    view.fit()
    assert view.zoom < 0.8 and "small text" in screen.zoom_label.text()


def test_the_diagram_follows_the_text_size(make_screen, qapp):
    screen = make_screen("fig3", (1000, 662))
    screen.set_facts(FIG3_TCR)
    view = screen.view
    assert view.zoom == pytest.approx(1.0)
    try:
        apply_font_scale(qapp, 2.0)
        QApplication.processEvents()
        assert view.zoom == pytest.approx(2.0)
        viewport = view.viewport()
        assert rendered_px(screen.scene.fonts.name, view.zoom, viewport) >= body_px(viewport) - 0.01
        seen = view.visible_scene_rect()
        box = screen.scene.node_rect("tcr")
        assert box.width() > seen.width()  # at 200 % the box is wider than the view …
        assert seen.contains(box.topLeft() + QPointF(4, 4))  # … which shows its left edge, where names start
        # a zoom of one's own follows the text size too
        view.set_zoom(1.5)
        apply_font_scale(qapp, 1.0)
        QApplication.processEvents()
        assert view.mode == "free" and view.zoom == pytest.approx(0.75)
    finally:
        restore_defaults(qapp)


# ----------------------------------------------------------------------------- keyboard
@pytest.mark.parametrize("figure_id", ["fig1", "fig2", "fig3"])
def test_questions_come_first_in_the_focus_order(laptop_window, qtbot, figure_id):
    window = laptop_window
    window.navigate(figure_id, None)
    screen = window.current_screen()
    first = screen.panel.first_control()
    # from the navigation list, the next Tab is the first question
    window.nav.setFocus()
    qtbot.waitUntil(window.nav.hasFocus, timeout=2000)
    stops = 0
    while QApplication.focusWidget() is not first and stops < 5:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        stops += 1
    assert QApplication.focusWidget() is first, QApplication.focusWidget()
    assert stops <= 2
    # Alt+number (a screen shortcut) lands on the first question; so does Alt+Q
    window.nav.setFocus()
    n = int(figure_id[-1])  # Alt+1 … Alt+3
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0.value + n), Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=2000)
    screen.copy_button.setFocus()
    qtbot.keyClick(screen, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=2000)
    # every question before the copy buttons, the diagram after them
    order, widget = [], first
    for _ in range(3000):
        order.append(widget)
        widget = widget.nextInFocusChain()
        if widget is screen.view:
            break
    assert screen.copy_button in order and screen.view is widget
    assert all(order.index(c.widget) < order.index(screen.copy_button) for c in screen.panel.controls.values())


def test_first_click_on_a_regimen_after_zooming_opens_it(make_screen, qtbot):
    """The first click after a zoom used to scroll to the top-left box and open nothing."""
    screen = make_screen("fig2")
    screen.set_facts(FIG2_LEN_REFRACTORY)
    view = screen.view
    view.set_zoom(1.6)
    entry = screen.scene.entry("r-c-len-cd38-ref", "Kd")  # far from the path's box and the top-left one
    view.centerOn(entry)
    assert not view.visible_scene_rect().intersects(screen.scene.node_rect("r-b-len-ref"))
    QApplication.processEvents()
    screen.copy_button.setFocus()
    assert not view.hasFocus()
    before = (view.horizontalScrollBar().value(), view.verticalScrollBar().value())
    pos = view.mapFromScene(entry.mapToScene(entry.boundingRect().center()))
    assert view.viewport().rect().contains(pos)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert screen.detail is not None and screen.detail.isVisible()
    assert screen.detail.content.leaf.regimen == "Kd"
    assert (view.horizontalScrollBar().value(), view.verticalScrollBar().value()) == before
    assert screen.scene.focusItem() is entry
    screen.detail.close()


def test_the_focus_ring_is_drawn_at_full_strength_on_a_faded_item(make_screen, qtbot):
    screen = make_screen("fig2")
    screen.set_facts({"lenalidomide_status": "refractory"})
    view = screen.view
    faded = screen.scene.entry("r-a-btz-ref", "DaraRd")
    assert faded.effectiveOpacity() < 0.5
    screen.activateWindow()
    view.setFocus(Qt.FocusReason.OtherFocusReason)
    faded.setFocus(Qt.FocusReason.OtherFocusReason)
    view.centerOn(faded)
    QApplication.processEvents()
    image = view.viewport().grab().toImage()
    ring = view.mapFromScene(screen.scene.focus_rect(faded)).boundingRect()
    found = set()
    for dy in range(-2, 3):
        for dx in range(-3, 4):
            x, y = ring.left() + dx, ring.center().y() + dy
            if 0 <= x < image.width() and 0 <= y < image.height():
                found.add(image.pixelColor(x, y).name())
    assert FLOW_LIGHT.focus_outer in found, found
    assert contrast_ratio(FLOW_LIGHT.focus_inner, FLOW_LIGHT.focus_outer) >= 3
    # nothing drawn once the diagram loses the focus
    screen.copy_button.setFocus()
    QApplication.processEvents()
    image = view.viewport().grab().toImage()
    colours = {image.pixelColor(ring.left() + dx, ring.center().y()).name() for dx in range(-3, 4)}
    assert FLOW_LIGHT.focus_outer not in colours


# ----------------------------------------------------------------------------- screen readers
@pytest.mark.parametrize("figure_id", ["fig1", "fig2", "fig3"])
def test_every_question_is_announced_by_its_question_not_its_value(make_screen, figure_id):
    screen = make_screen(figure_id)
    combos = 0
    for control in screen.panel.controls.values():
        widget = control.widget
        name = accessible_name(widget)
        assert name == control.spec.prompt, (name, control.spec.prompt)
        if isinstance(widget, QComboBox):
            combos += 1
            assert accessible_value(widget) == widget.currentText() == "Unknown"
            assert name != accessible_value(widget)
            iface = QAccessible.queryAccessibleInterface(widget)
            assert iface.role() == QAccessible.Role.ComboBox and iface.childCount() == 1
    assert combos >= 3
    if figure_id == "fig2":
        assert combos == 6  # the six drop-down lists the issue heard as "Unknown"
    for widget in (screen.view, screen.steps, screen.tabs.tabBar(), screen.copy_sources_button, screen.map_button):
        assert accessible_name(widget), widget


# ----------------------------------------------------------------------------- still needed
def test_still_needed_for_typical_patients(make_screen):
    screen = make_screen("fig2")
    screen.set_facts(FIG2_LEN_REFRACTORY)
    panel = screen.panel
    assert panel.still_needed_text() == "Still needed: nothing — every question on this branch is answered."
    assert panel.optional_text == "Optional (refines the answer): availability; side box (3 questions)."
    assert panel.still_needed.text().endswith("\n" + panel.optional_text)  # the same box, a line of its own
    assert "Regimens not available locally" in panel.still_needed.toolTip()
    assert not any(c.need_mark.isVisible() for c in panel.controls.values())
    screen.set_facts({})
    assert panel.still_needed_text() == "Still needed: Lenalidomide status after the first line"
    assert [n for n, c in panel.controls.items() if c.need_mark.isVisible()] == ["lenalidomide_status"]

    screen = make_screen("fig3")
    assert (
        screen.panel.still_needed_text() == "Still needed: Is the disease triple-class refractory (refractory to a "
        "proteasome inhibitor, an immunomodulatory drug and an anti-CD38 antibody)?"
    )
    assert len(screen.evaluation.missing) == 10
    screen.set_facts(FIG3_TCR)
    marked = [n for n, c in screen.panel.controls.items() if c.need_mark.isVisible()]
    assert marked == ["prior_asct", "ttp_after_asct_years"]
    assert (
        screen.panel.still_needed_text() == "Still needed: Has the patient undergone ASCT? (and 1 more, marked below)"
    )


# ----------------------------------------------------------------------------- steps
def test_the_steps_answer_and_read_without_the_diagram(make_screen, qtbot):
    screen = make_screen("fig2")
    screen.activateWindow()
    screen.show_tab(STEPS_TAB)
    steps = screen.steps
    qtbot.waitUntil(steps.hasFocus)
    cards = steps.cards()
    assert cards[0].kind == "needed"
    assert steps.current_card().kind == "question"
    assert steps.current_card().title == "Lenalidomide status after the first line?"
    # the options follow; Down and Enter answer
    qtbot.keyClick(steps, Qt.Key.Key_Down)
    qtbot.keyClick(steps, Qt.Key.Key_Down)
    option = steps.current_card()
    assert option.kind == "option" and option.title == "Lenalidomide-refractory"
    qtbot.keyClick(steps, Qt.Key.Key_Return)
    assert screen.facts == {"lenalidomide_status": "refractory"}
    # the list moves on to the next question, with the answer given above it
    assert steps.current_card().kind == "question"
    assert steps.current_card().title == "Lenalidomide-refractory: anti-CD38 antibody status?"
    answered = [c for c in steps.cards() if c.kind == "answered"]
    assert [(c.number, c.answer) for c in answered] == [(1, "Lenalidomide-refractory")]
    # an option that covers several answers asks which
    screen.set_facts({k: v for k, v in FIG2_LEN_REFRACTORY.items() if k != "car_t_eligible"})
    cards = steps.cards()
    assert cards[0].title == "Still needed: Is the patient eligible for CAR T-cell therapy?"
    # Enter on "still needed" goes to that question in the panel
    steps.setCurrentIndex(steps.model().index(0))
    qtbot.keyClick(steps, Qt.Key.Key_Return)
    assert screen.panel.controls["car_t_eligible"].widget.hasFocus()
    # each card reads as one sentence
    cilta = next(c for c in steps.cards() if c.kind == "rec" and c.title == "cilta-cel")
    assert cilta.state == "possible"
    assert cilta.accessible.startswith("cilta-cel, evidence [I, A], preferred (this guide's reading), possible")
    assert "Is the patient eligible for CAR T-cell therapy?" in cilta.accessible


def test_steps_follow_the_theme_and_show_a_refused_answer(make_screen, qtbot):
    screen = make_screen("fig1")
    screen.show_tab(STEPS_TAB)
    screen.set_facts({"asct_eligible": False, "age": 82, "imwg_frailty_score": 0})
    cards = screen.steps.cards()
    assert [c.kind for c in cards] == ["error"]
    assert cards[0].title.startswith("Not accepted — IMWG frailty score:")
    screen.set_facts({"asct_eligible": False, "age": 82, "imwg_frailty_score": 2})
    assert screen.steps.cards()[0].kind == "answered"


# ----------------------------------------------------------------------------- copy
def test_short_copy_and_copy_with_sources(make_screen, qtbot, context):
    screen = make_screen("fig2")
    screen.set_facts(FIG2_LEN_REFRACTORY)
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    short = QGuiApplication.clipboard().text()
    qtbot.mouseClick(screen.copy_sources_button, Qt.MouseButton.LeftButton)
    long = QGuiApplication.clipboard().text()
    assert len(short) < 2000 < len(long)
    assert short.rstrip().endswith(context.stamp()) and long.rstrip().endswith(context.stamp())
    for rec in screen.evaluation.recommendations:
        assert rec.source.quote not in short
        assert long.count(rec.source.quote) == 1, rec.regimen  # no repeated quote
    assert "Sources (each quoted once):" in long


def test_the_copy_confirmation_stays_for_the_session(make_screen, qtbot):
    screen = make_screen("fig2")
    screen.set_facts(FIG2_LEN_REFRACTORY)
    assert not screen.copy_note.isVisible()
    before = screen.view.mapTo(screen, screen.view.rect().topLeft())
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert screen.view.mapTo(screen, screen.view.rect().topLeft()) == before
    note = screen.copy_note
    assert note.isVisible() and note.text().startswith("✓ Copied the short recommendation at ")
    # it sits above the diagram, in the row of the tabs: the diagram did not move when it appeared
    assert note.mapTo(screen, note.rect().bottomLeft()).y() <= before.y()
    qtbot.wait(300)
    screen.show_tab(STEPS_TAB)
    screen._say("Answered: something else.")
    assert note.isVisible()
    # a change of answers is said, not hidden
    screen.merge_facts({"car_t_eligible": False})
    assert note.isVisible() and "The answers have changed since" in note.text()
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    assert "changed since" not in note.text()
    # a copy of something else leaves the confirmation as it was
    QGuiApplication.clipboard().setText("unrelated")
    assert note.isVisible() and note.text().startswith("✓ Copied the short recommendation")
    screen.set_facts({})
    assert note.isVisible()


def test_focus_ring_reads_on_the_paper_of_every_theme():
    from app.ui.theme import FLOW_PALETTES

    for theme, flow in FLOW_PALETTES.items():
        # a yellow ring with black dashes: one of the two reads at 3:1 or more on any paper
        best = max(contrast_ratio(flow.focus_outer, flow.paper), contrast_ratio(flow.focus_inner, flow.paper))
        assert best >= 3, theme


def test_a_box_reached_is_drawn_whole_after_the_view_follows_it(make_screen):
    """A box half in view when it was restyled used to keep its old state in the part scrolled in."""
    screen = make_screen("fig2", (1146, 662))
    facts: dict = {}
    for fact, value in FIG2_LEN_REFRACTORY.items():
        facts[fact] = value
        screen.set_facts(dict(facts))
        QApplication.processEvents()
        screen.view.viewport().repaint()
    rect = screen.scene.node_rect("r-b-len-ref")
    top = screen.view.mapFromScene(QPointF(rect.center().x(), rect.top()))
    image = screen.view.viewport().grab().toImage()
    colours = screen.scene.colours
    # the 3 px border of a box on the path (centred on its edge), and its fill
    assert [image.pixelColor(top.x(), top.y() + d).name() for d in (-1, 0)] == [colours.path, colours.path]
    assert image.pixelColor(top.x(), top.y() + 4).name() == colours.rec_path_fill


def test_alt_d_and_alt_s_switch_tab_and_move_the_focus_there(make_screen, qtbot):
    screen = make_screen("fig2")
    screen.activateWindow()
    first = screen.panel.first_control()
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert screen.tabs.currentIndex() == STEPS_TAB
    qtbot.waitUntil(screen.steps.hasFocus)
    qtbot.keyClick(screen.steps, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert screen.tabs.currentIndex() == 0
    qtbot.waitUntil(screen.view.hasFocus)
    assert screen.scene.focusItem() is screen.scene.chip_for_label(
        "q-len", "Lenalidomide-naive or lenalidomide-sensitive"
    )


def test_the_questions_come_in_the_order_the_diagram_asks_them(make_screen):
    screen = make_screen("fig3")
    names = list(screen.panel.controls)
    assert names[:3] == ["triple_class_refractory", "line", "refractory_to"]  # q-tcr, then each branch's question
    assert screen.panel.first_control() is screen.panel.controls["triple_class_refractory"].widget
    assert screen.still.needed_facts == ["triple_class_refractory"]  # the first question is the one needed
    screen = make_screen("fig1")
    assert list(screen.panel.controls)[:3] == ["asct_eligible", "imwg_frailty_score", "age"]
    assert sorted(screen.panel.controls) == sorted(s.name for s in screen.figure.facts)  # none left out


def test_at_200_percent_nothing_asks_for_more_than_the_laptop_screen(make_screen, qapp, qtbot):
    """At 200 % text the screen fits the 1146 px a 1366-pixel screen leaves it: buttons wrap, never cut."""
    try:
        apply_font_scale(qapp, 2.0)
        screen = make_screen("fig2", (1146, 662))
        QApplication.processEvents()
        assert screen.minimumSizeHint().width() <= 1146
        for button in (screen.copy_button, screen.copy_sources_button, screen.clear_button, screen.path_button):
            assert button.width() >= button.sizeHint().width(), button.text()  # whole label shown
            assert button.visibleRegion().boundingRect().width() >= button.sizeHint().width() - 1
        left, _right = screen.splitter.sizes()
        assert left >= 0.45 * sum(screen.splitter.sizes())  # large text: the questions get half
        # side by side or on rows of their own, never overlapping and inside the questions column
        buttons = [screen.copy_button, screen.copy_sources_button, screen.clear_button]
        for i, a in enumerate(buttons):
            assert a.mapTo(screen.splitter.widget(0), a.rect().topRight()).x() <= left
            for b in buttons[i + 1 :]:
                assert not a.geometry().intersects(b.geometry()), (a.text(), b.text())
    finally:
        restore_defaults(qapp)


def test_wrap_layout_wraps_instead_of_cutting(qtbot):
    from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

    from app.ui.wrap_layout import WrapLayout

    host = QWidget()
    qtbot.addWidget(host)
    outer = QVBoxLayout(host)
    row = WrapLayout()
    buttons = [QPushButton(t) for t in ("Copy recommendation", "Copy with sources", "Clear answers")]
    for b in buttons:
        row.addWidget(b)
    outer.addLayout(row)
    widest = max(b.sizeHint().width() for b in buttons)
    assert row.minimumSize().width() == widest
    one_row = row.heightForWidth(sum(b.sizeHint().width() for b in buttons) + 20)
    three_rows = row.heightForWidth(widest)
    assert three_rows >= 3 * buttons[0].sizeHint().height() > one_row
    host.resize(widest + 30, 200)
    host.show()
    qtbot.waitExposed(host)
    assert len({b.y() for b in buttons}) == 3 and all(b.width() >= b.sizeHint().width() for b in buttons)


def test_answering_never_moves_the_questions(make_screen):
    """The lines above the questions keep their height, so the next click lands where it was aimed."""
    screen = make_screen("fig2")
    panel = screen.panel

    def where() -> list[int]:
        QApplication.processEvents()
        return [c.mapTo(panel, c.rect().topLeft()).y() for c in panel.controls.values()]

    before = where()
    for facts in (
        {"lenalidomide_status": "refractory"},  # still needed: a long question
        FIG2_LEN_REFRACTORY,  # nothing needed, optional line
        {"lenalidomide_status": "naive", "anti_cd38_status": "naive", "bortezomib_status": "refractory"},
        {},
    ):
        screen.set_facts(dict(facts))
        assert where() == before, facts
    assert panel.still_needed_text() == "Still needed: Lenalidomide status after the first line"


def test_the_diagram_pans_without_scroll_bars(make_screen, qtbot):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent

    screen = make_screen("fig2")
    view = screen.view
    assert not view.horizontalScrollBar().isVisible() and not view.verticalScrollBar().isVisible()
    screen.activateWindow()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus)
    before = view.visible_scene_rect()
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert view.visible_scene_rect().left() > before.left() and view.mode == "free"
    before = view.visible_scene_rect()
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(
        centre,
        view.viewport().mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.visible_scene_rect().top() > before.top()  # the wheel scrolls down
    # the map moves the view too
    target = screen.scene.node_rect("r-c-len-cd38-ref").center()
    m = view.minimap
    k, ox, oy = m._transform()
    qtbot.mouseClick(m, Qt.MouseButton.LeftButton, pos=QPoint(int(target.x() * k + ox), int(target.y() * k + oy)))
    assert view.visible_scene_rect().contains(target)


def test_the_diagram_follows_the_path_it_missed_while_hidden(make_screen, qapp):
    """Answers given in the Steps tab, and a text size changed meanwhile, are followed when the Diagram shows again.

    (Under X the hidden diagram also missed a re-layout; FlowView.showEvent follows the path again.)"""
    screen = make_screen("fig2")
    screen.show_tab(STEPS_TAB)
    try:
        screen.set_facts(FIG2_LEN_REFRACTORY)
        apply_font_scale(qapp, 1.5)
        QApplication.processEvents()
        screen.show_tab(0)
        QApplication.processEvents()
        view = screen.view
        assert view.zoom == pytest.approx(1.5)
        box = screen.scene.node_rect("r-b-len-ref")
        assert view.visible_scene_rect().contains(QPointF(box.center().x(), box.top() + 10))
    finally:
        restore_defaults(qapp)


def test_entering_the_diagram_never_scrolls_away_from_the_path(make_screen, qtbot):
    screen = make_screen("fig2")
    screen.activateWindow()
    view = screen.view
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Home)  # the top-left item, far from where the path will end
    far = screen.scene.focusItem()
    screen.copy_button.setFocus()
    screen.set_facts(FIG2_LEN_REFRACTORY)  # the view follows the path to its box
    QApplication.processEvents()
    seen = view.visible_scene_rect()
    assert not seen.intersects(far.sceneBoundingRect())
    screen.map_button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(screen.map_button, Qt.Key.Key_Tab)
    qtbot.waitUntil(view.hasFocus)
    assert view.visible_scene_rect() == seen  # nothing scrolled
    assert screen.scene.focusItem() is screen.scene.entry("r-b-len-ref", "cilta-cel")  # the path's end
