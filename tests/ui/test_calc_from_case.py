"""A calculator field filled from outside (the patient case, issue 11) carries a mark of where its
value came from; a user's edit removes the mark and says so; bad values are refused by name."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLineEdit

from app.ui.calc.panel import CalculatorPanel

FROM_CASE = "From the patient case"


def panel_for(qtbot, context, calc_id: str) -> CalculatorPanel:
    panel = CalculatorPanel(context, calc_id)
    qtbot.addWidget(panel)
    panel.resize(1200, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def fill_crcl(panel: CalculatorPanel) -> None:
    panel.set_from_case("age", 78, FROM_CASE)
    panel.set_from_case("sex", "female", FROM_CASE)
    panel.set_from_case("weight", "70 kg", FROM_CASE)
    panel.set_from_case("creatinine", {"value": 98, "unit": "µmol/L"}, f"{FROM_CASE} (labs of today)")


def test_values_from_the_case_compute_and_carry_their_mark(qtbot, context) -> None:
    panel = panel_for(qtbot, context, "crcl")
    fill_crcl(panel)
    form = panel.form
    assert form is not None
    assert panel.result is not None and panel.result.headline.startswith("CrCl ")
    assert panel.result.entered["creatinine"] == {"value": 98.0, "unit": "µmol/L"}
    editor = form.editor("creatinine")
    assert isinstance(editor, QLineEdit) and editor.text() == "98"
    assert form.unit_combo("creatinine").currentData() == "µmol/L"
    message = form.field("creatinine").message
    assert (message.kind, message.full_text()) == ("origin", f"{FROM_CASE} (labs of today)")
    assert form.case_marks() == {
        "age": FROM_CASE,
        "sex": FROM_CASE,
        "weight": FROM_CASE,
        "creatinine": f"{FROM_CASE} (labs of today)",
    }


def test_the_users_edit_removes_the_mark_and_is_reported(qtbot, context) -> None:
    panel = panel_for(qtbot, context, "crcl")
    fill_crcl(panel)
    form = panel.form
    assert form is not None
    with qtbot.waitSignal(panel.case_value_edited) as edited:
        qtbot.keyClicks(form.editor("age"), "1")
    assert edited.args == ["age"]
    assert "age" not in form.case_marks()
    assert form.field("age").message.kind != "origin"
    assert form.field("weight").message.kind == "origin"


def test_a_message_takes_the_line_and_the_mark_comes_back_after_it(qtbot, context) -> None:
    panel = panel_for(qtbot, context, "crcl")
    fill_crcl(panel)
    form = panel.form
    assert form is not None
    panel.set_from_case("age", 200, FROM_CASE)
    assert form.field("age").message.kind == "error"
    assert panel.result is None
    panel.set_from_case("age", 70, FROM_CASE)
    assert form.field("age").message.kind == "origin"
    assert panel.result is not None


def test_clear_forgets_the_values_and_their_marks(qtbot, context) -> None:
    panel = panel_for(qtbot, context, "crcl")
    fill_crcl(panel)
    panel.clear()
    assert panel.form is not None and panel.form.case_marks() == {}
    assert panel.form.field("age").message.kind == ""


def test_bad_values_and_unknown_fields_are_refused_by_name(qtbot, context) -> None:
    panel = panel_for(qtbot, context, "crcl")
    with pytest.raises(ValueError, match=r"Weight: '70' cannot be set; accepted: a number with one of the units kg"):
        panel.set_from_case("weight", "70", FROM_CASE)
    with pytest.raises(ValueError, match=r"Weight: .* cannot be set"):
        panel.set_from_case("weight", "70 stone", FROM_CASE)
    with pytest.raises(ValueError, match=r"Sex: 'other' cannot be set; accepted: .*female.*male"):
        panel.set_from_case("sex", "other", FROM_CASE)
    with pytest.raises(ValueError, match=r"Age \(years\): True cannot be set; accepted: a number"):
        panel.set_from_case("age", True, FROM_CASE)
    with pytest.raises(KeyError):
        panel.set_from_case("bmi", 30, FROM_CASE)
    assert panel.form is not None and panel.form.case_marks() == {}
    weight = panel.form.editor("weight")
    assert isinstance(weight, QLineEdit) and weight.text() == ""


def test_booleans_not_tested_and_lists(qtbot, context) -> None:
    high = panel_for(qtbot, context, "high-risk")
    high.set_from_case("t_4_14", True, FROM_CASE)
    high.set_from_case("creatinine", None, FROM_CASE)
    assert high.form is not None
    t414 = high.form.editor("t_4_14")
    value = t414.isChecked() if isinstance(t414, QCheckBox) else t414.currentData()  # type: ignore[union-attr]
    assert value is True
    creatinine = high.form.editor("creatinine")
    assert isinstance(creatinine, QLineEdit) and creatinine.text() == ""
    icans = panel_for(qtbot, context, "icans-grade")
    icans.set_from_case("raised_icp_signs", ["papilledema"], FROM_CASE)
    assert icans.form is not None
    assert icans.form.collect()[0]["raised_icp_signs"] == ["papilledema"]
    with pytest.raises(ValueError, match="Signs of raised ICP"):
        icans.set_from_case("raised_icp_signs", ["headache"], FROM_CASE)


def test_item_answers_tick_their_group_and_a_total_unticks_it(qtbot, context) -> None:
    panel = panel_for(qtbot, context, "imwg-frailty")
    form = panel.form
    assert form is not None
    items = dict.fromkeys(("bathing", "dressing", "toileting", "transferring", "continence", "feeding"), "independent")
    panel.set_from_case("adl_items", items, FROM_CASE)
    group = form.editor("adl_items")
    assert isinstance(group, QGroupBox) and group.isChecked()
    assert not form.field("adl").is_active()
    assert form.collect()[0]["adl_items"] == items
    panel.set_from_case("adl", 5, FROM_CASE)
    assert not group.isChecked() and form.field("adl").is_active()
    adl = form.editor("adl")
    assert isinstance(adl, QComboBox) and adl.currentData() == 5


def test_a_flat_ice_item_ticks_the_ice_group_of_the_icans_form(qtbot, context) -> None:
    panel = panel_for(qtbot, context, "icans-grade")
    form = panel.form
    assert form is not None
    group = form.editor("__ice_items__")
    assert isinstance(group, QGroupBox) and not group.isChecked()
    panel.set_from_case("orientation", 3, FROM_CASE)
    assert group.isChecked()
    assert not form.field("ice_score").is_active()
    assert form.collect()[0]["orientation"] == 3
