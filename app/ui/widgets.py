"""Small shared widgets and their HTML twins: evidence badges, quote blocks, erratum flags.

Colour never carries meaning alone: a badge always shows the tag text as printed
(``[I, A]``, ``[panel consensus; V, C]``), an erratum flag always says "Erratum", and each
widget has an accessible name and description for screen readers. Each colour pair (text on
background) has a contrast ratio above 7:1, and carries its own background, so it reads the
same in the light, dark and high-contrast themes.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.evidence import Evidence, evidence_from_short

#: grade → (background, text, border). Panel consensus without a grade uses "PC".
GRADE_COLOURS: dict[str, tuple[str, str, str]] = {
    "A": ("#d4efdb", "#0a3d18", "#2e7d32"),
    "B": ("#d9e7fb", "#0b3166", "#1f5fbf"),
    "C": ("#fff0c2", "#4a3600", "#a07800"),
    "D": ("#ffe0cc", "#6b2600", "#c25100"),
    "E": ("#fbd3d3", "#6e0c0c", "#b3261e"),
    "PC": ("#ece0f8", "#3f1670", "#6a3fa0"),
}
ERRATUM_COLOURS = ("#fff4ce", "#3d2e00", "#8a6d00")  # background, text, border
CONFLICT_COLOURS = ("#e6ecfb", "#102a5c", "#3a5ba8")
QUOTE_COLOURS = ("#f1f3f4", "#1b1c1e", "#80868b")

GRADE_WORDS = {
    "A": "strongly recommended",
    "B": "generally recommended",
    "C": "optional",
    "D": "generally not recommended",
    "E": "never recommended",
}


def as_evidence(value: Evidence | str | dict[str, Any]) -> Evidence:
    if isinstance(value, Evidence):
        return value
    if isinstance(value, dict):
        return Evidence.model_validate(value)
    return evidence_from_short(value)


def evidence_words(ev: Evidence) -> str:
    """The tag in words, for screen readers: "panel consensus; level V, grade C (optional)"."""
    parts = []
    if ev.panel_consensus:
        parts.append("panel consensus")
    if ev.level:
        grade = f"grade {ev.grade} ({GRADE_WORDS.get(ev.grade or '', '')})" if ev.grade else ""
        parts.append(f"level {ev.level}, {grade}".rstrip(", "))
    return "Evidence: " + "; ".join(parts)


def badge_colours(ev: Evidence) -> tuple[str, str, str]:
    if ev.grade:
        return GRADE_COLOURS[ev.grade]
    return GRADE_COLOURS["PC"]


def badge_html(value: Evidence | str | dict[str, Any]) -> str:
    """An inline badge for a ``QTextBrowser``: the printed tag on its colour, in bold."""
    ev = as_evidence(value)
    bg, fg, _border = badge_colours(ev)
    return (
        f'<span style="background-color:{bg}; color:{fg}; font-weight:bold;" title="{escape(evidence_words(ev))}">'
        f"&nbsp;{escape(ev.text)}&nbsp;</span>"
    )


def grade_html(grade: str) -> str:
    """A grade on its badge colour, with the word: "Grade A"."""
    bg, fg, _border = GRADE_COLOURS[grade]
    return (
        f'<span style="background-color:{bg}; color:{fg}; font-weight:bold;">&nbsp;Grade {escape(grade)}&nbsp;</span>'
    )


def mark_hits(snippet: str) -> str:
    """HTML of a search snippet with the «hits» highlighted (bold, on yellow)."""
    out = escape(snippet)
    out = out.replace("«", '<span style="background-color:#ffe066; color:#000000; font-weight:bold;">')
    return out.replace("»", "</span>")


def boxed_html(body: str, colours: tuple[str, str, str]) -> str:
    """``body`` in a framed, coloured box (Qt rich text draws boxes as one-cell tables)."""
    bg, fg, border = colours
    return (
        f'<table width="100%" cellspacing="0" cellpadding="6" border="1" '
        f'style="border-color:{border}; border-style:solid; margin-top:4px; margin-bottom:4px;">'
        f'<tr><td bgcolor="{bg}" style="color:{fg};">{body}</td></tr></table>'
    )


def erratum_html(erratum: Any, *, link: str | None = None) -> str:
    """The erratum flag: title, the wording as printed and the reading the guide follows."""
    title = escape(erratum.title)
    if link:
        title = f'<a href="{escape(link)}" style="color:{ERRATUM_COLOURS[1]};">{title}</a>'
    body = (
        f"<b>⚠ Erratum:</b> {title}<br>"
        f"<b>Printed:</b> {escape(erratum.printed)}<br>"
        f"<b>Reading:</b> {escape(erratum.reading)}"
    )
    return boxed_html(body, ERRATUM_COLOURS)


def quote_html(quote: str, location: str) -> str:
    return boxed_html(f"“{escape(quote)}”<br><i>— {escape(location)}</i>", QUOTE_COLOURS)


class EvidenceBadge(QLabel):
    """The printed evidence tag on its grade colour; the text is always shown."""

    def __init__(self, evidence: Evidence | str | dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.evidence = as_evidence(evidence)
        bg, fg, border = badge_colours(self.evidence)
        self.setText(self.evidence.text)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(
            f"QLabel {{ background-color: {bg}; color: {fg}; border: 1px solid {border};"
            " border-radius: 4px; padding: 1px 5px; font-weight: bold; }"
        )
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        words = evidence_words(self.evidence)
        self.setAccessibleName(words)
        self.setAccessibleDescription(f"Evidence tag as printed in the guideline: {self.evidence.text}")
        self.setToolTip(words)


class QuoteBlock(QFrame):
    """A verbatim quote of the guideline and where it stands, selectable for copying."""

    def __init__(self, quote: str, location: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quote, self.location = quote, location
        bg, fg, border = QUOTE_COLOURS
        self.setObjectName("quoteBlock")
        self.setStyleSheet(
            f"QFrame#quoteBlock {{ background-color: {bg}; border-left: 4px solid {border}; }}"
            f" QFrame#quoteBlock QLabel {{ color: {fg}; background: transparent; }}"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.quote_label = QLabel(f"“{quote}”", self)
        self.quote_label.setWordWrap(True)
        self.quote_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.location_label = QLabel(f"— {location}", self)
        self.location_label.setWordWrap(True)
        font = self.location_label.font()
        font.setItalic(True)
        self.location_label.setFont(font)
        layout.addWidget(self.quote_label)
        layout.addWidget(self.location_label)
        self.setAccessibleName("Quote from the guideline")
        self.setAccessibleDescription(f"{quote} — {location}")

    def plain_text(self) -> str:
        return f"“{self.quote}” ({self.location})"


class ErratumFlag(QFrame):
    """ "Erratum" in words, the wording as printed and the reading the guide follows."""

    def __init__(self, erratum: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.erratum = erratum
        bg, fg, border = ERRATUM_COLOURS
        self.setObjectName("erratumFlag")
        self.setStyleSheet(
            f"QFrame#erratumFlag {{ background-color: {bg}; border: 1px solid {border}; border-radius: 4px; }}"
            f" QFrame#erratumFlag QLabel {{ color: {fg}; background: transparent; }}"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setText(
            f"<b>⚠ Erratum:</b> {escape(erratum.title)}<br><b>Printed:</b> {escape(erratum.printed)}"
            f"<br><b>Reading:</b> {escape(erratum.reading)}"
        )
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label)
        self.setAccessibleName(f"Erratum: {erratum.title}")
        self.setAccessibleDescription(f"Printed: {erratum.printed}. Reading: {erratum.reading}")

    def plain_text(self) -> str:
        e = self.erratum
        return f"Erratum: {e.title}\n  Printed: {e.printed}\n  Reading: {e.reading}"


def approvals_html(notes: Any) -> str:
    """Dated approval notes of a regimen, each with its quote and place."""
    if not notes:
        return ""
    items = "".join(
        f"<li>{escape(a.text)} <i>— {escape(a.as_of)}</i><br><small>“{escape(a.source.quote)}” "
        f"({escape(a.source.location)})</small></li>"
        for a in notes
    )
    return f"<h3>Approval notes (dated)</h3><ul>{items}</ul>"


def trials_html(trials: Any, missing: Any = ()) -> str:
    """The trials linked to a regimen: design facts, result table, the quote they come from."""
    out = ["<h3>Trials</h3>"]
    if not trials and not missing:
        out.append("<p>No trial is linked to this regimen in the guide.</p>")
    for t in trials:
        facts = [f"phase {t.phase}"]
        if t.n is not None:
            facts.append(f"n = {t.n}")
        if t.comparator:
            facts.append(f"comparator: {t.comparator}")
        if t.follow_up:
            facts.append(f"follow-up: {t.follow_up}")
        out.append(f"<p><b>{escape(t.name)}</b> — {escape('; '.join(facts))}")
        if t.population:
            out.append(f"<br><i>{escape(t.population)}</i>")
        out.append("</p>")
        if t.results:
            rows = "".join(
                f"<tr><td>{escape(r.endpoint)}</td><td>{escape(r.value)}</td>"
                f"<td>{escape(r.comparator_value or '—')}</td><td>{escape(r.effect or '—')}</td></tr>"
                for r in t.results
            )
            out.append(
                "<table border='1' cellspacing='0' cellpadding='4' width='100%' style='border-collapse:collapse'>"
                "<tr><th align='left'>Endpoint</th><th align='left'>Result</th><th align='left'>Comparator</th>"
                f"<th align='left'>Effect</th></tr>{rows}</table>"
            )
        out.append(f"<p><small>“{escape(t.source.quote)}” ({escape(t.source.location)})</small></p>")
    out += [f"<p>{escape(tid)} (not in the guide's trial list)</p>" for tid in missing]
    return "".join(out)
