"""Body-surface area (``bsa``): Mosteller or DuBois, with the carfilzomib 2.2 m² cap as a dosing note.

Mosteller (1987): BSA = √(height [cm] × weight [kg] / 3600).
DuBois & DuBois (1916): BSA = 0.007184 × height[cm]^0.725 × weight[kg]^0.425.
Heights in m or in and weights in lb are converted by units.py (1 in = 2.54 cm, 1 lb = 0.45359237 kg).
The result is rounded to 3 decimals; the carfilzomib cap compares that rounded value with 2.2 m².
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from app.core.calculators.base import CalcInput, CalcResult, Calculator, ExplanationRow, register
from app.core.calculators.labels import labels
from app.core.calculators.renal_dosing import CARFILZOMIB_BSA_CAP_M2, CARFILZOMIB_CAP_SOURCE, guideline_quotes
from app.core.units import HEIGHT, WEIGHT, Quantity

VERSION = "1.0.0"

MOSTELLER = (
    "Mosteller RD. Simplified calculation of body-surface area. N Engl J Med. 1987;317(17):1098. "
    "doi:10.1056/NEJM198710223171717"
)
DUBOIS = (
    "Du Bois D, Du Bois EF. A formula to estimate the approximate surface area if height and weight be known. "
    "Arch Intern Med. 1916;17(6_2):863–871. doi:10.1001/archinte.1916.00080130010002"
)
GUIDELINE = (
    "Dimopoulos MA, Terpos E, Boccadoro M, et al. EHA–EMN Evidence-Based Guidelines for diagnosis, treatment and "
    "follow-up of patients with multiple myeloma. Nat Rev Clin Oncol. 2025. doi:10.1038/s41571-025-01041-x "
    "(melphalan dose in renal impairment)"
)






if TYPE_CHECKING:
    Weight = float
    Height = float
else:
    Weight = Quantity(WEIGHT)
    Height = Quantity(HEIGHT)


def mosteller(height_cm: float, weight_kg: float) -> float:
    return math.sqrt(height_cm * weight_kg / 3600.0)


def dubois(height_cm: float, weight_kg: float) -> float:
    return float(0.007184 * height_cm**0.725 * weight_kg**0.425)


class BsaInput(CalcInput):
    height: Height = Field(description="height (cm, m or in)")
    weight: Weight = Field(description="actual body weight (kg or lb)")
    method: Literal["mosteller", "dubois"] = "mosteller"


def compute_bsa(inp: BsaInput) -> CalcResult:
    h, w = inp.height, inp.weight
    values = {"mosteller": mosteller(h, w), "dubois": dubois(h, w)}
    bsa = round(values[inp.method], 3)
    other = "dubois" if inp.method == "mosteller" else "mosteller"
    other_bsa = round(values[other], 3)
    capped = bsa > CARFILZOMIB_BSA_CAP_M2
    carfilzomib_bsa = CARFILZOMIB_BSA_CAP_M2 if capped else bsa
    formula = (
        f"√({h:.1f} cm × {w:.1f} kg / 3600)"
        if inp.method == "mosteller"
        else f"0.007184 × {h:.1f}^0.725 × {w:.1f}^0.425"
    )
    name = {"mosteller": "Mosteller", "dubois": "DuBois"}
    explanation = [
        ExplanationRow(item="Height", value=f"{h:.1f} cm", points=None),
        ExplanationRow(item="Weight", value=f"{w:.1f} kg (actual body weight)", points=None),
        ExplanationRow(item=f"BSA ({name[inp.method]})", value=f"{formula} = {bsa:.3f} m²", points=bsa),
        ExplanationRow(item=f"For comparison: {name[other]}", value=f"{other_bsa:.3f} m²", points=other_bsa),
        ExplanationRow(
            item="Carfilzomib dosing BSA",
            value=(
                f"{bsa:.3f} m² > {CARFILZOMIB_BSA_CAP_M2} m²: dose on {CARFILZOMIB_BSA_CAP_M2} m² (cap)"
                if capped
                else f"{bsa:.3f} m² (≤ {CARFILZOMIB_BSA_CAP_M2} m² cap: not capped)"
            ),
            points=carfilzomib_bsa,
        ),
    ]
    dosing_notes: list[dict[str, Any]] = [
        {
            "drug": "carfilzomib",
            "note": (
                f"Carfilzomib doses (mg/m²) are calculated on BSA capped at {CARFILZOMIB_BSA_CAP_M2} m²: this "
                f"patient's dosing BSA is {carfilzomib_bsa:.3f} m²" + (" (capped)." if capped else " (not capped).")
            ),
            "dosing_bsa_m2": carfilzomib_bsa,
            "cap_applied": capped,
            "source": CARFILZOMIB_CAP_SOURCE,
            "status": "CONFIRMED",
        },
        {
            "drug": "melphalan",
            "note": "In renal impairment the guideline restricts high-dose melphalan before ASCT to 100–140 mg/m².",
            "source": "EHA–EMN 2025 guideline",
            "status": "CONFIRMED",
            "guideline": guideline_quotes("melphalan"),
        },
    ]
    warnings: list[str] = []
    if capped:
        warnings.append(
            f"BSA {bsa:.3f} m² exceeds {CARFILZOMIB_BSA_CAP_M2} m²: carfilzomib is dosed on {CARFILZOMIB_BSA_CAP_M2} m²"
        )
    elif abs(bsa - CARFILZOMIB_BSA_CAP_M2) <= 0.05:
        warnings.append(
            f"BSA {bsa:.3f} m² is close to the carfilzomib {CARFILZOMIB_BSA_CAP_M2} m² cap: recheck height and weight"
        )
    if abs(values["mosteller"] - values["dubois"]) / values["mosteller"] > 0.05:
        warnings.append(
            f"Mosteller ({values['mosteller']:.3f} m²) and DuBois ({values['dubois']:.3f} m²) differ by more than "
            "5% at this body size: use the formula of the protocol"
        )
    interpretation = (
        f"Body-surface area {bsa:.3f} m² ({name[inp.method]}). Carfilzomib dosing BSA {carfilzomib_bsa:.3f} m²"
        + (" (capped at 2.2 m²)." if capped else ".")
        + " Doses are not rounded to vial sizes; check the protocol and label."
    )
    return CalcResult(
        calculator="bsa",
        result={
            "bsa_m2": bsa,
            "method": inp.method,
            "bsa_other_method_m2": other_bsa,
            "carfilzomib_bsa_m2": carfilzomib_bsa,
            "carfilzomib_cap_applied": capped,
            "dosing_notes": dosing_notes,
        },
        inputs={
            "height": {"value": h, "unit": "cm"},
            "weight": {"value": w, "unit": "kg"},
            "method": inp.method,
        },
        explanation=explanation,
        interpretation=interpretation,
        warnings=warnings,
        references=[
            MOSTELLER if inp.method == "mosteller" else DUBOIS,
            DUBOIS if inp.method == "mosteller" else MOSTELLER,
            CARFILZOMIB_CAP_SOURCE,
            GUIDELINE,
        ],
        calculator_version=VERSION,
    )


def bsa_headline(r: Mapping[str, Any]) -> str:
    return f"BSA {r['bsa_m2']:g} m²"


BSA = register(
    Calculator(
        id="bsa",
        title="Body-surface area (Mosteller or DuBois), with the carfilzomib 2.2 m² cap",
        reference="Mosteller RD. N Engl J Med 1987;317:1098; Du Bois D, Du Bois EF. Arch Intern Med 1916;17:863",
        input_model=BsaInput,
        compute=compute_bsa,
        keywords=("BSA", "body surface area", "body surface", "Mosteller", "DuBois", "m²", "carfilzomib dose"),
        headline=bsa_headline,
        group="Kidney and body size",
        order=14,
        scored=False,
        field_labels=labels("height", "weight", method="Formula"),
    )
)
