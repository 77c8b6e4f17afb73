"""Regimens & dosing: filter, detail, not-recommended banner, the pharmacist's dosing notes."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication

from app.ui.printing import export_pdf
from app.ui.screens.regimens import ABBR_ROLE, NOT_RECOMMENDED, RegimensScreen


@pytest.fixture
def screen(qtbot, context):
    s = RegimensScreen(context)
    qtbot.addWidget(s)
    s.resize(1280, 800)
    s.show()
    qtbot.waitExposed(s)
    return s


def shown(screen) -> list[str]:
    return [screen.proxy.index(r, 0).data(ABBR_ROLE) for r in range(screen.proxy.rowCount())]


def test_lists_every_regimen(screen, context):
    assert shown(screen) == [r.abbr for r in context.guide.repo.regimens()]
    assert screen.detail is not None  # the first one is open


def test_filter_dara(qtbot, screen):
    qtbot.keyClicks(screen.filter, "dara")
    abbrs = shown(screen)
    assert "DaraVRd" in abbrs and "DaraKd" in abbrs and "Dara" in abbrs
    assert "VRd" not in abbrs and "KPd" not in abbrs
    assert screen.detail.regimen.abbr == abbrs[0]
    assert screen.count.text() == f"{len(abbrs)} of {screen.model.rowCount()} regimens"


def test_filter_by_drug_class(qtbot, screen):
    qtbot.keyClicks(screen.filter, "car-t")
    assert set(shown(screen)) >= {"cilta-cel", "ide-cel"}


def test_status_filter(screen):
    screen.status.setCurrentIndex(screen.status.findData("not-recommended"))
    abbrs = shown(screen)
    assert {"KPd", "IsaKRd", "DaraKRd"} <= set(abbrs)
    assert "DaraVRd" not in abbrs


def test_kpd_is_discussed_but_not_recommended(screen):
    screen.open_item("KPd")
    assert screen.detail.regimen.abbr == "KPd"
    assert screen.banner.isVisible()
    assert NOT_RECOMMENDED in screen.banner_heading.text()
    assert "it is not approved by the EMA or FDA" in screen.banner_text.text()
    assert "KPd paragraph" in screen.banner_text.text()
    text = screen.plain_text()
    assert f"!! {NOT_RECOMMENDED}" in text
    row = screen.table.currentIndex().row()
    assert screen.proxy.index(row, 3).data() == "⚠ not recommended"


def test_isakrd_not_recommended_and_alias_lookup(screen):
    screen.open_item("IsaKRd")
    assert screen.banner.isVisible()
    assert "not expected to be licensed" in screen.banner_text.text()
    screen.open_item("KPD")  # alias
    assert screen.detail.regimen.abbr == "KPd"


def test_open_item_clears_a_filter_that_hides_it(qtbot, screen):
    qtbot.keyClicks(screen.filter, "dara")
    screen.open_item("KPd")
    assert screen.filter.text() == ""
    assert screen.detail.regimen.abbr == "KPd"


def test_daravrd_detail_and_dosing_notes(screen):
    screen.open_item("DaraVRd")
    assert not screen.banner.isVisible()
    html_text = screen.browser.toPlainText()
    for words in ("daratumumab", "anti-CD38", "PERSEUS", "CEPHEUS", "84.3%", "HR 0.42", "Approval notes (dated)"):
        assert words in html_text
    text = screen.plain_text()
    # the guideline's renal bullets for lenalidomide
    assert "should be administered with dose adjustments according to creatinine clearance [II, B]" in text
    # the lenalidomide starting doses: EU SmPC followed, US label beside it
    assert "50 to < 60 mL/min: EU 25 mg once daily (no adjustment) | US 10 mg every 24 hours" in text
    assert "Revlimid (lenalidomide) EU SmPC" in text and "REVLIMID (lenalidomide) US Prescribing Information" in text
    assert "Label text checked:" in text


def test_krd_shows_the_carfilzomib_bsa_cap(screen):
    screen.open_item("KRd")
    text = screen.plain_text()
    assert "capped at 2.2 m²" in text
    assert "Kyprolis" in text
    assert "carfilzomib [UNCONFIRMED]" in text


def test_bispecific_links_to_its_step_up_schedule(qtbot, screen, context):
    screen.open_item("teclistamab")
    assert "Step-up schedule" in screen.browser.toPlainText()
    with qtbot.waitSignal(context.navigate) as navigated:
        screen.browser.anchorClicked.emit(QUrl("stepup:teclistamab"))
    assert navigated.args == ["crs", "stepup:teclistamab"]


def test_copy_as_text(qtbot, screen, context):
    screen.open_item("DaraVRd")
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    text = QGuiApplication.clipboard().text()
    assert text.startswith("DaraVRd — daratumumab, bortezomib, lenalidomide and dexamethasone")
    assert context.stamp() in text


def test_models_pass_qtmodeltester(qtbot, screen, qtmodeltester):
    qtmodeltester.check(screen.model)
    qtbot.keyClicks(screen.filter, "isa")
    qtmodeltester.check(screen.proxy)


def next_tab_stop(widget):
    """The widget Tab moves to: the next one in the focus chain that takes Tab focus."""
    w = widget.nextInFocusChain()
    while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisibleTo(w.window()) and w.isEnabled()):
        w = w.nextInFocusChain()
    return w


def test_keyboard_order(screen):
    order = [screen.filter, screen.status, screen.table, screen.browser, screen.copy_button, screen.pdf_button]
    for a, b in itertools.pairwise(order):
        assert next_tab_stop(a) is b
    for w in order:
        assert w.accessibleName() or w.text()


def test_print_to_pdf(screen, context, tmp_path):
    screen.open_item("KPd")
    doc = screen.document()
    assert NOT_RECOMMENDED in doc.toPlainText()
    out = export_pdf(doc, tmp_path / "kpd.pdf", context.stamp())
    assert out.read_bytes()[:4] == b"%PDF"


def test_built_before_the_guide_loads(qtbot, guide):
    from app.ui.context import UiContext

    ctx = UiContext()
    s = RegimensScreen(ctx)
    qtbot.addWidget(s)
    assert s.model.rowCount() == 0 and s.plain_text() == "" and s.document() is None
    ctx.set_guide(guide)
    assert s.model.rowCount() == len(guide.repo.regimens())
