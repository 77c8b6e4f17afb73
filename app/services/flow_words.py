"""How the status of a listed regimen is written: glyph, words, line style and reason.

One vocabulary for the diagram, the step view, tooltips, screen readers and copied text
(contract cli.md, "Status of each listed recommendation"). Every status carries a glyph and
words, so colour never carries it alone; the colours live in :mod:`app.ui.theme`. Qt-free, so
the services that build the step view and the copied text use the same words as the widgets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

#: statuses in reading order: offered, then the last resort, then what is not offered
STATUSES = ("applies", "possible", "fallback", "unavailable", "already-received", "excluded")
NOT_OFFERED = frozenset({"unavailable", "already-received", "excluded"})

GLYPH = {
    "applies": "✓",
    "possible": "?",
    "fallback": "↓",
    "unavailable": "✕",
    "already-received": "↺",
    "excluded": "⊘",
}
#: the short label printed on the diagram and in the list
LABEL = {
    "applies": "applies",
    "possible": "possible",
    "fallback": "fallback",
    "unavailable": "not available",
    "already-received": "already received",
    "excluded": "excluded",
}
#: what the status means, in one phrase (tooltips, screen readers, copied text)
MEANING = {
    "applies": "applies to these answers",
    "possible": "possible: depends on answers still needed",
    "fallback": "fallback (last resort): only if the options above it are not available",
    "unavailable": "not available: not offered",
    "already-received": "already received: not offered",
    "excluded": "excluded: not offered",
}
#: the border of a regimen on the diagram
LINE_STYLE = {
    "applies": "solid",
    "possible": "dash",
    "fallback": "dot",
    "unavailable": "solid",
    "already-received": "solid",
    "excluded": "solid",
}


def badge_text(status: str) -> str:
    """The status pill of the diagram: glyph and words in capitals ("↓ FALLBACK")."""
    return f"{GLYPH[status]} {LABEL[status].upper()}"


def short_text(status: str) -> str:
    """Glyph and words for the result list ("✕ not available")."""
    return f"{GLYPH[status]} {LABEL[status]}"


#: enumerated answers as the side panel shows them
VALUE_WORDS = {
    "naive": "Naive (never received)",
    "sensitive": "Sensitive (received, not refractory)",
    "refractory": "Refractory",
    "car-t": "CAR T cells",
    "adc": "An antibody–drug conjugate (ADC)",
    "bispecific": "A bispecific T cell engager",
}


def plain_words(message: str, prompts: Mapping[str, str], field: str = "") -> str:
    """A message of the engine in the words the user sees.

    Fact identifiers (``car_t_eligible``) read as their questions, ``= true``/``= false`` as
    yes/no, quoted values as the panel's labels; a leading ``field:`` (or ``field[0]:``) is
    dropped when the message is shown next to that field. Remembered (the diagram asks for the
    same few reasons on every answer).
    """
    return _plain_words(message, tuple(prompts.items()), field)


@lru_cache(maxsize=4096)
def _plain_words(message: str, prompt_items: tuple[tuple[str, str], ...], field: str) -> str:
    prompts = dict(prompt_items)
    text = re.sub(rf"^{re.escape(field)}(\[\d+\])?: ", "", message) if field else message
    for fact in sorted(prompts, key=len, reverse=True):
        quoted = f"“{prompts[fact]}”"
        if "_" in fact:
            text = re.sub(rf"\b{re.escape(fact)}\b", quoted, text)
        else:  # a plain word ("age", "unavailable") only where it clearly names the fact
            text = re.sub(rf"\({re.escape(fact)}\)", f"({quoted})", text)
            text = re.sub(rf"(?<![\w-]){re.escape(fact)} = ", f"{quoted} = ", text)
    text = re.sub(r"= true\b", "= yes", text)
    text = re.sub(r"= false\b", "= no", text)
    for value, label in VALUE_WORDS.items():
        text = text.replace(f"'{value}'", f"“{label}”")
    return text


def reason_text(rec: Any, missing_prompts: Sequence[str] = (), prompts: Mapping[str, str] | None = None) -> str | None:
    """Why the regimen has its status, in plain words; None when it simply applies.

    A ``possible`` item without a reason of its own depends on the facts still missing.
    ``prompts`` (fact name → question) turns fact names in the engine's reason into questions.
    The engine lists every unanswered fact a possible item depends on; when ``missing_prompts``
    are the questions still needed (:mod:`app.services.flow_questions`), those come first and
    the others (asked only after them, or optional) are named as such, so the reason and the
    "Still needed" list agree.
    """
    if rec.reason:
        split = _split_depends(str(rec.reason), missing_prompts, prompts or {}) if rec.status == "possible" else None
        return split or plain_words(str(rec.reason), prompts or {})
    if rec.status == "possible":
        if missing_prompts:
            return "Depends on answers still needed: " + "; ".join(missing_prompts) + "."
        return "Depends on answers still needed."
    if rec.status == "fallback" and rec.fallback_for:
        return f"Last resort: only if {', '.join(rec.fallback_for)} cannot be given."
    return None


DEPENDS = "Depends on answers still needed: "


def _split_depends(reason: str, missing_prompts: Sequence[str], prompts: Mapping[str, str]) -> str | None:
    """The engine's "Depends on answers still needed: a, b, c." with the questions needed now first."""
    if not reason.startswith(DEPENDS):
        return None
    names = [n.strip() for n in reason[len(DEPENDS) :].rstrip(".").split(",")]
    if not all(n in prompts for n in names):
        return None
    asked = set(missing_prompts)
    now = [prompts[n] for n in names if prompts[n] in asked]
    later = [prompts[n] for n in names if prompts[n] not in asked]

    def quoted(items: list[str]) -> str:
        return ", ".join(f"“{p}”" for p in items)

    if now and later:
        return f"{DEPENDS}{quoted(now)}; then perhaps on {quoted(later)}."
    if later:
        return f"Depends on answers not given yet: {quoted(later)}."
    return f"{DEPENDS}{quoted(now)}."


def describe(rec: Any, missing_prompts: Sequence[str] = (), prompts: Mapping[str, str] | None = None) -> str:
    """Status and reason in one sentence, for tooltips, screen readers and the status line."""
    text = f"{rec.regimen} — {GLYPH[rec.status]} {MEANING[rec.status]}"
    if rec.substitutes_for:
        text += f" (named instead of {rec.substitutes_for})"
    reason = reason_text(rec, missing_prompts, prompts)
    return f"{text}. Why: {reason}" if reason else f"{text}."


def number_words(value: int | float, unit: str = "") -> str:
    """A figure's number as read at a glance: "6 months", "≈ 3.29 years" (a derived duration, 3.2883).

    The engine's rule for the values in its reasons (``engine._show``: "≈ 33.53"): two decimals,
    and "≈" when rounding changed the value, so the answers, the copies and the reasons agree.
    """
    if float(value).is_integer():
        shown = str(int(value))
    elif round(value, 2) != value:
        shown = f"≈ {value:.2f}"
    else:
        shown = str(value)
    return f"{shown} {unit}" if unit else shown
