"""A flowchart figure (Fig. 1, 2 or 3): the questions, and the path as a diagram or as steps.

Layout, for a laptop on rounds (1366×768) as much as a desktop:

- left, first in the reading and Tab order: the **questions** (Alt+Q goes to the first one;
  so does arriving on the screen), with what is still needed on top, then "Copy
  recommendation" (a short form for a clinical note), "Copy with sources" (the long form, each
  quote once) and "Clear answers";
- right: a line that confirms the last copy and stays for the session, the last message, and
  two tabs:
  - **Diagram** (Alt+D): the figure, following the path at a legible zoom (the question where
    the path stops with its options, or the box reached, at the body text size or larger,
    following Ctrl + / Ctrl −), an overview map in the corner, "Whole figure" (F) for the
    overview and "Follow the path" (P) to come back; one Tab stop with the arrow keys inside
    (:mod:`app.ui.flow_view`); the status and reason of the regimen under the pointer or the
    keyboard focus are written under it;
  - **Steps** (Alt+S): the same path as cards — answers, the next question with its options,
    every regimen of the box reached with status, evidence, tier, reason and conditions — read
    and answered by keyboard without the diagram (:mod:`app.ui.flow_steps`).

Each change re-evaluates the figure through ``Guide.flow`` and restyles the diagram in place.
"Still needed" lists only the questions that can change the answer on the current branch
(:mod:`app.services.flow_questions`). Answers the guide refuses are marked at the field they
concern, and no recommendation is shown until they are corrected.
"""

from __future__ import annotations

import html
import itertools
import math
import time
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFontMetricsF, QGuiApplication, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.flowchart.model import Figure, QuestionNode, RecommendationNode
from app.services import flow_text
from app.services.flow_answers import answer_option
from app.services.flow_answers import option_answers as option_answers  # re-exported for callers of the screen
from app.services.flow_leaf import leaf_from_figure, leaf_from_rec
from app.services.flow_questions import StillNeeded, still_needed
from app.services.flow_steps import Card, build_steps, note_label
from app.ui import flow_status, local_note
from app.ui.context import UiContext
from app.ui.flow_panel import ENUM_LABELS, FlowPanel
from app.ui.flow_scene import REC_WIDTH, FlowScene, RegimenEntryItem, legible_zoom
from app.ui.flow_steps import StepView
from app.ui.flow_view import MAP_MIN_HEIGHT, FlowView
from app.ui.regimen_detail import RegimenDetailDialog
from app.ui.screens.base import Screen
from app.ui.theme import current_flow_colours
from app.ui.widgets import badge_html
from app.ui.wrap_layout import WrapLayout

TITLES = {
    "fig1": "Fig. 1 · Newly diagnosed",
    "fig2": "Fig. 2 · RRMM, second line",
    "fig3": "Fig. 3 · RRMM, third line and beyond",
}
LEGEND = (
    "Legend: ✓ applies · ? possible (dashed) · ↓ fallback, last resort (dotted) · ✕ not available · "
    "↺ already received · ⊘ excluded · faded: not applicable · badge: evidence tag as printed, colour = grade · "
    "* tier: this guide's reading. Point at a regimen, or move to it with the arrow keys: its status and reason "
    "show here."
)
MESSAGE_STYLE = "background:#e8f0fe;color:#0b2d5c;padding:3px;border:1px solid #8ab4f8"
COPIED_STYLE = "background:#e6f4ea;color:#0d3b1e;padding:3px;border:1px solid #2e7d32"
STATUS_LINES = 3
DIAGRAM_TAB, STEPS_TAB = 0, 1


