"""Forms at the bedside: no error before anything is typed, messages in plain words with the visible
label, nothing moves when a message appears, partial CRS answers, the Katz total, the CrCl dose
line, and no command lines or internal ids anywhere a user reads."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from app.ui.calc.form import plain_message
from app.ui.calc.report import result_plain_text
from app.ui.screens.calculators import CalculatorsScreen
from app.ui.screens.toxicity import ToxicityScreen
from tests.ui.windows import choose, shown_screen

#: what must never reach a user of the GUI
INTERNAL = re.compile(r"`|mmguide |--grade|\b[a-z]+_[a-z_]+\b|Input should|crs-grade|icans-grade")


@pytest.fixture
def crs(qtbot, context):
    return shown_screen(qtbot, ToxicityScreen(context, syndrome="crs"), (1366, 700))


@pytest.fixture
def calculators(qtbot, context):
    return shown_screen(qtbot, CalculatorsScreen(context), (1366, 700))


def messages(form) -> dict[str, str]:
    return {f.spec.path: f.message.full_text() for f in form._all_fields() if f.message.full_text()}


def positions(root: QWidget) -> dict[int, tuple[int, int, int, int]]:
    """Where every input of ``root`` is, in ``root``'s coordinates."""
    out = {}
    for w in root.findChildren(QWidget):
        if isinstance(w, QLineEdit | QComboBox | QCheckBox) and w.isVisibleTo(root):
            p = w.mapTo(root, QPoint(0, 0))
            out[id(w)] = (p.x(), p.y(), w.width(), w.height())
    return out


def test_crs_opens_without_an_error(crs):
    form = crs.grader.form
    assert messages(form) == {}
    status = crs.grader.pane.placeholder.text()
    assert status.startswith("Still needed: “Temperature” is required")
    assert not INTERNAL.search(status) and "Error" not in status
    assert crs.grader.pane.placeholder.property("kind") == "status"  # muted, not the error colour


def test_a_message_only_after_the_field_was_edited(qtbot, crs):
    form = crs.grader.form
    qtbot.keyClicks(form.editor("temperature"), "39")
    form.editor("temperature").clear()
    form.editor("temperature").textEdited.emit("")
    crs.grader.recompute()
    assert messages(form) == {"temperature": "Temperature is needed"}
    assert "oxygen_flow" not in messages(form)


def test_errors_use_the_visible_label_and_plain_words(qtbot, crs):
    form = crs.grader.form
    qtbot.keyClicks(form.editor("temperature"), "39")
    qtbot.keyClicks(form.editor("vasopressors"), "12")  # accepted: 0–10
    qtbot.waitUntil(lambda: "vasopressors" in messages(form))
    text = messages(form)["vasopressors"]
    assert text == "Must be at most 10"
    status = crs.grader.pane.placeholder.text()
    assert status.startswith("No result. Vasopressors (not counting vasopressin): Must be at most 10")
    assert not INTERNAL.search(status)


def test_plain_message_translates_names_and_phrases():
    labels = {"fever_masked": "Fever masked", "oxygen_flow": "Oxygen flow", "adl_items": "Katz ADL items"}
    assert plain_message(
        "temperature is required (°C or °F) unless fever_masked is true", labels
    ) == "Temperature is required (°C or °F) unless “Fever masked” is ticked"
    assert plain_message("age: Input should be less than or equal to 120", {"age": "Age"}, "age") == (
        "Must be at most 120"
    )
    assert plain_message("oxygen_flow 4 L/min was given but oxygen_device is 'none'", {
        **labels, "oxygen_device": "Oxygen device"}) == (
        "“Oxygen flow” 4 L/min was given but “Oxygen device” is “none”"
    )
    assert "adl_items" not in plain_message("adl_items: bathing is required", labels)


def test_nothing_moves_when_a_message_appears(qtbot, crs):
    grader = crs.grader
    before = positions(grader)
    form = grader.form
    qtbot.keyClicks(form.editor("vasopressors"), "12")
    qtbot.waitUntil(lambda: "vasopressors" in messages(form))
    grader.reveal_missing()
    assert messages(form)  # messages are shown…
    assert positions(grader) == before  # …and every input is where it was


def test_nothing_moves_on_the_calculators_screen_either(qtbot, calculators):
    calculators.open_item("imwg-frailty")
    panel = calculators.panel
    qtbot.waitUntil(lambda: panel.form.editor("age").width() > 0 and panel.form.editor("age").isVisible())
    qtbot.wait(50)
    before = positions(panel.form)
    qtbot.keyClicks(panel.form.editor("age"), "300")
    qtbot.waitUntil(lambda: "age" in messages(panel.form))
    panel.reveal_missing()
    assert positions(panel.form) == before


