"""Developer check of content files, one at a time (usable before the whole bundle exists).

    python tools/check_content.py resources/content/statements/03-ndmm.yaml [...]

Checks every ``{quote, location}`` pair against the guideline text in ../shared/seeds and
validates statement and figure files against their models. Exits 1 on any problem.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.content.models import Statement  # noqa: E402
from app.core.flowchart.model import Figure  # noqa: E402
from app.core.text import quote_key  # noqa: E402
from app.paths import guideline_seed  # noqa: E402


def _quotes(obj: Any, path: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if isinstance(obj, dict):
        if "quote" in obj and "location" in obj:
            out.append((path, obj["quote"]))
        for k, v in obj.items():
            out += _quotes(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            label = v.get("id", i) if isinstance(v, dict) else i
            out += _quotes(v, f"{path}[{label}]")
    return out


def main(argv: list[str]) -> int:
    seed_path = guideline_seed()
    if seed_path is None:
        print("guideline text not found in ../shared/seeds")
        return 1
    seed = quote_key(seed_path.read_text(encoding="utf-8"))
    bad = 0
    for name in argv:
        path = Path(name)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, quote in _quotes(data):
            if quote_key(quote) not in seed:
                bad += 1
                print(f"{path}:{where}: quote not found in the guideline: {quote[:90]!r}")
        try:
            if "statements" in path.parts:
                for raw in data or []:
                    Statement.model_validate(raw)
            elif "figures" in path.parts:
                Figure.model_validate(data)
        except Exception as exc:  # report every validation problem, keep going
            bad += 1
            print(f"{path}: {exc}")
    print("ok" if not bad else f"{bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
