"""Reading JSON arguments and writing results.

An argument is inline JSON or ``@path``. A path must name a regular file (not ``/dev/zero``, a
FIFO, a folder — also behind a symlink), is opened without blocking and read up to
:data:`INPUT_CAP` bytes, and must be UTF-8 (a byte-order mark is allowed). The JSON is bounded
in size and nesting depth (:mod:`app.boundedio`); an integer of more than 4,300 digits is
refused. Every refusal is the contract's exit 2 naming the argument.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from app import boundedio
from app.cli.errors import CliError

#: the largest JSON argument accepted, inline or as a file (a patient case is a few KiB)
INPUT_CAP = 1024 * 1024


def _read_json(raw: str, field: str) -> Any:
    text = raw
    if raw.startswith("@"):
        text = _read_file(raw[1:], field)
    elif len(raw) > INPUT_CAP:
        raise CliError("input_too_large", f"{field} is longer than {INPUT_CAP} characters", field=field)
    try:
        return boundedio.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError("invalid_json", f"{field} is not valid JSON: {exc.msg} at char {exc.pos}", field=field) from None
    except ValueError as exc:  # too deeply nested, an integer of thousands of digits
        raise CliError("invalid_json", f"{field} is not accepted: {exc}", field=field) from None


def _read_file(path: str, field: str) -> str:
    try:
        data = boundedio.read_regular(path, INPUT_CAP)
    except boundedio.NotRegularFile as exc:
        raise CliError("unreadable_input", f"{field}: {path} is not a regular file ({exc.strerror}); give a JSON "
                       "file", field=field) from None
    except boundedio.FileTooLarge:
        raise CliError("input_too_large", f"{field}: {path} is larger than {INPUT_CAP} bytes", field=field) from None
    except OSError as exc:
        raise CliError("unreadable_input", f"cannot read {path}: {exc.strerror or exc}", field=field) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError("invalid_json", f"{field}: {path} is not UTF-8 text (byte {exc.start} is not valid UTF-8); "
                       "save it as UTF-8", field=field) from None


def _emit(data: Any, text: str | None = None) -> None:
    if text is not None:
        _write(text.rstrip("\n") + "\n")
    else:
        _write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _write(text: str) -> None:
    """Write to stdout; characters it cannot encode (a lone surrogate from undecodable argument
    bytes, a console code page) are escaped rather than failing the whole command."""
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        sys.stdout.write(text.encode("ascii", "backslashreplace").decode("ascii"))
