"""The main window: navigation by keyboard and mouse, menus, banner, copy, PDF, zoom, self-test."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.main_window import MainWindow, ScreenUnavailable
from app.ui.printing import stamped
from app.ui.screens import SCREENS
from app.ui.settings import Settings
from app.ui.theme import DARK, current_colours, focus_ring, restore_defaults

from .windows import shown_main_window

ROOT = Path(__file__).resolve().parents[2]
MISSING = sorted({m for m, _c, _k in SCREENS.values() if importlib.util.find_spec(m) is None})


pytestmark = pytest.mark.usefixtures("fresh_main_windows")


@pytest.fixture
def window(qtbot, guide):
    return shown_main_window(qtbot, guide=guide)


def _activate(qtbot, w: MainWindow) -> None:
    w.activateWindow()
    w.raise_()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)


def test_window_lists_every_screen_and_opens_the_first(window):
    assert window.nav.count() == len(SCREENS)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels[0].startswith("Fig. 1") and "Guideline" in labels and "About" in labels
    assert window.current_screen_id == "fig1"
    assert window.nav.accessibleName() == "Screens"
    assert window.nav.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_status_bar_shows_content_version_and_date(window, guide):
    v = guide.version()
    assert v["content_version"] in window.content_label.text()
    assert v["content_date"] in window.content_label.text()


def test_keyboard_navigation_with_arrows_and_alt_digits(qtbot, window):
    _activate(qtbot, window)
    window.nav.setFocus()
    window.show_screen("calculators")
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)  # calculators → crs
    assert window.current_screen_id == "crs"
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
    assert window.current_screen_id == "guideline"
    qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.AltModifier)
    assert window.current_screen_id == "about"
    assert window.stack.currentWidget() is window.pages["about"]


def test_mouse_navigation(qtbot, window):
    row = list(SCREENS).index("guideline")
    rect = window.nav.visualItemRect(window.nav.item(row))
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_screen_id == "guideline"
    assert "Guideline" in window.windowTitle()


def test_a_missing_screen_module_shows_a_plain_placeholder(qtbot, window, monkeypatch):
    monkeypatch.setitem(SCREENS, "nowhere", ("app.ui.screens.not_written_yet", "Nothing", {}))
    page = window.show_screen("nowhere")
    assert isinstance(page, ScreenUnavailable)
    assert "not available yet" in page.label.text()
    assert "nowhere" in window.screen_errors
    assert window.current_screen() is None
    assert window.copy_as_text() == ""


def test_navigate_with_a_statement_opens_it_on_the_guideline(qtbot, window):
    window.context.navigate.emit("guideline", "rrmm2-len-refractory-other")
    screen = window.current_screen()
    assert window.current_screen_id == "guideline"
    assert screen.focus_statement == "rrmm2-len-refractory-other"
    assert "DaraKd, IsaKd, BelaPd, BelaVd, DaraPd and SelVd" in screen.plain_text()


def test_a_bad_payload_is_reported_not_raised(window):
    window.navigate("guideline", "no-such-thing")
    assert window.current_screen_id == "guideline"
    assert "Could not open" in window.statusBar().currentMessage()


def test_copy_as_text_puts_the_page_and_the_stamp_on_the_clipboard(qtbot, window, guide):
    window.navigate("guideline", "box1")
    text = window.copy_as_text()
    clip = QApplication.clipboard().text()
    assert clip == text
    assert "High β2 microglobulin (> 5.5 mg/dl)" in clip
    assert "Erratum" in clip
    assert guide.version()["content_version"] in clip


def test_export_pdf_writes_a_stamped_pdf(tmp_path, window, guide):
    window.navigate("guideline", "table1")
    out = window.export_pdf_to(tmp_path / "table1.pdf")
    assert out is not None and out.is_file()
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1024
    doc = window.current_screen().document()
    assert guide.version()["content_version"] in stamped(doc, window.context.stamp()).toPlainText()


def test_font_scale_is_remembered_across_a_restart(qtbot, qapp, guide):
    w = MainWindow()
    qtbot.addWidget(w)
    base = qapp.font().pointSizeF()
    w.zoom_in()
    w.zoom_in()
    assert w.settings.font_scale == pytest.approx(1.21, abs=0.01)
    assert qapp.font().pointSizeF() == pytest.approx(base * 1.21, rel=0.02)
    w.close()
    restore_defaults(qapp)
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert w2.settings.font_scale == pytest.approx(1.21, abs=0.01)
    assert qapp.font().pointSizeF() == pytest.approx(base * 1.21, rel=0.02)
    w2.zoom_reset()
    assert qapp.font().pointSizeF() == pytest.approx(base, rel=0.02)


def test_zoom_shortcuts(qtbot, window):
    _activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.settings.font_scale == pytest.approx(1.1, abs=0.01)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.settings.font_scale == pytest.approx(1.0, abs=0.01)


def test_theme_is_applied_and_remembered(qtbot, qapp, window):
    window.set_theme("dark")
    assert qapp.palette().window().color().name() == DARK.window
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert w2.settings.theme == "dark"
    assert w2.theme_actions["dark"].isChecked()


def test_focus_is_always_visible(qtbot, qapp, window):
    _activate(qtbot, window)
    window.nav.setFocus()
    qtbot.waitUntil(lambda: window.nav.hasFocus(), timeout=2000)
    ring = focus_ring(qapp)
    assert ring is not None and ring.target is window.nav and ring.isVisible()
    assert ring.geometry().size() == window.nav.size()
    assert ring.geometry().topLeft() == window.nav.mapTo(window, window.nav.rect().topLeft())
    colour = ring.grab().toImage().pixelColor(0, ring.height() // 2).name()
    assert colour == current_colours().focus
    window.set_theme("high-contrast")
    assert current_colours().focus_width == 3
    window.navigate("guideline", "box1")
    qtbot.waitUntil(lambda: ring.target is not window.nav, timeout=2000)
    assert ring.target is QApplication.focusWidget()


def test_banner_for_old_content_is_dismissible_for_the_session(qtbot, guide):
    s = Settings()
    s.banner_age_days = 1
    w = MainWindow(s)
    qtbot.addWidget(w)
    w.show()
    w.load_services(guide=guide)
    assert w.banner.isVisible()
    assert "days old" in w.banner_label.text()
    qtbot.mouseClick(w.banner_dismiss, Qt.MouseButton.LeftButton)
    assert not w.banner.isVisible()
    w.update_banner()
    assert not w.banner.isVisible()
    s.banner_age_days = 3650
    w2 = MainWindow(s)
    qtbot.addWidget(w2)
    w2.show()
    w2.load_services(guide=guide)
    assert not w2.banner.isVisible()


def test_banner_when_the_database_fell_back(qtbot, built_db):
    from app.services.guide import ActiveDatabase, Guide

    fallback = Guide(database=built_db)
    fallback.active = ActiveDatabase(
        path=built_db, origin="bundled", notice="the installed update failed its check; using the bundled copy"
    )
    s = Settings()
    s.banner_age_days = 3650
    w = MainWindow(s)
    qtbot.addWidget(w)
    w.show()
    w.load_services(guide=fallback)
    assert w.banner.isVisible()
    assert "using the bundled copy" in w.banner_label.text()


def test_a_database_error_is_shown_plainly(qtbot, tmp_path):
    from app.services.guide import Guide

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    w.load_services(guide=Guide(database=tmp_path / "missing" / "guide.sqlite"))
    assert w.guide is None and w.load_error
    assert "could not be opened" in w.loading.text()
    assert w.stack.currentWidget() is w.loading
    assert w.content_label.text() == "Database error"


def test_preferences_dialog_saves_preferences(qtbot, window):
    dialog = window.open_preferences()
    dialog.banner_age.setValue(400)
    dialog.units.setCurrentIndex(dialog.units.findData("conventional"))
    dialog.accept()
    assert window.settings.banner_age_days == 400
    assert window.settings.units == "conventional"


def test_every_action_has_a_status_tip_and_menus_have_the_shortcuts(window):
    shortcuts = {a.text(): a.shortcut().toString() for a in window.findChildren(type(window.copy_action))}
    assert shortcuts["&Copy as text"] == "Ctrl+Shift+C"
    assert shortcuts["&Print…"] == "Ctrl+P"
    assert shortcuts["&Search…"] == "Ctrl+K"
    assert shortcuts["&Smaller text"] == "Ctrl+-"
    assert shortcuts["&Normal text size"] == "Ctrl+0"
    assert shortcuts["&Help"] == "F1"
    assert not any("zoom" in text.casefold() for text in shortcuts)  # the diagrams' zoom is another thing
    assert window.go_actions["guideline"].shortcut().toString() == "Alt+7"


@pytest.mark.xfail(bool(MISSING), reason=f"screen modules not written yet: {', '.join(MISSING)}", strict=False)
def test_self_test_visits_every_screen_and_exits_0():
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    report = json.loads(proc.stdout)
    assert report["screens"] == [
        "fig1",
        "fig2",
        "fig3",
        "calculators",
        "crs",
        "icans",
        "guideline",
        "search",
        "regimens",
        "about",
        "help",
        "patient",
        "case",
    ], report["failures"]
    assert report["ok"] is True and proc.returncode == 0, report["failures"]
    assert report["checks"]["database"]["integrity"] == "ok"


def test_exit_after_paint_still_works():
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--exit-after-paint"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stderr


def test_tab_goes_from_the_navigation_into_the_screen(qtbot, window):
    _activate(qtbot, window)
    window.navigate("guideline", "box1")
    window.nav.setFocus()
    qtbot.waitUntil(window.nav.hasFocus, timeout=2000)
    qtbot.keyClick(window.nav, Qt.Key.Key_Tab)
    screen = window.current_screen()
    assert QApplication.focusWidget() is screen.tree
    qtbot.keyClick(screen.tree, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.browser


def test_every_focusable_control_of_the_window_and_its_screens_has_a_name(qtbot, window):
    window.navigate("guideline", "table1")
    window.navigate("about", None)
    palette = window.open_search("daratumumab")
    palette.search_now()
    roots = [window.nav, window.banner, palette, window.pages["guideline"], window.pages["about"]]
    unnamed = []
    for root in roots:
        for widget in [root, *root.findChildren(QWidget)]:
            if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or widget.objectName() == "qt_scrollarea_viewport":
                continue
            name = widget.accessibleName() or (widget.text() if hasattr(widget, "text") else "")
            if not name:
                unnamed.append(f"{type(widget).__name__} {widget.objectName()}")
    assert not unnamed


def test_the_window_paints_before_the_database_and_models_load():
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from app.ui.main_window import MainWindow\n"
        "w = MainWindow()\n"
        "def painted():\n"
        "    print('HEAVY', [m for m in ('sqlalchemy', 'pydantic', 'app.services.guide') if m in sys.modules])\n"
        "    app.quit()\n"
        "w.first_paint.connect(painted)\n"
        "w.show()\n"
        "app.exec()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr


def test_the_last_screen_is_opened_again_after_a_restart(qtbot, window, guide):
    window.navigate("about", None)
    window.close()
    w2 = MainWindow()
    qtbot.addWidget(w2)
    w2.load_services(guide=guide)
    assert w2.current_screen_id == "about"
