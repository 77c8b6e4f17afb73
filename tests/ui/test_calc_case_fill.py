"""The Calculators screen filled from the patient case (issue 11 item 4): marks, results, edits
going back to the case, Clear patient, calculators the case cannot fill (real widgets, real database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from app.ui.calc.fields import NULL_DATA
from tests.ui.windows import shown_main_window

ROOT = Path(__file__).resolve().parents[2]
NEWLY_DIAGNOSED = ROOT / "docs/examples/case-newly-diagnosed.json"


def cockcroft_gault(age: float, weight_kg: float, creatinine_mg_dl: float, female: bool) -> float:
    """Cockcroft DW, Gault MH. Nephron 1976;16:31–41: (140 − age) × weight / (72 × Scr), × 0.85 for women."""
    return (140 - age) * weight_kg / (72 * creatinine_mg_dl) * (0.85 if female else 1.0)


@pytest.fixture
def window(qtbot, guide, fresh_main_windows):
    return shown_main_window(qtbot, guide=guide, size=(1366, 768))


def load_case(window, raw: dict | None = None):
    if raw is None:
        window.show_screen("patient").open_case_file(str(NEWLY_DIAGNOSED))
    else:
        window.context.case.set(raw)


def calculator(window, calc_id: str):
    screen = window.show_screen("calculators")
    screen.open_item(calc_id)
    assert screen.panel.calc_id == calc_id
    return screen


def text_of(screen, path: str) -> str:
    editor = screen.panel.form.editor(path)
    assert isinstance(editor, QLineEdit)
    return editor.text()


def data_of(screen, path: str):
    editor = screen.panel.form.editor(path)
    assert isinstance(editor, QComboBox)
    return editor.currentData()


def test_a_case_fills_crcl_with_its_marks_and_the_right_result(window):
    load_case(window)
    screen = calculator(window, "crcl")
    form = screen.panel.form
    assert (text_of(screen, "age"), data_of(screen, "sex"), text_of(screen, "weight")) == ("78", "female", "58")
    assert (text_of(screen, "creatinine"), form.unit_combo("creatinine").currentData()) == ("1.4", "mg/dL")
    marks = form.case_marks()
    assert marks["weight"] == "From the patient case"  # the label says which input
    assert marks["age"] == "From the patient case"
    assert marks["creatinine"].startswith("From the patient case: at diagnosis; no current creatinine")
    assert form.field("weight").message.full_text() == marks["weight"]
    assert form.editor("weight").accessibleDescription() == "From the patient case. actual body weight (kg or lb)"
    expected = cockcroft_gault(78, 58, 1.4, female=True)
    assert screen.panel.result.headline.startswith(f"CrCl {expected:.1f} mL/min")
    line = screen.case_fill.line
    assert line.isVisibleTo(screen)
    assert line.text().startswith("From the patient case (F4 to edit): ")
    assert "Weight: 58 kg" in line.text() and "Sex: female" in line.text()
    assert "Weight — From the patient case: weight" in line.accessibleDescription()


def test_editing_the_weight_goes_back_to_the_case_and_the_case_summary(window, qtbot):
    load_case(window)
    screen = calculator(window, "crcl")
    session = window.context.case
    weight = screen.panel.form.editor("weight")
    weight.setFocus()
    qtbot.keyClick(weight, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(weight, "72")
    qtbot.wait(screen.panel.TYPING_DELAY_MS * 3)
    assert session.get("patient.weight") == "58 kg"  # still being typed: not yet in the case
    assert screen.panel.result.headline.startswith(f"CrCl {cockcroft_gault(78, 72, 1.4, True):.1f}")
    qtbot.keyClick(weight, Qt.Key.Key_Return)
    assert session.get("patient.weight") == "72 kg"
    assert screen.panel.form.case_marks()["weight"] == "From the patient case"
    assert "Weight: 72 kg" in screen.case_fill.line.text()
    summary = window.show_screen("case")
    assert "72 kg" in summary.text(False) and "58 kg" not in summary.text(False)
    # a choice goes back at once
    screen = calculator(window, "crcl")
    sex = screen.panel.form.editor("sex")
    sex.setCurrentIndex(sex.findData("male"))
    assert session.get("patient.sex") == "male"
    assert screen.panel.result.headline.startswith(f"CrCl {cockcroft_gault(78, 72, 1.4, False):.1f}")


def test_a_typed_number_goes_back_when_the_field_is_left(window, qtbot):
    load_case(window)
    screen = calculator(window, "bsa")
    height = screen.panel.form.editor("height")
    height.setFocus()
    qtbot.keyClick(height, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(height, "160")
    qtbot.keyClick(height, Qt.Key.Key_Tab)
    assert window.context.case.get("patient.height") == "160 cm"


def test_emptying_a_filled_field_removes_the_value_from_the_case(window, qtbot):
    load_case(window)
    screen = calculator(window, "tocilizumab-dose")
    weight = screen.panel.form.editor("weight")
    weight.setFocus()
    qtbot.keyClick(weight, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(weight, Qt.Key.Key_Delete)
    qtbot.keyClick(weight, Qt.Key.Key_Return)
    assert window.context.case.get("patient.weight") is None
    assert screen.panel.form.case_marks() == {}


def test_clear_patient_empties_every_value_of_the_calculator(window):
    load_case(window)
    screen = calculator(window, "crcl")
    basis = screen.panel.form.editor("weight_basis")
    assert isinstance(basis, QComboBox) and basis.count() > 1
    start = basis.currentIndex()
    basis.setCurrentIndex((start + 1) % basis.count())  # the user's own choice, not from the case
    window.clear_patient_action.trigger()
    assert window.context.case.is_empty
    assert [text_of(screen, p) for p in ("age", "weight", "creatinine")] == ["", "", ""]
    assert basis.currentIndex() == start
    assert screen.panel.form.case_marks() == {}
    assert screen.panel.form.editor("weight").accessibleDescription() == "actual body weight (kg or lb)"
    assert screen.panel.result is None
    assert not screen.case_fill.line.isVisibleTo(screen)


def test_clear_patient_without_a_case_empties_what_was_typed(window, qtbot):
    screen = calculator(window, "crcl")
    age = screen.panel.form.editor("age")
    qtbot.keyClicks(age, "70")
    window.clear_patient_action.trigger()
    assert text_of(screen, "age") == ""


def test_the_patient_panels_clear_button_empties_the_calculators_too(window, qtbot):
    """Every Clear patient is the same: the menu, its key, the panel's button (and closing the window)."""
    load_case(window, {"patient": {"age": 70, "sex": "male"}})
    screen = calculator(window, "crcl")
    assert text_of(screen, "age") == "70"
    qtbot.keyClicks(screen.panel.form.editor("weight"), "80")
    panel = window.show_screen("patient")
    assert panel.clear_button.isEnabled()
    cleared: list[str] = []
    window.context.patient_cleared.connect(lambda: cleared.append("cleared"))
    panel.clear_button.click()
    assert cleared == ["cleared"] and window.context.case.is_empty
    window.clear_patient_action.trigger()
    assert cleared == ["cleared", "cleared"]
    assert text_of(screen, "age") == "" and text_of(screen, "weight") == ""


