"""The default-unit preference (SI or conventional): the only thing the calculator forms ever store."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QSettings

#: default unit per dimension (keyed by canonical unit and accepted units) for each preference.
#: Only the laboratory units differ between the two systems; body measures stay metric.
_DEFAULT_UNITS: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {
    ("g/dL", ("g/dL", "g/L")): {"SI": "g/L", "conventional": "g/dL"},
    ("mg/dL", ("mg/dL", "µmol/L")): {"SI": "µmol/L", "conventional": "mg/dL"},
    ("mg/L", ("mg/L", "µg/mL", "mg/dL")): {"SI": "mg/L", "conventional": "mg/L"},
}

UNIT_SYSTEM_KEY = "units/default_system"
UNIT_SYSTEMS = ("SI", "conventional")


def _settings_store(context: Any) -> Any:
    store = getattr(context, "settings", None)
    if store is not None and hasattr(store, "value") and hasattr(store, "setValue"):
        return store
    return QSettings()


def read_unit_system(context: Any) -> str:
    value = _settings_store(context).value(UNIT_SYSTEM_KEY, "SI")
    return "conventional" if str(value).casefold().startswith("conv") else "SI"


def write_unit_system(context: Any, system: str) -> None:
    _settings_store(context).setValue(UNIT_SYSTEM_KEY, "conventional" if system == "conventional" else "SI")


def default_unit(canonical: str | None, accepted: Sequence[str], system: str) -> str:
    choice = _DEFAULT_UNITS.get((canonical or "", tuple(accepted)))
    if choice:
        return choice.get(system, accepted[0])
    if canonical in accepted:
        return str(canonical)
    return accepted[0] if accepted else ""
