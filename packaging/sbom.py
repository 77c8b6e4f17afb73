"""The frozen bundle's CycloneDX SBOM and licence texts: ``sbom.cdx.json`` and ``licenses/`` at its top.

    python packaging/sbom.py [dist/mmguide] [--workpath build/pyinstaller/mmguide]

Run after PyInstaller (``packaging/build.sh`` does). What is in the bundle is read from PyInstaller's
own tables of contents (``COLLECT-00.toc``: every file with the path it was copied from;
``PYZ-00.toc``: every Python module in the executable's archive), and each source path is attributed:

- a file of an installed Python distribution (its ``RECORD``) → that distribution (name, version,
  ``pkg:pypi`` purl, licence from its metadata, licence files from its ``.dist-info``);
- a file of the Python installation → CPython (its ``LICENSE.txt``);
- any other system file → the Debian package that owns it (``dpkg -S``; ``/usr/share/doc/<pkg>/copyright``);
- a file of this repository → the app itself (the metadata component), the bootloader → PyInstaller's.

Every component records where it sits in the bundle (``evidence.occurrences``), so
``packaging/check_bundle.py`` can prove that every file is accounted for. Qt (in the
PySide6-Essentials wheel) is LGPL-3.0: its licence texts (LGPL-3.0 and the GPL-3.0 it builds on) are
taken from the system's common licences, and ``licenses/README.md`` says how the one-folder bundle
meets the LGPL. A licence text that no build input carries is listed in :data:`KNOWN_GAPS` with the
reason, and shown in ``licenses/README.md``; anything else unattributed fails the build.

The SBOM is written with cyclonedx-python-lib (the ``build`` extra: ``cyclonedx-bom``) as CycloneDX 1.6
JSON and validated against the CycloneDX schema.
"""

from __future__ import annotations

import argparse
import ast
import glob
import hashlib
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SBOM_NAME = "sbom.cdx.json"
LICENSES = "licenses"
#: where the GNU licence texts are on Debian/Ubuntu (package base-files)
COMMON_LICENSES = Path("/usr/share/common-licenses")
#: PySide6/shiboken6 wheels carry no licence files; the LGPL-3.0 option of their licence needs these
QT_TEXTS = {"LGPL-3": "LGPL-3.0.txt", "GPL-3": "GPL-3.0.txt"}
QT_DISTRIBUTIONS = ("PySide6_Essentials", "PySide6-Essentials", "shiboken6")
#: component name → why its licence text is not in licenses/ (shown in licenses/README.md); empty
#: when every text is found (ICU's is taken from the build machine, :func:`_icu_licence`)
KNOWN_GAPS: dict[str, str] = {}
ICU_GAP = (
    "The PySide6-Essentials wheel ships the ICU libraries (libicuuc, libicui18n; the 31 MB ICU data library is "
    "replaced by an empty stub, packaging/icudata_stub.c) without ICU's licence file, and the build machine has "
    "no ICU LICENSE file (Debian/Ubuntu package libicu-dev installs it as /usr/share/icu/<version>/LICENSE). "
    "Install libicu-dev and rebuild, or take the text from the LICENSE file of the ICU source release of the "
    "same version, before distributing this bundle."
)
#: where Debian's libicu-dev installs the LICENSE file of its ICU release
ICU_LICENCE_GLOB = "/usr/share/icu/*/LICENSE"
LICENSE_FILE = re.compile(r"(^|/)(licen[cs]e|copying|notice|authors)[^/]*$", re.IGNORECASE)


@dataclass
class Part:
    """One component of the bundle and what of it is inside."""

    key: str
    name: str
    version: str
    kind: str  # library | application | framework | data | operating-system
    purl: str | None = None
    licence_expression: str | None = None
    licence_names: list[str] = field(default_factory=list)
    licence_files: list[tuple[str, Path]] = field(default_factory=list)  # (name in licenses/, source)
    locations: set[str] = field(default_factory=set)
    description: str = ""
    properties: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        return re.sub(r"[^A-Za-z0-9._+-]", "_", f"{self.name}-{self.version}")


# --- reading PyInstaller's tables of contents -----------------------------------------------------


