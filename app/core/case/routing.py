"""Which figure the case is routed to (contract case.md §3, ROUTE).

``prior_lines`` 0 → Fig. 1 ("newly diagnosed"); 1 → Fig. 2 ("Patients who have received one prior
line of treatment"); ≥ 2 → Fig. 3 ("Patients who have received two or more prior lines of
treatment"). An undetermined count whose range maps to one figure still routes; SMM has no figure.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_serializer

from app.core.case import sources
from app.core.case.fact import Fact, Provenance

HEADINGS = {
    "fig1": "newly diagnosed (Fig. 1)",
    "fig2": "'Patients who have received one prior line of treatment' (Fig. 2, at second line)",
    "fig3": "'Patients who have received two or more prior lines of treatment' (Fig. 3, third line and beyond)",
}


class FigureChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None
    reason: str | None = None
    provenance: Provenance | None = None
    missing: list[str] | None = None
    range: list[int] | None = None
    not_applicable: str | None = None

    @model_serializer
    def _shape(self) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id}
        for key in ("reason", "provenance", "missing", "range", "not_applicable"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value.model_dump() if isinstance(value, BaseModel) else value
        return out


def figure_for(prior_lines: int) -> str:
    """ROUTE: 0 prior lines → fig1, 1 → fig2, 2 or more → fig3 (guideline section headings)."""
    if prior_lines <= 0:
        return "fig1"
    return "fig2" if prior_lines == 1 else "fig3"


def _lines_text(n: int) -> str:
    return "no prior line" if n == 0 else f"{n} prior line{'s' if n > 1 else ''}"


def route(prior: Fact, diagnosis: str) -> FigureChoice:
    if diagnosis == "smm":
        return FigureChoice(id=None, not_applicable="smouldering myeloma: Figs. 1–3 are for active myeloma")
    inputs = prior.provenance.inputs if prior.provenance else []
    provenance = Provenance(inputs=["derived.prior_lines", *inputs], rule="ROUTE", source=sources.ROUTING)
    if prior.value is not None:
        fig = figure_for(prior.value)
        return FigureChoice(id=fig, reason=f"{_lines_text(prior.value)} (IMWG) → {HEADINGS[fig]}",
                            provenance=provenance)
    assert prior.range is not None
    low, high = prior.range
    figs = {figure_for(n) for n in range(low, high + 1)}
    if len(figs) == 1:
        fig = figs.pop()
        return FigureChoice(id=fig, reason=f"{low} to {high} prior lines: each → {HEADINGS[fig]}",
                            provenance=provenance, range=[low, high])
    return FigureChoice(id=None, reason=f"{low} to {high} prior lines: the figure depends on it",
                        provenance=provenance, missing=list(prior.missing or []), range=[low, high])
