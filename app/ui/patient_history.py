"""The treatment-history editor of the Patient panel: the episodes in a table, the selected one in a
form below it, and the lines of therapy the case derives from them, shown as you type with their
"why" (rule, inputs, source; contract case.md §3 LOT-0…LOT-5).

The derived lines and an episode's input problem are shown below the form, so the form keeps its
place while they change height. While an episode is incomplete or wrong, the lines derived from
the episodes before it stay visible, marked as not including it.

The table (its header and the selected row) and its buttons stay in place; only the form and the
lines below them scroll, so editing episode 2 or later never scrolls the table out of view.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.case_session import CaseSession, fact_why
from app.ui import patient_words as words
from app.ui.patient_fields import ChoiceField, Field, TextField, plain_label
from app.ui.theme import Colours, follow_theme, styled
from app.ui.widgets import muted_html

COLUMNS = ("#", "Line", "Regimen / drugs", "Role", "Why it started", "Start", "End", "Why it stopped",
           "Best response", "Progression")
DATE_HINT = "YYYY-MM-DD, YYYY-MM or YYYY"


def _label(choices: list[words.Choice], value: Any) -> str:
    return next((text.split(" (")[0] for text, v in choices if v == value and type(v) is type(value)), "")


def _duration_words(months: Any) -> str:
    """"6 months" when only a duration is known; a value the case check refuses is shown as typed."""
    if isinstance(months, bool) or months is None or months == "":
        return ""
    return f"{months:g} months" if isinstance(months, (int, float)) else str(months)


def progression_words(prog: Any) -> str:
    if prog is None:
        return ""
    if prog == "none":
        return "none"
    if isinstance(prog, dict):
        timing = _label(words.TIMINGS, prog.get("timing"))
        when = prog.get("date") or ("date unknown" if "date" in prog else "")
        return " · ".join(t for t in (when, timing) if t)
    return str(prog)


def _disabled_sheet(c: Colours) -> str:
    return f"QLineEdit:disabled, QComboBox:disabled {{ background: {c.window}; color: {c.placeholder}; }}"


def _note_sheet(c: Colours) -> str:
    return f"QLabel#episodeNote[error='true'] {{ color: {c.error}; }}"


class EpisodeTable(QTableWidget):
    """The episodes, as tall as its header and up to ``ROWS_SHOWN`` rows (then it scrolls itself);
    never less than the header and one row."""

    ROWS_SHOWN = 4

    def _height(self, rows: int) -> int:
        shown = [self.rowHeight(r) for r in range(min(self.rowCount(), rows))]
        shown += [self.verticalHeader().defaultSectionSize()] * max(0, rows - len(shown))
        bar = self.horizontalScrollBar()
        wide = bar.sizeHint().height() if bar.isVisible() else 0
        return self.horizontalHeader().sizeHint().height() + sum(shown) + wide + 2 * self.frameWidth()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().sizeHint().width(), self._height(max(1, min(self.rowCount(), self.ROWS_SHOWN))))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().minimumSizeHint().width(), self._height(1))


class HistoryEditor(QWidget):
    """Episodes of the case's ``treatment_history``: add, remove, move, edit; lines derived live."""

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.current = -1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        intro = QLabel("One row per continuous stretch of one regimen: a change of drugs is a new episode, a "
                       "dose change is not. Episodes in the order they started.", self)
        intro.setWordWrap(True)
        self.table = EpisodeTable(0, len(COLUMNS), self)
        self.table.setObjectName("episodesTable")
        self.table.setAccessibleName("Treatment episodes")
        self.table.setAccessibleDescription("One row per episode; the form below edits the selected one")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.table.currentCellChanged.connect(lambda row, *_: self.select(row))
        layout.addWidget(self.table)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add episode", self)
        self.remove_button = QPushButton("Re&move episode", self)
        self.up_button = QPushButton("Move up", self)
        self.down_button = QPushButton("Move down", self)
        for button, slot in ((self.add_button, self.add_episode), (self.remove_button, self.remove_episode),
                             (self.up_button, lambda: self.move_episode(-1)),
                             (self.down_button, lambda: self.move_episode(1))):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.episode_note = QLabel(self)
        self.episode_note.setObjectName("episodeNote")
        self.episode_note.setWordWrap(True)
        self.episode_note.setTextFormat(Qt.TextFormat.RichText)
        self.episode_note.setAccessibleName("The selected episode: what is missing or wrong")
        styled(self.episode_note, _note_sheet)
        self.lines_label = QLabel(self)
        self.lines_label.setObjectName("derivedLines")
        self.lines_label.setWordWrap(True)
        self.lines_label.setTextFormat(Qt.TextFormat.RichText)
        self.lines_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                 | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.lines_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.lines_label.setAccessibleName("Lines of therapy derived from the episodes")

        self.form_box = QGroupBox("Selected episode", self)
        form = QFormLayout(self.form_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        edit = self._edit
        self.progression_date = TextField("progression.date", edit, "Progression date", placeholder=DATE_HINT)
        self.fields: dict[str, Field] = {
            "regimen": TextField("regimen", edit, "Regimen", placeholder="guideline abbreviation, e.g. DaraRd"),
            "drugs": TextField("drugs", edit, "Drugs", "list", "or the drugs, comma-separated"),
            "role": ChoiceField("role", edit, "Role", words.ROLES),
            "started_because": ChoiceField("started_because", edit, "Why it started",
                                           words.STARTED_BECAUSE[1:], "unknown (default)"),
            "start": TextField("start", edit, "Start date", placeholder=DATE_HINT),
            "end": TextField("end", edit, "End date (last dose)", placeholder=DATE_HINT),
            "duration_months": TextField("duration_months", edit, "Duration in months", "float",
                                         "months, when the dates are unknown"),
            "cycles": TextField("cycles", edit, "Cycles", "int"),
            "stop_reason": ChoiceField("stop_reason", edit, "Why it stopped", words.STOP_REASONS),
            "best_response": ChoiceField("best_response", edit, "Best response", words.RESPONSES, "unknown"),
            "progression.date": self.progression_date,
            "progression.timing": ChoiceField("progression.timing", edit, "Progression timing", words.TIMINGS),
            "tandem": ChoiceField("tandem", edit, "Planned tandem ASCT", words.YES_NO),
            "new_line": ChoiceField("new_line", edit, "Line override", words.NEW_LINE, "the rules decide"),
        }
        self.no_progression = ChoiceField("progression", self._edit_progression, "Progression after it started",
                                          [("none before the next episode", "none"),
                                           ("yes (date and/or timing below)", {})],
                                          "not entered (from why it stopped)")
        self.progression_date.setToolTip("Typing a date records a progression on this episode")
        styled(self.form_box, _disabled_sheet)
        rows = [("&Regimen:", "regimen"), ("Dr&ugs:", "drugs"), ("Ro&le:", "role"),
                ("Why it &started:", "started_because"), ("S&tart:", "start"), ("&End (last dose):", "end"),
                ("Durat&ion (months):", "duration_months"), ("C&ycles:", "cycles"),
                ("&Why it stopped:", "stop_reason"), ("&Best response:", "best_response"),
                ("Progressio&n:", "progression"), ("Progression &date:", "progression.date"),
                ("Progression timing:", "progression.timing"), ("Planned tandem:", "tandem"),
                ("Line override:", "new_line")]
        self.labels: dict[str, str] = {}
        for text, key in rows:
            self.labels[key] = plain_label(text)
            form.addRow(text, self.no_progression if key == "progression" else self.fields[key])
        below = QWidget(self)
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(intro)
        below_layout.addWidget(self.form_box)
        below_layout.addWidget(self.episode_note)
        below_layout.addWidget(self.lines_label)
        below_layout.addStretch(1)
        self.form_scroll = QScrollArea(self)
        self.form_scroll.setObjectName("episodeFormScroll")
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.form_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.form_scroll.setWidget(below)
        layout.addWidget(self.form_scroll, 1)
        session.subscribe(lambda _s: self.refresh())
        follow_theme(self, self.refresh)  # the lines and the note write the theme's muted colour into their HTML
        self.refresh()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # the form below keeps at least three fifths of the tab (large text, a short screen)
        self.table.setMaximumHeight(max(self.table.minimumSizeHint().height(), self.height() * 2 // 5))

    # -- editing -----------------------------------------------------------------------------
    def _episodes(self) -> list[dict[str, Any]]:
        history = self.session.get("treatment_history")
        return history if isinstance(history, list) else []

    def _edit(self, key: str, value: Any) -> None:
        if self.current < 0:
            return
        if key == "drugs" and value is not None:
            value = list(value)
        self.session.update(f"treatment_history.{self.current}.{key}", value)

    def _edit_progression(self, _key: str, value: Any) -> None:
        if self.current < 0:
            return
        path = f"treatment_history.{self.current}.progression"
        if value == {}:
            current = self.session.get(path)
            value = current if isinstance(current, dict) else {"date": None}
        self.session.update(path, value)

    def add_episode(self) -> None:
        episodes = self._episodes()
        self.current = len(episodes)
        self.session.update("treatment_history", [*episodes, {}])
        self.fields["regimen"].setFocus()

    def remove_episode(self) -> None:
        episodes = self._episodes()
        if not 0 <= self.current < len(episodes):
            return
        del episodes[self.current]
        self.current = min(self.current, len(episodes) - 1)
        self.session.update("treatment_history", episodes or None)

    def move_episode(self, step: int) -> None:
        episodes = self._episodes()
        i, j = self.current, self.current + step
        if not (0 <= i < len(episodes) and 0 <= j < len(episodes)):
            return
        episodes[i], episodes[j] = episodes[j], episodes[i]
        self.current = j
        self.session.update("treatment_history", episodes)

    def select(self, row: int) -> None:
        if row != self.current and row >= 0:
            self.current = row
            self._show_form()

    # -- showing -----------------------------------------------------------------------------
    def _derivation(self) -> tuple[Any, int | None]:
        """The evaluation to show lines from, and the first episode it leaves out (None: it covers all)."""
        if self.session.result is not None:
            return self.session.result, None
        before = self.session.before_error
        return (before[1], before[0]) if before is not None else (None, None)

    def _line_of(self) -> dict[int, str]:
        result = self._derivation()[0]
        out: dict[int, str] = {}
        if result is None:
            return out
        index = 0
        for group in result.lines:
            number = str(group["line"]) if group["line"] is not None else "–".join(map(str, group["line_range"]))
            for _ep in group["episodes"]:
                out[index] = number
                index += 1
        return out

    def refresh(self) -> None:
        episodes = self._episodes()
        if self.current >= len(episodes):
            self.current = len(episodes) - 1
        if self.current < 0 and episodes:
            self.current = 0
        lines = self._line_of()
        self.table.blockSignals(True)
        self.table.setRowCount(len(episodes))
        for row, ep in enumerate(episodes):
            cells = [
                str(row + 1), lines.get(row, "?"), ep.get("regimen") or ", ".join(ep.get("drugs") or []),
                _label(words.ROLES, ep.get("role")),
                "" if row == 0 else _label(words.STARTED_BECAUSE, ep.get("started_because", "unknown")),
                str(ep.get("start") or _duration_words(ep.get("duration_months"))),
                str(ep.get("end") or ""), _label(words.STOP_REASONS, ep.get("stop_reason")),
                str(ep.get("best_response") or ""), progression_words(ep.get("progression")),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                self.table.setItem(row, col, item)
        if 0 <= self.current < len(episodes):
            self.table.setCurrentCell(self.current, max(self.table.currentColumn(), 0))
        self.table.blockSignals(False)
        self.table.updateGeometry()
        if 0 <= self.current < len(episodes):
            self.table.scrollTo(self.table.model().index(self.current, 0))
        self._show_form()
        self.lines_label.setText(self.lines_html())
        self._show_note()

    def _show_note(self) -> None:
        err = self.session.error
        episodes = self._episodes()
        ep = episodes[self.current] if 0 <= self.current < len(episodes) else {}
        text, is_error = "", False
        if err is not None and words.episode_of(err.field) is not None:
            label, message = words.error_words(err, {f"treatment_history.*.{k}": v for k, v in self.labels.items()})
            text, is_error = f"<b>{escape(label)}:</b> {escape(message)}", err.code != "missing_field"
        elif ep.get("stop_reason") == "progression" and ep.get("progression") is None:
            text = muted_html("Why it stopped = progression: taken as a progression on treatment at the end date "
                              "(last dose). Enter a progression date or timing below if it was otherwise.",
                              small=False)
        self.episode_note.setProperty("error", "true" if is_error else "false")
        self.episode_note.style().unpolish(self.episode_note)
        self.episode_note.style().polish(self.episode_note)
        self.episode_note.setText(text)
        self.episode_note.setVisible(bool(text))

    def _show_form(self) -> None:
        episodes = self._episodes()
        has = 0 <= self.current < len(episodes)
        self.form_box.setEnabled(has)
        for button in (self.remove_button, self.up_button, self.down_button):
            button.setEnabled(has)
        self.form_box.setTitle(f"Episode {self.current + 1}" if has else "Selected episode (add one first)")
        ep = episodes[self.current] if has else {}
        prog = ep.get("progression")
        for key, field in self.fields.items():
            if key.startswith("progression."):
                value = prog.get(key.split(".")[1]) if isinstance(prog, dict) else None
                field.setEnabled(prog != "none")
            else:
                value = ep.get(key)
            if key == "started_because" and value == "unknown":
                value = None
            field.show_value(value)
        self.fields["started_because"].setEnabled(self.current > 0)
        self.no_progression.show_value({} if isinstance(prog, dict) else prog)
        self.progression_date.setPlaceholderText(
            "none recorded (Progression: none)" if prog == "none" else DATE_HINT)

    def lines_html(self) -> str:
        """The derived lines of therapy and the line count, each with why."""
        result, left_out = self._derivation()
        if not self._episodes():
            return "<b>No episodes:</b> newly diagnosed (Fig. 1)."
        if result is None:
            return "<b>Lines of therapy:</b> " + muted_html("shown once the case has no input error", small=False)
        out = ["<b>Lines of therapy (IMWG, derived):</b><br>"]
        if left_out is not None:
            rest = "" if left_out + 1 >= len(self._episodes()) else " onwards"
            out[0] = (f"<b>Lines of therapy (IMWG, derived) — not including episode {left_out + 1}{rest}</b> "
                      + muted_html("(until its input is complete)") + "<br>")
        for group in result.lines:
            number = group["line"] if group["line"] is not None else (
                f"{group['line_range'][0]}–{group['line_range'][1]} (undetermined)")
            eps = ", ".join(escape(str(e)) for e in group["episodes"])
            noun = "episode" if len(group["episodes"]) == 1 else "episodes"
            ended = group["ended_by"] or "—"
            when = f" on {group['progression_date']}" if group.get("progression_date") else ""
            out.append(f"Line {number}: {noun} {eps} — ended by {escape(str(ended))}{escape(when)}"
                       f" {muted_html('(' + escape(group['started_by']) + ')')}<br>")
        for name in ("prior_lines", "decision"):
            fact = result.derived[name]
            shown = words.value_words(fact.value) if fact.value is not None else "not determined"
            out.append(f"<b>{name.replace('_', ' ')}:</b> {escape(shown)} "
                       f"{muted_html('why: ' + escape(words.words_in(fact_why(fact))))}<br>")
        return "".join(out)
