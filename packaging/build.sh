#!/usr/bin/env bash
# Build the Linux one-folder bundle dist/mmguide/ (executable dist/mmguide/mmguide) and check it.
#
#   bash packaging/build.sh            # uses the active Python (a venv with the app installed)
#   PYTHON=/path/to/python bash packaging/build.sh
#
# Installs PyInstaller (the `build` extra: pyinstaller>=6.5) if it is missing, builds from
# packaging/mmguide.spec (one folder, no UPX, stripped, ICU data stub; see packaging/README.md),
# builds db/guide.sqlite first if it is absent, then writes the CycloneDX SBOM (sbom.cdx.json) and
# the licence texts (licenses/) at the top of the bundle (packaging/sbom.py), copies the safety
# documents into docs/ (with the safety case report from MMGUIDE_SAFETY_REPORT, a folder written by
# `python tools/safety_report.py --out DIR`), and runs packaging/check_bundle.py (no QtNetwork, no
# TLS/SSL libraries, SBOM and licences complete, within the 120 MB budget) and prints the size.
# Environment: MMGUIDE_BUNDLE_BUDGET_MB (default 120), MMGUIDE_ICU=full (keep the real ICU data),
# MMGUIDE_STRIP=0 (do not strip), MMGUIDE_SAFETY_REPORT=DIR (the safety case report to ship).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"
command -v "$PY" >/dev/null 2>&1 || PY=python3

started=$(date +%s)
if ! "$PY" -c "import PyInstaller, cyclonedx" >/dev/null 2>&1; then
  echo "packaging: installing the build tools (PyInstaller, cyclonedx-bom)"
  "$PY" -m pip install -q "pyinstaller>=6.5" "cyclonedx-bom>=7"
fi
"$PY" -c "import PySide6, app" >/dev/null 2>&1 || {
  echo "packaging: the app and PySide6 must be importable by $PY (pip install -e .)" >&2
  exit 2
}
if [ ! -f db/guide.sqlite ]; then
  echo "packaging: db/guide.sqlite is missing: building it from resources/content"
  "$PY" -m app.storage.build --out db/guide.sqlite
fi

echo "packaging: PyInstaller $("$PY" -m PyInstaller --version), app $("$PY" packaging/version_info.py)"
rm -rf dist/mmguide
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/mmguide.spec

test -x dist/mmguide/mmguide || { echo "packaging: dist/mmguide/mmguide was not built" >&2; exit 1; }
# a link whose target the spec pruned is not shipped
find dist/mmguide -xtype l -print -delete | sed 's/^/packaging: removed a dangling link: /'
"$PY" packaging/sbom.py dist/mmguide --workpath build/pyinstaller/mmguide
mkdir -p dist/mmguide/docs/safety
cp docs/intended-use.md docs/test-vectors.md dist/mmguide/docs/
cp docs/safety/README.md docs/safety/hazards.md docs/safety/hazards.yaml dist/mmguide/docs/safety/
if [ -n "${MMGUIDE_SAFETY_REPORT:-}" ]; then
  cp "$MMGUIDE_SAFETY_REPORT"/safety-case-report.md "$MMGUIDE_SAFETY_REPORT"/safety-case-report.pdf dist/mmguide/docs/safety/
else
  echo "packaging: NOTE: no MMGUIDE_SAFETY_REPORT given: the bundle ships without the safety case report"
fi
echo "packaging: built dist/mmguide/ in $(( $(date +%s) - started )) s"
"$PY" packaging/check_bundle.py dist/mmguide
echo "packaging: size on disk: $(du -sh dist/mmguide | cut -f1) (du -sh)"
