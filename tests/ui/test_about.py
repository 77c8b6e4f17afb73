"""About: versions, source and its caveat, active database, errata, intended use, privacy."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl

from app import __version__
from app.ui.screens.about import AboutScreen, _nav


@pytest.fixture
def about(qtbot, context):
    s = AboutScreen(context)
    qtbot.addWidget(s)
    return s


def test_about_shows_versions_source_database_and_use(about, guide):
    flat = " ".join(about.plain_text().split())
    meta = guide.repo.meta()
    info = guide.info()
    for expected in (
        f"Myeloma Pocket Guide {__version__}",
        f"Content version {meta.content_version}",
        f"Content date {meta.content_date.isoformat()}",
        f"Database schema version {meta.schema_version}",
        meta.citation,
        f"DOI: {meta.doi}",
        "corrected publication 2025",
        "The content of the correction notice is not known to this guide",
        meta.intended_use,
        meta.disclaimer,
        f"Origin {info['source']}",
        "Signer key ids",
        f"Integrity check {info['integrity']}",
        "No network, no patient data",
        "Licence and credits",
        "PySide6",
    ):
        assert " ".join(expected.split()) in flat, expected


def test_about_lists_every_erratum_and_links_to_it(qtbot, about, guide, context):
    text = about.plain_text()
    for erratum in guide.repo.errata():
        assert erratum.title in text
    with qtbot.waitSignal(context.navigate) as blocker:
        about.browser.anchorClicked.emit(QUrl(_nav("guideline", "erratum:box1-b2m-unit")))
    assert blocker.args == ["guideline", "erratum:box1-b2m-unit"]


def test_about_prints_and_ignores_outside_links(qtbot, about, context):
    assert about.document() is not None
    with qtbot.assertNotEmitted(context.navigate):
        about.browser.anchorClicked.emit(QUrl("https://doi.org/10.1038/s41571-025-01041-x"))
    assert about.browser.accessibleName()
