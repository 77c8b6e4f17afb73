"""A flowchart filled from the patient case: the routed figure takes every fact the case decides.

Each filled answer is marked "from the patient case" with its rule (the whole "why" — rule,
inputs, source — on hover and for screen readers). Changing a filled answer in the figure: an
entered fact (age, eligibility, context) goes back to the case; a derived one (a status, a
timing) becomes the figure's own answer and loses its mark. A figure the case is not routed to
is not filled (a relapsed patient's facts do not answer Fig. 1) and says so.
"""

from __future__ import annotations

from typing import Any

from app.services.case_session import CaseSession, CaseValue
from app.ui.patient_words import words_in


class CaseFill:
    """Keeps one flowchart screen's answers in step with the window's patient case."""

    def __init__(self, screen: Any, session: CaseSession) -> None:
        self.screen = screen
        self.session = session
        self.values: dict[str, CaseValue] = {}
        self._updating = False
        unsubscribe = session.subscribe(lambda _s: self.refresh())
        screen.destroyed.connect(lambda *_: unsubscribe())

    @property
    def routed_elsewhere(self) -> str | None:
        routed = self.session.routed_figure
        return routed if routed is not None and routed != self.screen.figure_id else None

    def refresh(self) -> None:
        """Take the case's facts for this figure; answers the case gave before and no longer gives go."""
        new = self.session.figure_facts(self.screen.figure_id) if self.routed_elsewhere is None else {}
        facts = dict(self.screen.facts)
        for name, old in self.values.items():
            if name not in new and facts.get(name) == old.value:
                facts.pop(name)
        facts.update({name: v.value for name, v in new.items()})
        self.values = new
        self._updating = True
        try:
            if facts != self.screen.facts:
                self.screen.set_facts(facts)
            self.screen._show_carried()
        finally:
            self._updating = False

    def on_panel(self, facts: dict[str, Any]) -> None:
        """The clinician changed answers in the figure: an entered fact goes back to the case."""
        if self._updating:
            return
        for name, filled in list(self.values.items()):
            if facts.get(name) == filled.value:
                continue
            del self.values[name]
            path = self.session.figure_fact_path(name)
            if path is not None:
                self.session.update(path, facts.get(name))

    def text(self, prompt: Any) -> str:
        """The mark shown above the questions (empty when nothing is filled)."""
        if self.routed_elsewhere is not None:
            fig = self.routed_elsewhere.replace("fig", "Fig. ")
            return f"The patient case is routed to {fig}; this figure is not filled from it."
        if not self.values:
            return ""
        parts = [f"{prompt(name)}: {self.screen.panel.label_of(name, v.value)}" for name, v in self.values.items()]
        return "From the patient case (F4 to edit): " + "; ".join(parts)

    def why(self, prompt: Any) -> str:
        return "\n".join(f"{prompt(name)} — {words_in(v.provenance)}" for name, v in self.values.items())
