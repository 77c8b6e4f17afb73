from __future__ import annotations

from typing import Any

from app.core.flowchart.engine import Evaluation, evaluate


def ev(bundle: Any, figure: str, **facts: Any) -> Evaluation:
    return evaluate(bundle.figure(figure), facts, bundle.glossary)


def recs(e: Evaluation, status: str | None = "applies") -> dict[str, tuple[str | None, str]]:
    """regimen → (evidence text, tier) of the recommendations with that status (None: all)."""
    return {
        r.regimen: (r.evidence.text if r.evidence else None, r.tier)
        for r in e.recommendations
        if status is None or r.status == status
    }


def note_ids(e: Evaluation) -> set[str]:
    return {n.id for n in e.notes}


def note_refs(e: Evaluation) -> set[str]:
    return {n.ref for n in e.notes if n.ref}
