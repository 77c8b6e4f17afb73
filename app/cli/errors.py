"""Exit codes and the JSON error object of the CLI contract."""

from __future__ import annotations

import json
import sys

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INVALID = 2
EXIT_REJECTED = 3


class CliError(Exception):
    def __init__(self, code: str, message: str, field: str | None = None, exit_code: int = EXIT_INVALID) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.exit_code = exit_code

    def emit(self) -> int:
        payload = {"error": {"code": self.code, "message": self.message, "field": self.field}}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return self.exit_code
