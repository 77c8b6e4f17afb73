"""An installed local layer built in memory, for the display tests (notes at every anchor kind, cilta-cel
off the formulary), and a fixture that makes it the installed layer of a data folder."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.core.local.model import InstalledLayer, LocalLayerSource

HOSPITAL = "St Example University Hospital, Haematology"
CILTA_REASON = "Not commissioned at this centre; refer to the regional CAR-T centre."


def _note(note_id: str, kind: str, anchor: str, text: str, approved: str = "2026-10-01",
          review_by: str = "2027-10-01") -> dict[str, Any]:
    return {"id": note_id, "anchor": {"kind": kind, "id": anchor}, "text": text, "author": "A. Pharmacist",
            "approver": "Drugs & Therapeutics Committee", "approved": approved, "review_by": review_by,
            "reference": "HAEM-PROT-12 v3"}


def example_layer(guide: Any = None) -> InstalledLayer:
    """The layer, built against ``guide``'s content (its anchors' fingerprints) when one is given."""
    source = LocalLayerSource.model_validate({
        "layer_version": 1,
        "hospital": HOSPITAL,
        "notes": [
            _note("local-dara-sc", "regimen", "DaraRd",
                  "Daratumumab is given SC here (1,800 mg); IV only on the day unit."),
            _note("local-step-up", "calculator", "bispecific-step-up",
                  "Step-up doses are given as inpatients (48 h) on ward 7.", "2026-09-15", "2027-03-15"),
            _note("local-crs-3", "toxicity", "crs:3", "Call the ICU outreach team at once (bleep 4455)."),
            _note("local-sup-crs", "statement", "sup-crs-g3", "Local policy: tocilizumab is kept on ward 7."),
            _note("local-box-c", "figure-node", "fig2:r-c-len-cd38-ref", "Discuss every box C patient at the MDT."),
            _note("local-belapd", "recommendation", "fig2:r-c-len-cd38-ref:BelaPd",
                  "Belantamab: eye review booked by the pharmacy.", "2025-01-10", "2025-12-31"),
        ],
        "unavailable": [{"regimen": "cilta-cel", "reason": CILTA_REASON}],
    })
    prints: dict[str, str] = {}
    try:
        from app.services.local_anchors import Fingerprints
    except ImportError:  # the anchor checks not there yet: statuses then follow the review-by dates
        guide = None
    if guide is not None:
        found = Fingerprints(guide)
        prints = {n.id: p for n in source.notes if (p := found.of(n.anchor)) is not None}
        assert len(prints) == len(source.notes), "every example anchor exists in the content"
    return InstalledLayer(source=source, sequence=3, signers=("hospital-key-1", "hospital-key-2"),
                          created=date(2026, 10, 2), content_version="test", anchor_fingerprints=prints)


@pytest.fixture
def installed_layer(monkeypatch) -> InstalledLayer:
    """The example layer as the installed layer of every data folder (until a test installs a real package)."""
    import app.services.local_layer as local_layer
    from app.services.guide import Guide

    layer = example_layer(Guide())
    monkeypatch.setattr(local_layer, "load_installed", lambda data_dir: layer if data_dir is not None else None)
    return layer
