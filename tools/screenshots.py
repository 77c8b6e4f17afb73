"""Regenerate docs/screenshots/<screen>.png: every screen of the app at 1280×800, offscreen.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [--out docs/screenshots] [--theme light]

The matrix (``--matrix``): every screen in a real X window under Xvfb and a window manager, at
1366×768 and 1920×1080, in the Light, Dark and High contrast themes, at 100 % and 200 % text —
``<out>/<width>x<height>/<theme>-<percent>/<screen>.png``, the whole screen as the user sees it
(window frame, task-bar-free available area, the window opened as the app opens it):

    python tools/screenshots.py --matrix [--out build/screenshots] [--display :96]
                                [--sizes 1366x768,1920x1080] [--themes light,dark,high-contrast]
                                [--scales 1,2] [--screens fig1,crs]

It starts ``Xvfb <display> -screen 0 WxHx24`` and ``openbox`` for each size (both must be
installed), runs one worker process per size on that display and stops both afterwards.

Also: the search palette with a query (search.png), Fig. 2 answered for a lenalidomide-
refractory patient, a calculator with inputs, the guideline's Table 1 and Box 1 pages, the
main window in the dark and high-contrast themes, and Figs. 1–3 in states that show each status
of a listed regimen (fallback, not available, already received, excluded) and a refused answer,
zoomed on the box concerned with one regimen focused (FIGURE_STATES), and the flowcharts as a
resident sees them: typical patients in the Diagram tab (following the path) and the Steps tab
(FLOW_SHOTS; in the matrix too: MATRIX_EXTRAS ``fig2-steps``, ``fig3-typical``, ``fig3-steps``).
Look at every picture after running it.
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
FIG3_TCR_FACTS = {"triple_class_refractory": True, "refractory_to": [], "line": 4, "car_t_eligible": True}
#: the flowcharts as a resident sees them: (file name, figure, answers, tab 0 Diagram / 1 Steps, theme)
FLOW_SHOTS: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("fig2-steps", "fig2", FIG2_FACTS, 1, "light"),
    ("fig3-typical", "fig3", FIG3_TCR_FACTS, 0, "light"),
    ("fig3-steps", "fig3", FIG3_TCR_FACTS, 1, "light"),
    ("fig3-open-question-steps", "fig3", {"triple_class_refractory": True}, 1, "light"),
    ("fig2-dark", "fig2", FIG2_FACTS, 0, "dark"),
    ("fig2-steps-high-contrast", "fig2", FIG2_FACTS, 1, "high-contrast"),
]
CALCULATOR = ("iss", {"b2m": "6.1", "albumin": "32"})
SEARCH_QUERY = "lenalidomide refractory"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--theme", default="light", choices=["system", "light", "dark", "high-contrast"])
    parser.add_argument("--matrix", action="store_true", help="every screen × size × theme × text size, real X")
    parser.add_argument("--matrix-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--display", default=":96")
    parser.add_argument("--sizes", default="1366x768,1920x1080")
    parser.add_argument("--themes", default="light,dark,high-contrast")
    parser.add_argument("--scales", default="1,2")
    parser.add_argument("--screens", default="")
    args = parser.parse_args(argv)
    if args.matrix:
        return run_matrix(args)
    if args.matrix_worker:
        return matrix_worker(args)
    args.out = args.out or ROOT / "docs" / "screenshots"

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
    from PySide6.QtCore import Qt

    window.setWindowState(Qt.WindowState.WindowNoState)  # a fixed size, not the offscreen screen's
    window._fitted = True  # and not pulled into the (smaller) offscreen screen after show
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
        widget.view.follow_path()
    for name, figure_id, facts, tab, theme in FLOW_SHOTS:
        window.set_theme(theme)
        widget = window.show_screen(figure_id)
        _show_flow(widget, facts, tab)
        shot(name)
        widget.clear_answers()
        widget.show_tab(0)
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


def _show_flow(widget: Any, facts: dict[str, Any], tab: int) -> None:
    """A figure answered, in the Diagram (0, following the path) or the Steps (1) tab, the keyboard in it."""
    widget.set_facts(dict(facts))
    widget.message.setVisible(False)  # the last shot's "Answers cleared."
    widget.view.follow_path()
    widget.show_tab(tab)


def _prepare(screen_id: str, widget: Any) -> None:
    """Put something on the screens that start empty: facts for Fig. 2, inputs for a calculator."""
    try:
        if screen_id in ("fig1", "fig2", "fig3") and hasattr(widget, "show_tab"):
            widget.show_tab(0)  # the Diagram tab, as the screen opens
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


# ------------------------------------------------------------------------------------- matrix
#: extra states shot in the matrix besides each screen as it opens: (file name, screen, prepare)
MATRIX_EXTRAS = (
    "search",
    "crs-partial",
    "icans-grader",
    "calculators-crcl",
    "regimens-list",
    "fig2-steps",
    "fig3-typical",
    "fig3-steps",
)


def run_matrix(args: argparse.Namespace) -> int:
    """Start Xvfb and openbox for each size and run a worker process on that display."""
    import shutil
    import subprocess
    import time

    out: Path = args.out or ROOT / "build" / "screenshots"
    missing = [tool for tool in ("Xvfb", "openbox") if shutil.which(tool) is None]
    if missing:
        print(f"--matrix needs {', '.join(missing)} installed", file=sys.stderr)
        return 2
    status = 0
    for size in args.sizes.split(","):
        width, height = (int(v) for v in size.lower().split("x"))
        xvfb = subprocess.Popen(
            ["Xvfb", args.display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        env = {**os.environ, "DISPLAY": args.display, "QT_QPA_PLATFORM": "xcb"}
        env.pop("WAYLAND_DISPLAY", None)
        wm = None
        try:
            time.sleep(1.0)
            wm = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
            worker = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--matrix-worker",
                    "--out",
                    str(out / f"{width}x{height}"),
                    "--themes",
                    args.themes,
                    "--scales",
                    args.scales,
                    "--screens",
                    args.screens,
                ],
                env=env,
                timeout=1800,
            )
            status = status or worker.returncode
        finally:
            for proc in (wm, xvfb):
                if proc is not None:
                    proc.terminate()
                    proc.wait(timeout=10)
    return status


def matrix_worker(args: argparse.Namespace) -> int:
    """Inside one X display: the app's real window, every screen in every theme and text size."""
    import time

    from PySide6.QtCore import QCoreApplication, QSettings, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings_dir = tempfile.mkdtemp(prefix="mmguide-matrix-")
    QCoreApplication.setOrganizationName("MyelomaPocketGuideScreenshots")
    QCoreApplication.setApplicationName("mmguide-screenshots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)

    from app.ui.main_window import MainWindow
    from app.ui.screens import SCREENS
    from app.ui.settings import Settings

    out: Path = args.out
    screens = [s for s in (args.screens.split(",") if args.screens else [*SCREENS, *MATRIX_EXTRAS]) if s]
    window = MainWindow(Settings())
    window.show()
    window.load_services(None)
    if window.guide is None:
        print(f"the database could not be opened: {window.load_error}", file=sys.stderr)
        return 1
    window.dismiss_banner()

    def settle(rounds: int = 8) -> None:
        for _ in range(rounds):
            app.processEvents()
            time.sleep(0.02)

    settle(30)
    written = 0
    for theme in args.themes.split(","):
        for scale in (float(v) for v in args.scales.split(",")):
            window.set_theme(theme)
            window.set_font_scale(scale)
            folder = out / f"{theme}-{round(scale * 100)}"
            folder.mkdir(parents=True, exist_ok=True)
            for name in screens:
                try:
                    _matrix_state(window, name)
                except Exception as exc:  # a screenshot run reports, it does not stop
                    print(f"{name}: could not prepare: {type(exc).__name__}: {exc}", file=sys.stderr)
                settle()
                window.windowHandle().requestUpdate()
                settle()
                shot = app.primaryScreen().grabWindow(0)
                shot.save(str(folder / f"{name}.png"))
                written += 1
                if window.search_palette is not None and window.search_palette.isVisible():
                    window.search_palette.close_palette()
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    print(f"{written} screenshots in {out}")
    window.close()
    return 0


def _matrix_state(window: Any, name: str) -> None:
    """Show ``name``: a screen as it opens (with the docs' sample inputs) or one of MATRIX_EXTRAS."""
    from app.ui.screens import SCREENS

    if name in SCREENS:
        widget = window.show_screen(name)
        _prepare(name, widget)
        window.focus_screen()
        return
    if name == "search":
        window.show_screen("guideline")
        palette = window.open_search(SEARCH_QUERY)
        palette.search_now()
        palette.move_selection(1)
    elif name == "crs-partial":
        widget = window.show_screen("crs")
        form = widget.grader.form
        for path, value in (("temperature", "39.2"), ("hypotension", True), ("vasopressors", 1),
                            ("oxygen_device", "nasal_cannula")):
            _set(form, path, value)
        widget.grader.recompute()
    elif name == "icans-grader":
        widget = window.show_screen("icans")
        widget.grader.form.editor("ice_score").setFocus()
    elif name == "calculators-crcl":
        widget = window.show_screen("calculators")
        widget.open_item("crcl")
        form = widget.panel.form
        for path, text in (("age", "72"), ("sex", "female"), ("weight", "70"), ("creatinine", "140")):
            with contextlib.suppress(KeyError, AttributeError):
                _set(form, path, text)
        widget.panel.recompute()
    elif name == "regimens-list":
        widget = window.show_screen("regimens")
        widget.table.setFocus()
    elif name in ("fig2-steps", "fig3-typical", "fig3-steps"):
        figure_id = name[:4]
        widget = window.show_screen(figure_id)
        _show_flow(widget, FIG2_FACTS if figure_id == "fig2" else FIG3_TCR_FACTS, 1 if name.endswith("steps") else 0)


def _set(form: Any, path: str, value: Any) -> None:
    """Give a generated form's field a value, whatever its editor (as a user would)."""
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

    editor = form.editor(path)
    if isinstance(editor, QLineEdit):
        editor.setText(str(value))
        editor.textEdited.emit(str(value))
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QComboBox):
        index = editor.findData(value)
        editor.setCurrentIndex(index if index >= 0 else editor.findText(str(value)))


if __name__ == "__main__":
    raise SystemExit(main())