def read_toc(path: Path) -> Any:
    return ast.literal_eval(path.read_text(encoding="utf-8"))


def collected(workpath: Path) -> list[tuple[str, str, str]]:
    """(dest relative to _internal, source path, kind) of every file COLLECT put into the bundle."""
    toc = read_toc(workpath / "COLLECT-00.toc")
    entries = [e for part in toc if isinstance(part, list) for e in part]
    return [(str(d), str(s), str(k)) for d, s, k in entries]


def archived_modules(workpath: Path) -> list[tuple[str, str]]:
    """(module, source path) of every module in the executable's PYZ archive."""
    _pyz, entries = read_toc(workpath / "PYZ-00.toc")
    return [(str(name), str(src)) for name, src, _kind in entries if src]


# --- attribution ------------------------------------------------------------------------------------


def distribution_index() -> dict[Path, metadata.Distribution]:
    index: dict[Path, metadata.Distribution] = {}
    for dist in metadata.distributions():
        for f in dist.files or []:
            try:
                index[Path(dist.locate_file(f)).resolve()] = dist
            except OSError:
                continue
    return index


def _path_forms(path: str) -> list[str]:
    """The spellings under which dpkg may know a file (merged /usr, the resolved link)."""
    forms = [path]
    real = str(Path(path).resolve())
    for p in (path, real):
        forms.append(p[len("/usr"):] if p.startswith("/usr/") else "/usr" + p)
    forms.append(real)
    return list(dict.fromkeys(forms))


def dpkg_owners(paths: list[str]) -> dict[str, str]:
    """path → the Debian package owning it, with one ``dpkg -S`` call for all of them."""
    forms = {form: path for path in paths for form in _path_forms(path)}
    if not forms:
        return {}
    try:
        out = subprocess.run(["dpkg", "-S", *forms], capture_output=True, text=True, check=False).stdout
    except OSError:
        return {}
    owners: dict[str, str] = {}
    for line in out.splitlines():
        package, sep, owned = line.partition(": ")
        if sep and owned.strip() in forms:
            owners.setdefault(forms[owned.strip()], package.split(":", 1)[0].strip())
    return owners


def _dpkg_version(package: str) -> tuple[str, str]:
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Version} ${Architecture}", package], capture_output=True,
                         text=True, check=False)
    version, _, arch = out.stdout.strip().partition(" ")
    return version or "unknown", arch or platform.machine()


def _os_id() -> str:
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        return "linux"
    match = re.search(r"^ID=\"?([^\"\n]+)", text, re.MULTILINE)
    return match.group(1) if match else "linux"


def _debian_licences(copyright_file: Path) -> list[str]:
    """The short licence names of a machine-readable Debian copyright file (``License:`` lines)."""
    names: list[str] = []
    try:
        text = copyright_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return names
    for match in re.finditer(r"^License:\s*(\S.*)$", text, re.MULTILINE):
        name = match.group(1).strip()
        if name not in names:
            names.append(name)
    return names


def _dist_part(dist: metadata.Distribution) -> Part:
    meta = dist.metadata
    name, version = meta["Name"], dist.version
    part = Part(key=f"pypi:{name.lower()}", name=name, version=version, kind="library",
                purl=f"pkg:pypi/{name.lower().replace('_', '-')}@{version}", description=meta.get("Summary") or "")
    expression = meta.get("License-Expression")
    text = (meta.get("License") or "").strip()
    if expression:
        part.licence_expression = str(expression)
    elif text and "\n" not in text and len(text) <= 120:
        part.licence_names.append(text)
    else:
        part.licence_names += [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []
                               if c.startswith("License ::")]
    for f in dist.files or []:
        rel = str(f)
        if ".dist-info/" in rel and LICENSE_FILE.search(rel):
            source = Path(dist.locate_file(f))
            if source.is_file():
                part.licence_files.append((rel.split(".dist-info/", 1)[1], source))
    return part


def _cpython() -> Part:
    lib = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    part = Part(key="cpython", name="CPython", version=platform.python_version(), kind="framework",
                purl=f"pkg:generic/cpython@{platform.python_version()}", licence_expression="PSF-2.0",
                description="The Python interpreter and standard library")
    for candidate in (lib / "LICENSE.txt", Path(sys.base_prefix) / "LICENSE.txt"):
        if candidate.is_file():
            part.licence_files.append(("LICENSE.txt", candidate))
            break
    return part


