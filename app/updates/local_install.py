"""The hospital's local layer in the data dir: its trust root, verify, apply, remove, and reading it back.

Layout (beside the guideline's files, under the same lock and audit log)::

    DATA_DIR/local/trust.json   the local trust root (k-of-n hospital keys; same format and
                                rotation rules as trust/root.json, channel "local-layer")
    DATA_DIR/local/layer.zip    the installed signed package, re-verified every time it is read
    DATA_DIR/local/state.json   {"format": 1, "sequence_floor": N}

Apply: the package is checked, copied byte for byte to a temp file in ``local/`` (fsynced),
the *copy* is checked again (what is installed is exactly what was verified), and one
``os.replace`` puts it in place; then the floor is raised and the audit line written. A
rejection changes nothing but the audit log. The sequence floor is the highest of
``state.json``, the installed package and every ``local_apply`` in the audit log, so a removed
or older layer cannot come back with its old sequence.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.boundedio import open_regular, read_regular
from app.updates import UpdateRejected, UpdateUsageError
from app.updates.active import Layout, read_history
from app.updates.audit import append_history, try_append_history
from app.updates.datadir import io_failure, locked
from app.updates.faults import step
from app.updates.install import atomic_write, init_trust, load_root
from app.updates.keys import PrivateKey, PublicKey
from app.updates.local_package import LOCAL_CHANNEL, CheckedLocalPackage, check_local_package
from app.updates.trust import TrustRoot

STATE_FORMAT = 1
LOG_PREFIX = "local_"
#: the steps of :func:`apply`, for the fault hooks of :mod:`app.updates.faults`
LOCAL_APPLY_STEPS: tuple[str, ...] = (
    "start",              # 1  nothing done yet
    "locked",             # 2  the update lock is held
    "package_verified",   # 3  the offered package passed every check
    "staging_written",    # 4  a byte copy in local/, fsynced
    "staging_checked",    # 5  the copy passed every check again
    "layer_replaced",     # 6  os.replace(copy, local/layer.zip): the commit point
    "state_written",      # 7  local/state.json holds the new floor
    "history_appended",   # 8  the audit line written
    "done",               # 9  before the result is printed
)


def _step(name: str) -> None:
    step(name, LOCAL_APPLY_STEPS)


@dataclass(frozen=True)
class LocalLayout(Layout):
    """A :class:`Layout` whose trust root is the hospital's local one."""

    @property
    def local_dir(self) -> Path:
        return self.root / "local"

    @property
    def trust_dir(self) -> Path:
        return self.local_dir

    @property
    def root_file(self) -> Path:
        return self.local_dir / "trust.json"

    @property
    def layer_file(self) -> Path:
        return self.local_dir / "layer.zip"

    @property
    def local_state_file(self) -> Path:
        return self.local_dir / "state.json"


def _layout(data_dir: Path) -> LocalLayout:
    return LocalLayout(Path(data_dir))


# --- trust root ---------------------------------------------------------------------------------


def init_local_trust(
    data_dir: Path, keys: list[PublicKey], threshold: int, *, rotate_with: list[PrivateKey] | None = None
) -> dict[str, Any]:
    """Set the local trust root (first one), or rotate it (signed by the old and the new threshold)."""
    return init_trust(Path(data_dir), keys, threshold, rotate_with=rotate_with, channel=LOCAL_CHANNEL,
                      layout=_layout(data_dir), log_prefix=LOG_PREFIX)


def load_local_root(data_dir: Path) -> TrustRoot | None:
    layout = _layout(data_dir)
    try:
        root = load_root(layout)
    except UpdateRejected as exc:
        raise UpdateRejected("invalid_local_trust_root", exc.message.replace("trust root", "local trust root"),
                             "local_trust") from None
    if root is not None and root.channel != LOCAL_CHANNEL:
        raise UpdateRejected("invalid_local_trust_root", f"{layout.root_file} is not a local trust root (channel "
                             f"{root.channel!r}); set it with `mmguide admin init-local-trust`", "local_trust")
    return root


