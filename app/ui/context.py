"""What every screen shares: the services, the settings and the app-wide signals."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from app import __version__

if TYPE_CHECKING:
    from app.services.case_session import CaseSession
    from app.services.guide import Guide
    from app.ui.settings import Settings


class UiContext(QObject):
    """Passed to every screen. ``guide`` is None until the services have loaded."""

    guide_ready = Signal()
    navigate = Signal(str, object)  # screen id, optional payload (e.g. a statement id)
    carry_facts = Signal(str, dict)  # figure id, facts to apply (calculator → flowchart)
    #: Clear patient (the menu, its key, the Patient panel's button, closing the window): every screen
    #: empties what was typed for the patient, even when no case was entered
    patient_cleared = Signal()

    def __init__(self, settings: Settings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.guide: Guide | None = None
        #: the UI preferences (None in tests and the self-test, which neither read nor write them)
        self.settings: Settings | None = settings
        #: facts carried from calculators, per figure, kept in memory only, so that a figure
        #: screen created after the carry (opened for the first time) still receives them
        self.carried: dict[str, dict[str, Any]] = {}
        self.carry_facts.connect(self._remember_carry)
        #: the one patient case of this window, in memory only (None until the services load)
        self.case: CaseSession | None = None

    def _remember_carry(self, figure_id: str, facts: dict[str, Any]) -> None:
        self.carried[figure_id] = {**self.carried.get(figure_id, {}), **facts}

    def set_guide(self, guide: Guide) -> None:
        self.guide = guide
        if self.case is None:
            from app.services.case_session import CaseSession

            self.case = CaseSession(guide)
        else:
            self.case.use_guide(guide)
        self.guide_ready.emit()

    def clear_patient(self) -> None:
        """Forget the patient everywhere: the case, and the values typed into any screen."""
        if self.case is not None:
            self.case.clear()
        self.patient_cleared.emit()

    def stamp(self) -> str:
        """The line printed on every copy, print and PDF: app and content versions, date."""
        content = "content not loaded"
        if self.guide is not None:
            v = self.guide.version()
            content = f"content {v['content_version']} ({v['content_date']})"
        return f"Myeloma Pocket Guide {__version__} · {content} · printed {date.today().isoformat()}"
