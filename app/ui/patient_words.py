"""Words of the Patient panel: choices, ranges and error wording. The labels of case paths and
the paths in words are the case's own (``app.services.case_words``), shared with the Case summary.

The values are those of the case contract (shared/contracts/case.md §2); only their labels are
written here. A case path (``treatment_history.2.progression.date``) is shown to the clinician
as "episode 3 · progression date", keeping the path beside it for the command line.
"""

from __future__ import annotations

import re
import typing
from functools import cache
from typing import TYPE_CHECKING, Any

from app.services.case_words import EPISODE_LABELS, LABELS, path_words, value_words, words_in

if TYPE_CHECKING:
    from app.core.case.errors import CaseInputError

#: the case's own words (app.services.case_words), re-exported for the panel
__all__ = ["EPISODE_LABELS", "LABELS", "path_words", "value_words", "words_in"]

Choice = tuple[str, Any]

NOT_ENTERED = "not entered"
NOT_TESTED = "not tested"

YES_NO: list[Choice] = [("yes", True), ("no", False)]
SEX: list[Choice] = [("female", "female"), ("male", "male")]
BSA_METHOD: list[Choice] = [("Mosteller (default)", "mosteller"), ("Du Bois", "dubois")]
DIAGNOSIS: list[Choice] = [("multiple myeloma", "mm"), ("smouldering myeloma", "smm")]
PRESENT: list[Choice] = [("present", True), ("absent", False)]
DEL1P32: list[Choice] = [("none", "none"), ("monoallelic", "monoallelic"), ("biallelic", "biallelic")]

ROLES: list[Choice] = [(r.replace("_", " ").replace("asct", "ASCT").replace("allo sct", "allo-SCT")
                        .replace("car t", "CAR-T"), r) for r in (
    "induction", "consolidation", "maintenance", "continuous", "fixed_duration", "salvage", "bridging",
    "asct", "allo_sct", "car_t", "other")]
STARTED_BECAUSE: list[Choice] = [
    ("unknown (default)", "unknown"), ("planned (part of this line's plan)", "planned"),
    ("progression or relapse", "progression"), ("toxicity", "toxicity"),
    ("inadequate response", "inadequate_response"), ("patient choice", "patient_choice"), ("other", "other")]
STOP_REASONS: list[Choice] = [
    ("ongoing (last episode only)", "ongoing"), ("completed", "completed"), ("progression", "progression"),
    ("toxicity", "toxicity"), ("patient choice", "patient_choice"), ("other", "other"), ("unknown", "unknown")]
RESPONSES: list[Choice] = [(r, r) for r in ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD")]
TIMINGS: list[Choice] = [("on treatment", "on_treatment"), ("within 60 days of the last dose", "within_60_days"),
                         ("more than 60 days after the last dose", "after_60_days")]
NEW_LINE: list[Choice] = [("a new line (override)", True), ("the same line (override)", False)]

def paths_words(paths: list[str] | None) -> str:
    return ", ".join(path_words(p) for p in paths or [])


def bounds(annotated: Any) -> tuple[float | None, float | None]:
    """The ``ge``/``le`` limits declared on a core field type (``CciTotal`` → (0, 37)), so the panel states the
    range the case's own check applies instead of a copy of it."""
    low: float | None = None
    high: float | None = None
    for arg in typing.get_args(annotated):
        for item in [arg, *getattr(arg, "metadata", [])]:
            low = getattr(item, "ge", low)
            high = getattr(item, "le", high)
        if typing.get_args(arg):
            inner = bounds(arg)
            low, high = inner[0] if inner[0] is not None else low, inner[1] if inner[1] is not None else high
    return low, high


def _range(annotated: Any) -> str:
    low, high = bounds(annotated)
    return f"{low:g} to {high:g}"


@cache
def accepted() -> dict[str, str]:
    """What each number field accepts, in words (the ranges are those of the core types named; imported
    here, not at module load, so the window paints before pydantic loads)."""
    from app.core.calculators.fields import AgeYears, Percent
    from app.core.calculators.frailty import AdlTotal, CciTotal, Ecog, IadlTotal
    from app.core.case.model import Episode

    def _episode_field(name: str) -> Any:
        return Episode.model_fields[name].annotation

    return {
        "patient.age": f"a whole number of years from {_range(AgeYears)}",
        "patient.ecog": f"a whole number from {_range(Ecog)}",
        "patient.frailty.cci": f"a whole number from {_range(CciTotal)}",
        "patient.frailty.adl": f"a whole number from {_range(AdlTotal)}",
        "patient.frailty.iadl": f"a whole number from {_range(IadlTotal)}",
        "cytogenetics.del17p_ccf_pct": f"a percentage from {_range(Percent)}",
        "smm.bmpc_pct": f"a percentage from {_range(Percent)}",
        "treatment_history.*.duration_months": (
            f"a number of months greater than 0, at most {bounds(_episode_field('duration_months'))[1]:g}"),
        "treatment_history.*.cycles": f"a whole number from {_range(_episode_field('cycles'))}",
    }


@cache
def range_hint() -> dict[str, str]:
    """A number field's placeholder: the range it accepts ("0–37")."""
    from app.core.calculators.fields import AgeYears
    from app.core.calculators.frailty import AdlTotal, CciTotal, Ecog, IadlTotal

    return {path: "–".join(f"{b:g}" for b in bounds(t)) for path, t in (
        ("patient.frailty.cci", CciTotal), ("patient.frailty.adl", AdlTotal), ("patient.frailty.iadl", IadlTotal),
        ("patient.ecog", Ecog), ("patient.age", AgeYears))}

_EPISODE = re.compile(r"^treatment_history\.(\d+)(?:\.(.+))?$")
NO_REGIMEN = "enter a regimen or drugs (only an ASCT or allo-SCT may have neither)"


def episode_of(path: str) -> int | None:
    """The episode index an input path lies in (``treatment_history.3.end`` → 3), else None."""
    match = _EPISODE.match(path)
    return int(match.group(1)) if match else None


def error_words(err: CaseInputError, label_of: dict[str, str]) -> tuple[str, str]:
    """An input error as the screen says it: (the field's label, what is wrong or accepted).

    ``label_of`` maps a case path (episode fields as ``treatment_history.*.key``) to the label shown beside
    the field; the validator's own text (with its dotted paths) is reworded, never shown raw."""
    match = _EPISODE.match(err.field)
    generic = _EPISODE.sub(lambda m: f"treatment_history.*.{m.group(2)}" if m.group(2) else "", err.field)
    if match:
        key = match.group(2)
        head = f"Episode {int(match.group(1)) + 1}"
        field_label = label_of.get(generic) or (EPISODE_LABELS.get(key or "", key or "") if key else "")
        label = f"{head} · {field_label}" if field_label else head
    else:
        label = label_of.get(err.field) or path_words(err.field)
        label = label if label_of.get(err.field) else label[:1].upper() + label[1:]
    if err.code == "missing_field" and match and match.group(2) == "regimen":
        return f"Episode {int(match.group(1)) + 1}", NO_REGIMEN
    if err.code == "missing_field":
        return label, "required"
    allowed = accepted().get(generic)
    if allowed is not None and "Input should" in err.message:
        return label, f"must be {allowed}"
    message = err.message
    for prefix in (f"{err.field}: ", f"{err.field} "):
        message = message.removeprefix(prefix)
    if match:
        message = message.removeprefix(f"treatment_history.{match.group(1)}: ")
    message = words_in(message).replace("Input should be", "must be")
    return label, message
