"""Hostile input on the command line: ``--input``/``--facts`` JSON nested past any sane depth,
integers of thousands of digits, non-UTF-8 ``@file``s, ``@/dev/zero``, FIFOs, folders and
oversized files — and the same for ``admin --sign/--key/--root`` — are exit 2 with a message
naming the argument, quickly; never exit 1, never a hang, never gigabytes of memory."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from app.cli.io import INPUT_CAP

posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs and devices of POSIX")

NESTED_ARRAYS = "[" * 20_000 + "]" * 20_000
NESTED_OBJECTS = '{"a":' * 5_000 + "1" + "}" * 5_000
HUGE_INT = '{"age": ' + "9" * 5_000 + ', "cci": 0, "ecog": 0}'

COMMANDS = {
    "input": ["calc", "simplified-frailty", "--input"],
    "facts": ["flow", "fig2", "--facts"],
    "case": ["case", "--input"],
}


@pytest.mark.parametrize("where", sorted(COMMANDS))
@pytest.mark.parametrize("payload", [NESTED_ARRAYS, NESTED_OBJECTS, HUGE_INT],
                         ids=["nested-arrays", "nested-objects", "huge-integer"])
@pytest.mark.parametrize("as_file", [False, True], ids=["inline", "at-file"])
def test_hostile_json_is_invalid_input(run, tmp_path, where, payload, as_file):
    arg = payload
    if as_file:
        path = tmp_path / "in.json"
        path.write_text(payload)
        arg = f"@{path}"
    code, out = run(*COMMANDS[where], arg)
    assert code == 2, out
    field = "facts" if where == "facts" else "input"
    assert out["error"]["field"] == field and out["error"]["code"] == "invalid_json", out
    assert out["error"]["message"]


@pytest.mark.parametrize("where", sorted(COMMANDS))
def test_non_utf8_at_file_is_invalid_input(run, tmp_path, where):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"note": "Müller"}'.encode("latin-1"))
    code, out = run(*COMMANDS[where], f"@{path}")
    assert code == 2, out
    assert out["error"]["code"] == "invalid_json" and "UTF-8" in out["error"]["message"]


def test_utf8_at_file_with_a_byte_order_mark_is_read(run, tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes("\ufeff".encode() + b'{"age": 70, "cci": 1, "ecog": 1}')
    code, out = run("calc", "simplified-frailty", "--input", f"@{path}")
    assert code == 0, out


def _special(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.json"
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dev-urandom":
        path.symlink_to("/dev/urandom")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "oversized":
        with path.open("wb") as fh:
            fh.write(b"[" + b" " * (INPUT_CAP + 10) + b"]")
    return path


SPECIALS = [pytest.param("dev-zero", marks=posix), pytest.param("dev-urandom", marks=posix),
            pytest.param("fifo", marks=posix), "directory", "oversized"]


@pytest.mark.parametrize("kind", SPECIALS)
@pytest.mark.parametrize("where", sorted(COMMANDS))
def test_at_file_must_be_a_bounded_regular_file(run, tmp_path, where, kind):
    path = _special(tmp_path, kind)
    started = time.monotonic()
    code, out = run(*COMMANDS[where], f"@{path}")
    assert time.monotonic() - started < 5
    assert code == 2, out
    field = "facts" if where == "facts" else "input"
    assert out["error"]["field"] == field and out["error"]["code"] in ("unreadable_input", "input_too_large"), out
    assert str(path.name) in out["error"]["message"]


def test_inline_input_over_the_cap_is_refused(run):
    code, out = run("calc", "simplified-frailty", "--input", "[" + " " * (INPUT_CAP + 1) + "]")
    assert (code, out["error"]["code"], out["error"]["field"]) == (2, "input_too_large", "input")


@pytest.mark.parametrize("kind", SPECIALS)
def test_admin_key_and_root_paths_must_be_bounded_regular_files(run, tmp_path, kind):
    path = _special(tmp_path, kind)
    started = time.monotonic()
    for argv, field in (
        (["admin", "init-trust", "--key", str(path), "--threshold", "1"], "key"),
        (["admin", "init-trust", "--root", str(path)], "root"),
        (["admin", "build-package", "--sequence", "1", "--expires", "2099-01-01", "--sign", str(path),
          "--out", str(tmp_path / "out.zip")], "sign"),
    ):
        code, out = run(*argv)
        assert code == 2, (argv, out)
        assert out["error"]["field"] == field, out
        assert path.name in out["error"]["message"]
    assert time.monotonic() - started < 10
    assert not (tmp_path / "out.zip").exists()


def test_output_of_undecodable_argument_bytes_is_still_json(run):
    """An argument with bytes that are not UTF-8 (surrogate-escaped by Python) is refused with
    JSON on stdout, not a UnicodeEncodeError."""
    code, out = run("calc", "simplified-frailty", "--input", '{"age": "\udcff", "cci": 0, "ecog": 0}')
    assert code == 2, out
    assert isinstance(out, dict) and out["error"]["field"]
    json.dumps(out)


def test_admin_output_paths_that_cannot_be_used_are_exit_2(run, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    code, out = run("admin", "keygen", "--out", str(not_a_folder), "--name", "alice")
    assert (code, out["error"]["code"]) == (2, "io_error"), out
    assert str(not_a_folder) in out["error"]["message"]
