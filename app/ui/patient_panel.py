"""The Patient panel (F4 from every screen): the one patient case, entered once.

Demographics, labs with their units, cytogenetics with "not tested", frailty, the context and
the treatment history (``patient_history``). Every edit goes to the window's ``CaseSession`` as
it is typed; the status line at the top shows where the case leads (figure, line) or the input
error in words, naming the field. Nothing is saved: the case lives in memory until "Clear
patient" (Ctrl+Shift+Delete) or the window closes. A case file can be opened (read only).
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core import units
from app.services.case_session import CaseSession
from app.ui import patient_words as words
from app.ui.context import UiContext
from app.ui.patient_fields import ChoiceField, Field, QuantityField, TextField, plain_label
from app.ui.patient_history import HistoryEditor
from app.ui.screens.base import Screen
from app.ui.theme import Colours, follow_theme, styled
from app.ui.widgets import muted_html, themed_text
from app.ui.wrap_layout import WrapLayout

TABS = ("Patient and labs", "Cytogenetics and context", "Treatment history")


def _error_sheet(c: Colours) -> str:
    return f"QLabel#caseStatus[error='true'] {{ color: {c.error}; }}"


def strip_labels(raw: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A case read from a file without its episode labels (``id``): the app numbers episodes, so no label a
    user typed (it could be a record number) reaches a copy or a print."""
    history = raw.get("treatment_history")
    if not isinstance(history, list) or not any(isinstance(e, dict) and "id" in e for e in history):
        return raw, False
    return {**raw, "treatment_history": [
        {k: v for k, v in e.items() if k != "id"} if isinstance(e, dict) else e for e in history]}, True


