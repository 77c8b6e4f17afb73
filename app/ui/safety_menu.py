"""The Help menu's safety items: What's new in this content, Report a problem, Safety documents.

The modules behind them are imported when an item is chosen, never before the window paints.
"""

from __future__ import annotations

from typing import Any


def _whats_new(window: Any) -> Any:
    from app.ui.whats_new import open_whats_new

    return open_whats_new(window)


def _report(window: Any) -> Any:
    from app.ui.report_problem import open_report_dialog

    return open_report_dialog(window)


def add_help_actions(window: Any, help_menu: Any) -> None:
    """Add the items to ``help_menu`` with the window's own action factory (status tips included)."""
    help_menu.addSeparator()
    window.whats_new_action = window._action(
        help_menu, "&What's new in this content…", lambda: _whats_new(window),
        tip="What changed in the guideline content in use compared with the content bundled with the app",
    )
    window.report_problem_action = window._action(
        help_menu, "&Report a problem…", lambda: _report(window),
        tip="Compose a report for your clinical safety officer (versions and your words, never patient values)",
    )
    window.safety_documents_action = window._action(
        help_menu, "&Safety documents…", lambda: window.navigate("about", "safety"),
        tip="Intended use, hazard log, safety case report, test vectors and third-party software (on About)",
    )
