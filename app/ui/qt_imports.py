"""A cheaper check in PySide6's import hook (PYSIDE-2029), installed before the app's UI modules load.

After PySide6 is imported, every later import goes through ``shibokensupport.feature``, which asks
``_mod_uses_pyside(module)`` whether the module's source mentions "PySide6" (to scope
``from __feature__ import …``). It answers with ``inspect.getsource``, which looks the module up
among all loaded modules and keeps every source file in ``linecache``: measured ~80 ms of
start-up and ~22 MiB of peak memory once SQLAlchemy and pydantic are loaded
(docs/performance.md). The replacement asks the same question of the file's bytes: same answer
for every module with a source file, False for built-in, frozen and compiled-only modules, as
before. The app uses no ``__feature__`` switch.
"""

from __future__ import annotations

import sys
from types import ModuleType


def _uses_pyside(module: ModuleType) -> bool:
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as handle:
            return b"PySide6" in handle.read()
    except OSError:
        return False


def speed_up_pyside_imports() -> bool:
    """Install the cheaper check (once); False when this PySide6 has no such hook."""
    import PySide6  # noqa: F401 - loads shibokensupport

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        return False
    vars(feature)["_mod_uses_pyside"] = _uses_pyside
    return True
