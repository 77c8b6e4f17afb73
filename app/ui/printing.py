"""Print or export any screen: paginated A4 or Letter at a readable size, stamped on every page.

The screen's document is cloned and laid out on the printer's own paint device, so point sizes
are physical points whatever the device resolution (the old export sized the page from the
PDF writer's 1,200 dpi metrics and printed ~0.8 pt text on one page). Every page carries a
header (the app name and the document title) and a footer (app version, content version and
date — ``UiContext.stamp()`` — and "page N of M"); nothing else is added, and nothing of a
patient is known to the app. Text is never smaller than :data:`MIN_POINT_SIZE` (captions,
``<small>`` and "font-size:small" included), and the document prints with dark text on white
whatever the screen's theme.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

#: body text of a printed page (pt); the smallest text anywhere on it is MIN_POINT_SIZE
BODY_POINT_SIZE = 11.0
MIN_POINT_SIZE = 9.0
STAMP_POINT_SIZE = 9.0
MARGIN_MM = 15.0
PDF_DPI = 300
#: QTextCharFormat.fontSizeAdjustment → factor (Qt's own table: small = 0.8, x-small = 0.7 …)
_ADJUST_FACTORS = {-2: 0.7, -1: 0.8, 0: 1.0, 1: 1.2, 2: 1.5, 3: 2.0, 4: 2.4}
#: countries whose paper is US Letter
_LETTER_TERRITORIES = {
    QLocale.Country.UnitedStates,
    QLocale.Country.Canada,
    QLocale.Country.Mexico,
    QLocale.Country.Philippines,
    QLocale.Country.Chile,
    QLocale.Country.Colombia,
    QLocale.Country.Venezuela,
}


def default_page_size(locale: QLocale | None = None) -> QPageSize:
    """US Letter where that is the paper in use, A4 everywhere else."""
    locale = locale or QLocale()
    letter = locale.territory() in _LETTER_TERRITORIES
    return QPageSize(QPageSize.PageSizeId.Letter if letter else QPageSize.PageSizeId.A4)


def stamped(document: QTextDocument, stamp: str) -> QTextDocument:
    """A copy of ``document`` with the stamp appended as a last paragraph (for plain-text checks)."""
    doc = document.clone()
    cursor = doc.rootFrame().lastCursorPosition()
    cursor.insertHtml(f"<hr><p>{_escape(stamp)}</p>")
    return doc


def printable(document: QTextDocument, device: QPagedPaintDevice | None = None) -> QTextDocument:
    """A clone of ``document`` laid out for paper: body 11 pt, nothing under 9 pt."""
    doc = document.clone()
    if device is not None:
        doc.documentLayout().setPaintDevice(device)
    font = QFont(doc.defaultFont())
    font.setPointSizeF(BODY_POINT_SIZE)
    doc.setDefaultFont(font)
    _enforce_minimum(doc, BODY_POINT_SIZE, MIN_POINT_SIZE)
    return doc


def _enforce_minimum(doc: QTextDocument, base: float, minimum: float) -> None:
    """Give every run of text whose size would fall under ``minimum`` that size explicitly."""
    changes: list[tuple[int, int, float]] = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid():
                size = _effective_size(fragment.charFormat(), base)
                if size < minimum:
                    changes.append((fragment.position(), fragment.length(), minimum))
            it += 1
        block = block.next()
    cursor = QTextCursor(doc)
    for position, length, size in changes:
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setFontPointSize(size)
        fmt.setProperty(QTextFormat.Property.FontSizeAdjustment, 0)
        cursor.mergeCharFormat(fmt)


def _effective_size(fmt: QTextCharFormat, base: float) -> float:
    if fmt.hasProperty(QTextFormat.Property.FontPointSize):
        return float(fmt.fontPointSize())
    if fmt.hasProperty(QTextFormat.Property.FontPixelSize):
        return 0.0  # a pixel size means nothing on paper: give it the minimum
    adjustment = int(fmt.property(QTextFormat.Property.FontSizeAdjustment) or 0)
    return base * _ADJUST_FACTORS.get(max(-2, min(4, adjustment)), 1.0)


def _print_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Text, "#000000"),
        (QPalette.ColorRole.WindowText, "#000000"),
        (QPalette.ColorRole.Base, "#ffffff"),
        (QPalette.ColorRole.Window, "#ffffff"),
        (QPalette.ColorRole.Link, "#0b3d91"),
        (QPalette.ColorRole.LinkVisited, "#4a2377"),
        (QPalette.ColorRole.Highlight, "#ffffff"),
        (QPalette.ColorRole.HighlightedText, "#000000"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def render(document: QTextDocument, device: QPagedPaintDevice, stamp: str, title: str = "") -> int:
    """Paint ``document`` onto ``device`` page by page with header and footer; returns the pages."""
    title = title or document.metaInformation(QTextDocument.MetaInformation.DocumentTitle) or ""
    doc = printable(document, device)
    dpi = device.logicalDpiY()
    width, height = float(device.width()), float(device.height())
    stamp_font = QFont(doc.defaultFont())
    stamp_font.setPointSizeF(STAMP_POINT_SIZE)
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the printer or PDF file could not be opened for writing")
    try:
        painter.setFont(stamp_font)
        line = QFontMetricsF(stamp_font, device).height()
        gap = 4.0 / 72.0 * dpi  # 4 pt between the bands and the body
        header_h = line + gap
        footer_h = line + gap
        body_h = height - header_h - footer_h
        doc.setPageSize(QSizeF(width, body_h))
        pages = max(1, doc.pageCount())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette = _print_palette()
        header_text = "Myeloma Pocket Guide" + (f" — {title}" if title and title != "Myeloma Pocket Guide" else "")
        for page in range(pages):
            if page:
                device.newPage()
            painter.setPen(QColor("#000000"))
            painter.setFont(stamp_font)
            painter.drawText(QRectF(0, 0, width, line), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             _elide(painter, header_text, width))
            painter.drawLine(0, int(line + gap / 2), int(width), int(line + gap / 2))
            footer_top = height - line
            painter.drawLine(0, int(footer_top - gap / 2), int(width), int(footer_top - gap / 2))
            page_text = f"page {page + 1} of {pages}"
            page_w = QFontMetricsF(stamp_font, device).horizontalAdvance(page_text) + 2
            painter.drawText(QRectF(0, footer_top, width - page_w - 8, line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             _elide(painter, stamp, width - page_w - 8))
            painter.drawText(QRectF(width - page_w, footer_top, page_w, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, page_text)
            painter.save()
            painter.translate(0, header_h - page * body_h)
            clip = QRectF(0, page * body_h, width, body_h)
            painter.setClipRect(clip)
            context.clip = clip
            doc.documentLayout().draw(painter, context)
            painter.restore()
    finally:
        painter.end()
    return pages


def export_pdf(document: QTextDocument, path: Path, stamp: str, page_size: QPageSize | None = None) -> Path:
    """Write ``document`` to ``path`` as a paginated PDF (A4 or Letter by locale)."""
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(
        QPageLayout(
            page_size or default_page_size(),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    title = document.metaInformation(QTextDocument.MetaInformation.DocumentTitle) or "Myeloma Pocket Guide"
    writer.setTitle(title)
    writer.setCreator(stamp)
    render(document, writer, stamp, title)
    return path


def print_document(document: QTextDocument, printer: QPagedPaintDevice, stamp: str) -> int:
    """Send ``document`` to a printer the user chose (its paper, margins and resolution)."""
    title = document.metaInformation(QTextDocument.MetaInformation.DocumentTitle) or ""
    return render(document, printer, stamp, title)


def _elide(painter: QPainter, text: str, width: float) -> str:
    return QFontMetricsF(painter.font(), painter.device()).elidedText(text, Qt.TextElideMode.ElideRight, width)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
