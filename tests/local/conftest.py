"""Fixtures for the local-layer tests: real Ed25519 keys, real trust roots, real packages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from app.core.local.template import TEMPLATE
from app.updates import install
from app.updates.keys import PrivateKey, load_private, write_keypair
from app.updates.local_install import init_local_trust
from tests.updates.conftest import cli  # noqa: F401  (the same in-process mmguide runner)

HOSPITAL_KEYS = ("h1", "h2", "h3")
PUBLISHER_KEYS = ("alice", "bob", "carol")
SHARED_KEY = "both"  # a key IT put into both roots: the signature context still keeps them apart


@pytest.fixture(scope="session")
def keydir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("local-keys")
    for name in (*HOSPITAL_KEYS, *PUBLISHER_KEYS, SHARED_KEY, "mallory"):
        write_keypair(folder, name)
    return folder


@pytest.fixture(scope="session")
def keys(keydir: Path) -> dict[str, PrivateKey]:
    return {p.stem: load_private(p) for p in keydir.glob("*.key")}


@pytest.fixture(scope="session")
def template_source() -> dict:
    return yaml.safe_load(TEMPLATE)


@pytest.fixture(scope="session")
def data_template(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, PrivateKey]) -> Path:
    """A data dir with a 2-of-3 local root (h1, h2, h3 + the shared key) and a 2-of-3 guideline root."""
    data = tmp_path_factory.mktemp("local-data") / "data"
    init_local_trust(data, [keys[n].public_key for n in (*HOSPITAL_KEYS, SHARED_KEY)], 2)
    install.init_trust(data, [keys[n].public_key for n in (*PUBLISHER_KEYS, SHARED_KEY)], 2)
    return data


@pytest.fixture
def data_dir(tmp_path: Path, data_template: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_template, target)
    return target


