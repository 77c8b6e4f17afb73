"""``mmguide diff [--from VERSION|FILE] [--to VERSION|FILE]``: what changed in the content.

Default: the bundled content → the active content. JSON by default (``app.services.content_diff``),
``--text`` for reading. A package given as ``--to PKG.zip`` is verified first (exit 3 if refused).
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.errors import EXIT_OK, CliError
from app.cli.io import _emit
from app.services.content_diff import DiffError, diff
from app.services.content_diff_text import diff_text
from app.services.guide import Guide


def add_subcommand(sub: Any) -> None:
    p = sub.add_parser("diff", help="what changed between two contents (default: bundled → active)")
    p.add_argument("--from", dest="from_spec", metavar="VERSION|FILE",
                   help="bundled (default), active, a content version, a database file or an update package")
    p.add_argument("--to", dest="to_spec", metavar="VERSION|FILE",
                   help="active (default), bundled, a content version, a database file or an update package")
    p.add_argument("--text", action="store_true", default=argparse.SUPPRESS, help="human-readable text output")


def run(guide: Guide, args: argparse.Namespace, as_text: bool) -> int:
    try:
        result = diff(args.from_spec, args.to_spec, data_dir=guide.data_dir,
                      active=(guide.active.path, guide.active.origin))
    except DiffError as err:
        raise CliError(err.code, err.message, field=err.field, exit_code=err.exit_code) from None
    _emit(result, diff_text(result) if as_text else None)
    return EXIT_OK
