"""Check a frozen Myeloma Pocket Guide bundle: no networking or TLS code, the data inside, the size budget.

    python packaging/check_bundle.py [dist/mmguide] [--budget-mb 120] [--quiet]

Fails (exit 1) when the one-folder bundle
- holds Qt's networking module or anything that brings TLS: ``QtNetwork`` (Python module or
  ``libQt6Network`` / ``Qt6Network.dll`` / ``QtNetwork.framework``), Qt's ``tls`` or
  ``networkinformation`` plugins, OpenSSL (``libssl``/``libcrypto``, whoever ships them),
  GnuTLS or NSS, Python's ``_ssl``/``_hashlib``, QtWebEngine;
- holds an ELF file that *links* one of those (DT_NEEDED), even from the system;
- has an ELF file that links a Qt library the bundle lacks (a plugin left dangling by the spec's
  filtering);
- lacks the executable, the bundled database or the content resources;
- is larger on disk than the budget (default 120 MB, 1 MB = 10^6 bytes, counted as allocated
  blocks, symlinks not followed);
- lacks its CycloneDX SBOM (``sbom.cdx.json``, written by ``packaging/sbom.py``) or it is not
  CycloneDX, a component has no licence or no licence text under ``licenses/`` (unless the SBOM
  names the gap), or a file of the bundle is in no component; lacks ``licenses/README.md`` or the
  safety documents under ``docs/`` (with ``--require-safety-report``, also the safety case report);
- holds a dangling symbolic link.

Prints the size (apparent and on disk) and the largest parts. Standard library only; the ELF
reader is also used by ``packaging/mmguide.spec`` to prune libraries nothing links any more.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import struct
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (what, regex on the path relative to the bundle, lower-cased, "/" separators)
FORBIDDEN: list[tuple[str, re.Pattern[str]]] = [
    ("QtNetwork (Python module)", re.compile(r"(^|/)pyside6/qtnetwork\.")),
    ("QtNetwork (Qt library)", re.compile(r"(^|/)(lib)?qt6network[^/]*$|(^|/)qtnetwork\.framework(/|$)")),
    ("Qt TLS plugins", re.compile(r"(^|/)plugins/tls(/|$)")),
    ("Qt network-information plugins", re.compile(r"(^|/)plugins/(networkinformation|bearer)(/|$)")),
    ("OpenSSL library", re.compile(r"(^|/)(libssl|libcrypto|ssleay32|libeay32)[^/]*\.(so|dll|dylib)[^/]*$")),
    ("GnuTLS / NSS library", re.compile(r"(^|/)(libgnutls|libnss3|libssl3|libnspr4)[^/]*$")),
    ("Python TLS/OpenSSL module", re.compile(r"(^|/)_(ssl|hashlib)\.[^/]*(so|pyd)$")),
    ("QtWebEngine", re.compile(r"qtwebengine")),
]
#: DT_NEEDED names that no bundled ELF file may link, even from the system
FORBIDDEN_NEEDED = re.compile(r"^(libqt6network|libssl|libcrypto|libgnutls|libnss3|libssl3)", re.IGNORECASE)


# ------------------------------------------------------------------------------------- ELF
def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_needed(path: Path) -> list[str]:
    """The DT_NEEDED names of an ELF file (its direct shared-library dependencies), [] if none or not ELF."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return []
    if data[:4] != b"\x7fELF" or len(data) < 64:
        return []
    is64 = data[4] == 2
    endian = "<" if data[5] == 1 else ">"
    try:
        if is64:
            shoff, = struct.unpack_from(endian + "Q", data, 0x28)
            shentsize, shnum = struct.unpack_from(endian + "HH", data, 0x3A)
        else:
            shoff, = struct.unpack_from(endian + "I", data, 0x20)
            shentsize, shnum = struct.unpack_from(endian + "HH", data, 0x2E)
        sections = []
        for i in range(shnum):
            off = shoff + i * shentsize
            if is64:
                _name, sh_type, _flags, _addr, sh_offset, sh_size, sh_link = struct.unpack_from(
                    endian + "IIQQQQI", data, off)
            else:
                _name, sh_type, _flags, _addr, sh_offset, sh_size, sh_link = struct.unpack_from(
                    endian + "IIIIIII", data, off)
            sections.append((sh_type, sh_offset, sh_size, sh_link))
        needed: list[str] = []
        for sh_type, sh_offset, sh_size, sh_link in sections:
            if sh_type != 6:  # SHT_DYNAMIC
                continue
            _t, str_off, _str_size, _l = sections[sh_link]
            entsize = 16 if is64 else 8
            fmt = endian + ("qQ" if is64 else "iI")
            for off in range(sh_offset, sh_offset + sh_size, entsize):
                tag, val = struct.unpack_from(fmt, data, off)
                if tag == 0:  # DT_NULL
                    break
                if tag == 1:  # DT_NEEDED
                    end = data.index(b"\0", str_off + val)
                    needed.append(data[str_off + val:end].decode("utf-8", "replace"))
        return needed
    except (struct.error, IndexError, ValueError):
        return []