def test_show_what_is_missing_marks_every_field_still_needed(qtbot, calculators):
    calculators.open_item("iss")
    panel = calculators.panel
    assert messages(panel.form) == {}
    assert panel.pane.reveal_button.isVisibleTo(calculators)
    qtbot.mouseClick(panel.pane.reveal_button, Qt.MouseButton.LeftButton)
    assert messages(panel.form) == {"b2m": "β2-microglobulin is needed", "albumin": "Albumin is needed"}
    panel.clear()
    assert messages(panel.form) == {}  # Clear starts afresh


def test_crs_partial_answer_gives_the_grade_and_what_would_raise_it(qtbot, crs):
    form = crs.grader.form
    qtbot.keyClicks(form.editor("temperature"), "39.2")
    form.editor("hypotension").setChecked(True)
    qtbot.keyClicks(form.editor("vasopressors"), "1")
    choose(form.editor("oxygen_device"), "nasal_cannula")  # before typing the flow
    qtbot.waitUntil(lambda: crs.grader.pane.primary.text() == "CRS grade 3")
    assert crs.grader.pane.raised.isVisibleTo(crs)
    assert "grade 4" in crs.grader.pane.raised.text()
    assert crs.current_grade() == 3
    form.editor("hypotension").setChecked(False)
    form.editor("vasopressors").clear()
    form.editor("vasopressors").textEdited.emit("")
    qtbot.waitUntil(lambda: crs.grader.pane.primary.text() == "CRS at least grade 2")
    assert "> 6 L/min" in crs.grader.pane.raised.accessibleDescription()


def test_katz_total_is_shown_when_the_six_items_are_answered(qtbot, calculators):
    calculators.open_item("imwg-frailty")
    form = calculators.panel.form
    qtbot.keyClicks(form.editor("age"), "70")
    qtbot.keyClicks(form.editor("cci"), "0")
    form.editor("adl_items").setChecked(True)
    items = ("bathing", "dressing", "toileting", "transferring", "continence", "feeding")
    for item in items[:-1]:
        choose(form.editor(f"adl_items.{item}"), "independent")
    choose(form.editor(f"adl_items.{items[-1]}"), "dependent")
    choose(form.editor("iadl"), 8)
    qtbot.waitUntil(lambda: calculators.panel.result is not None)
    assert form.editor("adl").currentText().startswith("5")
    assert "choose" not in form.editor("adl").currentText()


def test_crcl_headline_shows_the_lenalidomide_starting_dose(qtbot, calculators):
    calculators.open_item("crcl")
    form = calculators.panel.form
    qtbot.keyClicks(form.editor("age"), "72")
    choose(form.editor("sex"), "female")
    qtbot.keyClicks(form.editor("weight"), "70")
    choose(form.unit_combo("creatinine"), "µmol/L")
    qtbot.keyClicks(form.editor("creatinine"), "140")
    qtbot.waitUntil(lambda: calculators.panel.result is not None)
    pane = calculators.panel.pane
    assert pane.primary.text().startswith("CrCl 35.5 mL/min")
    line = pane.secondary.text()
    assert pane.secondary.isVisibleTo(calculators)
    assert "EU SmPC 10 mg once daily" in line and "US label 10 mg every 24 hours" in line
    assert line in calculators.panel.plain_text()


def test_no_command_lines_or_ids_in_any_calculator_result(qtbot, calculators, context):
    """The interpretations, warnings, references and copied text of the graders and helpers."""
    cases = {
        "crs-grade": {"temperature": "39 °C", "hypotension": True},
        "icans-grade": {"ice_score": 0, "consciousness": "alert"},
        "ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1},
        "tocilizumab-dose": {"weight": "70 kg"},
    }
    for calc_id, raw in cases.items():
        result = context.guide.calculate(calc_id, raw)
        calculators.open_item(calc_id)
        pane = calculators.panel.pane
        pane.show_result(calc_id, result)
        shown = [pane.primary.text(), pane.interpretation.text(), pane.references.text(), pane.version.text()]
        shown += [pane.warnings.body.text()]
        shown += [" ".join(row) for row in pane.explanation_model.rows()]
        copied = result_plain_text(result.title, calc_id, result, "stamp")
        for text in [*shown, copied]:
            assert "mmguide" not in text and "`" not in text, (calc_id, text)
            assert calc_id not in text or calc_id in ("ice",), (calc_id, text)


def test_no_internal_conflict_ids_in_the_management_panels(context, qtbot):
    icans = ToxicityScreen(context, syndrome="icans")
    qtbot.addWidget(icans)
    for grade, panel in icans.panels.items():
        shown = panel.box3.text() + panel.recommendations.text() + panel.plain_text()
        assert "(conflict " not in shown, grade
