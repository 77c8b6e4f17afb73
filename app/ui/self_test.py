"""``mmguide --self-test``: open every screen, run a search, check the active database, report JSON.

The report: ``{"ok", "screens": [ids visited], "checks": {...}, "failures": [...]}``. A screen
whose module is missing, or that fails to build, is a failure, as is an empty search or a
database whose integrity check does not pass.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from app.ui.screens import SCREENS

SEARCH_QUERY = "lenalidomide refractory"
#: where the search palette is visited, in the order of the report
SEARCH_AFTER = "guideline"


def self_test(window: Any) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    failures: list[str] = []
    visited: list[str] = []
    if window.guide is None:
        window.load_services(None)
    guide = window.guide
    if guide is None:
        failures.append(f"database: {window.load_error}")
        checks["database"] = {"error": window.load_error}
    else:
        info = guide.info()
        checks["database"] = {k: info[k] for k in ("source", "content_version", "content_date", "integrity")}
        if info["integrity"] != "ok":
            failures.append(f"database integrity: {info['integrity']}")
        checks["flowcharts"] = [f.id for f in guide.figures()]

    screen_checks: dict[str, str] = {}
    for screen_id in SCREENS:
        ok = _visit(window, screen_id, screen_checks, failures)
        if ok:
            visited.append(screen_id)
        if screen_id == SEARCH_AFTER and _search(window, checks, failures):
            visited.append("search")
    if "search" not in visited and SEARCH_AFTER not in SCREENS and _search(window, checks, failures):
        visited.append("search")
    checks["screens"] = screen_checks
    return {"ok": not failures, "screens": visited, "checks": checks, "failures": failures}


def _visit(window: Any, screen_id: str, results: dict[str, str], failures: list[str]) -> bool:
    try:
        widget = window.show_screen(screen_id)
        QApplication.processEvents()
        widget.grab()  # paints it once: a crash while painting shows here
        error = window.screen_errors.get(screen_id)
        if error:
            raise RuntimeError(error)
        widget.plain_text()
        widget.document()
    except Exception as exc:
        results[screen_id] = f"failed: {type(exc).__name__}: {exc}"
        failures.append(f"screen {screen_id}: {type(exc).__name__}: {exc}")
        return False
    results[screen_id] = "ok"
    return True


def _search(window: Any, checks: dict[str, Any], failures: list[str]) -> bool:
    try:
        palette = window.open_search(SEARCH_QUERY)
        palette.search_now()
        QApplication.processEvents()
        hits = palette.model.hit_count
        checks["search"] = {"query": SEARCH_QUERY, "hits": hits, "groups": palette.model.kinds()}
        palette.close_palette()
        if hits == 0:
            raise RuntimeError(f"no results for {SEARCH_QUERY!r}")
    except Exception as exc:
        failures.append(f"search: {type(exc).__name__}: {exc}")
        return False
    return True
