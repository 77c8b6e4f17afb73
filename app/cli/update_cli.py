"""``mmguide update …`` and ``mmguide admin …`` (shared/contracts/cli.md).

Only ``argparse`` is imported at module level: ``build_parser()`` adds these parsers on every
start, and the GUI start must not pay for cryptography or zip code. Everything else is
imported when one of these commands runs.

Exit codes: 0 done; 2 invalid arguments or a request that cannot be carried out (nothing
changed); 3 a package, signature or trust root was rejected (``code`` says why).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


def add_subcommands(sub: Any) -> None:
    """Add the ``update`` and ``admin`` parsers to the top-level subparsers ``sub``."""
    update = sub.add_parser("update", help="verify, apply or roll back a signed guideline update")
    usub = update.add_subparsers(dest="update_command", metavar="ACTION", parser_class=type(update))
    usub.required = True
    v = _action(usub, "verify", "what the package is and whether it would be accepted; changes nothing")
    v.add_argument("package", metavar="PKG")
    a = _action(usub, "apply", "install the package or reject it (exit 3); prints the new info")
    a.add_argument("package", metavar="PKG")
    _action(usub, "rollback", "return to the previous installed database (or the bundled one)")
    _action(usub, "status", "installed versions and the history of applies, rejections and rollbacks")

    admin = sub.add_parser("admin", help="publisher and deployment tools: keys, trust root, packages")
    asub = admin.add_subparsers(dest="admin_command", metavar="ACTION", parser_class=type(admin))
    asub.required = True
    kg = _action(asub, "keygen", "write DIR/NAME.key (owner-only) and DIR/NAME.pub")
    kg.add_argument("--out", required=True, metavar="DIR")
    kg.add_argument("--name", required=True)
    it = _action(asub, "init-trust", "set the trust root of --data-dir (or rotate it)")
    it.add_argument("--key", action="append", default=[], metavar="A.pub", help="a public key (repeat)")
    it.add_argument("--threshold", type=int, metavar="N", help="signatures required (k of the n keys)")
    it.add_argument("--rotate-with", action="append", default=[], metavar="K.key",
                    help="a private key signing the new root (repeat; threshold of the old and of the new root)")
    it.add_argument("--channel", help="the channel this installation follows (default: stable)")
    it.add_argument("--out", metavar="ROOT.json", help="write the signed root to a file instead of installing it")
    it.add_argument("--root", metavar="ROOT.json", help="install a root prepared with --out (first or rotation)")
    lt = _action(asub, "init-local-trust", "set the hospital's local-layer trust root of --data-dir (or rotate it)")
    lt.add_argument("--key", action="append", default=[], metavar="H1.pub", help="a hospital public key (repeat)")
    lt.add_argument("--threshold", type=int, metavar="N", help="signatures required (k of the n keys)")
    lt.add_argument("--rotate-with", action="append", default=[], metavar="K.key",
                    help="a private key signing the new local root (repeat; old and new thresholds)")
    bp = _action(asub, "build-package", "build and sign an update package")
    bp.add_argument("--sequence", type=int, required=True, metavar="N")
    bp.add_argument("--expires", required=True, metavar="YYYY-MM-DD")
    bp.add_argument("--sign", action="append", required=True, metavar="A.key", help="a signing key (repeat)")
    bp.add_argument("--db", metavar="FILE", help="the database to pack (default: freshly built from resources/)")
    bp.add_argument("--out", required=True, metavar="PKG")
    bp.add_argument("--channel", default="stable")
    bp.add_argument("--min-app-version", metavar="X.Y.Z", help="default: this app's version")
    bp.add_argument("--base", metavar="FILE",
                    help="the database the change summary compares with (default: the bundled one)")


def _action(subparsers: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    """An action parser that also accepts ``--data-dir`` after the action
    (``mmguide update apply PKG --data-dir D``); SUPPRESS keeps the global option's value
    when it is not repeated here."""
    parser: argparse.ArgumentParser = subparsers.add_parser(name, help=help_text)
    parser.add_argument("--data-dir", default=argparse.SUPPRESS, help="writable per-installation folder")
    return parser


def _rules() -> Any:
    from app.storage import schema
    from app.updates.active import DatabaseRules

    return DatabaseRules(application_id=schema.APPLICATION_ID,
                         supported_schema_versions=frozenset(schema.SUPPORTED_SCHEMA_VERSIONS))


def run(args: argparse.Namespace, data_dir: Path) -> int:
    """Run ``update``/``admin``; library errors become the contract's error object and exit code."""
    from app.cli.errors import EXIT_INVALID, EXIT_REJECTED, CliError
    from app.updates import UpdateRejected, UpdateUsageError

    try:
        if args.command == "update":
            return _update(args, data_dir)
        return _admin(args, data_dir)
    except UpdateRejected as err:
        raise CliError(err.code, err.message, field=err.field, exit_code=EXIT_REJECTED) from None
    except UpdateUsageError as err:
        raise CliError(err.code, err.message, field=err.field, exit_code=EXIT_INVALID) from None
    except OSError as err:  # a path the caller gave (keygen --out, build-package --out) cannot be used
        where = f" ({err.filename})" if err.filename else ""
        raise CliError("io_error", f"{err.strerror or err}{where}", field=None, exit_code=EXIT_INVALID) from None


def _emit(data: Any) -> None:
    from app.cli.io import _emit as emit

    emit(data)


