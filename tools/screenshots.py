"""Regenerate docs/screenshots/<screen>.png: every screen of the app at 1280×800, offscreen.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [--out docs/screenshots] [--theme light]

Also: the search palette with a query (search.png), Fig. 2 answered for a lenalidomide-
refractory patient, a calculator with inputs, the guideline's Table 1 and Box 1 pages, the
main window in the dark and high-contrast themes, and Figs. 1–3 in states that show each status
of a listed regimen (fallback, not available, already received, excluded) and a refused answer,
zoomed on the box concerned with one regimen focused (FIGURE_STATES). Look at every picture
after running it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZE = (1280, 800)
FIG2_FACTS = {
    "lenalidomide_status": "refractory",
    "anti_cd38_status": "naive",
    "bortezomib_status": "sensitive",
    "car_t_eligible": True,
}
FIG2_FALLBACK_FACTS = {
    "lenalidomide_status": "refractory",
    "anti_cd38_status": "refractory",
    "bortezomib_status": "sensitive",
    "car_t_eligible": True,
}
FIG3_RECEIVED_FACTS = {
    "triple_class_refractory": True,
    "refractory_to": ["teclistamab"],
    "line": 5,
    "car_t_eligible": True,
    "previously_received": ["Carvykti"],
    "prior_asct": True,
    "ttp_after_asct_years": 2,
}
#: (file name, figure, answers, box to show, regimen to focus, theme)
FIGURE_STATES: list[tuple[str, str, dict[str, Any], str, str, str]] = [
    (
        "fig1-first-option-unavailable",
        "fig1",
        {"asct_eligible": True, "first_option_available": False},
        "te-induction",
        "DaraVRd",
        "light",
    ),
    ("fig2-fallbacks", "fig2", FIG2_FALLBACK_FACTS, "r-c-len-cd38-ref", "Kd", "light"),
    ("fig3-already-received", "fig3", FIG3_RECEIVED_FACTS, "tcr", "cilta-cel", "light"),
    ("fig2-fallbacks-dark", "fig2", FIG2_FALLBACK_FACTS, "r-c-len-cd38-ref", "SelVd", "dark"),
    ("fig3-already-received-high-contrast", "fig3", FIG3_RECEIVED_FACTS, "tcr", "teclistamab", "high-contrast"),
    (
        "fig1-not-accepted",
        "fig1",
        {"asct_eligible": False, "age": 82, "imwg_frailty_score": 0},
        "q-ti-frailty",
        "",
        "light",
    ),
]
CALCULATOR = ("iss", {"b2m": "6.1", "albumin": "32"})
SEARCH_QUERY = "lenalidomide refractory"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--theme", default="light", choices=["system", "light", "dark", "high-contrast"])
    args = parser.parse_args(argv)

    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    # A throw-away settings store: screenshots never touch the user's preferences.
    settings_dir = tempfile.mkdtemp(prefix="mmguide-shots-")
    QCoreApplication.setOrganizationName("MyelomaPocketGuideScreenshots")
    QCoreApplication.setApplicationName("mmguide-screenshots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)

    from app.ui.main_window import MainWindow
    from app.ui.screens import SCREENS
    from app.ui.settings import Settings

    settings = Settings()
    settings.theme = args.theme
    window = MainWindow(settings)
    window.resize(*SIZE)
    window.show()
    window.load_services(None)
    if window.guide is None:
        print(f"the database could not be opened: {window.load_error}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def shot(name: str) -> None:
        settle()
        path = args.out / f"{name}.png"
        window.grab().save(str(path))
        written.append(path)

    for screen_id in SCREENS:
        widget = window.show_screen(screen_id)
        _prepare(screen_id, widget)
        window.focus_screen()
        shot(screen_id)

    window.show_screen("guideline")
    palette = window.open_search(SEARCH_QUERY)
    palette.search_now()
    palette.move_selection(1)
    shot("search")
    palette.close_palette()

    guideline = window.show_screen("guideline")
    if hasattr(guideline, "open_item"):
        for name, payload in (
            ("guideline-table1", "table1"),
            ("guideline-box1", "box1:high-b2m-normal-creatinine"),
            ("guideline-statement", "sup-infection-ivig"),
        ):
            try:
                guideline.open_item(payload)
            except KeyError:
                continue
            shot(name)

    for theme in ("dark", "high-contrast"):
        window.set_theme(theme)
        window.navigate("guideline", "rrmm2-len-refractory-other")
        shot(f"theme-{theme}")
    window.set_theme(args.theme)

    for name, figure_id, facts, node_id, regimen, theme in FIGURE_STATES:
        window.set_theme(theme)
        widget = window.show_screen(figure_id)
        try:
            _show_state(widget, facts, node_id, regimen)
        except Exception as exc:  # a screenshot run reports, it does not stop
            print(f"{name}: could not prepare the screen: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        shot(name)
        widget.clear_answers()
        widget.view.fit()
    window.set_theme(args.theme)
    window.close()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


def _show_state(widget: Any, facts: dict[str, Any], node_id: str, regimen: str) -> None:
    """Answer a figure, zoom on one box and give one of its regimens the keyboard focus."""
    widget.set_facts(dict(facts))
    if widget.facts_error is None:  # keep the "Not accepted" message of a refused answer in view
        widget.open_item(node_id)
    if regimen:
        widget.view.setFocus()
        entry = next(e for e in widget.scene.entries_of(node_id) if e.regimen == regimen)
        entry.setFocus()
        widget.view.ensureVisible(entry, 40, 40)
    else:
        widget.panel.focus_fact(next(iter(widget.panel.error_fields()), ""))


def _prepare(screen_id: str, widget: Any) -> None:
    """Put something on the screens that start empty: facts for Fig. 2, inputs for a calculator."""
    try:
        if screen_id == "fig2" and hasattr(widget, "open_item"):
            widget.open_item(dict(FIG2_FACTS))
        elif screen_id == "calculators" and hasattr(widget, "open_item"):
            calc_id, values = CALCULATOR
            widget.open_item(calc_id)
            form = getattr(getattr(widget, "panel", None), "form", None)
            if form is not None:
                for path, text in values.items():
                    with contextlib.suppress(KeyError, AttributeError):
                        form.editor(path).setText(text)
                widget.panel.recompute()
        elif screen_id == "crs" and hasattr(widget, "open_item"):
            widget.open_item(2)
        elif screen_id == "icans" and hasattr(widget, "open_item"):
            widget.open_item(3)
        elif screen_id == "regimens" and hasattr(widget, "open_item"):
            widget.open_item("DaraKd")
        elif screen_id == "guideline" and hasattr(widget, "open_item"):
            widget.open_item("rrmm2-len-refractory-other")
    except Exception as exc:  # a screenshot run reports, it does not stop
        print(f"{screen_id}: could not prepare the screen: {type(exc).__name__}: {exc}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
