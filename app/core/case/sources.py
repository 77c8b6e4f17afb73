"""The sources the case rules rest on, with the words each rule uses, and the known ambiguities.

Quotes are verbatim from the documents named. Where a document could not be read for this app,
the citation says so (UNCONFIRMED) and the rule rests on the words of the case contract.
"""

from __future__ import annotations

RAJKUMAR_2011 = (
    "Rajkumar SV et al. Consensus recommendations for the uniform reporting of clinical trials: report of the "
    "International Myeloma Workshop Consensus Panel 1. Blood 2011;117:4691–5 (doi:10.1182/blood-2010-10-299487)"
)
RAJKUMAR_2015 = (
    "Rajkumar SV, Richardson P, San Miguel JF. Guidelines for determination of the number of prior lines of "
    "therapy in multiple myeloma. Blood 2015;126:921–2"
)
IMWG_2016 = (
    "Kumar S et al. International Myeloma Working Group consensus criteria for response and minimal residual "
    "disease assessment in multiple myeloma. Lancet Oncol 2016;17:e328–46"
)
GUIDELINE = "EHA–EMN 2025 guideline (Dimopoulos, Terpos et al., Nat Rev Clin Oncol 2025)"
CARTITUDE_4 = "CARTITUDE-4 (NCT04181827), eligibility criteria as registered at ClinicalTrials.gov"
CIBMTR = (
    "CIBMTR forms manual, 'Multiple myeloma lines of therapy' (cited by the case contract; the text was not "
    "read for this app: UNCONFIRMED)"
)

# -- lines of therapy ----------------------------------------------------------------------------
LINE_DEFINITION = (
    f"{RAJKUMAR_2015}: \"A line of therapy consists of ≥1 complete cycle of a single agent, a regimen consisting "
    "of a combination of several drugs, or a planned sequential therapy of various regimens (eg, 3-6 cycles of "
    "initial therapy with bortezomib-dexamethasone [VD] followed by stem cell transplantation [SCT], "
    'consolidation, and lenalidomide maintenance is considered 1 line)."'
)
LINE_PROGRESSION = (
    f"{RAJKUMAR_2011}, 'Lines of therapy': a planned course modified because of progression or relapse, or "
    "observation off therapy interrupted by the need for treatment, starts a new line; "
    f"{RAJKUMAR_2015}, Table 1: after SCT without maintenance, lenalidomide started at a paraprotein rise is a "
    "new line"
)
LINE_SCT = (
    f"{RAJKUMAR_2015}, condition 3: \"In patients undergoing >1 SCT, except in the case of a planned tandem SCT "
    "with a predefined interval (such as 3 months), each SCT (autologous or allogeneic) should be considered a "
    'new line of therapy"'
)
LINE_CHANGE = (
    f"{RAJKUMAR_2015}, condition 2: \"Unplanned addition of a new drug or switching to a different drug (or "
    'combination of drugs) due to any reason is considered a new line of therapy"; condition 1: "A regimen is '
    "not considered to have been discontinued if some of the drugs of the regimen, but not all, have been "
    f'discontinued" (Table 1: Rd stopped for toxicity and switched to VCd → VCd and the planned SCT are line 2); '
    f"{CIBMTR}: dose modifications are not a new line"
)
LINE_OVERRIDE = "clinician override (new_line)"

# -- refractoriness --------------------------------------------------------------------------------
REFRACTORY = (
    f"{RAJKUMAR_2011}: refractory = nonresponsive (no minimal response) while on primary or salvage therapy, or "
    f"progressing within 60 days of last therapy; {GUIDELINE}, Assessment of response to therapy: \"The 2016 "
    'definitions from the IMWG for response, progressive disease, relapse and refractoriness to therapy have not '
    f'changed" ({IMWG_2016})'
)
REFRACTORY_PER_DRUG = (
    f'{CARTITUDE_4}: "Be refractory to lenalidomide per IMWG consensus guidelines (failure to achieve minimal '
    'response or progression on or within 60 days of completing lenalidomide therapy). Progression on or within '
    '60 days of the last dose of lenalidomide given as maintenance will meet this criterion."'
)
STATUS_WORDS = (
    f"{GUIDELINE}, RRMM › One prior line › Recommendations, bullet 3: \"who have not received or have disease "
    'sensitive to anti-CD38 antibodies"'
)
TRIPLE_CLASS = (
    f"{GUIDELINE}, RRMM › Two or more prior lines: \"triple-class regimens (that is, containing a proteasome "
    'inhibitor, an immunomodulatory drug and an anti-CD38 antibody)"'
)
REFRACTORY_CLASSES = (
    f"{GUIDELINE}, RRMM › Two or more prior lines › Recommendations, bullet 4: \"refractory to either CAR T cells "
    'or an ADC"; bullet 5: "Bispecific T cell engagers can be effective immediately after disease progression on '
    'CAR T cells"'
)
DISEASE_STATE = (
    f"{RAJKUMAR_2011}: primary refractory = nonresponsive without ever a minimal response or better; relapsed and "
    "refractory = nonresponsive on salvage therapy or progressing within 60 days of last therapy after a minimal "
    "response or better at some point; relapsed = progression not meeting those definitions"
)

