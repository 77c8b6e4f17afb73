"""The status vocabulary of the flowchart widgets: see :mod:`app.services.flow_words` (Qt-free)."""

from app.services.flow_words import (
    GLYPH,
    LABEL,
    LINE_STYLE,
    MEANING,
    NOT_OFFERED,
    STATUSES,
    VALUE_WORDS,
    badge_text,
    describe,
    plain_words,
    reason_text,
    short_text,
)

__all__ = [
    "GLYPH",
    "LABEL",
    "LINE_STYLE",
    "MEANING",
    "NOT_OFFERED",
    "STATUSES",
    "VALUE_WORDS",
    "badge_text",
    "describe",
    "plain_words",
    "reason_text",
    "short_text",
]
