"""The calculators run from the case (contract case.md §3, CALC).

Each calculator gets its inputs from one place of the case (listed in ``from_case`` of its
result). Untested markers and LDH are passed as null: ``r-iss`` and ``r2-iss`` then report one
common answer (with a warning naming the markers) or, when the markers could change it, the
possible answers and ``missing``; ``high-risk`` gives its own "cannot exclude". Event-time tools
(ICE, CRS and ICANS grading, step-up dosing) are not applicable to a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import app.core.calculators.all as all_calculators
from app.core.calculators.base import REGISTRY, CalcInputError
from app.core.case.errors import CaseInputError
from app.core.case.model import CaseInput

EVENT_TIME = ("ice", "crs-grade", "icans-grade", "bispecific-step-up")
SMM_ONLY = ("smm-2-20-20", "smm-imwg-score")
NOT_FOR_SMM = "diagnosis is smm: only the SMM calculators apply"
NOT_FOR_MM = "diagnosis is mm: the SMM calculators are for smouldering myeloma (diagnosis: smm)"
EVENT_TOOL = "event-time tool: used at the time of the event, not from the case"


@dataclass(frozen=True)
class Source:
    """One calculator field taken from the case: its input path and value (None: not given)."""

    path: str
    value: Any


Spec = dict[str, Source]


def _frailty_pair(case: CaseInput, name: str) -> tuple[str, Source] | None:
    frailty = case.patient.frailty
    if frailty is None:
        return None
    total, items = getattr(frailty, name), getattr(frailty, f"{name}_items")
    if total is not None:
        return name, Source(f"patient.frailty.{name}", total)
    if items is not None:
        return f"{name}_items", Source(f"patient.frailty.{name}_items", items.model_dump())
    return None


def renal_creatinine(case: CaseInput) -> Source:
    """The creatinine that renal function (CrCl, eGFR, renal dose bands) is computed from.

    Contract case.md §2, ``labs_current``: "``creatinine``: used for ``crcl``/``egfr``; when absent
    and the history is empty, ``labs_at_diagnosis.creatinine`` is used"."""
    if case.labs_current.creatinine is not None:
        return Source("labs_current.creatinine", case.labs_current.creatinine)
    if not case.treatment_history and case.labs_at_diagnosis.creatinine is not None:
        return Source("labs_at_diagnosis.creatinine", case.labs_at_diagnosis.creatinine)
    return Source("labs_current.creatinine", None)


def _creatinine(case: CaseInput, warnings: list[str]) -> Source:
    source = renal_creatinine(case)
    if source.path == "labs_at_diagnosis.creatinine":
        warnings.append("crcl/egfr: no current creatinine; the creatinine at diagnosis is used (no treatment yet)")
    return source


def _ccf(case: CaseInput) -> Source:
    cyto = case.cytogenetics
    if cyto.del17p is False:
        return Source("cytogenetics.del17p", 0)
    return Source("cytogenetics.del17p_ccf_pct", cyto.del17p_ccf_pct)