def test_a_calculator_the_case_cannot_fill_shows_nothing_filled(window):
    load_case(window)
    ice = calculator(window, "ice")
    assert ice.panel.form.case_marks() == {}
    assert ice.panel.form.collect()[0] == {}
    assert "does not fill this calculator (event-time tool" in ice.case_fill.line.text()
    smm = calculator(window, "smm-2-20-20")
    assert smm.panel.form.case_marks() == {}
    assert "diagnosis is mm" in smm.case_fill.line.text()
    # a case with only what CrCl needs fills CrCl, and leaves R-ISS wholly empty (no "not tested" marks)
    load_case(window, {"patient": {"age": 70, "sex": "male", "weight": "80 kg"},
                       "labs_current": {"creatinine": "1 mg/dL"}})
    r_iss = calculator(window, "r-iss")
    assert r_iss.panel.form.case_marks() == {}
    assert data_of(r_iss, "t_14_16") == NULL_DATA  # the form's own default, not a mark
    assert "has none of this calculator's values" in r_iss.case_fill.line.text()
    crcl = calculator(window, "crcl")
    assert set(crcl.panel.form.case_marks()) == {"age", "sex", "weight", "creatinine"}
    assert crcl.panel.form.case_marks()["creatinine"] == "From the patient case: current creatinine"


def test_iss_and_r_iss_with_untested_markers(window):
    load_case(window)
    iss = calculator(window, "iss")
    assert (text_of(iss, "b2m"), text_of(iss, "albumin")) == ("6.2", "31")
    assert iss.panel.result.result["stage"] == "III"  # Greipp 2005: β2M ≥ 5.5 mg/L
    r_iss = calculator(window, "r-iss")
    form = r_iss.panel.form
    marks = form.case_marks()
    assert marks["t_14_16"] == "From the patient case: not tested"
    assert marks["ldh_above_uln"] == "From the patient case: at diagnosis, not measured"
    assert marks["del17p"] == "From the patient case"
    assert data_of(r_iss, "t_14_16") == NULL_DATA and data_of(r_iss, "del17p") is False
    result = r_iss.panel.result.result
    case_result = window.context.case.result.calculators["r-iss"]["result"]
    assert result["stage"] is None and result["possible_stages"] == case_result["possible_stages"] == ["II", "III"]
    line = r_iss.case_fill.line.text()
    assert "del(17p): absent" in line
    assert "Not tested in the case: LDH above the upper limit of normal, t(14;16)" in line
    # answering a marker in the calculator goes into the case
    t1416 = form.editor("t_14_16")
    t1416.setCurrentIndex(t1416.findData(False))
    assert window.context.case.get("cytogenetics.t_14_16") is False
    assert form.case_marks()["t_14_16"] == "From the patient case"