class PlaceholderField(TextField):
    """A text field at least as wide as its placeholder ("regimens, comma-separated"), at any text size."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        metrics = self.fontMetrics()
        chrome = hint.width() - 17 * metrics.horizontalAdvance("x")  # QLineEdit's hint: 17 "x" + frame and buttons
        needed = chrome + metrics.horizontalAdvance(self.placeholderText()) + metrics.averageCharWidth()
        return QSize(max(hint.width(), needed), hint.height())


class PatientPanel(Screen):
    title = "Patient"

    def __init__(self, context: UiContext, parent: QWidget | None = None, **kwargs: Any) -> None:
        super().__init__(context, parent, **kwargs)
        self.setAccessibleName("Patient panel")
        self.fields: dict[str, Field] = {}
        self.labels: dict[str, str] = {}
        self.history: HistoryEditor | None = None
        self._unsubscribe: Any = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        title = QLabel("<h2>Patient</h2>", self)
        outer.addWidget(title)
        self.status = QLabel(self)
        self.status.setObjectName("caseStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.status.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.status.setAccessibleName("Where the case leads, or its input error")
        styled(self.status, _error_sheet)
        outer.addWidget(self.status)
        buttons = QWidget(self)
        row = WrapLayout(buttons)
        self.go_to_error = QPushButton("G&o to the field", buttons)
        self.go_to_error.clicked.connect(self.focus_error_field)
        self.summary_button = QPushButton("Case summary (F5)", buttons)
        self.summary_button.clicked.connect(lambda: self.context.navigate.emit("case", None))
        self.open_button = QPushButton("Open case file…", buttons)
        self.open_button.clicked.connect(lambda: self.open_case_file())  # not clicked(checked) as the path
        self.clear_button = QPushButton("&Clear patient", buttons)
        self.clear_button.clicked.connect(self.clear_patient)
        for button in (self.go_to_error, self.summary_button, self.open_button, self.clear_button):
            row.addWidget(button)
        self._button_row = row
        outer.addWidget(buttons)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Patient case sections")
        outer.addWidget(self.tabs, 1)
        self.placeholder = QLabel("Loading the guideline database…", self)
        self.tabs.addTab(self.placeholder, "Patient")
        self.privacy = QLabel(self)
        themed_text(self.privacy, lambda: muted_html(
            "Kept in memory only — never saved. No name, birth date or record number: age in years. "
            "Cleared with Ctrl+Shift+Delete and when the window closes."))
        self.privacy.setWordWrap(True)
        outer.addWidget(self.privacy)
        if context.case is not None:
            self.on_guide_ready()

    # -- building ------------------------------------------------------------------------------
    @property
    def session(self) -> CaseSession:
        assert self.context.case is not None
        return self.context.case

    def on_guide_ready(self) -> None:
        if self.context.case is None or self.history is not None:
            return
        self.tabs.clear()
        self.placeholder.deleteLater()
        self.tabs.addTab(self._scroll(self._patient_tab()), TABS[0])
        self.tabs.addTab(self._scroll(self._cytogenetics_tab()), TABS[1])
        self.history = HistoryEditor(self.session, self)
        self.tabs.addTab(self.history, TABS[2])  # it scrolls its form itself, under a table that stays
        self._unsubscribe = self.session.subscribe(lambda _s: self.refresh())
        self.destroyed.connect(lambda *_: self._unsubscribe())
        follow_theme(self, self.refresh)  # the status writes the theme's muted colour into its HTML
        self.setFocusProxy(self.tabs)
        self.refresh()

    def _scroll(self, inner: QWidget) -> QScrollArea:
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(inner)
        return area

    def _edit(self, path: str, value: Any) -> None:
        self.session.update(path, value)

    def _group(self, title: str, rows: list[tuple[str, Field]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in rows:
            self.fields[field.path] = field
            where = f" ({title[0].lower()}{title[1:]})" if title.startswith("Labs") else ""
            self.labels[field.path] = plain_label(text) + where
            label = QLabel(text, box)
            label.setBuddy(field.number if isinstance(field, QuantityField) else field)
            form.addRow(label, field)
        return box

    def _text(self, path: str, kind: str = "text", placeholder: str = words.NOT_ENTERED) -> TextField:
        return PlaceholderField(path, self._edit, words.LABELS.get(path, path), kind, placeholder)

    def _choice(self, path: str, choices: list[words.Choice], none: str = words.NOT_ENTERED) -> ChoiceField:
        return ChoiceField(path, self._edit, words.LABELS.get(path, path), choices, none)

    def _total(self, path: str) -> TextField:
        """A score total typed as a number (never a drop-down a stray digit could select), its range shown."""
        return self._text(path, "int", f"not assessed; {words.range_hint()[path]}")

    def _quantity(self, path: str, dim: units.Dimension) -> QuantityField:
        return QuantityField(path, self._edit, words.LABELS.get(path, path), dim.accepted)

    def _patient_tab(self) -> QWidget:
        page = QWidget()
        flow = WrapLayout(page, spacing=10)
        flow.addWidget(self._group("Patient", [
            ("A&ssessment date:", self._text("assessment_date", placeholder="today (YYYY-MM-DD)")),
            ("&Diagnosis:", self._choice("diagnosis", words.DIAGNOSIS[1:], "multiple myeloma (default)")),
            ("&Age (years):", self._text("patient.age", "int", f"required, {words.range_hint()['patient.age']}")),
            ("Se&x:", self._choice("patient.sex", words.SEX)),
            ("&Weight:", self._quantity("patient.weight", units.WEIGHT)),
            ("He&ight:", self._quantity("patient.height", units.HEIGHT)),
            ("&ECOG:", self._text("patient.ecog", "int", words.range_hint()["patient.ecog"])),
            ("BSA formula:", self._choice("patient.bsa_method", words.BSA_METHOD[1:], "Mosteller (default)")),
            ("Eligible for ASC&T:", self._choice("patient.asct_eligible", words.YES_NO, "not decided")),
            ("Eligible for CA&R-T:", self._choice("patient.car_t_eligible", words.YES_NO, "not decided")),
        ]))
        flow.addWidget(self._group("Frailty (IMWG)", [
            ("Charlson comorbidit&y index:", self._total("patient.frailty.cci")),
            ("&Katz ADL:", self._total("patient.frailty.adl")),
            ("&Lawton IADL:", self._total("patient.frailty.iadl")),
        ]))
        flow.addWidget(self._group("Labs at diagnosis", [
            ("β2-&microglobulin:", self._quantity("labs_at_diagnosis.b2m", units.B2M)),
            ("Al&bumin:", self._quantity("labs_at_diagnosis.albumin", units.ALBUMIN)),
            ("Creati&nine:", self._quantity("labs_at_diagnosis.creatinine", units.CREATININE)),
            ("LDH above ULN:", self._choice("labs_at_diagnosis.ldh_above_uln", words.YES_NO, words.NOT_TESTED)),
        ]))
        flow.addWidget(self._group("Labs now", [
            ("C&urrent creatinine:", self._quantity("labs_current.creatinine", units.CREATININE)),
        ]))
        return page

    def _cytogenetics_tab(self) -> QWidget:
        page = QWidget()
        flow = WrapLayout(page, spacing=10)
        marks = {"del17p": "&del(17p)", "tp53_mutation": "TP53 &mutation", "t_4_14": "&t(4;14)"}
        cyto: list[tuple[str, Field]] = [(f"{marks.get(m) or words.LABELS['cytogenetics.' + m]}:",
                 self._choice(f"cytogenetics.{m}", words.PRESENT, words.NOT_TESTED))
                for m in ("del17p", "tp53_mutation", "t_4_14", "t_14_16", "t_14_20", "gain_1q")]
        cyto.insert(1, ("del(17p) clonal fraction (%):", self._text("cytogenetics.del17p_ccf_pct", "float",
                                                                     "not known")))
        cyto.append(("del(1p32):", self._choice("cytogenetics.del1p32", words.DEL1P32, words.NOT_TESTED)))
        flow.addWidget(self._group("Cytogenetics (FISH; not tested stays open)", cyto))
        self.smm_box = self._group("Smouldering myeloma (diagnosis: smouldering)", [
            ("M protein:", self._quantity("smm.m_protein", units.M_PROTEIN)),
            ("FLC ratio:", self._text("smm.flc_ratio", "float")),
            ("Marrow plasma cells (%):", self._text("smm.bmpc_pct", "float")),
            ("High-risk FISH:", self._choice("smm.fish_abnormality", words.PRESENT, words.NOT_TESTED)),
        ])
        flow.addWidget(self.smm_box)
        flow.addWidget(self._group("Context", [
            ("&Not available here:", self._text("context.unavailable", "list", "regimens, comma-separated")),
            ("&Limited access to novel regimens:", self._choice("context.limited_access_to_novel_regimens",
                                                               words.YES_NO)),
            ("First option available:", self._choice("context.first_option_available", words.YES_NO)),
            ("Anti-CD38 retreatment the only option:", self._choice("context.anti_cd38_retreatment_only_option",
                                                                    words.YES_NO)),
        ]))
        return page

    # -- showing -------------------------------------------------------------------------------
    def refresh(self) -> None:
        session = self.session
        for path, field in self.fields.items():
            field.show_value(session.get(path))
        self.smm_box.setVisible(session.get("diagnosis") == "smm" or session.get("smm") is not None)
        err = session.error
        incomplete = err is not None and err.code == "missing_field" and session.before_error is not None
        self.status.setProperty("error", "true" if err is not None and not incomplete else "false")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setText(self.status_html())
        self._reserve_status_lines()
        self.status.setToolTip(f"{err.field}: {err.message}" if err is not None else "")
        if self.go_to_error.isHidden() != (err is None):
            self.go_to_error.setVisible(err is not None)
            self._button_row.invalidate()
            self._button_row.activate()  # the row closes up now, not at the next layout pass
        self.clear_button.setEnabled(not session.is_empty)

    def _reserve_status_lines(self) -> None:
        """Two lines kept for the status (an error line above the routing), so the tabs below do not jump."""
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "status"):
            self._reserve_status_lines()

    def error_label_of(self) -> dict[str, str]:
        """Case path → the label shown beside its field (episode fields as ``treatment_history.*.key``)."""
        out = dict(self.labels)
        if self.history is not None:
            out.update({f"treatment_history.*.{k}": v for k, v in self.history.labels.items()})
        return out

    def error_text(self) -> str:
        """The input error in the screen's words: "Age (years): must be a whole number of years from 18 to 120"."""
        err = self.session.error
        if err is None:
            return ""
        label, message = words.error_words(err, self.error_label_of())
        return f"{label}: {message}"

    def status_html(self) -> str:
        session = self.session
        if session.is_empty:
            return "No patient entered. Start with the age; everything else is optional."
        if session.error is not None:
            label, message = words.error_words(session.error, self.error_label_of())
            text = f"<b>{escape(label)}:</b> {escape(message)}"
            before = session.before_error
            if before is None:
                return text
            index, partial = before
            left_out = f"episode {index + 1}" if index + 1 >= len(session.get("treatment_history") or []) \
                else f"episodes {index + 1} onwards"
            return text + "<br>" + self._where(partial) + " " + muted_html(f"· not including {escape(left_out)}")
        result = session.result
        assert result is not None
        return self._where(result) + " " + muted_html(f"· assessed {escape(result.assessment_date)}")

    @staticmethod
    def _where(result: Any) -> str:
        fig = result.figure
        if fig.id is not None:
            return f"<b>{escape(fig.id.replace('fig', 'Fig. '))}</b>: {escape(fig.reason or '')}"
        if fig.not_applicable:
            return f"No figure: {escape(fig.not_applicable)}"
        return f"Figure undetermined: {escape(fig.reason or '')}; missing {escape(words.paths_words(fig.missing))}"

    def focus_error_field(self) -> None:
        err = self.session.error
        if err is None:
            return
        parts = err.field.split(".")
        if parts[0] == "treatment_history" and self.history is not None:
            self.tabs.setCurrentIndex(2)
            if len(parts) > 1 and parts[1].isdigit():
                self.history.table.setCurrentCell(int(parts[1]), 0)
                key = ".".join(parts[2:]) or "regimen"
                target = self.history.fields.get(key) or self.history.fields.get(key.split(".")[0])
                (target or self.history.table).setFocus()
            return
        for length in range(len(parts), 0, -1):
            field = self.fields.get(".".join(parts[:length]))
            if field is not None:
                page = 1 if parts[0] in ("cytogenetics", "smm", "context") else 0
                self.tabs.setCurrentIndex(page)
                field.setFocus()
                return

    def clear_patient(self) -> None:
        self.context.clear_patient()

    def open_case_file(self, path: str | None = None) -> bool:
        """Read a case file (JSON in the input shape of ``mmguide case``); nothing is written back."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Open a case file", str(Path.home()), "Case files (*.json)")
            if not path:
                return False
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            self.status.setText(f"Could not read the case file: {escape(str(exc))}")
            return False
        if not isinstance(raw, dict):
            self.status.setText("Could not read the case file: it must be a JSON object (see mmguide case --schema)")
            return False
        raw, stripped = strip_labels(raw)
        self.session.set(raw)
        if stripped:
            self.status.setText(self.status.text() + " " + muted_html("Episode labels were dropped: episodes are "
                                                                      "numbered 1, 2, 3…"))
        return True

    # -- Screen API ----------------------------------------------------------------------------
    def plain_text(self) -> str:
        return ""  # the case is copied from the Case summary, explicitly

    def document(self) -> QTextDocument | None:
        return None
