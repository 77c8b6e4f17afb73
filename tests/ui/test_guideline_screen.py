"""The guideline browser: sections, statements with badges, Table 1, Boxes 1–3, errata, conflicts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from app.ui.models import REQUIREMENT_WORDS, Table1Model, cell_words
from app.ui.screens.guideline import GuidelineScreen, item_href, nav_href, parse_href


@pytest.fixture
def screen(qtbot, context):
    s = GuidelineScreen(context)
    qtbot.addWidget(s)
    s.resize(1100, 750)
    s.show()
    return s


def test_tree_lists_every_section_and_the_extra_pages(screen, guide):
    items = screen._tree_items
    for sec in guide.repo.sections():
        assert (sec.id if sec.id in ("table1", "box1", "box2", "box3") else f"section:{sec.id}") in items
    assert {"evidence", "errata", "conflicts"} <= set(items)
    assert screen.tree.accessibleName() == "Guideline sections"


def test_a_section_lists_its_statements_with_badges_kind_and_place(screen, guide):
    screen.open_item("section:rrmm-2l-recs")
    html = screen.page_html("section:rrmm-2l-recs")
    text = screen.plain_text()
    statements = guide.repo.statements("rrmm-2l-recs")
    assert statements
    for s in statements:
        assert s.text in text
        assert s.source.location in text
    assert "[I, A]" in text and "background-color:#d4efdb" in html  # grade A badge: text and colour
    assert "Recommendation ·" in text


def test_open_statement_highlights_it_and_shows_links_that_navigate(qtbot, screen, context):
    screen.open_item("rrmm2-len-refractory-other")
    assert screen.focus_statement == "rrmm2-len-refractory-other"
    assert screen.current_page == "section:rrmm-2l-recs"
    assert "Used in:" in screen.plain_text()
    html = screen.page_html(screen.current_page, screen.focus_statement)
    assert nav_href("fig2", "r-b-len-ref") in html
    assert nav_href("regimens", "DaraKd") in html
    with qtbot.waitSignal(context.navigate) as blocker:
        screen.browser.anchorClicked.emit(QUrl(nav_href("fig2", "r-b-len-ref")))
    assert blocker.args == ["fig2", "r-b-len-ref"]


def test_errata_flags_and_conflicts_stand_beside_their_statements(screen):
    screen.open_item("sup-infection-ivig")
    text = screen.plain_text()
    assert "Erratum: IVIG: IgG threshold printed without a concentration unit" in text
    assert "Printed: low IgG levels (<400–500 mg)" in text
    assert "Reading: Serum IgG < 400–500 mg/dl" in text
    assert "Conflicting passages: IVIG" in text
    assert "Also in Box 2 › Infections" in text


def test_box2_bullets_name_the_text_they_repeat(screen):
    screen.open_item("box2")
    text = screen.plain_text()
    assert "Bone disease" in text and "Impaired renal function" in text
    assert "Also in the text:" in text


def test_box1_shows_criteria_footnotes_and_the_b2m_erratum_on_its_criterion(screen):
    screen.open_item("box1")
    text = screen.plain_text()
    criterion = text.index("High β2 microglobulin (> 5.5 mg/dl) with normal creatinine (< 1.2 mg/dl)")
    flag = text.index("Erratum: Box 1: β2-microglobulin unit printed as mg/dl")
    footnotes = text.index("Footnotes")
    assert criterion < flag < footnotes
    assert "Reading: High β2-microglobulin ≥ 5.5 mg/L" in text
    assert "Cancer clonal fraction ≥20%" in text
    screen.open_item("box1:high-b2m-normal-creatinine")
    assert screen.current_page == "box1"


def test_box3_points_to_the_crs_and_icans_screens(qtbot, screen, context):
    screen.open_item("box3")
    text = screen.plain_text()
    assert "Ocular toxicities" in text
    assert "open CRS" in text and "open ICANS" in text
    with qtbot.waitSignal(context.navigate) as blocker:
        screen.browser.anchorClicked.emit(QUrl(nav_href("icans", 2)))
    assert blocker.args == ["icans", 2]


def test_box3_by_grade_keeps_the_bullets_printed_without_a_tag(screen, guide):
    """Nothing of Box 3 disappears on the guideline screen: a bullet printed without an evidence tag
    (ICANS grade 1 "Observation.") stands in its printed place, marked as untagged."""
    screen.open_item("box3")
    text = screen.plain_text()
    untagged = [item.untagged.quote for p in guide.repo.toxicity() for item in p.box3 if not isinstance(item, str)]
    assert untagged  # the content has such bullets (ICANS grade 1 among them)
    icans = text.split("ICANS", 1)[1]
    grade1 = icans.split("ICANS grade 1", 1)[1].split("ICANS grade 2", 1)[0]
    assert "untagged in Box 3" in grade1 and "Observation." in grade1
    for quote in untagged:
        assert quote in text, quote


def test_table1_is_a_real_table_with_four_time_points(qtbot, qtmodeltester, screen, guide):
    screen.open_item("table1")
    assert screen.pages.currentWidget() is screen.table_page
    model = screen.table1_view.model()
    table = guide.repo.table1()
    assert model.rowCount() == len(table.rows)
    assert model.columnCount() == 6
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["Group", "Examination", *table.columns]
    sflc = next(i for i, r in enumerate(table.rows) if r.test == "Serum free light chain")
    assert model.index(sflc, 3).data() == "Obligatory — to confirm sCR"
    assert "Printed in Table 1" in model.index(sflc, 3).data(Qt.ItemDataRole.ToolTipRole)
    qtmodeltester.check(model)
    fresh = Table1Model(table)
    qtmodeltester.check(fresh)


def test_table1_open_a_row_copy_and_print(screen, guide):
    screen.open_item("table1:7")
    assert screen.table1_view.currentIndex().row() == 7
    text = screen.plain_text()
    row = guide.repo.table1().rows[7]
    assert row.test in text and cell_words(row.diagnosis) in text
    doc = screen.document()
    assert doc is not None and "At relapse" in doc.toPlainText()


def test_requirements_are_words_for_every_cell(guide):
    for row in guide.repo.table1().rows:
        for cell in (row.diagnosis, row.at_response, row.at_follow_up, row.at_relapse):
            words = cell_words(cell)
            assert words.split(" —")[0].split(":")[0] in REQUIREMENT_WORDS.values()  # never "Obl"/"NR" alone


def test_evidence_legend_says_supplementary_table_1_is_not_available(screen, guide):
    screen.open_item("evidence")
    text = screen.plain_text()
    assert "Supplementary Table 1 of the paper is not available" in text
    scale = guide.repo.evidence_scale()
    for entry in [*scale.levels, *scale.grades]:
        assert entry.meaning in text
    assert "Grade A" in text and "Panel consensus" in text
    assert scale.panel_consensus.quote in text


def test_errata_and_conflicts_pages_list_everything(screen, guide):
    screen.open_item("errata")
    text = screen.plain_text()
    for e in guide.repo.errata():
        assert e.title in text
    screen.open_item("conflicts")
    text = screen.plain_text()
    for c in guide.repo.conflicts():
        assert c.title in text
    assert "Concerns:" in text


def test_open_item_resolves_every_id_it_may_be_given(screen, guide):
    repo = guide.repo
    payloads = [s.id for s in repo.statements()] + [e.id for e in repo.errata()]
    payloads += [f"conflict:{c.id}" for c in repo.conflicts()] + [f"section:{s.id}" for s in repo.sections()]
    payloads += ["table1", "box1", "box2", "box3", "evidence", "errata", "conflicts"]
    for payload in payloads:
        page, _anchor, _focus, _row = screen.resolve(payload)
        assert page
    with pytest.raises(KeyError):
        screen.resolve("no-such-thing")


def test_internal_links_jump(screen):
    screen.open_item("errata")
    screen.browser.anchorClicked.emit(QUrl(item_href("box1")))
    assert screen.current_page == "box1"
    assert parse_href(item_href("table1:3")) == ("item", None, "table1:3")


def test_tree_keyboard_moves_between_pages(qtbot, screen):
    screen.open_item("section:introduction")
    screen.tree.setFocus()
    qtbot.keyClick(screen.tree, Qt.Key.Key_Down)
    assert screen.current_page != "section:introduction"


def test_copy_as_text_on_the_guideline_screen(qtbot, guide):
    from app.ui.main_window import MainWindow
    from app.ui.theme import restore_defaults

    w = MainWindow()
    qtbot.addWidget(w)
    w.load_services(guide=guide)
    w.navigate("guideline", "smm-recs")
    w.navigate("guideline", "section:smm-recs")
    text = w.copy_as_text()
    assert QApplication.clipboard().text() == text
    for s in guide.repo.statements("smm-recs"):
        assert s.text in text
    assert guide.version()["content_version"] in text
    w.close()
    restore_defaults(QApplication.instance())


def test_before_the_guide_loads_open_item_waits(qtbot, guide):
    from app.ui.context import UiContext

    ctx = UiContext()
    s = GuidelineScreen(ctx)
    qtbot.addWidget(s)
    s.open_item("box1")
    assert s.plain_text() == ""
    assert s.document() is None
    ctx.set_guide(guide)
    assert s.current_page == "box1"
