"""Signed offline updates of the guide database ("TUF-lite"; see docs/updates-design.md).

Modules, lowest first:

- :mod:`app.updates.keys`: Ed25519 key files, key ids, signing and signature checks.
- :mod:`app.updates.trust`: the installation's trust root (keys, threshold) and its rotation.
- :mod:`app.updates.manifest`: the signed manifest: its exact fields, strictly parsed.
- :mod:`app.updates.active`: which database the app runs on (current → previous → bundled).
- :mod:`app.updates.package`: building and verifying a package (zip, signatures, staging).
- :mod:`app.updates.audit`: the audit log, with the operating-system identity of the caller.
- :mod:`app.updates.datadir`: the update lock, damaged layouts, what an ``OSError`` means.
- :mod:`app.updates.install`: apply, rollback and status over the data-dir layout.
- :mod:`app.updates.faults`: the kill-at-step-N and disk-full-at-step-N test hooks of ``apply``.

SQLite files are checked with the stdlib ``sqlite3`` against
:class:`~app.updates.active.DatabaseRules`; with ``DatabaseRules.deep`` (the default) the
usability checks of :mod:`app.storage.validate` (the schema allow-list from the storage
layer's own DDL, the FTS5 index, every model through the repository) run as well, imported
only when a check runs. Every file is read through :mod:`app.boundedio`.
"""

from __future__ import annotations

PRODUCT = "myeloma-pocket-guide"
DEFAULT_CHANNEL = "stable"


class UpdateRejected(Exception):
    """A package, signature or trust root was refused; ``code`` says why (the CLI's exit 3)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class UpdateUsageError(Exception):
    """A request that cannot be carried out as asked (the CLI's exit 2); nothing was changed."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not allowed in JSON here")


def _unique_pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def strict_json(data: bytes) -> object:
    """Parse UTF-8 JSON, refusing duplicate object keys, NaN/Infinity, a byte-order mark,
    nesting deeper than :data:`app.boundedio.MAX_DEPTH` and integers of more than 4,300 digits.

    ``json.loads`` silently keeps the last of two equal keys; a verifier must not (one reader
    could see one value and another reader the other). Raises ``ValueError`` for every one.
    """
    from app import boundedio

    text = data.decode("utf-8")  # strict: a bad byte raises UnicodeDecodeError (a ValueError)
    if text.startswith("\ufeff"):
        raise ValueError("a byte-order mark is not allowed")
    return boundedio.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_reject_constant)
