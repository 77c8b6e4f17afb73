"""Fixtures for the update tests: the real guide database, real Ed25519 keys, trust roots."""

from __future__ import annotations

import json
import os
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


@pytest.fixture
def run_unprivileged(tmp_path_factory, base_db, keys, capsys):
    """Run ``mmguide ARGV`` as a user who may not write the data dir: in process when the tests
    run unprivileged, else in a forked child that dropped to ``nobody`` (as root, file modes
    do not stop writes). Returns (exit code, parsed JSON). Paths given must be readable by
    ``nobody``: see :func:`world_readable_copy`."""
    import io
    import sys

    from app.cli.main import main

    if os.name != "posix":
        pytest.skip("file modes and users of POSIX")
    if os.geteuid() != 0:
        def run_here(argv: list[str]):
            code = main(argv)
            return code, json.loads(capsys.readouterr().out)

        return run_here
    # load every module the commands import lazily: the child cannot read /root's site-packages
    warm = tmp_path_factory.mktemp("warm")
    make_root(warm / "data", keys)
    pkg = warm / "p.zip"
    build_package(base_db, pkg, [keys["alice"], keys["bob"]], sequence=1, expires=FAR_FUTURE)
    for argv in (["update", "apply", str(pkg)], ["update", "rollback"], ["info"], ["update", "status"],
                 ["admin", "init-trust", "--root", str(warm / "data" / "trust" / "root.json")]):
        main(["--data-dir", str(warm / "data"), *argv])
    capsys.readouterr()

    def run_as_nobody(argv: list[str]):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                os.close(read)
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                sys.stdout = io.StringIO()
                code = main(argv)
                os.write(write, sys.stdout.getvalue().encode())
            except BaseException as exc:
                os.write(write, json.dumps({"child_error": repr(exc)}).encode())
                code = 99
            os._exit(code)
        os.close(write)
        chunks = []
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
        os.close(read)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status), json.loads(b"".join(chunks))

    return run_as_nobody


def world_readable_copy(*paths: Path) -> list[Path]:
    """Copies of ``paths`` in a fresh folder every user can traverse (pytest's are owner-only)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="mmguide-test-"))
    os.chmod(folder, 0o755)
    out = []
    for path in paths:
        target = folder / path.name
        if path.is_dir():
            shutil.copytree(path, target)
        else:
            shutil.copyfile(path, target)
        out.append(target)
    return out
