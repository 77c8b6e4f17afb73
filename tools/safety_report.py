"""The clinical safety case report of a release, and the safety documents generated from their sources.

    python tools/safety_report.py --out DIR [--junit FILE]   # DIR/safety-case-report.md and .pdf
    python tools/safety_report.py --hazards                  # docs/safety/hazards.md from hazards.yaml
    python tools/safety_report.py --intended-use             # the module table of docs/intended-use.md
    python tools/safety_report.py --check                    # exit 1 if the log is invalid or a document stale

The report is built from the hazard log (``docs/safety/hazards.yaml``), the outcome of every test the
log names and the content version: scope, the product identified (app and content versions, database
SHA-256, commit), each hazard with its controls and their test outcomes, the residual risks, and the open
issues (failed or unverified controls, controls without a test). With ``--junit`` the outcomes come from
an existing pytest JUnit XML (CI passes the full suite's); without it the tests the log names are run
(``python -m pytest`` on their node ids). The PDF is drawn by Qt (QTextDocument → QPdfWriter, offscreen).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HAZARDS_YAML = ROOT / "docs" / "safety" / "hazards.yaml"
HAZARDS_MD = ROOT / "docs" / "safety" / "hazards.md"
INTENDED_USE_MD = ROOT / "docs" / "intended-use.md"
REPORT_NAME = "safety-case-report"
SEVERITY = ("minor", "significant", "considerable", "major", "catastrophic")
LIKELIHOOD = ("very low", "low", "medium", "high", "very high")
BEGIN = "<!-- BEGIN generated: python tools/safety_report.py --intended-use (source: app/services/intended_use.py) -->"
END = "<!-- END generated -->"
GENERATED_NOTE = ("<!-- Generated from docs/safety/hazards.yaml by `python tools/safety_report.py --hazards`; "
                  "edit the YAML, not this file. -->")


# --- the log ----------------------------------------------------------------------------------------


def load_log(path: Path = HAZARDS_YAML) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def base_id(node_id: str) -> str:
    """``tests/x.py::test_y[a-b]`` → ``tests/x.py::test_y``."""
    return node_id.split("[", 1)[0]


def referenced_tests(log: dict[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for hazard in log["hazards"]:
        for control in hazard.get("controls") or []:
            for test in control.get("tests") or []:
                seen.setdefault(base_id(test), None)
    return list(seen)


def existing_tests(root: Path = ROOT) -> set[str]:
    """Every test function's node id (``path::name`` and ``path::Class::name``) under ``root/tests``."""
    found: set[str] = set()
    for path in sorted((root / "tests").rglob("test_*.py")):
        rel = path.relative_to(root).as_posix()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
                found.add(f"{rel}::{node.name}")
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name.startswith("test"):
                        found.add(f"{rel}::{node.name}::{item.name}")
    return found


def problems(log: dict[str, Any], tests: set[str] | None = None) -> list[str]:
    """What makes the log unacceptable: a hazard without a tested control, a test id that does not
    exist, a control neither tested nor declared untested, missing fields, ratings off the scales."""
    tests = existing_tests() if tests is None else tests
    out: list[str] = []
    ids: set[str] = set()
    for hazard in log.get("hazards") or []:
        hid = hazard.get("id", "?")
        if hid in ids:
            out.append(f"{hid}: duplicate hazard id")
        ids.add(hid)
        for key in ("title", "harm", "causes", "controls", "initial", "residual", "residual_risk"):
            if not hazard.get(key):
                out.append(f"{hid}: no {key}")
        controls = hazard.get("controls") or []
        if not any(c.get("tests") for c in controls):
            out.append(f"{hid}: no control verified by a test")
        for n, control in enumerate(controls, 1):
            if not control.get("control"):
                out.append(f"{hid} control {n}: no description")
            if not control.get("tests") and not control.get("untested"):
                out.append(f"{hid} control {n}: neither tests nor an 'untested' statement")
            for test in control.get("tests") or []:
                if base_id(test) not in tests:
                    out.append(f"{hid} control {n}: test {test} does not exist")
        for when in ("initial", "residual"):
            rating = hazard.get(when) or {}
            if rating.get("severity") not in SEVERITY or rating.get("likelihood") not in LIKELIHOOD:
                out.append(f"{hid}: {when} rating {rating!r} is not on the scales")
    if not ids:
        out.append("the log has no hazards")
    return out


