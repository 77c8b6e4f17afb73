"""A theme change reaches every screen: no colour of the previous theme is left in any page
(high contrast: links were #0B4FB3 on black, ~2.8:1), and the contrast of what is left holds."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QApplication, QTextBrowser

from app.ui.main_window import MainWindow
from app.ui.settings import MemoryStore, Settings
from app.ui.theme import HIGH_CONTRAST, LIGHT, contrast_ratio

pytestmark = pytest.mark.usefixtures("fresh_main_windows")

PAGES = {"guideline": "rrmm2-len-refractory-other", "regimens": "DaraKd", "about": None, "help": None}


@pytest.fixture
def window(qtbot, guide):
    w = MainWindow(Settings(MemoryStore()))
    qtbot.addWidget(w)
    w.set_theme("light")
    w.show()
    qtbot.waitExposed(w)
    w.load_services(guide=guide)
    for screen_id, payload in PAGES.items():
        w.navigate(screen_id, payload)
    w.navigate("drug", "lenalidomide")
    return w


def browsers(window) -> list[QTextBrowser]:
    pages = [window.pages[s] for s in PAGES] + [window.drug_page]
    return [b for page in pages for b in page.findChildren(QTextBrowser)]


def colours_in(html: str) -> set[str]:
    return {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", html)}


def test_switching_to_high_contrast_leaves_no_light_link_or_box_colour(window):
    window.set_theme("high-contrast")
    QApplication.processEvents()
    light_only = {LIGHT.link, LIGHT.muted, LIGHT.erratum.bg, LIGHT.conflict.bg, LIGHT.quote.bg} - {
        HIGH_CONTRAST.link
    }
    for browser in browsers(window):
        html = browser.document().toHtml()
        found = colours_in(html) & {c.lower() for c in light_only}
        assert not found, (browser.accessibleName(), found)


def test_links_read_on_black_after_the_switch(window):
    window.set_theme("high-contrast")
    QApplication.processEvents()
    regimens = window.pages["regimens"].findChildren(QTextBrowser)
    html = " ".join(b.document().toHtml() for b in regimens)
    assert HIGH_CONTRAST.link in colours_in(html)  # drug links in cyan
    assert contrast_ratio(HIGH_CONTRAST.link, HIGH_CONTRAST.base) >= 7


def test_and_back_to_light(window):
    window.set_theme("high-contrast")
    window.set_theme("light")
    QApplication.processEvents()
    for browser in browsers(window):
        assert HIGH_CONTRAST.link not in colours_in(browser.document().toHtml()), browser.accessibleName()
