"""The diagram's view: path-first zoom, one Tab stop with arrow keys inside, and an overview map.

Three ways of showing the figure (:attr:`FlowView.mode`):

- ``path`` (the default): the view follows the answers. It shows the question where the path
  stops with its options, or the box the path reached (with the question that led to it when
  both fit), at the legible zoom — the diagram's text at the size of the body text, times the
  text size chosen with Ctrl + / Ctrl − (:func:`app.ui.flow_scene.legible_zoom`). It never
  zooms below that: "fit" is never the default.
- ``overview``: the whole figure fitted into the view ("Whole figure", F). Its text is small
  by design; the view says so, and P (or "Follow the path") goes back.
- ``free``: the user zoomed (Ctrl+wheel, +/−) or dragged; the view stays where it was put and
  only scrolls to show a new end of the path.

The overview map beside it (:class:`MiniMap`, under the diagram, never over it) draws the whole
figure — boxes by state, the path, and the part in view — and a click on it moves the view there.

The view has no scroll bars: the map shows where it is and moves it; the mouse drags (and
wheels: Shift+wheel sideways), the keyboard pans with Ctrl+arrows.

Keyboard: the diagram is a single Tab stop. Tab enters on the item focused last (at first: the
first option of the question where the path stops, or the first regimen of the reached box);
the arrow keys walk the items in reading order, Page Up/Down jump box by box, Home/End go to
the first/last item, Enter or Space chooses an option or opens a regimen; Ctrl+arrows pan. The
focus ring is drawn by the view over the item at full opacity, on faded items too. A mouse
click never moves the focus anywhere else than the item clicked (the first click after a zoom
opens the regimen under the pointer).
"""

from __future__ import annotations

import itertools
from typing import Any

from PySide6.QtCore import QLineF, QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QWidget

from app.ui.flow_scene import FlowScene, legible_zoom
from app.ui.theme import current_colours

MIN_ZOOM, MAX_ZOOM = 0.12, 5.0
FOCUS_PEN = 4.0
MAP_MIN_HEIGHT = 84


