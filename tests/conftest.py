"""Suite-wide fixtures: offscreen Qt, no network, the content bundle and a built database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "resources" / "content"
SEED = ROOT.parent / "shared" / "seeds" / "003_ca44c32a64e475c1.txt"


@pytest.fixture(scope="session")
def bundle():
    from app.storage.source import load_bundle

    return load_bundle(CONTENT)


@pytest.fixture(scope="session")
def guideline_text() -> str:
    path = Path(os.environ.get("MMGUIDE_SEED", SEED))
    if not path.is_file():
        pytest.fail(f"the guideline text is needed for the content tests: {path} (set MMGUIDE_SEED)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_db(tmp_path_factory, bundle) -> Path:
    from app.storage.build import build_database
    from app.storage.source import source_hash

    out = tmp_path_factory.mktemp("db") / "guide.sqlite"
    build_database(bundle, out, source_hash(CONTENT))
    return out


@pytest.fixture(scope="session")
def glossary(bundle):
    return bundle.glossary
