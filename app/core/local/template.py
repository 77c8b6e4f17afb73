"""The template source file printed by ``mmguide local template`` (also docs/examples/local-layer.yaml).

Every text in it is a fictional example of a hospital's own policy (St Example University
Hospital), not guideline content and not a recommendation: a hospital replaces all of it.
"""

from __future__ import annotations

from app.core.local.model import LocalLayerSource

#: the fictional hospital every template text belongs to
EXAMPLE_HOSPITAL = "St Example University Hospital"

TEMPLATE = """\
# A hospital's local layer (source file). Build it with:
#   mmguide local build --source local-layer.yaml --sequence 1 --sign H1.key --sign H2.key --out local-1.zip
# EVERY TEXT BELOW IS A FICTIONAL EXAMPLE (St Example University Hospital): replace all of it.
# `local build` refuses this file while it still holds the example hospital or any example text.
# Anchor ids: statements as in `mmguide recs`; regimens as in `mmguide regimen --list`;
# figure-node fig2:<node id> and recommendation fig2:<node id>:<regimen> from `mmguide flow fig2 --describe`;
# toxicity crs:1-4 / icans:1-4; calculators as in `mmguide calc --list`.
layer_version: 1
hospital: "St Example University Hospital, Haematology"
notes:
  - id: local-dara-sc
    anchor: {kind: regimen, id: DaraRd}
    text: "Daratumumab is given SC here; IV only on the day unit."
    author: "A. Pharmacist"
    approver: "Drugs & Therapeutics Committee"
    approved: 2026-10-01
    review_by: 2027-10-01
    reference: "HAEM-PROT-12 v3"
  - id: local-step-up
    anchor: {kind: calculator, id: bispecific-step-up}
    text: "Step-up doses are given as inpatients on ward 7."
    author: "B. Haematologist"
    approver: "Haematology governance"
    approved: 2026-09-15
    review_by: 2027-03-15
  - id: local-crs-escalation
    anchor: {kind: toxicity, id: "crs:2"}
    text: "Inform the on-call haematology registrar and the critical care outreach team (local escalation pathway)."
    author: "B. Haematologist"
    approver: "Haematology governance"
    approved: 2026-09-15
    review_by: 2027-09-15
    reference: "HAEM-PROT-20 v1"
  - id: local-len-dispensing
    anchor: {kind: statement, id: ndmm-te-maintenance-lenalidomide}
    text: "Lenalidomide is dispensed only by the outpatient pharmacy."
    author: "A. Pharmacist"
    approver: "Drugs & Therapeutics Committee"
    approved: 2026-10-01
    review_by: 2027-10-01
  - id: local-mdt-second-line
    anchor: {kind: figure-node, id: "fig2:r-b-len-ref"}
    text: "Patients at this step are discussed at the weekly myeloma MDT before treatment starts."
    author: "B. Haematologist"
    approver: "Haematology governance"
    approved: 2026-09-15
    review_by: 2027-09-15
  - id: local-cilta-referral
    anchor: {kind: recommendation, id: "fig2:r-b-len-ref:cilta-cel"}
    text: "Referral form CAR-T-REF-2 goes to the regional CAR-T centre."
    author: "B. Haematologist"
    approver: "Haematology governance"
    approved: 2026-09-15
    review_by: 2027-09-15
unavailable:
  - regimen: cilta-cel
    reason: "Not commissioned at this centre; refer to the regional CAR-T centre."
    approved: 2026-10-01             # optional: when the hospital approved this entry
"""


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def example_leftover(source: LocalLayerSource, example: LocalLayerSource) -> tuple[str, str] | None:
    """The first place ``source`` still holds the template's fictional material — its hospital name, or a
    note text or formulary reason left unchanged — as (field, message), or None.

    ``mmguide local build`` refuses such a source (issue 13, h8 tryout): built literally, the fictional
    "St Example" notes would reach clinical screens as if they were this hospital's policy."""
    if _plain(EXAMPLE_HOSPITAL) in _plain(source.hospital):
        return "hospital", f"hospital {source.hospital!r} is the template's fictional hospital"
    texts = {_plain(n.text) for n in example.notes}
    for i, note in enumerate(source.notes):
        if _plain(note.text) in texts:
            return f"notes.{i}.text", f"note {note.id!r} still has the template's fictional text {note.text!r}"
    reasons = {_plain(u.reason) for u in example.unavailable}
    for i, entry in enumerate(source.unavailable):
        if _plain(entry.reason) in reasons:
            return (f"unavailable.{i}.reason",
                    f"the formulary entry {entry.regimen!r} still has the template's fictional reason {entry.reason!r}")
    return None
