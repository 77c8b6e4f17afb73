"""Fixtures for the update tests: the real guide database, real Ed25519 keys, trust roots."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.updates import install
from app.updates.keys import PrivateKey, write_keypair
from app.updates.package import build_package
from tests.updates.helpers import FAR_FUTURE, derive_db

ROOT = Path(__file__).resolve().parents[2]
COMMITTED_DB = ROOT / "db" / "guide.sqlite"
KEY_NAMES = ("alice", "bob", "carol", "dave", "erin", "mallory")


@pytest.fixture(scope="session")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed db/guide.sqlite, or one built from resources/ once per session."""
    if COMMITTED_DB.is_file():
        return COMMITTED_DB
    from app.storage.build import build_database
    from app.storage.source import load_bundle, source_hash

    content = ROOT / "resources" / "content"
    out = tmp_path_factory.mktemp("update-db") / "guide.sqlite"
    build_database(load_bundle(content), out, source_hash(content))
    return out


@pytest.fixture(scope="session")
def v2_db(tmp_path_factory: pytest.TempPathFactory, base_db: Path) -> tuple[Path, dict[str, list[str]]]:
    out = tmp_path_factory.mktemp("update-v2") / "guide-v2.sqlite"
    ids = derive_db(base_db, out)
    return out, ids


@pytest.fixture(scope="session")
def keydir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    for name in KEY_NAMES:
        write_keypair(folder, name)
    return folder


@pytest.fixture(scope="session")
def keys(keydir: Path) -> dict[str, PrivateKey]:
    from app.updates.keys import load_private

    return {name: load_private(keydir / f"{name}.key") for name in KEY_NAMES}


def make_root(data_dir: Path, keys: dict[str, PrivateKey], names=("alice", "bob", "carol"), threshold=2) -> None:
    install.init_trust(data_dir, [keys[n].public_key for n in names], threshold)


@pytest.fixture
def cli(capsys):
    """Run ``mmguide`` in process; returns (exit code, parsed JSON or raw text)."""
    from app.cli.main import main

    def run(*argv: str):
        code = main([str(a) for a in argv])
        out = capsys.readouterr().out
        try:
            return code, json.loads(out)
        except json.JSONDecodeError:
            return code, out

    return run


@pytest.fixture(scope="session")
def installed_template(tmp_path_factory: pytest.TempPathFactory, base_db: Path, keys) -> Path:
    """A data dir with a 2-of-3 root (alice, bob, carol) and sequence 5 applied."""
    data = tmp_path_factory.mktemp("template") / "data"
    make_root(data, keys)
    pkg = tmp_path_factory.mktemp("template-pkg") / "seq5.zip"
    build_package(base_db, pkg, [keys["alice"], keys["bob"]], sequence=5, expires=FAR_FUTURE)
    install.apply(pkg, data)
    return data


@pytest.fixture
def installed(tmp_path: Path, installed_template: Path) -> Path:
    """A fresh copy of :func:`installed_template` for one test."""
    target = tmp_path / "data"
    shutil.copytree(installed_template, target)
    return target
