"""Entry point of ``mmguide``: the GUI with no command, the headless contract otherwise.

Heavy modules (SQLAlchemy, pydantic models, Qt) are imported inside the commands that need
them, so ``mmguide`` paints its window before they load.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import NoReturn, TypedDict

from app.cli.errors import EXIT_INTERNAL, EXIT_OK, CliError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError("invalid_arguments", f"{self.prog}: {message}", field="arguments")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="mmguide", description="Myeloma Pocket Guide: the EHA–EMN 2025 myeloma guideline, offline.")
    p.add_argument("--data-dir", help="writable per-installation folder (updates, history, settings)")
    p.add_argument("--version", action="store_true", help="app version, content version and date, schema version")
    p.add_argument("--exit-after-paint", action="store_true", help="start the GUI and exit once it has painted")
    p.add_argument("--self-test", action="store_true", help="visit every screen, check the database, print JSON")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON output (the default)")
    fmt.add_argument("--text", action="store_true", help="human-readable text output")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    sub.add_parser("info", help="the active database: origin, versions, integrity, data age")

    calc = sub.add_parser("calc", help="calculators")
    calc.add_argument("calc_id", nargs="?", metavar="ID")
    calc_mode = calc.add_mutually_exclusive_group()
    calc_mode.add_argument("--list", action="store_true")
    calc_mode.add_argument("--schema", action="store_true")
    calc_mode.add_argument("--input", metavar="JSON", help="inline JSON or @path/to/file.json")

    flow = sub.add_parser("flow", help="the flowcharts of Figs. 1–3")
    flow.add_argument("figure", nargs="?", metavar="FIG")
    flow_mode = flow.add_mutually_exclusive_group()
    flow_mode.add_argument("--list", action="store_true")
    flow_mode.add_argument("--describe", action="store_true")
    flow_mode.add_argument("--facts", metavar="JSON", help="inline JSON or @path/to/file.json")

    recs = sub.add_parser("recs", help="every tagged recommendation statement")
    recs.add_argument("--section")
    recs.add_argument("--evidence", help='e.g. "I, A" or "panel consensus; V, C"')

    search = sub.add_parser("search", help="search all content")
    search.add_argument("query", nargs="+")
    search.add_argument("--limit", type=int, default=20)

    tox = sub.add_parser("toxicity", help="CRS / ICANS management panels (Box 3 and text)")
    tox.add_argument("syndrome", choices=["crs", "icans"])
    tox.add_argument("--grade", type=int)

    for command in (calc, flow, recs, search, tox):
        # --text also after the command ("mmguide calc iss --input … --text"); unset, the global one stands
        command.add_argument("--text", action="store_true", default=argparse.SUPPRESS, help="human-readable text")

    from app.cli import case_cmd, diff_cmd, local_cmd, regimen_cmd, update_cli

    case_cmd.add_subcommand(sub)
    diff_cmd.add_subcommand(sub)
    regimen_cmd.add_subcommand(sub)
    update_cli.add_subcommands(sub)
    local_cmd.add_subcommand(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    from app import netguard

    netguard.install()
    argv = sys.argv[1:] if argv is None else argv
    gui = _plain_gui_launch(argv)
    if gui is not None:
        from app.ui.launch import launch

        return launch(**gui)
    try:
        args = build_parser().parse_args(argv)
        if args.exit_after_paint or args.self_test or (args.command is None and not args.version):
            from app.ui.launch import launch

            return launch(data_dir=args.data_dir, exit_after_paint=args.exit_after_paint, self_test=args.self_test)
        return _run(args)
    except CliError as err:
        return err.emit()
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the contract's "internal error": reported, not a traceback dump
        payload = {"error": {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}", "field": None}}
        sys.stdout.write(json.dumps(payload) + "\n")
        return EXIT_INTERNAL


class _GuiLaunch(TypedDict):
    data_dir: str | None
    exit_after_paint: bool
    self_test: bool


def _plain_gui_launch(argv: list[str]) -> _GuiLaunch | None:
    """The launch arguments when ``argv`` only starts the GUI, so the window paints without
    building the whole command-line parser; None when anything else was asked."""
    options: _GuiLaunch = {"data_dir": None, "exit_after_paint": False, "self_test": False}
    rest = list(argv)
    while rest:
        token = rest.pop(0)
        if token == "--exit-after-paint":
            options["exit_after_paint"] = True
        elif token == "--self-test":
            options["self_test"] = True
        elif token == "--data-dir" and rest and not rest[0].startswith("-"):
            options["data_dir"] = rest.pop(0)
        elif token.startswith("--data-dir=") and len(token) > len("--data-dir="):
            options["data_dir"] = token.split("=", 1)[1]
        else:
            return None
    return options


def _run(args: argparse.Namespace) -> int:
    if args.command in ("update", "admin") and not args.version:
        from app.cli import update_cli
        from app.services.datadir import resolve_data_dir

        # before the content services load: admin commands work without a usable database
        return update_cli.run(args, resolve_data_dir(args.data_dir))
    if args.command == "local" and not args.version:
        from app.cli import local_cmd
        from app.services.datadir import resolve_data_dir

        return local_cmd.run(args, resolve_data_dir(args.data_dir))
    from app.cli import commands

    return commands.run(args)
