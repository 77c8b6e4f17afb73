"""Ctrl+K: search as you type, grouped results, arrow keys, Enter opens, Esc closes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from app.ui.models import HeaderRole, HtmlRole, LazyListModel, SearchResultsModel, kind_label
from app.ui.search_palette import DEBOUNCE_MS, SearchPalette, destination

from .windows import shown_main_window

pytestmark = pytest.mark.usefixtures("fresh_main_windows")


@pytest.fixture
def window(qtbot, guide):
    w = shown_main_window(qtbot, guide=guide, size=(1200, 800))
    w.show_screen("about")
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    return w


def _type_query(qtbot, window, text):
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.search_palette
    assert palette is not None and palette.isVisible()
    assert palette.query.hasFocus()
    qtbot.keyClicks(palette.query, text)
    qtbot.waitUntil(lambda: palette.model.hit_count > 0, timeout=3000)
    return palette


def test_debounce_is_at_most_150_ms():
    assert 0 < DEBOUNCE_MS <= 150


def test_ctrl_k_search_by_typing_groups_results_and_enter_opens_the_statement(qtbot, window):
    palette = _type_query(qtbot, window, "lenalidomide refractory")
    model = palette.model
    assert model.is_header(0)
    assert "statement" in model.kinds()
    assert len(model.kinds()) >= 2
    for row in range(model.rowCount()):
        if model.is_header(row):
            assert not model.flags(model.index(row, 0)) & Qt.ItemFlag.ItemIsSelectable
    first = palette.current_hit()
    assert first is not None and first["kind"] == "statement"
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert not palette.isVisible()
    assert window.current_screen_id == "guideline"
    assert window.current_screen().focus_statement == first["id"]


def test_arrow_keys_move_over_hits_and_skip_headers(qtbot, window):
    palette = _type_query(qtbot, window, "daratumumab")
    hits = palette.model.hit_rows()
    assert palette.current_row() == hits[0]
    qtbot.keyClick(palette.query, Qt.Key.Key_Down)
    assert palette.current_row() == hits[1]
    for _ in range(len(hits) + 3):
        qtbot.keyClick(palette.query, Qt.Key.Key_Down)
    assert palette.current_row() == hits[-1]
    qtbot.keyClick(palette.query, Qt.Key.Key_Up)
    assert palette.current_row() == hits[-2]
    assert not palette.model.is_header(palette.current_row())


def test_escape_closes_and_gives_the_focus_back(qtbot, window):
    palette = _type_query(qtbot, window, "tocilizumab")
    qtbot.keyClick(palette.query, Qt.Key.Key_Escape)
    assert not palette.isVisible()


def test_snippets_mark_the_hits(qtbot, window):
    palette = _type_query(qtbot, window, "tocilizumab")
    row = next(r for r in palette.model.hit_rows() if "«" in palette.model.hit(r)["snippet"])
    html = palette.model.index(row, 0).data(HtmlRole)
    assert "tocilizumab" in html.lower()
    assert "background-color:#ffe066" in html
    assert "«" not in html and "»" not in html
    assert "«" in palette.model.hit(row)["snippet"]


def test_a_toxicity_hit_opens_the_crs_screen_at_its_grade(qtbot, window, context):
    palette = window.open_search("CRS grade 2")
    palette.search_now()
    rows = [r for r in palette.model.hit_rows() if palette.model.hit(r)["kind"] == "toxicity"]
    assert rows
    with qtbot.waitSignal(palette.opened) as blocker:
        palette._activated(palette.model.index(rows[0], 0))
    screen, payload = blocker.args
    assert screen in ("crs", "icans") and isinstance(payload, int)
    assert window.current_screen_id == screen


def test_no_results_and_empty_query(qtbot, window):
    palette = window.open_search("zzzqqqxxy")
    palette.search_now()
    assert palette.model.rowCount() == 0
    assert "No results" in palette.status.text()
    palette.query.clear()
    palette.search_now()
    assert palette.model.rowCount() == 0


def test_destinations_of_every_kind(guide):
    cases = {
        ("statement", "smm-recs-x"): ("guideline", "smm-recs-x"),
        ("regimen", "DaraKd"): ("regimens", "DaraKd"),
        ("drug", "daratumumab"): ("drug", "daratumumab"),
        ("calculator", "crcl"): ("calculators", "crcl"),
        ("tool", "crs-grader"): ("crs", "grader"),
        ("tool", "tocilizumab-helper"): ("crs", "helper:tocilizumab-dose"),
        ("tool", "lenalidomide-renal-table"): ("drug", "lenalidomide#dosing"),
        ("toxicity", "icans-3"): ("icans", 3),
        ("figure", "fig2"): ("fig2", None),
        ("table1", "7"): ("guideline", "table1:7"),
        ("box1", "del1p32"): ("guideline", "box1:del1p32"),
        ("erratum", "box1-b2m-unit"): ("guideline", "box1-b2m-unit"),
        ("conflict", "renal-cornerstone"): ("guideline", "conflict:renal-cornerstone"),
        ("evidence", "level-I"): ("guideline", "evidence"),
        ("section", "ndmm"): ("guideline", "section:ndmm"),
    }
    for (kind, item), expected in cases.items():
        assert destination({"kind": kind, "id": item}, guide) == expected
    screen, payload = destination({"kind": "trial", "id": "CARTITUDE-4"}, guide)
    assert screen == "regimens" and payload == guide.repo.trial("CARTITUDE-4").regimens[0]


def test_every_guideline_destination_of_real_hits_opens(qtbot, context, guide):
    from app.ui.screens.guideline import GuidelineScreen

    screen = GuidelineScreen(context)
    qtbot.addWidget(screen)
    for query in ("lenalidomide", "β2 microglobulin", "erratum", "conflict", "grade", "Table 1", "evidence level"):
        for hit in guide.search(query, limit=40):
            target, payload = destination(hit, guide)
            if target == "guideline":
                screen.resolve(payload)


def test_results_model_passes_qtmodeltester(qtmodeltester, guide):
    model = SearchResultsModel()
    model.set_hits(guide.search("bortezomib", limit=30))
    assert model.rowCount() > len(model.kinds())
    assert model.index(0, 0).data(HeaderRole) is True
    assert model.index(0, 0).data().startswith(kind_label(model.kinds()[0]))
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)


def test_lazy_list_model_passes_qtmodeltester(qtmodeltester):
    calls = []

    def label(item):
        calls.append(item)
        return f"item {item}"

    model = LazyListModel(range(1000), label)
    assert calls == []  # nothing is formatted until asked for
    assert model.index(5, 0).data() == "item 5"
    assert calls == [5]
    model.index(5, 0).data()
    assert calls == [5]  # cached
    qtmodeltester.check(model)
    model.set_items(["a", "b"])
    qtmodeltester.check(model)


def test_palette_without_a_guide_says_it_is_loading(qtbot):
    from app.ui.context import UiContext

    palette = SearchPalette(UiContext())
    qtbot.addWidget(palette)
    palette.open_palette("anything")
    palette.search_now()
    assert "loading" in palette.status.text()
    assert palette.query.accessibleName() == "Search query"
    assert palette.results.accessibleName() == "Search results"


# --- calculators, tools and drugs ----------------------------------------------------------------


def _enter(qtbot, window, text, kind, ref_id):
    """Type ``text`` in the palette, move to the hit (kind, id) with the arrow keys, press Enter."""
    palette = _type_query(qtbot, window, text)
    qtbot.waitUntil(lambda: not palette._timer.isActive(), timeout=3000)  # the results of this query
    rows = palette.model.hit_rows()
    target = next(r for r in rows if (palette.model.hit(r)["kind"], palette.model.hit(r)["id"]) == (kind, ref_id))
    for _ in range(rows.index(target)):
        qtbot.keyClick(palette.query, Qt.Key.Key_Down)
    assert (palette.current_hit()["kind"], palette.current_hit()["id"]) == (kind, ref_id)
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert not palette.isVisible()
    return palette


def test_every_tool_has_a_destination():
    from app.core.tools import TOOLS
    from app.ui.screens import SCREENS
    from app.ui.search_palette import TOOL_DESTINATIONS

    assert set(TOOL_DESTINATIONS) == {t.id for t in TOOLS}
    assert all(screen in SCREENS or screen == "drug" for screen, _ in TOOL_DESTINATIONS.values())


def test_calculators_and_tools_have_group_headings():
    model = SearchResultsModel()
    model.set_hits([
        {"kind": "calculator", "id": "crcl", "title": "CrCl", "snippet": "", "section": None},
        {"kind": "tool", "id": "crs-grader", "title": "CRS", "snippet": "", "section": None},
    ])
    assert model.index(0, 0).data() == "Calculators (1)"
    assert model.index(2, 0).data() == "Tools and tables (1)"


@pytest.mark.parametrize(
    ("query", "calc_id"), [("cockcroft", "crcl"), ("gfr", "egfr"), ("step up", "bispecific-step-up")]
)
def test_enter_on_a_calculator_hit_selects_that_calculator(qtbot, window, query, calc_id):
    palette = _type_query(qtbot, window, query)
    assert (palette.current_hit()["kind"], palette.current_hit()["id"]) == ("calculator", calc_id)
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert window.current_screen_id == "calculators"
    screen = window.current_screen()
    assert screen.panel.calc_id == calc_id
    assert screen.list.currentItem().data(Qt.ItemDataRole.UserRole) == calc_id


def test_enter_on_a_second_calculator_hit_replaces_the_first(qtbot, window):
    _enter(qtbot, window, "frailty", "calculator", "imwg-frailty")
    assert window.current_screen().panel.calc_id == "imwg-frailty"
    _enter(qtbot, window, "frailty", "calculator", "simplified-frailty")
    assert window.current_screen().panel.calc_id == "simplified-frailty"


def test_enter_on_the_drug_hit_shows_the_drug_not_an_unrelated_regimen(qtbot, window, guide):
    from app.ui.drug_view import DrugView

    window.show_screen("regimens")  # the regimens screen has a regimen selected (the first one)
    first_regimen = window.current_screen().detail.regimen.abbr
    window.show_screen("about")
    palette = _type_query(qtbot, window, "tocilizumab")
    assert (palette.current_hit()["kind"], palette.current_hit()["id"]) == ("drug", "tocilizumab")
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert window.current_screen_id == "drug"
    view = window.current_screen()
    assert isinstance(view, DrugView) and view.isVisible()
    assert view.info.drug.id == "tocilizumab"
    text = view.browser.toPlainText()
    assert first_regimen not in text.split()
    assert "tocilizumab — drug" in text
    statements = {s.id: s for s in guide.repo.statements() if "tocilizumab" in s.drugs}
    assert statements and {s["id"] for s in view.info.statements} == set(statements)
    for s in statements.values():
        assert s.text[:60] in view.plain_text()
    crs2 = next(p for p in guide.repo.toxicity("crs") if p.grade == 2)
    dose = next(d for d in crs2.doses if d.drug == "tocilizumab")
    assert ("CRS grade 2", dose.dose, dose.source.quote, dose.source.location) in view.info.doses
    assert dose.dose in text
    assert {t.id for t in view.info.tools} == {"tocilizumab-helper"}
    assert [c for c, _title in view.info.calculators] == ["tocilizumab-dose"]
    assert window.windowTitle().startswith("tocilizumab — Drug")
    assert window.nav.currentRow() == -1


def test_a_drug_hit_with_regimens_lists_them_and_links_back(qtbot, window, guide):
    _enter(qtbot, window, "daratumumab", "drug", "daratumumab")
    view = window.current_screen()
    expected = [r.abbr for r in guide.repo.regimens() if "daratumumab" in r.components]
    assert [r.abbr for r in view.info.regimens] == expected and len(expected) > 3
    html = view.browser.toHtml()
    assert all(f"regimen:{abbr}" in html for abbr in expected)
    view._on_link(QUrl(f"regimen:{expected[1]}"))
    assert window.current_screen_id == "regimens"
    assert window.current_screen().detail.regimen.abbr == expected[1]


def test_tool_hits_open_their_helper(qtbot, window):
    window.show_screen("crs")
    window.current_screen().helpers.setCurrentIndex(1)
    window.show_screen("about")
    _enter(qtbot, window, "tocilizumab helper", "tool", "tocilizumab-helper")
    assert window.current_screen_id == "crs"
    crs = window.current_screen()
    assert crs.helpers.currentIndex() == 0 and crs.helpers.tabText(0) == "Tocilizumab dose"
    _enter(qtbot, window, "step-up helper", "tool", "step-up-helper")
    assert window.current_screen_id == "crs" and crs.helpers.currentWidget().widget() is crs.stepup
    _enter(qtbot, window, "icans grader", "tool", "icans-grader")
    assert window.current_screen_id == "icans"


def test_the_lenalidomide_table_hit_opens_lenalidomide_with_its_renal_table(qtbot, window, guide):
    from app.services.regimen_dossier import regimen_dossier

    _enter(qtbot, window, "lenalidomide dose", "tool", "lenalidomide-renal-table")
    assert window.current_screen_id == "drug"
    view = window.current_screen()
    assert view.info.drug.id == "lenalidomide"
    rd = regimen_dossier(guide, "Rd").dosing
    assert view.info.dosing.lenalidomide_rows == rd.lenalidomide_rows and rd.lenalidomide_rows
    text = view.browser.toPlainText()
    for band, eu, _us, _cmp in rd.lenalidomide_rows:
        assert band in text and eu.split(" [")[0] in text
