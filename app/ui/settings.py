"""UI preferences: a typed registry of options over ``QSettings`` (after MusicBrainz Picard).

Only the options registered here can be read or written, each with its type, default and
accepted values, so nothing else (above all no patient value typed into a form) can reach the
settings file. Unknown keys found in the file are ignored; a value of the wrong type or out of
range reads as the default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

THEMES: dict[str, str] = {
    "system": "Follow the system",
    "light": "Light",
    "dark": "Dark",
    "high-contrast": "High contrast",
}
#: Default unit system of the calculators (the key and values ``app.ui.calc.units`` reads).
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


_GEOMETRY = re.compile(r"^-?\d{1,6},-?\d{1,6},\d{1,6},\d{1,6}$")
#: the file that holds the preferences of an installation started with ``--data-dir``
PREFERENCES_FILE = "preferences.ini"


def _geometry(value: str) -> bool:
    return value == "" or bool(_GEOMETRY.match(value))


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
        Option("ui/window_geometry", str, "", "Window position and size when it last closed (x,y,w,h)", _geometry),
        Option("ui/window_maximized", bool, False, "Whether the window was maximised when it last closed"),
        Option("content/whats_new_seen", str, "", "SHA-256 of the guideline database whose changes were last shown",
               lambda v: v == "" or re.fullmatch(r"[0-9a-f]{64}", v) is not None),
    )
}


class MemoryStore:
    """A settings store that lives in memory only (``--self-test``: the user's file is never touched)."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def value(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def setValue(self, key: str, value: Any) -> None:  # noqa: N802 - the QSettings name
        self._values[key] = value

    def remove(self, key: str) -> None:
        self._values.pop(key, None)

    def sync(self) -> None:
        return None

    def fileName(self) -> str:  # noqa: N802 - the QSettings name
        return ""


class Settings:
    """Typed access to the registered preferences. ``qsettings`` defaults to the app's store."""

    def __init__(self, qsettings: QSettings | MemoryStore | None = None) -> None:
        self._q = qsettings if qsettings is not None else QSettings()

    @classmethod
    def for_launch(cls, data_dir: str | Path | None = None, *, ephemeral: bool = False) -> Settings:
        """The preferences of one launch: in memory only for a self-test; in ``<data-dir>/preferences.ini``
        when the app was started with ``--data-dir``; else the user's own store (``QSettings``)."""
        if ephemeral:
            return cls(MemoryStore())
        if data_dir:
            path = Path(data_dir).expanduser() / PREFERENCES_FILE
            return cls(QSettings(str(path), QSettings.Format.IniFormat))
        return cls()

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

    @property
    def window_geometry(self) -> tuple[int, int, int, int] | None:
        """(x, y, width, height) of the window when it last closed, or None."""
        raw = str(self.get("ui/window_geometry"))
        if not raw:
            return None
        x, y, w, h = (int(v) for v in raw.split(","))
        return x, y, w, h

    @window_geometry.setter
    def window_geometry(self, value: tuple[int, int, int, int] | None) -> None:
        self.set("ui/window_geometry", "" if value is None else ",".join(str(int(v)) for v in value))

    @property
    def window_maximized(self) -> bool:
        return bool(self.get("ui/window_maximized"))

    @window_maximized.setter
    def window_maximized(self, value: bool) -> None:
        self.set("ui/window_maximized", bool(value))
