"""The dosing card on the Regimens & dosing screen: EU and US side by side, unconfirmed values marked
in place, the patient's doses and the verification record (copy and PDF), reachable from the
flowchart dialog and from search, in light and dark."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtGui import QGuiApplication

from app.ui.calc.panel import CalculatorPanel
from app.ui.dosing_card import card_html
from app.ui.printing import export_pdf
from app.ui.screens.regimens import RegimensScreen
from app.ui.theme import apply_theme, restore_defaults
from tests.ui.windows import shown_screen


@pytest.fixture
def screen(qtbot, context):
    return shown_screen(qtbot, RegimensScreen(context))


def fill(screen, **values):
    f = screen.card_area.fields
    for key, value in values.items():
        getattr(f, {"height": "height_edit"}.get(key, key)).setText(str(value))


def html(screen) -> str:
    return screen.browser.toHtml()


def test_the_card_is_the_regimens_main_content(screen):
    screen.open_item("DaraRd")
    text = screen.browser.toPlainText()
    assert text.startswith("DaraRd — dosing card")
    assert text.index("dosing card") < text.index("What the guideline says about it")
    assert "EU SmPC" in text and "US label" in text  # side by side


def test_unconfirmed_values_are_marked_in_place(screen):
    screen.open_item("Kd")
    text = screen.browser.toPlainText()
    # the US 28-day cycle was read only on an HCP page: its line carries the flag
    line = next(x for x in text.splitlines() if "28-day cycles" in x)
    assert "UNCONFIRMED" in line
    assert "not in this guide — check the label" in text


def test_doses_for_the_patient_and_the_verification_record(qtbot, screen, context):
    screen.open_item("KRd")
    fill(screen, weight=80, height=170, age=80, creatinine=110)
    screen.card_area.fields.sex.setCurrentIndex(1)  # female
    text = screen.browser.toPlainText()
    assert "Doses for this patient — EU SmPC" in text
    assert "20 mg/m² × 1.944 m² = 38.88 mg" in text
    assert "30 ≤ CLcr < 50 mL/min" in text  # the renal band chosen
    record = screen.plain_text()
    assert record.startswith("Dosing card: KRd")
    assert "Inputs: weight 80.0 kg; height 170.0 cm; age 80 years; creatinine 1.24 mg/dL; sex female" in record
    assert "formula: 20 mg/m² × 1.944 m² = 38.88 mg" in record
    assert "cap: BSA 1.944 m² ≤ 2.2 m² cap: not capped; within the maximum of 44 mg" in record
    assert "rounding:" in record and "source: KYPROLIS (carfilzomib) — EU SmPC" in record
    assert context.stamp() in record
    QGuiApplication.clipboard().clear()
    screen.copy_button.click()
    assert QGuiApplication.clipboard().text() == record


def test_region_switch_computes_the_other_label(screen):
    screen.open_item("IxaRd")
    fill(screen, crcl=25)
    fields = screen.card_area.fields
    fields.region.setCurrentIndex(fields.region.findData("us"))
    text = screen.browser.toPlainText()
    assert "Doses for this patient — US label" in text
    assert "15 mg every 48 hours" in text  # the US lenalidomide band, not the EU one
    assert "US label (doses below)" in text


def test_a_bad_value_names_the_field_and_computes_nothing(screen):
    screen.open_item("KRd")
    fill(screen, weight="heavy")
    assert "weight" in screen.card_area.fields.message.text()
    assert "Doses for this patient" not in screen.browser.toPlainText()


def test_values_from_the_calculators(qtbot, screen, context):
    panel = CalculatorPanel(context, "crcl", parent=screen)
    panel.result = context.guide.calculate(
        "crcl", {"age": 70, "sex": "male", "weight": "90 kg", "height": "180 cm", "creatinine": "1.0 mg/dL"}
    )
    screen.open_item("KRd")
    screen.card_area.fields.use_calc.click()
    f = screen.card_area.fields
    assert (f.weight.text(), f.height_edit.text(), f.age.text(), f.creatinine.text()) == ("90", "180", "70", "1")
    assert f.creatinine_unit.currentText() == "mg/dL" and f.sex.currentData() == "male"
    assert "Taken from the calculators" in f.message.text()


def test_no_card_says_so(screen):
    screen.open_item("VCd")
    assert "VCd — no dosing card" in screen.browser.toPlainText()


def test_pdf_of_the_record(tmp_path, screen, context):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed")
    screen.open_item("IsaPd")
    fill(screen, weight=70, age=76)
    out = export_pdf(screen.document(), tmp_path / "isapd.pdf", context.stamp())
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "IsaPd — dosing card" in text and "Doses for this patient" in text
    assert "10 mg/kg × 70 kg = 700 mg" in text
    assert "printed" in text and "page 1 of" in text


@pytest.mark.parametrize("theme", ["light", "dark", "high-contrast"])
def test_card_colours_follow_the_theme(qapp, screen, theme):
    apply_theme(qapp, theme)
    try:
        screen.open_item("SelVd")
        eu = screen.card.views["eu"]
        page = card_html(eu, screen.card.views["us"], "eu")
        from app.ui.theme import current_colours

        assert current_colours().warning.bg in page  # the UNCONFIRMED flag in this theme's warning colours
    finally:
        restore_defaults(qapp)


def test_flowchart_dialog_opens_the_card(qtbot, context):
    from app.ui.regimen_detail import RegimenDetailDialog, leaf_from_figure

    dialog = RegimenDetailDialog(context)
    qtbot.addWidget(dialog)
    dialog.show_leaf(leaf_from_figure(context.guide.figure("fig1"), "te-induction", "DaraVRd"))
    with qtbot.waitSignal(context.navigate) as navigated:
        dialog.card_button.click()
    assert navigated.args == ["regimens", "DaraVRd"]
