"""A flowchart figure (Fig. 1, 2 or 3) as a diagram, answered on the diagram or in a side panel.

Left: the diagram (zoom with Ctrl+wheel or the +/− buttons, pan by dragging, F or "Fit" to fit)
over the results: recommendations with evidence, tier, conditions, substitutes and footnotes,
then the figure's notes (ambiguities and errata marked). Right: one control per fact, the facts
still needed, "Copy recommendation" and "Clear answers". Clicking (or Enter on) a regimen opens
its detail; an option chip answers its question.

Each change re-evaluates the figure through ``Guide.flow`` and restyles the scene in place.
Every listed regimen shows its status (applies, possible, fallback, not available, already
received, excluded) on the diagram and in the list, with the reason as a tooltip, on the status
line under the toolbar while the regimen has the keyboard focus, for screen readers, and in the
copied text. Answers the guide refuses are marked at the field they concern, and no
recommendation is shown until they are corrected.
"""

from __future__ import annotations

import html
import itertools
import time
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QUrl, Signal
from PySide6.QtGui import QFocusEvent, QGuiApplication, QKeyEvent, QPainter, QTextDocument, QWheelEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.flowchart.conditions import Condition
from app.core.flowchart.model import FactSpec, Figure, QuestionNode, RecommendationNode
from app.ui import flow_status
from app.ui.context import UiContext
from app.ui.flow_panel import ENUM_LABELS, FlowPanel
from app.ui.flow_scene import GRADE_BAND, GRADE_TINT, TIER_TEXT, FlowScene, RegimenEntryItem
from app.ui.regimen_detail import RegimenDetailDialog, leaf_from_figure, leaf_from_rec
from app.ui.screens.base import Screen
from app.ui.theme import current_flow_colours

TITLES = {
    "fig1": "Fig. 1 · Newly diagnosed",
    "fig2": "Fig. 2 · RRMM, second line",
    "fig3": "Fig. 3 · RRMM, third line and beyond",
}
NOTE_LABELS = {
    "rule": "Rule",
    "footnote": "Footnote",
    "ambiguity": "⚠ Ambiguity",
    "erratum": "⚠ Erratum",
    "approval": "Approval (dated)",
    "caveat": "Caveat",
}
MARKED_KINDS = ("ambiguity", "erratum")
#: the copied text lists regimens by status: offered, the last resort, then what is not offered
PLAIN_GROUPS = (
    ("Recommendations", ("applies",)),
    ("Possible (depend on unanswered questions)", ("possible",)),
    ("Fallbacks (last resort: only if the options above are not available)", ("fallback",)),
    ("Not offered (not available, already received or excluded)", ("unavailable", "already-received", "excluded")),
)
MIN_ZOOM, MAX_ZOOM = 0.12, 4.0
STATUS_HINT = "Point at a regimen, or Tab to it on the diagram: its status and the reason show here."


