"""Version metadata for the frozen builds, from ``app.__version__`` (the one place it is set).

Used by ``packaging/mmguide.spec`` (Windows version resource, macOS Info.plist) and by
``packaging/windows/build.ps1`` / ``packaging/macos/build.sh`` (``python packaging/version_info.py``
prints the version). It reads ``app/__init__.py`` as text, so importing it needs neither Qt nor
the app's dependencies.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

APP_NAME = "Myeloma Pocket Guide"
COMPANY = "Myeloma Pocket Guide"
DESCRIPTION = "Myeloma Pocket Guide: the EHA-EMN 2025 myeloma guideline, offline"
COPYRIGHT = "Proprietary. Guideline content: EHA-EMN 2025 (see About)."
BUNDLE_ID = "org.myelomapocketguide.mmguide"


def app_version() -> str:
    """``__version__`` from app/__init__.py, e.g. ``"0.1.0"``."""
    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r"^__version__\s*=\s*[\"']([^\"']+)[\"']", text, re.MULTILINE)
    if not match:
        raise SystemExit("packaging: no __version__ in app/__init__.py")
    return match.group(1)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """Four integers for the Windows fixed file info: ``"1.2.3rc1"`` → ``(1, 2, 3, 0)``."""
    parts = [int(m) for m in re.findall(r"\d+", version.split("+")[0])[:3]]
    parts += [0] * (4 - len(parts))
    return (parts[0], parts[1], parts[2], parts[3])


def windows_version_info(version: str | None = None):  # type: ignore[no-untyped-def]
    """A PyInstaller ``VSVersionInfo`` for ``EXE(version=...)`` (Windows only; ignored elsewhere)."""
    from PyInstaller.utils.win32.versioninfo import (
        FixedFileInfo,
        StringFileInfo,
        StringStruct,
        StringTable,
        VarFileInfo,
        VarStruct,
        VSVersionInfo,
    )

    version = version or app_version()
    numbers = version_tuple(version)
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers, mask=0x3F, flags=0x0, OS=0x40004, fileType=0x1,
                          subtype=0x0, date=(0, 0)),
        kids=[
            StringFileInfo([
                StringTable("040904B0", [
                    StringStruct("CompanyName", COMPANY),
                    StringStruct("FileDescription", DESCRIPTION),
                    StringStruct("FileVersion", version),
                    StringStruct("InternalName", "mmguide"),
                    StringStruct("LegalCopyright", COPYRIGHT),
                    StringStruct("OriginalFilename", "mmguide.exe"),
                    StringStruct("ProductName", APP_NAME),
                    StringStruct("ProductVersion", version),
                ])
            ]),
            VarFileInfo([VarStruct("Translation", [0x0409, 1200])]),
        ],
    )


def macos_info_plist(version: str | None = None) -> dict[str, object]:
    """Info.plist keys for the macOS app bundle."""
    version = version or app_version()
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "NSHumanReadableCopyright": COPYRIGHT,
        "NSHighResolutionCapable": True,
        "LSMinimumSystemVersion": "11.0",
        "LSApplicationCategoryType": "public.app-category.medical",
        # offline app: it declares no network use, no camera, no microphone
    }


if __name__ == "__main__":
    sys.stdout.write(app_version() + "\n")