# --- rendering the log -------------------------------------------------------------------------------


def _rating(r: dict[str, str]) -> str:
    return f"{r['severity']} / {r['likelihood']}"


def render_hazards_md(log: dict[str, Any]) -> str:
    out = [
        "# Hazard log",
        "",
        GENERATED_NOTE,
        "",
        f"Scope: {log['scope']}",
        "",
        "Every control names the tests that verify it (pytest node ids); `tests/test_hazard_log.py` fails when a",
        "test id does not exist or a hazard has no tested control. Ratings (severity / likelihood) are the",
        "publisher's proposal for the hospital's clinical safety officer to review. The per-release",
        "[clinical safety case report](README.md) adds each test's outcome.",
        "",
        "| Hazard | Initial | Residual | Controls (tested) |",
        "|---|---|---|---|",
    ]
    for h in log["hazards"]:
        controls = h["controls"]
        tested = sum(1 for c in controls if c.get("tests"))
        out.append(f"| [{h['id']}](#{h['id'].lower()}) {h['title']} | {_rating(h['initial'])} | "
                   f"{_rating(h['residual'])} | {len(controls)} ({tested}) |")
    for h in log["hazards"]:
        out += ["", f"## {h['id']}", "", f"**{h['title']}**", "", f"**Harm.** {h['harm']}", "", "**Causes.**", ""]
        out += [f"- {c}" for c in h["causes"]]
        out += ["", "**Controls and the tests that verify them.**", ""]
        for n, c in enumerate(h["controls"], 1):
            out.append(f"{n}. {c['control']}")
            for t in c.get("tests") or []:
                out.append(f"   - `{t}`")
            if c.get("untested"):
                out.append(f"   - *No automated test:* {c['untested']}")
        out += ["", f"**Initial risk:** {_rating(h['initial'])}. **Residual risk:** {_rating(h['residual'])}.", "",
                f"**Residual risk.** {h['residual_risk']}"]
    return "\n".join(out) + "\n"


def render_intended_use(text: str) -> str:
    from app.services.intended_use import markdown_table

    start, end = text.index(BEGIN), text.index(END)
    return text[: start + len(BEGIN)] + "\n" + markdown_table() + text[end:]


# --- test outcomes ------------------------------------------------------------------------------------


def parse_junit(path: Path) -> dict[str, str]:
    """node id (without parameters) → ``passed`` | ``failed`` | ``skipped``, from a pytest JUnit XML."""
    outcomes: dict[str, list[str]] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        classname, name = case.get("classname", ""), case.get("name", "")
        parts = classname.split(".")
        # "tests.ui.test_x" or "tests.ui.test_x.TestClass"
        cls = parts.pop() if parts and parts[-1][:1].isupper() else None
        node = "/".join(parts) + ".py::" + (f"{cls}::" if cls else "") + base_id(name)
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        else:
            outcome = "passed"
        outcomes.setdefault(node, []).append(outcome)
    return {node: ("failed" if "failed" in v else "passed" if "passed" in v else "skipped")
            for node, v in outcomes.items()}