# ------------------------------------------------------------------------------- the view
class FlowView(QGraphicsView):
    """Zoom (Ctrl+wheel, +/−), pan (drag), fit (F); Tab walks the diagram's chips and regimens."""

    zoom_changed = Signal(float)

    def __init__(self, scene: FlowScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.flow_scene = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.auto_fit = True
        scene.focusItemChanged.connect(self._follow_focus)

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        self.auto_fit = False
        self.resetTransform()
        self.scale(factor, factor)
        self.zoom_changed.emit(factor)

    def zoom_by(self, step: float) -> None:
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.set_zoom(self.zoom * step)
        self.setTransformationAnchor(anchor)

    def zoom_in(self) -> None:
        self.zoom_by(1.2)

    def zoom_out(self) -> None:
        self.zoom_by(1 / 1.2)

    def fit(self) -> None:
        self.auto_fit = True
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > 1.0:
            self.resetTransform()
            self.centerOn(self.sceneRect().center())
        self.zoom_changed.emit(self.zoom)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.auto_fit:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.set_zoom(self.zoom * (1.15**steps))
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier & ~Qt.KeyboardModifier.ShiftModifier
        if mods == Qt.KeyboardModifier.NoModifier:
            key = event.key()
            if key == Qt.Key.Key_F:
                self.fit()
                event.accept()
                return
            if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
                self.zoom_in()
                event.accept()
                return
            if key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
                self.zoom_out()
                event.accept()
                return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() == Qt.FocusReason.TabFocusReason:
            self.flow_scene.focus_first(True)
        elif event.reason() == Qt.FocusReason.BacktabFocusReason:
            self.flow_scene.focus_first(False)
        elif self.flow_scene.focusItem() is None:
            self.flow_scene.focus_first(True)

    def _follow_focus(self, new: QGraphicsItem | None, _old: Any, reason: Qt.FocusReason) -> None:
        if new is not None and reason != Qt.FocusReason.MouseFocusReason:
            self.ensureVisible(new, 40, 40)


class ResultsBrowser(QTextBrowser):
    """The result list; ``link_focused`` tells which link Tab/Shift+Tab moved the focus to."""

    link_focused = Signal(QUrl)

    def focusNextPrevChild(self, next: bool) -> bool:
        moved = super().focusNextPrevChild(next)
        cursor = self.textCursor()
        self.link_focused.emit(QUrl(cursor.charFormat().anchorHref() if cursor.hasSelection() else ""))
        return moved


# ------------------------------------------------------------------------------- answering a chip
def option_answers(cond: Condition, facts: dict[str, Any], specs: dict[str, FactSpec]) -> list[dict[str, Any]] | None:
    """Fact assignments that make ``cond`` true, given the other facts; None if a number must be typed.

    A chip never invents a patient value: an option like "<80 years" cannot be answered with a
    click, so the caller asks for the number in the side panel instead.
    """
    found = _solve(cond, facts, specs)
    if found is None:
        return None
    out: list[dict[str, Any]] = []
    for cand in found:
        if cond.evaluate({**facts, **cand}) is True and cand not in out:
            out.append(cand)
    return out


_FLIP = {
    "eq": "ne",
    "ne": "eq",
    "lt": "ge",
    "ge": "lt",
    "le": "gt",
    "gt": "le",
    "contains": "not_contains",
    "not_contains": "contains",
}


def _solve(cond: Condition, facts: dict[str, Any], specs: dict[str, FactSpec]) -> list[dict[str, Any]] | None:
    if cond.fact is not None:
        name, op, value = cond.fact, cond.op, cond.value
        spec = specs.get(name)
        current = list(facts.get(name) or [])
        if op == "eq":
            return [{name: value}]
        if op == "in":
            return [{name: v} for v in value]
        if op == "ne":
            if spec is not None and spec.type == "bool":
                return [{name: not value}]
            if spec is not None and spec.values:
                return [{name: v} for v in spec.values if v != value]
            return None
        if op in ("lt", "le", "gt", "ge"):
            if spec is None or spec.type != "int" or spec.minimum is None or spec.maximum is None:
                return None
            values = [
                i
                for i in range(int(spec.minimum), int(spec.maximum) + 1)
                if Condition(fact=name, op=op, value=value).evaluate({name: i})
            ]
            return [{name: i} for i in values] if len(values) <= 6 else None
        if op == "contains":
            return [{name: current if value in current else [*current, value]}]
        if op == "not_contains":
            return [{name: [v for v in current if v != value]}]
        if op == "intersects":
            return [{name: [*current, v]} for v in value if v not in current] or [{name: current}]
        return None
    if cond.not_ is not None:
        inner = cond.not_
        if inner.fact is None:
            return None
        current = list(facts.get(inner.fact) or [])
        if inner.op == "intersects":
            return [{inner.fact: [v for v in current if v not in inner.value]}]
        if inner.op == "in":
            spec = specs.get(inner.fact)
            return [{inner.fact: v} for v in (spec.values or [])] if spec and spec.values else None
        if inner.op in _FLIP:
            return _solve(Condition(fact=inner.fact, op=_FLIP[inner.op], value=inner.value), facts, specs)
        return None
    if cond.any is not None:
        out: list[dict[str, Any]] = []
        for child in cond.any:
            sub = _solve(child, facts, specs)
            if sub is None:
                return None
            out += sub
        return out
    if cond.all is not None:
        parts = []
        for child in cond.all:
            sub = _solve(child, facts, specs)
            if sub is None:
                return None
            parts.append(sub)
        merged = []
        for combo in itertools.product(*parts):
            cand: dict[str, Any] = {}
            for piece in combo:
                cand.update(piece)
            merged.append(cand)
        return merged
    return None


# ------------------------------------------------------------------------------- the screen
class FlowchartScreen(Screen):
    """One figure: diagram, results and notes, side panel. See the module docstring."""

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
        self.evaluation: Any = None
        self.facts: dict[str, Any] = {}
        self.carried: dict[str, Any] = {}
        self.detail: RegimenDetailDialog | None = None
        self.last_apply_ms = 0.0
        self.last_eval_ms = 0.0
        self._choice_menu: QMenu | None = None
        self._rec_links: list[Any] = []
        self.facts_error: Any = None
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
        if self.scene is not None or self.context.guide is None:
            return
        self.figure = self.context.guide.figure(self.figure_id)
        self._build()
        assert self.panel is not None
        self.panel.set_facts(self.facts)  # anything carried over before the guide loaded
        self._show_carried()
        self.evaluate()

    def _build(self) -> None:
        fig = self.figure
        assert fig is not None
        self._placeholder.hide()
        header = QLabel(f"<b>{html.escape(fig.title)}</b>")
        header.setWordWrap(True)
        header.setAccessibleName("Figure title")
        self._outer.addWidget(header)
        if any(isinstance(n, QuestionNode) and n.reconstructed for n in fig.nodes):
            recon = QLabel(
                "Parts of this figure are reconstructed from the guideline text (marked RECONSTRUCTED on the "
                "diagram); see “About this diagram” at the end of the notes."
            )
            recon.setWordWrap(True)
            recon.setStyleSheet("background:#fff4cc;color:#3d2500;padding:2px 4px")
            recon.setAccessibleName("Reconstruction notice")
            self._outer.addWidget(recon)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self._outer.addWidget(splitter, 1)

        # left: toolbar, diagram, results
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        tools = QHBoxLayout()
        self.scene = FlowScene(fig, self, colours=current_flow_colours())
        self.view = FlowView(self.scene)
        self.view.setAccessibleName(f"{TITLES.get(fig.id, fig.id)} diagram")
        self.view.setAccessibleDescription(
            "Flowchart diagram. Tab moves between option chips and regimens; Enter or Space chooses an option or "
            "opens a regimen; F fits, plus and minus zoom. The same questions are in the side panel."
        )
        self.zoom_out_button = self._tool("−", "Zoom out", self.view.zoom_out)
        self.zoom_in_button = self._tool("+", "Zoom in", self.view.zoom_in)
        self.fit_button = self._tool("Fit", "Fit the diagram (F)", self.view.fit)
        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName("Zoom level")
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{round(z * 100)} %"))
        for w in (self.zoom_out_button, self.zoom_in_button, self.fit_button, self.zoom_label):
            tools.addWidget(w)
        legend = QLabel(
            "✓ applies · ? possible (dashed) · ↓ fallback, last resort (dotted) · ✕ not available · "
            "↺ already received · ⊘ excluded · faded: not applicable · badge: evidence tag as printed, "
            "band colour = grade · * tier: this guide's reading"
        )
        legend.setWordWrap(True)
        legend.setAccessibleName("Legend")
        tools.addWidget(legend, 1)
        left_layout.addLayout(tools)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.message.setVisible(False)
        self.message.setStyleSheet("background:#e8f0fe;color:#0b2d5c;padding:3px;border:1px solid #8ab4f8")
        left_layout.addWidget(self.message)
        vsplit = QSplitter(Qt.Orientation.Vertical)
        vsplit.addWidget(self.view)
        self.results = ResultsBrowser()
        self.results.setOpenLinks(False)
        self.results.setAccessibleName("Recommendations and notes")
        self.results.anchorClicked.connect(self._on_anchor)
        self.results.highlighted.connect(self._on_highlighted)  # the mouse over a link
        self.results.link_focused.connect(self._on_highlighted)  # Tab onto a link
        vsplit.addWidget(self.results)
        vsplit.setStretchFactor(0, 3)
        vsplit.setStretchFactor(1, 2)
        vsplit.setSizes([520, 190])
        left_layout.addWidget(vsplit, 1)
        splitter.addWidget(left)

        # right: the panel and the buttons
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.panel = FlowPanel(fig, regimens=self._glossary_regimens())
        self.panel.facts_changed.connect(self._on_panel)
        scroll = QScrollArea()
        self.panel_scroll = scroll
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.panel)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right_layout.addWidget(scroll, 1)
        # beside the diagram, not above it: its height changes with the reason, the diagram's must not
        self.status_line = QLabel(STATUS_HINT)
        self.status_line.setObjectName("statusLine")
        self.status_line.setWordWrap(True)
        self.status_line.setFrameShape(QFrame.Shape.StyledPanel)
        self.status_line.setMargin(4)
        self.status_line.setAccessibleName("Selected regimen: status and reason")
        self.status_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right_layout.addWidget(self.status_line)
        self.copy_button = QPushButton("Copy recommendation")
        self.copy_button.setAccessibleName("Copy recommendation")
        self.copy_button.setToolTip(
            "Copy the answers, path, recommendations with evidence and source quotes, and notes as plain text "
            "(no patient identifiers)"
        )
        self.copy_button.clicked.connect(self.copy_recommendation)
        self.clear_button = QPushButton("Clear answers")
        self.clear_button.setAccessibleName("Clear answers")
        self.clear_button.clicked.connect(self.clear_answers)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button, 1)
        buttons.addWidget(self.clear_button)
        right_layout.addLayout(buttons)
        right.setMinimumWidth(300)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([900, 360])

        self.scene.option_activated.connect(self.activate_option)
        self.scene.focusItemChanged.connect(self._on_focus_item)
        self.scene.entry_hovered.connect(self._on_entry_hovered)
        self.scene.regimen_activated.connect(lambda node, regimen, sub: self.open_regimen(node, regimen, sub or None))
        self.setTabOrder(self.fit_button, self.view)
        self.setTabOrder(self.view, self.results)

    def _glossary_regimens(self) -> list[tuple[str, str]]:
        guide = self.context.guide
        if guide is None:
            return []
        return [(r.abbr, r.name) for r in guide.repo.regimens()]

    def _tool(self, text: str, name: str, slot: Any) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setAccessibleName(name)
        button.setToolTip(name)
        button.clicked.connect(slot)
        return button

    # -- facts ----------------------------------------------------------------------------
    def _on_panel(self, facts: dict[str, Any]) -> None:
        self.facts = dict(facts)
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
        if self.figure is None or self.scene is None or self.panel is None:
            return
        from app.core.flowchart.engine import FactsError

        t0 = time.perf_counter()
        try:
            ev = self.context.guide.flow(self.figure_id, self.facts)
        except FactsError as exc:
            self._refuse(exc)
            return
        if self.facts_error is not None:
            self.facts_error = None
            self.panel.clear_errors()
            self._say("")
        t1 = time.perf_counter()
        self.scene.apply(ev)
        t2 = time.perf_counter()
        focused = self.scene.focusItem()
        self._show_focus_status(focused if isinstance(focused, RegimenEntryItem) else None)
        self.last_eval_ms = (t1 - t0) * 1000
        self.last_apply_ms = (t2 - t1) * 1000
        previous = self.evaluation
        self.evaluation = ev
        self.panel.set_missing(self.missing_in_order(ev))
        self.results.setHtml(self._results_html(ev))
        if self.view is not None and not self.view.auto_fit and previous is not None and ev.path != previous.path:
            self.view.ensureVisible(self.scene.node_rect(ev.path[-1]), 30, 30)
        self.evaluated.emit()

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
        self.scene.apply(None)
        self.panel.set_missing(None)
        self._show_focus_status(None)
        e = html.escape
        self.results.setHtml(
            f"<p style='background:#fdecec;color:#7a0d10;padding:4px'><b>Not accepted — {e(where)}</b>{e(text)}</p>"
            "<p>No recommendation is shown until the answer marked in the side panel is corrected.</p>"
        )
        self.evaluated.emit()

    def missing_in_order(self, ev: Any) -> list[str]:
        """Missing facts: the next question on the path first, then the panel's order."""
        assert self.figure is not None
        first: list[str] = []
        for nid in [*ev.path, *ev.possible_nodes]:
            node = self.figure.node(nid)
            if isinstance(node, QuestionNode):
                first += [f for f in node.facts if f in ev.missing and f not in first]
        order = [s.name for s in self.figure.facts]
        rest = sorted((m for m in ev.missing if m not in first), key=lambda m: order.index(m) if m in order else 99)
        return first + rest

    # -- carry-over -----------------------------------------------------------------------
    def _on_carry(self, figure_id: str, facts: dict[str, Any]) -> None:
        if figure_id != self.figure_id:
            return
        if self.figure is None:
            self.carried.update(facts)
            self.facts.update(facts)
            return
        from app.core.flowchart.engine import FactsError

        try:
            self.context.guide.flow(self.figure_id, {**self.facts, **facts})
        except FactsError as exc:
            self._say(f"Could not carry over from the calculator: {exc.message}")
            return
        self.carried.update(facts)
        self.merge_facts(facts)
        self._show_carried()

    def _show_carried(self) -> None:
        if self.panel is None:
            return
        if not self.carried:
            self.panel.set_carried(None)
            return
        parts = [f"{self._prompt(k)}: {self.panel.label_of(k, v)}" for k, v in self.carried.items()]
        self.panel.set_carried("Carried over from calculator: " + "; ".join(parts))

    def _prompt(self, name: str) -> str:
        if self.figure is not None:
            for spec in self.figure.facts:
                if spec.name == name:
                    return spec.prompt
        return name

    # -- chips ----------------------------------------------------------------------------
    def activate_option(self, node_id: str, index: int) -> list[dict[str, Any]] | None:
        """Answer a question from one of its options. Returns the candidate answers."""
        assert self.figure is not None and self.panel is not None
        node = self.figure.node(node_id)
        if not isinstance(node, QuestionNode):
            return None
        option = node.options[index]
        specs = {s.name: s for s in self.figure.facts}
        if option.when.evaluate(self.facts) is True:
            self._say(f"“{option.label}” is already the answer.")
            return [{}]
        answers = option_answers(option.when, self.facts, specs)
        if answers is None or not answers:
            fact = sorted(option.when.facts())[0]
            self.panel.focus_fact(fact)
            self._say(
                f"“{option.label}”: enter {self._prompt(fact).lower()} in the side panel "
                "(a value is needed, and the diagram never guesses one)."
            )
            return None
        if len(answers) == 1:
            self.merge_facts(answers[0])
            self._say(f"Answered: {option.label}.")
            return answers
        menu = QMenu(self)
        menu.setAccessibleName(f"Choose the answer for {option.label}")
        menu.setTitle(option.label)
        for answer in answers:
            text = "; ".join(f"{self._prompt(k)}: {self._value_label(k, v)}" for k, v in answer.items())
            action = menu.addAction(text)
            action.triggered.connect(lambda _c=False, a=answer: self._choose(a, option.label))
        self._choice_menu = menu
        chip = self.scene.chip(node_id, index) if self.scene else None
        pos = QPoint(0, 0)
        if chip is not None and self.view is not None:
            pos = self.view.viewport().mapToGlobal(self.view.mapFromScene(chip.scenePos()))
        menu.popup(pos)
        if menu.actions():
            menu.setActiveAction(menu.actions()[0])
        self._say(f"“{option.label}” covers more than one answer: choose which.")
        return answers

    def _choose(self, answer: dict[str, Any], label: str) -> None:
        self.merge_facts(answer)
        self._say(f"Answered: {label}.")

    def _value_label(self, name: str, value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(ENUM_LABELS.get(v, v) for v in value) if value else "none of these"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str):
            return ENUM_LABELS.get(value, value)
        return self.panel.label_of(name, value) if self.panel else str(value)

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

    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("rec:"):
            i = int(text[4:])
            if 0 <= i < len(self._rec_links):
                rec = self._rec_links[i]
                self.open_regimen(rec.node, rec.regimen, rec.substitutes_for)
        elif text.startswith("node:") and self.scene is not None:
            self.open_item(text[5:])

    # -- status of the focused regimen --------------------------------------------------------
    def _on_focus_item(self, new: QGraphicsItem | None, _old: Any, _reason: Qt.FocusReason) -> None:
        self._show_focus_status(new if isinstance(new, RegimenEntryItem) else None)

    def _on_entry_hovered(self, entry: RegimenEntryItem | None) -> None:
        """The mouse over a regimen shows it on the status line; leaving it shows the focused one."""
        if entry is not None and entry.state != "neutral":
            self.status_line.setText(entry.status_sentence.replace("\n", " · "))
            return
        focused = self.scene.focusItem() if self.scene is not None else None
        self._show_focus_status(focused if isinstance(focused, RegimenEntryItem) else None)

    def _show_focus_status(self, entry: RegimenEntryItem | None) -> None:
        """The focused regimen's status and reason, on the status line and for screen readers."""
        if self.view is None:
            return
        base = self.view.property("baseDescription")
        if base is None:
            base = self.view.accessibleDescription()
            self.view.setProperty("baseDescription", base)
        if entry is None or entry.state == "neutral":
            self.status_line.setText(STATUS_HINT)
            self.view.setAccessibleDescription(base)
            return
        self.status_line.setText(entry.status_sentence.replace("\n", " · "))
        self.view.setAccessibleDescription(f"{entry.accessible_text}. {base}")

    def _rec_at(self, url: QUrl) -> Any:
        text = url.toString()
        if text.startswith("rec:") and text[4:].isdigit():
            i = int(text[4:])
            if 0 <= i < len(self._rec_links):
                return self._rec_links[i]
        return None

    def _on_highlighted(self, url: QUrl) -> None:
        """A regimen of the list under the mouse or the keyboard focus: its status and reason."""
        rec = self._rec_at(url)
        if rec is None:
            focused = self.scene.focusItem() if self.scene is not None else None
            self._show_focus_status(focused if isinstance(focused, RegimenEntryItem) else None)
            self.results.setAccessibleDescription("")
            return
        text = self._status_sentence(rec)
        self.status_line.setText(text)
        self.results.setAccessibleDescription(text)

    def _missing_prompts(self, ev: Any) -> list[str]:
        return [self._prompt(m) for m in self.missing_in_order(ev)] if ev is not None else []

    def _status_sentence(self, rec: Any) -> str:
        return flow_status.describe(rec, self._missing_prompts(self.evaluation), self._prompts())

    def _reason(self, rec: Any, missing: list[str]) -> str | None:
        return flow_status.reason_text(rec, missing, self._prompts())

    def _prompts(self) -> dict[str, str]:
        return {s.name: s.prompt for s in self.figure.facts} if self.figure is not None else {}

    # -- theme ----------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.scene is not None:
            colours = current_flow_colours()
            if colours != self.scene.colours:
                self.scene.set_colours(colours)
                if self.evaluation is not None:
                    self.results.setHtml(self._results_html(self.evaluation))

    # -- messages -------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        if hasattr(self, "message"):
            self.message.setText(text)
            self.message.setVisible(bool(text))

    # -- text -----------------------------------------------------------------------------
    def _node_title(self, node_id: str) -> str:
        assert self.figure is not None
        node = self.figure.node(node_id)
        return node.prompt if isinstance(node, QuestionNode) else node.title

    def _path_lines(self, ev: Any) -> list[str]:
        assert self.figure is not None
        lines = []
        for nid in ev.path:
            node = self.figure.node(nid)
            if isinstance(node, QuestionNode):
                chosen = next((o.label for o in node.options if o.when.evaluate(ev.facts) is True), None)
                lines.append(f"{node.prompt} → {chosen}" if chosen else f"{node.prompt} → (not answered yet)")
            else:
                lines.append(node.title)
        return lines

    def _fact_lines(self, ev: Any) -> list[str]:
        assert self.figure is not None and self.panel is not None
        out = []
        for spec in self.figure.facts:
            if spec.name in ev.facts:
                out.append(f"{spec.prompt}: {self._value_label(spec.name, ev.facts[spec.name])}")
        return out

    @staticmethod
    def _evidence_text(rec: Any) -> str:
        parts = [rec.evidence.text] if rec.evidence is not None else []
        parts += [f"{c.evidence.text} ({c.when})" for c in rec.evidence_by_condition]
        return " or ".join(parts) if parts else "no evidence tag"

    def _ordered_recs(self, ev: Any) -> list[tuple[str, list[Any]]]:
        order = [*ev.path, *ev.possible_nodes]
        groups: dict[str, list[Any]] = {}
        for rec in ev.recommendations:
            groups.setdefault(rec.node, []).append(rec)
        found = [(nid, groups[nid]) for nid in order if nid in groups]
        # boxes with a recommendation that applies come first (e.g. before Fig. 2's side box)
        return sorted(found, key=lambda g: 0 if any(r.status == "applies" for r in g[1]) else 1)

    def plain_text(self) -> str:
        ev = self.evaluation
        if ev is None or self.figure is None:
            return ""
        fig = self.figure
        lines = [f"{fig.id.replace('fig', 'Fig. ')} — {fig.title}", ""]
        lines.append("Answers:")
        lines += [f"- {x}" for x in self._fact_lines(ev)] or ["- none yet"]
        if ev.missing:
            lines.append("Still needed: " + "; ".join(self._prompt(m) for m in self.missing_in_order(ev)))
        lines.append("")
        lines.append("Path:")
        lines += [f"{i}. {x}" for i, x in enumerate(self._path_lines(ev), 1)]
        missing = self._missing_prompts(ev)
        for heading, wanted in PLAIN_GROUPS:
            block = []
            for nid, recs in self._ordered_recs(ev):
                chosen = [r for r in recs if r.status in wanted]
                if not chosen:
                    continue
                block.append(f"[{self._node_title(nid)}]")
                for r in chosen:
                    tier = TIER_TEXT[r.tier].lower() + (
                        " (tier is this guide's reading)" if r.interpretive_tier else ""
                    )
                    head = f"- {r.regimen} {self._evidence_text(r)} · {tier}"
                    if r.substitutes_for:
                        head += f" · instead of {r.substitutes_for}"
                    block.append(f"{head} · status: {flow_status.LABEL[r.status]}")
                    reason = self._reason(r, missing)
                    if reason:
                        block.append(f"  Reason: {reason}")
                    for c in r.conditions:
                        block.append(f"  Condition: {c}")
                    for f in r.footnotes:
                        block.append(f"  Footnote: {f}")
                    block.append(f"  Source ({r.source.section}): “{r.source.quote}”")
            if block:
                lines += ["", f"{heading}:", *block]
        if not ev.recommendations:
            lines += ["", "Recommendations: none on this path (see the notes)."]
        if ev.notes:
            lines += ["", "Notes:"]
            for n in ev.notes:
                ref = f" {n.ref}" if n.ref else ""
                evidence = f" — evidence {n.evidence.text}" if n.evidence is not None else ""
                lines.append(f"- [{n.kind}{ref}] {n.text}{evidence}")
        lines += ["", self.context.stamp()]
        return "\n".join(lines)

    def copy_recommendation(self) -> None:
        if self.facts_error is not None:
            self._say("Nothing copied: an answer is not accepted (marked in the side panel). Correct it first.")
            return
        text = self.plain_text()
        QGuiApplication.clipboard().setText(text)
        self._say("Copied the recommendation, its evidence and sources to the clipboard.")

    def _badge_html(self, rec: Any) -> str:
        evs = ([(rec.evidence, None)] if rec.evidence is not None else []) + [
            (c.evidence, c.when) for c in rec.evidence_by_condition
        ]
        return " or ".join(self._evidence_badge_html(ev, when) for ev, when in evs)

    @staticmethod
    def _evidence_badge_html(ev: Any, when: str | None = None) -> str:
        band = GRADE_BAND.get(ev.grade or "", "#616161")
        tint = GRADE_TINT.get(ev.grade or "", "#eeeeee")
        label = html.escape(ev.text) + (f" <i>({html.escape(when)})</i>" if when else "")
        return (
            f"<span style='background:{tint};color:#1f1f1f'>"
            f"<span style='color:{band}'>■</span>&nbsp;{label}&nbsp;</span>"
        )

    def _results_html(self, ev: Any) -> str:
        assert self.figure is not None
        e = html.escape
        out = []
        self._rec_links = []
        colours = current_flow_colours()
        missing = self._missing_prompts(ev)
        if ev.missing:
            out.append(
                "<p style='background:#fff4cc;color:#3d2500'><b>Still needed:</b> "
                + e("; ".join(self._prompt(m) for m in self.missing_in_order(ev)))
                + "</p>"
            )
        groups = self._ordered_recs(ev)
        if not groups:
            out.append("<p><b>No regimen on this path.</b> See the notes below.</p>")
        for nid, recs in groups:
            where = "on the path" if nid in ev.path else "possible"
            out.append(f"<h4 style='margin-bottom:2px'>{e(self._node_title(nid))} <small>({where})</small></h4><ul>")
            for r in recs:
                i = len(self._rec_links)
                self._rec_links.append(r)
                ink = colours.status[r.status].ink
                status = f"<span style='color:{ink}'><b>{e(flow_status.short_text(r.status))}</b></span>"
                tier = TIER_TEXT[r.tier] + ("*" if r.interpretive_tier else "")
                name = f"<b>{e(r.regimen)}</b>"
                if r.status in flow_status.NOT_OFFERED:
                    name = f"<s>{name}</s>"
                title = e(self._status_sentence(r).replace("\n", " "), quote=True)
                line = (
                    f"<li><a href='rec:{i}' title=\"{title}\">{name}</a> {self._badge_html(r)} "
                    f"<small><b>{e(tier)}</b></small> · {status}"
                )
                if r.substitutes_for:
                    line += f" · <i>instead of {e(r.substitutes_for)}</i>"
                reason = self._reason(r, missing)
                if reason and r.status != "possible":
                    line += f"<br><small><span style='color:{ink}'>Why:</span> {e(reason)}</small>"
                extras = [f"Condition: {c}" for c in r.conditions] + [f"Footnote: {f}" for f in r.footnotes]
                if extras:
                    line += "<br><small>" + "<br>".join(e(x) for x in extras) + "</small>"
                out.append(line + "</li>")
            out.append("</ul>")
        if ev.notes:
            out.append("<h4>Notes</h4>")
            for n in ev.notes:
                label = NOTE_LABELS.get(n.kind, n.kind) + (f" {n.ref}" if n.ref else "")
                badge = f" {self._evidence_badge_html(n.evidence)}" if n.evidence is not None else ""
                if n.kind in MARKED_KINDS:  # ambiguities and errata: shaded and labelled
                    out.append(
                        f"<p style='background:#fff4cc;color:#1f1f1f;margin:2px 0'><b>{e(label)}:</b> "
                        f"{e(n.text)}{badge}</p>"
                    )
                else:
                    out.append(f"<p style='margin:2px 0'><b>{e(label)}:</b> {e(n.text)}{badge}</p>")
        out.append(f"<h4>About this diagram</h4><p><small>{e(self.figure.reconstruction)}</small></p>")
        return "".join(out)

    def document(self) -> QTextDocument | None:
        ev = self.evaluation
        if ev is None or self.figure is None:
            return None
        e = html.escape
        parts = [f"<h2>{e(self.figure.id.replace('fig', 'Fig. '))} — {e(self.figure.title)}</h2>"]
        parts.append(
            "<h3>Answers</h3><ul>"
            + "".join(f"<li>{e(x)}</li>" for x in self._fact_lines(ev))
            + ("" if ev.facts else "<li>none yet</li>")
            + "</ul>"
        )
        parts.append("<h3>Path</h3><ol>" + "".join(f"<li>{e(x)}</li>" for x in self._path_lines(ev)) + "</ol>")
        body = self._results_html(ev)
        parts.append(body.replace("href='rec:", "name='rec:"))
        for nid, recs in self._ordered_recs(ev):
            parts.append(f"<h4>Sources — {e(self._node_title(nid))}</h4><ul>")
            for r in recs:
                parts.append(
                    f"<li><b>{e(r.regimen)}</b> {e(self._evidence_text(r))}: “{e(r.source.quote)}” "
                    f"<i>({e(r.source.section)})</i></li>"
                )
            parts.append("</ul>")
        doc = QTextDocument()
        doc.setHtml("".join(parts))
        return doc

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
            rect = self.scene.node_rect(payload)
            if self.view.zoom < 0.75:
                self.view.set_zoom(0.9)
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

    # -- helpers for tests and the self-test ------------------------------------------------
    def node_ids(self) -> list[str]:
        return list(self.scene.nodes) if self.scene else []

    def is_recommendation(self, node_id: str) -> bool:
        return self.figure is not None and isinstance(self.figure.node(node_id), RecommendationNode)
