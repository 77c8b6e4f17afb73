"""The card's "For this patient" column (pytest-qt, offscreen): the renal-adjusted lenalidomide dose is
the patient's dose, the label's 25 mg is "not for this patient"; the same in the copied record."""

from __future__ import annotations

import pytest

from app.ui.screens.regimens import RegimensScreen
from tests.ui.windows import shown_screen


@pytest.fixture
def screen(qtbot, context):
    return shown_screen(qtbot, RegimensScreen(context))


@pytest.mark.parametrize("regimen", ["KRd", "DaraVRd"])
def test_the_patient_column_shows_the_renal_adjusted_dose(screen, regimen):
    screen.open_item(regimen)
    f = screen.card_area.fields
    for edit, value in ((f.weight, "58"), (f.height_edit, "160"), (f.age, "77"), (f.creatinine, "160")):
        edit.setText(value)
    f.creatinine_unit.setCurrentIndex(f.creatinine_unit.findText("µmol/L"))
    f.sex.setCurrentIndex(f.sex.findData("female"))
    text = screen.browser.toPlainText()
    patient = text[text.index("Doses for this patient") :]
    lena = patient[patient.index("lenalidomide") :]
    assert "23.8 mL/min" in patient
    assert "renal-adjusted: for this patient" in lena
    assert lena.index("7.5 mg once daily") < lena.index("Renal band")
    if regimen == "KRd":
        assert "not for this patient: CrCl 23.8 mL/min < 30" in lena
        assert lena.index("7.5 mg once daily") < lena.index("not for this patient")
        assert "⚠ age 77: dose for a subgroup" in patient
    html = screen.card.html()
    assert "<b>25 mg</b>" not in html and "<b>7.5 mg once daily" in html
    record = screen.plain_text()
    assert "THE DOSE FOR THIS PATIENT" in record and "renal adjustment: not in this guide" not in record.split(
        "  lenalidomide:"
    )[-1].split("  dexamethasone:")[0]
