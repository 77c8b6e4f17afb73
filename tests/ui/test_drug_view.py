"""The drug page: what the guide records about one drug, reached from a drug search hit."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl

from app.ui.drug_view import DrugView, drug_text, gather_drug

from .windows import shown_main_window

pytestmark = pytest.mark.usefixtures("fresh_main_windows")


@pytest.fixture
def window(qtbot, guide):
    return shown_main_window(qtbot, guide=guide, size=(1200, 800))


def test_gather_takes_every_part_from_the_guide(guide):
    info = gather_drug(guide, "dexamethasone")
    repo = guide.repo
    assert [r.abbr for r in info.regimens] == [r.abbr for r in repo.regimens() if "dexamethasone" in r.components]
    assert {s["id"] for s in info.statements} == {s.id for s in repo.statements() if "dexamethasone" in s.drugs}
    panel_doses = [
        (p.syndrome, p.grade, d.dose)
        for syndrome in ("crs", "icans")
        for p in repo.toxicity(syndrome)
        for d in p.doses
        if d.drug == "dexamethasone"
    ]
    assert len(info.doses) == len(panel_doses) > 0
    assert [d[1] for d in info.doses] == [dose for _s, _g, dose in panel_doses]


def test_a_drug_is_found_by_alias_and_its_calculators_by_title(guide):
    assert gather_drug(guide, "Len").drug.id == "lenalidomide"
    assert [c for c, _t in gather_drug(guide, "lenalidomide").calculators] == ["crcl"]
    assert [c for c, _t in gather_drug(guide, "carfilzomib").calculators] == ["bsa"]
    assert [c for c, _t in gather_drug(guide, "teclistamab").calculators] == ["bispecific-step-up"]
    assert gather_drug(guide, "daratumumab").calculators == []
    with pytest.raises(KeyError):
        gather_drug(guide, "no-such-drug")


def test_a_drug_without_regimens_or_doses_says_so(qtbot, context):
    view = DrugView(context)
    qtbot.addWidget(view)
    view.open_item("calcium")
    text = view.browser.toPlainText()
    assert "No regimen of the guideline contains calcium." in text
    assert "give no dose of calcium" in text
    plain = view.plain_text()
    assert plain.startswith("calcium — drug") and context.stamp() in plain
    assert view.document() is not None


def test_the_chooser_switches_drugs(qtbot, context):
    view = DrugView(context)
    qtbot.addWidget(view)
    view.open_item("tocilizumab")
    view.chooser.setCurrentIndex(view.chooser.findData("carfilzomib"))
    view.chooser.activated.emit(view.chooser.currentIndex())
    assert view.info.drug.id == "carfilzomib"
    assert "BSA cap" in view.browser.toPlainText()


def test_links_open_the_statement_the_calculator_and_the_helper(qtbot, window):
    view = window.show_drug("tocilizumab")
    statement = view.info.statements[0]["id"]
    view._on_link(QUrl(f"statement:{statement}"))
    assert window.current_screen_id == "guideline"
    assert window.current_screen().focus_statement == statement
    window.show_drug("tocilizumab")._on_link(QUrl("calc:tocilizumab-dose"))
    assert window.current_screen_id == "calculators"
    assert window.current_screen().panel.calc_id == "tocilizumab-dose"
    window.show_drug("tocilizumab")._on_link(QUrl("tool:tocilizumab-helper"))
    assert window.current_screen_id == "crs"


def test_leaving_the_drug_page_by_the_navigation(qtbot, window):
    window.show_drug("lenalidomide#dosing")
    assert window.current_screen_id == "drug" and window.nav.currentRow() == -1
    assert window.settings.last_screen != "drug"
    from app.ui.screens import SCREENS

    window.nav.setCurrentRow(list(SCREENS).index("regimens"))
    assert window.current_screen_id == "regimens"


def test_copy_as_text_of_the_drug_page(qtbot, window, guide):
    window.show_drug("lenalidomide")
    text = window.copy_as_text()
    assert text == drug_text(gather_drug(guide, "lenalidomide"), window.context.stamp())
    assert "Regimens with lenalidomide:" in text and "Rd — " in text
    assert "NOT maintenance" in text  # the starting-dose table carries the Regimens screen's heading


def test_an_unknown_drug_is_reported_not_shown(qtbot, window):
    window.show_drug("tocilizumab")
    window.navigate("drug", "no-such-drug")
    assert "no-such-drug" in window.statusBar().currentMessage()
    assert window.drug_page.info.drug.id == "tocilizumab"


def test_a_regimen_links_each_of_its_drugs_to_its_page(qtbot, window):
    regimens = window.show_screen("regimens")
    regimens.open_item("DaraRd")
    html = regimens.browser.toHtml()
    for drug in ("daratumumab", "lenalidomide", "dexamethasone"):
        assert f"drug:{drug}" in html
    regimens._on_link(QUrl("drug:lenalidomide"))
    assert window.current_screen_id == "drug"
    assert window.current_screen().info.drug.id == "lenalidomide"