def _bootloader() -> Part:
    import PyInstaller

    dist = metadata.distribution("pyinstaller")
    part = Part(key="pyinstaller-bootloader", name="PyInstaller", version=PyInstaller.__version__,
                kind="library", purl=f"pkg:pypi/pyinstaller@{PyInstaller.__version__}",
                licence_expression="(GPL-2.0-or-later WITH Bootloader-exception) AND Apache-2.0",
                description="The bootloader of the frozen executable and PyInstaller's run-time hooks")
    for f in dist.files or []:
        if str(f).endswith("COPYING.txt"):
            part.licence_files.append(("COPYING.txt", Path(dist.locate_file(f))))
    return part


def _product(dist_dir: Path) -> Part:
    from app import __version__

    return Part(key="product", name="myeloma-pocket-guide", version=__version__, kind="application",
                licence_names=["Proprietary"], purl=None,
                description="Myeloma Pocket Guide: an offline pocket guide to the EHA–EMN 2025 myeloma guideline")


def _database(dist_dir: Path) -> Part | None:
    db = next(iter(dist_dir.glob("_internal/app/_bundled/guide.sqlite")), None)
    if db is None:
        return None
    from app.updates.active import check_database

    facts = check_database(db, quick=True)
    part = Part(key="content", name="guide.sqlite (guideline content)", version=facts.content_version,
                kind="data", licence_names=["Verbatim quotations of the EHA–EMN 2025 guideline, © Springer Nature "
                                            "Limited 2025, with their places (see About)"],
                description=f"The bundled guideline database, content {facts.content_version} of "
                            f"{facts.content_date}, schema {facts.schema_version}")
    part.hashes["SHA-256"] = hashlib.sha256(db.read_bytes()).hexdigest()
    part.locations.add("_internal/app/_bundled/guide.sqlite")
    return part


class Attributor:
    def __init__(self) -> None:
        self.parts: dict[str, Part] = {}
        self.index = distribution_index()
        self.base = Path(sys.base_prefix).resolve()
        self.unattributed: list[tuple[str, str]] = []
        self.owners: dict[str, str] = {}

    def part(self, key: str, make: Any) -> Part:
        if key not in self.parts:
            self.parts[key] = make()
        return self.parts[key]

    def attribute(self, location: str, source: str) -> Part | None:
        src = Path(source)
        resolved = src.resolve() if src.is_absolute() else src
        dist = self.index.get(resolved)
        if dist is not None and dist.metadata["Name"].lower() == "pyinstaller":
            return self._add(self.parts["pyinstaller-bootloader"], location)
        if dist is not None and dist.metadata["Name"] != "myeloma-pocket-guide":
            return self._add(self.part(f"pypi:{dist.metadata['Name'].lower()}", lambda: _dist_part(dist)), location)
        if src.is_absolute() and resolved.is_relative_to(ROOT) and "site-packages" not in resolved.parts:
            rel = resolved.relative_to(ROOT).as_posix()
            if rel == "build/pyinstaller/mmguide/base_library.zip":
                return self._add(self.part("cpython", _cpython), location)
            return self._add(self.parts["product"], location)
        if src.is_absolute() and resolved.is_relative_to(self.base):
            return self._add(self.part("cpython", _cpython), location)
        if src.is_absolute():
            package = self.owners.get(source)
            if package is not None:
                return self._add(self.part(f"deb:{package}", lambda: self._debian(package)), location)
        self.unattributed.append((location, source))
        return None

    @staticmethod
    def _add(part: Part, location: str) -> Part:
        part.locations.add(location)
        return part

    @staticmethod
    def _debian(package: str) -> Part:
        version, arch = _dpkg_version(package)
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        part = Part(key=f"deb:{package}", name=package, version=version, kind="library",
                    purl=f"pkg:deb/{_os_id()}/{package}@{version}?arch={arch}",
                    description="System library bundled from the build machine (Debian package)")
        part.licence_names = _debian_licences(copyright_file) or [f"see licenses/{part.folder}/copyright"]
        if copyright_file.is_file():
            part.licence_files.append(("copyright", copyright_file))
        return part


