"""Exported and printed documents: paginated A4/Letter, readable text, stamped on every page.

The PDF is read back with poppler's ``pdftotext -bbox`` (word boxes in points): a word box is
about 1.18 × the font size high for the app's fonts, so a box under 9 × 1.1 pt means text
under 9 pt.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QPageSize, QTextDocument

from app import __version__
from app.ui.printing import MIN_POINT_SIZE, default_page_size, export_pdf, printable

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
#: the smallest word box (pt) a 9 pt text may have (DejaVu/Liberation boxes are ~1.18 × the size)
MIN_BOX = MIN_POINT_SIZE * 1.1


def pages_of(pdf) -> list[dict]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for width, height, body in PAGE.findall(out):
        words = [
            (float(x0), float(y0), float(x1), float(y1), text) for x0, y0, x1, y1, text in WORD.findall(body)
        ]
        pages.append({"size": (float(width), float(height)), "words": words})
    return pages


def lines_of(page: dict) -> list[str]:
    """The words of a page grouped into lines by their top edge."""
    rows: dict[int, list[tuple[float, str]]] = {}
    for x0, y0, _x1, _y1, text in page["words"]:
        rows.setdefault(round(y0), []).append((x0, text))
    return [" ".join(t for _x, t in sorted(words)) for _y, words in sorted(rows.items())]


def long_document(paragraphs: int = 120) -> QTextDocument:
    doc = QTextDocument()
    body = "".join(
        f"<h3>Section {i}</h3><p>Body text of paragraph {i}, long enough to wrap on the page. " * 1
        + f"<small>small print {i}</small> <span style='font-size:x-small'>tiny {i}</span>"
        f" <span style='font-size:6pt'>six {i}</span></p>"
        for i in range(paragraphs)
    )
    doc.setHtml(f"<html><body><h2>A long page</h2>{body}</body></html>")
    return doc


@pytest.fixture
def stamp(context) -> str:
    return context.stamp()


def test_a_long_document_is_paginated_with_header_and_footer_on_every_page(tmp_path, stamp, guide):
    out = export_pdf(long_document(), tmp_path / "long.pdf", stamp, QPageSize(QPageSize.PageSizeId.A4))
    pages = pages_of(out)
    assert len(pages) >= 3
    version = guide.version()
    for n, page in enumerate(pages, 1):
        assert page["size"] == pytest.approx((595.0, 842.0), abs=1.0)  # A4 in points
        lines = lines_of(page)
        assert lines[0].startswith("Myeloma Pocket Guide")
        footer = lines[-1]
        assert __version__ in footer
        assert version["content_version"] in footer and version["content_date"] in footer
        assert date.today().isoformat() in footer
        assert footer.endswith(f"page {n} of {len(pages)}")


def test_no_text_on_the_page_is_under_9_pt(tmp_path, stamp):
    out = export_pdf(long_document(40), tmp_path / "small.pdf", stamp, QPageSize(QPageSize.PageSizeId.A4))
    heights = [y1 - y0 for page in pages_of(out) for _x0, y0, _x1, y1, _t in page["words"]]
    assert heights and min(heights) >= MIN_BOX
    body = [y1 - y0 for page in pages_of(out) for _x0, y0, _x1, y1, t in page["words"] if t == "paragraph"]
    assert min(body) >= 10.5 * 1.1  # the body is 11 pt


def test_printable_raises_small_and_pixel_sizes_to_the_minimum(qapp):
    source = long_document(2)  # a clone belongs to its source document
    doc = printable(source)
    block = doc.begin()
    sizes = []
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.hasProperty(fmt.Property.FontPointSize):
                sizes.append(fmt.fontPointSize())
            it += 1
        block = block.next()
    assert sizes and min(sizes) >= MIN_POINT_SIZE


def test_letter_paper_where_it_is_used(tmp_path, stamp):
    assert default_page_size(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)).id() == (
        QPageSize.PageSizeId.Letter
    )
    assert default_page_size(QLocale(QLocale.Language.German, QLocale.Country.Germany)).id() == QPageSize.PageSizeId.A4
    out = export_pdf(long_document(5), tmp_path / "letter.pdf", stamp, QPageSize(QPageSize.PageSizeId.Letter))
    assert pages_of(out)[0]["size"] == pytest.approx((612.0, 792.0), abs=1.0)


def test_a_screen_export_is_readable(qtbot, tmp_path, context, stamp):
    from app.ui.screens.guideline import GuidelineScreen

    screen = GuidelineScreen(context)
    qtbot.addWidget(screen)
    screen.open_item("rrmm2-len-refractory-other")
    out = export_pdf(screen.document(), tmp_path / "statement.pdf", stamp)
    pages = pages_of(out)
    assert len(pages) >= 2  # the old export put everything on one page at ~0.8 pt
    words = [w for page in pages for w in page["words"]]
    assert min(y1 - y0 for _x0, y0, _x1, y1, _t in words) >= MIN_BOX
    text = " ".join(t for *_, t in words)
    assert "DaraKd" in text
    # the only things added to the screen's text: the header, the stamp and the page numbers
    for page in pages:
        assert lines_of(page)[-1].startswith(stamp.split(" · ")[0])
