"""Privacy of the GUI case (contract case.md §1): a whole GUI session leaves no file holding a case value.

A real window (offscreen) in a fresh process whose HOME, XDG_* directories, TMPDIR and --data-dir
lie in an empty temporary tree: a case with distinctive values is typed into the Patient panel
(episodes in the treatment-history editor included), the Case summary is shown and copied, short
and with sources, the screen is copied from the File menu, the patient is cleared, typed again
and the window closed. Afterwards every file of the tree is scanned for every value.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEEDLES = ["61.73", "163.9", "4.917", "33.7", "1.137", "1.293", "2021-07-19", "2023-02-13", "2023-03-06",
           "2024-11-27", "17.25"]

SESSION = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Myeloma Pocket Guide")
    app.setOrganizationName("MyelomaPocketGuide")
    from app.ui.main_window import MainWindow
    from app.ui.settings import Settings

    data_dir = sys.argv[1]
    w = MainWindow(Settings.for_launch(data_dir))
    w.show()
    while not w.painted:
        app.processEvents()
    w.load_services(data_dir)

    def choose(combo, value):
        combo.setCurrentIndex(combo.findData(value))
        combo.activated.emit(combo.currentIndex())

    def type_case():
        panel = w.show_screen("patient")
        f = panel.fields
        QTest.keyClicks(f["assessment_date"], "2024-11-27")
        QTest.keyClicks(f["patient.age"], "83")
        choose(f["patient.sex"], "female")
        QTest.keyClicks(f["patient.weight"].number, "61.73")
        QTest.keyClicks(f["patient.height"].number, "163.9")
        QTest.keyClicks(f["labs_at_diagnosis.b2m"].number, "4.917")
        f["labs_at_diagnosis.albumin"].unit.setCurrentIndex(f["labs_at_diagnosis.albumin"].unit.findText("g/L"))
        QTest.keyClicks(f["labs_at_diagnosis.albumin"].number, "33.7")
        QTest.keyClicks(f["labs_at_diagnosis.creatinine"].number, "1.137")
        QTest.keyClicks(f["labs_current.creatinine"].number, "1.293")
        h = panel.history
        h.add_button.click()
        QTest.keyClicks(h.fields["regimen"], "DaraRd")
        QTest.keyClicks(h.fields["start"], "2021-07-19")
        QTest.keyClicks(h.fields["end"], "2023-02-13")
        QTest.keyClicks(h.fields["cycles"], "17")
        choose(h.fields["stop_reason"], "progression")
        choose(h.fields["best_response"], "VGPR")
        h.add_button.click()
        QTest.keyClicks(h.fields["regimen"], "PVd")
        choose(h.fields["started_because"], "progression")
        QTest.keyClicks(h.fields["start"], "2023-03-06")
        QTest.keyClicks(h.fields["duration_months"], "17.25")
        h.fields["duration_months"].clear()
        h.fields["duration_months"].textEdited.emit("")
        choose(h.fields["stop_reason"], "ongoing")
        return panel

    type_case()
    case = w.context.case
    error = case.error.message if case.error else None
    summary = w.show_screen("case")
    short = summary.copy(False)
    full = summary.copy(True)
    menu_copy = w.copy_as_text()
    w.clear_patient()
    cleared = case.is_empty
    type_case()
    w.show_screen("case")
    w.close()
    app.processEvents()
    print(json.dumps({"error": error, "short": short, "full": full, "menu": menu_copy, "cleared": cleared,
                      "empty_after_close": case.is_empty, "routed": "Fig. 2" in full}))
    """
)


def _scan(tree: Path) -> list[str]:
    hits = []
    for path in tree.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path.relative_to(tree)}: {n}" for n in NEEDLES if n.encode() in data]
    return hits


def test_a_gui_session_leaves_no_file_holding_a_case_value(tmp_path):
    tree = tmp_path / "tree"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
                 "XDG_RUNTIME_DIR", "TMPDIR"):
        path = tree / name.lower()
        path.mkdir(parents=True, mode=0o700)
        env[name] = str(path)
    env.pop("MMGUIDE_DATA_DIR", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    data_dir = tree / "data"
    proc = subprocess.run([sys.executable, "-c", SESSION, str(data_dir)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    # the session did use the values: the case evaluated, the copies carried them
    assert out["error"] is None and out["routed"]
    assert "61.73" in out["full"] and "2023-02-13" in out["full"] and "1.293" in out["full"]
    assert out["menu"].startswith("Case summary") and out["cleared"] and out["empty_after_close"]
    assert any(tree.rglob("*")), "the tree should hold the app's own files (preferences, data dir)"
    assert _scan(tree) == []
