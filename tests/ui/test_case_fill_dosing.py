"""The dosing card and the CRS/ICANS helpers filled from the patient case (issue 11, item 4): marks,
doses computed from the case's values, edits going back to the case, Clear patient, and no case
(real widgets, real database)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.windows import shown_main_window

ROOT = Path(__file__).resolve().parents[2]
SECOND_LINE = ROOT / "docs/examples/case-second-line.json"
NEWLY_DIAGNOSED = ROOT / "docs/examples/case-newly-diagnosed.json"


def mosteller(height_cm: float, weight_kg: float) -> float:
    """Mosteller RD. N Engl J Med 1987;317:1098: √(height cm × weight kg / 3600)."""
    return math.sqrt(height_cm * weight_kg / 3600)


def cockcroft_gault(age: float, weight_kg: float, creatinine_mg_dl: float, female: bool) -> float:
    """Cockcroft DW, Gault MH. Nephron 1976;16:31–41: (140 − age) × weight / (72 × Scr), × 0.85 for women."""
    return (140 - age) * weight_kg / (72 * creatinine_mg_dl) * (0.85 if female else 1.0)


@pytest.fixture
def window(qtbot, guide, fresh_main_windows):
    return shown_main_window(qtbot, guide=guide, size=(1366, 768))


def open_case(window, path: Path = SECOND_LINE) -> None:
    window.show_screen("patient").open_case_file(str(path))


def regimen(window, abbr: str):
    screen = window.show_screen("regimens")
    screen.open_item(abbr)
    assert screen.detail.regimen.abbr == abbr
    return screen


def card_values(screen) -> tuple:
    f = screen.card_area.fields
    return (f.weight.text(), f.weight_unit.currentText(), f.height_edit.text(), f.height_unit.currentText(),
            f.age.text(), f.sex.currentData(), f.creatinine.text(), f.creatinine_unit.currentText(),
            f.bsa.currentData())


def test_a_case_fills_the_krd_card_with_marks_and_the_doses_computed(window):
    open_case(window)
    screen = regimen(window, "KRd")
    assert card_values(screen) == ("80", "kg", "181", "cm", "64", "male", "1.1", "mg/dL", "mosteller")
    fields, fill = screen.card_area.fields, screen.card_area.case_fill
    assert fields.weight.toolTip() == "From the patient case: weight (F4 to edit). Weight"
    assert fields.weight_unit.accessibleDescription().startswith("From the patient case: weight (F4 to edit)")
    assert fields.creatinine.accessibleDescription().startswith("From the patient case: current creatinine")
    assert fields.bsa.toolTip().startswith("From the patient case: BSA formula (F4 to edit)")
    assert fields.crcl.toolTip() == ""  # CrCl is not in the case: the card's own, unmarked
    line = fill.line
    assert line.isVisibleTo(screen)
    assert line.text().startswith("From the patient case (F4 to edit): Weight: 80 kg · Height: 181 cm · Age: 64")
    assert "Weight — From the patient case: weight" in line.toolTip()
    assert "Creatinine — From the patient case: current creatinine" in line.accessibleDescription()
    bsa = round(mosteller(181, 80), 3)
    text = screen.browser.toPlainText()
    assert "Doses for this patient — EU SmPC" in text
    assert f"20 mg/m² × {bsa:.3f} m² = {20 * bsa:.2f} mg" in text  # carfilzomib, EU SmPC 4.2
    crcl = cockcroft_gault(64, 80, 1.1, female=False)
    assert f"= {crcl:.1f} mL/min" in screen.plain_text()
    assert "CLcr ≥ 50 mL/min (normal or mild impairment) → 25 mg once daily" in text  # lenalidomide's band


def test_the_daratumumab_card_of_a_newly_diagnosed_case_takes_the_creatinine_at_diagnosis(window):
    open_case(window, NEWLY_DIAGNOSED)
    screen = regimen(window, "DaraRd")
    assert card_values(screen) == ("58", "kg", "158", "cm", "78", "female", "1.4", "mg/dL", "mosteller")
    creatinine = screen.card_area.fields.creatinine.toolTip()
    assert creatinine.startswith("From the patient case: creatinine at diagnosis; no current creatinine; "
                                 "the creatinine at diagnosis is used (no treatment yet)")
    assert screen.card_area.fields.bsa.toolTip().startswith(
        "From the patient case: Mosteller, the default when no BSA method is entered")
    text = screen.browser.toPlainText()
    assert "16 mg/kg × 58 kg = 928 mg" in text
    crcl = cockcroft_gault(78, 58, 1.4, female=True)
    assert 30 <= crcl < 50
    assert f"= {crcl:.1f} mL/min" in screen.plain_text()
    assert "30 ≤ CLcr < 50 mL/min (moderate impairment) → 10 mg once daily" in text


def test_editing_the_weight_on_the_card_updates_the_case(window, qtbot):
    open_case(window)
    screen = regimen(window, "KRd")
    session = window.context.case
    weight = screen.card_area.fields.weight
    weight.setFocus()
    qtbot.keyClick(weight, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(weight, "72")
    assert session.get("patient.weight") == "80 kg"  # still being typed: not yet in the case
    assert f"{20 * round(mosteller(181, 72), 3):.2f} mg" in screen.browser.toPlainText()  # the card follows at once
    qtbot.keyClick(weight, Qt.Key.Key_Return)
    assert session.get("patient.weight") == "72 kg"
    assert weight.toolTip().startswith("From the patient case: weight")
    assert "Weight: 72 kg" in screen.card_area.case_fill.line.text()
    # the Calculators, the helpers and the Case summary agree
    calculators = window.show_screen("calculators")
    calculators.open_item("bsa")
    assert calculators.panel.form.editor("weight").text() == "72"
    assert "72 kg" in window.show_screen("case").text(False)
    # a choice goes back at once, a unit with its number
    screen = regimen(window, "KRd")
    fields = screen.card_area.fields
    fields.bsa.setCurrentIndex(fields.bsa.findData("dubois"))
    fields.bsa.activated.emit(fields.bsa.currentIndex())
    assert session.get("patient.bsa_method") == "dubois"
    assert fields.bsa.toolTip().startswith("From the patient case: BSA formula")
    fields.creatinine_unit.setCurrentIndex(fields.creatinine_unit.findText("µmol/L"))
    fields.creatinine.setFocus()
    qtbot.keyClick(fields.creatinine, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(fields.creatinine, "120")
    qtbot.keyClick(fields.creatinine, Qt.Key.Key_Tab)
    assert session.get("labs_current.creatinine") == "120 µmol/L"


def test_a_value_typed_into_a_field_the_case_left_empty_goes_to_the_case(window, qtbot):
    raw = json.loads(SECOND_LINE.read_text(encoding="utf-8"))
    del raw["patient"]["height"]
    window.context.case.set(raw)
    screen = regimen(window, "KRd")
    fields = screen.card_area.fields
    assert fields.height_edit.text() == "" and fields.height_edit.toolTip() == ""
    assert "Not in the case yet: Height." in screen.card_area.case_fill.line.text()
    fields.height_edit.setFocus()
    qtbot.keyClicks(fields.height_edit, "175")
    qtbot.keyClick(fields.height_edit, Qt.Key.Key_Return)
    assert window.context.case.get("patient.height") == "175 cm"
    assert fields.height_edit.toolTip().startswith("From the patient case: height")


def test_clear_patient_empties_the_card(window):
    open_case(window)
    screen = regimen(window, "KRd")
    fields = screen.card_area.fields
    fields.dialysis.setChecked(True)  # the card's own value: the patient's too
    window.clear_patient_action.trigger()
    assert window.context.case.is_empty
    assert card_values(screen) == ("", "kg", "", "cm", "", None, "", "mg/dL", "mosteller")
    assert not fields.dialysis.isChecked()
    assert fields.weight.toolTip() == "" and fields.weight.accessibleDescription() == ""
    assert not screen.card_area.case_fill.line.isVisibleTo(screen)
    assert "Doses for this patient" not in screen.browser.toPlainText()


def test_without_a_case_the_card_stays_standalone(window, qtbot):
    screen = regimen(window, "KRd")
    fields = screen.card_area.fields
    fields.weight.setFocus()
    qtbot.keyClicks(fields.weight, "70")
    qtbot.keyClick(fields.weight, Qt.Key.Key_Return)
    assert window.context.case.is_empty and fields.weight.text() == "70"
    assert not screen.card_area.case_fill.line.isVisibleTo(screen)
    window.clear_patient_action.trigger()  # Clear patient empties what was typed, case or not
    assert fields.weight.text() == ""


def test_use_calculator_values_still_works_and_keeps_the_case_in_step(window):
    calculators = window.show_screen("calculators")
    calculators.open_item("crcl")
    form = calculators.panel.form
    for path, value in (("age", "70"), ("weight", "90"), ("creatinine", "1")):
        form.editor(path).setText(value)
    form.unit_combo("creatinine").setCurrentIndex(form.unit_combo("creatinine").findData("mg/dL"))
    form.editor("sex").setCurrentIndex(form.editor("sex").findData("male"))
    calculators.panel.recompute()
    screen = regimen(window, "KRd")
    screen.card_area.fields.use_calc.click()
    f = screen.card_area.fields
    assert (f.weight.text(), f.age.text(), f.creatinine.text(), f.sex.currentData()) == ("90", "70", "1", "male")
    assert "Taken from the calculators" in f.message.text()
    # with a case open, what the button takes goes to the case
    open_case(window)
    screen = regimen(window, "KRd")
    f = screen.card_area.fields
    f.weight.setText("85")
    screen.card_area.fields.use_calc.click()
    assert window.context.case.get("patient.weight") == f"{f.weight.text()} kg"


def test_the_cards_own_clear_leaves_the_case(window):
    open_case(window)
    screen = regimen(window, "KRd")
    screen.card_area.fields.clear_button.click()
    assert screen.card_area.fields.weight.text() == ""
    assert window.context.case.get("patient.weight") == "80 kg"
    assert screen.card_area.case_fill.line.text().startswith("Emptied here; the patient case keeps its values")
    window.context.case.update("patient.ecog", 2)  # the case changes: the card fills again
    assert screen.card_area.fields.weight.text() == "80"


def crs(window):
    screen = window.show_screen("crs")
    screen.open_item("helper:tocilizumab-dose")
    return screen


def test_the_tocilizumab_helper_takes_the_weight_from_the_case(window, qtbot):
    open_case(window)
    screen = crs(window)
    form = screen.toco.form
    assert form.editor("weight").text() == "80"
    assert form.case_marks() == {"weight": "From the patient case"}
    result = screen.toco.result
    assert result.inputs["weight"] == {"value": 80, "unit": "kg"}
    assert "640" in result.headline  # 8 mg/kg × 80 kg (Supportive care › Recommendations, grade 2 CRS)
    line = screen.case_fills[0].line
    assert line.isVisibleTo(screen) and line.text().startswith("From the patient case (F4 to edit): Weight: 80 kg")
    # an edit goes back to the case
    weight = form.editor("weight")
    weight.setFocus()
    qtbot.keyClick(weight, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(weight, "75")
    qtbot.keyClick(weight, Qt.Key.Key_Return)
    assert window.context.case.get("patient.weight") == "75 kg"


def test_the_step_up_helper_borrows_the_cases_weight(window):
    open_case(window)
    screen = crs(window)
    screen.open_item("stepup:teclistamab")
    form = screen.stepup.form
    assert form.editor("weight").text() == "80"
    assert form.case_marks() == {"weight": "From the patient case"}
    assert "Weight: 80 kg" in screen.case_fills[1].line.text()
    assert screen.stepup.result.result["weight_kg"] == 80
    window.context.case.update("patient.weight", "70 kg")
    assert form.editor("weight").text() == "70"


def test_clear_patient_empties_the_helpers_and_the_grader(window, qtbot):
    open_case(window)
    screen = crs(window)
    temperature = next(p for p in screen.grader.form.fields if "temp" in p)
    screen.grader.form.editor(temperature).setText("39.2")
    window.clear_patient_action.trigger()
    assert screen.toco.form.editor("weight").text() == "" and screen.toco.form.case_marks() == {}
    assert screen.stepup.form.editor("weight").text() == ""
    assert screen.grader.form.editor(temperature).text() == ""
    assert not screen.case_fills[0].line.isVisibleTo(screen)


def test_without_a_case_the_helpers_stay_standalone(window, qtbot):
    screen = crs(window)
    weight = screen.toco.form.editor("weight")
    weight.setFocus()
    qtbot.keyClicks(weight, "66")
    qtbot.keyClick(weight, Qt.Key.Key_Return)
    assert window.context.case.is_empty and weight.text() == "66"
    assert screen.toco.form.case_marks() == {}
