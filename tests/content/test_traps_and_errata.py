"""The traps of shared/reference/figures-notes.md and the source's errors are visible."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

NOTES = Path(__file__).resolve().parents[3] / "shared" / "reference" / "figures-notes.md"


def test_every_trap_of_the_figure_notes_is_a_visible_note(bundle):
    if not NOTES.is_file():
        pytest.fail(f"missing {NOTES}")
    refs = set(re.findall(r"\*\*((?:G|F[123])-A?\d+)", NOTES.read_text(encoding="utf-8")))
    assert len(refs) >= 30
    shown = {n.ref for fig in bundle.figures for n in fig.notes if n.ref}
    assert refs - shown == set()


def test_box1_beta2_microglobulin_unit_slip_is_flagged_not_fixed(bundle):
    crit = next(c for c in bundle.box1.criteria if "microglobulin" in c.printed)
    assert "5.5 mg/dl" in crit.printed
    assert "box1-b2m-unit" in crit.errata
    erratum = next(e for e in bundle.errata if e.id == "box1-b2m-unit")
    assert "mg/L" in erratum.reading


@pytest.mark.parametrize("erratum", [
    "box1-b2m-unit", "box1-ccf", "fig1-caption-p", "fig3-caption-p", "fig2-caption-no-v", "fig3-caption-k-no-r",
    "spelling-pvd", "spelling-linvoseltamab", "spelling-seld", "cepheus-fs-typo", "garbled-2l-sentence",
    "text-hdm-dexamethasone", "methylprednisone", "levofloxacin-truncated", "duplicated-paragraph",
])
def test_known_errata_are_listed(bundle, erratum):
    e = next((x for x in bundle.errata if x.id == erratum), None)
    assert e is not None and e.printed and e.reading and e.basis


def test_spelling_variants_resolve_to_one_regimen(bundle):
    aliases = {a.casefold(): r.abbr for r in bundle.glossary.regimens for a in r.aliases}
    assert aliases["pvd"] == "PVd"
    assert aliases["seld"] == "Sel-d"
    assert aliases["linsoseltamab"] == "linvoseltamab"


def test_dated_approval_notes_are_stored_as_dated(bundle):
    dated = [n for r in bundle.glossary.regimens for n in r.approval_notes]
    assert any("EMA" in n.source.quote for n in dated)
    assert all("time of writing" in n.as_of or "2025" in n.as_of for n in dated)


def test_conflicts_show_both_places(bundle):
    for c in bundle.conflicts:
        assert len(c.sides) >= 2
        assert len({s.location for s in c.sides}) >= 2 or len({s.quote for s in c.sides}) >= 2