def run_tests(node_ids: list[str], junit: Path) -> int:
    """Run ``node_ids`` with pytest (offscreen), writing ``junit``; returns pytest's exit code."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *node_ids]
    return subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode


# --- the report ---------------------------------------------------------------------------------------


def product_facts() -> dict[str, str]:
    from app import __version__
    from app.paths import bundled_database
    from app.storage.database import verify_database

    db = bundled_database()
    info = verify_database(db)
    facts = {
        "App version": __version__,
        "Content version": f"{info.content_version} of {info.content_date.isoformat()}",
        "Bundled database SHA-256": hashlib.sha256(db.read_bytes()).hexdigest(),
        "Report date": date.today().isoformat(),
    }
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        facts["Source commit"] = commit + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        pass
    return facts


_OUTCOME_WORDS = {"passed": "passed", "failed": "FAILED", "skipped": "skipped", None: "not run"}


def control_verdict(control: dict[str, Any], outcomes: dict[str, str]) -> str:
    tests = [base_id(t) for t in control.get("tests") or []]
    if not tests:
        return "no automated test"
    results = [outcomes.get(t) for t in tests]
    if "failed" in results:
        return "FAILED"
    if all(r == "passed" for r in results):
        return "verified"
    return "not fully verified"


def render_report_md(log: dict[str, Any], outcomes: dict[str, str], facts: dict[str, str], source: str) -> str:
    hazards = log["hazards"]
    verdicts = {(h["id"], n): control_verdict(c, outcomes) for h in hazards for n, c in enumerate(h["controls"], 1)}
    referenced = referenced_tests(log)
    counts = {w: sum(1 for t in referenced if outcomes.get(t) == w) for w in ("passed", "failed", "skipped")}
    counts["not run"] = sum(1 for t in referenced if t not in outcomes)
    out = [
        "# Clinical safety case report — Myeloma Pocket Guide",
        "",
        "Generated by `python tools/safety_report.py` from the hazard log (docs/safety/hazards.yaml), the test "
        "outcomes and the content version. It is the publisher's (manufacturer's) safety case input for the "
        "hospital's clinical risk management (DCB0129/DCB0160 in the UK); the ratings are proposals for the "
        "clinical safety officer to review.",
        "",
        "## Product",
        "",
        "| Fact | Value |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in facts.items()),
        f"| Test outcomes from | {source} |",
        "",
        "## Scope and intended use",
        "",
        log["scope"].strip(),
        "",
        "Intended purpose, users and what each module does and does not do: docs/intended-use.md (also on the "
        "About screen).",
        "",
        "## Summary",
        "",
        f"{len(hazards)} hazards; {len(referenced)} tests referenced by the controls: {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['skipped']} skipped, {counts['not run']} not run.",
        "",
        "| Hazard | Residual risk (severity / likelihood) | Controls verified |",
        "|---|---|---|",
    ]
    for h in hazards:
        n = len(h["controls"])
        ok = sum(1 for i in range(1, n + 1) if verdicts[(h["id"], i)] == "verified")
        failed = sum(1 for i in range(1, n + 1) if verdicts[(h["id"], i)] == "FAILED")
        flag = f" — **{failed} FAILED**" if failed else ""
        out.append(f"| {h['id']} {h['title']} | {_rating(h['residual'])} | {ok} of {n}{flag} |")
    out += ["", "## Hazards, controls and test outcomes"]
    for h in hazards:
        out += ["", f"### {h['id']} {h['title']}", "", f"**Harm.** {h['harm']}", "",
                "**Causes.** " + "; ".join(c.rstrip(".") for c in h["causes"]) + ".", ""]
        out.append("**Controls and their tests.**")
        out.append("")
        for n, c in enumerate(h["controls"], 1):
            out.append(f"{n}. {c['control']} — **{verdicts[(h['id'], n)]}**")
            for t in c.get("tests") or []:
                out.append(f"    - {_OUTCOME_WORDS[outcomes.get(base_id(t))]}: `{t}`")
            if c.get("untested"):
                out.append(f"    - *{c['untested']}*")
        out += ["", f"**Risk:** initial {_rating(h['initial'])}; residual {_rating(h['residual'])}.", "",
                f"**Residual risk.** {h['residual_risk'].strip()}"]
    out += ["", "## Open issues", ""]
    issues = []
    for h in hazards:
        for n, c in enumerate(h["controls"], 1):
            verdict = verdicts[(h["id"], n)]
            if verdict == "FAILED":
                failed = [t for t in c["tests"] if outcomes.get(base_id(t)) == "failed"]
                issues.append(f"{h['id']} control {n}: a verifying test FAILED ({', '.join(failed)}).")
            elif verdict == "not fully verified":
                missing = [t for t in c["tests"] if outcomes.get(base_id(t)) != "passed"]
                issues.append(f"{h['id']} control {n}: not every verifying test passed in this run "
                              f"({', '.join(missing)}).")
            elif verdict == "no automated test":
                issues.append(f"{h['id']} control {n}: no automated test — {c.get('untested', '')}")
    out += [f"- {i}" for i in issues] or ["- None."]
    out += ["", "Residual risks that remain with the hospital are listed under each hazard above.", "",
            "## Review", "", "| Role | Name | Date | Decision |", "|---|---|---|---|",
            *(f"| {role} | {'_' * 24} | {'_' * 12} | {'_' * 20} |"
              for role in ("Publisher's clinical safety officer", "Hospital clinical safety officer"))]
    return "\n".join(out) + "\n"


def write_pdf(markdown: str, out: Path) -> Path:
    """Draw ``markdown`` to an A4 PDF with Qt (offscreen), with the page number in the footer."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
    from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    writer = QPdfWriter(str(out))
    writer.setResolution(300)
    writer.setTitle("Clinical safety case report — Myeloma Pocket Guide")
    writer.setCreator("tools/safety_report.py")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(18, 18, 18, 20), QPageLayout.Unit.Millimeter))
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)  # fonts in points at the PDF's resolution
    font = QFont("DejaVu Sans")
    font.setPointSizeF(9.5)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet("table { border-collapse: collapse; } td, th { padding: 2px; }")
    doc.setMarkdown(markdown)
    painter = QPainter(writer)
    try:
        page_rect = writer.pageLayout().paintRectPixels(writer.resolution())
        footer_h = writer.resolution() * 0.25
        body = QSizeF(page_rect.width(), page_rect.height() - footer_h)
        doc.setPageSize(body)
        doc.documentLayout()  # lays the document out at the page width
        pages = max(1, doc.pageCount())
        stamp_font = QFont(font)
        stamp_font.setPointSizeF(8.5)
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * body.height())
            doc.drawContents(painter, QRectF(QPointF(0, page * body.height()), body))
            painter.restore()
            painter.setFont(stamp_font)
            painter.drawText(QRectF(0, body.height(), body.width(), footer_h),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             f"Myeloma Pocket Guide — clinical safety case report — page {page + 1} of {pages}")
    finally:
        painter.end()
    del app
    return out


