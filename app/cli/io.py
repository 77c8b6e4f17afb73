"""Reading JSON arguments and writing results."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from app.cli.errors import CliError


def _read_json(raw: str, field: str) -> Any:
    text = raw
    if raw.startswith("@"):
        path = Path(raw[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError("unreadable_input", f"cannot read {path}: {exc.strerror}", field=field) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError("invalid_json", f"{field} is not valid JSON: {exc.msg} at char {exc.pos}", field=field) from None


def _emit(data: Any, text: str | None = None) -> None:
    if text is not None:
        sys.stdout.write(text.rstrip("\n") + "\n")
    else:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