def gather(dist_dir: Path, workpath: Path) -> tuple[list[Part], list[tuple[str, str]]]:
    att = Attributor()
    att.parts["product"] = _product(dist_dir)
    att.parts["pyinstaller-bootloader"] = _bootloader()
    symlinks: list[tuple[str, str]] = []
    entries = collected(workpath)
    system = [src for _d, src, kind in entries if kind != "SYMLINK" and Path(src).is_absolute()
              and Path(src).resolve() not in att.index and not Path(src).resolve().is_relative_to(ROOT)
              and not Path(src).resolve().is_relative_to(att.base)]
    att.owners = dpkg_owners(system)
    for dest, src, kind in entries:
        if kind == "EXECUTABLE":
            att._add(att.parts["pyinstaller-bootloader"], dest)
            att._add(att.parts["product"], dest)
            continue
        location = f"_internal/{dest}"
        if kind == "SYMLINK":
            if (dist_dir / location).exists():  # a link left dangling by the spec's pruning is not shipped
                symlinks.append((location, f"_internal/{src}"))
            continue
        att.attribute(location, src)
    for location, target in symlinks:
        owners = [p for p in att.parts.values() if target in p.locations]
        for owner in owners:
            owner.locations.add(location)
        if not owners:
            att.unattributed.append((location, target))
    for module, src in archived_modules(workpath):
        top = module.split(".", 1)[0]
        att.attribute(f"mmguide (PYZ archive): {top}", src)
    # ICU sits inside the PySide6 wheel but is its own project with its own licence
    icu = [loc for p in att.parts.values() if p.key.startswith("pypi:pyside6") for loc in p.locations
           if re.search(r"libicu(uc|i18n)\.so\.\d+$", loc)]
    if icu:
        for p in att.parts.values():
            if p.key.startswith("pypi:pyside6"):
                p.locations -= set(icu)
        major = re.search(r"\.so\.(\d+)$", icu[0]).group(1)  # type: ignore[union-attr]
        att.parts["icu"] = Part(key="icu", name="ICU", version=major, kind="library", purl=f"pkg:generic/icu@{major}",
                                licence_names=["Unicode licence (ICU 58 and later)"],
                                description="International Components for Unicode, shipped inside the PySide6 wheel",
                                locations=set(icu))
        _icu_licence(att.parts["icu"], _icu_release(icu, dist_dir))
    database = _database(dist_dir)
    if database is not None:
        att.parts["content"] = database
    _qt_texts(att.parts)
    parts = sorted(att.parts.values(), key=lambda p: (p.kind != "application", p.name.casefold()))
    return parts, att.unattributed


def _icu_release(locations: list[str], dist_dir: Path) -> str:
    """The full ICU release of the bundled library (``73.2``), read from its version string."""
    for location in sorted(locations, key=lambda loc: "libicuuc" not in loc):
        library = dist_dir / location
        major = re.search(r"\.so\.(\d+)$", library.name)
        if major is None or not library.is_file():
            continue
        found = re.search(rb"\x00(" + major.group(1).encode() + rb"\.\d{1,2})\x00", library.read_bytes())
        if found:
            return found.group(1).decode()
    return ""


def _icu_licence(part: Part, release: str, pattern: str = ICU_LICENCE_GLOB) -> None:
    """Attach the ICU licence text found on the build machine, saying which ICU release it comes from.

    The wheel's ICU (e.g. 73.2) carries no LICENSE file; Debian's libicu-dev installs the LICENSE file of
    the system's ICU release (e.g. 72.1). Exactly the bundled release's file is used when present; else the
    nearest release's, with a note saying so (shown in licenses/README.md and the SBOM); with none, the
    component is a known gap."""
    if release:
        part.version = release
        part.purl = f"pkg:generic/icu@{release}"
    files = sorted(Path(p) for p in glob.glob(pattern))
    if not files:
        KNOWN_GAPS[part.name] = ICU_GAP
        return
    exact = [f for f in files if f.parent.name == release]
    source = exact[0] if exact else files[-1]
    part.licence_files.append(("LICENSE", source))
    part.properties["licence-text-source"] = f"{source} (ICU {source.parent.name} release, Debian libicu-dev)"
    if not exact:
        part.properties["licence-text-note"] = (
            f"The bundled libraries are ICU {release or part.version}; the licence text shipped is the LICENSE file "
            f"of the ICU {source.parent.name} release, the one the build machine has (no LICENSE file of ICU "
            f"{release or part.version} is available to the offline build). Confirm the text against the LICENSE "
            f"file of the ICU {release or part.version} source release before distributing this bundle."
        )