def build_report(out_dir: Path, junit: Path | None = None) -> tuple[Path, Path, dict[str, str]]:
    log = load_log()
    issues = problems(log)
    if issues:
        raise SystemExit("the hazard log is not acceptable:\n  " + "\n  ".join(issues))
    out_dir.mkdir(parents=True, exist_ok=True)
    if junit is None:
        with tempfile.TemporaryDirectory(prefix="mmguide-safety-") as tmp:
            junit_file = Path(tmp) / "junit.xml"
            run_tests(referenced_tests(log), junit_file)
            outcomes = parse_junit(junit_file) if junit_file.is_file() else {}
        source = "a run of the tests the hazard log names"
    else:
        outcomes = parse_junit(junit)
        source = f"the test run recorded in {junit.name}"
    markdown = render_report_md(log, outcomes, product_facts(), source)
    md_path = out_dir / f"{REPORT_NAME}.md"
    md_path.write_text(markdown, encoding="utf-8")
    pdf_path = write_pdf(markdown, out_dir / f"{REPORT_NAME}.pdf")
    return md_path, pdf_path, outcomes


def stale_documents() -> list[str]:
    stale = []
    if HAZARDS_MD.read_text(encoding="utf-8") != render_hazards_md(load_log()):
        stale.append(str(HAZARDS_MD.relative_to(ROOT)))
    text = INTENDED_USE_MD.read_text(encoding="utf-8")
    if render_intended_use(text) != text:
        stale.append(str(INTENDED_USE_MD.relative_to(ROOT)))
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="write the safety case report (markdown and PDF) into this folder")
    parser.add_argument("--junit", type=Path, help="take the test outcomes from this pytest JUnit XML")
    parser.add_argument("--hazards", action="store_true", help="regenerate docs/safety/hazards.md")
    parser.add_argument("--intended-use", action="store_true", help="regenerate the table of docs/intended-use.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if the log is invalid or a document is stale")
    args = parser.parse_args(argv)
    if not (args.out or args.hazards or args.intended_use or args.check):
        parser.error("nothing to do: give --out DIR, --hazards, --intended-use or --check")
    if args.hazards:
        HAZARDS_MD.write_text(render_hazards_md(load_log()), encoding="utf-8")
        print(f"wrote {HAZARDS_MD.relative_to(ROOT)}")
    if args.intended_use:
        INTENDED_USE_MD.write_text(render_intended_use(INTENDED_USE_MD.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {INTENDED_USE_MD.relative_to(ROOT)}")
    if args.check:
        issues = problems(load_log()) + [f"{p} is stale: regenerate it" for p in stale_documents()]
        for issue in issues:
            print(f"FAIL: {issue}")
        if issues:
            return 1
        print("safety documents: OK")
    if args.out:
        md, pdf, outcomes = build_report(args.out, args.junit)
        failed = sorted(t for t in referenced_tests(load_log()) if outcomes.get(t) == "failed")
        print(f"wrote {md} and {pdf} ({len(outcomes)} test outcomes; {len(failed)} referenced tests failed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
