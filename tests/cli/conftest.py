from __future__ import annotations

import json

import pytest

from app.cli.main import main


class Run:
    def __init__(self, capsys, tmp_path):
        self.capsys = capsys
        self.data_dir = tmp_path / "data"

    def __call__(self, *argv: str) -> tuple[int, object]:
        code = main(["--data-dir", str(self.data_dir), *argv])
        out = self.capsys.readouterr().out
        try:
            return code, json.loads(out)
        except json.JSONDecodeError:
            return code, out


@pytest.fixture
def run(capsys, tmp_path) -> Run:
    return Run(capsys, tmp_path)
