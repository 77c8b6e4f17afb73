"""The patient case in words (Qt-free): input paths as the Patient panel labels them, derived
facts and their values as a clinician reads them.

One table for the Patient panel (``app/ui/patient_words.py`` imports the labels from here), the
Case summary screen, its two copies and its printed page. The values are those of the case
contract (shared/contracts/case.md §2–§5); only their words are written here. A word missing from
a table falls back to the name with its underscores as spaces, never to nothing.
"""

from __future__ import annotations

import re
from typing import Any

from app.services.flow_words import VALUE_WORDS, number_words

#: case input path → the Patient panel's label (without the episode part)
LABELS: dict[str, str] = {
    "assessment_date": "assessment date",
    "diagnosis": "diagnosis",
    "patient": "patient",
    "patient.age": "age",
    "patient.sex": "sex",
    "patient.weight": "weight",
    "patient.height": "height",
    "patient.ecog": "ECOG performance status",
    "patient.bsa_method": "BSA formula",
    "patient.asct_eligible": "eligible for ASCT",
    "patient.car_t_eligible": "eligible for CAR-T",
    "patient.frailty.cci": "Charlson comorbidity index",
    "patient.frailty.adl": "Katz ADL",
    "patient.frailty.iadl": "Lawton IADL",
    "labs_at_diagnosis.b2m": "β2-microglobulin at diagnosis",
    "labs_at_diagnosis.albumin": "albumin at diagnosis",
    "labs_at_diagnosis.creatinine": "creatinine at diagnosis",
    "labs_at_diagnosis.ldh_above_uln": "LDH above the upper limit of normal at diagnosis",
    "labs_current.creatinine": "current creatinine",
    "cytogenetics.del17p": "del(17p)",
    "cytogenetics.del17p_ccf_pct": "del(17p) clonal fraction",
    "cytogenetics.tp53_mutation": "TP53 mutation",
    "cytogenetics.t_4_14": "t(4;14)",
    "cytogenetics.t_14_16": "t(14;16)",
    "cytogenetics.t_14_20": "t(14;20)",
    "cytogenetics.gain_1q": "gain/amp(1q)",
    "cytogenetics.del1p32": "del(1p32)",
    "smm.m_protein": "M protein",
    "smm.flc_ratio": "involved/uninvolved FLC ratio",
    "smm.bmpc_pct": "bone-marrow plasma cells",
    "smm.fish_abnormality": "high-risk FISH abnormality",
    "context.unavailable": "not available here",
    "context.local_available": "on the local formulary",
    "context.limited_access_to_novel_regimens": "limited access to novel regimens",
    "context.first_option_available": "first option available",
    "context.anti_cd38_retreatment_only_option": "anti-CD38 retreatment the only option",
}
EPISODE_LABELS: dict[str, str] = {
    "regimen": "regimen", "drugs": "drugs", "role": "role", "tandem": "planned tandem",
    "started_because": "why it started", "start": "start", "end": "end (last dose)",
    "duration_months": "duration", "cycles": "cycles", "stop_reason": "why it stopped",
    "best_response": "best response", "progression": "progression", "progression.date": "progression date",
    "progression.timing": "progression timing", "new_line": "line override", "id": "label",
}

#: derived fact (contract §5) → its name, and the unit its number is in
FACT_LABELS: dict[str, tuple[str, str]] = {
    "prior_lines": ("Prior lines of therapy", ""),
    "line": ("Line being chosen", ""),
    "decision": ("Decision", ""),
    "disease_state": ("Disease state", ""),
    "drug_status": ("Status by drug", ""),
    "class_status": ("Status by class", ""),
    "lenalidomide_status": ("Lenalidomide", ""),
    "bortezomib_status": ("Bortezomib", ""),
    "anti_cd38_status": ("Anti-CD38 antibody", ""),
    "triple_class_exposed": ("Triple-class exposed", ""),
    "triple_class_refractory": ("Triple-class refractory", ""),
    "prior_bcma_therapy": ("Prior BCMA-directed therapy", ""),
    "refractory_to": ("Refractory to CAR-T, ADC or bispecific", ""),
    "prior_asct": ("Prior ASCT", ""),
    "prior_asct_then_len_maintenance": ("ASCT followed by lenalidomide maintenance", ""),
    "initial_remission_months": ("Initial remission after ASCT", "months"),
    "ttp_after_asct_years": ("Time to progression after ASCT", "years"),
    "anti_cd38_free_interval_months": ("Anti-CD38-free interval", "months"),
    "previously_received": ("Previously received", ""),
    "imwg_frailty_score": ("IMWG frailty score", "points"),
    "high_risk": ("High-risk myeloma (IMS–IMWG)", ""),
    "induction_regimen": ("Induction regimen", ""),
    "induction_cycles": ("Induction cycles", ""),
    "age": ("Age", "years"),
    "asct_eligible": ("Eligible for ASCT", ""),
    "car_t_eligible": ("Eligible for CAR-T", ""),
    "unavailable": ("Not available here", ""),
    "local_available": ("On the local formulary", ""),
    "first_option_available": ("First option available", ""),
    "limited_access_to_novel_regimens": ("Limited access to novel regimens", ""),
    "anti_cd38_retreatment_only_option": ("Anti-CD38 retreatment the only option", ""),
}

