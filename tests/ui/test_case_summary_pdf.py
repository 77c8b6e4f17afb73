"""The Case summary's PDF (issue 11): compact, each item one paragraph (kept whole, printed once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ui.printing import export_pdf, render
from tests.ui.windows import shown_main_window

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot, guide, fresh_main_windows):
    return shown_main_window(qtbot, guide=guide, size=(1366, 768))


def test_the_case_pdf_is_compact_and_prints_each_value_once(window, tmp_path):
    window.show_screen("patient").open_case_file(str(ROOT / "docs/examples/case-second-line.json"))
    summary = window.show_screen("case")
    doc = summary.document()
    assert doc is not None
    assert doc.rootFrame().childFrames() == []  # no table: a row cannot split with its value on two pages
    out = export_pdf(doc, tmp_path / "case.pdf", window.context.stamp())
    assert out.stat().st_size > 0
    from PySide6.QtGui import QPdfWriter

    writer = QPdfWriter(str(tmp_path / "count.pdf"))
    pages = render(doc, writer, "stamp")
    assert pages <= 6  # the tester's copy printed on 9
    assert doc.toPlainText().count("Be refractory to lenalidomide per IMWG") == 1
