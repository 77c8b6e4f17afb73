"""The template source file printed by ``mmguide local template`` (also docs/examples/local-layer.yaml).

Every text in it is a fictional example of a hospital's own policy (St Example University
Hospital), not guideline content and not a recommendation: a hospital replaces all of it.
"""

from __future__ import annotations

TEMPLATE = """\
# A hospital's local layer (source file). Build it with:
#   mmguide local build --source local-layer.yaml --sequence 1 --sign H1.key --sign H2.key --out local-1.zip
# EVERY TEXT BELOW IS A FICTIONAL EXAMPLE (St Example University Hospital): replace all of it.
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
