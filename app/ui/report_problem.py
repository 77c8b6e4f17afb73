"""Help → "Report a problem…": a message for the hospital's clinical safety officer, composed offline.

The report holds the app and content versions, the database's origin, SHA-256 and integrity, the
local layer ("none" in this version), the name of the screen the user was on and the user's
description — never a value from a screen (``app.services.problem_report``). The user copies it
to the clipboard or saves it as a text file they choose; the app sends nothing. Phrases of the
description that look like patient values are listed, and Copy/Save wait until the user has
removed them or confirmed that they are not patient values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.problem_report import compose_report, patient_value_suspects, version_block

WARNING_COLOURS = ("#fff4ce", "#3d2e00")


class ReportProblemDialog(QDialog):
    def __init__(self, guide: Any, screen: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Report a problem")
        self.setAccessibleName("Report a problem")
        self.resize(760, 700)
        self.screen_name = screen
        self.versions: dict[str, Any] = version_block(guide) if guide is not None else {}
        self.versions["qt"] = f"PySide6 {PYSIDE_VERSION}"
        self.saved_to: Path | None = None

        layout = QVBoxLayout(self)
        intro = QLabel(
            "Describe what went wrong or looked wrong, on which screen and what you expected. The report is for "
            "your hospital's clinical safety officer: copy it into an e-mail or your incident system, or save it "
            "as a text file. It holds the versions below and your words — <b>do not type patient values or "
            "identifiers</b>.",
            self,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        self.screen_label = QLabel(f"Screen: <b>{screen or 'not known'}</b>", self)
        self.screen_label.setAccessibleName("Screen the report is about")
        layout.addWidget(self.screen_label)
        heading = QLabel("&What happened:", self)
        layout.addWidget(heading)
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("problemDescription")
        self.description.setAccessibleName("What happened")
        self.description.setPlaceholderText(
            "e.g. On Fig. 2 the fallback regimens were listed before the preferred ones after I answered …"
        )
        self.description.setTabChangesFocus(True)
        heading.setBuddy(self.description)
        layout.addWidget(self.description, 2)

        self.warning = QLabel(self)
        self.warning.setObjectName("patientValueWarning")
        self.warning.setWordWrap(True)
        self.warning.setAutoFillBackground(True)
        self.warning.setStyleSheet(
            f"QLabel#patientValueWarning {{ background: {WARNING_COLOURS[0]}; color: {WARNING_COLOURS[1]}; "
            "padding: 6px; }"
        )
        self.warning.setAccessibleName("Possible patient values in the description")
        self.warning.hide()
        layout.addWidget(self.warning)
        self.confirm = QCheckBox("These are not patient values or identifiers", self)
        self.confirm.setAccessibleName("Confirm that the highlighted phrases are not patient values")
        self.confirm.hide()
        layout.addWidget(self.confirm)

        layout.addWidget(QLabel("The report:", self))
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("problemReport")
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("The report as it will be copied or saved")
        self.preview.setTabChangesFocus(True)
        layout.addWidget(self.preview, 3)

        row = QHBoxLayout()
        row.addStretch(1)
        self.copy_button = QPushButton("&Copy to clipboard", self)
        self.copy_button.setAccessibleName("Copy the report to the clipboard")
        self.copy_button.clicked.connect(self.copy_report)
        self.save_button = QPushButton("&Save as text file…", self)
        self.save_button.setAccessibleName("Save the report as a text file")
        self.save_button.clicked.connect(self.save_dialog)
        self.close_button = QPushButton("Close", self)
        self.close_button.clicked.connect(self.reject)
        for button in (self.copy_button, self.save_button, self.close_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.status = QLabel(self)
        self.status.setAccessibleName("Report status")
        layout.addWidget(self.status)

        self.description.textChanged.connect(self.refresh)
        self.confirm.toggled.connect(self.refresh)
        self.refresh()
        self.description.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- state -----------------------------------------------------------------------------
    @property
    def suspects(self) -> list[tuple[str, str]]:
        return patient_value_suspects(self.description.toPlainText())

    @property
    def ready(self) -> bool:
        return not self.suspects or self.confirm.isChecked()

    def report_text(self) -> str:
        suspects = self.suspects
        return compose_report(self.versions, screen=self.screen_name, description=self.description.toPlainText(),
                              suspects_confirmed=len(suspects) if suspects and self.confirm.isChecked() else 0)

    def refresh(self) -> None:
        suspects = self.suspects
        if suspects:
            listed = "; ".join(f"“{words}” ({what})" for what, words in suspects)
            self.warning.setText(
                f"⚠ This may be a patient value or identifier: {listed}. Remove it, or tick the box if it is not."
            )
            self.warning.setAccessibleDescription(self.warning.text())
            self.warning.show()
            self.confirm.show()
        else:
            self.warning.hide()
            self.confirm.hide()
            if self.confirm.isChecked():
                self.confirm.blockSignals(True)
                self.confirm.setChecked(False)
                self.confirm.blockSignals(False)
        self.preview.setPlainText(self.report_text())
        self.copy_button.setEnabled(self.ready)
        self.save_button.setEnabled(self.ready)

    # -- actions ----------------------------------------------------------------------------
    def copy_report(self) -> str | None:
        if not self.ready:
            return None
        text = self.report_text()
        QApplication.clipboard().setText(text)
        self.status.setText("Copied to the clipboard.")
        return text

    def save_to(self, path: str | Path) -> Path | None:
        if not self.ready:
            return None
        out = Path(path)
        out.write_text(self.report_text(), encoding="utf-8")
        self.saved_to = out
        self.status.setText(f"Saved to {out}")
        return out

    def save_dialog(self) -> None:
        from datetime import date

        name = f"mmguide-problem-report-{date.today().isoformat()}.txt"
        path, _ = QFileDialog.getSaveFileName(self, "Save the report", str(Path.home() / name), "Text files (*.txt)")
        if path:
            try:
                self.save_to(path)
            except OSError as exc:
                self.status.setText(f"Could not save: {exc.strerror or exc}")


def open_report_dialog(window: Any) -> ReportProblemDialog:
    """Help → Report a problem…, about the screen the window shows."""
    from app.ui.main_window import screen_label

    screen_id = getattr(window, "current_screen_id", None)
    screen = f"{screen_label(screen_id)} ({screen_id})" if screen_id else ""
    previous = getattr(window, "report_dialog", None)
    if previous is not None:
        previous.deleteLater()
    dialog = ReportProblemDialog(getattr(window, "guide", None), screen, window)
    window.report_dialog = dialog
    dialog.show()
    return dialog
