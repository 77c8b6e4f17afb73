"""Frailty calculators: the IMWG frailty score and the simplified frailty scale.

- ``imwg-frailty``: IMWG frailty score (Palumbo et al., Blood 2015;125:2068–2074), built from
  age, the Charlson Comorbidity Index (CCI), Katz ADL and Lawton IADL. Each sub-scale may be
  given as its total or as its item answers (``cci_items``, ``adl_items``, ``iadl_items``).
- ``simplified-frailty``: simplified frailty scale (Facon et al., Leukemia 2020;34:224–233):
  age, CCI and ECOG performance status.

The CCI here is the original Charlson index (Charlson 1987) **without** age points (age is
scored separately) and **without** counting the myeloma itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictBool

from app.core.calculators.base import (
    CalcInput,
    CalcInputError,
    CalcResult,
    Calculator,
    ExplanationRow,
    register,
)
from app.core.calculators.fields import GUIDELINE_REF, VERSION, AgeYears, reject_bool
from app.core.calculators.labels import labels

PALUMBO_2015_BLOOD = (
    "Palumbo A, Bringhen S, Mateos MV, et al. Geriatric assessment predicts survival and toxicities in "
    "elderly myeloma patients: an International Myeloma Working Group report. Blood. 2015;125(13):2068–2074."
)
FACON_2020 = (
    "Facon T, Dimopoulos MA, Meuleman N, et al. A simplified frailty scale predicts outcomes in "
    "transplant-ineligible patients with newly diagnosed multiple myeloma treated in the FIRST (MM-020) "
    "trial. Leukemia. 2020;34(1):224–233."
)
KATZ_1963 = (
    "Katz S, Ford AB, Moskowitz RW, Jackson BA, Jaffe MW. Studies of illness in the aged. The index of ADL: "
    "a standardized measure of biological and psychosocial function. JAMA. 1963;185:914–919."
)
LAWTON_1969 = (
    "Lawton MP, Brody EM. Assessment of older people: self-maintaining and instrumental activities of "
    "daily living. Gerontologist. 1969;9(3):179–186."
)
CHARLSON_1987 = (
    "Charlson ME, Pompei P, Ales KL, MacKenzie CR. A new method of classifying prognostic comorbidity in "
    "longitudinal studies: development and validation. J Chronic Dis. 1987;40(5):373–383."
)

if TYPE_CHECKING:
    CciTotal = int
    AdlTotal = int
    IadlTotal = int
    Ecog = int
    ZeroOne = int
else:
    CciTotal = Annotated[int, Field(ge=0, le=37), BeforeValidator(reject_bool)]
    AdlTotal = Annotated[int, Field(ge=0, le=6), BeforeValidator(reject_bool)]
    IadlTotal = Annotated[int, Field(ge=0, le=8), BeforeValidator(reject_bool)]
    Ecog = Annotated[int, Field(ge=0, le=4), BeforeValidator(reject_bool)]
    ZeroOne = Annotated[Literal[0, 1], BeforeValidator(reject_bool)]

CCI_NOTE = "Charlson index unadjusted for age (no age points) and not counting the myeloma itself"

# ---------------------------------------------------------------------------------------------
# Sub-forms
# ---------------------------------------------------------------------------------------------

Katz = Literal["independent", "dependent"]


class KatzItems(CalcInput):
    """Katz index of independence in ADL (Katz 1963): 6 items, dichotomous, 1 point if independent.

    Half-points for "partly dependent" (used by some versions) are not accepted: the classic
    index is dichotomous, and a half-point would move a total across the IMWG cut-off.
    """

    bathing: Katz = Field(description="Bathing: independent or dependent")
    dressing: Katz = Field(description="Dressing: independent or dependent")
    toileting: Katz = Field(description="Toileting: independent or dependent")
    transferring: Katz = Field(description="Transferring (bed/chair): independent or dependent")
    continence: Katz = Field(description="Continence: independent (continent) or dependent")
    feeding: Katz = Field(description="Feeding: independent or dependent")


KATZ_LABELS = {
    "bathing": "bathing",
    "dressing": "dressing",
    "toileting": "toileting",
    "transferring": "transferring",
    "continence": "continence",
    "feeding": "feeding",
}


class LawtonItems(CalcInput):
    """Lawton–Brody IADL (Lawton 1969): 8 items scored 0 or 1 (total 0–8, all items for both sexes)."""

    telephone: ZeroOne = Field(
        description="Telephone: 1 = operates on own initiative, dials a few well-known numbers, or answers "
        "but does not dial; 0 = does not use the telephone at all"
    )
    shopping: ZeroOne = Field(
        description="Shopping: 1 = takes care of all shopping independently; 0 = small purchases only, "
        "needs to be accompanied, or unable"
    )
    food_preparation: ZeroOne = Field(
        description="Food preparation: 1 = plans, prepares and serves adequate meals independently; "
        "0 otherwise"
    )
    housekeeping: ZeroOne = Field(
        description="Housekeeping: 1 = maintains the house alone or with occasional help, or does light "
        "tasks (even without adequate cleanliness or needing help with all tasks); 0 = does not participate"
    )
    laundry: ZeroOne = Field(
        description="Laundry: 1 = does all personal laundry or launders small items; 0 = all done by others"
    )
    transportation: ZeroOne = Field(
        description="Transportation: 1 = travels independently by public transport or own car, arranges own "
        "taxi, or uses public transport when assisted; 0 = taxi/car with assistance only, or no travel"
    )
    medications: ZeroOne = Field(
        description="Own medications: 1 = takes the correct dose at the correct time independently; "
        "0 otherwise"
    )
    finances: ZeroOne = Field(
        description="Finances: 1 = manages independently, or day-to-day purchases with help for banking; "
        "0 = incapable of handling money"
    )


LAWTON_LABELS = {
    "telephone": "telephone",
    "shopping": "shopping",
    "food_preparation": "food preparation",
    "housekeeping": "housekeeping",
    "laundry": "laundry",
    "transportation": "transportation",
    "medications": "own medications",
    "finances": "finances",
}


class CciItems(CalcInput):
    """Charlson Comorbidity Index items (Charlson 1987 weights), a checklist: absent unless ticked.

    Do not tick anything for the multiple myeloma itself (not leukaemia, lymphoma or tumour).
    Liver disease, diabetes and solid tumour are graded choices so that a condition is counted
    once, at its most severe grade.
    """

    myocardial_infarction: StrictBool = Field(default=False, description="Myocardial infarction (1)")
    congestive_heart_failure: StrictBool = Field(default=False, description="Congestive heart failure (1)")
    peripheral_vascular_disease: StrictBool = Field(
        default=False, description="Peripheral vascular disease (1)"
    )
    cerebrovascular_disease: StrictBool = Field(default=False, description="Cerebrovascular disease (1)")
    dementia: StrictBool = Field(default=False, description="Dementia (1)")
    chronic_pulmonary_disease: StrictBool = Field(default=False, description="Chronic pulmonary disease (1)")
    connective_tissue_disease: StrictBool = Field(default=False, description="Connective tissue disease (1)")
    peptic_ulcer_disease: StrictBool = Field(default=False, description="Peptic ulcer disease (1)")
    liver_disease: Literal["none", "mild", "moderate_severe"] = Field(
        default="none", description="Liver disease: mild (1) or moderate–severe (3)"
    )
    diabetes: Literal["none", "uncomplicated", "end_organ_damage"] = Field(
        default="none", description="Diabetes: without (1) or with end-organ damage (2)"
    )
    hemiplegia: StrictBool = Field(default=False, description="Hemiplegia (2)")
    renal_disease_moderate_severe: StrictBool = Field(
        default=False, description="Moderate or severe renal disease (2)"
    )
    solid_tumor: Literal["none", "localized", "metastatic"] = Field(
        default="none",
        description="Solid tumour other than myeloma: localised, within 5 years (2), or metastatic (6)",
    )
    leukemia: StrictBool = Field(default=False, description="Leukaemia (2); not the myeloma itself")
    lymphoma: StrictBool = Field(default=False, description="Lymphoma (2); not the myeloma itself")
    aids: StrictBool = Field(default=False, description="AIDS (6)")


CCI_BOOL_WEIGHTS: dict[str, tuple[str, int]] = {
    "myocardial_infarction": ("myocardial infarction", 1),
    "congestive_heart_failure": ("congestive heart failure", 1),
    "peripheral_vascular_disease": ("peripheral vascular disease", 1),
    "cerebrovascular_disease": ("cerebrovascular disease", 1),
    "dementia": ("dementia", 1),
    "chronic_pulmonary_disease": ("chronic pulmonary disease", 1),
    "connective_tissue_disease": ("connective tissue disease", 1),
    "peptic_ulcer_disease": ("peptic ulcer disease", 1),
    "hemiplegia": ("hemiplegia", 2),
    "renal_disease_moderate_severe": ("moderate or severe renal disease", 2),
    "leukemia": ("leukaemia", 2),
    "lymphoma": ("lymphoma", 2),
    "aids": ("AIDS", 6),
}
CCI_GRADED_WEIGHTS: dict[str, dict[str, tuple[str, int]]] = {
    "liver_disease": {
        "mild": ("mild liver disease", 1),
        "moderate_severe": ("moderate–severe liver disease", 3),
    },
    "diabetes": {
        "uncomplicated": ("diabetes without end-organ damage", 1),
        "end_organ_damage": ("diabetes with end-organ damage", 2),
    },
    "solid_tumor": {
        "localized": ("localised solid tumour (within 5 years)", 2),
        "metastatic": ("metastatic solid tumour", 6),
    },
}


def score_cci_items(items: CciItems) -> tuple[int, list[ExplanationRow]]:
    """Unadjusted Charlson index (Charlson 1987 weights) and one row per condition present."""
    total = 0
    rows: list[ExplanationRow] = []
    for name, (label, weight) in CCI_BOOL_WEIGHTS.items():
        if getattr(items, name):
            total += weight
            rows.append(ExplanationRow(item=f"Charlson: {label}", value=f"present (weight {weight})"))
    for name, grades in CCI_GRADED_WEIGHTS.items():
        grade = getattr(items, name)
        if grade in grades:
            label, weight = grades[grade]
            total += weight
            rows.append(ExplanationRow(item=f"Charlson: {label}", value=f"present (weight {weight})"))
    if not rows:
        rows.append(ExplanationRow(item="Charlson", value="no comorbid condition ticked"))
    return total, rows


def score_katz(items: KatzItems) -> tuple[int, list[ExplanationRow]]:
    """Katz ADL total (Katz 1963): 1 point per independent activity, 0–6."""
    total = 0
    rows: list[ExplanationRow] = []
    for name, label in KATZ_LABELS.items():
        answer = getattr(items, name)
        score = 1 if answer == "independent" else 0
        total += score
        rows.append(ExplanationRow(item=f"Katz ADL: {label}", value=f"{answer} ({score})"))
    return total, rows


def score_lawton(items: LawtonItems) -> tuple[int, list[ExplanationRow]]:
    """Lawton–Brody IADL total (Lawton 1969): sum of the 8 item scores, 0–8."""
    total = 0
    rows: list[ExplanationRow] = []
    for name, label in LAWTON_LABELS.items():
        score = int(getattr(items, name))
        total += score
        rows.append(ExplanationRow(item=f"Lawton IADL: {label}", value=str(score)))
    return total, rows


def _either(total: int | None, items: object | None, total_name: str, items_name: str) -> None:
    if total is not None and items is not None:
        raise CalcInputError(
            total_name, f"give either {total_name} or {items_name}, not both", "conflicting_fields"
        )
    if total is None and items is None:
        raise CalcInputError(
            total_name,
            f"{total_name} is required (or give the item answers as {items_name})",
            "missing_field",
        )


def _resolve_cci(cci: int | None, cci_items: CciItems | None) -> tuple[int, list[ExplanationRow], bool]:
    _either(cci, cci_items, "cci", "cci_items")
    if cci_items is not None:
        total, rows = score_cci_items(cci_items)
        return total, rows, True
    assert cci is not None
    return cci, [], False


def age_points(age: int) -> tuple[int, str]:
    """Age band shared by both scores: ≤ 75 → 0; 76–80 → 1; > 80 → 2 (completed years)."""
    if age <= 75:
        return 0, "≤ 75"
    if age <= 80:
        return 1, "76–80"
    return 2, "> 80"


def _age_row(age: int) -> ExplanationRow:
    points, band = age_points(age)
    return ExplanationRow(item="Age", value=f"{age} years ({band})", points=points)


def _cci_row(cci: int, from_items: bool) -> ExplanationRow:
    points = 1 if cci >= 2 else 0
    source = "from the items below" if from_items else "as entered"
    return ExplanationRow(
        item="Charlson Comorbidity Index",
        value=f"{cci} ({'≥ 2' if cci >= 2 else '≤ 1'}; {source}; {CCI_NOTE})",
        points=points,
    )


# ---------------------------------------------------------------------------------------------
# IMWG frailty score
# ---------------------------------------------------------------------------------------------

FrailtyCategory = Literal["fit", "intermediate", "frail"]

IMWG_OUTCOMES: dict[str, tuple[int, str, str, int]] = {
    # 3-year OS %, grade ≥ 3 non-haematological AE at 12 months, discontinuation at 12 months, cohort %
    "fit": (84, "22.2%", "16.5%", 39),
    "intermediate": (76, "26.4%", "20.8%", 31),
    "frail": (57, "34.0%", "31.2%", 30),
}


class ImwgFrailtyInput(CalcInput):
    """IMWG frailty score input: age plus each sub-scale as its total or as its item answers."""

    age: AgeYears = Field(description="Age in completed years (18–120)")
    cci: CciTotal | None = Field(
        default=None, description=f"Charlson Comorbidity Index 0–37 ({CCI_NOTE}); or give cci_items"
    )
    cci_items: CciItems | None = Field(default=None, description="Charlson items instead of the cci total")
    adl: AdlTotal | None = Field(default=None, description="Katz ADL total 0–6; or give adl_items")
    adl_items: KatzItems | None = Field(default=None, description="Katz ADL items instead of the adl total")
    iadl: IadlTotal | None = Field(default=None, description="Lawton IADL total 0–8; or give iadl_items")
    iadl_items: LawtonItems | None = Field(default=None, description="Lawton IADL items instead of the total")


def imwg_category(points: int) -> FrailtyCategory:
    """IMWG frailty category (Palumbo 2015): 0 fit, 1 intermediate, ≥ 2 frail."""
    return "fit" if points == 0 else "intermediate" if points == 1 else "frail"


def compute_imwg_frailty(inp: ImwgFrailtyInput) -> CalcResult:
    """Age ≤ 75/76–80/> 80 → 0/1/2; CCI ≥ 2 → 1; ADL ≤ 4 → 1; IADL ≤ 5 → 1 (Palumbo 2015)."""
    cci, cci_rows, cci_from_items = _resolve_cci(inp.cci, inp.cci_items)
    _either(inp.adl, inp.adl_items, "adl", "adl_items")
    _either(inp.iadl, inp.iadl_items, "iadl", "iadl_items")
    adl_rows: list[ExplanationRow] = []
    iadl_rows: list[ExplanationRow] = []
    if inp.adl_items is not None:
        adl, adl_rows = score_katz(inp.adl_items)
    else:
        assert inp.adl is not None
        adl = inp.adl
    if inp.iadl_items is not None:
        iadl, iadl_rows = score_lawton(inp.iadl_items)
    else:
        assert inp.iadl is not None
        iadl = inp.iadl

    adl_pts = 1 if adl <= 4 else 0
    iadl_pts = 1 if iadl <= 5 else 0
    rows = [
        _age_row(inp.age),
        _cci_row(cci, cci_from_items),
        ExplanationRow(item="Katz ADL", value=f"{adl} of 6 ({'≤ 4' if adl_pts else '> 4'})", points=adl_pts),
        ExplanationRow(
            item="Lawton IADL", value=f"{iadl} of 8 ({'≤ 5' if iadl_pts else '> 5'})", points=iadl_pts
        ),
        *cci_rows,
        *adl_rows,
        *iadl_rows,
    ]
    points = age_points(inp.age)[0] + (1 if cci >= 2 else 0) + adl_pts + iadl_pts
    category = imwg_category(points)
    os3, ae, disc, share = IMWG_OUTCOMES[category]
    warnings = [
        "The ADL ≤ 4 and IADL ≤ 5 cut-offs are as commonly cited; Palumbo's table could not be retrieved: "
        "check the original paper. The age (≤ 75 / 76–80 / > 80) and CCI (≥ 2) bands are corroborated by "
        "the Facon simplified frailty scale, which uses the same bands.",
    ]
    if inp.cci is not None:
        warnings.append(
            "The CCI must be the original Charlson index without age points and without counting the myeloma "
            "itself: the IMWG score counts age separately (not stated in the retrieved text of the paper, but "
            "required so that age is not counted twice)."
        )
    if inp.adl_items is not None:
        warnings.append(
            "Katz items are scored dichotomously as in the classic index (independent 1, dependent 0); versions "
            "that give 0.5 for partial dependence are not used, because 4.5 would fall above the ADL ≤ 4 cut-off."
        )
    if inp.age < 55:
        warnings.append(
            "The guideline notes that the IMWG frailty score has never been tested in patients aged < 55."
        )
    if adl in (4, 5):
        warnings.append(f"Katz ADL {adl} is next to the ADL cut-off (≤ 4 scores 1 point, 5–6 score 0).")
    if iadl in (5, 6):
        warnings.append(f"Lawton IADL {iadl} is next to the IADL cut-off (≤ 5 scores 1 point, 6–8 score 0).")
    if inp.iadl_items is not None:
        warnings.append(
            "Lawton items: the telephone and shopping scoring is confirmed; the response levels of the other "
            "items follow the usual Lawton–Brody (Hartford) version (UNCONFIRMED). All 8 items are scored "
            "for men and women (the historic male 0–5 version is not used)."
        )
    inputs: dict[str, object] = {"age": inp.age}
    inputs.update({"cci_items": inp.cci_items.model_dump()} if inp.cci_items is not None else {"cci": cci})
    inputs.update({"adl_items": inp.adl_items.model_dump()} if inp.adl_items is not None else {"adl": adl})
    inputs.update(
        {"iadl_items": inp.iadl_items.model_dump()} if inp.iadl_items is not None else {"iadl": iadl}
    )
    references = [PALUMBO_2015_BLOOD, GUIDELINE_REF]
    if inp.cci_items is not None:
        references.append(CHARLSON_1987)
    if inp.adl_items is not None:
        references.append(KATZ_1963)
    if inp.iadl_items is not None:
        references.append(LAWTON_1969)
    return CalcResult(
        calculator="imwg-frailty",
        result={"points": points, "category": category, "cci": cci, "adl": adl, "iadl": iadl},
        inputs=inputs,
        explanation=rows,
        interpretation=(
            f"IMWG frailty score {points} of 5: {category} (0 fit, 1 intermediate-fitness, ≥ 2 frail). "
            f"In Palumbo 2015 ({share}% of patients were {category}): 3-year overall survival {os3}% "
            "(fit 84%, intermediate 76%, frail 57%); grade ≥ 3 non-haematological adverse events at "
            f"12 months {ae} (22.2 / 26.4 / 34.0%); treatment discontinuation at 12 months {disc} "
            "(16.5 / 20.8 / 31.2%)."
        ),
        warnings=warnings,
        references=references,
        calculator_version=VERSION,
        flowchart_facts={"fig1": {"imwg_frailty_score": points}},
    )


# ---------------------------------------------------------------------------------------------
# Simplified frailty scale (Facon 2020)
# ---------------------------------------------------------------------------------------------

SimplifiedCategory = Literal["non-frail", "frail"]


class SimplifiedFrailtyInput(CalcInput):
    """Simplified frailty scale input: age, CCI (total or items) and ECOG performance status."""

    age: AgeYears = Field(description="Age in completed years (18–120)")
    cci: CciTotal | None = Field(
        default=None, description=f"Charlson Comorbidity Index 0–37 ({CCI_NOTE}); or give cci_items"
    )
    cci_items: CciItems | None = Field(default=None, description="Charlson items instead of the cci total")
    ecog: Ecog = Field(description="ECOG performance status 0–4")


def ecog_points(ecog: int) -> int:
    """ECOG 0 → 0; 1 → 1; ≥ 2 → 2 (Facon 2020)."""
    return min(ecog, 2)


def compute_simplified_frailty(inp: SimplifiedFrailtyInput) -> CalcResult:
    """Age ≤ 75/76–80/> 80 → 0/1/2; CCI > 1 → 1; ECOG 0/1/≥ 2 → 0/1/2; frail if ≥ 2 (Facon 2020)."""
    cci, cci_rows, from_items = _resolve_cci(inp.cci, inp.cci_items)
    ecog_pts = ecog_points(inp.ecog)
    rows = [
        _age_row(inp.age),
        _cci_row(cci, from_items),
        ExplanationRow(item="ECOG performance status (0 / 1 / ≥ 2)", value=str(inp.ecog), points=ecog_pts),
        *cci_rows,
    ]
    points = age_points(inp.age)[0] + (1 if cci > 1 else 0) + ecog_pts
    category: SimplifiedCategory = "frail" if points >= 2 else "non-frail"
    if category == "frail":
        outcome = "median PFS 19.4 months and median OS 42.1 months (ORR 72%)"
    else:
        outcome = "median PFS 24.0 months and median OS 70.1 months (ORR 79%)"
    inputs: dict[str, object] = {"age": inp.age}
    inputs.update({"cci_items": inp.cci_items.model_dump()} if inp.cci_items is not None else {"cci": cci})
    inputs["ecog"] = inp.ecog
    references = [FACON_2020, GUIDELINE_REF]
    if inp.cci_items is not None:
        references.append(CHARLSON_1987)
    return CalcResult(
        calculator="simplified-frailty",
        result={"points": points, "category": category, "cci": cci},
        inputs=inputs,
        explanation=rows,
        interpretation=(
            f"Simplified frailty scale {points} of 5: {category} (0–1 non-frail, ≥ 2 frail). In the FIRST "
            f"trial (1,618 transplant-ineligible patients; 49% frail), {category} patients had {outcome}; "
            "frail vs non-frail: median PFS 19.4 vs 24.0 months, median OS 42.1 vs 70.1 months."
        ),
        warnings=[],
        references=references,
        calculator_version=VERSION,
    )


def _first_upper(text: object) -> str:
    s = str(text)
    return s[:1].upper() + s[1:]


def imwg_frailty_headline(r: Mapping[str, Any]) -> str:
    return f"{_first_upper(r['category'])}: IMWG frailty score {r['points']}"


def simplified_frailty_headline(r: Mapping[str, Any]) -> str:
    return f"{_first_upper(r['category'])}: simplified frailty score {r['points']}"


register(
    Calculator(
        "imwg-frailty",
        "IMWG frailty score",
        PALUMBO_2015_BLOOD,
        ImwgFrailtyInput,
        compute_imwg_frailty,
        keywords=("frailty", "frail", "geriatric assessment", "ADL", "IADL", "Katz", "Lawton", "Charlson", "CCI"),
        headline=imwg_frailty_headline,
        group="Frailty",
        order=7,
        scored=True,
        field_labels=labels(
            "age", "cci", "cci_items",
            adl="Katz ADL (0–6)",
            adl_items="Katz ADL items",
            iadl="Lawton IADL (0–8)",
            iadl_items="Lawton IADL items",
        ),
    )
)
register(
    Calculator(
        "simplified-frailty",
        "Simplified frailty scale (Facon)",
        FACON_2020,
        SimplifiedFrailtyInput,
        compute_simplified_frailty,
        keywords=("frailty", "frail", "simplified frailty", "Facon", "ECOG", "performance status", "Charlson", "CCI"),
        headline=simplified_frailty_headline,
        group="Frailty",
        order=8,
        scored=True,
        field_labels=labels("age", "cci", "cci_items", ecog="ECOG performance status"),
    )
)
