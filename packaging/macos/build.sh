#!/usr/bin/env bash
# Build Myeloma Pocket Guide for macOS: app bundle, self-test, bundle check, codesign,
# notarisation, stapling, and a signed, notarised disk image. Runs on macOS 12+ with Xcode's
# command-line tools and Python 3.11 (python.org universal2 build for a universal app, or the
# machine's own architecture). It cannot run on Linux CI; every step is the documented one.
#
#   bash packaging/macos/build.sh                      # unsigned build + self-test (any Mac)
#   MMGUIDE_CODESIGN_IDENTITY="Developer ID Application: Hospital Trust (TEAMID1234)" \
#   MMGUIDE_NOTARY_PROFILE=mmguide-notary \
#   bash packaging/macos/build.sh                      # signed, notarised, stapled .app and .dmg
#
# One-off, to store the notarisation credentials in the keychain (an app-specific password or
# an App Store Connect API key):
#   xcrun notarytool store-credentials mmguide-notary --apple-id you@example.org --team-id TEAMID1234
#
# Output: dist/Myeloma Pocket Guide.app and dist/mmguide-<version>-macos.dmg
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3.11}
IDENTITY=${MMGUIDE_CODESIGN_IDENTITY:-}
NOTARY=${MMGUIDE_NOTARY_PROFILE:-}
ENTITLEMENTS="$ROOT/packaging/macos/entitlements.plist"
APP="dist/Myeloma Pocket Guide.app"

[ "$(uname -s)" = Darwin ] || { echo "packaging/macos/build.sh runs on macOS only" >&2; exit 2; }

# 1. environment: the app and PyInstaller (the `build` extra)
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
PY="$ROOT/.venv/bin/python"
"$PY" -m pip install -q --upgrade pip
"$PY" -m pip install -q -e ".[build]"
VERSION=$("$PY" packaging/version_info.py)
[ -f db/guide.sqlite ] || "$PY" -m app.storage.build --out db/guide.sqlite

# 2. PyInstaller: dist/mmguide/ (mmguide windowed, mmguide-cli console) and the .app around it.
#    With an identity, PyInstaller signs every binary it collects (hardened runtime, timestamp)
#    using MMGUIDE_CODESIGN_IDENTITY and MMGUIDE_ENTITLEMENTS (read by mmguide.spec).
rm -rf dist/mmguide "$APP"
MMGUIDE_ENTITLEMENTS=$([ -n "$IDENTITY" ] && echo "$ENTITLEMENTS" || true) \
  "$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/mmguide.spec

# 3. frozen self-test (offscreen; the console executable inside the bundle prints the JSON report)
tmp=$(mktemp -d)
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/mmguide-cli" --self-test --data-dir "$tmp/data" >"$tmp/report.json"
"$PY" - "$tmp/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
print(f"frozen self-test: ok={report['ok']} screens={report['screens']}")
sys.exit(0 if report["ok"] else f"frozen self-test failed: {report['failures']}")
PY
rm -rf "$tmp"

# 4. the bundle check (QtNetwork.framework, TLS plugins, OpenSSL dylibs) and its size
"$PY" packaging/check_bundle.py dist/mmguide --budget-mb "${MMGUIDE_BUNDLE_BUDGET_MB:-160}"

if [ -z "$IDENTITY" ]; then
  echo "unsigned build: $APP (set MMGUIDE_CODESIGN_IDENTITY and MMGUIDE_NOTARY_PROFILE to sign and notarise)"
  exit 0
fi

# 5. sign the bundle as a whole (inside-out signing of the binaries was done by PyInstaller;
#    this seals Contents/ and the main executable with the hardened runtime), then verify
codesign --force --timestamp --options runtime --entitlements "$ENTITLEMENTS" --sign "$IDENTITY" "$APP"
codesign --verify --deep --strict --verbose=2 "$APP"

# 6. notarise the app (zip it with ditto, which keeps the bundle's symlinks and metadata), staple
if [ -n "$NOTARY" ]; then
  ditto -c -k --keepParent "$APP" "dist/mmguide-$VERSION-app.zip"
  xcrun notarytool submit "dist/mmguide-$VERSION-app.zip" --keychain-profile "$NOTARY" --wait
  xcrun stapler staple "$APP"
  xcrun stapler validate "$APP"
  spctl --assess --type execute --verbose=4 "$APP"
  rm -f "dist/mmguide-$VERSION-app.zip"
fi

# 7. the disk image: signed, notarised and stapled too (what IT distributes)
DMG="dist/mmguide-$VERSION-macos.dmg"
rm -f "$DMG"
stage=$(mktemp -d)
cp -R "$APP" "$stage/"
ln -s /Applications "$stage/Applications"
hdiutil create -volname "Myeloma Pocket Guide $VERSION" -srcfolder "$stage" -fs HFS+ -format UDZO "$DMG"
rm -rf "$stage"
codesign --force --timestamp --sign "$IDENTITY" "$DMG"
if [ -n "$NOTARY" ]; then
  xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY" --wait
  xcrun stapler staple "$DMG"
  spctl --assess --type open --context context:primary-signature --verbose=4 "$DMG"
fi
echo "done: $APP and $DMG"
