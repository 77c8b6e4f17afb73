"""The GUI reads each calculator's declaration (issue 11, item 3): the list's groups and order, the
form's labels, the headline on screen and in copied text are the registration's, as in the CLI."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.cli.main import main as cli_main
from app.core.calculators.all import ORDER, grouped
from app.core.calculators.base import REGISTRY
from app.ui.calc.panel import CalculatorPanel
from app.ui.calc.report import result_plain_text
from app.ui.screens.calculators import CalculatorsScreen
from app.ui.widgets import screen_words
from tests.core.boundary_vectors import VECTORS

#: one valid example per calculator (its first published boundary vector)
EXAMPLES = {cid: next(v.inputs for v in VECTORS if v.calculator == cid) for cid in ORDER}


def test_the_calculator_list_is_the_registrations_groups_and_order(qtbot, context) -> None:
    screen = CalculatorsScreen(context)
    qtbot.addWidget(screen)
    headers, ids = [], []
    for row in range(screen.list.count()):
        item = screen.list.item(row)
        calc_id = item.data(Qt.ItemDataRole.UserRole)
        if calc_id is None:
            headers.append(item.text())
        else:
            ids.append(calc_id)
            assert item.text() == REGISTRY[calc_id].title
    assert headers == [name.upper() for name, _ in grouped()]
    assert ids == list(ORDER)


@pytest.mark.parametrize("calc_id", ORDER)
def test_form_labels_and_headline_are_the_calculators_own(qtbot, context, calc_id: str) -> None:
    calc = REGISTRY[calc_id]
    panel = CalculatorPanel(context, calc_id)
    qtbot.addWidget(panel)
    assert panel.form is not None
    for name, label in calc.field_labels.items():
        assert panel.form.field(name).spec.label == label, name
    result = context.guide.calculate(calc_id, EXAMPLES[calc_id])
    panel.pane.show_result(calc_id, result)
    assert panel.pane.primary.text() == screen_words(calc.headline(result.result))
    copied = result_plain_text(calc.title, calc_id, result, "")
    assert f"Result: {screen_words(result.headline)}" in copied.splitlines()


@pytest.mark.parametrize("calc_id", ["high-risk", "crcl", "icans-grade"])
def test_cli_text_and_gui_copy_give_the_same_headline(capsys, tmp_path, context, calc_id: str) -> None:
    import json

    code = cli_main(["--data-dir", str(tmp_path), "--text", "calc", calc_id, "--input", json.dumps(EXAMPLES[calc_id])])
    cli_text = capsys.readouterr().out
    assert code == 0
    result = context.guide.calculate(calc_id, EXAMPLES[calc_id])
    gui_text = result_plain_text(REGISTRY[calc_id].title, calc_id, result, "")
    cli_headline = " ".join(cli_text.split("\n\n")[1].removeprefix("Result: ").split())
    gui_headline = next(ln for ln in gui_text.splitlines() if ln.startswith("Result: ")).removeprefix("Result: ")
    assert cli_headline == gui_headline == REGISTRY[calc_id].headline(result.result)
