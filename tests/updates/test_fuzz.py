"""Bounded, seeded fuzzing of everything an update reads: packages (raw bytes, and re-signed
manifests and databases, so the mutations reach past the signature), trust roots, pointers and
state files. Every mutation must end in a clean answer — exit 0, 2 or 3 with the contract's
error object, never an internal error — and the installation must still start on a valid
database afterwards.

A few hundred mutations run in CI (each class well under 20 s); ``MMGUIDE_FUZZ_N=5000``
multiplies them locally, ``MMGUIDE_FUZZ_SEED`` changes the seed (a failure prints its seed and
index, which replay it).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.storage.repository import GuideRepository
from app.updates.active import DatabaseRules, check_database, select_active
from tests.updates.helpers import Parts, encode, signatures, snapshot

SEED = int(os.environ.get("MMGUIDE_FUZZ_SEED", "15"))
SCALE = max(1, int(os.environ.get("MMGUIDE_FUZZ_N", "1")))
SHALLOW = DatabaseRules(application_id=0x4D4D4744, supported_schema_versions=frozenset({1}), deep=False)

Mutator = Callable[[random.Random, bytes], bytes]


def _flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]


def _overwrite(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    chunk = rng.choice([rng.randbytes(rng.randint(1, 128)), b"\0" * 64, b"\xff" * 64, b"[" * 64, b"9" * 64])
    return data[:at] + chunk + data[at + len(chunk):]


def _splice(rng: random.Random, data: bytes) -> bytes:
    if len(data) < 2:
        return data
    a, b = sorted(rng.sample(range(len(data)), 2))
    at = rng.randrange(len(data))
    return data[:at] + data[a:b] + data[at:]


def _json_token(rng: random.Random, data: bytes) -> bytes:
    """Swap one JSON token for a hostile one: deep nesting, a huge integer, null, a float."""
    tokens = [b"null", b"true", b"-1", b"1e999", b"9" * 5000, b"[" * 3000 + b"]" * 3000, b'"\\ud800"', b"{}",
              b'"' + b"A" * 70_000 + b'"']
    text = data
    for needle in (b'": ', b'":'):
        spots = [i for i in range(len(text)) if text.startswith(needle, i)]
        if spots:
            at = rng.choice(spots) + len(needle)
            end = at
            while end < len(text) and text[end:end + 1] not in (b",", b"}", b"]", b"\n"):
                end += 1
            return text[:at] + rng.choice(tokens) + text[end:]
    return _overwrite(rng, data)


MUTATORS: list[Mutator] = [_flip, _truncate, _insert, _overwrite, _splice, _json_token]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(MUTATORS)(rng, data)
    return data


# --- the installation and what must hold after every mutation ---------------------------------------


@pytest.fixture(scope="module")
def honest(tmp_path_factory, base_db, keys) -> tuple[Path, Parts]:
    """The parts of an honest sequence-6 package (manifest, signatures, database)."""
    from tests.updates.helpers import parts

    return tmp_path_factory.mktemp("fuzz"), parts(base_db, 6, [keys["alice"], keys["bob"]])


def _fresh(template: Path, work: Path) -> Path:
    target = work / "data"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(template, target)
    return target


def _assert_clean(code: int, out: object, where: str) -> None:
    assert code in (0, 2, 3), (where, code, out)
    if code:
        assert isinstance(out, dict) and set(out["error"]) == {"code", "message", "field"}, (where, out)
        assert out["error"]["code"] != "internal_error" and out["error"]["message"], (where, out)


def _assert_starts(data: Path, bundled: Path, where: str) -> None:
    sel = select_active(data, bundled)
    assert sel.path.is_file(), (where, sel)
    check_database(sel.path, SHALLOW, quick=True)
    with GuideRepository(sel.path) as repo:
        assert repo.meta().content_version, where
    assert sel.origin == "bundled" or sel.sequence is not None, (where, sel)


def _run(n: int) -> range:
    return range(n * SCALE)


# --- packages ------------------------------------------------------------------------------------------


def test_fuzz_raw_package_bytes(honest, installed_template, base_db, cli):
    work, p = honest
    raw = p.write(work / "honest.zip").read_bytes()
    data = _fresh(installed_template, work)
    before = snapshot(data)
    for i in _run(80):
        rng = random.Random(f"{SEED}-raw-{i}")
        pkg = work / "fuzzed.zip"
        pkg.write_bytes(_mutate(rng, raw))
        where = f"raw package, seed {SEED}, index {i}"
        code, out = cli("--data-dir", data, "update", "apply", pkg)
        _assert_clean(code, out, where)
        if code == 0:  # only a mutation of unsigned, unchecked bytes (e.g. a local header's time) passes
            _assert_starts(data, base_db, where)
            data = _fresh(installed_template, work)
            before = snapshot(data)
        else:
            assert snapshot(data) == before, where
    _assert_starts(data, base_db, "after the raw package mutations")


def _signed(manifest: bytes, db: bytes, keys: dict) -> Parts:
    return Parts(manifest, signatures(manifest, [keys["alice"], keys["bob"]]), db)


def test_fuzz_signed_manifests(honest, installed_template, base_db, keys, cli):
    """Mutated manifest bytes, validly signed: the parser and the claims must refuse cleanly."""
    work, p = honest
    data = _fresh(installed_template, work)
    for i in _run(100):
        rng = random.Random(f"{SEED}-manifest-{i}")
        mbytes = _mutate(rng, p.manifest)
        where = f"signed manifest, seed {SEED}, index {i}"
        pkg = _signed(mbytes, p.db, keys).write(work / "fuzzed.zip")
        code, out = cli("--data-dir", data, "update", "apply", pkg)
        _assert_clean(code, out, where)
        if code == 0:
            _assert_starts(data, base_db, where)
            data = _fresh(installed_template, work)
    _assert_starts(data, base_db, "after the signed manifest mutations")


def test_fuzz_signed_databases(honest, installed_template, base_db, keys, cli):
    """Mutated database bytes with a manifest that signs exactly them: only the database checks
    stand between these and the ward — each is refused cleanly or is a usable database."""
    work, p = honest
    manifest = json.loads(p.manifest)
    data = _fresh(installed_template, work)
    for i in _run(90):
        rng = random.Random(f"{SEED}-db-{i}")
        db = rng.choice([_flip, _overwrite, _splice, _flip])(rng, p.db)
        if rng.random() < 0.3:
            db = db[: len(db) - rng.randrange(1, 4096)]
        m = {**manifest, "db_length": len(db), "db_sha256": hashlib.sha256(db).hexdigest()}
        where = f"signed database, seed {SEED}, index {i}"
        pkg = _signed(encode(m), db, keys).write(work / "fuzzed.zip")
        code, out = cli("--data-dir", data, "update", "apply", pkg)
        _assert_clean(code, out, where)
        if code == 0:
            sel = select_active(data, base_db)
            assert (sel.sequence, sel.notice) == (6, None), (where, sel)
            _assert_starts(data, base_db, where)
            for argv in (["search", "daratumumab"], ["recs", "--evidence", "I, A"], ["flow", "fig2", "--describe"]):
                code, out = cli("--data-dir", data, *argv)
                assert code == 0, (where, argv, out)
            data = _fresh(installed_template, work)
    _assert_starts(data, base_db, "after the signed database mutations")


# --- installation files ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["trust/root.json", "current", "state.json", "history.jsonl"])
def test_fuzz_installation_files(honest, installed_template, base_db, cli, name):
    """A mutated trust root, pointer, state file or audit log: ``info`` and ``status`` still
    answer (exit 0), ``apply`` answers cleanly, and the app starts on a valid database."""
    work, p = honest
    pkg = p.write(work / f"honest-{name.replace('/', '-')}.zip")
    original = (installed_template / name).read_bytes()
    for i in _run(25):
        rng = random.Random(f"{SEED}-{name}-{i}")
        data = _fresh(installed_template, work)
        (data / name).write_bytes(_mutate(rng, original))
        where = f"{name}, seed {SEED}, index {i}"
        _assert_starts(data, base_db, where)
        for argv in (["info"], ["update", "status"]):
            code, out = cli("--data-dir", data, *argv)
            assert code == 0, (where, argv, out)
        code, out = cli("--data-dir", data, "update", "apply", pkg)
        _assert_clean(code, out, where)  # a record mutated to a higher sequence or time raises the floor
        _assert_starts(data, base_db, where)


def test_mutators_are_deterministic_for_a_seed():
    data = b'{"a": 1, "b": [1, 2, 3]}' * 10
    assert _mutate(random.Random("x"), data) == _mutate(random.Random("x"), data)