# ----------------------------------------------------------------------------------- walking
def walk(bundle: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(bundle, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            yield Path(dirpath) / name
        for name in dirnames:  # symlinked folders (macOS frameworks) count as entries, not walked
            p = Path(dirpath) / name
            if p.is_symlink():
                yield p


def sizes(bundle: Path) -> tuple[int, int, dict[str, int]]:
    """(apparent bytes, bytes on disk, on-disk bytes per top-level part)."""
    apparent = disk = 0
    parts: dict[str, int] = {}
    seen: set[tuple[int, int]] = set()
    for path in walk(bundle):
        st = path.lstat()
        key = (st.st_dev, st.st_ino)
        if key in seen:  # hard links count once
            continue
        seen.add(key)
        blocks = getattr(st, "st_blocks", None)
        on_disk = blocks * 512 if blocks is not None else st.st_size
        apparent += st.st_size
        disk += on_disk
        rel = path.relative_to(bundle).parts
        part = "/".join(rel[:3]) if rel[:2] == ("_internal", "PySide6") else "/".join(rel[:2])
        parts[part] = parts.get(part, 0) + on_disk
    return apparent, disk, parts


#: files of the bundle that describe it rather than being part of a component
_DESCRIBING = re.compile(r"^(sbom\.cdx\.json|licenses/.*|docs/.*)$")
SAFETY_DOCS = ("docs/intended-use.md", "docs/test-vectors.md", "docs/safety/hazards.md", "docs/safety/README.md")
SAFETY_REPORT = ("docs/safety/safety-case-report.md", "docs/safety/safety-case-report.pdf")


def sbom_problems(bundle: Path, rels: list[str], require_safety_report: bool = False) -> list[str]:
    """The SBOM names every file and every licence; the licence texts and safety documents are there."""
    problems: list[str] = []
    path = bundle / "sbom.cdx.json"
    if not path.is_file():
        return ["no CycloneDX SBOM sbom.cdx.json at the top of the bundle (packaging/sbom.py)"]
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [f"sbom.cdx.json is not JSON: {exc}"]
    if doc.get("bomFormat") != "CycloneDX" or not str(doc.get("specVersion", "")).startswith("1."):
        problems.append("sbom.cdx.json is not a CycloneDX 1.x document")
    components = list(doc.get("components") or [])
    root = (doc.get("metadata") or {}).get("component")
    if not root or not components:
        return [*problems, "sbom.cdx.json has no metadata component or no components"]
    located: set[str] = set()
    for comp in [root, *components]:
        name = f"{comp.get('name')} {comp.get('version')}"
        located |= {o.get("location") for o in (comp.get("evidence") or {}).get("occurrences") or []}
        if not comp.get("version"):
            problems.append(f"SBOM component {name} has no version")
        if not comp.get("licenses"):
            problems.append(f"SBOM component {name} has no licence")
        if comp is root or comp.get("type") == "data":
            continue
        props = {(p.get("name"), p.get("value")) for p in comp.get("properties") or []}
        texts = [v for k, v in props if k == "mmguide:licence-text"]
        gap = any(k == "mmguide:licence-text-gap" for k, _v in props)
        if not texts and not gap:
            problems.append(f"SBOM component {name} has no licence text under licenses/")
        problems += [f"licence text {t} of {name} is missing" for t in texts if not (bundle / t).is_file()]
    for rel in rels:
        if not _DESCRIBING.match(rel) and rel not in located and not (bundle / rel).is_dir():
            problems.append(f"{rel} is in no component of the SBOM")
    for rel in ("licenses/README.md", *SAFETY_DOCS, *(SAFETY_REPORT if require_safety_report else ())):
        if not (bundle / rel).is_file():
            problems.append(f"{rel} is missing")
    try:
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator
    except ImportError:  # the schema check needs the build extra; the checks above are the stdlib's
        return problems
    version = {"1.5": SchemaVersion.V1_5, "1.6": SchemaVersion.V1_6}.get(str(doc.get("specVersion")))
    if version is not None:
        error = JsonStrictValidator(version).validate_str(path.read_text(encoding="utf-8"))
        if error is not None:
            problems.append(f"sbom.cdx.json does not validate against CycloneDX {doc.get('specVersion')}: {error}")
    return problems


def check(bundle: Path, budget_mb: float, quiet: bool = False, require_safety_report: bool = False) -> list[str]:
    problems: list[str] = []
    if not bundle.is_dir():
        return [f"no bundle at {bundle}"]
    files = list(walk(bundle))
    rels = {p: p.relative_to(bundle).as_posix() for p in files}
    names_in_bundle = {p.name for p in files}

    for rel in rels.values():
        low = rel.lower()
        for what, pattern in FORBIDDEN:
            if pattern.search(low):
                problems.append(f"forbidden ({what}): {rel}")

    elf_count = 0
    for path, rel in rels.items():
        if path.is_symlink() or not path.is_file() or not is_elf(path):
            continue
        elf_count += 1
        for name in elf_needed(path):
            if FORBIDDEN_NEEDED.match(name):
                problems.append(f"{rel} links {name} (networking/TLS)")
            elif name.lower().startswith("libqt6") and name not in names_in_bundle:
                problems.append(f"{rel} links {name}, which is not in the bundle")

    exe_names = ("mmguide", "mmguide.exe")
    if not any((bundle / n).is_file() for n in exe_names):
        problems.append("no mmguide executable at the top of the bundle")
    db = [rel for rel in rels.values() if rel.endswith("app/_bundled/guide.sqlite")]
    if not db:
        problems.append("the bundled database app/_bundled/guide.sqlite is missing")
    if not any("app/_bundled/resources/content/" in rel for rel in rels.values()):
        problems.append("the content resources app/_bundled/resources/content/ are missing")
    if sys.platform.startswith("linux") and elf_count:
        for plugin in ("platforms/libqxcb.so", "platforms/libqoffscreen.so"):
            if not any(rel.endswith(plugin) for rel in rels.values()):
                problems.append(f"Qt platform plugin {plugin} is missing")

    for path, rel in rels.items():
        if path.is_symlink() and not path.exists():
            problems.append(f"{rel} is a dangling symbolic link")
    problems += sbom_problems(bundle, sorted(rels.values()), require_safety_report)

    apparent, disk, parts = sizes(bundle)
    budget = budget_mb * 1_000_000
    mb = 1_000_000
    mib = 1 << 20
    print(f"bundle {bundle}: {len(files)} files, {elf_count} ELF")
    print(f"bundle size: {disk / mb:.1f} MB on disk ({disk / mib:.1f} MiB), {apparent / mb:.1f} MB apparent; "
          f"budget {budget_mb:g} MB")
    if not quiet:
        print("largest parts (on disk):")
        for part, n in sorted(parts.items(), key=lambda kv: -kv[1])[:14]:
            print(f"  {n / mb:7.1f} MB  {part}")
    if disk > budget:
        problems.append(f"bundle is {disk / mb:.1f} MB on disk, over the {budget_mb:g} MB budget")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bundle", nargs="?", type=Path, default=ROOT / "dist" / "mmguide")
    parser.add_argument("--budget-mb", type=float, default=float(os.environ.get("MMGUIDE_BUNDLE_BUDGET_MB", 120)))
    parser.add_argument("-q", "--quiet", action="store_true", help="no breakdown of the largest parts")
    parser.add_argument("--require-safety-report", action="store_true",
                        help="fail when docs/safety/safety-case-report.md and .pdf are not in the bundle")
    args = parser.parse_args(argv)
    problems = check(args.bundle, args.budget_mb, args.quiet, args.require_safety_report)
    for problem in problems:
        print(f"FAIL: {problem}")
    verdict = "OK (no QtNetwork, no TLS/SSL libraries, SBOM and licences complete, within budget)"
    print("check_bundle: " + ("FAILED" if problems else verdict))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