def require_local_root(data_dir: Path) -> TrustRoot:
    root = load_local_root(data_dir)
    if root is None:
        raise UpdateRejected("no_local_trust_root", f"no local trust root in {Path(data_dir)}; IT installs one first "
                             "with `mmguide admin init-local-trust --key H1.pub … --threshold N`", "local_trust")
    return root


# --- the sequence floor -------------------------------------------------------------------------


def _state_floor(layout: LocalLayout) -> int:
    try:
        doc = json.loads(read_regular(layout.local_state_file, 64 * 1024))
    except (OSError, ValueError):
        return 0
    floor = doc.get("sequence_floor") if isinstance(doc, dict) else None
    return floor if type(floor) is int else 0


def sequence_floor(data_dir: Path) -> int:
    """The highest local sequence ever accepted here (state, the installed layer, audit log): an
    apply killed after its commit point but before the state was written still raised it."""
    layout = _layout(data_dir)
    seqs = [_state_floor(layout)]
    installed = installed_layer(data_dir).checked
    if installed is not None:
        seqs.append(installed.manifest.sequence)
    for record in read_history(layout):
        if record.get("action") == f"{LOG_PREFIX}apply" and type(record.get("sequence")) is int:
            seqs.append(record["sequence"])
    return max(seqs)


# --- verify, apply, remove ----------------------------------------------------------------------


def _check_file(path: Path, root: TrustRoot, floor: int) -> CheckedLocalPackage:
    try:
        fh = open_regular(path)
    except FileNotFoundError:
        raise UpdateUsageError("package_not_found", f"no package file at {path}", "package") from None
    except OSError as exc:
        raise UpdateUsageError("unreadable_package", f"cannot read {path}: {exc.strerror or exc}", "package") from None
    with fh:
        try:
            return check_local_package(fh, path, root, floor)
        except (UpdateRejected, UpdateUsageError):
            raise
        except OSError as exc:
            raise UpdateUsageError("unreadable_package", f"the package cannot be read: {exc.strerror or exc}",
                                   "package") from None
        except Exception as exc:  # hostile bytes are a rejection, never an internal error
            raise UpdateRejected("malformed_package", f"the package is malformed ({type(exc).__name__}: {exc})",
                                 "package") from None


def verify(package: Path, data_dir: Path) -> CheckedLocalPackage:
    """Everything :func:`apply` checks; changes nothing (a verify-only check is not audited)."""
    return _check_file(Path(package), require_local_root(data_dir), sequence_floor(data_dir))


def check_to_install(package: Path, data_dir: Path) -> CheckedLocalPackage:
    """:func:`verify` as the first step of an install attempt (the GUI's dialog): a refusal is written to
    the audit log exactly as :func:`apply` writes it; an accepted package changes nothing."""
    try:
        return verify(package, data_dir)
    except (UpdateRejected, UpdateUsageError) as exc:
        _audit_refusal(_layout(data_dir), Path(package), exc)
        raise


def _audit_refusal(layout: LocalLayout, package: Path, exc: UpdateRejected | UpdateUsageError) -> None:
    """``local_reject`` (a refused package) or ``local_failed`` (a usage problem) with code, message and
    package name; when the line cannot be written, the error's message says so."""
    kind = "reject" if isinstance(exc, UpdateRejected) else "failed"
    problem = try_append_history(layout, {"action": f"{LOG_PREFIX}{kind}", "code": exc.code,
                                          "message": exc.message, "package": package.name})
    if problem is not None:
        exc.message = f"{exc.message} ({problem})"
        exc.args = (exc.message,)


def apply(package: Path, data_dir: Path) -> CheckedLocalPackage:
    """Verify and install ``package`` as the local layer; a rejection is audited and changes nothing else."""
    layout = _layout(data_dir)
    package = Path(package)
    try:
        _step("start")
        with locked(layout):
            _step("locked")
            result = _apply_locked(layout, package)
        try:
            _step("done")
        except OSError as exc:
            result = replace(result, warnings=(*result.warnings, f"the layer is installed, but finishing failed "
                                               f"({exc.strerror or exc})"))
        return result
    except (UpdateRejected, UpdateUsageError) as exc:
        _audit_refusal(layout, package, exc)
        raise
    except OSError as exc:
        raise io_failure(exc, layout, "installing the local layer") from None


