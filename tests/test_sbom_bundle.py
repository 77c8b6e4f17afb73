"""The SBOM and licence checks of the frozen bundle, on a small bundle built in the test, and the SBOM
writer (CycloneDX 1.6, schema-validated) on components like the real ones."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def check_bundle():
    return _load("check_bundle", ROOT / "packaging" / "check_bundle.py")


@pytest.fixture(scope="module")
def sbom():
    return _load("mmguide_sbom", ROOT / "packaging" / "sbom.py")


def _component(name: str, locations: list[str], *, text: str | None = None, gap: bool = False) -> dict:
    props = []
    if text:
        props.append({"name": "mmguide:licence-text", "value": text})
    if gap:
        props.append({"name": "mmguide:licence-text-gap", "value": "why"})
    return {"type": "library", "name": name, "version": "1.0", "licenses": [{"expression": "MIT"}],
            "properties": props, "evidence": {"occurrences": [{"location": loc} for loc in locations]}}


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A bundle whose every file is in its SBOM, with licence texts and the safety documents."""
    b = tmp_path / "mmguide"
    for rel in ("mmguide", "_internal/libfoo.so.1", "_internal/app/_bundled/guide.sqlite", "licenses/README.md",
                "licenses/foo-1.0/LICENSE", "docs/intended-use.md", "docs/test-vectors.md",
                "docs/safety/hazards.md", "docs/safety/README.md"):
        (b / rel).parent.mkdir(parents=True, exist_ok=True)
        (b / rel).write_text(rel, encoding="utf-8")
    (b / "_internal/libfoo.so").symlink_to("libfoo.so.1")
    doc = {
        "bomFormat": "CycloneDX", "specVersion": "1.6",
        "metadata": {"component": {"type": "application", "name": "myeloma-pocket-guide", "version": "0.1.0",
                                   "licenses": [{"license": {"name": "Proprietary"}}],
                                   "evidence": {"occurrences": [{"location": "mmguide"},
                                                                {"location": "_internal/app/_bundled/guide.sqlite"}]}}},
        "components": [
            _component("foo", ["_internal/libfoo.so.1", "_internal/libfoo.so"], text="licenses/foo-1.0/LICENSE"),
            _component("ICU", [], gap=True),
        ],
    }
    (b / "sbom.cdx.json").write_text(json.dumps(doc), encoding="utf-8")
    return b


def _rels(b: Path) -> list[str]:
    return sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file() or p.is_symlink())


def test_a_complete_bundle_passes(check_bundle, bundle):
    assert check_bundle.sbom_problems(bundle, _rels(bundle)) == []


def test_a_file_in_no_component_fails(check_bundle, bundle):
    (bundle / "_internal" / "libsneaky.so.2").write_bytes(b"x")
    assert check_bundle.sbom_problems(bundle, _rels(bundle)) == [
        "_internal/libsneaky.so.2 is in no component of the SBOM"]


def test_a_missing_licence_text_or_an_unlicensed_component_fails(check_bundle, bundle):
    (bundle / "licenses/foo-1.0/LICENSE").unlink()
    doc = json.loads((bundle / "sbom.cdx.json").read_text(encoding="utf-8"))
    doc["components"].append({**_component("bar", []), "licenses": []})
    (bundle / "sbom.cdx.json").write_text(json.dumps(doc), encoding="utf-8")
    problems = check_bundle.sbom_problems(bundle, _rels(bundle))
    assert "licence text licenses/foo-1.0/LICENSE of foo 1.0 is missing" in problems
    assert "SBOM component bar 1.0 has no licence" in problems
    assert "SBOM component bar 1.0 has no licence text under licenses/" in problems


def test_no_sbom_or_missing_documents_fail(check_bundle, bundle):
    (bundle / "docs/safety/hazards.md").unlink()
    problems = check_bundle.sbom_problems(bundle, _rels(bundle), require_safety_report=True)
    assert "docs/safety/hazards.md is missing" in problems
    assert "docs/safety/safety-case-report.pdf is missing" in problems
    (bundle / "sbom.cdx.json").unlink()
    assert check_bundle.sbom_problems(bundle, _rels(bundle))[0].startswith("no CycloneDX SBOM")


def test_a_dangling_link_fails_the_whole_check(check_bundle, bundle):
    (bundle / "_internal" / "libgone.so.6").symlink_to("nowhere/libgone.so.6")
    problems = check_bundle.check(bundle, budget_mb=120, quiet=True)
    assert "_internal/libgone.so.6 is a dangling symbolic link" in problems


def test_debian_licence_names_are_read_from_a_machine_readable_copyright(sbom, tmp_path):
    text = ("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\n"
            "Copyright: 1995 Someone\nLicense: Zlib\n text\n\nFiles: contrib/*\nLicense: GPL-2+\n text\n\n"
            "License: Zlib\n the text\n")
    path = tmp_path / "copyright"
    path.write_text(text, encoding="utf-8")
    assert sbom._debian_licences(path) == ["Zlib", "GPL-2+"]


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs a Debian-based system")
def test_system_libraries_are_attributed_to_their_debian_package(sbom):
    lib = next((p for p in ("/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1")
                if Path(p).exists()), None)
    if lib is None:
        pytest.skip("no libz at the usual place")
    assert sbom.dpkg_owners([lib]) == {lib: "zlib1g"}


