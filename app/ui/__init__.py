"""The PySide6 desktop front end: thin widgets over the services."""

from app.ui.qt_imports import speed_up_pyside_imports

speed_up_pyside_imports()
