"""Local packages refused like guideline updates: exit 3 with a specific code, nothing changed.

Every case starts from an installation with local layer 5 installed, and the data dir's bytes
(all but the audit log and the lock, as in the update matrix) are compared before and after."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.paths import bundled_database
from app.updates.keys import MANIFEST_CONTEXT
from app.updates.package import build_manifest, sign_manifest, write_package
from tests.local.helpers import build, raw_local
from tests.updates.helpers import RawMember, raw_zip, snapshot

Builder = Callable[[dict, Path, dict], Path]


def _tampered_layer(src, out, keys):
    from app.core.local.model import LocalLayerSource
    from app.updates.local_package import layer_bytes

    honest = layer_bytes(LocalLayerSource.model_validate(src))
    layer = honest.replace(b"SC here", b"IV here")  # same length, other words
    assert layer != honest
    return raw_local(src, out, [keys["h1"], keys["h2"]], sequence=6, layer=layer)


def _longer_layer(src, out, keys):
    return raw_local(src, out, [keys["h1"], keys["h2"]], sequence=6, layer=b" " * 10)


def _tampered_manifest(src, out, keys):
    good = build(src, out.with_suffix(".good.zip"), [keys["h1"], keys["h2"]], sequence=6)
    import zipfile

    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["local-manifest.json"] = members["local-manifest.json"].replace(b'"sequence": 6', b'"sequence": 7')
    out.write_bytes(raw_zip([RawMember(n, d) for n, d in members.items()]))
    return out


def _guideline_package(src, out, keys):
    manifest = build_manifest(bundled_database(), sequence=9, expires=datetime(2099, 1, 1, tzinfo=UTC))
    data = manifest.encode()
    write_package(out, data, sign_manifest(data, [keys["alice"], keys["bob"]]), bundled_database())
    return out


CASES: dict[str, tuple[Builder, str]] = {
    "tampered-layer": (_tampered_layer, "layer_hash_mismatch"),
    "layer-of-other-length": (_longer_layer, "length_mismatch"),
    "tampered-manifest": (_tampered_manifest, "bad_signature"),
    "unsigned": (lambda s, o, k: raw_local(s, o, [], sequence=6), "below_threshold"),
    "wrongly-signed": (lambda s, o, k: raw_local(s, o, [k["h1"], k["mallory"]], sequence=6), "untrusted_signer"),
    "forged-signature": (lambda s, o, k: raw_local(s, o, [], sequence=6, signatures=[
        {"keyid": k["h1"].keyid, "sig": k["h1"].sign(b"x", b"y")["sig"]}, k["h2"].sign(b"x", b"y")]),
        "bad_signature"),
    "under-threshold": (lambda s, o, k: raw_local(s, o, [k["h1"]], sequence=6), "below_threshold"),
    "rolled-back": (lambda s, o, k: build(s, o, [k["h1"], k["h2"]], sequence=4), "older_sequence"),
    "replayed": (lambda s, o, k: build(s, o, [k["h1"], k["h2"]], sequence=5), "replayed_sequence"),
    "publisher-package-as-local": (_guideline_package, "guideline_package"),
    "publisher-signed-local-format": (lambda s, o, k: raw_local(s, o, [k["alice"], k["bob"]], sequence=6),
                                      "untrusted_signer"),
    "guideline-context-signature": (lambda s, o, k: raw_local(s, o, [k["both"], k["h1"]], sequence=6,
                                                              context=MANIFEST_CONTEXT), "bad_signature"),
    "not-a-zip": (lambda s, o, k: (o.write_bytes(b"not a zip at all, just text" * 10), o)[1], "not_zip"),
    "truncated": (lambda s, o, k: (o.write_bytes(build(s, o, [k["h1"], k["h2"]], sequence=6).read_bytes()[:-30]),
                                   o)[1], "truncated"),
    "extra-member": (lambda s, o, k: (o.write_bytes(raw_zip([
        RawMember("local-manifest.json", b"{}"), RawMember("signatures.json", b"[]"), RawMember("layer.json", b"{}"),
        RawMember("evil.sh", b"rm -rf /")])), o)[1], "unexpected_member"),
    "compressed-member": (lambda s, o, k: (o.write_bytes(raw_zip([
        RawMember("local-manifest.json", b"{}", method=8), RawMember("signatures.json", b"[]"),
        RawMember("layer.json", b"{}")])), o)[1], "compressed_member"),
    "path-traversal": (lambda s, o, k: (o.write_bytes(raw_zip([
        RawMember("../local-manifest.json", b"{}"), RawMember("signatures.json", b"[]"),
        RawMember("layer.json", b"{}")])), o)[1], "path_traversal"),
}


@pytest.fixture
def installed(tmp_path: Path, data_dir: Path, keys, template_source) -> Path:
    from app.updates.local_install import apply

    apply(build(template_source, tmp_path / "seq5.zip", [keys["h1"], keys["h2"]], sequence=5), data_dir)
    return data_dir


@pytest.mark.parametrize("case", sorted(CASES))
def test_rejected_with_its_code_and_nothing_changes(case, tmp_path, installed, keys, template_source, cli):
    builder, code = CASES[case]
    pkg = builder(template_source, tmp_path / f"{case}.zip", keys)
    before = snapshot(installed)
    status_before = cli("--data-dir", installed, "local", "status")[1]
    for action in ("verify", "apply"):
        exit_code, out = cli("--data-dir", installed, "local", action, pkg)
        assert (exit_code, out["error"]["code"]) == (3, code), out
        assert snapshot(installed) == before
    assert cli("--data-dir", installed, "local", "status")[1] == status_before
    last = json.loads((installed / "history.jsonl").read_text().splitlines()[-1])
    assert last["action"] == "local_reject" and last["code"] == code


def test_local_package_offered_as_guideline_update_is_refused(tmp_path, installed, keys, template_source, cli):
    pkg = build(template_source, tmp_path / "local.zip", [keys["h1"], keys["both"]], sequence=6)
    before = snapshot(installed)
    code, out = cli("--data-dir", installed, "update", "apply", pkg)
    assert (code, out["error"]["code"]) == (3, "local_layer_package")
    assert snapshot(installed) == before


def test_local_context_signature_never_counts_for_a_guideline_update(tmp_path, installed, keys, cli):
    """A guideline-format package whose manifest the shared key (in both roots) signed as a local
    layer: the update verifier refuses the signature."""
    manifest = build_manifest(bundled_database(), sequence=9, expires=datetime(2099, 1, 1, tzinfo=UTC)).encode()
    from app.updates.keys import LOCAL_MANIFEST_CONTEXT

    sigs = json.dumps([keys["both"].sign(LOCAL_MANIFEST_CONTEXT, manifest), keys["alice"].sign(MANIFEST_CONTEXT,
                                                                                              manifest)]).encode()
    pkg = write_package(tmp_path / "cross.zip", manifest, sigs, bundled_database())
    before = snapshot(installed)
    code, out = cli("--data-dir", installed, "update", "apply", pkg)
    assert (code, out["error"]["code"]) == (3, "bad_signature")
    assert snapshot(installed) == before


def test_no_local_trust_root_rejects(tmp_path, keys, template_source, cli):
    pkg = build(template_source, tmp_path / "p.zip", [keys["h1"]])
    code, out = cli("--data-dir", tmp_path / "empty", "local", "apply", pkg)
    assert (code, out["error"]["code"]) == (3, "no_local_trust_root")


def test_a_tampered_installed_layer_is_not_used(installed, cli):
    layer = installed / "local" / "layer.zip"
    data = bytearray(layer.read_bytes())
    at = data.index(b"St Example University Hospital", data.index(b'"layer_version"') - 200)
    data[at] = ord("X")
    layer.write_bytes(bytes(data))
    from app.services.local_layer import load_installed

    assert load_installed(installed) is None
    status = cli("--data-dir", installed, "local", "status")[1]
    assert status["installed"] is False and "layer_hash_mismatch" in status["problem"]
    assert "layer_hash_mismatch" in cli("--data-dir", installed, "info")[1]["local_layer"]["error"]


def test_missing_package_is_a_usage_error(tmp_path, installed, cli):
    code, out = cli("--data-dir", installed, "local", "apply", tmp_path / "nope.zip")
    assert (code, out["error"]["code"]) == (2, "package_not_found")
