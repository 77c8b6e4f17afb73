"""Ed25519 keys: files, key ids, signing with a context prefix, checking one signature.

A key id is the SHA-256 (hex) of the 32-byte raw public key, so one key has exactly one id
and two entries with different ids are two different keys. Every signature covers a fixed
context prefix plus the exact bytes signed, so a signature made for one purpose (a package
manifest) can never be replayed as another (a trust root).

Key files are small JSON documents::

    NAME.pub  {"format": "mmguide-ed25519-public/1",  "name": ..., "keyid": ..., "public": hex}
    NAME.key  {"format": "mmguide-ed25519-private/1", "name": ..., "keyid": ..., "private": hex}

The private file is created with owner-only permissions (0600 where the OS has them) and
never over an existing file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.boundedio import FileTooLarge, read_regular
from app.updates import UpdateUsageError, strict_json

MANIFEST_CONTEXT = b"mmguide/package-manifest/v1\x00"
ROOT_CONTEXT = b"mmguide/trust-root/v1\x00"
#: a hospital's local-layer manifest (app.updates.local_package): never valid as a guideline manifest
LOCAL_MANIFEST_CONTEXT = b"mmguide/local-layer-manifest/v1\x00"

PUBLIC_FORMAT = "mmguide-ed25519-public/1"
PRIVATE_FORMAT = "mmguide-ed25519-private/1"

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX128 = re.compile(r"^[0-9a-f]{128}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_KEY_FILE_CAP = 16 * 1024


def keyid_of(public_raw: bytes) -> str:
    """The key id: SHA-256 of the raw 32-byte Ed25519 public key, lowercase hex."""
    if len(public_raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return hashlib.sha256(public_raw).hexdigest()


def is_keyid(value: object) -> bool:
    return isinstance(value, str) and bool(_HEX64.match(value))


def is_signature_hex(value: object) -> bool:
    return isinstance(value, str) and bool(_HEX128.match(value))


def valid_name(name: str) -> bool:
    return bool(_NAME.match(name))


@dataclass(frozen=True)
class PublicKey:
    keyid: str
    public: bytes
    name: str = ""

    @classmethod
    def from_raw(cls, public_raw: bytes, name: str = "") -> PublicKey:
        return cls(keyid=keyid_of(public_raw), public=bytes(public_raw), name=name)

    def verify(self, context: bytes, message: bytes, sig_hex: str) -> bool:
        """True when ``sig_hex`` is this key's signature over ``context + message``."""
        if not is_signature_hex(sig_hex):
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(bytes.fromhex(sig_hex), context + message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_json(self) -> dict[str, str]:
        return {"format": PUBLIC_FORMAT, "name": self.name, "keyid": self.keyid, "public": self.public.hex()}


@dataclass(frozen=True)
class PrivateKey:
    keyid: str
    name: str
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> PrivateKey:
        key = Ed25519PrivateKey.generate()
        return cls.from_seed(key.private_bytes_raw(), name)

    @classmethod
    def from_seed(cls, seed: bytes, name: str = "") -> PrivateKey:
        key = Ed25519PrivateKey.from_private_bytes(seed)
        return cls(keyid=keyid_of(key.public_key().public_bytes_raw()), name=name, seed=bytes(seed))

    @property
    def public_key(self) -> PublicKey:
        raw = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()
        return PublicKey(keyid=self.keyid, public=raw, name=self.name)

    def sign(self, context: bytes, message: bytes) -> dict[str, str]:
        """A signature entry ``{"keyid", "sig"}`` over ``context + message``."""
        sig = Ed25519PrivateKey.from_private_bytes(self.seed).sign(context + message)
        return {"keyid": self.keyid, "sig": sig.hex()}

    def __repr__(self) -> str:  # never print the seed
        return f"PrivateKey(keyid={self.keyid[:16]}…, name={self.name!r})"


# --- files -------------------------------------------------------------------------------------


def write_keypair(out_dir: Path, name: str) -> tuple[Path, Path]:
    """Generate a key pair and write ``out_dir/NAME.key`` (0600) and ``out_dir/NAME.pub``."""
    if not valid_name(name):
        raise UpdateUsageError("invalid_name", "a key name is 1–64 letters, digits, '.', '_' or '-'", "name")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    key_path, pub_path = out_dir / f"{name}.key", out_dir / f"{name}.pub"
    for path in (key_path, pub_path):
        if path.exists():
            raise UpdateUsageError("key_exists", f"{path} exists; a key file is never overwritten", "out")
    key = PrivateKey.generate(name)
    private_doc = {"format": PRIVATE_FORMAT, "name": name, "keyid": key.keyid, "private": key.seed.hex()}
    _write_new(key_path, (json.dumps(private_doc, indent=2) + "\n").encode(), 0o600)
    _write_new(pub_path, (json.dumps(key.public_key.to_json(), indent=2) + "\n").encode(), 0o644)
    return key_path, pub_path


def _write_new(path: Path, data: bytes, mode: int) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if os.name == "posix":
        os.chmod(path, mode)  # the umask may have narrowed it; the private key stays 0600


def _read_doc(path: Path, field: str) -> dict[str, object]:
    path = Path(path)
    try:
        doc = strict_json(read_regular(path, _KEY_FILE_CAP))
    except FileTooLarge:
        raise UpdateUsageError("invalid_key_file", f"{path} is too large to be a key file", field) from None
    except OSError as exc:
        raise UpdateUsageError("unreadable_key_file", f"cannot read {path}: {exc.strerror or exc}", field) from None
    except ValueError as exc:
        raise UpdateUsageError("invalid_key_file", f"{path} is not a key file: {exc}", field) from None
    if not isinstance(doc, dict):
        raise UpdateUsageError("invalid_key_file", f"{path} is not a key file", field)
    return doc


def load_public(path: Path, field: str = "key") -> PublicKey:
    doc = _read_doc(path, field)
    if doc.get("format") != PUBLIC_FORMAT:
        raise UpdateUsageError("invalid_key_file", f"{path} is not an mmguide public key (.pub)", field)
    public, keyid, name = doc.get("public"), doc.get("keyid"), doc.get("name", "")
    if not (isinstance(public, str) and _HEX64.match(public) and isinstance(name, str)):
        raise UpdateUsageError("invalid_key_file", f"{path}: malformed public key", field)
    key = PublicKey.from_raw(bytes.fromhex(public), name)
    if keyid != key.keyid:
        raise UpdateUsageError("invalid_key_file", f"{path}: keyid does not match the public key", field)
    return key


def load_private(path: Path, field: str = "sign") -> PrivateKey:
    doc = _read_doc(path, field)
    if doc.get("format") != PRIVATE_FORMAT:
        raise UpdateUsageError("invalid_key_file", f"{path} is not an mmguide private key (.key)", field)
    seed, keyid, name = doc.get("private"), doc.get("keyid"), doc.get("name", "")
    if not (isinstance(seed, str) and _HEX64.match(seed) and isinstance(name, str)):
        raise UpdateUsageError("invalid_key_file", f"{path}: malformed private key", field)
    key = PrivateKey.from_seed(bytes.fromhex(seed), name)
    if keyid != key.keyid:
        raise UpdateUsageError("invalid_key_file", f"{path}: keyid does not match the private key", field)
    return key
