"""The trust root: which keys may sign packages, how many must agree, and how that changes.

A root document (``DATA_DIR/trust/root.json``)::

    {"signed": {"type": "mmguide-trust-root", "product": "myeloma-pocket-guide",
                "version": 1, "channel": "stable", "threshold": 2, "created": "...Z",
                "keys": [{"keyid": hex, "keytype": "ed25519", "public": hex, "name": "alice"}, ...]},
     "signatures": [{"keyid": hex, "sig": hex}, ...]}

Signatures on a root cover ``ROOT_CONTEXT`` + the canonical JSON of ``signed`` (sorted keys,
no spaces, UTF-8), as in TUF. The first root of an installation is put in place by IT as a
deployment step (like installing a CA certificate); every later one must be version + 1 and
carry signatures that meet the threshold of the old root *and* of the new one (TUF's rule),
so neither a stolen old key set nor a self-declared new one can take over alone.

Threshold counting is strict: every signature entry must come from a listed key and verify,
each key may appear only once, and the count of distinct valid keys must reach the threshold.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.updates import DEFAULT_CHANNEL, PRODUCT, UpdateRejected, strict_json
from app.updates.keys import ROOT_CONTEXT, PrivateKey, PublicKey, is_keyid, keyid_of

ROOT_TYPE = "mmguide-trust-root"
ROOT_CAP = 64 * 1024
MAX_KEYS = 32
MAX_SIGNATURES = 32
_SIGNED_FIELDS = frozenset({"type", "product", "version", "channel", "threshold", "created", "keys"})
_KEY_FIELDS = frozenset({"keyid", "keytype", "public", "name"})


def canonical_json(obj: object) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes a root signature covers."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


@dataclass(frozen=True)
class TrustRoot:
    version: int
    threshold: int
    keys: dict[str, PublicKey]
    channel: str = DEFAULT_CHANNEL
    product: str = PRODUCT
    created: str = ""
    signatures: tuple[dict[str, str], ...] = field(default=())

    def signed(self) -> dict[str, object]:
        return {
            "type": ROOT_TYPE,
            "product": self.product,
            "version": self.version,
            "channel": self.channel,
            "threshold": self.threshold,
            "created": self.created,
            "keys": [
                {"keyid": k.keyid, "keytype": "ed25519", "public": k.public.hex(), "name": k.name}
                for k in self.keys.values()
            ],
        }

    def signed_bytes(self) -> bytes:
        return canonical_json(self.signed())

    def document(self) -> dict[str, object]:
        return {"signed": self.signed(), "signatures": [dict(s) for s in self.signatures]}

    def to_bytes(self) -> bytes:
        return (json.dumps(self.document(), indent=2, ensure_ascii=False) + "\n").encode()

    def key_names(self) -> dict[str, str]:
        return {k: v.name for k, v in self.keys.items()}

    def summary(self) -> dict[str, object]:
        return {
            "version": self.version,
            "channel": self.channel,
            "threshold": self.threshold,
            "created": self.created,
            "keys": [{"keyid": k.keyid, "name": k.name} for k in self.keys.values()],
        }


def new_root(
    keys: Sequence[PublicKey],
    threshold: int,
    *,
    version: int = 1,
    channel: str = DEFAULT_CHANNEL,
    now: datetime | None = None,
) -> TrustRoot:
    """An unsigned root over ``keys``; raises :class:`UpdateRejected` on a bad key set."""
    by_id: dict[str, PublicKey] = {}
    for key in keys:
        if key.keyid in by_id:
            raise UpdateRejected("duplicate_key", f"key {key.keyid[:16]}… is listed twice", "key")
        by_id[key.keyid] = key
    created = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = TrustRoot(version=version, threshold=threshold, keys=by_id, channel=channel, created=created)
    _check_shape(root)
    return root


def sign_root(root: TrustRoot, signers: Iterable[PrivateKey]) -> TrustRoot:
    """``root`` with a signature by each of ``signers`` added (one per key)."""
    message = root.signed_bytes()
    sigs = list(root.signatures)
    seen = {s["keyid"] for s in sigs}
    for key in signers:
        if key.keyid in seen:
            continue
        sigs.append(key.sign(ROOT_CONTEXT, message))
        seen.add(key.keyid)
    return TrustRoot(root.version, root.threshold, root.keys, root.channel, root.product, root.created, tuple(sigs))


def _check_shape(root: TrustRoot) -> None:
    if not root.keys:
        raise UpdateRejected("invalid_root", "a trust root needs at least one key", "key")
    if len(root.keys) > MAX_KEYS:
        raise UpdateRejected("invalid_root", f"a trust root holds at most {MAX_KEYS} keys", "key")
    if not 1 <= root.threshold <= len(root.keys):
        raise UpdateRejected(
            "invalid_threshold",
            f"threshold must be between 1 and the number of keys ({len(root.keys)}); got {root.threshold}",
            "threshold",
        )
    if root.version < 1:
        raise UpdateRejected("invalid_root", "root version starts at 1", "version")


def parse_root(data: bytes) -> TrustRoot:
    """Parse and structurally check a root document (signatures are checked by the caller)."""
    if len(data) > ROOT_CAP:
        raise UpdateRejected("invalid_root", f"a trust root is at most {ROOT_CAP} bytes", "root")
    try:
        doc = strict_json(data)
    except ValueError as exc:
        raise UpdateRejected("invalid_root", f"the trust root is not valid JSON: {exc}", "root") from None
    if not isinstance(doc, dict) or set(doc) != {"signed", "signatures"}:
        raise UpdateRejected("invalid_root", "a trust root has exactly 'signed' and 'signatures'", "root")
    signed, sigs = doc["signed"], doc["signatures"]
    if not isinstance(signed, dict) or set(signed) != _SIGNED_FIELDS:
        raise UpdateRejected("invalid_root", f"root.signed must have exactly {sorted(_SIGNED_FIELDS)}", "root")
    if signed["type"] != ROOT_TYPE:
        raise UpdateRejected("invalid_root", f"root.signed.type must be {ROOT_TYPE!r}", "root.type")
    if signed["product"] != PRODUCT:
        raise UpdateRejected("wrong_product", f"the trust root is for {signed['product']!r}, not {PRODUCT!r}", "root")
    for name in ("version", "threshold"):
        if type(signed[name]) is not int:
            raise UpdateRejected("invalid_root", f"root.signed.{name} must be an integer", f"root.{name}")
    for name in ("channel", "created"):
        if not isinstance(signed[name], str):
            raise UpdateRejected("invalid_root", f"root.signed.{name} must be a string", f"root.{name}")
    raw_keys = signed["keys"]
    if not isinstance(raw_keys, list):
        raise UpdateRejected("invalid_root", "root.signed.keys must be a list", "root.keys")
    keys: dict[str, PublicKey] = {}
    for i, entry in enumerate(raw_keys):
        where = f"root.keys.{i}"
        if not isinstance(entry, dict) or set(entry) != _KEY_FIELDS:
            raise UpdateRejected("invalid_root", f"{where} must have exactly {sorted(_KEY_FIELDS)}", where)
        public, keyid, name = entry["public"], entry["keyid"], entry["name"]
        if entry["keytype"] != "ed25519" or not is_keyid(public) or not isinstance(name, str):
            raise UpdateRejected("invalid_root", f"{where} is not an Ed25519 key entry", where)
        raw = bytes.fromhex(public)
        if keyid != keyid_of(raw):
            raise UpdateRejected("invalid_root", f"{where}: keyid is not the SHA-256 of the public key", where)
        if keyid in keys:
            raise UpdateRejected("duplicate_key", f"{where}: key {keyid[:16]}… is listed twice", where)
        keys[keyid] = PublicKey(keyid=keyid, public=raw, name=name)
    root = TrustRoot(
        version=signed["version"],
        threshold=signed["threshold"],
        keys=keys,
        channel=signed["channel"],
        product=signed["product"],
        created=signed["created"],
        signatures=tuple(_signature_entries(sigs, "root.signatures")),
    )
    _check_shape(root)
    if canonical_json(signed) != root.signed_bytes():  # pragma: no cover - same fields, same encoding
        raise UpdateRejected("invalid_root", "the trust root does not round-trip", "root")
    return root


def _signature_entries(raw: object, where: str) -> list[dict[str, str]]:
    """Structural check of a signature list: ``[{"keyid": hex64, "sig": str}, ...]``."""
    if not isinstance(raw, list):
        raise UpdateRejected("malformed_signatures", f"{where} must be a list of {{keyid, sig}}", where)
    if len(raw) > MAX_SIGNATURES:
        raise UpdateRejected("malformed_signatures", f"{where} holds at most {MAX_SIGNATURES} signatures", where)
    out = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict) or set(entry) != {"keyid", "sig"}:
            raise UpdateRejected("malformed_signatures", f"{where}.{i} must have exactly keyid and sig", where)
        if not is_keyid(entry["keyid"]) or not isinstance(entry["sig"], str):
            raise UpdateRejected("malformed_signatures", f"{where}.{i}: keyid is 64 hex digits, sig a string", where)
        out.append({"keyid": entry["keyid"], "sig": entry["sig"]})
    return out


def parse_signatures(data: bytes, where: str = "signatures") -> list[dict[str, str]]:
    """Parse ``signatures.json`` (a list of ``{keyid, sig}``), structurally only."""
    try:
        raw = strict_json(data)
    except ValueError as exc:
        raise UpdateRejected("malformed_signatures", f"{where} is not valid JSON: {exc}", where) from None
    return _signature_entries(raw, where)


def check_threshold(
    entries: Sequence[dict[str, str]],
    keys: dict[str, PublicKey],
    threshold: int,
    context: bytes,
    message: bytes,
    *,
    what: str = "the manifest",
) -> list[str]:
    """Key ids of the valid signatures; raises unless they reach ``threshold``.

    Fails closed, in this order: a key id twice (``duplicate_signature``: one key is counted
    once, and a list that repeats one is refused outright), a key the root does not list
    (``untrusted_signer``), a signature that does not verify (``bad_signature``), fewer
    distinct valid keys than the threshold (``below_threshold``).
    """
    seen: set[str] = set()
    for entry in entries:
        if entry["keyid"] in seen:
            raise UpdateRejected(
                "duplicate_signature", f"key {entry['keyid'][:16]}… signed {what} twice; a key counts once",
                "signatures",
            )
        seen.add(entry["keyid"])
    for entry in entries:
        if entry["keyid"] not in keys:
            raise UpdateRejected(
                "untrusted_signer",
                f"{what} is signed by key {entry['keyid'][:16]}…, which the trust root does not list",
                "signatures",
            )
    valid: list[str] = []
    for entry in entries:
        if not keys[entry["keyid"]].verify(context, message, entry["sig"]):
            name = keys[entry["keyid"]].name or entry["keyid"][:16]
            raise UpdateRejected("bad_signature", f"the signature of {name} does not match {what}", "signatures")
        valid.append(entry["keyid"])
    if len(valid) < threshold:
        raise UpdateRejected(
            "below_threshold", f"{what} carries {len(valid)} valid signature(s); the trust root requires {threshold}",
            "signatures",
        )
    return valid


def verify_rotation(old: TrustRoot, new: TrustRoot) -> list[str]:
    """Check that ``new`` may replace ``old``; returns the key ids that signed it.

    ``new`` must be ``old.version + 1`` for the same product, and signed by at least
    ``old.threshold`` of the old keys and ``new.threshold`` of the new keys (a key in both
    roots counts for both, as in TUF).
    """
    if new.product != old.product:
        raise UpdateRejected("wrong_product", "the new root is for another product", "root")
    if new.version != old.version + 1:
        raise UpdateRejected(
            "root_version", f"the new root must be version {old.version + 1}; it is version {new.version}", "root"
        )
    message = new.signed_bytes()
    both = {**old.keys, **new.keys}
    entries = list(new.signatures)
    valid = check_threshold(entries, both, 1, ROOT_CONTEXT, message, what=f"root version {new.version}")
    old_count = sum(1 for k in valid if k in old.keys)
    new_count = sum(1 for k in valid if k in new.keys)
    if old_count < old.threshold:
        raise UpdateRejected(
            "rotation_below_old_threshold",
            f"the new root carries {old_count} signature(s) from the current root's keys; {old.threshold} required",
            "rotate_with",
        )
    if new_count < new.threshold:
        raise UpdateRejected(
            "rotation_below_new_threshold",
            f"the new root carries {new_count} signature(s) from its own keys; {new.threshold} required",
            "rotate_with",
        )
    return valid


def verify_initial(root: TrustRoot) -> list[str]:
    """The first root of an installation: signatures are optional, but any present must verify."""
    if not root.signatures:
        return []
    return check_threshold(list(root.signatures), root.keys, 1, ROOT_CONTEXT, root.signed_bytes(),
                           what=f"root version {root.version}")
