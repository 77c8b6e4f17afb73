"""Signed guideline updates for the GUI: verify, apply, the trust-root check and the re-check.

The GUI (``app.ui``) may import ``app.services`` only, not ``app.updates``; this module is the
small bridge. Every function here is safe to run off the GUI thread (plain files and the
stdlib ``sqlite3``; no Qt) and never raises for a refused package: the outcome says what
happened in a form the dialog can show as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: a reason code of :mod:`app.updates` → what it means, in plain words, for a ward user or IT
REASONS: dict[str, str] = {
    "no_trust_root": "This installation has no trust root, so it cannot check who signed an update.",
    "invalid_trust_root": "The installation's trust root is damaged or unreadable, so no update can be checked.",
    "bad_signature": "A signature does not match the package: it was changed after it was signed, "
                     "or the signature is not genuine.",
    "below_threshold": "Not enough of the trusted signers signed this package.",
    "untrusted_signer": "The package is signed with a key this installation does not trust.",
    "duplicate_key": "The same signer's key is counted more than once.",
    "malformed_signatures": "The package's list of signatures is malformed.",
    "bad_manifest": "The package's description (manifest) is malformed.",
    "unsupported_format": "The package is in a format this app does not know.",
    "older_sequence": "This package is older than a guideline update already accepted on this computer.",
    "replayed_sequence": "This package, or another with the same sequence number, was already installed here.",
    "expired": "This package has expired; ask for a newer one.",
    "wrong_product": "This package is not for the Myeloma Pocket Guide.",
    "wrong_channel": "This package is for another update channel than the one this installation follows.",
    "unsupported_schema": "The database in this package needs a different version of the app.",
    "app_too_old": "This package needs a newer version of the app; update the app first.",
    "db_hash_mismatch": "The database inside the package is not the one that was signed (altered or damaged).",
    "length_mismatch": "The database inside the package does not have the signed size (altered or damaged).",
    "manifest_mismatch": "The database inside the package does not match what the signed description says.",
    "corrupt_database": "The database inside the package is damaged.",
    "wrong_application": "The database inside the package is not a Myeloma Pocket Guide database.",
    "not_zip": "The file is not an update package (not a zip file).",
    "empty": "The file is empty.",
    "truncated": "The package is incomplete (cut off); copy it again.",
    "corrupt_zip": "The package file is damaged.",
    "unsupported_zip": "The package uses zip features this app does not accept.",
    "missing_member": "The package lacks a required part.",
    "unexpected_member": "The package contains a file that does not belong in it.",
    "duplicate_member": "The package contains the same file twice.",
    "too_many_members": "The package contains too many files.",
    "directory_member": "The package contains a folder, which does not belong in it.",
    "path_traversal": "The package contains a file that points outside its folder (unsafe).",
    "absolute_path": "The package contains a file with an absolute path (unsafe).",
    "unsafe_name": "The package contains a file with an unsafe name.",
    "symlink_member": "The package contains a link to another file (unsafe).",
    "compressed_member": "A part of the package is compressed where it must not be.",
    "encrypted_member": "A part of the package is encrypted where it must not be.",
    "oversized_member": "A part of the package is larger than allowed.",
    "oversized_package": "The package is larger than allowed.",
    "zip_bomb": "The package claims sizes that would expand far beyond its own size (unsafe).",
    "package_not_found": "The package file was not found.",
    "unreadable_package": "The package file cannot be read.",
    "internal_error": "The check stopped on an unexpected error; nothing was changed.",
    "malformed_package": "The package file is malformed; it is not a package this app can read.",
    "duplicate_signature": "The same signer's signature appears more than once.",
    "unexpected_schema": "The database inside the package has tables, views or triggers a guide database does "
                         "not have (altered or hostile).",
    "corrupt_search_index": "The search index inside the package's database is damaged.",
    "unusable_content": "The content inside the package's database cannot be read by this app.",
    "database_timeout": "Checking the database inside the package took too long, so it was stopped and refused.",
    "disk_full": "The disk is full; nothing was changed. Free some space and try again.",
    "data_dir_not_writable": "This user may not change the installation's data folder; ask IT (an administrator) "
                             "to install the update.",
    "damaged_installation": "A file or folder of the installation is damaged; nothing was changed. Ask IT.",
    "io_error": "A file of the installation could not be read or written; nothing was changed.",
    "busy": "Another update, rollback or trust change is running on this computer; try again in a moment.",
}

NO_TRUST_ROOT_ADVICE = (
    "Hospital IT must first install the publisher's trust root with `mmguide admin init-trust` "
    "(see \u201cUpdating the guideline\u201d in the README). Nothing was changed."
)


def plain_reason(code: str) -> str:
    return REASONS.get(code, "The package was refused.")


@dataclass(frozen=True)
class UpdateOutcome:
    """What :func:`verify_package` or :func:`apply_package` found.

    ``accepted``: the package passed every check (and, for apply, is installed). ``package``:
    the verified facts (``install.verify``'s dictionary: product, channel, sequence, content
    version and date, created, expires, signers with names, changes); only for an accepted
    package — the claims of a refused package are never shown as facts. ``code``/``message``:
    why it was refused (``where``: the field at fault); ``no_trust_root``: the installation has no trust root at all.
    """

    accepted: bool
    package: dict[str, Any] = field(default_factory=dict)
    code: str | None = None
    message: str | None = None
    where: str | None = None
    result: dict[str, Any] = field(default_factory=dict)

    @property
    def no_trust_root(self) -> bool:
        return self.code == "no_trust_root"

    @property
    def plain(self) -> str:
        return plain_reason(self.code) if self.code else ""


def database_rules() -> Any:
    """The identity of a guide database this app reads (from :mod:`app.storage.schema`)."""
    from app.storage import schema
    from app.updates.active import DatabaseRules

    return DatabaseRules(
        application_id=schema.APPLICATION_ID, supported_schema_versions=frozenset(schema.SUPPORTED_SCHEMA_VERSIONS)
    )


def _refused(exc: Any) -> UpdateOutcome:
    return UpdateOutcome(accepted=False, code=exc.code, message=exc.message, where=exc.field)


def _internal(exc: Exception) -> UpdateOutcome:
    return UpdateOutcome(accepted=False, code="internal_error", message=f"{type(exc).__name__}: {exc}")


def trust_root_state(data_dir: Path) -> UpdateOutcome | None:
    """``None`` when ``data_dir`` holds a usable trust root, else the outcome to show."""
    from app.updates import UpdateRejected
    from app.updates.active import Layout
    from app.updates.install import require_root

    try:
        require_root(Layout(Path(data_dir)))
    except UpdateRejected as exc:
        return _refused(exc)
    return None


def verify_package(package: Path, data_dir: Path) -> UpdateOutcome:
    """Every check ``apply`` makes, changing nothing (``mmguide update verify``)."""
    from app.updates import UpdateRejected, UpdateUsageError
    from app.updates.install import verify

    try:
        facts = verify(Path(package), Path(data_dir), rules=database_rules())
    except (UpdateRejected, UpdateUsageError) as exc:
        return _refused(exc)
    except OSError as exc:
        return UpdateOutcome(accepted=False, code="unreadable_package", message=str(exc))
    except Exception as exc:  # documented never to raise: the dialog shows it instead
        return _internal(exc)
    return UpdateOutcome(accepted=True, package=facts)


def apply_package(package: Path, data_dir: Path) -> UpdateOutcome:
    """Install ``package`` (``mmguide update apply``); a refusal is logged by the library."""
    from app.updates import UpdateRejected, UpdateUsageError
    from app.updates.install import apply

    try:
        result = apply(Path(package), Path(data_dir), rules=database_rules())
    except (UpdateRejected, UpdateUsageError) as exc:
        return _refused(exc)
    except OSError as exc:
        return UpdateOutcome(accepted=False, code="unreadable_package", message=str(exc))
    except Exception as exc:  # documented never to raise: the dialog shows it instead
        return _internal(exc)
    return UpdateOutcome(accepted=True, package=result.get("applied", {}), result=result)


def recheck_active(data_dir: Path | None, active_path: Path, origin: str) -> str | None:
    """Re-hash the active database against the SHA-256 recorded when it was installed.

    ``None`` when it is unchanged (or there is nothing recorded to compare with: the bundled
    database, which has no installed hash, or a pointer that no longer names the file because
    IT applied or rolled back meanwhile — the next start picks that up); otherwise the notice
    of :func:`app.updates.active.recheck`. On a notice the caller builds a new ``Guide``: its
    selection skips the changed file and falls back (current → previous → bundled).
    """
    if data_dir is None or origin != "update":
        return None
    from app.updates.active import ActiveSelection, Layout, PointerUnreadable, read_pointer, recheck

    layout = Layout(Path(data_dir))
    try:
        pointer = read_pointer(layout)
    except PointerUnreadable:
        return None
    if pointer is None:
        return None
    path = Path(active_path)
    for entry in (pointer.current, pointer.previous):
        if entry is not None and (layout.db_dir / entry.file).resolve() == path.resolve():
            selection = ActiveSelection(path=path, origin="update", sha256=entry.sha256,
                                        content_version=entry.content_version, sequence=entry.sequence)
            return recheck(selection)
    return None
