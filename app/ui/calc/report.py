"""A calculator result as plain text (Copy as text: the CLI's ``--text`` rendering in the GUI's
words) and as HTML (print, PDF), and the HTML pieces other screens print with (tables, warning
boxes, evidence badges).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QFileDialog, QWidget

from app.core.calculators.presentation import format_value, result_text, schedule_rows
from app.ui.calc.result_words import SCHEDULE_HEADERS, headline_extra, points_header, raised_by, result_input_rows
from app.ui.theme import current_colours
from app.ui.widgets import screen_words


def result_plain_text(title: str, calc_id: str, result: Any, stamp: str) -> str:
    """Copy as text: the same rendering as the CLI's --text (core presentation), unwrapped, in the
    GUI's words (no command lines or internal ids), with the dose line and what raises the grade."""
    data = result.model_dump(mode="json")
    data["title"] = data.get("title") or title
    data["calculator"] = data.get("calculator") or calc_id
    text = result_text(data, stamp=stamp)
    extra = headline_extra(calc_id, result)
    if extra:
        text = text.replace(f"Result: {data.get('headline')}", f"Result: {data.get('headline')}\n{extra}", 1)
    raised = raised_by(result)
    if raised:
        text = text.replace("\nInputs:", "\nWould be higher with:\n" + "\n".join(f"  - {x}" for x in raised)
                            + "\n\nInputs:", 1)
    text = text.replace(f"Calculator {calc_id} version", "Calculator version")
    return screen_words(text)


def _esc(text: Any) -> str:
    return html.escape(str(text))


def html_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    header = current_colours().table_header
    head = "".join(
        f"<th align='left' style='background-color:{header.bg}; color:{header.fg}'>{_esc(h)}</th>" for h in headers
    )
    body = "".join(
        "<tr>" + "".join(f"<td valign='top'>{_esc(format_value(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return (
        "<table border='1' cellspacing='0' cellpadding='4' width='100%' style='border-collapse:collapse'>"
        f"<tr>{head}</tr>{body}</table>"
    )


def warning_html(items: Sequence[str], title: str = "Warning") -> str:
    if not items:
        return ""
    body = "".join(f"<li>{_esc(w)}</li>" for w in items)
    box = current_colours().warning
    return (
        f"<table width='100%' cellpadding='6' border='1' style='border-color:{box.border}; border-style:solid'>"
        f"<tr><td bgcolor='{box.bg}' style='color:{box.fg}'>"
        f"<b>⚠ {_esc(title)}{'s' if len(items) > 1 and title == 'Warning' else ''}</b><ul>{body}</ul>"
        "</td></tr></table>"
    )


def result_html(title: str, calc_id: str, result: Any) -> str:
    parts = [
        f"<h2>{_esc(title)}</h2>",
        f"<p style='font-size:16pt'><b>{_esc(screen_words(result.headline))}"
        "</b></p>",
    ]
    extra = headline_extra(calc_id, result)
    if extra:
        parts.append(f"<p style='font-size:13pt'><b>{_esc(extra)}</b></p>")
    raised = raised_by(result)
    if raised:
        parts.append("<p><b>Would be higher with:</b></p><ul>" + "".join(f"<li>{_esc(x)}</li>" for x in raised)
                     + "</ul>")
    parts.append(warning_html([screen_words(w) for w in result.warnings]))
    if result.interpretation:
        parts.append(f"<p>{_esc(screen_words(result.interpretation))}</p>")
    rows = schedule_rows(result.result)
    if rows:
        parts.append("<h3>Step-up schedule</h3>" + html_table(SCHEDULE_HEADERS, rows))
        premed = result.result.get("premedication") or {}
        if premed.get("text"):
            parts.append(f"<p><b>Premedication</b> ({_esc(premed.get('status', ''))}): {_esc(premed['text'])}</p>")
    parts.append("<h3>Inputs</h3>" + html_table(("Input", "Value"), result_input_rows(result)))
    if result.explanation:
        parts.append(
            "<h3>Explanation</h3>"
            + html_table(
                ("Item", "Value", points_header(calc_id)), [(r.item, r.value, r.points) for r in result.explanation]
            )
        )
    parts.append(
        "<h3>Rule and references</h3><ul>"
        + "".join(f"<li>{_esc(screen_words(r))}</li>" for r in result.references)
        + "</ul>"
    )
    parts.append(f"<p>Calculator version {_esc(result.calculator_version)}</p>")
    return "".join(parts)


def html_document(body: str, title: str = "Myeloma Pocket Guide") -> QTextDocument:
    doc = QTextDocument()
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    doc.setHtml(f"<html><body>{body}</body></html>")
    return doc


def export_pdf_dialog(parent: QWidget, document: QTextDocument | None, stamp: str, suggested: str) -> None:
    """Ask where to save, then export the stamped document as PDF."""
    if document is None:
        return
    from pathlib import Path

    from app.ui.printing import export_pdf

    path, _ = QFileDialog.getSaveFileName(parent, "Export to PDF", suggested, "PDF files (*.pdf)")
    if path:
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        export_pdf(document, Path(path), stamp)



def badges_html(evidence: Iterable[dict[str, Any]]) -> str:
    from app.ui.widgets import badge_html

    return " ".join(badge_html(e) for e in evidence)
