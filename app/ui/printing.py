"""Print or export any screen to PDF, stamped with app and content versions and date."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument


def stamped(document: QTextDocument, stamp: str) -> QTextDocument:
    """A copy of ``document`` with the stamp appended as a footer paragraph."""
    doc = document.clone()
    cursor = doc.rootFrame().lastCursorPosition()
    cursor.insertHtml(f"<hr><p style='font-size:8pt;color:#555'>{_escape(stamp)}</p>")
    return doc


def export_pdf(document: QTextDocument, path: Path, stamp: str) -> Path:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle("Myeloma Pocket Guide")
    writer.setCreator(stamp)
    doc = stamped(document, stamp)
    doc.setPageSize(QSizeF(writer.width(), writer.height()))
    doc.print_(writer)
    return path


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