def _qt_texts(parts: dict[str, Part]) -> None:
    for part in parts.values():
        if part.name in QT_DISTRIBUTIONS and not part.licence_files:
            for source, target in QT_TEXTS.items():
                path = COMMON_LICENSES / source
                if path.is_file():
                    part.licence_files.append((target, path))
            part.properties["licence-option-used"] = "LGPL-3.0-only"


# --- writing ------------------------------------------------------------------------------------------


def write_licences(dist_dir: Path, parts: list[Part]) -> list[str]:
    """Copy every licence text into ``licenses/<name>-<version>/``; returns the README's problems."""
    folder = dist_dir / LICENSES
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    missing = []
    for part in parts:
        if part.kind == "application" or part.key == "content":
            continue
        if not part.licence_files:
            if part.name not in KNOWN_GAPS:
                missing.append(part.name)
            continue
        target = folder / part.folder
        target.mkdir(parents=True, exist_ok=True)
        for name, source in part.licence_files:
            out = target / name
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, out)
    (folder / "README.md").write_text(licences_readme(parts), encoding="utf-8")
    return missing


def licences_readme(parts: list[Part]) -> str:
    qt = next((p for p in parts if p.name in ("PySide6_Essentials", "PySide6-Essentials")), None)
    qt_version = qt.version if qt else "?"
    rows = []
    for p in parts:
        if p.kind == "application" or p.key == "content":
            continue
        licence = p.licence_expression or "; ".join(p.licence_names) or "not stated"
        files = ", ".join(f"[{name}]({p.folder}/{name})" for name, _src in p.licence_files) or "— (see below)"
        rows.append(f"| {p.name} | {p.version} | {licence} | {files} |")
    gaps = [f"- **{name}**: {reason}" for name, reason in KNOWN_GAPS.items() if any(p.name == name for p in parts)]
    notes = [f"- **{p.name} {p.version}**: {p.properties['licence-text-note']}" for p in parts
             if "licence-text-note" in p.properties]
    return "\n".join([
        "# Third-party licences of this bundle",
        "",
        f"Generated by `packaging/sbom.py` with `{SBOM_NAME}` (CycloneDX) at the top of the bundle, which lists every "
        "component, its version, licence, package URL and the files it occupies in the bundle.",
        "",
        "| Component | Version | Licence | Licence text |",
        "|---|---|---|---|",
        *rows,
        "",
        "## Qt and Qt for Python (LGPL-3.0) in the one-folder bundle",
        "",
        f"Qt {qt_version} and Qt for Python (PySide6-Essentials, shiboken6 {qt_version}) are offered under "
        "LGPL-3.0-only, GPL-2.0-only or GPL-3.0-only; this bundle uses them under **LGPL-3.0-only**. How it meets "
        "that licence:",
        "",
        "- **Separate, replaceable libraries (LGPL-3.0 §4(d)(1)).** Qt's libraries (`_internal/PySide6/Qt/lib/"
        "libQt6*.so.6`, with links beside them in `_internal/`), its plugins (`_internal/PySide6/Qt/plugins/`) and "
        "the PySide6/shiboken6 modules (`_internal/PySide6/*.abi3.so`, `_internal/shiboken6/`) are shared "
        "libraries loaded at run time from the bundle folder; nothing of Qt is linked statically into the app, "
        "whose own code is Python bytecode in the executable's archive. A user may replace any of them with a "
        "modified build of the same version (same ABI) by replacing the file in the bundle folder.",
        "- **Notice and licence texts (§4(a), §4(b)).** About → *Third-party software* says that Qt is used and "
        f"under which licence; the texts of LGPL-3.0 and of GPL-3.0, on which it builds, are in "
        f"`{qt.folder if qt else 'PySide6_Essentials-VERSION'}/` (copied from the build system's "
        f"`{COMMON_LICENSES}`).",
        "- **Source.** The libraries are the unmodified binaries of the PySide6-Essentials and shiboken6 wheels "
        "(symbols stripped by the build, `MMGUIDE_STRIP`); their source for exactly these versions is published by "
        "the Qt Project (download.qt.io, code.qt.io). Whoever distributes this bundle must keep that corresponding "
        "source available for as long as they distribute it (GPL-3.0 §6, which LGPL-3.0 incorporates).",
        "- **Reverse engineering.** The terms under which the app is distributed must permit modification of the "
        "app for the user's own use and reverse engineering for debugging such modifications (LGPL-3.0 §4).",
        "",
        "## Licence texts not carried by any build input",
        "",
        *(gaps or ["- None."]),
        "",
        "## Licence texts taken from a neighbouring release",
        "",
        *(notes or ["- None."]),
        "",
        "Qt itself contains third-party code (for example its own copies of some image and text libraries) whose "
        "notices are listed in Qt's documentation (\"Licenses Used in Qt\") for the version above; the wheel does "
        "not ship them.",
        "",
    ])


