"""Figs. 1–3: a box or regimen with the hospital's local notes carries a visible ⌂ mark (with words for
screen readers) in the diagram and the steps; the notes themselves stay in the detail (issue 13, H7 item 4)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from tests.local_display import installed_layer  # noqa: F401  (fixture)
from tests.ui.test_local_notes_ui import FIG2_C, local_context  # noqa: F401  (fixture)

BOX_C = "r-c-len-cd38-ref"


def _fig2(qtbot, ctx):
    from tests.ui.windows import shown_flowchart_screen

    screen = shown_flowchart_screen(qtbot, ctx, "fig2", size=(1366, 768))
    screen.set_facts(FIG2_C)
    return screen


def _image(item) -> QImage:
    rect = item.boundingRect()
    image = QImage(int(rect.width()) + 1, int(rect.height()) + 1, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.translate(-rect.left(), -rect.top())
    item.paint(painter, None, None)
    painter.end()
    return image


def test_the_box_and_regimens_with_notes_are_marked_in_the_diagram(qtbot, local_context):  # noqa: F811
    screen = _fig2(qtbot, local_context)
    scene = screen.scene
    assert scene.nodes[BOX_C].local
    assert "This box has local notes" in scene.nodes[BOX_C].toolTip()
    assert not any(node.local for nid, node in scene.nodes.items() if nid != BOX_C)
    belapd = scene.entry(BOX_C, "BelaPd")
    assert belapd.local and "has local notes" in belapd.accessible_text
    assert "⌂ Local notes of this hospital" in belapd.toolTip()
    selvd = scene.entry(BOX_C, "SelVd")
    assert not selvd.local and selvd.accessible_text.count("its box has local notes") == 1
    # a note on the regimen itself (DaraRd) marks it wherever the figure lists it
    dara = [e for e in scene.entries.values() if e.regimen == "DaraRd"]
    assert all(e.local for e in dara)


def test_the_mark_is_drawn(qtbot, local_context):  # noqa: F811
    screen = _fig2(qtbot, local_context)
    node, entry = screen.scene.nodes[BOX_C], screen.scene.entry(BOX_C, "BelaPd")
    marked_node, marked_entry = _image(node), _image(entry)
    node.set_local(False)
    entry.set_local(False, False)
    assert _image(node) != marked_node
    assert _image(entry) != marked_entry
    assert "has local notes" not in entry.accessible_text


def test_the_steps_mark_the_box_and_regimen_cards(qtbot, local_context):  # noqa: F811
    screen = _fig2(qtbot, local_context)
    steps = screen.steps
    screen.tabs.setCurrentWidget(steps)
    cards = steps.cards()
    box = next(c for c in cards if c.kind == "box" and c.node == BOX_C)
    belapd = next(c for c in cards if c.kind == "rec" and c.node == BOX_C and c.title == "BelaPd")
    selvd = next(c for c in cards if c.kind == "rec" and c.node == BOX_C and c.title == "SelVd")
    model = steps.model()
    said = {c.title: model.data(model.index(cards.index(c)), Qt.ItemDataRole.AccessibleTextRole)
            for c in (box, belapd, selvd)}
    assert said[box.title].endswith("This box has local notes of this hospital.")
    assert said["BelaPd"].endswith("This regimen has local notes of this hospital.")
    assert "local notes" not in said["SelVd"]
    font = steps.font()
    for card, marked in ((box, True), (belapd, True), (selvd, False)):
        ops, _height = steps.delegate.layout(card, 600, font)
        local = [op for op in ops if op.kind == "local"]
        assert bool(local) is marked and all(op.text.startswith("⌂ LOCAL") for op in local)
    # the notes themselves stay in the detail, not on the cards
    screen.set_facts({"lenalidomide_status": "refractory"})  # an open question: box C only possible
    summary = next(c for c in steps.cards() if c.kind == "summary" and c.node == BOX_C)
    assert [op.kind for op in steps.delegate.layout(summary, 600, font)[0]].count("local") == 1
    assert not any("Belantamab: eye review" in " ".join(c.lines) for c in cards)


def test_without_a_layer_nothing_is_marked(qtbot, context):
    from tests.ui.windows import shown_flowchart_screen

    screen = shown_flowchart_screen(qtbot, context, "fig2", size=(1366, 768))
    screen.set_facts(FIG2_C)
    assert not any(n.local for n in screen.scene.nodes.values())
    assert not any(e.local or e.box_local for e in screen.scene.entries.values())
    assert not screen.steps.model().marks.nodes
