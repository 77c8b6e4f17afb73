"""Read the label files of ``resources/content/labels`` into the plain data of :class:`DosingContent`.

One reader for the content build (``app.storage.source``) and for the calculators that run
without a database (:mod:`app.core.dosing.catalog`): ``documents.yaml`` holds the documents,
``drug_facts.yaml`` the shared drug facts and every ``cards*.yaml`` a list of cards, read in
file-name order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LABELS_DIR = "labels"


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def read_dosing(content_dir: Path) -> dict[str, Any]:
    """The dosing content under ``content_dir/labels`` as plain data (empty when there is none)."""
    folder = Path(content_dir) / LABELS_DIR
    if not folder.is_dir():
        return {"documents": [], "drug_facts": [], "cards": []}
    docs = folder / "documents.yaml"
    shared = folder / "drug_facts.yaml"
    cards: list[Any] = []
    for path in sorted(folder.glob("cards*.yaml")):
        cards.extend(_load(path).get("cards") or [])
    return {
        "documents": _load(docs).get("documents") or [] if docs.is_file() else [],
        "drug_facts": _load(shared).get("drug_facts") or [] if shared.is_file() else [],
        "cards": cards,
    }
