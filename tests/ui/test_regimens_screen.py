"""Regimens & dosing: filter, detail, not-recommended banner, the pharmacist's dosing notes."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication

from app.ui.printing import export_pdf
from app.ui.screens.regimens import ABBR_ROLE, NOT_RECOMMENDED, RegimensScreen
from tests.ui.windows import shown_screen


@pytest.fixture
def screen(qtbot, context):
    return shown_screen(qtbot, RegimensScreen(context), (1280, 800))


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
    assert screen.proxy.index(row, 2).data() == "⚠ not recommended"


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
    # the lenalidomide starting doses: EU SmPC followed, US label beside it, under the table's own heading
    assert "Lenalidomide — Starting dose with Rd (NOT maintenance)" in text
    assert "25 mg regimen (days 1–21 of 28-day cycles), by creatinine clearance" in text
    assert (
        "50 to < 60 mL/min: EU SmPC (followed) 25 mg once daily (no adjustment) | US label 10 mg every 24 hours"
        " [UNCONFIRMED] | EU vs US: ⚠ differ"
    ) in text
    assert "US rows [UNCONFIRMED]: re-checked 2026-12-06" in text
    # DaraVRd is induction, not maintenance: no maintenance block
    assert "Maintenance after ASCT: lenalidomide dose" not in text
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
    # the dosing card comes first (the regimen's main content), then the regimen's detail
    assert text.startswith("Dosing card: DaraVRd — daratumumab, bortezomib, lenalidomide and dexamethasone")
    assert "\nDaraVRd — daratumumab, bortezomib, lenalidomide and dexamethasone" in text
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
    fields = screen.card_area.fields
    order = [screen.filter, screen.status, screen.table, fields.region, fields.weight, screen.browser,
             screen.copy_button, screen.pdf_button]
    for a, b in itertools.pairwise(order):
        assert next_tab_stop(a) is b or (a is fields.weight and b is screen.browser)
    assert next_tab_stop(fields.clear_button) is screen.browser  # the dose fields sit between the table and text
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


# --- lenalidomide maintenance (issue 9, item 10) ----------------------------------------------

US_MAINTENANCE_QUOTE = (
    "The recommended starting dose of REVLIMID is 10 mg once daily continuously (Days 1-28 of repeated 28-day "
    "cycles) until disease progression or unacceptable toxicity."
)


def dosing_part(text: str) -> str:
    return text[text.index("Dosing notes for the pharmacist") :]


@pytest.mark.parametrize("abbr", ["R", "DaraR", "IsaR"])
def test_maintenance_regimens_show_the_maintenance_dose_first(screen, abbr):
    screen.open_item(abbr)
    assert screen.detail.dosing.maintenance is not None
    text = screen.plain_text()
    dosing = dosing_part(text)
    assert "!! Lenalidomide dose: given here as maintenance after ASCT" in text
    # the maintenance block, with its heading and qualifiers, comes before anything else in the dosing notes
    assert dosing.index("Lenalidomide — Maintenance after ASCT: lenalidomide dose") < dosing.index(
        "The guideline's renal statements"
    )
    assert "!! Not the 25 mg table:" in dosing and "is NOT the maintenance dose after ASCT" in dosing
    assert "[US label · Starting dose · CONFIRMED] 10 mg once daily continuously (days 1–28" in dosing
    assert f"label text: “{US_MAINTENANCE_QUOTE}”" in dosing
    assert "[US label · Dose increase · CONFIRMED] after 3 cycles of maintenance, may be increased to 15 mg" in dosing
    # every fact has document, section, revision and the date it was checked
    for line in [ln for ln in dosing.splitlines() if ln.strip().startswith("source:")]:
        assert "section" in line and "revision:" in line and "checked 2026-12-06" in line
    # what could not be read is UNCONFIRMED, visibly
    assert "[EU SmPC · Starting dose · UNCONFIRMED]" in dosing
    assert "[EU SmPC · Renal impairment during maintenance · UNCONFIRMED]" in dosing
    assert "[US label · Renal impairment during maintenance · UNCONFIRMED]" in dosing


def test_r_does_not_show_the_25_mg_table(screen):
    screen.open_item("R")
    assert screen.detail.dosing.lenalidomide_rows == ()
    dosing = dosing_part(screen.plain_text())
    assert "25 mg once daily (no adjustment)" not in dosing
    assert "Starting dose with Rd (NOT maintenance)" in dosing and "not shown for R, a maintenance regimen" in dosing
    shown = screen.browser.toPlainText()
    assert "Not the 25 mg table." in shown
    assert "Lenalidomide — Maintenance after ASCT: lenalidomide dose" in shown
    assert "25 mg once daily (no adjustment)" not in shown


def test_darar_keeps_the_rd_table_only_as_not_maintenance(screen):
    screen.open_item("DaraR")
    dosing = dosing_part(screen.plain_text())
    assert "This regimen: Maintenance after ASCT (daratumumab with lenalidomide, PERSEUS)" in dosing
    # the daratumumab part is not invented
    assert "Partner drug: Daratumumab dose and schedule for DaraR maintenance after ASCT: not in this guide" in dosing
    assert "UNCONFIRMED" in dosing.split("Partner drug:")[1].splitlines()[0]
    # the frail transplant-ineligible use is named as not maintenance
    assert "IFM2017-03): that is not maintenance" in dosing
    # the Rd table comes after the maintenance block, under its NOT-maintenance heading, with that note first
    rd = dosing.index("Lenalidomide — Starting dose with Rd (NOT maintenance)")
    assert dosing.index("Lenalidomide — Maintenance after ASCT") < rd
    after = dosing[rd:]
    assert "Creatinine clearance | EU SmPC (followed) | US label | EU vs US" in after
    assert after.index("is NOT the maintenance dose after ASCT") < after.index("EU SmPC bands")
    shown = screen.browser.toPlainText()
    assert "Lenalidomide — Starting dose with Rd (NOT maintenance)" in shown
    assert shown.index("Maintenance after ASCT: lenalidomide dose") < shown.index("Starting dose with Rd")


def test_copy_as_text_keeps_every_dosing_heading(qtbot, screen):
    """What the screen shows as headings and qualifiers survives Ctrl+Shift+C / Copy as text."""
    screen.open_item("DaraR")
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    for heading in (
        "Dosing notes for the pharmacist",
        "Maintenance after ASCT: lenalidomide dose",
        "Renal impairment during maintenance",
        "Starting dose with Rd (NOT maintenance)",
        "The guideline's renal statements for these drugs",
        "EU SmPC (followed)",
        "US label",
        "Label text checked:",
    ):
        assert heading in copied, heading
        assert heading in screen.browser.toPlainText(), heading
    screen.open_item("KRd")
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert "Carfilzomib BSA cap:" in copied and "Label notes (drug [status]: note; source):" in copied
    screen.open_item("teclistamab")
    qtbot.mouseClick(screen.copy_button, Qt.MouseButton.LeftButton)
    assert "Step-up schedule:" in QGuiApplication.clipboard().text()


def test_maintenance_is_in_the_printed_document(screen):
    screen.open_item("R")
    doc = screen.document().toPlainText()
    assert "Maintenance after ASCT: lenalidomide dose" in doc and "Not the 25 mg table." in doc


def _columns_fit(qtbot, screen) -> None:
    from PySide6.QtGui import QFont, QFontMetrics

    table = screen.table
    model = screen.model
    header = table.horizontalHeader()
    heading = QFontMetrics(header.font())
    bold_font = QFont(table.font())
    bold_font.setBold(True)
    plain, bold = QFontMetrics(table.font()), QFontMetrics(bold_font)
    qtbot.waitUntil(lambda: all(header.sectionSize(c) > heading.horizontalAdvance(model.HEADERS[c])
                                for c in range(3)), timeout=3000)
    for column, title in enumerate(model.HEADERS):
        metrics = bold if column == 0 else plain
        words = [w for r in range(model.rowCount()) for w in str(model.index(r, column).data()).split()]
        widest = max(metrics.horizontalAdvance(w) for w in words)
        assert header.sectionSize(column) > heading.horizontalAdvance(title), title  # never narrower than its title
        assert header.sectionSize(column) > widest, (title, widest)  # no word cut ("dara" / "bort")
    assert header.sectionSize(1) >= plain.averageCharWidth() * 30  # the drug names get real room


#: the Regimens screen's size inside a 1366×768 main window (measured in a real X window, display :72)
SCREEN_AT_1366 = {1.0: (1140, 660), 2.0: (1077, 560)}


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_every_column_is_readable_at_1366x768(qtbot, context, qapp, scale):
    """h8-58: the drug-names column was squeezed to ~25 px beside the abbreviation and status columns."""
    from app.ui.theme import apply_font_scale, restore_defaults

    apply_font_scale(qapp, scale)
    try:
        screen = RegimensScreen(context)
        qtbot.addWidget(screen)
        screen.resize(*SCREEN_AT_1366[scale])
        screen.show()
        qtbot.waitExposed(screen)
        _columns_fit(qtbot, screen)
        table = screen.table
        total = sum(table.horizontalHeader().sectionSize(c) for c in range(3))
        assert total <= table.viewport().width() + 1  # it fits: nothing hidden to the right
    finally:
        restore_defaults(qapp)