# -- timings ---------------------------------------------------------------------------------------
SECOND_LINE_ASCT = (
    f"{GUIDELINE}, RRMM › One prior line › Recommendations, bullet 6: \"second-line ASCT can be an option in those "
    "who received primary therapy including an ASCT followed by lenalidomide maintenance and had an initial "
    'remission duration of ≥ 36 months [panel consensus; III, C]"'
)
MELFLUFEN_TTP = (
    f"{GUIDELINE}, RRMM › Two or more prior lines › Recommendations, bullet 3: \"melflufen if they had not "
    'previously undergone ASCT or if the time to disease progression after ASCT is ≥ 3 years [I, B]"; text: the '
    'EMA approval "included the specification that melflufen is suitable in patients who have not undergone '
    'ASCT, or in those who have, but with a time to progression of ≥ 3 years since ASCT"'
)
ANTI_CD38_INTERVAL = (
    f"{GUIDELINE}, RRMM › Two or more prior lines › Recommendations, bullet 2: \"If such a retreatment strategy is "
    'the only option, it should be started only after an anti-CD38 antibody-free interval of ≥ 1 year [panel '
    'consensus; IV, C]"'
)

# -- routing ---------------------------------------------------------------------------------------
ROUTING = (
    f"{GUIDELINE}: Fig. 1 \"newly diagnosed\"; RRMM headings \"Patients who have received one prior line of "
    'treatment" (Fig. 2) and "Patients who have received two or more prior lines of treatment" (Fig. 3); '
    '"third or fourth line" and "fifth line and beyond" count the line being chosen'
)

# -- the known ambiguities (contract §7), each shown on the fact it touches -------------------------
NOTE_SAME_CLASS_SWITCH = (
    "Same-class switch (e.g. bortezomib → carfilzomib) counted as a new line: Rajkumar 2015 counts a switch "
    "\"due to any reason\"; no source exempting a switch within a class was found."
)
NOTE_PLANNED_AFTER_PROGRESSION = (
    "This episode was entered as started 'planned', but a progression was recorded on the episode before it: it is "
    "counted as a new line (LOT-1 comes before LOT-3). If it was started because of that progression, say "
    "'progression'; if the progression date belongs to a later episode, correct it; a clinician who counts it "
    "otherwise sets new_line."
)
NOTE_SALVAGE_ASCT = (
    "A salvage ASCT after re-induction is a separate line by a literal reading of Rajkumar 2015 condition 3; "
    "many count re-induction plus salvage ASCT as one line (set new_line: false on the ASCT to count it so)."
)
NOTE_SUBSET_SAME_LINE = (
    "Drugs stopped, none added: the same line (Rajkumar 2015: a regimen is discontinued only when all its drugs "
    "have stopped). If every drug had been stopped before this episode began (a break, then a restart), that is a "
    "discontinuation followed by a new regimen: say so with new_line."
)
NOTE_CAR_T_REFRACTORY = (
    "\"Refractory to CAR T cells\" is an interpretation (REF-5): a progression after the infusion before any later "
    "line, or a best response below MR; a single infusion has no repeated dosing to be within 60 days of."
)
NOTE_LEN_MAINTENANCE = (
    "\"Lenalidomide maintenance\" is read as any maintenance containing lenalidomide (R, DaraR, IsaR); that DaraR "
    "or IsaR counts is an interpretation."
)
NOTE_REMISSION_START = (
    "Start point: the first ASCT of line 1. The guideline does not define it; counted from the start of induction "
    "it would be longer."
)
NOTE_TTP_TWO_ASCT = (
    "Two or more ASCTs: counted from the most recent; counted from the first it would be longer."
)
NOTE_NO_MINIMUM_EXPOSURE = (
    "No minimum exposure is required before nonresponse counts as refractoriness (some trials require ≥ 2 "
    "cycles)."
)
NOTE_BOX1 = (
    "The guideline's Supplementary Box 1 (its IMWG definitions) is not in the app's sources; the definitions "
    "used are those of Rajkumar 2011 and IMWG 2016 as cited."
)
