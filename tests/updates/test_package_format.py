"""The package format itself: what build-package writes, the manifest's strictness, the CLI."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.updates import UpdateRejected, strict_json
from app.updates.manifest import parse_manifest, version_tuple
from app.updates.package import MEMBERS, build_package, read_layout
from tests.updates.helpers import FAR_FUTURE, manifest_dict, raw_zip


def test_build_package_writes_exactly_three_stored_members(tmp_path, base_db, keys):
    out = tmp_path / "p.zip"
    built = build_package(base_db, out, [keys["alice"], keys["bob"]], sequence=1, expires=FAR_FUTURE)
    with zipfile.ZipFile(out) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == list(MEMBERS)
        assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
        manifest = zf.read("manifest.json")
        sigs = json.loads(zf.read("signatures.json"))
    assert parse_manifest(manifest) == built.manifest
    assert [s["keyid"] for s in sigs] == [keys["alice"].keyid, keys["bob"].keyid]
    assert built.manifest.db_length == base_db.stat().st_size


def test_build_package_cli_with_db(tmp_path, keydir, base_db, cli):
    out = tmp_path / "p.zip"
    code, data = cli("admin", "build-package", "--sequence", "3", "--expires", "2099-01-31", "--sign",
                     keydir / "alice.key", "--sign", keydir / "bob.key", "--db", base_db, "--out", out,
                     "--min-app-version", "0.1")
    assert code == 0, data
    assert data["sequence"] == 3 and data["expires"] == "2099-01-31T23:59:59Z" and data["min_app_version"] == "0.1"
    assert out.is_file()


@pytest.mark.parametrize(("args", "code", "field"), [
    (["--expires", "31/01/2099"], "invalid_expires", "expires"),
    (["--expires", "2001-01-01"], "invalid_expires", "expires"),
    (["--sequence", "0"], "invalid_sequence", "sequence"),
    (["--min-app-version", "one"], "invalid_min_app_version", "min_app_version"),
])
def test_build_package_cli_bad_arguments_exit_2(tmp_path, keydir, base_db, cli, args, code, field):
    base = {"--sequence": "1", "--expires": "2099-01-31"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = ["admin", "build-package", "--sign", keydir / "alice.key", "--db", base_db, "--out", tmp_path / "p.zip"]
    for k, v in base.items():
        argv += [k, v]
    result, out = cli(*argv)
    assert (result, out["error"]["code"], out["error"]["field"]) == (2, code, field)
    assert not (tmp_path / "p.zip").exists()


def test_build_package_refuses_a_broken_database(tmp_path, keydir, cli):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"x" * 5000)
    code, out = cli("admin", "build-package", "--sequence", "1", "--expires", "2099-01-31", "--sign",
                    keydir / "alice.key", "--db", bad, "--out", tmp_path / "p.zip")
    assert (code, out["error"]["code"]) == (2, "invalid_database")


def test_build_package_cli_without_db_builds_from_resources(tmp_path, keydir, base_db, cli):
    out = tmp_path / "fresh.zip"
    code, data = cli("admin", "build-package", "--sequence", "1", "--expires", "2099-01-31", "--sign",
                     keydir / "alice.key", "--out", out)
    if code == 2 and data["error"]["code"] == "invalid_content":
        pytest.skip("resources/content does not validate in this checkout")
    assert code == 0, data
    assert data["db_length"] > 0 and data["content_version"]


def test_admin_commands_work_without_a_usable_database(tmp_path, keydir, cli, monkeypatch):
    """admin runs before the Guide is built: a missing bundled database does not stop it."""
    import app.cli.commands as commands

    def boom(*_a, **_k):
        raise AssertionError("the Guide must not be built for admin commands")

    monkeypatch.setattr(commands, "Guide", boom)
    code, _ = cli("admin", "keygen", "--out", tmp_path / "k", "--name", "zed")
    assert code == 0


def _manifest(base_db, **overrides):
    data = manifest_dict(base_db, 1)
    data.update(overrides)
    return json.dumps(data).encode()


@pytest.mark.parametrize("overrides", [
    {"sequence": True}, {"sequence": 0}, {"sequence": "1"}, {"db_length": -1}, {"db_sha256": "ABC"},
    {"created": "2025-07-08"}, {"expires": "2020-01-01T00:00:00Z"}, {"min_app_version": "1.x"},
    {"content_date": "July"}, {"channel": "Stable!"}, {"changes": {}}, {"product": ""},
])
def test_manifest_fields_are_strict(base_db, overrides):
    with pytest.raises(UpdateRejected) as err:
        parse_manifest(_manifest(base_db, **overrides))
    assert err.value.code == "bad_manifest"


def test_manifest_format_is_checked(base_db):
    with pytest.raises(UpdateRejected) as err:
        parse_manifest(_manifest(base_db, format=2))
    assert err.value.code == "unsupported_format"


def test_strict_json_refuses_duplicates_and_nan():
    with pytest.raises(ValueError):
        strict_json(b'{"a": 1, "a": 2}')
    with pytest.raises(ValueError):
        strict_json(b'{"a": NaN}')
    with pytest.raises(ValueError):
        strict_json(b"\xef\xbb\xbf{}")


def test_version_order():
    assert version_tuple("0.10.0") > version_tuple("0.9.9")
    assert version_tuple("1") == version_tuple("1.0.0")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_never_crash_the_layout_check(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("fuzz") / "p.zip"
    path.write_bytes(blob)
    with path.open("rb") as fh:
        try:
            read_layout(fh, len(blob))
        except UpdateRejected as exc:
            assert exc.code
        else:  # pragma: no cover - random bytes are never a valid package
            raise AssertionError("random bytes passed the layout check")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=20), st.binary(max_size=50)), max_size=6),
       st.integers(min_value=0, max_value=400))
def test_mutated_zips_are_rejected_with_a_code(tmp_path_factory, members, cut):
    from tests.updates.helpers import RawMember

    blob = raw_zip([RawMember(name, data) for name, data in members])
    blob = blob[: len(blob) - cut] if cut < len(blob) else blob
    path = tmp_path_factory.mktemp("fuzz") / "p.zip"
    path.write_bytes(blob)
    with path.open("rb") as fh:
        try:
            members_found = read_layout(fh, len(blob))
        except UpdateRejected as exc:
            assert exc.code
        else:
            assert set(members_found) == set(MEMBERS)


def test_created_timestamps_are_utc(base_db):
    data = manifest_dict(base_db, 1, created=datetime(2025, 7, 8, 12, 30, tzinfo=UTC))
    assert data["created"] == "2025-07-08T12:30:00Z"
