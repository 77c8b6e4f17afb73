"""What's new, Report a problem, the install dialog's change list and About's safety sections, on
real widgets, a real update built from a changed content source and real signed packages."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication, QComboBox

from app.paths import bundled_database
from app.services.intended_use import MODULES
from app.ui.main_window import MainWindow
from app.ui.report_problem import ReportProblemDialog
from app.ui.screens.about import AboutScreen
from app.ui.update_dialog import UpdateDialog
from app.ui.whats_new import WhatsNewDialog, diff_html, word_diff
from app.updates import install
from tests import content_changes as cc

from .windows import shown_main_window

pytestmark = pytest.mark.usefixtures("fresh_main_windows")


@pytest.fixture(scope="module")
def changed(tmp_path_factory) -> Path:
    return cc.build_changed_db(tmp_path_factory.mktemp("changed"))


@pytest.fixture
def packaged(tmp_path, changed) -> tuple[Path, Path]:
    """(data dir with a trust root and nothing installed, a signed package of the changed content)."""
    data = tmp_path / "data"
    return data, cc.signed_package(tmp_path, changed, data)


def _window(qtbot, data: Path | None = None) -> MainWindow:
    return shown_main_window(qtbot, data_dir=str(data) if data else None)


def _whats_new(w: MainWindow) -> WhatsNewDialog | None:
    dialog = getattr(w, "whats_new_dialog", None)
    return dialog if isinstance(dialog, WhatsNewDialog) and dialog.isVisible() else None


# --- What's new -----------------------------------------------------------------------------------


def test_word_diff_marks_only_the_changed_words():
    old, new = word_diff("VRd can be used [II, B].", "VRd can be used [I, A].")
    assert "line-through" in old and "[II," in old and "VRd can be used" in old
    assert "underline" in new and "[I," in new
    assert "line-through" not in new and "underline" not in old


def test_installed_update_shows_what_is_new_once(qtbot, packaged):
    data, package = packaged
    install.apply(package, data)
    w = _window(qtbot, data)
    qtbot.waitUntil(lambda: _whats_new(w) is not None, timeout=5000)
    dialog = _whats_new(w)
    assert dialog.diff["from"]["label"] == "bundled" and dialog.diff["to"]["content_version"] == cc.NEW_VERSION
    text = dialog.browser.toPlainText()
    for expected in (
        "What's new in this content", f"content {cc.NEW_VERSION}", "Statements: 1 added, 1 changed, 1 removed",
        cc.ADDED, cc.ADDED_QUOTE, cc.REMOVED, "Urine-based tests", cc.EVIDENCE_CHANGED,
        "Evidence changed: [II, B] → [I, A]", "Was", "Now", "VRd can be used [II, B].", "VRd can be used [I, A].",
        "Flowchart nodes: 0 added, 1 changed, 0 removed", cc.NODE_CHANGED, "IsaVRd", "preferred, [I, A]",
        "preferred, [II, B]", "Regimens: 0 added, 1 changed, 0 removed", "(renamed by a test update)",
    ):
        assert expected in text, expected
    html = dialog.browser.toHtml()
    assert "#fff0a8" in html  # the evidence change is highlighted
    copied = dialog.copy_text()
    assert QApplication.clipboard().text() == copied and "EVIDENCE [II, B] → [I, A]" in copied
    dialog.close()
    w.whats_new_dialog = None
    w.load_services(data_dir=str(data))  # the same content again: not shown a second time
    QApplication.processEvents()
    qtbot.wait(50)
    assert _whats_new(w) is None


def test_help_whats_new_on_the_bundled_content_says_nothing_changed(qtbot, tmp_path):
    w = _window(qtbot, tmp_path / "data")
    assert _whats_new(w) is None  # the bundled content is never announced
    w.whats_new_action.trigger()
    dialog = _whats_new(w)
    assert dialog is not None and dialog.diff["identical"] is True
    assert "nothing changed" in dialog.browser.toPlainText()


def test_the_install_dialog_lists_the_changes_before_installing(qtbot, packaged):
    data, package = packaged
    w = _window(qtbot, data)
    dialog = w.open_update_dialog(package)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    assert dialog.state == UpdateDialog.ACCEPTED
    qtbot.waitUntil(lambda: getattr(dialog, "content_changes", None) is not None, timeout=10000)
    text = dialog.details.toPlainText()
    assert "Who signed it" in text  # the package facts stay
    assert "What's new in this content" in text
    assert "Evidence changed: [II, B] → [I, A]" in text and cc.ADDED_QUOTE in text
    assert dialog.content_changes["to"]["origin"] == "package"
    assert w.guide.active.origin == "bundled"  # nothing installed by looking


def test_diff_html_of_identical_contents():
    result = {"from": {"content_version": "1", "content_date": "d", "label": "bundled"},
              "to": {"content_version": "1", "content_date": "d", "label": "active"}, "identical": True}
    assert "nothing changed" in diff_html(result)


# --- Report a problem -----------------------------------------------------------------------------


def _choose(combo: QComboBox, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_report_has_the_versions_and_screen_and_never_a_patient_value(qtbot, tmp_path):
    w = _window(qtbot, tmp_path / "data")
    screen = w.show_screen("calculators")
    form = screen.panel.form
    _choose(form.unit_combo("b2m"), "mg/L")
    qtbot.keyClicks(form.editor("b2m"), "7.3917")
    _choose(form.unit_combo("albumin"), "g/dL")
    qtbot.keyClicks(form.editor("albumin"), "2.8641")
    qtbot.waitUntil(lambda: "ISS stage III" in screen.plain_text(), timeout=5000)
    assert "7.3917" in screen.plain_text()  # the value is on the screen …

    w.report_problem_action.trigger()
    dialog = w.report_dialog
    assert isinstance(dialog, ReportProblemDialog)
    qtbot.keyClicks(dialog.description, "The stage looked wrong after changing the albumin unit.")
    report = dialog.report_text()
    sha = hashlib.sha256(bundled_database().read_bytes()).hexdigest()
    for expected in ("problem report for the clinical safety officer", "Screen: Calculators (calculators)",
                     "The stage looked wrong after changing the albumin unit.", "App version: ",
                     f"Content version: {w.guide.version()['content_version']}", f"Database SHA-256: {sha}",
                     "Database in use: bundled", "Database integrity: ok", "Local layer: none",
                     "Qt: PySide6 ", "no calculator inputs"):
        assert expected in report, expected
    for value in ("7.3917", "2.8641", "7.39", "2.86"):  # … and never in the report
        assert value not in report
    assert dialog.preview.toPlainText() == report
    copied = dialog.copy_report()
    assert copied == report and QApplication.clipboard().text() == report
    out = dialog.save_to(tmp_path / "report.txt")
    assert out is not None and out.read_text(encoding="utf-8") == report
    for value in ("7.3917", "2.8641"):
        assert value not in out.read_text(encoding="utf-8")


def test_report_versions_match_mmguide_info(qtbot, tmp_path):
    from app.services.problem_report import info_with_versions

    w = _window(qtbot, tmp_path / "data")
    w.report_problem_action.trigger()
    info = info_with_versions(w.guide)
    for key in ("app_version", "content_version", "database_sha256", "local_layer", "operating_system"):
        assert w.report_dialog.versions[key] == info[key], key


def test_a_description_with_patient_values_waits_for_them_to_go(qtbot, tmp_path):
    w = _window(qtbot, tmp_path / "data")
    w.report_problem_action.trigger()
    dialog = w.report_dialog
    qtbot.keyClicks(dialog.description, "CrCl wrong for 82 kg, creatinine 1.4 mg/dL, DOB 03/04/1951")
    assert dialog.warning.isVisibleTo(dialog) and dialog.confirm.isVisibleTo(dialog)
    for words in ("82 kg", "1.4 mg/dL", "03/04/1951", "DOB"):
        assert words in dialog.warning.text()
    assert not dialog.copy_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.copy_report() is None and dialog.save_to(tmp_path / "r.txt") is None
    assert not (tmp_path / "r.txt").exists()
    dialog.description.setPlainText("CrCl looked wrong for a heavy patient on the Calculators screen.")
    assert not dialog.warning.isVisibleTo(dialog) and dialog.copy_button.isEnabled()
    dialog.description.setPlainText("The 30 mL/min band edge of the lenalidomide table")  # a cut-off, not a value
    assert not dialog.copy_button.isEnabled()
    dialog.confirm.setChecked(True)
    assert dialog.copy_button.isEnabled()
    assert "confirmed that 1 phrase(s)" in dialog.report_text()


# --- About ------------------------------------------------------------------------------------------


def test_about_shows_intended_purpose_safety_documents_and_third_party_software(qtbot, context):
    about = AboutScreen(context)
    qtbot.addWidget(about)
    flat = " ".join(about.plain_text().split())
    assert "Intended purpose" in flat
    for module in MODULES:
        assert " ".join(module.name.split()) in flat, module.name
    for expected in ("Safety documents", "Intended use", "Hazard log", "Published test vectors",
                     "Report a problem", "Third-party software", "PySide6_Essentials", "LGPL-3.0-only",
                     "cryptography", "SQLAlchemy", "CPython"):
        assert expected in flat, expected
    about.browser.anchorClicked.emit(QUrl("doc:intended-use.md"))
    viewer = about.document_viewer
    assert "Intended use" in viewer.browser.toPlainText() and viewer.path.name == "intended-use.md"
    viewer.load(Path("/etc/hostname"))  # outside the guide's documents: refused
    assert viewer.path.name == "intended-use.md"
    viewer.close()


def test_help_safety_documents_opens_about_at_the_section(qtbot, tmp_path):
    w = _window(qtbot, tmp_path / "data")
    w.safety_documents_action.trigger()
    assert w.current_screen_id == "about"
