"""The Calculators screen's step-up helper shows its calculator-anchored local notes (as the CRS panel's
helper does), and its Copy and PDF carry them as LOCAL (issue 13, H7 item 7)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.ui.screens.calculators import CalculatorsScreen
from tests.local_display import HOSPITAL, installed_layer  # noqa: F401  (fixture)
from tests.ui.test_calculators_screen import choose
from tests.ui.test_local_notes_ui import local_context  # noqa: F401  (fixture)

LINE = (f"LOCAL — {HOSPITAL}, approved 2026-09-15: Step-up doses are given as inpatients (48 h) on ward 7. "
        "(HAEM-PROT-12 v3)")


def _screen(qtbot, ctx) -> CalculatorsScreen:
    screen = CalculatorsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _step_up(qtbot, screen: CalculatorsScreen) -> None:
    screen.open_item("bispecific-step-up")
    choose(screen.panel.form.editor("drug"), "teclistamab")
    qtbot.keyClicks(screen.panel.form.editor("weight"), "70")
    qtbot.waitUntil(lambda: screen.panel.result is not None)


def test_step_up_helper_shows_its_local_notes_and_copies_them(qtbot, local_context):  # noqa: F811
    screen = _screen(qtbot, local_context)
    assert not screen.local_box.isVisibleTo(screen)  # ISS first: no note on it
    _step_up(qtbot, screen)
    assert screen.local_box.isVisibleTo(screen)
    assert screen.local_box.labels() == [f"Local — {HOSPITAL}, approved 2026-09-15"]
    assert "inpatients (48 h) on ward 7" in screen.local_box.label.text()
    text = screen.plain_text()
    assert "Local notes of this hospital (not the guideline):" in text and LINE in text
    assert text.rstrip().endswith(local_context.stamp())
    qtbot.mouseClick(screen.panel.copy_button, Qt.MouseButton.LeftButton)
    assert LINE in QGuiApplication.clipboard().text()
    doc = screen.document()
    assert doc is not None and f"Local — {HOSPITAL}, approved 2026-09-15" in doc.toPlainText()
    screen.open_item("iss")
    assert not screen.local_box.isVisibleTo(screen) and screen.panel.local_notes == []


def test_the_crs_step_up_helper_copies_its_notes_too(qtbot, local_context):  # noqa: F811
    from app.ui.screens import create_screen

    crs = create_screen("crs", local_context)
    qtbot.addWidget(crs)
    choose(crs.stepup.form.editor("drug"), "teclistamab")
    qtbot.keyClicks(crs.stepup.form.editor("weight"), "70")
    qtbot.waitUntil(lambda: crs.stepup.result is not None)
    assert LINE in crs.stepup.plain_text()


def test_without_a_layer_the_helper_has_no_local_lines(qtbot, context):
    screen = _screen(qtbot, context)
    _step_up(qtbot, screen)
    assert not screen.local_box.isVisibleTo(screen) and "LOCAL" not in screen.plain_text()