def _info(data_dir: Path) -> dict[str, Any]:
    from app.services.guide import Guide

    return Guide(data_dir=data_dir).info()


def _info_after(data_dir: Path) -> dict[str, Any]:
    """The new ``info`` after a change that is already committed: if it cannot be produced,
    the change still stands (exit 0) and ``info_error`` says what went wrong."""
    try:
        return _info(data_dir)
    except Exception as exc:  # the update is done; reporting failure here would be a lie
        return {"info_error": f"{type(exc).__name__}: {exc}"}


def _update(args: argparse.Namespace, data_dir: Path) -> int:
    from pathlib import Path

    from app.paths import bundled_database
    from app.updates import install

    action = args.update_command
    if action == "verify":
        _emit(install.verify(Path(args.package), data_dir, rules=_rules()))
    elif action == "apply":
        result = install.apply(Path(args.package), data_dir, rules=_rules())
        _emit({**_info_after(data_dir), "update": result})
    elif action == "rollback":
        result = install.rollback(data_dir, rules=_rules())
        _emit({**_info_after(data_dir), "rollback": result})
    else:
        _emit(install.status(data_dir, bundled_database(), rules=_rules()))
    return 0


def _admin(args: argparse.Namespace, data_dir: Path) -> int:
    from pathlib import Path

    action = args.admin_command
    if action == "keygen":
        from app.updates.keys import load_public, write_keypair

        key_path, pub_path = write_keypair(Path(args.out), args.name)
        pub = load_public(pub_path)
        _emit({"name": args.name, "keyid": pub.keyid, "private_key": str(key_path), "public_key": str(pub_path)})
    elif action == "init-trust":
        _init_trust(args, data_dir)
    elif action == "init-local-trust":
        _init_local_trust(args, data_dir)
    else:
        _build_package(args)
    return 0


def _init_trust(args: argparse.Namespace, data_dir: Path) -> None:
    from pathlib import Path

    from app.cli.errors import CliError
    from app.updates import install
    from app.updates.keys import load_private, load_public

    if args.root:
        if args.key or args.threshold is not None or args.rotate_with:
            raise CliError("invalid_arguments", "--root installs a prepared root; do not combine it with --key, "
                           "--threshold or --rotate-with", field="root")
        _emit(install.install_root_file(data_dir, Path(args.root)))
        return
    if not args.key:
        raise CliError("missing_key", "give at least one --key A.pub", field="key")
    if args.threshold is None:
        raise CliError("missing_threshold", "give --threshold N (how many of the keys must sign)", field="threshold")
    keys = [load_public(Path(p), "key") for p in args.key]
    signers = [load_private(Path(p), "rotate_with") for p in args.rotate_with]
    _emit(install.init_trust(data_dir, keys, args.threshold, rotate_with=signers, channel=args.channel,
                             out=Path(args.out) if args.out else None))


def _init_local_trust(args: argparse.Namespace, data_dir: Path) -> None:
    from pathlib import Path

    from app.cli.errors import CliError
    from app.updates.keys import load_private, load_public
    from app.updates.local_install import init_local_trust

    if not args.key:
        raise CliError("missing_key", "give at least one --key H1.pub", field="key")
    if args.threshold is None:
        raise CliError("missing_threshold", "give --threshold N (how many of the keys must sign)", field="threshold")
    keys = [load_public(Path(p), "key") for p in args.key]
    signers = [load_private(Path(p), "rotate_with") for p in args.rotate_with]
    _emit(init_local_trust(data_dir, keys, args.threshold, rotate_with=signers))


def _build_package(args: argparse.Namespace) -> None:
    import tempfile
    from datetime import date
    from pathlib import Path

    from app import __version__
    from app.cli.errors import CliError
    from app.paths import bundled_database
    from app.updates.keys import load_private
    from app.updates.manifest import end_of_day
    from app.updates.package import build_package

    try:
        expires = end_of_day(date.fromisoformat(args.expires))
    except ValueError:
        raise CliError("invalid_expires", f"--expires must be a date YYYY-MM-DD; got {args.expires!r}",
                       field="expires") from None
    if args.sequence < 1:
        raise CliError("invalid_sequence", "--sequence must be a positive integer", field="sequence")
    signers = [load_private(Path(p), "sign") for p in args.sign]
    base = Path(args.base) if args.base else bundled_database()
    with tempfile.TemporaryDirectory(prefix="mmguide-build-") as tmp:
        if args.db:
            db = Path(args.db)
            if not db.is_file():
                raise CliError("db_not_found", f"no database file at {db}", field="db")
        else:
            db = _fresh_database(Path(tmp) / "guide.sqlite")
        built = build_package(
            db, Path(args.out), signers, sequence=args.sequence, expires=expires, channel=args.channel,
            min_app_version=args.min_app_version or __version__, base=base if base.is_file() else None,
            rules=_rules(),
        )
    _emit({"package": str(built.path), **built.manifest.to_json(), "signers": list(built.signers)})


def _fresh_database(out: Path) -> Path:
    from app.cli.errors import CliError
    from app.paths import content_dir
    from app.storage.build import build_database
    from app.storage.source import load_bundle, source_hash

    content = content_dir()
    try:
        bundle = load_bundle(content)
    except Exception as exc:  # a content error is the publisher's to fix, reported not raised
        raise CliError("invalid_content", f"the content in {content} does not load: {exc}", field="db") from None
    build_database(bundle, out, source_hash(content))
    return out
