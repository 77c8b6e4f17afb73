"""The card's "For this patient" column (pytest-qt, offscreen): at 77 the IsaPd label subgroup's 20 mg
dexamethasone is the patient's dose, the label's 40 mg "not for this patient"; without an age, "subgroup
undetermined: needs age" next to the dose; the same in the copied record."""

from __future__ import annotations

import pytest

from app.ui.screens.regimens import RegimensScreen
from tests.ui.windows import shown_screen


@pytest.fixture
def screen(qtbot, context):
    return shown_screen(qtbot, RegimensScreen(context))


def _dex(screen) -> str:
    text = screen.browser.toPlainText()
    patient = text[text.index("Doses for this patient") :]
    return patient[patient.index("dexamethasone") :]


def test_isapd_at_77_shows_the_subgroup_dose(screen):
    screen.open_item("IsaPd")
    f = screen.card_area.fields
    f.weight.setText("70")
    f.age.setText("77")
    dex = _dex(screen)
    assert "subgroup dose: for this patient" in dex
    assert "not for this patient: age 77 ≥ 75" in dex
    assert dex.index("20 mg") < dex.index("not for this patient") < dex.index("label dose 40 mg")
    html = screen.card.html()
    assert "<b>20 mg</b>" in html and "<b>40 mg</b>" not in html
    record = screen.plain_text()
    assert "subgroup dose (age ≥ 75 years): 20 mg [CONFIRMED] — THE DOSE FOR THIS PATIENT" in record


def test_isapd_without_age_is_undetermined(screen):
    screen.open_item("IsaPd")
    f = screen.card_area.fields
    f.weight.setText("70")
    dex = _dex(screen)
    assert "subgroup undetermined: needs age" in dex
    assert "subgroup dose: for this patient" not in dex
