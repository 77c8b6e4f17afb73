"""What the GUI says of a calculator result beside the core's own words: the inputs as entered,
the explanation's number column, the step-up schedule's headers, the lenalidomide dose line
beside a creatinine clearance and what would raise an incomplete CRS grade.
"""

from __future__ import annotations

from typing import Any

from app.core.calculators.presentation import calculator, input_rows
from app.ui.widgets import screen_words


def result_input_rows(result: Any) -> list[tuple[str, str]]:
    """The inputs as entered, with the canonical value beside a converted one."""
    return input_rows(calculator(result.calculator), result.inputs, getattr(result, "entered", None))


def points_header(calc_id: str) -> str:
    return "Points" if calculator(calc_id).scored else "Number"


SCHEDULE_HEADERS = ("Day", "Step", "Dose", "Monitoring", "Premed.")


def headline_extra(calc_id: str, result: Any) -> str:
    """A second headline line where the result's first use is a dose: beside the creatinine
    clearance, lenalidomide's starting dose by the EU SmPC and by the US label (the rows the
    calculator looked up, with their status when not confirmed)."""
    if calc_id != "crcl" or not isinstance(result.result, dict):
        return ""
    len_ = result.result.get("lenalidomide")
    if not isinstance(len_, dict):
        return ""
    parts = []
    for key, label in (("eu", "EU SmPC"), ("us", "US label")):
        row = len_.get(key)
        if isinstance(row, dict) and row.get("dose"):
            status = row.get("status")
            flag = f" [{status}]" if status and status != "CONFIRMED" else ""
            parts.append(f"{label} {row['dose']}{flag}")
    if not parts:
        return ""
    return "Lenalidomide starting dose (Rd, 25 mg regimen; not maintenance): " + " · ".join(parts)


def raised_by(result: Any) -> list[str]:
    """What would give a higher grade, for a result that says so (CRS from an incomplete form)."""
    values = result.result if isinstance(result.result, dict) else {}
    return [screen_words(str(x)) for x in values.get("raised_by") or []]
