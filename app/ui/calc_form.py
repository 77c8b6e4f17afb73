"""Compatibility names for the modules that still import from here (the CRS / ICANS screen, the
dosing card, the drug page and the regimens screen): the calculator forms now live in
``app.ui.calc`` (one module per job). New code imports from there."""

from app.ui.calc.form import chain_tab_order
from app.ui.calc.panel import CalculatorPanel
from app.ui.calc.report import badges_html, export_pdf_dialog, html_document, html_table, warning_html
from app.ui.calc.result_view import WarningBox
from app.ui.calc.tables import FittedTable, RowsModel

__all__ = [
    "CalculatorPanel",
    "FittedTable",
    "RowsModel",
    "WarningBox",
    "badges_html",
    "chain_tab_order",
    "export_pdf_dialog",
    "html_document",
    "html_table",
    "warning_html",
]
