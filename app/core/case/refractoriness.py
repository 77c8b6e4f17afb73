"""Refractoriness per drug and class, triple-class status, refractory classes and the disease
state (contract case.md §3, REF-1…REF-5 and STATE).

A drug is refractory if it ever was; ``sensitive`` needs every response and every timing
settled; ``naive`` means never given. Nothing unknown is taken as settled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.case import sources
from app.core.case.dates import UNKNOWN, at_most, days_between
from app.core.case.fact import Fact, known, unknown
from app.core.case.history import Ep, History, Progression, best_response_at_least_mr, reaches_end
from app.core.case.lines import Lines
from app.core.flowchart.exposure import CLASS_WORDS

WINDOW_DAYS = 60
REF_SOURCE = f"{sources.REFRACTORY}; {sources.REFRACTORY_PER_DRUG}; {sources.STATUS_WORDS}"
#: the classes every case reports, whether given or not (glossary drug classes)
REPORTED_CLASSES = (
    "anti-CD38", "PI", "IMiD", "BCMA-directed CAR-T", "BCMA-directed ADC", "BCMA-directed bispecific",
    "GPRC5D-directed bispecific",
)
TRIPLE = ("IMiD", "PI", "anti-CD38")


@dataclass(frozen=True)
class Finding:
    """A three-valued answer with what decided it and what is missing."""

    value: bool | None
    why: str = ""
    inputs: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


def nonresponsive(ep: Ep) -> Finding:
    """REF-1 (nonresponse): best response below a minimal response (SD or PD) on the episode.

    Rajkumar 2011: refractory = "nonresponsive while on primary or salvage therapy"; IMWG 2016.
    """
    at_least_mr = best_response_at_least_mr(ep)
    path = f"{ep.path}.best_response"
    if at_least_mr is None:
        return Finding(None, missing=(path,))
    if at_least_mr:
        return Finding(False, inputs=(path,))
    return Finding(True, f"best response {ep.raw.best_response} on {ep.id} (< MR: nonresponsive)", (path,))


def refractory_at(ep: Ep, prog: Progression, history: History) -> Finding:
    """REF-1/REF-2: the drugs of ``ep`` are refractory at ``prog`` if they were being given then or
    their last dose was ≤ 60 days before it (0–60 days inclusive), each drug separately, at any
    dose, maintenance included.

    Rajkumar 2011: "progresses within 60 days of last therapy"; CARTITUDE-4 (NCT04181827)
    eligibility: "Progression on or within 60 days of the last dose of lenalidomide given as
    maintenance will meet this criterion".
    """
    k = prog.episode
    inputs = prog.inputs
    if ep.index == k:
        if prog.timing == "on_treatment" or (ep.ongoing and prog.timing is None):
            return Finding(True, f"progression while {ep.id} was given", inputs)
        if prog.timing == "within_60_days":
            return Finding(True, f"progression within 60 days of the last dose of {ep.id}", inputs)
        if prog.timing == "after_60_days":
            return Finding(False, inputs=inputs)
    days = days_between(ep.end, prog.when) if ep.end is not None and prog.when is not None else UNKNOWN
    floor = history.floor_days_between(ep.index, k)
    if ep.index < k:
        later = history.episodes[k]
        if reaches_end(prog, later):
            floor += later.floor_days()
        if prog.timing == "after_60_days":
            floor = max(floor, WINDOW_DAYS + 1)
    days = days.raise_floor(floor if floor > 0 else None)
    inputs = (*inputs, f"{ep.path}.end")
    decided = at_most(days, WINDOW_DAYS)
    if decided is None:
        missing = [] if ep.end is not None and ep.end.exact else [f"{ep.path}.end"]
        if not prog.exact:
            missing.append(prog.date_path)
        return Finding(None, inputs=inputs, missing=tuple(missing))
    if not decided:
        return Finding(False, inputs=inputs)
    assert days.hi is not None
    if days.hi <= 0:
        return Finding(True, f"progression while {ep.id} was given", inputs)
    span = f"{days.lo:g}" if days.exact else f"{max(days.lo or 0, 0):g}–{days.hi:g}"
    return Finding(True, f"progression {span} days after the last dose on {ep.id} (≤ 60)", inputs)


def car_t_refractory(ep: Ep, history: History, lines: Lines) -> Finding:
    """REF-5 (CAR-T, interpretive): a progression after the infusion before any later line, or a
    best response below MR; a single infusion has no repeated dosing to be within 60 days of.

    Guideline, RRMM › Two or more prior lines: "refractory to either CAR T cells or an ADC";
    "disease progression on CAR T cells".
    """
    nonresponse = nonresponsive(ep)
    if nonresponse.value:
        return nonresponse
    for prog in history.progressions:
        if prog.episode < ep.index:
            continue
        same = lines.same_line(ep.index, prog.episode)
        if same is True:
            return Finding(True, f"progression after the CAR-T infusion ({ep.id}) before any later line", prog.inputs)
        if same is None:
            starts = [f"treatment_history.{b.index}.started_because" for b in lines.boundaries
                      if ep.index < b.index <= prog.episode and b.new_line is None]
            return Finding(None, missing=tuple(starts))
        break
    if nonresponse.value is None:
        return nonresponse
    return Finding(False, inputs=nonresponse.inputs)


@dataclass
class DrugStatus:
    drug: str
    value: str | None
    why: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    by_nonresponse: bool = False


def drug_status(drug: str, history: History, lines: Lines) -> DrugStatus:
    """REF-3: ``refractory`` if refractory at any time; ``sensitive`` = given and never refractory,
    every response and timing settled; ``naive`` = never given.

    Fig. 2 wording: "have not received or have disease sensitive to".
    """
    given = [ep for ep in history.episodes if drug in ep.drugs]
    if not given:
        return DrugStatus(drug, "naive", ["never given"])
    out = DrugStatus(drug, None)
    decisive: list[str] = []
    for ep in given:
        if ep.is_car_t and "CAR-T" in " ".join(ep.classes.get(drug, ())):
            findings = [car_t_refractory(ep, history, lines)]
        else:
            nonresponse = nonresponsive(ep)
            findings = [nonresponse] + [
                refractory_at(ep, prog, history) for prog in history.progressions if prog.episode >= ep.index
            ]
            out.by_nonresponse |= bool(nonresponse.value)
        for f in findings:
            if f.value:
                out.why.append(f.why)
                decisive += f.inputs
            out.inputs += f.inputs
            out.missing += f.missing
    if out.why:
        out.value, out.missing, out.inputs = "refractory", [], decisive
    elif not out.missing:
        out.value, out.why = "sensitive", [f"given ({', '.join(ep.id for ep in given)}), never refractory"]
    out.inputs = list(dict.fromkeys(out.inputs))
    out.missing = list(dict.fromkeys(out.missing))
    return out


def _status_fact(status: DrugStatus, rule: str, extra_notes: tuple[str, ...] = ()) -> Fact:
    notes = list(extra_notes)
    if status.by_nonresponse:
        notes.append(sources.NOTE_NO_MINIMUM_EXPOSURE)
    if status.value is None:
        return unknown(status.missing, rule, REF_SOURCE, status.inputs, notes=notes)
    return known(status.value, status.inputs, f"{rule}: {'; '.join(status.why)}", REF_SOURCE, notes)


def all_drug_statuses(history: History, lines: Lines) -> dict[str, DrugStatus]:
    drugs = dict.fromkeys(d for ep in history.episodes for d in ep.drugs)
    return {d: drug_status(d, history, lines) for d in drugs}


def drug_status_fact(statuses: dict[str, DrugStatus]) -> Fact:
    """``drug_status``: drug id → status (null where undetermined, named in ``missing``)."""
    value = {d: s.value for d, s in statuses.items()}
    inputs = [p for s in statuses.values() for p in s.inputs]
    missing = [p for s in statuses.values() for p in s.missing]
    notes = [sources.NOTE_BOX1]
    if any(s.by_nonresponse for s in statuses.values()):
        notes.append(sources.NOTE_NO_MINIMUM_EXPOSURE)
    fact = known(value, inputs, "REF-1, REF-2, REF-3 per drug", REF_SOURCE, notes)
    if missing:
        fact.missing = list(dict.fromkeys(missing))
    return fact


def one_drug_fact(drug: str, statuses: dict[str, DrugStatus], history: History, lines: Lines) -> Fact:
    status = statuses.get(drug) or drug_status(drug, history, lines)
    return _status_fact(status, "REF-1/REF-2/REF-3")


def class_of(drug: str, history: History) -> tuple[str, ...]:
    return tuple(history.names.drugs[drug].classes)


def class_status(cls: str, statuses: dict[str, DrugStatus], history: History) -> DrugStatus:
    """REF-4: a class is refractory if one of its drugs is, naive if none was given, sensitive if
    every drug given is sensitive."""
    members = [s for d, s in statuses.items() if cls in class_of(d, history)]
    given = [s for s in members if s.value != "naive"]
    if not given:
        return DrugStatus(cls, "naive", [f"no {cls} drug given"])
    refractory = [s for s in given if s.value == "refractory"]
    out = DrugStatus(cls, None, inputs=[p for s in given for p in s.inputs],
                     by_nonresponse=any(s.by_nonresponse for s in refractory))
    if refractory:
        out.value, out.why = "refractory", [f"{s.drug}: {'; '.join(s.why)}" for s in refractory]
    elif all(s.value == "sensitive" for s in given):
        out.value, out.why = "sensitive", [f"{', '.join(s.drug for s in given)} sensitive"]
    else:
        out.missing = [p for s in given for p in s.missing]
    return out


def class_status_fact(statuses: dict[str, DrugStatus], history: History) -> Fact:
    classes = list(REPORTED_CLASSES) + [
        c for d in statuses for c in class_of(d, history) if c not in REPORTED_CLASSES
    ]
    result = {c: class_status(c, statuses, history) for c in dict.fromkeys(classes)}
    fact = known({c: s.value for c, s in result.items()}, [p for s in result.values() for p in s.inputs],
                 "REF-4: glossary drug classes", f"{REF_SOURCE}; {sources.TRIPLE_CLASS}")
    missing = [p for s in result.values() for p in s.missing]
    if missing:
        fact.missing = list(dict.fromkeys(missing))
    return fact


def anti_cd38_status(statuses: dict[str, DrugStatus], history: History) -> Fact:
    """REF-4: ``anti_cd38_status`` over daratumumab and isatuximab (glossary class anti-CD38).

    Guideline, RRMM › One prior line › Recommendations, bullet 3: "who have not received or have
    disease sensitive to anti-CD38 antibodies".
    """
    return _status_fact(class_status("anti-CD38", statuses, history), "REF-4 (anti-CD38)")


def triple_class_exposed(history: History) -> Fact:
    """REF-4: at least one IMiD, one PI and one anti-CD38 antibody given.

    Guideline: "triple-class regimens (that is, containing a proteasome inhibitor, an
    immunomodulatory drug and an anti-CD38 antibody)".
    """
    given = {c for ep in history.episodes for d in ep.drugs for c in ep.classes[d]}
    lacking = [c for c in TRIPLE if c not in given]
    inputs = [f"{ep.path}.regimen" for ep in history.episodes]
    rule = "REF-4: " + ("IMiD, PI and anti-CD38 each given" if not lacking else f"no {', '.join(lacking)} given")
    return known(not lacking, inputs, rule, sources.TRIPLE_CLASS)


def triple_class_refractory(statuses: dict[str, DrugStatus], history: History) -> Fact:
    """REF-4: refractory to at least one IMiD, one PI and one anti-CD38 antibody."""
    per_class = {c: class_status(c, statuses, history) for c in TRIPLE}
    inputs = [p for s in per_class.values() for p in s.inputs]
    source = f"{sources.TRIPLE_CLASS}; {REF_SOURCE}"
    not_refractory = [c for c, s in per_class.items() if s.value in ("naive", "sensitive")]
    if not_refractory:
        return known(False, inputs, f"REF-4: {', '.join(not_refractory)} not refractory", source)
    if all(s.value == "refractory" for s in per_class.values()):
        return known(True, inputs, "REF-4: refractory to an IMiD, a PI and an anti-CD38 antibody", source)
    missing = [p for s in per_class.values() for p in s.missing]
    return unknown(missing, "REF-4", source, inputs)


def prior_bcma_therapy(history: History) -> Fact:
    """Any BCMA-directed drug given (CAR-T, ADC or bispecific; glossary classes)."""
    hits = [ep for ep in history.episodes for d in ep.drugs if any("BCMA" in c for c in ep.classes[d])]
    inputs = [f"{ep.path}.regimen" for ep in (hits or history.episodes)]
    rule = f"BCMA-directed drug given on {', '.join(dict.fromkeys(ep.id for ep in hits))}" if hits else (
        "no BCMA-directed drug given")
    return known(bool(hits), inputs, rule, "glossary drug classes (BCMA-directed CAR-T, ADC, bispecific)")


def refractory_to(statuses: dict[str, DrugStatus], history: History) -> Fact:
    """REF-5: the classes beyond triple-class refractoriness (``car-t``, ``adc``, ``bispecific``)
    to which the disease is refractory: bispecifics and ADCs by REF-1, CAR-T by REF-5.

    Guideline, RRMM › Two or more prior lines: "refractory to either CAR T cells or an ADC".
    """
    words = ("car-t", "adc", "bispecific")
    found: list[str] = []
    inputs: list[str] = []
    missing: list[str] = []
    why: list[str] = []
    for word in words:
        per = [class_status(c, statuses, history) for c in CLASS_WORDS[word][1]]
        inputs += [p for s in per for p in s.inputs]
        if any(s.value == "refractory" for s in per):
            found.append(word)
            why += [w for s in per for w in s.why]
        elif any(s.value is None for s in per):
            missing += [p for s in per for p in s.missing]
    notes = (sources.NOTE_CAR_T_REFRACTORY,) if any(ep.is_car_t for ep in history.episodes) else ()
    if missing:
        return unknown(missing, "REF-5", sources.REFRACTORY_CLASSES, inputs, notes=notes)
    rule = "REF-5: " + ("; ".join(why) if why else "no CAR-T, ADC or bispecific refractoriness")
    return known(found, inputs, rule, f"{sources.REFRACTORY_CLASSES}; {REF_SOURCE}", notes)


# -- disease state -----------------------------------------------------------------------------------

def _last_line_episodes(history: History, lines: Lines, anchor: int) -> list[Ep]:
    """The episodes of the line holding ``anchor`` and after it (a boundary left open counts as one)."""
    start = anchor
    while start > 0 and lines.same_line(start - 1, start) is True:
        start -= 1
    return history.episodes[start:]


def disease_state(history: History, lines: Lines) -> Fact:
    """STATE: ``primary_refractory`` (no episode ever ≥ MR); ``relapsed_and_refractory`` (≥ MR once,
    and the last line nonresponsive or progressing on / ≤ 60 days after it); ``relapsed``
    (otherwise, after progression); ``newly_diagnosed`` (no history); ``no_progression``.

    Rajkumar 2011 definitions of primary refractory, relapsed-and-refractory and relapsed myeloma.
    """
    notes = (sources.NOTE_BOX1,)
    eps = history.episodes
    if not eps:
        return known("newly_diagnosed", [], "STATE: no treatment history", sources.DISEASE_STATE, notes)
    responses = [nonresponsive(ep) for ep in eps]
    inputs = [p for r in responses for p in r.inputs]
    if any(r.value is False for r in responses):
        ever_response: bool | None = True
    elif all(r.value is True for r in responses):
        ever_response = False
    else:
        ever_response = None
    if ever_response is False:
        return known("primary_refractory", inputs, "STATE: no episode reached a minimal response",
                     sources.DISEASE_STATE, notes)
    progs = history.progressions
    anchor = progs[-1].episode if progs else len(eps) - 1
    tail = _last_line_episodes(history, lines, anchor)
    tail_nonresponse = [nonresponsive(ep) for ep in tail]
    last_prog = refractory_at(eps[progs[-1].episode], progs[-1], history) if progs else None
    findings = [*tail_nonresponse, *([last_prog] if last_prog else [])]
    inputs += [p for f in findings for p in f.inputs]
    missing = [p for f in findings for p in f.missing] + [
        p for r in responses if ever_response is None for p in r.missing
    ]
    if ever_response is None:
        return unknown(missing, "STATE", sources.DISEASE_STATE, inputs, notes=notes)
    if any(f.value for f in findings):
        why = "; ".join(f.why for f in findings if f.value)
        return known("relapsed_and_refractory", inputs, f"STATE: minimal response or better once; {why}",
                     sources.DISEASE_STATE, notes)
    if any(f.value is None for f in findings):
        return unknown(missing, "STATE", sources.DISEASE_STATE, inputs, notes=notes)
    if progs:
        return known("relapsed", inputs, "STATE: progression more than 60 days after the last dose, after a response",
                     sources.DISEASE_STATE, notes)
    return known("no_progression", inputs, "STATE: no progression recorded", sources.DISEASE_STATE, notes)
