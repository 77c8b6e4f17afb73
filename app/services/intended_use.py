"""The intended purpose of each module: who it is for, what it does and does not do, how it shows its basis.

One source for the About screen and the generated table of ``docs/intended-use.md``
(``python tools/safety_report.py --intended-use`` rewrites it; a test checks it is current).
"""

from __future__ import annotations

from dataclasses import dataclass

#: who every module is for, unless a module says otherwise
USERS = (
    "Haematologists, haematology pharmacists and specialist nurses who treat adults with multiple myeloma, "
    "trained in that care, on hospital workstations."
)
NOT_FOR = (
    "Patients or the public; children; diseases other than multiple myeloma and smouldering myeloma; "
    "emergencies where there is no time to check the basis of an answer."
)


@dataclass(frozen=True)
class Module:
    id: str
    name: str
    where: str
    does: str
    does_not: str
    basis: str


MODULES: tuple[Module, ...] = (
    Module(
        "guideline",
        "Guideline browser and search",
        "Guideline screen, Ctrl+K search; `mmguide recs`, `mmguide search`",
        "Shows every tagged statement of the EHA–EMN 2025 guideline verbatim with its evidence tag and place in "
        "the paper, Boxes 1–3, Table 1, the evidence legend, known errata and internal contradictions.",
        "Does not summarise, reword or update the guideline; does not apply the publisher's 2025 correction "
        "(its content is unknown to the guide); does not cover other guidelines.",
        "Each statement is the guideline's own sentence with its location; errata and conflicts are shown beside "
        "it; the content version and date are on every screen, copy and printout.",
    ),
    Module(
        "calculators",
        "Calculators (staging, risk, frailty, renal function, body surface area, CRS/ICANS grading)",
        "Calculators screen; `mmguide calc`",
        "Computes published scores and formulas (ISS, R-ISS, R2-ISS, IMS–IMWG high risk, SMM 2/20/20 and IMWG "
        "score, IMWG and simplified frailty, ICE, ASTCT CRS and ICANS grade, Cockcroft–Gault, CKD-EPI 2021, BSA) "
        "from values the user enters with explicit units.",
        "Does not read the patient record; does not store any value; does not guess a missing value (an untested "
        "marker gives the possible results, not one); does not replace the clinician's assessment of the patient.",
        "Every result lists the inputs in canonical units and as entered, a point-by-point explanation, the "
        "interpretation, warnings (borderline values, cut-offs not confirmed in a primary source) and the "
        "references; the published test vectors (docs/test-vectors.md) can be checked by hand.",
    ),
    Module(
        "flowcharts",
        "Flowchart highlighting (Figs. 1–3)",
        "Fig. 1, Fig. 2 and Fig. 3 screens; `mmguide flow`",
        "Highlights the path through the guideline's treatment figures for the answers given and lists every "
        "regimen of the reached boxes with a status (applies, possible, fallback, unavailable, already received, "
        "excluded) and the reason.",
        "Does not choose a treatment or rank regimens beyond the figure; does not know local availability unless "
        "told; Figs. 2 and 3 are reconstructed from the text, Fig. 1 from a third-party rendering (shown as notes); "
        "an unknown answer keeps every possible branch open rather than assuming one.",
        "Each listed regimen shows its evidence tag as printed for that box, its tier, conditions, the reason for "
        "its status with the rule's source, and the guideline sentence it rests on; reconstruction notes and "
        "errata appear where they apply.",
    ),
    Module(
        "dosing",
        "Dosing helpers",
        "Regimens & dosing screen, drug pages, the tocilizumab and step-up helpers; `mmguide calc "
        "tocilizumab-dose`, `bispecific-step-up`, `crcl`, `bsa`",
        "Shows the doses and schedules the guideline or a named label gives: tocilizumab 8 mg/kg with its cap, "
        "bispecific step-up schedules (EU or US), lenalidomide starting dose by creatinine clearance (EU SmPC and "
        "US label), the carfilzomib BSA cap, lenalidomide maintenance.",
        "Is not a prescribing or ordering system; does not check interactions, allergies, organ function beyond "
        "the inputs, or the current label; a fact not confirmed in its source is marked UNCONFIRMED.",
        "Each dose names its document, section and revision or check date, or the guideline quote; the dose is "
        "shown with its unit and the weight or clearance it was computed from; copies and printouts are stamped "
        "with the app and content versions and the date.",
    ),
    Module(
        "toxicity",
        "CRS / ICANS panels",
        "CRS and ICANS screens; `mmguide toxicity`",
        "Grades CRS and ICANS by the ASTCT 2019 consensus and shows the guideline's management by grade (Box 3 and "
        "the Supportive-care recommendations) with the doses the guideline gives.",
        "Does not replace local CRS/ICANS protocols or the treating team's judgement; where the guideline "
        "contradicts itself both places are shown, not resolved.",
        "Grade with the findings that set it; each management line with its evidence tag and quote; "
        "contradictions side by side; the \"tocilizumab only with concurrent CRS\" caution on every ICANS grade.",
    ),
    Module(
        "case",
        "Patient case (command line)",
        "`mmguide case`",
        "Derives lines of therapy, refractoriness, timings and the figure to use from a treatment history the "
        "user types, and runs the calculators and the figure on it.",
        "Does not read or keep any record (no identifier fields; nothing is written); does not decide a "
        "borderline or partly known fact (it says what is missing).",
        "Every derived fact lists its inputs, the rule (with its source, e.g. IMWG consensus) and what is missing.",
    ),
    Module(
        "updates",
        "Content updates, what changed, and the local layer",
        "File → Install update…, Help → What's new in this content; `mmguide update`, `mmguide diff`, "
        "`mmguide info`",
        "Lets hospital IT install a newer guideline database signed by the publisher's clinicians, roll back, and "
        "see what changed (statements, evidence, flowchart boxes, regimens, calculators) before and after. "
        "The hospital's local layer (local notes and formulary) is not part of this version.",
        "Does not connect to any network; does not accept an unsigned, older, expired or altered package; does "
        "not edit content on the workstation.",
        "The package's signers, sequence, dates and changes are shown before installing; `mmguide info` and "
        "About show the database in use, its SHA-256 and integrity.",
    ),
)


def markdown_table() -> str:
    """The per-module table of ``docs/intended-use.md``."""
    rows = ["| Module | Where | What it does | What it does not do | How it shows its basis |",
            "|---|---|---|---|---|"]
    for m in MODULES:
        rows.append(f"| **{m.name}** | {m.where} | {m.does} | {m.does_not} | {m.basis} |")
    return "\n".join(rows) + "\n"
