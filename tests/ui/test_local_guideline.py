"""The Guideline screen shows a statement's local notes beside it, in the local style, and its copy marks
them LOCAL (issue 13, H7 item 3)."""

from __future__ import annotations

import pytest

from tests.local_display import HOSPITAL, installed_layer  # noqa: F401  (fixture)
from tests.ui.test_local_notes_ui import local_context  # noqa: F401  (fixture)

NOTE = "Local policy: tocilizumab is kept on ward 7."
LABEL = f"Local — {HOSPITAL}, approved 2026-10-01"


@pytest.fixture
def guideline(qtbot, local_context):  # noqa: F811
    from app.ui.screens.guideline import GuidelineScreen

    screen = GuidelineScreen(local_context)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    return screen


def test_the_statement_note_shows_after_its_statement_in_the_local_style(guideline, guide):
    guideline.open_item("sup-crs-g3")
    page = guideline.current_page
    html = guideline.page_html(page, guideline.focus_statement)
    statement = next(s for s in guide.repo.statements() if s.id == "sup-crs-g3")
    at_statement = html.index('<a name="s-sup-crs-g3">')
    note_at = html.index(f"⌂ {LABEL}")
    assert at_statement < note_at and "border-style:dashed" in html[at_statement:note_at + 400]
    shown = guideline.browser.toPlainText()
    assert shown.index(statement.text) < shown.index(NOTE)
    # beside the statement, outside its own block: the statement's cell does not hold the note
    block_end = html.index("</table>", at_statement)
    assert NOTE not in html[at_statement:block_end]


def test_the_copy_marks_the_note_local_and_keeps_the_guideline_words(guideline):
    guideline.open_item("sup-crs-g3")
    text = guideline.plain_text()
    assert f"LOCAL — {HOSPITAL}, approved 2026-10-01: {NOTE} (HAEM-PROT-12 v3)" in text
    assert f"⌂ {LABEL}" not in text
    assert text.count("LOCAL —") == 1


def test_without_a_layer_no_note_shows(qtbot, context):
    from app.ui.screens.guideline import GuidelineScreen

    screen = GuidelineScreen(context)
    qtbot.addWidget(screen)
    screen.open_item("sup-crs-g3")
    assert "LOCAL" not in screen.plain_text() and "⌂" not in screen.browser.toPlainText()
