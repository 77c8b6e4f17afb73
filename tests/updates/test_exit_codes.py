"""Exit codes tell the truth: an unauthenticated package is exit 3 with a specific code and an
audit line, never an internal error (exit 1); a package path that is not a readable regular
file is exit 2; the GUI's ``verify_package``/``apply_package`` never raise."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from app.services import updates as services
from app.updates.active import select_active
from tests.updates.helpers import Parts, RawMember, encode, manifest_dict, parts, signatures, snapshot

NESTED = b"[" * 20_000 + b"]" * 20_000  # under the 64 KiB member cap, far past the parser's recursion limit


def _good(base: Path, keys: dict) -> Parts:
    return parts(base, 6, [keys["alice"], keys["bob"]])


def nested_signatures(tmp, base, keys):
    p = _good(base, keys)
    p.sigs = NESTED
    return p.write(tmp / "pkg.zip")


def nested_object_signatures(tmp, base, keys):
    p = _good(base, keys)
    p.sigs = b'{"a":' * 5000 + b"1" + b"}" * 5000
    return p.write(tmp / "pkg.zip")


def huge_integer_in_signatures(tmp, base, keys):
    p = _good(base, keys)
    p.sigs = b"[" + b"9" * 5000 + b"]"
    return p.write(tmp / "pkg.zip")


def nested_signed_manifest(tmp, base, keys):
    mbytes = NESTED
    return Parts(mbytes, signatures(mbytes, [keys["alice"], keys["bob"]]), base.read_bytes()).write(tmp / "pkg.zip")


def huge_integer_in_signed_manifest(tmp, base, keys):
    m = manifest_dict(base, 6)
    mbytes = encode(m).replace(b'"sequence": 6', b'"sequence": ' + b"6" * 5000)
    return Parts(mbytes, signatures(mbytes, [keys["alice"], keys["bob"]]), base.read_bytes()).write(tmp / "pkg.zip")


def empty_member_name(tmp, base, keys):
    p = _good(base, keys)
    return p.write(tmp / "pkg.zip", [*p.members(), RawMember("", b"x")])


def version_needed_above_6_3(tmp, base, keys):
    p = _good(base, keys)
    members = p.members()
    members[0].version_needed = 64
    return p.write(tmp / "pkg.zip", members)


def non_utf8_signatures(tmp, base, keys):
    p = _good(base, keys)
    p.sigs = b'[{"keyid": "\xff\xfe"}]'
    return p.write(tmp / "pkg.zip")


CASES = [
    ("deeply nested signatures.json (arrays)", nested_signatures, "malformed_signatures"),
    ("deeply nested signatures.json (objects)", nested_object_signatures, "malformed_signatures"),
    ("an integer of 5,000 digits in signatures.json", huge_integer_in_signatures, "malformed_signatures"),
    ("non-UTF-8 signatures.json", non_utf8_signatures, "malformed_signatures"),
    ("a deeply nested manifest, validly signed", nested_signed_manifest, "bad_manifest"),
    ("an integer of 5,000 digits in a validly signed manifest", huge_integer_in_signed_manifest, "bad_manifest"),
    ("a zip member with an empty name", empty_member_name, "unsafe_name"),
    ("a zip member needing version 6.4 to extract", version_needed_above_6_3, "unsupported_zip"),
]


@pytest.mark.parametrize(("builder", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_unauthenticated_package_is_exit_3_with_a_code_and_an_audit_line(tmp_path, base_db, keys, installed, cli,
                                                                         builder, code):
    pkg = builder(tmp_path, base_db, keys)
    active = select_active(installed, base_db)
    before = snapshot(installed, active.path)
    exit_code, out = cli("--data-dir", installed, "update", "verify", pkg)
    assert (exit_code, out["error"]["code"]) == (3, code), out
    exit_code, out = cli("--data-dir", installed, "update", "apply", pkg)
    assert (exit_code, out["error"]["code"]) == (3, code), out
    assert snapshot(installed, active.path) == before
    record = json.loads((installed / "history.jsonl").read_text().splitlines()[-1])
    assert (record["action"], record["code"]) == ("reject", code)


@pytest.mark.parametrize(("builder", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_gui_verify_and_apply_never_raise(tmp_path, base_db, keys, installed, builder, code):
    pkg = builder(tmp_path, base_db, keys)
    outcome = services.verify_package(pkg, installed)
    assert (outcome.accepted, outcome.code) == (False, code)
    assert outcome.plain and outcome.package == {}
    outcome = services.apply_package(pkg, installed)
    assert (outcome.accepted, outcome.code) == (False, code)


def test_every_code_has_plain_words_for_the_gui():
    for _, _, code in CASES:
        assert code in services.REASONS
    for code in ("unexpected_schema", "corrupt_search_index", "unusable_content", "database_timeout",
                 "malformed_package", "disk_full", "data_dir_not_writable", "damaged_installation", "io_error"):
        assert code in services.REASONS, code


def test_gui_verify_of_an_unexpected_failure_is_an_outcome_not_an_exception(tmp_path, installed, monkeypatch):
    """Even a bug below it (here a failing check) reaches the dialog as an outcome."""
    from app.updates import install

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(install, "verify", broken)
    outcome = services.verify_package(tmp_path / "any.zip", installed)
    assert (outcome.accepted, outcome.code) == (False, "internal_error")
    assert "KeyError" in outcome.message


posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero of POSIX")


@pytest.mark.parametrize("target", [
    pytest.param("dev-zero", marks=posix), pytest.param("fifo", marks=posix), "directory"])
def test_a_package_path_that_is_not_a_regular_file_is_exit_2(tmp_path, installed, cli, target):
    pkg = tmp_path / "pkg.zip"
    if target == "dev-zero":
        pkg.symlink_to("/dev/zero")
    elif target == "fifo":
        os.mkfifo(pkg)
    else:
        pkg.mkdir()
    started = time.monotonic()
    for action in ("verify", "apply"):
        exit_code, out = cli("--data-dir", installed, "update", action, pkg)
        assert exit_code == 2 and out["error"]["field"] == "package", out
        assert out["error"]["code"] in ("package_not_found", "unreadable_package")
    assert time.monotonic() - started < 10
