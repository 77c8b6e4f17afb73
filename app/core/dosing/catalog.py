"""The dosing content the calculators read (one source with the cards: ``bispecific-step-up``).

Inside :func:`using` (the services wrap every calculation in it) the active database's content
is used, so an installed update changes the cards and the calculator together. Outside it (a
calculator run without a database, e.g. by the tests), the content is read once from the
bundled ``resources/content/labels``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from app.core.dosing.files import read_dosing
from app.core.dosing.models import DosingContent

_ACTIVE: ContextVar[DosingContent | None] = ContextVar("dosing_content", default=None)


@functools.cache
def bundled() -> DosingContent:
    from app.paths import content_dir

    return DosingContent.model_validate(read_dosing(content_dir()))


def current() -> DosingContent:
    active = _ACTIVE.get()
    return active if active is not None and active.cards else bundled()


@contextmanager
def using(content: DosingContent | None) -> Iterator[None]:
    token = _ACTIVE.set(content)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
