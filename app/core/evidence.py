"""Evidence tags of the EHA–EMN 2025 guideline.

The guideline grades each recommendation with a level of evidence (I–V) and a grade of
recommendation (A–E), "adapted from the US Public Health Service Grading System"
(Methods; Supplementary Table 1, ref. 170). Panel-consensus statements are marked as a
prefix, e.g. ``[panel consensus; V, C]``; the source also prints ``[panel consensus, IV, C]``
(comma) and once a bare ``[panel consensus]`` closing a sentence whose grades were given
earlier. The tag is kept exactly as printed in ``text``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

Level = Literal["I", "II", "III", "IV", "V"]
Grade = Literal["A", "B", "C", "D", "E"]

TAG_PATTERN = re.compile(
    r"\[(?P<pc>panel consensus)?(?:[;,]\s*)?(?:(?P<level>IV|V|I{1,3}),\s*(?P<grade>[A-E]))?\]"
)


class Evidence(BaseModel):
    """One evidence tag: level, grade, the panel-consensus flag and the tag as printed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Level | None
    grade: Grade | None
    panel_consensus: bool
    text: str

    @property
    def badge(self) -> str:
        """Short label for a badge, e.g. ``I, A`` or ``PC · V, C``."""
        core = f"{self.level}, {self.grade}" if self.level else ""
        if self.panel_consensus:
            return f"PC · {core}" if core else "PC"
        return core


def parse_tag(tag: str) -> Evidence:
    """Parse one printed tag such as ``[panel consensus; V, C]``.

    Raises ``ValueError`` for anything that is not a guideline evidence tag.
    """
    match = TAG_PATTERN.fullmatch(tag.strip())
    if match is None or (match.group("pc") is None and match.group("level") is None):
        raise ValueError(f"not an evidence tag: {tag!r}")
    return Evidence(
        level=match.group("level"),
        grade=match.group("grade"),
        panel_consensus=match.group("pc") is not None,
        text=tag.strip(),
    )


def find_tags(text: str) -> list[Evidence]:
    """Every evidence tag in ``text``, in order of appearance."""
    found = []
    for match in TAG_PATTERN.finditer(text):
        if match.group("pc") is None and match.group("level") is None:
            continue
        found.append(parse_tag(match.group(0)))
    return found


def evidence_from_short(value: str) -> Evidence:
    """Build evidence from a short form used in content files: ``"I, A"`` or ``"[I, A]"``."""
    value = value.strip()
    if not value.startswith("["):
        value = f"[{value}]"
    return parse_tag(value)
