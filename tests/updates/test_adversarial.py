"""The adversarial matrix: every hostile or broken package is rejected with its own reason,
exit 3 from the CLI, and leaves the active database and the data dir byte-identical."""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.updates import UpdateRejected, install
from app.updates.active import select_active
from app.updates.package import DB_CAP
from tests.updates.helpers import (
    SYMLINK_ATTR,
    Parts,
    RawMember,
    corrupt_copy,
    derive_db,
    encode,
    manifest_dict,
    parts,
    signatures,
    snapshot,
)

Builder = Callable[[Path, Path, dict], Path]  # (tmp, base_db, keys) -> package path


def _good(base: Path, keys: dict, seq: int = 6, **kw) -> Parts:
    return parts(base, seq, [keys["alice"], keys["bob"]], **kw)


def _flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


def flipped_db_byte(tmp, base, keys):
    p = _good(base, keys)
    pkg = p.write(tmp / "pkg.zip")
    raw = pkg.read_bytes()
    at = raw.index(p.db[:100]) + len(p.db) // 2  # a byte inside the database member
    pkg.write_bytes(_flip(raw, at))
    return pkg


def flipped_db_byte_crc_fixed(tmp, base, keys):
    p = _good(base, keys)
    p.db = _flip(p.db, len(p.db) // 2)  # re-zipped: the zip CRC matches, only the signed hash can tell
    return p.write(tmp / "pkg.zip")


def flipped_manifest_byte(tmp, base, keys):
    p = _good(base, keys)
    pkg = p.write(tmp / "pkg.zip")
    raw = pkg.read_bytes()
    at = raw.index(b'"sequence": 6') + len(b'"sequence": ')
    pkg.write_bytes(raw[:at] + b"7" + raw[at + 1:])  # sequence 6 -> 7 inside the signed bytes
    return pkg


def flipped_signature_byte(tmp, base, keys):
    p = _good(base, keys)
    sigs = json.loads(p.sigs)
    s = sigs[0]["sig"]
    sigs[0]["sig"] = s[:10] + ("0" if s[10] != "0" else "1") + s[11:]
    p.sigs = json.dumps(sigs).encode()
    return p.write(tmp / "pkg.zip")


def untrusted_signer(tmp, base, keys):
    return parts(base, 6, [keys["alice"], keys["mallory"]]).write(tmp / "pkg.zip")


def untrusted_signers_only(tmp, base, keys):
    return parts(base, 6, [keys["mallory"], keys["dave"]]).write(tmp / "pkg.zip")


def below_threshold(tmp, base, keys):
    return parts(base, 6, [keys["alice"]]).write(tmp / "pkg.zip")


def unsigned(tmp, base, keys):
    return parts(base, 6, []).write(tmp / "pkg.zip")


def key_counted_twice(tmp, base, keys):
    p = _good(base, keys)
    p.sigs = signatures(p.manifest, [keys["alice"], keys["alice"]])
    return p.write(tmp / "pkg.zip")


def older_sequence(tmp, base, keys):
    return _good(base, keys, seq=3).write(tmp / "pkg.zip")


def replayed_sequence(tmp, base, keys):
    return _good(base, keys, seq=5).write(tmp / "pkg.zip")


def expired(tmp, base, keys):
    return _good(base, keys, created=datetime(2020, 1, 1, tzinfo=UTC),
                 expires=datetime(2021, 1, 1, tzinfo=UTC)).write(tmp / "pkg.zip")


def wrong_product(tmp, base, keys):
    return _good(base, keys, product="another-guide").write(tmp / "pkg.zip")


def wrong_channel(tmp, base, keys):
    return _good(base, keys, channel="beta").write(tmp / "pkg.zip")


def newer_schema(tmp, base, keys):
    return _good(base, keys, schema_version=2).write(tmp / "pkg.zip")


def higher_min_app_version(tmp, base, keys):
    return _good(base, keys, min_app_version="99.0.0").write(tmp / "pkg.zip")


def truncated(tmp, base, keys):
    pkg = _good(base, keys).write(tmp / "pkg.zip")
    raw = pkg.read_bytes()
    pkg.write_bytes(raw[: len(raw) // 2])
    return pkg


def truncated_tail(tmp, base, keys):
    pkg = _good(base, keys).write(tmp / "pkg.zip")
    raw = pkg.read_bytes()
    pkg.write_bytes(raw[:-10])  # the end record itself cut off
    return pkg


def not_a_zip(tmp, base, keys):
    pkg = tmp / "pkg.zip"
    pkg.write_bytes(b"This is a guideline, honest.\n" * 100)
    return pkg


def an_sqlite_file_renamed(tmp, base, keys):
    pkg = tmp / "pkg.zip"
    pkg.write_bytes(base.read_bytes())
    return pkg


def empty(tmp, base, keys):
    pkg = tmp / "pkg.zip"
    pkg.write_bytes(b"")
    return pkg


def extra_member(tmp, base, keys):
    p = _good(base, keys)
    return p.write(tmp / "pkg.zip", [*p.members(), RawMember("readme.txt", b"hello")])


def dotdot_member(tmp, base, keys):
    p = _good(base, keys)
    return p.write(tmp / "pkg.zip", [*p.members(), RawMember("../../etc/cron.d/evil", b"* * * * * root id")])


def dotdot_replacing_db(tmp, base, keys):
    p = _good(base, keys)
    m = p.members()
    m[2].name = "../guide.sqlite"
    return p.write(tmp / "pkg.zip", m)


def absolute_member(tmp, base, keys):
    p = _good(base, keys)
    return p.write(tmp / "pkg.zip", [*p.members(), RawMember("/tmp/evil.sqlite", p.db[:1000])])


def windows_absolute_member(tmp, base, keys):
    p = _good(base, keys)
    return p.write(tmp / "pkg.zip", [*p.members(), RawMember("C:/Windows/evil.dll", b"MZ")])


def symlink_member(tmp, base, keys):
    p = _good(base, keys)
    m = p.members()
    m[2] = RawMember("guide.sqlite", b"/etc/passwd", external_attr=SYMLINK_ATTR)
    return p.write(tmp / "pkg.zip", m)


def directory_member(tmp, base, keys):
    p = _good(base, keys)
    return p.write(tmp / "pkg.zip", [*p.members(), RawMember("db/", b"", external_attr=0o040755 << 16)])


def duplicate_member(tmp, base, keys):
    p = _good(base, keys)
    other = _good(base, keys, seq=99)
    return p.write(tmp / "pkg.zip", [*p.members(), RawMember("manifest.json", other.manifest)])


def missing_member(tmp, base, keys):
    p = _good(base, keys)
    return p.write(tmp / "pkg.zip", p.members()[:2])


def too_many_members(tmp, base, keys):
    p = _good(base, keys)
    return p.write(tmp / "pkg.zip", [*p.members(), *(RawMember(f"f{i}", b"x") for i in range(40))])


def oversized_manifest(tmp, base, keys):
    m = manifest_dict(base, 6)
    m["changes"]["added"] = [f"padding-statement-{i:06d}" for i in range(1000)]
    m["content_version"] = "x" * 150
    mbytes = encode(m) + b" " * (70 * 1024)  # past the 64 KiB cap, validly signed
    p = Parts(mbytes, signatures(mbytes, [keys["alice"], keys["bob"]]), base.read_bytes())
    return p.write(tmp / "pkg.zip")


def oversized_db_declared(tmp, base, keys):
    p = _good(base, keys)
    m = p.members()
    m[2].central_size = m[2].central_csize = DB_CAP + 1  # the directory claims 256 MiB + 1
    return p.write(tmp / "pkg.zip", m)


def zip_bomb_deflated(tmp, base, keys):
    p = _good(base, keys)
    m = p.members()
    m[2] = RawMember("guide.sqlite", p.db + b"\0" * (16 * 1024 * 1024), method=8)  # +16 MiB of zeros in ~16 KiB
    return p.write(tmp / "pkg.zip", m)


def zip_bomb_size_lie(tmp, base, keys):
    p = _good(base, keys)
    m = p.members()
    m[0].central_size = 60_000  # a "stored" member that claims to expand
    return p.write(tmp / "pkg.zip", m)


def zip_bomb_overlapping(tmp, base, keys):
    """The manifest's stored data covers the signatures member: two names, one byte range."""
    p = _good(base, keys)
    name_sig = b"signatures.json"
    crc = __import__("zlib").crc32(p.sigs)
    local_sig = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 33, crc, len(p.sigs), len(p.sigs),
                            len(name_sig), 0) + name_sig + p.sigs
    outer = RawMember("manifest.json", local_sig)  # its data *is* the signatures member
    sig_member = RawMember("signatures.json", p.sigs, local=False,
                           central_offset=30 + len(b"manifest.json"))
    db_member = RawMember("guide.sqlite", p.db)
    return p.write(tmp / "pkg.zip", [outer, sig_member, db_member])


def trailing_data(tmp, base, keys):
    pkg = _good(base, keys).write(tmp / "pkg.zip")
    pkg.write_bytes(pkg.read_bytes() + b"appended")
    return pkg


def prepended_data(tmp, base, keys):
    p = _good(base, keys)
    return p.write(tmp / "pkg.zip", prefix=b"MZ" + b"\0" * 510)


def signed_corrupt_sqlite(tmp, base, keys):
    return _good(base, keys, db_bytes=corrupt_copy(base)).write(tmp / "pkg.zip")


def signed_not_sqlite(tmp, base, keys):
    return _good(base, keys, db_bytes=b"not a database " * 1000).write(tmp / "pkg.zip")


def signed_foreign_sqlite(tmp, base, keys):
    other = tmp / "foreign.sqlite"
    derive_db(base, other, application_id=0x12345678)
    return _good(base, keys, db_bytes=other.read_bytes()).write(tmp / "pkg.zip")


def manifest_claims_other_content(tmp, base, keys):
    return _good(base, keys, content_version="2031.9.9").write(tmp / "pkg.zip")


def mix_and_match(tmp, base, keys):
    """The signed manifest and signatures of one package around another package's database."""
    other = tmp / "other.sqlite"
    derive_db(base, other, grow=100_000)
    p = _good(base, keys)
    p.db = other.read_bytes()
    return p.write(tmp / "pkg.zip")


def mix_and_match_same_length(tmp, base, keys):
    other = tmp / "other.sqlite"
    derive_db(base, other)
    p = _good(base, keys, db_bytes=other.read_bytes())
    p.db = base.read_bytes()[: len(p.db)].ljust(len(p.db), b"\0")
    return p.write(tmp / "pkg.zip")


def unknown_manifest_field(tmp, base, keys):
    return _good(base, keys, run_this="rm -rf /").write(tmp / "pkg.zip")


def duplicate_manifest_key(tmp, base, keys):
    m = manifest_dict(base, 6)
    text = encode(m).decode()
    text = text.replace('"channel": "stable",', '"channel": "stable", "channel": "beta",', 1)
    mbytes = text.encode()
    return Parts(mbytes, signatures(mbytes, [keys["alice"], keys["bob"]]), base.read_bytes()).write(tmp / "pkg.zip")


def signed_garbage_manifest(tmp, base, keys):
    mbytes = b"{not json"
    return Parts(mbytes, signatures(mbytes, [keys["alice"], keys["bob"]]), base.read_bytes()).write(tmp / "pkg.zip")


def malformed_signatures(tmp, base, keys):
    p = _good(base, keys)
    p.sigs = b'{"keyid": "nope"}'
    return p.write(tmp / "pkg.zip")


def encrypted_member(tmp, base, keys):
    p = _good(base, keys)
    m = p.members()
    m[0].flags = 0x1
    return p.write(tmp / "pkg.zip", m)


CASES: list[tuple[str, Builder, str]] = [
    ("flipped byte in the database", flipped_db_byte, "db_hash_mismatch"),
    ("flipped byte in the database, zip CRC recomputed", flipped_db_byte_crc_fixed, "db_hash_mismatch"),
    ("flipped byte in the manifest", flipped_manifest_byte, "bad_signature"),
    ("flipped byte in a signature", flipped_signature_byte, "bad_signature"),
    ("an untrusted signer", untrusted_signer, "untrusted_signer"),
    ("untrusted signers only", untrusted_signers_only, "untrusted_signer"),
    ("below threshold", below_threshold, "below_threshold"),
    ("no signatures", unsigned, "below_threshold"),
    ("one key counted twice", key_counted_twice, "duplicate_signature"),
    ("an older sequence", older_sequence, "older_sequence"),
    ("a replay of the same sequence", replayed_sequence, "replayed_sequence"),
    ("expired", expired, "expired"),
    ("wrong product", wrong_product, "wrong_product"),
    ("wrong channel", wrong_channel, "wrong_channel"),
    ("newer schema", newer_schema, "unsupported_schema"),
    ("higher minimum app version", higher_min_app_version, "app_too_old"),
    ("truncated", truncated, "truncated"),
    ("truncated end record", truncated_tail, "truncated"),
    ("not a zip", not_a_zip, "not_zip"),
    ("an SQLite file renamed .zip", an_sqlite_file_renamed, "not_zip"),
    ("empty", empty, "empty"),
    ("an extra member", extra_member, "unexpected_member"),
    ("a ../ member", dotdot_member, "path_traversal"),
    ("a ../ member in place of the database", dotdot_replacing_db, "path_traversal"),
    ("an absolute-path member", absolute_member, "absolute_path"),
    ("a drive-letter member", windows_absolute_member, "absolute_path"),
    ("a symlink member", symlink_member, "symlink_member"),
    ("a directory member", directory_member, "directory_member"),
    ("a duplicate member", duplicate_member, "duplicate_member"),
    ("a missing member", missing_member, "missing_member"),
    ("too many members", too_many_members, "too_many_members"),
    ("an oversized manifest", oversized_manifest, "oversized_member"),
    ("an oversized database (declared)", oversized_db_declared, "oversized_member"),
    ("a zip-bomb member (deflated)", zip_bomb_deflated, "compressed_member"),
    ("a zip-bomb member (stored size lie)", zip_bomb_size_lie, "zip_bomb"),
    ("a zip bomb of overlapping members", zip_bomb_overlapping, "zip_bomb"),
    ("an encrypted member", encrypted_member, "encrypted_member"),
    ("trailing data after the archive", trailing_data, "corrupt_zip"),
    ("data prepended to the archive", prepended_data, "corrupt_zip"),
    ("a correctly signed but corrupt SQLite file", signed_corrupt_sqlite, "corrupt_database"),
    ("a correctly signed non-SQLite file", signed_not_sqlite, "corrupt_database"),
    ("a correctly signed SQLite file of another application", signed_foreign_sqlite, "wrong_application"),
    ("a manifest whose content version the database does not carry", manifest_claims_other_content,
     "manifest_mismatch"),
    ("mix-and-match: another package's database", mix_and_match, "length_mismatch"),
    ("mix-and-match: a database of the signed length", mix_and_match_same_length, "db_hash_mismatch"),
    ("an unknown manifest field", unknown_manifest_field, "bad_manifest"),
    ("a duplicate key in the manifest", duplicate_manifest_key, "bad_manifest"),
    ("a signed manifest that is not JSON", signed_garbage_manifest, "bad_manifest"),
    ("malformed signatures.json", malformed_signatures, "malformed_signatures"),
]


@pytest.mark.parametrize(("builder", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rejected_with_reason_and_nothing_changes(tmp_path, base_db, keys, installed, cli, builder, code):
    pkg = builder(tmp_path, base_db, keys)
    active = select_active(installed, base_db)
    assert active.origin == "update" and active.sequence == 5
    before = snapshot(installed, active.path)
    history_before = (installed / "history.jsonl").read_text().splitlines()

    exit_code, out = cli("--data-dir", installed, "update", "verify", pkg)
    assert (exit_code, out["error"]["code"]) == (3, code), out
    assert snapshot(installed, active.path) == before
    assert (installed / "history.jsonl").read_text().splitlines() == history_before  # verify changes nothing

    exit_code, out = cli("--data-dir", installed, "update", "apply", pkg)
    assert exit_code == 3, out
    assert out["error"]["code"] == code
    assert out["error"]["message"]
    assert set(out["error"]) == {"code", "message", "field"}
    assert snapshot(installed, active.path) == before
    assert not list((installed / "db").glob(".staging-*"))

    history = (installed / "history.jsonl").read_text().splitlines()
    assert len(history) == len(history_before) + 1
    record = json.loads(history[-1])
    assert record["action"] == "reject" and record["code"] == code and record["message"]

    after = select_active(installed, base_db)
    assert (after.path, after.sequence, after.notice) == (active.path, 5, None)


def test_every_code_is_specific():
    codes = [c[2] for c in CASES]
    assert "internal_error" not in codes
    # The matrix of the issue, one reason each, all distinct where the causes differ.
    assert len(set(codes)) >= 30


def test_library_raises_the_same_reason(tmp_path, base_db, keys, installed):
    pkg = below_threshold(tmp_path, base_db, keys)
    with pytest.raises(UpdateRejected) as err:
        install.apply(pkg, installed)
    assert err.value.code == "below_threshold"


def test_signatures_are_checked_before_the_manifest_is_parsed(tmp_path, base_db, keys, installed, cli):
    """A manifest that is not even JSON, signed by an untrusted key: the signature check speaks first."""
    mbytes = b"{not json"
    pkg = Parts(mbytes, signatures(mbytes, [keys["mallory"], keys["dave"]]), base_db.read_bytes()).write(
        tmp_path / "pkg.zip"
    )
    code, out = cli("--data-dir", installed, "update", "apply", pkg)
    assert (code, out["error"]["code"]) == (3, "untrusted_signer")


def test_nothing_is_written_for_a_structural_rejection(tmp_path, base_db, keys, installed, cli):
    """A ../ member never reaches the file system, not even the data dir's parent."""
    pkg = dotdot_member(tmp_path, base_db, keys)
    listing = sorted(p.name for p in tmp_path.iterdir())
    code, _ = cli("--data-dir", installed, "update", "apply", pkg)
    assert code == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_missing_package_is_invalid_input_not_a_rejection(tmp_path, installed, cli):
    code, out = cli("--data-dir", installed, "update", "apply", tmp_path / "nope.zip")
    assert (code, out["error"]["code"], out["error"]["field"]) == (2, "package_not_found", "package")


def test_no_trust_root_rejects(tmp_path, base_db, keys, cli):
    pkg = _good(base_db, keys).write(tmp_path / "pkg.zip")
    data = tmp_path / "fresh"
    code, out = cli("--data-dir", data, "update", "apply", pkg)
    assert (code, out["error"]["code"]) == (3, "no_trust_root")
    assert select_active(data, base_db).origin == "bundled"


def test_package_hash_is_not_needed_for_rejection_of_a_huge_file(tmp_path, installed, cli):
    """Endless data: a file over the package cap is refused from its size alone (sparse file)."""
    pkg = tmp_path / "huge.zip"
    with pkg.open("wb") as fh:
        fh.truncate(DB_CAP + 1024 * 1024)
    code, out = cli("--data-dir", installed, "update", "apply", pkg)
    assert (code, out["error"]["code"]) == (3, "oversized_package")


def test_db_digest_in_snapshot_really_is_the_active_file(installed, base_db):
    active = select_active(installed, base_db)
    assert hashlib.sha256(active.path.read_bytes()).hexdigest() == active.sha256
