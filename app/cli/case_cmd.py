"""``mmguide case``: one patient case → every derived fact, calculator and figure (case.md §1).

The input is read, evaluated in memory and printed; nothing of it is written anywhere.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.case_text import case_text
from app.cli.errors import EXIT_OK, CliError
from app.cli.io import _emit, _read_json
from app.services.case import CaseInputError, case_schema, evaluate
from app.services.guide import Guide
from app.services.local_notes import add_to_flow, local_view


def add_subcommand(sub: Any) -> None:
    case = sub.add_parser("case", help="one patient case: derived facts, calculators and the figure")
    mode = case.add_mutually_exclusive_group()
    mode.add_argument("--input", metavar="JSON|@FILE|FILE", help="the case: inline JSON, @path or a path")
    mode.add_argument("--schema", action="store_true", help="JSON Schema of the case input")
    # --text also after the command, as for the other commands; unset, the global one stands
    case.add_argument("--text", action="store_true", default=argparse.SUPPRESS, help="human-readable text output")


def read_case(raw: str) -> Any:
    """Inline JSON, ``@path``, or a path to a file."""
    if not raw.startswith("@") and not raw.lstrip().startswith(("{", "[")) and Path(raw).is_file():
        raw = "@" + raw
    return _read_json(raw, "input")


def run(guide: Guide, args: argparse.Namespace, as_text: bool) -> int:
    if args.schema:
        _emit(case_schema())
        return EXIT_OK
    if args.input is None:
        raise CliError("missing_mode", "use --input JSON|@FILE|FILE or --schema", field="input")
    raw = read_case(args.input)
    try:
        result = evaluate(guide, raw).model_dump(mode="json")
    except CaseInputError as err:
        raise CliError(err.code, err.message, field=err.field) from None
    if result.get("flow"):
        add_to_flow(result["flow"], local_view(guide))  # the local notes, as `mmguide flow` gives them
    _emit(result, case_text(result) if as_text else None)
    return EXIT_OK