# ------------------------------------------------------------------------------- the screen
class FlowchartScreen(Screen):
    """One figure: questions, diagram and steps. See the module docstring."""

    evaluated = Signal()

    def __init__(self, context: UiContext, figure_id: str, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.figure_id = figure_id
        self.title = TITLES.get(figure_id, figure_id)
        self.setObjectName(f"flowchart-{figure_id}")
        self.setAccessibleName(self.title)
        self.figure: Figure | None = None
        self.scene: FlowScene | None = None
        self.view: FlowView | None = None
        self.panel: FlowPanel | None = None
        self.steps: StepView | None = None
        self.evaluation: Any = None
        self.still: StillNeeded | None = None
        self.facts: dict[str, Any] = {}
        self.carried: dict[str, Any] = {}
        self.case_fill: Any = None
        self.detail: RegimenDetailDialog | None = None
        self.last_apply_ms = 0.0
        self.last_eval_ms = 0.0
        self.facts_error: Any = None
        self._choice_menu: QMenu | None = None
        self._steps_dirty = True
        self._copies: dict[str, str] = {}  # text last offered for copying → which form
        self._copied_facts: dict[str, Any] | None = None
        self._copied_what = ""
        self._columns_moved = False
        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(6, 6, 6, 6)
        self._placeholder = QLabel("Loading the guideline…")
        self._outer.addWidget(self._placeholder)
        context.carry_facts.connect(self._on_carry)
        if context.carried.get(figure_id):
            self._on_carry(figure_id, dict(context.carried[figure_id]))
        if context.guide is not None:
            self.on_guide_ready()

    # -- building -------------------------------------------------------------------------
    def on_guide_ready(self) -> None:
        if self.scene is not None and self.context.guide is not None:
            self._refresh_local()
            return
        if self.scene is not None or self.context.guide is None:
            return
        self.figure = self.context.guide.figure(self.figure_id)
        self._build()
        self._show_local_marks()
        assert self.panel is not None
        self.panel.set_facts(self.facts)  # anything carried over before the guide loaded
        self._show_carried()
        self.evaluate()
        if self.context.case is not None:
            from app.ui.flow_case import CaseFill

            self.case_fill = CaseFill(self, self.context.case)
            self.case_fill.refresh()

    def _refresh_local(self) -> None:
        """A new guide (a local layer installed or removed): the override question, marks and statuses anew."""
        if self.panel is not None:
            local_note.offer_override(self.panel, self.context)
        self._show_local_marks()
        self.evaluate()

    def _show_local_marks(self) -> None:
        """⌂ on the boxes and regimens that have the hospital's local notes, in the diagram and the steps."""
        marks = local_note.flow_marks(self.context, self.figure)
        if self.scene is not None:
            self.scene.set_local_marks(marks)
        if self.steps is not None:
            self.steps.set_local_marks(marks)

    def _build(self) -> None:
        fig = self.figure
        assert fig is not None
        self._placeholder.hide()
        # one line: the figure, and (Figs. 2 and 3) that it is reconstructed; the paper's title on hover
        text = f"<b>{html.escape(TITLES.get(fig.id, fig.id))}</b>"
        reconstructed = any(isinstance(n, QuestionNode) and n.reconstructed for n in fig.nodes)
        if reconstructed:
            text += (
                " &nbsp;<span style='background:#fff4cc;color:#3d2500'>&nbsp;Reconstructed from the guideline text "
                "(marked RECONSTRUCTED): see “About this diagram” at the end of the steps&nbsp;</span>"
            )
        header = QLabel(text)
        header.setObjectName("figureHeader")
        header.setWordWrap(True)
        header.setAccessibleName("Figure title")
        header.setAccessibleDescription(
            fig.title + (". Parts of it are reconstructed from the guideline text." if reconstructed else "")
        )
        header.setToolTip(fig.title)
        self._outer.addWidget(header)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.splitterMoved.connect(self._columns_dragged)
        self._outer.addWidget(self.splitter, 1)

        # left: the questions, first in the Tab order
        left = QWidget()
        left.setObjectName("flowQuestions")
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        self.panel = FlowPanel(fig, regimens=self._glossary_regimens())
        local_note.offer_override(self.panel, self.context)
        self.panel.facts_changed.connect(self._on_panel)
        heading = QLabel("&Questions")
        heading.setObjectName("questionsHeading")
        bold = heading.font()
        bold.setBold(True)
        heading.setFont(bold)
        first = self.panel.first_control()
        if first is not None:
            heading.setBuddy(first)
        heading.setToolTip("Alt+Q: the first question")
        left_layout.addWidget(heading)
        scroll = QScrollArea()
        self.panel_scroll = scroll
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(self.panel)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_layout.addWidget(scroll, 1)
        self.copy_button = QPushButton("Copy recommendation")
        self.copy_button.setAccessibleName("Copy recommendation")
        self.copy_button.setToolTip(
            "A short form for a clinical note: the answers, the options of the box reached with evidence, status and "
            "one-line conditions, and the app and content versions with the date (also Ctrl+Shift+C)"
        )
        self.copy_button.clicked.connect(self.copy_recommendation)
        self.copy_sources_button = QPushButton("Copy with sources")
        self.copy_sources_button.setAccessibleName("Copy with sources")
        self.copy_sources_button.setToolTip(
            "The long form: answers, path, every regimen with its reason, conditions and footnotes, each source quote "
            "once, and the figure's notes"
        )
        self.copy_sources_button.clicked.connect(self.copy_with_sources)
        self.clear_button = QPushButton("Clear answers")
        self.clear_button.setAccessibleName("Clear answers")
        self.clear_button.clicked.connect(self.clear_answers)
        buttons = WrapLayout(stretch_last=True)
        for button in (self.copy_button, self.copy_sources_button, self.clear_button):
            buttons.addWidget(button)
        left_layout.addLayout(buttons)
        self.splitter.addWidget(left)

        # right: copy confirmation and messages above the diagram and the steps
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        # the copy confirmation sits beside the tabs, above the diagram: it stays for the session and,
        # being in the tab row, never pushes the diagram down when it appears
        self.copy_note = CopyNote()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.message.setVisible(False)
        self.message.setStyleSheet(MESSAGE_STYLE)
        right_layout.addWidget(self.message)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("flowTabs")
        self.tabs.setAccessibleName("Diagram or steps")
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().setAccessibleName("Diagram or steps")
        self.tabs.setCornerWidget(self.copy_note, Qt.Corner.TopRightCorner)
        right_layout.addWidget(self.tabs, 1)

        diagram = QWidget()
        d_layout = QVBoxLayout(diagram)
        d_layout.setContentsMargins(0, 4, 0, 0)
        tools = WrapLayout()
        self.scene = FlowScene(fig, self, colours=current_flow_colours())
        self.view = FlowView(self.scene)
        self.view.setAccessibleName(f"{TITLES.get(fig.id, fig.id)} diagram")
        self.view.setAccessibleDescription(
            "Flowchart diagram, one Tab stop. The arrow keys move between the option chips and the regimens, Page Up "
            "and Page Down from box to box; Enter or Space chooses an option or opens a regimen; P follows the path, "
            "F shows the whole figure, plus and minus zoom. The same path is in the Steps tab as cards."
        )
        self.view.setProperty("baseDescription", self.view.accessibleDescription())
        self.path_button = self._tool(
            "Follow the path", "Follow the path (P): the end of the path at a legible size", self.view.follow_path
        )
        self.fit_button = self._tool("Whole figure", "Whole figure (F): the overview, small text", self.view.fit)
        self.zoom_out_button = self._tool("−", "Zoom out", self.view.zoom_out)
        self.zoom_in_button = self._tool("+", "Zoom in", self.view.zoom_in)
        self.map_button = self._tool("Map", "Show or hide the overview map", self._toggle_map)
        self.map_button.setCheckable(True)
        self.map_button.setChecked(True)
        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName("Diagram zoom")
        self.zoom_label.setWordWrap(True)
        self.zoom_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)  # rest of the row
        self.view.zoom_changed.connect(self._show_zoom)
        self.view.mode_changed.connect(self._show_zoom)
        for w in (self.path_button, self.fit_button, self.zoom_out_button, self.zoom_in_button, self.map_button):
            tools.addWidget(w)
        tools.addWidget(self.zoom_label)
        d_layout.addLayout(tools)
        d_layout.addWidget(self.view, 1)
        self.status_line = QLabel(LEGEND)
        self.status_line.setObjectName("statusLine")
        self.status_line.setWordWrap(True)
        self.status_line.setFrameShape(QFrame.Shape.StyledPanel)
        self.status_line.setMargin(4)
        self.status_line.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.status_line.setAccessibleName("Selected regimen: status and reason")
        self.status_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        under = QHBoxLayout()
        under.setContentsMargins(0, 0, 0, 0)
        under.addWidget(self.status_line, 1)
        under.addWidget(self.view.minimap)
        d_layout.addLayout(under)
        self.tabs.addTab(diagram, "Diagram")

        self.steps = StepView()
        self.steps.card_activated.connect(self.activate_card)
        self.tabs.addTab(self.steps, "Steps")
        self.tabs.setTabToolTip(DIAGRAM_TAB, "The figure, following the path (Alt+D)")
        self.tabs.setTabToolTip(STEPS_TAB, "The path as cards, without the diagram (Alt+S)")
        self.tabs.currentChanged.connect(self._on_tab)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self._size_columns()

        self.scene.option_activated.connect(self.activate_option)
        self.scene.focusItemChanged.connect(self._on_focus_item)
        self.scene.entry_hovered.connect(self._on_entry_hovered)
        self.scene.regimen_activated.connect(lambda node, regimen, sub: self.open_regimen(node, regimen, sub or None))
        QGuiApplication.clipboard().dataChanged.connect(self._clipboard_changed)

        # focus order: the questions first, then the copy buttons, the tabs, the diagram's tools and the diagram
        chain: list[QWidget] = [*self.panel.focus_widgets(), self.copy_button, self.copy_sources_button]
        chain += [self.clear_button, self.tabs.tabBar(), self.path_button, self.fit_button, self.zoom_out_button]
        chain += [self.zoom_in_button, self.map_button, self.view, self.steps]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)
        if first is not None:
            self.setFocusProxy(first)
        for key, tab in (("Alt+D", DIAGRAM_TAB), ("Alt+S", STEPS_TAB)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda t=tab: self.show_tab(t))
        self._fit_status_line()

    def _size_columns(self) -> None:
        """The questions column: wide enough for its questions at the current text size, at most 42 % of the
        screen (until the user drags the splitter: then it stays where it was put)."""
        if self._columns_moved or not hasattr(self, "splitter"):
            return
        margins = self._outer.contentsMargins()
        total = max(self.width() - margins.left() - margins.right() - self.splitter.handleWidth(), 1)
        em = QFontMetricsF(self.font()).averageCharWidth()
        share = 0.42 if legible_zoom() < 1.5 else 0.5  # large text: the questions need more of the width
        want = int(min(max(44 * em, 300), share * total))
        self.splitter.blockSignals(True)
        self.splitter.setSizes([want, max(total - want, 1)])
        self.splitter.blockSignals(False)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._size_columns()

    def _columns_dragged(self, *_: Any) -> None:
        self._columns_moved = True

    def _glossary_regimens(self) -> list[tuple[str, str]]:
        guide = self.context.guide
        if guide is None:
            return []
        return [(r.abbr, r.name) for r in guide.repo.regimens()]

    def _tool(self, text: str, name: str, slot: Any) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setAccessibleName(name.split(" (")[0] if "(" in name else name)
        button.setToolTip(name)
        button.clicked.connect(slot)
        return button

    def _toggle_map(self) -> None:
        if self.view is not None:
            self.view.minimap.set_wanted(self.map_button.isChecked())

    def _show_zoom(self, *_: Any) -> None:
        if self.view is None or self.scene is None:
            return
        percent = round(self.view.zoom * 100)
        if self.view.mode == "path":
            text = f"Following the path · {percent} %"
            if self.view.viewport().width() < REC_WIDTH * self.scene.fonts.unit * self.view.zoom:
                text += " · little room: Steps (Alt+S) reads better"
        elif self.view.mode == "overview":
            small = self.view.zoom < legible_zoom() * 0.95
            text = f"Whole figure · {percent} %" + (" · small text: P follows the path" if small else "")
        else:
            text = f"{percent} % · P follows the path"
        self.zoom_label.setText(text)

    def show_tab(self, index: int) -> None:
        """Show the Diagram (0) or Steps (1) tab and put the keyboard focus in it."""
        self.tabs.setCurrentIndex(index)
        target = self.view if index == DIAGRAM_TAB else self.steps
        if target is not None:
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_tab(self, index: int) -> None:
        if index == STEPS_TAB and self._steps_dirty:
            self._refresh_steps()

    # -- facts ----------------------------------------------------------------------------
    def _on_panel(self, facts: dict[str, Any]) -> None:
        self.facts = dict(facts)
        if self.case_fill is not None:
            self.case_fill.on_panel(self.facts)
        self.carried = {k: v for k, v in self.carried.items() if self.facts.get(k) == v}
        self._show_carried()
        self.evaluate()

    def set_facts(self, facts: dict[str, Any]) -> None:
        """Replace every answer (absent names become unknown) and re-evaluate."""
        self.facts = {k: v for k, v in facts.items() if v is not None}
        if self.panel is not None:
            self.panel.set_facts(self.facts)
        self.evaluate()

    def merge_facts(self, facts: dict[str, Any]) -> None:
        merged = dict(self.facts)
        for k, v in facts.items():
            if v is None:
                merged.pop(k, None)
            else:
                merged[k] = v
        self.set_facts(merged)

    def clear_answers(self) -> None:
        self.carried = {}
        self._show_carried()
        self.set_facts({})
        self._say("Answers cleared.")

    def evaluate(self) -> None:
        guide = self.context.guide
        if guide is None or self.figure is None or self.scene is None or self.panel is None:
            return
        from app.core.flowchart.engine import FactsError

        t0 = time.perf_counter()
        try:
            ev = guide.flow(self.figure_id, self.facts)
        except FactsError as exc:
            self._refuse(exc)
            return
        if self.facts_error is not None:
            self.facts_error = None
            self.panel.clear_errors()
            self._say("")
        t1 = time.perf_counter()
        still = still_needed(self.figure, ev)
        t_still = time.perf_counter()
        self.scene.apply(ev, still.needed_facts)
        t2 = time.perf_counter()
        self.last_eval_ms = (t1 - t0) * 1000
        self.last_apply_ms = (t2 - t_still) * 1000
        previous = self.evaluation
        self.evaluation = ev
        self.still = still
        self.panel.set_questions(self.still)
        focused = self.scene.focusItem()
        self._show_focus_status(focused if isinstance(focused, RegimenEntryItem) else None)
        if self.view is not None and (previous is None or ev.path != previous.path):
            self.view.reveal_path_end()
        if self.view is not None:
            self.view.minimap.update()
        self._steps_dirty = True
        if self.tabs.currentIndex() == STEPS_TAB:
            self._refresh_steps()
        self._copy_note_refresh()
        self.evaluated.emit()

    def _refresh_steps(self) -> None:
        if self.steps is None:
            return
        self._steps_dirty = False
        self.steps.set_cards(self.step_cards())

    def step_cards(self) -> list[Card]:
        """The cards of the step view for the current answers (a refused answer: one card saying so)."""
        if self.figure is None:
            return []
        if self.facts_error is not None or self.evaluation is None:
            exc = self.facts_error
            if exc is None:
                return []
            name = exc.field.split(".")[0]
            where = f"{self._prompt(name)}: " if self.panel is not None and name in self.panel.controls else ""
            text = self.panel.plain_words(exc.message, name) if self.panel is not None else exc.message
            return [
                Card(
                    "error",
                    f"Not accepted — {where}{text}",
                    lines=("No recommendation is shown until the answer marked in the questions is corrected.",),
                    facts=(name,),
                )
            ]
        return build_steps(self.figure, self.evaluation, self.still or StillNeeded())

    def _refuse(self, exc: Any) -> None:
        """Answers the guide refuses: say why at the field, and show no recommendation meanwhile."""
        assert self.panel is not None and self.scene is not None
        self.facts_error = exc
        text = self.panel.show_error(exc.field, exc.message)
        name = exc.field.split(".")[0]
        if name in self.panel.controls:
            self.panel_scroll.ensureWidgetVisible(self.panel.controls[name])
        where = f"{self._prompt(name)}: " if name in self.panel.controls else ""
        self._say(f"Not accepted — {where}{text}")
        self.evaluation = None
        self.still = None
        self.scene.apply(None)
        self.panel.set_questions(None)
        self._show_focus_status(None)
        if self.view is not None:
            self.view.minimap.update()
        self._steps_dirty = True
        if self.tabs.currentIndex() == STEPS_TAB:
            self._refresh_steps()
        self.evaluated.emit()

    def missing_in_order(self, ev: Any = None) -> list[str]:
        """The facts still needed on the current branch (:mod:`app.services.flow_questions`)."""
        if ev is not None and ev is not self.evaluation and self.figure is not None:
            return still_needed(self.figure, ev).needed_facts
        return self.still.needed_facts if self.still is not None else []

    # -- carry-over -----------------------------------------------------------------------
    def _on_carry(self, figure_id: str, facts: dict[str, Any]) -> None:
        if figure_id != self.figure_id:
            return
        guide = self.context.guide
        if self.figure is None or guide is None:
            self.carried.update(facts)
            self.facts.update(facts)
            return
        from app.core.flowchart.engine import FactsError

        try:
            guide.flow(self.figure_id, {**self.facts, **facts})
        except FactsError as exc:
            self._say(f"Could not carry over from the calculator: {exc.message}")
            return
        self.carried.update(facts)
        self.merge_facts(facts)
        self._show_carried()

    def _show_carried(self) -> None:
        if self.panel is None:
            return
        texts = [self.case_fill.text(self._prompt)] if self.case_fill is not None else []
        self.panel.carried.setToolTip(self.case_fill.why(self._prompt) if self.case_fill is not None else "")
        self.panel.carried.setAccessibleDescription(self.panel.carried.toolTip())
        if self.carried:
            parts = [f"{self._prompt(k)}: {self.panel.label_of(k, v)}" for k, v in self.carried.items()]
            texts.append("Carried over from calculator: " + "; ".join(parts))
        self.panel.set_carried("\n".join(t for t in texts if t) or None)

    def _prompt(self, name: str) -> str:
        if self.figure is not None:
            for spec in self.figure.facts:
                if spec.name == name:
                    return spec.prompt
        return name

    # -- options (chips on the diagram, option cards in the steps) ----------------------------
    def activate_option(self, node_id: str, index: int) -> list[dict[str, Any]] | None:
        """Answer a question from one of its options (:mod:`app.services.flow_answers`). Returns the candidate
        answers."""
        assert self.figure is not None and self.panel is not None
        if not isinstance(self.figure.node(node_id), QuestionNode):
            return None
        choice = answer_option(self.figure, self.facts, node_id, index)
        if choice.kind == "already":
            self._say(f"“{choice.label}” is already the answer.")
            return [{}]
        if choice.kind == "type":
            assert choice.fact is not None
            self.panel.focus_fact(choice.fact)
            self.panel_scroll.ensureWidgetVisible(self.panel.controls[choice.fact])
            self._say(
                f"“{choice.label}”: enter {self._prompt(choice.fact).lower()} in the questions "
                "(a value is needed, and the guide never guesses one)."
            )
            return None
        answers = list(choice.answers)
        if len(answers) == 1:
            self.merge_facts(answers[0])
            self._say(f"Answered: {choice.label}.")
            return answers
        menu = QMenu(self)
        menu.setAccessibleName(f"Choose the answer for {choice.label}")
        menu.setTitle(choice.label)
        for answer in answers:
            text = "; ".join(f"{self._prompt(k)}: {self._value_label(k, v)}" for k, v in answer.items())
            action = menu.addAction(text)
            action.triggered.connect(lambda _c=False, a=answer: self._choose(a, choice.label))
        self._choice_menu = menu
        pos = self.mapToGlobal(self.rect().center())
        if self.tabs.currentIndex() == DIAGRAM_TAB and self.scene is not None and self.view is not None:
            chip = self.scene.chip(node_id, index)
            pos = self.view.viewport().mapToGlobal(self.view.mapFromScene(chip.scenePos()))
        elif self.steps is not None:
            rect = self.steps.visualRect(self.steps.currentIndex())
            pos = self.steps.viewport().mapToGlobal(QPoint(rect.left() + 40, rect.bottom()))
        menu.popup(pos)
        if menu.actions():
            menu.setActiveAction(menu.actions()[0])
        self._say(f"“{choice.label}” covers more than one answer: choose which.")
        return answers

    def _choose(self, answer: dict[str, Any], label: str) -> None:
        self.merge_facts(answer)
        self._say(f"Answered: {label}.")

    def _value_label(self, name: str, value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(str(ENUM_LABELS.get(v, v)) for v in value) if value else "none of these"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str):
            return ENUM_LABELS.get(value, value)
        return self.panel.label_of(name, value) if self.panel else str(value)

    def activate_card(self, card: Card) -> None:
        """Enter (or a click) on a card of the step view."""
        if self.panel is None:
            return
        if card.kind == "option" and card.node is not None and card.option is not None:
            self.activate_option(card.node, card.option)
        elif card.kind == "rec" and card.rec_index is not None and self.evaluation is not None:
            rec = self.evaluation.recommendations[card.rec_index]
            self.open_regimen(rec.node, rec.regimen, rec.substitutes_for)
        elif card.kind in ("needed", "error", "answered", "question") and card.facts:
            fact = next((f for f in card.facts if f in self.panel.controls), None)
            if fact is not None:
                self.panel_scroll.ensureWidgetVisible(self.panel.controls[fact])
                self.panel.focus_fact(fact)
        elif card.kind == "summary" and card.node is not None:
            self.open_item(card.node)

    # -- regimen detail -------------------------------------------------------------------
    def open_regimen(self, node_id: str, regimen: str, substitutes_for: str | None = None) -> RegimenDetailDialog:
        assert self.figure is not None
        leaf = None
        if self.evaluation is not None:
            for rec in self.evaluation.recommendations:
                if rec.node == node_id and rec.regimen == regimen and rec.substitutes_for == substitutes_for:
                    leaf = leaf_from_rec(self.figure, rec)
                    break
        if leaf is None:
            leaf = leaf_from_figure(self.figure, node_id, regimen, substitutes_for)
        if self.detail is None:
            self.detail = RegimenDetailDialog(self.context, self)
        self.detail.show_leaf(leaf)
        return self.detail

    # -- status of the focused regimen --------------------------------------------------------
    def _on_focus_item(self, new: QGraphicsItem | None, _old: Any, _reason: Qt.FocusReason) -> None:
        self._show_focus_status(new if isinstance(new, RegimenEntryItem) else None)

    def _on_entry_hovered(self, entry: RegimenEntryItem | None) -> None:
        """The mouse over a regimen shows it on the status line; leaving it shows the focused one."""
        if entry is not None and entry.state != "neutral":
            self._set_status(entry.status_sentence.replace("\n", " · "))
            return
        focused = self.scene.focusItem() if self.scene is not None else None
        self._show_focus_status(focused if isinstance(focused, RegimenEntryItem) else None)

    def _show_focus_status(self, entry: RegimenEntryItem | None) -> None:
        """The focused regimen's status and reason, on the status line and for screen readers."""
        if self.view is None:
            return
        base = self.view.property("baseDescription") or ""
        if entry is None or entry.state == "neutral":
            self._set_status(LEGEND)
            self.view.setAccessibleDescription(base)
            return
        self._set_status(entry.status_sentence.replace("\n", " · "))
        self.view.setAccessibleDescription(f"{entry.accessible_text}. {base}")

    def _set_status(self, text: str) -> None:
        """Write ``text`` under the diagram in at most three lines (the whole text is its tooltip)."""
        label = self.status_line
        label.setToolTip(text)
        width = max(label.width() - 2 * label.margin() - 4, 200)
        fm = QFontMetricsF(label.font())
        room = label.height() - 2 * label.margin() - 4 if label.height() > 30 else fm.lineSpacing() * STATUS_LINES
        flags = int(Qt.TextFlag.TextWordWrap)
        shown = text
        if fm.boundingRect(QRectF(0, 0, width, 10_000), flags, text).height() > room:
            words = text.split(" ")
            lo, hi = 1, len(words)
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if fm.boundingRect(QRectF(0, 0, width, 10_000), flags, " ".join(words[:mid]) + " …").height() <= room:
                    lo = mid
                else:
                    hi = mid - 1
            shown = " ".join(words[:lo]) + " …"
        label.setText(shown)

    def _fit_status_line(self) -> None:
        """The row under the diagram: three lines of status and reason, and the overview map beside it."""
        fm = QFontMetricsF(self.status_line.font())
        lines = STATUS_LINES if legible_zoom() < 1.5 else 2  # large text: the diagram needs the height more
        height = max(int(fm.lineSpacing() * lines + 2 * self.status_line.margin() + 6), MAP_MIN_HEIGHT)
        self.status_line.setFixedHeight(height)
        if self.view is not None:
            self.view.minimap.fit_height(height)

    def _status_sentence(self, rec: Any) -> str:
        missing = [q.prompt for q in self.still.needed] if self.still is not None else []
        return flow_status.describe(rec, missing, self._prompts())

    def _prompts(self) -> dict[str, str]:
        return {s.name: s.prompt for s in self.figure.facts} if self.figure is not None else {}

    # -- theme and text size ----------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self.scene is None:
            return
        if event.type() == QEvent.Type.PaletteChange:
            colours = current_flow_colours()
            if colours != self.scene.colours:
                self.scene.set_colours(colours)
                if self.view is not None:
                    self.view.minimap.update()
                if self.steps is not None:
                    self.steps.viewport().update()
        elif event.type() == QEvent.Type.FontChange and self.view is not None:
            self.view.text_scale_changed()
            self._fit_status_line()
            self._size_columns()

    # -- messages -------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        if hasattr(self, "message"):
            self.message.setText(text)
            self.message.setVisible(bool(text))

    # -- copy -----------------------------------------------------------------------------
    def plain_text(self) -> str:
        """The short form (Copy recommendation, Ctrl+Shift+C): see :func:`app.services.flow_text.short_text`."""
        ev = self.evaluation
        if ev is None or self.figure is None:
            return ""
        text = flow_text.short_text(self.figure, ev, self.still or StillNeeded(), self.context.stamp())
        text = local_note.with_flow_text(text, self.context, ev)
        self._copies[text] = "the short recommendation"
        return text

    def sources_text(self) -> str:
        """The long form (Copy with sources): see :func:`app.services.flow_text.long_text`."""
        ev = self.evaluation
        if ev is None or self.figure is None:
            return ""
        text = flow_text.long_text(self.figure, ev, self.still or StillNeeded(), self.context.stamp())
        text = local_note.with_flow_text(text, self.context, ev)
        self._copies[text] = "the recommendation with its sources"
        return text

    def copy_recommendation(self) -> None:
        self._copy(self.plain_text)

    def copy_with_sources(self) -> None:
        self._copy(self.sources_text)

    def _copy(self, make: Any) -> None:
        if self.facts_error is not None:
            self._say("Nothing copied: an answer is not accepted (marked in the questions). Correct it first.")
            return
        text = make()
        if not text:
            return
        QGuiApplication.clipboard().setText(text)
        self._copied(self._copies.get(text, "the recommendation"))

    def _clipboard_changed(self) -> None:
        """A copy made elsewhere (File → Copy as text, Ctrl+Shift+C) of this screen's text is confirmed too."""
        text = QGuiApplication.clipboard().text()
        what = self._copies.get(text) or self._copies.get(text.rsplit("\n\n— ", 1)[0])
        if what is not None and (self._copied_facts != self.facts or self._copied_what != what):
            self._copied(what)

    def _copied(self, what: str) -> None:
        self._copied_facts = dict(self.facts)
        self._copied_what = what
        self._copied_at = datetime.now().strftime("%H:%M")
        self._copy_note_refresh()

    def _copy_note_refresh(self) -> None:
        if not hasattr(self, "copy_note") or self._copied_facts is None:
            return
        text = f"✓ Copied {self._copied_what} at {self._copied_at}."
        if self._copied_facts != self.facts:
            text += " The answers have changed since: copy again for the current answers."
        self.copy_note.show_text(text)

    # -- print ----------------------------------------------------------------------------
    def document(self) -> QTextDocument | None:
        ev = self.evaluation
        if ev is None or self.figure is None:
            return None
        doc = QTextDocument()
        doc.setHtml(self.report_html())
        return doc

    def report_html(self) -> str:
        """The printable form: answers, path, regimens with badges, status and reason, sources once, notes."""
        ev = self.evaluation
        fig = self.figure
        assert ev is not None and fig is not None
        e = html.escape
        still = self.still or StillNeeded()
        missing = [q.prompt for q in still.needed]
        parts = [f"<h2>{e(flow_text.figure_heading(fig))}</h2>", "<h3>Answers</h3><ul>"]
        parts += [f"<li>{e(x)}</li>" for x in flow_text.answer_lines(fig, ev)] or ["<li>none yet</li>"]
        parts.append("</ul>")
        if still.needed:
            parts.append(f"<p><b>Still needed:</b> {e('; '.join(missing))}</p>")
        parts.append("<h3>Path</h3><ol>" + "".join(f"<li>{e(x)}</li>" for x in flow_text.path_lines(fig, ev)) + "</ol>")
        sources: list[tuple[str, str]] = []
        for node_id in dict.fromkeys(r.node for r in ev.recommendations):
            node = fig.node(node_id)
            where = "reached" if node_id in ev.path else "possible"
            title = node.title if isinstance(node, RecommendationNode) else node_id
            parts.append(f"<h3>{e(title)} <small>({where})</small></h3><ul>")
            for rec in sorted(
                (r for r in ev.recommendations if r.node == node_id),
                key=lambda r: flow_text.STATUS_ORDER.index(r.status),
            ):
                key = (rec.source.section, rec.source.quote)
                if key not in sources:
                    sources.append(key)
                badges = " ".join([badge_html(rec.evidence)] if rec.evidence is not None else []) + "".join(
                    f" {badge_html(c.evidence)} <i>({e(c.when)})</i>" for c in rec.evidence_by_condition
                )
                name = f"<b>{e(rec.regimen)}</b>"
                if rec.status in flow_status.NOT_OFFERED:
                    name = f"<s>{name}</s>"
                line = (
                    f"<li>{name} {badges} · {e(flow_text.tier_text(rec))} · "
                    f"<b>{e(flow_status.short_text(rec.status))}</b>"
                )
                if rec.substitutes_for:
                    line += f" · <i>instead of {e(rec.substitutes_for)}</i>"
                line += f" <small>[{sources.index(key) + 1}]</small>"
                reason = flow_status.reason_text(rec, missing, self._prompts())
                extras = ([f"Why: {reason}"] if reason else []) + [f"Condition: {c}" for c in rec.conditions]
                extras += [f"Footnote: {f}" for f in rec.footnotes]
                if extras:
                    line += "<br><small>" + "<br>".join(e(x) for x in extras) + "</small>"
                parts.append(line + "</li>")
            parts.append("</ul>")
        if not ev.recommendations:
            parts.append("<p><b>No regimen on this path.</b> See the notes.</p>")
        if sources:
            parts.append("<h3>Sources</h3><ol>")
            parts += [f"<li>“{e(q)}” <i>({e(s)})</i></li>" for s, q in sources]
            parts.append("</ol>")
        if ev.notes:
            parts.append("<h3>Notes</h3>")
            for n in ev.notes:
                label = note_label(n)
                evidence = f" {badge_html(n.evidence)}" if n.evidence is not None else ""
                parts.append(f"<p><b>{e(label)}:</b> {e(n.text)}{evidence}</p>")
        parts.append(local_note.flow_html(self.context, ev))
        parts.append(f"<h3>About this diagram</h3><p><small>{e(fig.reconstruction)}</small></p>")
        return "".join(parts)

    # -- navigation -----------------------------------------------------------------------
    def open_item(self, payload: Any) -> None:
        if self.scene is None or self.view is None:
            if isinstance(payload, dict):
                self.facts.update(payload)
            return
        if isinstance(payload, dict):
            self.merge_facts(payload)
            return
        if isinstance(payload, str) and payload in self.scene.nodes:
            self.tabs.setCurrentIndex(DIAGRAM_TAB)
            rect = self.scene.node_rect(payload)
            self.view.set_mode("free")
            if self.view.zoom < legible_zoom() * 0.95:
                self.view._apply_zoom(legible_zoom())
            # a box taller than the view shows its top (title and first regimens)
            half_view = self.view.viewport().height() / self.view.zoom / 2
            self.view.centerOn(QPointF(rect.center().x(), min(rect.center().y(), rect.top() + half_view - 20)))
            node = self.scene.nodes[payload]
            self.scene.clearSelection()
            focusable = [*node.entries, *(c for (nid, _), c in self.scene.chips.items() if nid == payload)]
            if focusable:
                self.view.setFocus(Qt.FocusReason.OtherFocusReason)
                focusable[0].setFocus(Qt.FocusReason.OtherFocusReason)
            self._say(f"Showing: {self._node_title(payload)}")

    def _node_title(self, node_id: str) -> str:
        assert self.figure is not None
        node = self.figure.node(node_id)
        return node.prompt if isinstance(node, QuestionNode) else node.title

    # -- helpers for tests and the self-test ------------------------------------------------
    def node_ids(self) -> list[str]:
        return list(self.scene.nodes) if self.scene else []

    def is_recommendation(self, node_id: str) -> bool:
        return self.figure is not None and isinstance(self.figure.node(node_id), RecommendationNode)


class CopyNote(QLabel):
    """One line beside the tabs: what was copied last and when (the whole text as tooltip when it is cut)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("copyNote")
        self.setAccessibleName("Copied")
        self.setStyleSheet(COPIED_STYLE)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.full_text = ""
        self.setVisible(False)

    def show_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self.setVisible(True)
        self._elide()

    def text(self) -> str:  # the whole confirmation, also when the line shows it cut
        return self.full_text

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._elide()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(math.ceil(QFontMetricsF(self.font()).horizontalAdvance(self.full_text)) + 16, hint.height())

    def _elide(self) -> None:
        room = max(self.width() - 10, 40)
        shown = QFontMetricsF(self.font()).elidedText(self.full_text, Qt.TextElideMode.ElideRight, room)
        super().setText(shown)