def write_sbom(dist_dir: Path, parts: list[Part]) -> Path:
    from cyclonedx.model import HashAlgorithm, HashType, Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
    from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
    from cyclonedx.output.json import JsonV1Dot6
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    from packageurl import PackageURL

    kinds = {"library": ComponentType.LIBRARY, "application": ComponentType.APPLICATION,
             "framework": ComponentType.FRAMEWORK, "data": ComponentType.DATA}

    def component(part: Part) -> Any:
        licences: list[Any] = []
        if part.licence_expression:
            licences.append(LicenseExpression(part.licence_expression))
        else:
            licences += [DisjunctiveLicense(name=n) for n in part.licence_names]
        props = [Property(name=f"mmguide:{k}", value=v) for k, v in sorted(part.properties.items())]
        props += [Property(name="mmguide:licence-text", value=f"{LICENSES}/{part.folder}/{name}")
                  for name, _src in part.licence_files]
        if part.name in KNOWN_GAPS:
            props.append(Property(name="mmguide:licence-text-gap", value=KNOWN_GAPS[part.name]))
        return Component(
            name=part.name, version=part.version, type=kinds[part.kind], bom_ref=part.key,
            purl=PackageURL.from_string(part.purl) if part.purl else None,
            licenses=licences, description=part.description or None, properties=props,
            hashes=[HashType(alg=HashAlgorithm.SHA_256, content=v) for v in part.hashes.values()],
            evidence=ComponentEvidence(occurrences=[Occurrence(location=loc) for loc in sorted(part.locations)])
            if part.locations else None,
        )

    product = next(p for p in parts if p.kind == "application")
    bom = Bom()
    root = component(product)
    bom.metadata.component = root
    others = [component(part) for part in parts if part is not product]
    for c in others:
        bom.components.add(c)
    bom.register_dependency(root, others)
    text = JsonV1Dot6(bom).output_as_string(indent=2)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        raise SystemExit(f"sbom: the SBOM does not validate against CycloneDX 1.6: {error}")
    out = dist_dir / SBOM_NAME
    out.write_text(text + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bundle", nargs="?", type=Path, default=ROOT / "dist" / "mmguide")
    parser.add_argument("--workpath", type=Path, default=ROOT / "build" / "pyinstaller" / "mmguide")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    parts, unattributed = gather(args.bundle, args.workpath)
    for location, source in unattributed:
        print(f"sbom: FAIL: {location} (from {source}) belongs to no known component")
    missing = write_licences(args.bundle, parts)
    for name in missing:
        print(f"sbom: FAIL: no licence text for {name}")
    out = write_sbom(args.bundle, parts)
    texts = sum(len(p.licence_files) for p in parts)
    print(f"sbom: {out.relative_to(args.bundle.parent)}: {len(parts) - 1} components "
          f"(+ the app), {texts} licence texts in {LICENSES}/, {len(KNOWN_GAPS)} known gap(s)")
    return 1 if unattributed or missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