def test_a_derived_value_changed_here_becomes_the_calculators_own(window, qtbot):
    load_case(window)
    screen = calculator(window, "high-risk")
    form = screen.panel.form
    assert form.case_marks()["del17p_ccf_pct"] == "From the patient case: del(17p) = no → 0 %"
    ccf = form.editor("del17p_ccf_pct")
    ccf.setFocus()
    qtbot.keyClick(ccf, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(ccf, "5")
    qtbot.keyClick(ccf, Qt.Key.Key_Return)
    assert window.context.case.get("cytogenetics.del17p") is False
    assert window.context.case.get("cytogenetics.del17p_ccf_pct") is None
    window.context.case.update("patient.ecog", 1)  # any change of the case: the value stays the user's
    assert text_of(screen, "del17p_ccf_pct") == "5" and "del17p_ccf_pct" not in form.case_marks()
    assert "Changed here, not from the case: del(17p) clonal fraction (%)" in screen.case_fill.line.text()


def test_a_value_the_case_no_longer_gives_goes_unless_the_user_changed_it(window):
    load_case(window)
    screen = calculator(window, "crcl")
    window.context.case.update("patient.height", None)
    assert text_of(screen, "height") == "" and "height" not in screen.panel.form.case_marks()
    assert text_of(screen, "weight") == "58"


def test_other_spellings_of_a_unit_fill_the_selector(window):
    raw = json.loads(NEWLY_DIAGNOSED.read_text(encoding="utf-8"))
    raw["labs_at_diagnosis"]["creatinine"] = "124 umol/L"
    load_case(window, raw)
    screen = calculator(window, "crcl")
    assert text_of(screen, "creatinine") == "124"
    assert screen.panel.form.unit_combo("creatinine").currentData() == "µmol/L"


def test_the_case_line_follows_the_theme(window, qapp):
    from app.ui.theme import DARK, LIGHT, apply_theme

    load_case(window)
    screen = calculator(window, "crcl")
    line = screen.case_fill.line
    apply_theme(qapp, "dark")
    qapp.processEvents()
    assert DARK.alternate in line.styleSheet() and DARK.text in line.styleSheet()
    apply_theme(qapp, "light")
    qapp.processEvents()
    assert LIGHT.alternate in line.styleSheet()


def test_the_panels_open_case_file_button_reads_the_chosen_file(window, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(NEWLY_DIAGNOSED), ""))
    window.show_screen("patient").open_button.click()  # clicked(checked) must not be taken for the path
    assert window.context.case.get("patient.weight") == "58 kg"
    assert calculator(window, "tocilizumab-dose").panel.form.case_marks() == {"weight": "From the patient case"}


SECOND_LINE = ROOT / "docs/examples/case-second-line.json"


def test_a_value_typed_into_a_field_the_case_left_empty_goes_to_the_case(window, qtbot):
    raw = json.loads(SECOND_LINE.read_text(encoding="utf-8"))
    del raw["labs_current"]  # treated: the creatinine at diagnosis is not used for current renal function
    load_case(window, raw)
    session = window.context.case
    screen = calculator(window, "crcl")
    form = screen.panel.form
    assert text_of(screen, "creatinine") == "" and "creatinine" not in form.case_marks()
    form.unit_combo("creatinine").setCurrentIndex(form.unit_combo("creatinine").findData("µmol/L"))
    editor = form.editor("creatinine")
    editor.setFocus()
    qtbot.keyClicks(editor, "98")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert session.get("labs_current.creatinine") == "98 µmol/L"
    assert session.result.calculators["crcl"]["headline"] == screen.panel.result.headline
    assert form.case_marks()["creatinine"].startswith("From the patient case")
    summary = window.show_screen("case").text(False)
    assert "Creatinine clearance: CrCl" in summary and "not calculated" not in summary.split("Renal")[1][:80]


def test_without_a_case_a_typed_value_stays_in_the_calculator(window, qtbot):
    screen = calculator(window, "crcl")
    editor = screen.panel.form.editor("weight")
    editor.setFocus()
    qtbot.keyClicks(editor, "70")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.context.case.is_empty and text_of(screen, "weight") == "70"
