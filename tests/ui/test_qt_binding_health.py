"""Guard against the PySide6 6.12.0 reference leak on Python < 3.12 (PYSIDE-3474).

That build drops a reference to None on every void Qt call, and the interpreter aborts with
"none_dealloc" after a few thousand calls — minutes of normal use. pyproject.toml excludes it;
this test fails loudly if an environment still has a leaking binding.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_qt_calls_do_not_leak_none(qapp):
    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        obj.setObjectName("probe")
    assert sys.getrefcount(None) >= before - 50


def test_signal_emit_does_not_leak_booleans(qapp):
    emitter = _Emitter()
    seen = []
    emitter.fired.connect(seen.append)
    before = sys.getrefcount(True)
    for _ in range(2000):
        emitter.fired.emit(True)
    seen.clear()
    assert sys.getrefcount(True) >= before - 50