def _specs(case: CaseInput, warnings: list[str]) -> dict[str, tuple[Spec, tuple[str, ...], tuple[str, ...]]]:
    """calculator id → (field sources, required fields, alternatives named when missing)."""
    p, labs, cyto, smm = case.patient, case.labs_at_diagnosis, case.cytogenetics, case.smm
    b2m, albumin = Source("labs_at_diagnosis.b2m", labs.b2m), Source("labs_at_diagnosis.albumin", labs.albumin)
    ldh = Source("labs_at_diagnosis.ldh_above_uln", labs.ldh_above_uln)

    def marker(name: str) -> Source:
        return Source(f"cytogenetics.{name}", getattr(cyto, name))

    age = Source("patient.age", p.age)
    sex, weight, height = Source("patient.sex", p.sex), Source("patient.weight", p.weight), Source(
        "patient.height", p.height)
    creatinine = _creatinine(case, warnings)
    frailty = {n: _frailty_pair(case, n) for n in ("cci", "adl", "iadl")}
    frailty_fields = {pair[0]: pair[1] for pair in frailty.values() if pair is not None}
    missing_frailty = tuple(f"patient.frailty.{n}" for n, pair in frailty.items() if pair is None)
    smm_source = {
        name: Source(f"smm.{name}", getattr(smm, name) if smm is not None else None)
        for name in ("m_protein", "flc_ratio", "bmpc_pct", "fish_abnormality")
    }
    cci_only = {k: v for k, v in frailty_fields.items() if k.startswith("cci")}
    return {
        "iss": ({"b2m": b2m, "albumin": albumin}, ("b2m", "albumin"), ()),
        "r-iss": ({"b2m": b2m, "albumin": albumin, "ldh_above_uln": ldh, "del17p": marker("del17p"),
                   "t_4_14": marker("t_4_14"), "t_14_16": marker("t_14_16")}, ("b2m", "albumin"), ()),
        "r2-iss": ({"b2m": b2m, "albumin": albumin, "ldh_above_uln": ldh, "del17p": marker("del17p"),
                    "t_4_14": marker("t_4_14"), "gain_1q": marker("gain_1q")}, ("b2m", "albumin"), ()),
        "high-risk": ({"del17p_ccf_pct": _ccf(case), **{m: marker(m) for m in (
            "tp53_mutation", "t_4_14", "t_14_16", "t_14_20", "gain_1q", "del1p32")},
            "b2m": b2m, "creatinine": Source("labs_at_diagnosis.creatinine", labs.creatinine)}, (), ()),
        "smm-2-20-20": ({k: v for k, v in smm_source.items() if k != "fish_abnormality" or v.value is not None},
                        ("m_protein", "flc_ratio", "bmpc_pct"), ()),
        "smm-imwg-score": (smm_source, ("m_protein", "flc_ratio", "bmpc_pct"), ()),
        "imwg-frailty": ({"age": age, **frailty_fields}, ("age",), missing_frailty),
        "simplified-frailty": ({"age": age, **cci_only, "ecog": Source("patient.ecog", p.ecog)}, ("age", "ecog"),
                               () if cci_only else ("patient.frailty.cci",)),
        "crcl": ({"age": age, "sex": sex, "weight": weight, "creatinine": creatinine,
                  **({"height": height} if p.height is not None else {})}, ("age", "sex", "weight", "creatinine"), ()),
        "egfr": ({"age": age, "sex": sex, "creatinine": creatinine}, ("age", "sex", "creatinine"), ()),
        "bsa": ({"height": height, "weight": weight,
                 "method": Source("patient.bsa_method", p.bsa_method or "mosteller")}, ("height", "weight"), ()),
        "tocilizumab-dose": ({"weight": weight}, ("weight",), ()),
    }


def _run(calc_id: str, spec: Spec) -> dict[str, Any]:
    raw = {name: src.value for name, src in spec.items()}
    if calc_id in ("crcl", "egfr"):
        raw["age"] = float(raw["age"])
    try:
        result = REGISTRY[calc_id].run(raw)
    except CalcInputError as err:
        field = err.field.split(".")[0]
        path = spec[field].path if field in spec else f"calculators.{calc_id}"
        raise CaseInputError(path, f"{path} ({calc_id}): {err.message}", err.code) from None
    out = result.model_dump(mode="json")
    out["from_case"] = {name: src.path for name, src in spec.items()}
    return out


def _undecided(out: dict[str, Any], spec: Spec, key: str) -> list[str]:
    """Case paths of the untested markers that could change an undecided answer."""
    if out["result"].get(key) is not None:
        return []
    return [spec[m].path for m in out["result"].get("untested_markers_that_could_change_the_answer", []) if m in spec]


def run_calculators(case: CaseInput, warnings: list[str]) -> dict[str, dict[str, Any]]:
    """Every calculator, in the listing order: its result object, ``missing`` or ``not_applicable``."""
    specs = _specs(case, warnings)
    out: dict[str, dict[str, Any]] = {}
    for calc_id in all_calculators.ORDER:
        if calc_id in EVENT_TIME:
            out[calc_id] = {"not_applicable": EVENT_TOOL}
            continue
        is_smm_calc = calc_id in SMM_ONLY
        if is_smm_calc != (case.diagnosis == "smm"):
            out[calc_id] = {"not_applicable": NOT_FOR_MM if is_smm_calc else NOT_FOR_SMM}
            continue
        spec, required, alternatives = specs[calc_id]
        missing = [spec[f].path for f in required if spec[f].value is None] + list(alternatives)
        if missing:
            out[calc_id] = {"missing": missing}
            continue
        out[calc_id] = _run(calc_id, spec)
        _mark_untested(calc_id, out[calc_id], spec, warnings)
    return out


def _mark_untested(calc_id: str, out: dict[str, Any], spec: Spec, warnings: list[str]) -> None:
    key = {"r-iss": "stage", "r2-iss": "group", "smm-imwg-score": "group"}.get(calc_id)
    if key is None:
        return
    undecided = _undecided(out, spec, key)
    if undecided:
        out["missing"] = undecided
        return
    untested = [spec[m].path for m in out["result"].get("untested_markers", []) if m in spec]
    if untested:
        warnings.append(
            f"{calc_id}: {out['headline'] or out['result'][key]} whatever the untested {', '.join(untested)} show "
            "(every completion gives the same answer)"
        )




def case_sources(case: CaseInput) -> dict[str, Spec]:
    """calculator id → its fields' sources in the case (path and value), whether or not it can run."""
    return {calc_id: spec for calc_id, (spec, _required, _alts) in _specs(case, []).items()}
