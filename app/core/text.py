"""Text normalisation shared by the quote checks, the search index and the content loader."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")


def normalise_ws(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _WS.sub(" ", text).strip()


def fold(text: str) -> str:
    """Case- and diacritic-folded form used for matching (not for display)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return normalise_ws(stripped).casefold()


_CITATION = re.compile(r"\^\{[\d,\s–-]*\d[\d,\s–-]*\}|\^\d+")
_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
_TEX = [
    (r"^{\circ}\text{C}", "°C"),
    ("\\geq", "≥"),
    ("\\leq", "≤"),
    ("\\%", "%"),
    ("\\times", "×"),
    ("$", ""),
    ("‘", "'"),
    ("’", "'"),
    ("“", '"'),
    ("”", '"'),
    ("β_2", "β2"),
    ("μ", "µ"),
]


def quote_key(text: str) -> str:
    """Matching key for checking a quote against the guideline text.

    Both sides drop reference-citation markers (``⁹⁴``, ``^{11,12}``), unwrap the TeX of
    the text extraction (``$\\geq 20\\%$`` → ``≥20%``), unify quotation marks, and ignore
    all whitespace. Everything else must match exactly, so a quote cannot change a word,
    number or unit of the source and still pass.
    """
    for old, new in _TEX:
        text = text.replace(old, new)
    text = _CITATION.sub("", text)
    text = _SUPERSCRIPT_RUN.sub("", text)
    return re.sub(r"\s+", "", text)
