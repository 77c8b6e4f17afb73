"""The screens of the main window, in navigation order, created lazily by id."""

from __future__ import annotations

import importlib
from typing import Any

#: screen id → (module, class, constructor kwargs). Navigation shows them in this order.
SCREENS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "fig1": ("app.ui.screens.flowchart", "FlowchartScreen", {"figure_id": "fig1"}),
    "fig2": ("app.ui.screens.flowchart", "FlowchartScreen", {"figure_id": "fig2"}),
    "fig3": ("app.ui.screens.flowchart", "FlowchartScreen", {"figure_id": "fig3"}),
    "calculators": ("app.ui.screens.calculators", "CalculatorsScreen", {}),
    "crs": ("app.ui.screens.toxicity", "ToxicityScreen", {"syndrome": "crs"}),
    "icans": ("app.ui.screens.toxicity", "ToxicityScreen", {"syndrome": "icans"}),
    "guideline": ("app.ui.screens.guideline", "GuidelineScreen", {}),
    "regimens": ("app.ui.screens.regimens", "RegimensScreen", {}),
    "about": ("app.ui.screens.about", "AboutScreen", {}),
    "help": ("app.ui.screens.help", "HelpScreen", {}),
    "patient": ("app.ui.patient_panel", "PatientPanel", {}),
    "case": ("app.ui.screens.case_summary", "CaseSummaryScreen", {}),
}


def create_screen(screen_id: str, context: Any) -> Any:
    module_name, class_name, kwargs = SCREENS[screen_id]
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(context, **kwargs)
