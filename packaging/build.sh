#!/usr/bin/env bash
# Build the Linux one-folder bundle dist/mmguide/ (executable dist/mmguide/mmguide) and check it.
#
#   bash packaging/build.sh            # uses the active Python (a venv with the app installed)
#   PYTHON=/path/to/python bash packaging/build.sh
#
# Installs PyInstaller (the `build` extra: pyinstaller>=6.5) if it is missing, builds from
# packaging/mmguide.spec (one folder, no UPX, stripped, ICU data stub; see packaging/README.md),
# builds db/guide.sqlite first if it is absent, then runs packaging/check_bundle.py (no
# QtNetwork, no TLS/SSL libraries, within the 120 MB budget) and prints the size.
# Environment: MMGUIDE_BUNDLE_BUDGET_MB (default 120), MMGUIDE_ICU=full (keep the real ICU data),
# MMGUIDE_STRIP=0 (do not strip).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"
command -v "$PY" >/dev/null 2>&1 || PY=python3

started=$(date +%s)
if ! "$PY" -c "import PyInstaller" >/dev/null 2>&1; then
  echo "packaging: installing PyInstaller"
  "$PY" -m pip install -q "pyinstaller>=6.5"
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
echo "packaging: built dist/mmguide/ in $(( $(date +%s) - started )) s"
"$PY" packaging/check_bundle.py dist/mmguide
echo "packaging: size on disk: $(du -sh dist/mmguide | cut -f1) (du -sh)"