def _apply_locked(layout: LocalLayout, package: Path) -> CheckedLocalPackage:
    root = require_local_root(layout.root)
    floor = sequence_floor(layout.root)
    _check_file(package, root, floor)
    _step("package_verified")
    layout.local_dir.mkdir(parents=True, exist_ok=True)
    for leftover in layout.local_dir.glob(".*.tmp-*"):  # of an apply that was killed
        with contextlib.suppress(OSError):
            leftover.unlink()
    staging = layout.local_dir / f".layer.zip.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        with open_regular(package) as src, staging.open("xb") as dst:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
        _step("staging_written")
        checked = _check_file(staging, root, floor)  # what is installed is exactly what was verified
        _step("staging_checked")
        os.replace(staging, layout.layer_file)
    except BaseException:
        with contextlib.suppress(OSError):
            staging.unlink()
        raise
    checked = replace(checked, path=package)
    m = checked.manifest
    warnings: list[str] = []
    try:  # the layer is installed whatever happens here: a failure is a warning, not a failure
        _step("layer_replaced")
        state = {"format": STATE_FORMAT, "sequence_floor": max(floor, m.sequence)}
        atomic_write(layout.local_state_file, (json.dumps(state, indent=2) + "\n").encode())
        _step("state_written")
    except OSError as exc:
        warnings.append(f"local/state.json could not be updated ({exc.strerror or exc}); the floor is still "
                        "enforced from the installed layer")
    problem = try_append_history(layout, {
        "action": f"{LOG_PREFIX}apply", "package": package.name, "hospital": m.hospital, "sequence": m.sequence,
        "created": m.created, "layer_sha256": m.layer_sha256, "content_version": m.content_version,
        "signers": list(checked.signers),
    })
    if problem is not None:
        warnings.append(problem)
    try:
        _step("history_appended")
    except OSError as exc:
        warnings.append(f"the layer is installed, but a later step failed ({exc.strerror or exc})")
    return replace(checked, warnings=tuple(warnings))


def remove(data_dir: Path) -> dict[str, Any]:
    """Remove the installed local layer (the floor stays); recorded in the audit log."""
    layout = _layout(data_dir)
    try:
        with locked(layout):
            if not layout.layer_file.exists():
                raise UpdateUsageError("no_local_layer", "no local layer is installed", "local")
            installed = installed_layer(layout.root)
            layout.layer_file.unlink()
            record: dict[str, Any] = {"action": f"{LOG_PREFIX}remove"}
            if installed.checked is not None:
                m = installed.checked.manifest
                record.update(hospital=m.hospital, sequence=m.sequence, layer_sha256=m.layer_sha256)
            else:
                record["problem"] = installed.problem
            append_history(layout, record)
    except OSError as exc:
        raise io_failure(exc, layout, "removing the local layer") from None
    return {"removed": True, **{k: v for k, v in record.items() if k != "action"}}


# --- reading the installed layer ----------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    """What ``local/layer.zip`` holds: a verified package, nothing (both None), or a problem."""

    checked: CheckedLocalPackage | None = None
    problem: str | None = None


def installed_layer(data_dir: Path) -> Installed:
    """Re-verify the installed package against the local trust root (sequence floor not applied:
    the installed layer is the one that raised it)."""
    layout = _layout(data_dir)
    if not layout.layer_file.exists():
        return Installed()
    try:
        root = require_local_root(layout.root)
        checked = _check_file(layout.layer_file, root, 0)
    except (UpdateRejected, UpdateUsageError) as exc:
        return Installed(problem=f"the installed local layer is not used: {exc.message} ({exc.code})")
    return Installed(checked=checked)