class FlowView(QGraphicsView):
    """The diagram; see the module docstring."""

    zoom_changed = Signal(float)
    mode_changed = Signal(str)
    view_moved = Signal()

    def __init__(self, scene: FlowScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.flow_scene = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        # no scroll bars: the overview map shows where the view is and moves it, the mouse drags
        # and wheels, the keyboard pans with Ctrl+arrows; Fusion's scroll bars also cost ~1.5 ms
        # of every answer's repaint (the view moves with the path)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.mode = "path"
        self._scale_seen = legible_zoom()
        self._press: QPoint | None = None
        self._ring = QRectF()
        scene.focusItemChanged.connect(self._focus_item_changed)
        self.minimap = MiniMap(self)  # the screen puts it in its layout, under the diagram

    # -- zoom and modes -------------------------------------------------------------------
    @property
    def zoom(self) -> float:
        return self.transform().m11()

    @property
    def auto_fit(self) -> bool:
        """True while the whole figure is fitted (overview)."""
        return self.mode == "overview"

    def set_mode(self, mode: str) -> None:
        if mode != self.mode:
            self.mode = mode
            self.mode_changed.emit(mode)

    def _apply_zoom(self, factor: float) -> None:
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        if abs(factor - self.zoom) > 1e-9:
            self.resetTransform()
            self.scale(factor, factor)
        self.zoom_changed.emit(factor)
        self._moved()

    def set_zoom(self, factor: float) -> None:
        """Zoom to ``factor`` (the user's choice: the view stops following the path)."""
        self.set_mode("free")
        self._apply_zoom(factor)

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
        """The whole figure (overview); its text is small."""
        self.set_mode("overview")
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > legible_zoom():
            self._apply_zoom(legible_zoom())
            self.centerOn(self.sceneRect().center())
        self.zoom_changed.emit(self.zoom)
        self._moved()

    def follow_path(self) -> None:
        """Back to the default: follow the path at the legible zoom."""
        self.set_mode("path")
        self.show_path()

    def path_region(self) -> tuple[QRectF, QRectF]:
        """(what to show, what must be visible first) for the end of the path, in scene coordinates."""
        scene = self.flow_scene
        ev = scene.evaluation
        if ev is None or not ev.path:
            start = scene.figure.start
            rect = scene.node_rect(start)
            return rect, rect
        last = ev.path[-1]
        rect = scene.node_rect(last)
        node = scene.figure.node(last)
        if hasattr(node, "options"):
            region = QRectF(rect)
            for (nid, _i), chip in scene.chips.items():
                if nid == last:
                    region = region.united(chip.mapRectToScene(chip.boundingRect()))
            return region, rect
        region = QRectF(rect)
        if len(ev.path) >= 2:
            before = ev.path[-2]
            region = region.united(scene.node_rect(before))
            for (nid, _i), chip in scene.chips.items():
                if nid == before and chip.state == "chosen":
                    region = region.united(chip.mapRectToScene(chip.boundingRect()))
        return region, rect

    def show_path(self) -> None:
        """Zoom to the legible size and show the end of the path (its top first when it is taller)."""
        self._apply_zoom(legible_zoom())
        region, core = self.path_region()
        self._show(region, core)

    def _show(self, region: QRectF, core: QRectF) -> None:
        margin = 24 / max(self.zoom, 1e-6)
        view = self.viewport().rect()
        width, height = view.width() / self.zoom, view.height() / self.zoom
        target = region if region.width() + 2 * margin <= width and region.height() + 2 * margin <= height else core
        if target.width() + 2 * margin <= width:
            x = target.center().x()
        elif core.width() + 2 * margin <= width:
            x = core.center().x()
        else:  # wider than the view (large text): its left edge, where the names and titles start
            x = core.left() - margin + width / 2
        y = target.center().y() if target.height() + 2 * margin <= height else target.top() - margin + height / 2
        self.centerOn(QPointF(x, y))
        self._moved()

    def reveal_path_end(self) -> None:
        """After an answer: follow the path (path mode), or just scroll its end into view (free)."""
        if self.mode == "path":
            self.show_path()
        elif self.mode == "free":
            _region, core = self.path_region()
            self.ensureVisible(core.adjusted(0, 0, 0, -max(0.0, core.height() - 200)), 30, 30)
            self._moved()

    def text_scale_changed(self) -> None:
        """Ctrl + / Ctrl −: the diagram follows the text size."""
        new = legible_zoom()
        old, self._scale_seen = self._scale_seen, new
        if self.mode == "path":
            self.show_path()
        elif self.mode == "free" and old > 0:
            self._apply_zoom(self.zoom * new / old)
        else:
            self.fit()

    # -- events ---------------------------------------------------------------------------
    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.mode == "overview":
            self.fit()
        elif self.mode == "path":
            self.show_path()

    def showEvent(self, event: Any) -> None:
        """Back in view (its tab shown again): the path may have moved, or the text size changed, meanwhile."""
        super().showEvent(event)
        self._refollow()
        # once more when the layout has given the view its size, unless something moved it meanwhile
        shown = self._where()
        QTimer.singleShot(0, self, lambda: self._refollow() if self._where() == shown else None)

    def _where(self) -> tuple[int, int, float]:
        return (self.horizontalScrollBar().value(), self.verticalScrollBar().value(), self.zoom)

    def _refollow(self) -> None:
        if not self.isVisible():
            return
        if self.mode == "path":
            self.show_path()
        elif self.mode == "overview":
            self.fit()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self._moved()

    def _moved(self) -> None:
        self.minimap.update()
        self.view_moved.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.set_zoom(self.zoom * (1.15**steps))
            event.accept()
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if (
            self._press is not None
            and event.buttons() & Qt.MouseButton.LeftButton
            and (event.position().toPoint() - self._press).manhattanLength() > 8
            and self.mode == "path"
        ):
            self.set_mode("free")  # dragged: the user is looking elsewhere
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        scene = self.flow_scene
        if mods == Qt.KeyboardModifier.ControlModifier and key in (
            Qt.Key.Key_Left,
            Qt.Key.Key_Right,
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
        ):
            bar = self.horizontalScrollBar() if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) else self.verticalScrollBar()
            sign = -1 if key in (Qt.Key.Key_Left, Qt.Key.Key_Up) else 1
            bar.setValue(bar.value() + sign * bar.singleStep() * 4)
            self.set_mode("free")
            event.accept()
            return
        plain = mods & ~Qt.KeyboardModifier.ShiftModifier
        if plain == Qt.KeyboardModifier.NoModifier:
            moves = {
                Qt.Key.Key_Down: lambda: scene.move_focus(1),
                Qt.Key.Key_Right: lambda: scene.move_focus(1),
                Qt.Key.Key_Up: lambda: scene.move_focus(-1),
                Qt.Key.Key_Left: lambda: scene.move_focus(-1),
                Qt.Key.Key_PageDown: lambda: scene.move_focus_by_box(1),
                Qt.Key.Key_PageUp: lambda: scene.move_focus_by_box(-1),
                Qt.Key.Key_Home: lambda: scene.move_focus_to_end(False),
                Qt.Key.Key_End: lambda: scene.move_focus_to_end(True),
                Qt.Key.Key_F: self.fit,
                Qt.Key.Key_P: self.follow_path,
                Qt.Key.Key_Plus: self.zoom_in,
                Qt.Key.Key_Equal: self.zoom_in,
                Qt.Key.Key_Minus: self.zoom_out,
                Qt.Key.Key_Underscore: self.zoom_out,
            }
            if key in moves:
                moves[key]()
                item = scene.focusItem()
                if item is not None and key not in (Qt.Key.Key_F, Qt.Key.Key_P):
                    self.ensureVisible(item, 40, 40)  # the keyboard moved it: show it
                event.accept()
                return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        reason = event.reason()
        # A mouse click leaves the focus to the item under the pointer: nothing moves or scrolls here.
        # Otherwise the focus goes to an item on screen (the one focused last if it is, else the
        # path's end); only the keyboard entering the diagram (Tab, Alt+D) may then scroll to it.
        if reason != Qt.FocusReason.MouseFocusReason:
            entering = reason in (
                Qt.FocusReason.TabFocusReason,
                Qt.FocusReason.BacktabFocusReason,
                Qt.FocusReason.ShortcutFocusReason,
            )
            if entering and self.mode == "path":
                self.show_path()
            seen = self.visible_scene_rect()
            current = self.flow_scene.focusItem()
            if entering or current is None or not seen.intersects(current.sceneBoundingRect()):
                self.flow_scene.focus_first(reason != Qt.FocusReason.BacktabFocusReason, seen)
            item = self.flow_scene.focusItem()
            if item is not None and entering:
                self.ensureVisible(item, 40, 40)
        self._update_ring()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._update_ring()

    def _focus_item_changed(self, _new: QGraphicsItem | None, _old: Any, _reason: Qt.FocusReason) -> None:
        # no scrolling here: the scene also restores its last focus item whenever the view gets the
        # focus back (a tab shown, the window activated); who moves the focus scrolls to it
        self._update_ring()

    # -- the focus ring -------------------------------------------------------------------
    def _update_ring(self) -> None:
        old = self._ring
        self._ring = self.flow_scene.focus_rect() if self.hasFocus() else QRectF()
        for rect in (old, self._ring):
            if not rect.isEmpty():
                area = self.mapFromScene(rect).boundingRect().adjusted(-6, -6, 6, 6)
                self.viewport().update(area)

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        super().drawForeground(painter, rect)
        if not self.hasFocus():
            return
        ring = self.flow_scene.focus_rect()
        if ring.isEmpty():
            return
        colours = self.flow_scene.colours
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setOpacity(1.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        outer = QPen(QColor(colours.focus_outer), FOCUS_PEN)
        outer.setCosmetic(True)
        painter.setPen(outer)
        painter.drawRoundedRect(ring, 6, 6)
        inner = QPen(QColor(colours.focus_inner), 1.5, Qt.PenStyle.DashLine)
        inner.setCosmetic(True)
        painter.setPen(inner)
        painter.drawRoundedRect(ring, 6, 6)
        painter.restore()

    # -- for tests ------------------------------------------------------------------------
    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()


class MiniMap(QWidget):
    """The whole figure in miniature: boxes by state, the path, and the part the view shows.

    Drawn from the scene's geometry and states (no text), so it costs almost nothing to paint.
    A click or drag on it moves the view there. It takes no keyboard focus: the keyboard has
    "Whole figure" (F) and "Follow the path" (P).
    """

    def __init__(self, view: FlowView) -> None:
        super().__init__(None)
        self.view = view
        self.wanted = True
        self._shape_key: tuple[float, float, float] | None = None
        self._shape_cache: tuple[list[list[QLineF]], list[QRectF]] = ([], [])
        self.setObjectName("flowMiniMap")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Overview map of the figure")
        self.setAccessibleDescription(
            "The whole figure in miniature, with the part in view framed. Click to move there."
        )
        self.setToolTip("Overview map: click to move the view there (the keyboard has F and P)")
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def fit_height(self, height: int) -> None:
        """Take ``height`` and the width the figure's proportions give it (100–260 px)."""
        rect = self.view.sceneRect()
        aspect = rect.width() / max(rect.height(), 1.0)
        self.setFixedSize(int(min(max(height * aspect, 100), 260)), height)

    def set_wanted(self, on: bool) -> None:
        self.wanted = on
        self.setVisible(on)

    def _transform(self) -> tuple[float, float, float]:
        rect = self.view.sceneRect()
        inner = self.rect().adjusted(4, 4, -4, -4)
        k = min(inner.width() / max(rect.width(), 1), inner.height() / max(rect.height(), 1))
        ox = inner.left() + (inner.width() - rect.width() * k) / 2 - rect.left() * k
        oy = inner.top() + (inner.height() - rect.height() * k) / 2 - rect.top() * k
        return k, ox, oy

    def to_scene(self, point: QPointF) -> QPointF:
        k, ox, oy = self._transform()
        return QPointF((point.x() - ox) / k, (point.y() - oy) / k)

    def paintEvent(self, _event: QPaintEvent) -> None:
        scene = self.view.flow_scene
        colours = scene.colours
        k, ox, oy = self._transform()

        def mapped(r: QRectF) -> QRectF:
            return QRectF(r.left() * k + ox, r.top() * k + oy, r.width() * k, r.height() * k)

        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(colours.paper))
        painter.setPen(QPen(QColor(current_colours().mid), 1))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        # one call per state (a map is small; batching keeps its repaint under a millisecond)
        edge_lines, node_rects = self._shapes(k, ox, oy)
        lines: dict[str, list[QLineF]] = {"taken": [], "possible": [], "faded": [], "neutral": []}
        for edge, segments in zip(scene.edges, edge_lines, strict=True):
            lines.setdefault(edge.state, []).extend(segments)
        edge_pens = {
            "taken": QPen(QColor(colours.path), 2),
            "possible": QPen(QColor(colours.possible), 1, Qt.PenStyle.DashLine),
            "faded": QPen(QColor(colours.line), 1),
            "neutral": QPen(QColor(colours.line), 1),
        }
        for state, segments in lines.items():
            if segments:
                painter.setOpacity(0.5 if state == "faded" else 1.0)
                painter.setPen(edge_pens.get(state, edge_pens["neutral"]))
                painter.drawLines(segments)
        boxes: dict[str, list[QRectF]] = {"path": [], "possible": [], "faded": [], "neutral": []}
        for node, rect in zip(scene.nodes.values(), node_rects, strict=True):
            boxes.setdefault(node.state, []).append(rect)
        box_style = {
            "path": (QPen(QColor(colours.path), 1.5), QColor(colours.path), 1.0),
            "possible": (QPen(QColor(colours.possible), 1), QColor(colours.question_fill), 1.0),
            "faded": (QPen(QColor(colours.line), 1), QColor(colours.rec_fill), 0.45),
            "neutral": (QPen(QColor(colours.line), 1), QColor(colours.rec_fill), 1.0),
        }
        for state, rects in boxes.items():
            if rects:
                pen, brush, opacity = box_style.get(state, box_style["neutral"])
                painter.setOpacity(opacity)
                painter.setPen(pen)
                painter.setBrush(brush)
                painter.drawRects(rects)
        painter.setOpacity(1.0)
        seen = mapped(self.view.visible_scene_rect()).intersected(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        ring = QPen(QColor(colours.focus_outer), 2)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(ring)
        painter.drawRect(seen)
        painter.setPen(QPen(QColor(colours.ink), 1, Qt.PenStyle.DashLine))
        painter.drawRect(seen)
        painter.end()

    def _shapes(self, k: float, ox: float, oy: float) -> tuple[list[list[QLineF]], list[QRectF]]:
        """The edges' segments and the boxes, mapped to the map (the figure's geometry never changes)."""
        if self._shape_key != (k, ox, oy):
            scene = self.view.flow_scene
            edges = []
            for edge in scene.edges:
                points = [QPointF(p.x() * k + ox, p.y() * k + oy) for p in edge.points]
                edges.append([QLineF(a, b) for a, b in itertools.pairwise(points)])
            rects = []
            for node_id in scene.nodes:
                r = scene.node_rect(node_id)
                rects.append(QRectF(r.left() * k + ox, r.top() * k + oy, r.width() * k, r.height() * k))
            self._shape_cache = (edges, rects)
            self._shape_key = (k, ox, oy)
        return self._shape_cache

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._go(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._go(event.position())
        event.accept()

    def _go(self, point: QPointF) -> None:
        self.view.set_mode("free")
        self.view.centerOn(self.to_scene(point))
        self.view._moved()
