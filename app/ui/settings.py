"""UI preferences: a typed registry of options over ``QSettings`` (after MusicBrainz Picard).

Only the options registered here can be read or written, each with its type, default and
accepted values, so nothing else (above all no patient value typed into a form) can reach the
settings file. Unknown keys found in the file are ignored; a value of the wrong type or out of
range reads as the default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QSettings

THEMES: dict[str, str] = {
    "system": "Follow the system",
    "light": "Light",
    "dark": "Dark",
    "high-contrast": "High contrast",
}
#: Default unit system of the calculators (the key and values ``app.ui.calc_form`` reads).
UNITS: dict[str, str] = {"SI": "SI units (g/L, µmol/L)", "conventional": "Conventional units (g/dL, mg/dL)"}
FONT_SCALE_MIN, FONT_SCALE_MAX, FONT_SCALE_STEP = 0.7, 2.5, 1.1


@dataclass(frozen=True)
class Option:
    """One preference: its key in the settings file, type, default and check."""

    key: str
    type: type
    default: Any
    description: str
    check: Callable[[Any], bool] = field(default=lambda _v: True)

    def convert(self, raw: Any) -> Any:
        """``raw`` as read back from ``QSettings`` (INI files return strings), or the default."""
        if raw is None:
            return self.default
        try:
            if self.type is bool:
                value: Any = raw if isinstance(raw, bool) else str(raw).strip().lower() in ("1", "true", "yes")
            else:
                value = self.type(raw)
        except (TypeError, ValueError):
            return self.default
        return value if self.check(value) else self.default


def _screen_id(value: str) -> bool:
    from app.ui.screens import SCREENS

    return value == "" or value in SCREENS


#: The registry: every preference the app keeps. Nothing else is ever written.
OPTIONS: dict[str, Option] = {
    o.key: o
    for o in (
        Option(
            "ui/font_scale",
            float,
            1.0,
            "Text size (1.0 = the system size)",
            lambda v: FONT_SCALE_MIN - 1e-9 <= v <= FONT_SCALE_MAX + 1e-9,
        ),
        Option("ui/theme", str, "system", "Colour theme", lambda v: v in THEMES),
        Option("units/default_system", str, "SI", "Default units of the calculators", lambda v: v in UNITS),
        Option(
            "content/banner_age_days",
            int,
            365,
            "Show a banner when the guideline content is older than this many days",
            lambda v: 1 <= v <= 3650,
        ),
        Option("ui/last_screen", str, "", "The screen shown when the app last closed", _screen_id),
    )
}


class Settings:
    """Typed access to the registered preferences. ``qsettings`` defaults to the app's store."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._q = qsettings if qsettings is not None else QSettings()

    # -- generic --------------------------------------------------------------------
    def get(self, key: str) -> Any:
        option = OPTIONS[key]
        return option.convert(self._q.value(key))

    def set(self, key: str, value: Any) -> None:
        if key not in OPTIONS:
            raise KeyError(f"{key!r} is not a registered preference; the settings hold UI preferences only")
        option = OPTIONS[key]
        try:
            converted = option.type(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not accepted for {key}") from None
        if not option.check(converted):
            raise ValueError(f"{value!r} is not accepted for {key}")
        self._q.setValue(key, converted)

    # -- QSettings-like access (for screens that take ``context.settings`` as a store) -------
    def value(self, key: str, default: Any = None) -> Any:
        """A registered preference (``default`` for any other key: nothing else is stored)."""
        if key not in OPTIONS:
            return default
        if self._q.value(key) is None and default is not None:
            return OPTIONS[key].convert(default)
        return self.get(key)

    def setValue(self, key: str, value: Any) -> None:  # noqa: N802 - the QSettings name
        self.set(key, value)

    def reset(self, key: str) -> None:
        self._q.remove(OPTIONS[key].key)

    def sync(self) -> None:
        self._q.sync()

    def file_name(self) -> str:
        return self._q.fileName()

    def items(self) -> Iterator[tuple[str, Any]]:
        for key in OPTIONS:
            yield key, self.get(key)

    # -- typed properties -----------------------------------------------------------
    @property
    def font_scale(self) -> float:
        return float(self.get("ui/font_scale"))

    @font_scale.setter
    def font_scale(self, value: float) -> None:
        self.set("ui/font_scale", round(min(FONT_SCALE_MAX, max(FONT_SCALE_MIN, float(value))), 3))

    @property
    def theme(self) -> str:
        return str(self.get("ui/theme"))

    @theme.setter
    def theme(self, value: str) -> None:
        self.set("ui/theme", value)

    @property
    def units(self) -> str:
        """``"SI"`` or ``"conventional"``: the unit each calculator quantity starts in."""
        return str(self.get("units/default_system"))

    @units.setter
    def units(self, value: str) -> None:
        self.set("units/default_system", value)

    @property
    def banner_age_days(self) -> int:
        return int(self.get("content/banner_age_days"))

    @banner_age_days.setter
    def banner_age_days(self, value: int) -> None:
        self.set("content/banner_age_days", int(value))

    @property
    def last_screen(self) -> str:
        return str(self.get("ui/last_screen"))

    @last_screen.setter
    def last_screen(self, value: str) -> None:
        self.set("ui/last_screen", value)