#: enumerated values of derived facts (contract §5) → words
VALUES: dict[str, str] = {
    "next_line": "choosing the next line",
    "current_line": "continuing the current line (no progression on it)",
    "newly_diagnosed": "newly diagnosed",
    "primary_refractory": "primary refractory",
    "relapsed_and_refractory": "relapsed and refractory",
    "relapsed": "relapsed",
    "no_progression": "no progression recorded",
    "naive": "naive (never received)",
    "sensitive": "sensitive (received, not refractory)",
    "refractory": "refractory",
    "car-t": VALUE_WORDS["car-t"],
    "adc": "ADC",
    "bispecific": "bispecific T cell engager",
}


def path_words(path: str) -> str:
    """A case path in words: ``treatment_history.2.end`` → "episode 3 · end (last dose)"."""
    parts = path.split(".")
    if parts[0] == "treatment_history" and len(parts) >= 2 and parts[1].isdigit():
        rest = ".".join(parts[2:])
        head = f"episode {int(parts[1]) + 1}"
        return f"{head} · {EPISODE_LABELS.get(rest, rest.replace('_', ' '))}" if rest else head
    if parts[0] == "context" and len(parts) == 3 and parts[2].isdigit():
        return f"{LABELS.get('.'.join(parts[:2]), parts[1])}, entry {int(parts[2]) + 1}"
    if parts[0] == "derived" and len(parts) == 2:
        return fact_label(parts[1]).lower()
    return LABELS.get(path, path.rsplit(".", 1)[-1].replace("_", " "))


_PATH = re.compile(r"\b(?:treatment_history\.\d+(?:\.[a-z_]+)*|(?:patient|labs_at_diagnosis|labs_current|cytogenetics"
                   r"|context|smm|derived)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*|assessment_date)")


def words_in(text: str) -> str:
    """Every case path inside ``text`` in words."""
    return _PATH.sub(lambda m: path_words(m.group(0)), text)


def fact_label(name: str) -> str:
    return FACT_LABELS.get(name, (name.replace("_", " ").capitalize(), ""))[0]


def value_words(value: Any) -> str:
    """A value in words: yes/no, enumerations from :data:`VALUES`, lists and per-drug maps; a number
    by the flowcharts' and the engine's rule (``flow_words.number_words``: "≈ 3.29", "1.5", "6")."""
    if value is None:
        return "not determined"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return number_words(value)
    if isinstance(value, list):
        return ", ".join(value_words(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_short(v)}" for k, v in value.items()) or "none"
    if isinstance(value, str):
        return VALUES.get(value, value.replace("_", " "))
    return str(value)


def _short(value: Any) -> str:
    """A status inside a per-drug map, without its explanation ("sensitive", not "sensitive (…)")."""
    return "not determined" if value is None else value_words(value).split(" (")[0]


def fact_value_words(name: str, value: Any) -> str:
    """A derived fact's value in words, with its unit."""
    unit = FACT_LABELS.get(name, ("", ""))[1]
    text = value_words(value)
    return f"{text} {unit}" if unit and isinstance(value, int | float) and not isinstance(value, bool) else text


_RULE_CODE = re.compile(r"^(?:(?:LOT|REF|TIME|CALC)-\d+(?:\s*[/,]\s*(?:LOT|REF|TIME|CALC)-\d+)*(?: per drug)?"
                        r"(?: \([^)]*\))?|STATE|ROUTE)(?::\s*|$)")


def rule_words(rule: str) -> str:
    """A rule of the case engine for a reader: its contract code moved to the end, episode labels
    named as episodes ("progression while 3 was given" → "progression while episode 3 was given")."""
    match = _RULE_CODE.match(rule)
    code = match.group(0).rstrip(": ") if match else ""
    text = rule[match.end():] if match else rule
    text = re.sub(r"\b(on|while|of|from|after) (\d+)\b(?! (?:days|months|years))", r"\1 episode \2", text)
    text = re.sub(r"\((\d+)\)", r"(episode \1)", text)
    text = words_in(text).replace("_", " ")
    if code and text:
        return f"{text} (rule {code})"
    return text or f"rule {code}"
