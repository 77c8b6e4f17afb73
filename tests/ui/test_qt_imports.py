"""The cheaper check in PySide6's import hook answers as the original did, without linecache."""

from __future__ import annotations

import linecache
import sys
import types

import pytest

import app.ui  # noqa: F401 - installs the check
from app.ui.qt_imports import _uses_pyside, speed_up_pyside_imports


def test_it_is_installed_in_pyside6s_hook():
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None:
        pytest.skip("this PySide6 has no import hook")
    assert speed_up_pyside_imports() is True
    assert feature._mod_uses_pyside is _uses_pyside


def test_same_answer_as_searching_the_source(tmp_path):
    uses = tmp_path / "uses.py"
    uses.write_text("from PySide6.QtCore import Qt\n", encoding="utf-8")
    plain = tmp_path / "plain.py"
    plain.write_text("x = 1\n", encoding="utf-8")
    for path, expected in ((uses, True), (plain, False)):
        module = types.ModuleType(path.stem)
        module.__file__ = str(path)
        assert _uses_pyside(module) is expected
    assert _uses_pyside(sys) is False  # built in: no source
    compiled = types.ModuleType("compiled")
    compiled.__file__ = str(tmp_path / "compiled.cpython-311-x86_64-linux-gnu.so")
    assert _uses_pyside(compiled) is False


def test_imports_after_pyside_leave_no_source_in_linecache(tmp_path, monkeypatch):
    module = tmp_path / "mmguide_probe_module.py"
    module.write_text("VALUE = 42\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    linecache.clearcache()
    import mmguide_probe_module  # noqa: F401

    assert str(module) not in linecache.cache
