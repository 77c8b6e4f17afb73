"""Numbered references for the Case summary: each source cited once, items pointing to [1], [2]…

The case engine writes a fact's source as one text, several sources of
``app.core.case.sources`` joined by "; ". :func:`split_sources` cuts it back into those
sources (the longest known first, so a source quoting another stays whole); whatever is left
is one more source as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.case import sources as case_sources

GUIDELINE = case_sources.GUIDELINE


def _known() -> list[str]:
    texts = [v for k, v in vars(case_sources).items()
             if k.isupper() and isinstance(v, str) and not k.startswith("NOTE_")]
    return sorted(set(texts), key=len, reverse=True)


KNOWN_SOURCES = _known()


def split_sources(text: str) -> list[str]:
    """``"A; B; C"`` (each a known source) → ``["A", "B", "C"]`` in their order in ``text``."""
    found: list[tuple[int, str]] = []
    rest = text
    for known in KNOWN_SOURCES:
        start = rest.find(known)
        while start >= 0:
            found.append((start, known))
            rest = rest[:start] + "\0" * len(known) + rest[start + len(known):]
            start = rest.find(known)
    for piece in rest.split("\0"):
        piece = piece.strip(" ;")
        if piece:
            found.append((rest.find(piece), piece))
    return [t for _pos, t in sorted(found)]


@dataclass
class References:
    """The list being built: each text once, numbered by first citation."""

    texts: list[str] = field(default_factory=list)

    def cite(self, text: str) -> int:
        text = text.strip()
        if text not in self.texts:
            self.texts.append(text)
        return self.texts.index(text) + 1

    def cite_all(self, texts: list[str]) -> list[int]:
        return list(dict.fromkeys(self.cite(t) for t in texts if t.strip()))

    def cite_source(self, source: str) -> list[int]:
        return self.cite_all(split_sources(source))


def marks(numbers: list[int]) -> str:
    """``[1, 3]`` → "[1, 3]"; nothing → ""."""
    return f"[{', '.join(map(str, numbers))}]" if numbers else ""
