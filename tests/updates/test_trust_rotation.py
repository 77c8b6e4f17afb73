"""Keys, the trust root and its rotation (TUF's rule: signed by the old and the new threshold)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from app.updates import UpdateRejected, UpdateUsageError, install
from app.updates.keys import ROOT_CONTEXT, load_private, load_public, write_keypair
from app.updates.trust import new_root, parse_root, sign_root, verify_rotation
from tests.updates.helpers import parts


def test_keygen_writes_owner_only_private_key_and_keyid_is_sha256_of_raw_public(tmp_path, cli):
    code, out = cli("admin", "keygen", "--out", tmp_path / "k", "--name", "alice")
    assert code == 0
    key_path, pub_path = Path(out["private_key"]), Path(out["public_key"])
    if os.name == "posix":
        assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    pub = load_public(pub_path)
    assert pub.keyid == out["keyid"] == hashlib.sha256(pub.public).hexdigest()
    assert load_private(key_path).public_key == pub
    code, out = cli("admin", "keygen", "--out", tmp_path / "k", "--name", "alice")
    assert (code, out["error"]["code"]) == (2, "key_exists")
    assert load_private(key_path).keyid == pub.keyid  # untouched


def test_tampered_public_key_file_is_refused(tmp_path):
    _, pub = write_keypair(tmp_path, "x")
    doc = json.loads(pub.read_text())
    doc["keyid"] = "0" * 64
    pub.write_text(json.dumps(doc))
    with pytest.raises(UpdateUsageError) as err:
        load_public(pub)
    assert err.value.code == "invalid_key_file"


def test_init_trust_cli_and_refusal_to_replace(tmp_path, keydir, cli):
    data = tmp_path / "data"
    args = ["--data-dir", data, "admin", "init-trust", "--key", keydir / "alice.pub", "--key", keydir / "bob.pub",
            "--key", keydir / "carol.pub", "--threshold", "2"]
    code, out = cli(*args)
    assert code == 0 and out["root"]["version"] == 1 and out["root"]["threshold"] == 2
    root_bytes = (data / "trust" / "root.json").read_bytes()
    code, out = cli(*args)
    assert (code, out["error"]["code"]) == (2, "root_exists")
    assert (data / "trust" / "root.json").read_bytes() == root_bytes


@pytest.mark.parametrize(("threshold", "code"), [(0, "invalid_threshold"), (3, "invalid_threshold")])
def test_threshold_must_fit_the_keys(tmp_path, keydir, cli, threshold, code):
    out = cli("--data-dir", tmp_path / "d", "admin", "init-trust", "--key", keydir / "alice.pub",
              "--key", keydir / "bob.pub", "--threshold", str(threshold))
    assert out[0] == 3 and out[1]["error"]["code"] == code
    assert not (tmp_path / "d" / "trust" / "root.json").exists()


def test_the_same_key_twice_is_one_key(tmp_path, keydir, cli):
    code, out = cli("--data-dir", tmp_path / "d", "admin", "init-trust", "--key", keydir / "alice.pub",
                    "--key", keydir / "alice.pub", "--threshold", "2")
    assert (code, out["error"]["code"]) == (3, "duplicate_key")


def test_root_with_a_duplicated_key_entry_is_refused(keys):
    root = new_root([keys["alice"].public_key, keys["bob"].public_key], 2)
    doc = json.loads(root.to_bytes())
    doc["signed"]["keys"].append(doc["signed"]["keys"][0])
    with pytest.raises(UpdateRejected) as err:
        parse_root(json.dumps(doc).encode())
    assert err.value.code == "duplicate_key"


def _rotate(cli, data, keydir, new, threshold, signers):
    args = ["--data-dir", data, "admin", "init-trust", "--threshold", str(threshold)]
    for n in new:
        args += ["--key", keydir / f"{n}.pub"]
    for n in signers:
        args += ["--rotate-with", keydir / f"{n}.key"]
    return cli(*args)


@pytest.fixture
def rooted(tmp_path, keydir, cli) -> Path:
    data = tmp_path / "data"
    code, _ = cli("--data-dir", data, "admin", "init-trust", "--key", keydir / "alice.pub", "--key",
                  keydir / "bob.pub", "--key", keydir / "carol.pub", "--threshold", "2")
    assert code == 0
    return data


def test_valid_rotation_is_accepted_and_archived(rooted, keydir, cli):
    code, out = _rotate(cli, rooted, keydir, ["bob", "carol", "dave"], 2, ["alice", "bob", "dave"])
    assert code == 0, out
    assert out["action"] == "trust_rotate" and out["root"]["version"] == 2
    assert (rooted / "trust" / "root-1.json").is_file()
    root = parse_root((rooted / "trust" / "root.json").read_bytes())
    assert set(root.key_names().values()) == {"bob", "carol", "dave"}
    history = [json.loads(line) for line in (rooted / "history.jsonl").read_text().splitlines()]
    assert [h["action"] for h in history] == ["trust_init", "trust_rotate"]


def test_rotation_signed_only_by_old_keys_is_rejected(rooted, keydir, cli):
    before = (rooted / "trust" / "root.json").read_bytes()
    code, out = _rotate(cli, rooted, keydir, ["dave", "erin"], 2, ["alice", "bob"])
    assert (code, out["error"]["code"]) == (3, "rotation_below_new_threshold")
    assert (rooted / "trust" / "root.json").read_bytes() == before


def test_rotation_signed_only_by_new_keys_is_rejected(rooted, keydir, cli):
    before = (rooted / "trust" / "root.json").read_bytes()
    code, out = _rotate(cli, rooted, keydir, ["dave", "erin"], 2, ["dave", "erin"])
    assert (code, out["error"]["code"]) == (3, "rotation_below_old_threshold")
    assert (rooted / "trust" / "root.json").read_bytes() == before
    last = json.loads((rooted / "history.jsonl").read_text().splitlines()[-1])
    assert last["action"] == "trust_reject" and last["code"] == "rotation_below_old_threshold"


def test_rotation_with_one_old_key_short_is_rejected(rooted, keydir, cli):
    code, out = _rotate(cli, rooted, keydir, ["alice", "dave"], 2, ["alice", "dave"])
    assert (code, out["error"]["code"]) == (3, "rotation_below_old_threshold")


def test_one_key_counts_once_in_a_rotation(rooted, keys):
    current = parse_root((rooted / "trust" / "root.json").read_bytes())
    new = sign_root(new_root([keys["alice"].public_key, keys["dave"].public_key], 1, version=2), [keys["alice"]])
    doubled = json.loads(new.to_bytes())
    doubled["signatures"].append(doubled["signatures"][0])
    with pytest.raises(UpdateRejected) as err:
        verify_rotation(current, parse_root(json.dumps(doubled).encode()))
    assert err.value.code == "duplicate_signature"


def test_rotation_must_be_the_next_version(rooted, keys, tmp_path, cli):
    new = new_root([keys["dave"].public_key], 1, version=3)
    new = sign_root(new, [keys["alice"], keys["bob"], keys["dave"]])
    path = tmp_path / "root-v3.json"
    path.write_bytes(new.to_bytes())
    code, out = cli("--data-dir", rooted, "admin", "init-trust", "--root", path)
    assert (code, out["error"]["code"]) == (3, "root_version")


def test_rotation_prepared_offline_and_installed_from_a_file(rooted, keydir, tmp_path, cli):
    """The ceremony machine writes root v2 with --out; IT installs it with --root."""
    ceremony = tmp_path / "ceremony"
    (ceremony / "trust").mkdir(parents=True)
    (ceremony / "trust" / "root.json").write_bytes((rooted / "trust" / "root.json").read_bytes())
    out_file = tmp_path / "root-v2.json"
    args = ["--data-dir", ceremony, "admin", "init-trust", "--key", keydir / "bob.pub", "--key", keydir / "dave.pub",
            "--threshold", "2", "--rotate-with", keydir / "alice.key", "--rotate-with", keydir / "bob.key",
            "--rotate-with", keydir / "dave.key", "--out", out_file]
    code, out = cli(*args)
    assert code == 0 and out["root"]["version"] == 2
    assert parse_root((ceremony / "trust" / "root.json").read_bytes()).version == 1  # --out installs nothing
    code, out = cli("--data-dir", rooted, "admin", "init-trust", "--root", out_file)
    assert code == 0 and out["action"] == "trust_rotate"


def test_a_root_signature_is_not_a_manifest_signature(keys):
    """Context prefixes separate the two: a root signature over bytes X does not verify as a
    manifest signature over the same bytes."""
    from app.updates.keys import MANIFEST_CONTEXT

    msg = b"same bytes"
    entry = keys["alice"].sign(ROOT_CONTEXT, msg)
    pub = keys["alice"].public_key
    assert pub.verify(ROOT_CONTEXT, msg, entry["sig"])
    assert not pub.verify(MANIFEST_CONTEXT, msg, entry["sig"])


def test_after_rotation_packages_signed_by_removed_keys_are_rejected(rooted, keydir, keys, base_db, tmp_path, cli):
    assert _rotate(cli, rooted, keydir, ["bob", "carol", "dave"], 2, ["alice", "bob", "dave"])[0] == 0
    by_removed = parts(base_db, 1, [keys["alice"], keys["bob"]]).write(tmp_path / "old-keys.zip")
    code, out = cli("--data-dir", rooted, "update", "apply", by_removed)
    assert (code, out["error"]["code"]) == (3, "untrusted_signer")
    by_current = parts(base_db, 1, [keys["bob"], keys["dave"]]).write(tmp_path / "new-keys.zip")
    code, out = cli("--data-dir", rooted, "update", "apply", by_current)
    assert code == 0 and sorted(out["signer_key_ids"]) == sorted([keys["bob"].keyid, keys["dave"].keyid])


def test_tampered_installed_root_rejects_updates(rooted, base_db, keys, tmp_path, cli):
    (rooted / "trust" / "root.json").write_text('{"signed": {}, "signatures": []}')
    pkg = parts(base_db, 1, [keys["alice"], keys["bob"]]).write(tmp_path / "p.zip")
    code, out = cli("--data-dir", rooted, "update", "apply", pkg)
    assert (code, out["error"]["code"]) == (3, "invalid_trust_root")


def test_init_trust_library_offline_first_root_may_be_self_signed(tmp_path, keys):
    data = tmp_path / "d"
    result = install.init_trust(data, [keys["alice"].public_key], 1, rotate_with=[keys["alice"]])
    assert result["signatures"] == [keys["alice"].keyid]
    # A first root signed by a key it does not list is refused.
    with pytest.raises(UpdateRejected) as err:
        install.init_trust(tmp_path / "e", [keys["alice"].public_key], 1, rotate_with=[keys["mallory"]])
    assert err.value.code == "untrusted_signer"
