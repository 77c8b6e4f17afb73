"""A guide database built from a *changed copy* of ``resources/content``, and a signed package of it.

The changes are the kinds a real content update makes, each one known to the tests:

- a statement's evidence changes: ``ndmm-te-induction-vrd`` [II, B] → [I, A] (its quote too);
- a statement is added (``resp-test-added``) and one removed (``resp-urine-tests``);
- a flowchart recommendation's evidence changes: Fig. 1 ``te-induction`` IsaVRd [I, A] → [II, B];
- a regimen's name changes (``VRd``);
- the content version and date move on (2025.2.0 of 2025-09-01).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "resources" / "content"

NEW_VERSION = "2025.2.0"
NEW_DATE = "2025-09-01"
EVIDENCE_CHANGED = "ndmm-te-induction-vrd"
ADDED = "resp-test-added"
REMOVED = "resp-urine-tests"
NODE_CHANGED = "fig1:te-induction"
REGIMEN_CHANGED = "VRd"
ADDED_QUOTE = "A statement added by a test update to check what the app shows as new [III, C]."

_ADDED_YAML = f"""
- id: {ADDED}
  section: response-recs
  kind: recommendation
  source:
    quote: "{ADDED_QUOTE}"
    location: "Test update"
  regimens: []
  drugs: []
  topics: [test]
  errata: []
  notes: []
  duplicate_of: null
"""


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def changed_content(folder: Path) -> Path:
    """A copy of the content source with the changes of the module docstring."""
    target = folder / "content"
    shutil.copytree(CONTENT, target)
    _replace_once(target / "meta.yaml", 'content_version: "2025.1.0"', f'content_version: "{NEW_VERSION}"')
    _replace_once(target / "meta.yaml", "content_date: 2025-07-07", f"content_date: {NEW_DATE}")
    _replace_once(target / "statements" / "30-ndmm.yaml", "VRd can be used [II, B].", "VRd can be used [I, A].")
    responses = target / "statements" / "10-response.yaml"
    text = responses.read_text(encoding="utf-8")
    start = text.index(f"- id: {REMOVED}")
    end = text.find("\n- id:", start + 1)
    text = text[:start] + (text[end + 1:] if end >= 0 else "")
    responses.write_text(text.rstrip("\n") + "\n" + _ADDED_YAML, encoding="utf-8")
    fig1 = target / "figures" / "fig1.yaml"
    text = fig1.read_text(encoding="utf-8")
    at = text.index("      - regimen: IsaVRd")
    at = text.index('evidence: "I, A"', at)
    fig1.write_text(text[:at] + 'evidence: "II, B"' + text[at + len('evidence: "I, A"'):], encoding="utf-8")
    _replace_once(target / "glossary.yaml", "  - abbr: VRd\n    name: bortezomib, lenalidomide and dexamethasone",
                  "  - abbr: VRd\n    name: bortezomib, lenalidomide and dexamethasone (renamed by a test update)")
    return target


def build_changed_db(folder: Path) -> Path:
    """The database compiled from :func:`changed_content` (the real build)."""
    from app.storage.build import build_database
    from app.storage.source import load_bundle, source_hash

    content = changed_content(folder)
    out = folder / "guide-changed.sqlite"
    build_database(load_bundle(content), out, source_hash(content))
    return out


def signed_package(folder: Path, db: Path, data_dir: Path, *, sequence: int = 7) -> Path:
    """A 2-of-2 signed package of ``db`` and a data dir whose trust root accepts it."""
    from app.paths import bundled_database
    from app.updates import install
    from app.updates.keys import PrivateKey
    from app.updates.package import build_package

    keys = [PrivateKey.generate("alice"), PrivateKey.generate("bob")]
    install.init_trust(data_dir, [k.public_key for k in keys], 2)
    out = folder / f"mmguide-{NEW_VERSION}-seq{sequence}.zip"
    build_package(db, out, keys, sequence=sequence, expires=datetime(2099, 12, 31, tzinfo=UTC),
                  base=bundled_database())
    return out
