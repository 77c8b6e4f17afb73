"""``mmguide local …``: the hospital's local layer (shared/contracts/local.md).

Exit codes as for ``update``: 0 done; 2 a bad source, argument or request (nothing changed);
3 a package or trust root rejected (``code`` says why, nothing changed).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.errors import EXIT_INVALID, EXIT_OK, EXIT_REJECTED, CliError

SOURCE_CAP = 1024 * 1024
ACTIONS = ("schema", "template", "build", "verify", "apply", "status", "remove", "export")


def add_subcommand(sub: Any) -> None:
    local = sub.add_parser("local", help="the hospital's signed local layer: notes and formulary beside the guideline")
    lsub = local.add_subparsers(dest="local_command", metavar="ACTION", parser_class=type(local))
    lsub.required = True

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = lsub.add_parser(name, help=help_text)
        parser.add_argument("--data-dir", default=argparse.SUPPRESS, help="writable per-installation folder")
        parser.add_argument("--text", action="store_true", default=argparse.SUPPRESS, help="human-readable text")
        return parser

    action("schema", "JSON Schema of the local-layer source file")
    action("template", "a valid example source file (YAML)")
    b = action("build", "validate a source against the active content and build a signed local package")
    b.add_argument("--source", required=True, metavar="FILE", help="the source file (YAML or JSON)")
    b.add_argument("--sequence", type=int, required=True, metavar="N", help="higher than any layer installed before")
    b.add_argument("--sign", action="append", required=True, metavar="KEY", help="a hospital signing key (repeat)")
    b.add_argument("--out", required=True, metavar="PKG")
    b.add_argument("--allow-example", action="store_true",
                   help="build even though the source still holds the template's fictional example texts "
                        "(for trying the tools out only; never install such a package on clinical machines)")
    action("verify", "what the package is and whether it would be accepted; changes nothing").add_argument(
        "package", metavar="PKG")
    action("apply", "install the local package or reject it (exit 3)").add_argument("package", metavar="PKG")
    action("status", "the installed layer and every note's status")
    action("remove", "remove the installed local layer (recorded in the audit log)")
    e = action("export", "every note with its anchor, approval, review date and status")
    e.add_argument("--format", choices=("json", "csv"), default="json")


def run(args: argparse.Namespace, data_dir: Path) -> int:
    from app.updates import UpdateRejected, UpdateUsageError

    try:
        return _dispatch(args, data_dir)
    except UpdateRejected as err:
        raise CliError(err.code, err.message, field=err.field, exit_code=EXIT_REJECTED) from None
    except UpdateUsageError as err:
        raise CliError(err.code, err.message, field=err.field, exit_code=EXIT_INVALID) from None
    except OSError as err:
        where = f" ({err.filename})" if err.filename else ""
        raise CliError("io_error", f"{err.strerror or err}{where}", field=None, exit_code=EXIT_INVALID) from None


def _emit(data: Any, text: str | None = None) -> None:
    from app.cli.io import _emit as emit

    emit(data, text)


def _dispatch(args: argparse.Namespace, data_dir: Path) -> int:
    from datetime import date

    from app.services import local_layer

    action = args.local_command
    as_text = bool(getattr(args, "text", False))
    if action == "schema":
        from app.core.local.model import LocalLayerSource

        _emit(LocalLayerSource.model_json_schema())
    elif action == "template":
        from app.cli.io import _write
        from app.core.local.template import TEMPLATE

        _write(TEMPLATE)
    elif action == "build":
        _build(args, data_dir)
    elif action == "verify":
        from app.services.local_changes import compare_installed
        from app.updates import local_install

        checked = local_install.verify(Path(args.package), data_dir)
        data = {"accepted": True, **checked.describe(), "adds": _adds(checked),
                "changes": compare_installed(data_dir, checked.source)}
        _emit(data, _package_text(data, "would be accepted") if as_text else None)
    elif action == "apply":
        from app.updates import local_install

        checked = local_install.apply(Path(args.package), data_dir)
        data = {"applied": {**checked.describe(), "adds": _adds(checked)},
                "status": local_layer.status(_guide(data_dir), data_dir, date.today())}
        _emit(data, _status_text(data["status"]) if as_text else None)
    elif action == "status":
        data = local_layer.status(_guide(data_dir), data_dir, date.today())
        _emit(data, _status_text(data) if as_text else None)
    elif action == "remove":
        from app.updates import local_install

        data = local_install.remove(data_dir)
        _emit(data, f"Local layer removed ({data.get('hospital', '')}, layer {data.get('sequence', '?')})."
              if as_text else None)
    else:
        rows = local_layer.export_rows(_guide(data_dir), data_dir, date.today())
        if args.format == "csv":
            from app.cli.io import _write

            _write(_csv(rows, local_layer.EXPORT_COLUMNS))
        else:
            _emit(rows)
    return EXIT_OK


def _guide(data_dir: Path) -> Any:
    from app.services.guide import Guide

    return Guide(data_dir=data_dir)


def _adds(checked: Any) -> dict[str, Any]:
    source = checked.source
    return {
        "notes": [{"id": n.id, "anchor": n.anchor.key, "approved": n.approved.isoformat(),
                   "review_by": n.review_by.isoformat()} for n in source.notes],
        "unavailable": [{"regimen": u.regimen, "reason": u.reason} for u in source.unavailable],
    }


def _read_source(path: str) -> Any:
    import yaml
    from pydantic import ValidationError

    from app import boundedio
    from app.core.local.model import LocalLayerSource

    try:
        raw = boundedio.read_regular(path, SOURCE_CAP).decode("utf-8-sig")
    except boundedio.FileTooLarge:
        raise CliError("source_too_large", f"{path} is larger than {SOURCE_CAP} bytes", field="source") from None
    except UnicodeDecodeError:
        raise CliError("invalid_source", f"{path} is not UTF-8 text", field="source") from None
    except OSError as exc:
        raise CliError("unreadable_source", f"cannot read {path}: {exc.strerror or exc}", field="source") from None
    try:
        doc = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise CliError("invalid_source", f"{path} is not valid YAML or JSON: {exc}", field="source") from None
    try:
        return LocalLayerSource.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "source"
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown key {where!r}; see `mmguide local schema`"
        note = _note_named(doc, err["loc"])
        raise CliError("invalid_source", f"{note}{where}: {message}", field=where) from None


def _note_named(doc: Any, loc: tuple[Any, ...]) -> str:
    if len(loc) >= 2 and loc[0] == "notes" and isinstance(loc[1], int) and isinstance(doc, dict):
        notes = doc.get("notes")
        if isinstance(notes, list) and loc[1] < len(notes) and isinstance(notes[loc[1]], dict):
            return f"note {notes[loc[1]].get('id')!r}: "
    return ""


def _build(args: argparse.Namespace, data_dir: Path) -> None:
    from app.services.local_anchors import AnchorError, resolve
    from app.updates.keys import load_private
    from app.updates.local_package import build_local_package

    if args.sequence < 1:
        raise CliError("invalid_sequence", "--sequence must be a positive integer", field="sequence")
    source = _read_source(args.source)
    if not args.allow_example:
        _refuse_example(source)
    guide = _guide(data_dir)
    try:
        prints = resolve(guide, source)
    except AnchorError as err:
        raise CliError("unknown_anchor", err.message, field=err.field) from None
    signers = [load_private(Path(p), "sign") for p in args.sign]
    version = guide.version()
    manifest = build_local_package(source, Path(args.out), signers, sequence=args.sequence,
                                   content_version=version["content_version"],
                                   content_date=version["content_date"], anchor_fingerprints=prints)
    _emit({"package": str(args.out), **manifest.to_json(), "signers": [k.keyid for k in signers]})


def _refuse_example(source: Any) -> None:
    import yaml

    from app.core.local.model import LocalLayerSource
    from app.core.local.template import TEMPLATE, example_leftover

    found = example_leftover(source, LocalLayerSource.model_validate(yaml.safe_load(TEMPLATE)))
    if found is not None:
        where, message = found
        raise CliError("template_text", f"{where}: {message}. Every text in the template is a fictional example: "
                       "replace it with your hospital's own (or pass --allow-example to try the tools out, never "
                       "for a package that clinicians will see)", field=where)


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row[k] is None else row[k] for k in columns})
    return out.getvalue()


def _package_text(data: dict[str, Any], verdict: str) -> str:
    signers = ", ".join(s["name"] or s["keyid"][:16] for s in data["signers"])
    lines = [f"Local layer {data['package']}: {verdict}.",
             f"Hospital: {data['hospital']}; layer {data['sequence']}, built {data['created']} against guideline "
             f"content {data['content_version']}; signed by {signers}."]
    lines += [f"  note {n['id']} at {n['anchor']} (approved {n['approved']}, review by {n['review_by']})"
              for n in data["adds"]["notes"]]
    lines += [f"  not on the local formulary: {u['regimen']} ({u['reason']})" for u in data["adds"]["unavailable"]]
    if "changes" in data:
        from app.services.local_changes import text_lines

        lines += ["What installing it changes:", *(f"  {line}" for line in text_lines(data["changes"]))]
    return "\n".join(lines)


def _status_text(data: dict[str, Any]) -> str:
    if not data.get("installed"):
        return "No local layer is installed." + (f" {data['problem']}" if data.get("problem") else "")
    lines = [f"{data['label']} (signed by {', '.join(data['signers'])}; built against {data['built_against']}, "
             f"active content {data['active_content_version']})"]
    lines += [f"  [{n['status']}] {n['id']} at {n['anchor']}: {n['status_text']}" for n in data["notes"]]
    lines += [f"  not on the local formulary: {u['regimen']} ({u['reason']})" for u in data["unavailable"]]
    return "\n".join(lines)
