"""Small shared widgets and their HTML twins: evidence badges, quote blocks, erratum flags.

Colour never carries meaning alone: a badge always shows the tag text as printed
(``[I, A]``, ``[panel consensus; V, C]``), an erratum flag always says "Erratum", and each
widget has an accessible name and description for screen readers. The colours come from the
one registry (:mod:`app.ui.theme`): badges carry their own tint in every theme; erratum, conflict
and quote boxes take the current theme's colours, and the widgets follow a theme change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.evidence import Evidence, evidence_from_short
from app.ui.theme import (
    GRADE_BADGES,
    LIGHT,
    SEARCH_HIT,
    UNTAGGED,
    Colours,
    current_colours,
    follow_theme,
    relative_font,
    styled,
)

#: a Box 3 bullet printed without an evidence tag: in words (copies) and as a badge (screens)
UNTAGGED_MARK = "untagged in Box 3 (no evidence tag)"
UNTAGGED_BADGE = (
    f"<span style='background-color:{UNTAGGED.bg}; color:{UNTAGGED.fg}'>&nbsp;untagged in Box 3&nbsp;</span>"
)

#: grade → (background, text, border), from the registry. Panel consensus without a grade uses "PC".
GRADE_COLOURS: dict[str, tuple[str, str, str]] = {grade: tuple(box) for grade, box in GRADE_BADGES.items()}  # type: ignore[misc]


#: the light theme's boxes, for code that has not moved to the per-theme functions below
ERRATUM_COLOURS: tuple[str, str, str] = tuple(LIGHT.erratum)  # type: ignore[assignment]
CONFLICT_COLOURS: tuple[str, str, str] = tuple(LIGHT.conflict)  # type: ignore[assignment]
QUOTE_COLOURS: tuple[str, str, str] = tuple(LIGHT.quote)  # type: ignore[assignment]


def erratum_colours() -> tuple[str, str, str]:
    """(background, text, border) of an erratum box in the current theme."""
    return tuple(current_colours().erratum)  # type: ignore[return-value]


def conflict_colours() -> tuple[str, str, str]:
    return tuple(current_colours().conflict)  # type: ignore[return-value]


def quote_colours() -> tuple[str, str, str]:
    return tuple(current_colours().quote)  # type: ignore[return-value]


def muted_html(text: str, small: bool = True) -> str:
    """Secondary text (where a statement stands, a source) in the theme's muted colour; ``text`` is HTML.

    The colour is written into the HTML: whatever shows it renders it again after a theme change
    (:func:`themed_text`, or ``follow_theme(widget, refresh)``).
    """
    size = " font-size:small;" if small else ""
    return f"<span style='color:{current_colours().muted};{size}'>{text}</span>"


def themed_text(label: QLabel, build: Callable[[], str]) -> None:
    """Show ``build()`` in ``label`` now and again after every theme change (HTML with theme colours in it)."""
    label.setText(build())
    follow_theme(label, lambda: label.setText(build()))


GRADE_WORDS = {
    "A": "strongly recommended",
    "B": "generally recommended",
    "C": "optional",
    "D": "generally not recommended",
    "E": "never recommended",
}


#: calculator id → what the GUI calls it in running text (ids are for the command line)
CALCULATOR_WORDS = {
    "crs-grade": "the CRS grader",
    "icans-grade": "the ICANS grader",
    "ice": "the ICE score",
    "iss": "the ISS",
    "r-iss": "the R-ISS",
    "r2-iss": "the R2-ISS",
    "high-risk": "the high-risk calculator",
    "smm-2-20-20": "the 2/20/20 model",
    "smm-imwg-score": "the IMWG SMM score",
    "imwg-frailty": "the IMWG frailty score",
    "simplified-frailty": "the simplified frailty scale",
    "crcl": "the creatinine clearance",
    "egfr": "the eGFR",
    "bsa": "the body-surface area",
    "tocilizumab-dose": "the tocilizumab dose helper",
    "bispecific-step-up": "the step-up schedules",
}
_TOXICITY_COMMAND = re.compile(r"`mmguide toxicity (crs|icans)(?: --grade (\d))?`")
_ANY_COMMAND = re.compile(r"\s*\((?:see |shown by )?`mmguide [^`]*`\)|`mmguide [^`]*`")
#: ids replaced in running text: those that cannot be ordinary words ("high-risk", "ice" can)
_PROSE_IDS = ("crs-grade", "icans-grade", "r2-iss", "smm-2-20-20", "smm-imwg-score", "imwg-frailty",
              "simplified-frailty", "tocilizumab-dose", "bispecific-step-up")
_CALC_ID = re.compile(r"(?:\bthe )?(?<![\w/-])(" + "|".join(re.escape(i) for i in _PROSE_IDS) + r")(?![\w/-])")
_CONFLICT_ID = re.compile(r"\s*\(conflict ([a-z0-9-]+)\)")


def screen_words(text: str, conflicts: dict[str, str] | None = None) -> str:
    """``text`` as the GUI shows it: no command lines and no internal ids.

    "shown by `mmguide toxicity crs --grade 3`" reads "on the CRS screen (grade 3 tab)", a
    calculator id in running text reads as its name ("use icans-grade" → "use the ICANS
    grader"), and "(conflict icans-g2-dexamethasone)" reads as that conflict's title (or is
    dropped when the title is not known).
    """

    def toxicity(m: re.Match[str]) -> str:
        where = f"the {m.group(1).upper()} screen"
        return f"{where} (grade {m.group(2)} tab)" if m.group(2) else where

    text = text.replace("is shown by `mmguide toxicity", "is on `mmguide toxicity")
    text = text.replace("shown by `mmguide toxicity`", "on the CRS and ICANS screens")
    text = _TOXICITY_COMMAND.sub(toxicity, text)
    text = text.replace("`mmguide toxicity`", "the CRS and ICANS screens")
    text = _ANY_COMMAND.sub("", text)

    def conflict(m: re.Match[str]) -> str:
        title = (conflicts or {}).get(m.group(1))
        return f" (see the conflict “{title}”)" if title else ""

    text = _CONFLICT_ID.sub(conflict, text)
    return _CALC_ID.sub(lambda m: CALCULATOR_WORDS[m.group(1)], text)


def name_clear_button(edit: Any, name: str) -> None:
    """Give the clear ("×") button Qt adds to a line edit a name for screen readers."""
    from PySide6.QtWidgets import QToolButton

    edit.setClearButtonEnabled(True)
    for button in edit.findChildren(QToolButton):
        button.setAccessibleName(name)
        button.setToolTip(name)


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
    out = out.replace("«", f'<span style="background-color:{SEARCH_HIT.bg}; color:{SEARCH_HIT.fg}; font-weight:bold;">')
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
    colours = erratum_colours()
    title = escape(erratum.title)
    if link:
        title = f'<a href="{escape(link)}" style="color:{colours[1]};">{title}</a>'
    body = (
        f"<b>⚠ Erratum:</b> {title}<br>"
        f"<b>Printed:</b> {escape(erratum.printed)}<br>"
        f"<b>Reading:</b> {escape(erratum.reading)}"
    )
    return boxed_html(body, colours)


def quote_html(quote: str, location: str) -> str:
    return boxed_html(f"“{escape(quote)}”<br><i>— {escape(location)}</i>", quote_colours())


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


def _quote_sheet(c: Colours) -> str:
    return (
        f"QFrame#quoteBlock {{ background-color: {c.quote.bg}; border-left: 4px solid {c.quote.border}; }}"
        f" QFrame#quoteBlock QLabel {{ color: {c.quote.fg}; background: transparent; }}"
    )


def _erratum_sheet(c: Colours) -> str:
    return (
        f"QFrame#erratumFlag {{ background-color: {c.erratum.bg}; border: 1px solid {c.erratum.border};"
        " border-radius: 4px; }"
        f" QFrame#erratumFlag QLabel {{ color: {c.erratum.fg}; background: transparent; }}"
    )


class QuoteBlock(QFrame):
    """A verbatim quote of the guideline and where it stands, selectable for copying."""

    def __init__(self, quote: str, location: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quote, self.location = quote, location
        self.setObjectName("quoteBlock")
        styled(self, _quote_sheet)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.quote_label = QLabel(f"“{quote}”", self)
        self.quote_label.setWordWrap(True)
        self.quote_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.location_label = QLabel(f"— {location}", self)
        self.location_label.setWordWrap(True)
        relative_font(self.location_label, italic=True)
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
        self.setObjectName("erratumFlag")
        styled(self, _erratum_sheet)
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
