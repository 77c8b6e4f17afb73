"""A read-only viewer for the documents shipped with the guide (Markdown, text, JSON).

Links inside a document open other documents of the same folders only; nothing outside the
guide's own documents and licence texts is ever opened.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget


class DocumentViewer(QDialog):
    def __init__(self, roots: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roots = [r.resolve() for r in roots if r is not None]
        self.path: Path | None = None
        self.setWindowTitle("Document")
        self.setAccessibleName("Document viewer")
        self.resize(900, 720)
        layout = QVBoxLayout(self)
        self.where = QLabel(self)
        self.where.setWordWrap(True)
        self.where.setAccessibleName("Document file")
        layout.addWidget(self.where)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("documentText")
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Document text")
        self.browser.anchorClicked.connect(self._follow)
        layout.addWidget(self.browser, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        close = QPushButton("Close", self)
        close.setDefault(True)
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)

    def allowed(self, path: Path) -> bool:
        resolved = path.resolve()
        return resolved.is_file() and any(resolved.is_relative_to(root) for root in self.roots)

    def load(self, path: Path) -> bool:
        if not self.allowed(path):
            self.where.setText(f"Not available in this installation: {path.name}")
            return False
        self.path = path.resolve()
        text = self.path.read_text(encoding="utf-8", errors="replace")
        suffix = self.path.suffix.lower()
        if suffix == ".md":
            self.browser.setMarkdown(text)
        elif suffix == ".json":
            with contextlib.suppress(ValueError):
                text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
            self.browser.setPlainText(text)
        else:
            self.browser.setPlainText(text)
        self.setWindowTitle(f"{self.path.name} — Document")
        self.where.setText(str(self.path))
        return True

    def _follow(self, url: QUrl) -> None:
        if url.scheme() or self.path is None:
            return  # external links are never opened
        target = (self.path.parent / url.path()).resolve()
        if target.is_dir() and (target / "README.md").is_file():
            target = target / "README.md"
        self.load(target)