def test_the_sbom_writer_makes_valid_cyclonedx_with_every_location_and_licence(sbom, tmp_path):
    pytest.importorskip("cyclonedx")
    lic = tmp_path / "LICENSE"
    lic.write_text("MIT text", encoding="utf-8")
    parts = [
        sbom.Part(key="product", name="myeloma-pocket-guide", version="0.1.0", kind="application",
                  licence_names=["Proprietary"], locations={"mmguide"}),
        sbom.Part(key="pypi:foo", name="foo", version="1.2", kind="library", purl="pkg:pypi/foo@1.2",
                  licence_expression="MIT", licence_files=[("LICENSE", lic)],
                  locations={"_internal/foo/_foo.so", "mmguide (PYZ archive): foo"}),
    ]
    dist = tmp_path / "dist"
    dist.mkdir()
    assert sbom.write_licences(dist, parts) == []
    assert (dist / "licenses" / "foo-1.2" / "LICENSE").read_text(encoding="utf-8") == "MIT text"
    readme = (dist / "licenses" / "README.md").read_text(encoding="utf-8")
    assert "LGPL-3.0" in readme and "| foo | 1.2 | MIT |" in readme
    out = sbom.write_sbom(dist, parts)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["bomFormat"] == "CycloneDX" and doc["specVersion"] == "1.6"
    assert doc["metadata"]["component"]["name"] == "myeloma-pocket-guide"
    foo = next(c for c in doc["components"] if c["name"] == "foo")
    assert foo["purl"] == "pkg:pypi/foo@1.2" and foo["licenses"] == [{"expression": "MIT"}]
    assert {o["location"] for o in foo["evidence"]["occurrences"]} == {"_internal/foo/_foo.so",
                                                                     "mmguide (PYZ archive): foo"}
    assert not any(c["name"] == "ICU" for c in doc["components"])


def _icu_part(sbom):
    return sbom.Part(key="icu", name="ICU", version="73", kind="library", licence_names=["Unicode"],
                     locations={"_internal/libicuuc.so.73"})


def test_the_icu_licence_of_the_same_release_is_shipped_without_a_note(sbom, tmp_path):
    (tmp_path / "73.2").mkdir()
    (tmp_path / "73.2" / "LICENSE").write_text("ICU 73.2 licence", encoding="utf-8")
    (tmp_path / "72.1").mkdir()
    (tmp_path / "72.1" / "LICENSE").write_text("ICU 72.1 licence", encoding="utf-8")
    part = _icu_part(sbom)
    sbom._icu_licence(part, "73.2", str(tmp_path / "*" / "LICENSE"))
    assert part.version == "73.2" and part.purl == "pkg:generic/icu@73.2"
    assert part.licence_files == [("LICENSE", tmp_path / "73.2" / "LICENSE")]
    assert "licence-text-note" not in part.properties and "ICU" not in sbom.KNOWN_GAPS


def test_a_neighbouring_icu_licence_is_shipped_with_a_note_saying_which_release_it_is(sbom, tmp_path):
    (tmp_path / "72.1").mkdir()
    (tmp_path / "72.1" / "LICENSE").write_text("ICU 72.1 licence", encoding="utf-8")
    part = _icu_part(sbom)
    sbom._icu_licence(part, "73.2", str(tmp_path / "*" / "LICENSE"))
    assert part.licence_files == [("LICENSE", tmp_path / "72.1" / "LICENSE")]
    note = part.properties["licence-text-note"]
    assert "ICU 73.2" in note and "ICU 72.1" in note and "Confirm" in note
    dist = tmp_path / "dist"
    dist.mkdir()
    assert sbom.write_licences(dist, [part]) == []
    assert (dist / "licenses" / "ICU-73.2" / "LICENSE").read_text(encoding="utf-8") == "ICU 72.1 licence"
    readme = (dist / "licenses" / "README.md").read_text(encoding="utf-8")
    assert "neighbouring release" in readme and "**ICU 73.2**" in readme


def test_without_any_icu_licence_file_icu_is_a_known_gap_not_a_silent_one(sbom, tmp_path, monkeypatch):
    monkeypatch.setattr(sbom, "KNOWN_GAPS", {})
    part = _icu_part(sbom)
    sbom._icu_licence(part, "73.2", str(tmp_path / "*" / "LICENSE"))
    assert part.licence_files == [] and "libicu-dev" in sbom.KNOWN_GAPS["ICU"]
    dist = tmp_path / "dist"
    dist.mkdir()
    assert sbom.write_licences(dist, [part]) == []
    assert "libicu-dev" in (dist / "licenses" / "README.md").read_text(encoding="utf-8")
