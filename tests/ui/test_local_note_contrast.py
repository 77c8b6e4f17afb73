"""The local-note colours (app.ui.theme.LOCAL_NOTES) meet WCAG 2.2 AA in every theme, and differ from
every evidence badge, so a local note is never mistaken for the guideline."""

from __future__ import annotations

import pytest

from app.ui.theme import GRADE_BADGES, LOCAL_LABELS, LOCAL_NOTES, PALETTES, contrast_ratio


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_local_note_text_label_and_frame_contrast(theme):
    box, label = LOCAL_NOTES[theme], LOCAL_LABELS[theme]
    c = PALETTES[theme]
    pairs = [("note text", box.fg, box.bg, 4.5), ("label", label, box.bg, 4.5), ("link in a note", c.link, box.bg, 4.5)]
    pairs += [(f"frame on {bg}", box.border, getattr(c, bg), 3.0) for bg in ("window", "base", "alternate")]
    pairs.append(("frame on the note", box.border, box.bg, 3.0))
    failures = [
        f"{w}: {a} on {b} = {contrast_ratio(a, b):.2f}" for w, a, b, need in pairs if contrast_ratio(a, b) < need
    ]
    assert not failures, failures


def test_local_colours_are_not_any_evidence_badge():
    badge_colours = {colour for box in GRADE_BADGES.values() for colour in box}
    for box in LOCAL_NOTES.values():
        assert not set(box) & badge_colours
