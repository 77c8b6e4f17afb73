"""Every text/background and component/background pair of every theme meets WCAG 2.2 AA.

Text ≥ 4.5:1 (1.4.3), user-interface components and the focus indicator ≥ 3:1 (1.4.11), each
computed from the one colour registry (``app.ui.theme``) that every screen draws with.
"""

from __future__ import annotations

import pytest

from app.ui.theme import (
    FLOW_PALETTES,
    GRADE_BADGES,
    PALETTES,
    REQUIREMENT_CELLS,
    SEARCH_HIT,
    UNTAGGED,
    Box,
    Colours,
    FlowColours,
    contrast_ratio,
)

TEXT, COMPONENT = 4.5, 3.0
BOX_ROLES = ("table_header", "warning", "danger", "erratum", "conflict", "quote")


def text_pairs(c: Colours) -> list[tuple[str, str, str]]:
    """(what, foreground, background) of every text the theme draws."""
    pairs = [
        ("window text", c.window_text, c.window),
        ("text on base", c.text, c.base),
        ("text on alternate rows", c.text, c.alternate),
        ("button text", c.button_text, c.button),
        ("selected text", c.highlighted_text, c.highlight),
        ("tooltip", c.tooltip_text, c.tooltip_base),
        ("placeholder", c.placeholder, c.base),
    ]
    for role in ("muted", "error", "link", "link_visited"):
        colour = getattr(c, role)
        pairs += [(f"{role} on base", colour, c.base), (f"{role} on window", colour, c.window)]
        pairs += [(f"{role} on alternate rows", colour, c.alternate)]
    for role in BOX_ROLES:
        box: Box = getattr(c, role)
        pairs.append((f"{role} text", box.fg, box.bg))
        pairs.append((f"link in {role}", c.link, box.bg))
    pairs.append(("muted in a quote", c.muted, c.quote.bg))
    return pairs


def component_pairs(c: Colours) -> list[tuple[str, str, str]]:
    """(what, component colour, adjacent colour) of every control outline and indicator."""
    pairs = []
    for bg_name in ("base", "window", "alternate", "button"):
        bg = getattr(c, bg_name)
        pairs.append((f"control border on {bg_name}", c.control_border, bg))
        pairs.append((f"focus ring on {bg_name}", c.focus, bg))
    pairs.append(("selection on base", c.highlight, c.base))
    for role in BOX_ROLES[1:]:
        box = getattr(c, role)
        pairs.append((f"{role} frame on window", box.border, c.window))
        pairs.append((f"{role} frame on base", box.border, c.base))
    return pairs


def flow_pairs(f: FlowColours) -> tuple[list, list]:
    text = [("diagram text", f.ink, f.paper), ("diagram muted text", f.muted, f.paper)]
    for fill in ("question_fill", "question_path_fill", "rec_fill", "rec_path_fill", "entry_fill", "chip_fill"):
        text.append((f"diagram text on {fill}", f.ink, getattr(f, fill)))
    for status, colour in f.status.items():
        text.append((f"{status} ink on paper", colour.ink, f.paper))
        text.append((f"{status} ink on its tint", colour.ink, colour.tint))
    for tier, ink in f.tier.items():
        text.append((f"tier {tier} on paper", ink, f.paper))
    components = [("path on paper", f.path, f.paper), ("possible path on paper", f.possible, f.paper)]
    # the focus ring is two rings (outer and inner): the stronger one must stand out from the paper
    ring = max((f.focus_outer, f.focus_inner), key=lambda colour: contrast_ratio(colour, f.paper))
    components += [("focus ring on paper", ring, f.paper), ("focus ring's two rings", f.focus_outer, f.focus_inner)]
    return text, components


THEMES = sorted(PALETTES)


@pytest.mark.parametrize("theme", THEMES)
def test_text_contrast(theme):
    failures = [
        f"{what}: {fg} on {bg} = {contrast_ratio(fg, bg):.2f}"
        for what, fg, bg in text_pairs(PALETTES[theme])
        if contrast_ratio(fg, bg) < TEXT
    ]
    assert not failures, failures


@pytest.mark.parametrize("theme", THEMES)
def test_component_contrast(theme):
    failures = [
        f"{what}: {fg} on {bg} = {contrast_ratio(fg, bg):.2f}"
        for what, fg, bg in component_pairs(PALETTES[theme])
        if contrast_ratio(fg, bg) < COMPONENT
    ]
    assert not failures, failures


@pytest.mark.parametrize("theme", THEMES)
def test_flowchart_contrast(theme):
    text, components = flow_pairs(FLOW_PALETTES[theme])
    failures = [f"{w}: {a} on {b} = {contrast_ratio(a, b):.2f}" for w, a, b in text if contrast_ratio(a, b) < TEXT]
    failures += [
        f"{w}: {a} on {b} = {contrast_ratio(a, b):.2f}" for w, a, b in components if contrast_ratio(a, b) < COMPONENT
    ]
    assert not failures, failures


@pytest.mark.parametrize(
    ("what", "box"),
    [
        *((f"grade {g} badge", b) for g, b in GRADE_BADGES.items()),
        *((f"Table 1 {r}", b) for r, b in REQUIREMENT_CELLS.items()),
        ("search hit", SEARCH_HIT),
        ("untagged mark", UNTAGGED),
    ],
)
def test_self_contained_colours(what, box):
    """Badges and cells carry their own background: they read the same in every theme."""
    assert contrast_ratio(box.fg, box.bg) >= TEXT, what
    assert contrast_ratio(box.border, box.bg) >= COMPONENT, what


def test_the_ratio_itself():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


def test_the_diagram_and_the_badges_share_the_grade_colours():
    """One table of grade colours: the diagram's evidence tags are the badges' colours (D orange, E red)."""
    from app.ui import flow_scene
    from app.ui.widgets import GRADE_COLOURS, as_evidence, badge_colours

    assert {g: tuple(b) for g, b in GRADE_BADGES.items()} == GRADE_COLOURS
    assert badge_colours(as_evidence("II, D")) == tuple(GRADE_BADGES["D"])
    if not hasattr(flow_scene, "grade_colours"):
        pytest.xfail("the diagram still has its own grade colours (flowchart screens: flow_scene.py)")
    for grade, box in GRADE_BADGES.items():
        assert tuple(flow_scene.grade_colours(grade)) == tuple(box), grade
