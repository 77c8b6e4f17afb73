"""Answers with untested markers: try every completion of the untested yes/no markers.

Used by R-ISS, R2-ISS and the IMWG 2020 SMM score, where ``null`` means "not tested". The
answer is decided when every completion gives the same outcome; otherwise the calculator
reports the possible outcomes (best and worst case) and the untested markers on which the
answer depends, by name of the test that would settle it. A marker is relevant when flipping it
alone changes the outcome for some completion of the others (as in high_risk.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)

#: what to order to settle a marker
TEST_NAMES: dict[str, str] = {
    "del17p": "del(17p)",
    "t_4_14": "t(4;14)",
    "t_14_16": "t(14;16)",
    "gain_1q": "1q gain/amplification (1q+)",
    "fish_abnormality": "t(4;14), t(14;16), +1q and del(13q)",
}
FISH_MARKERS = frozenset(TEST_NAMES)
LDH_TEST = "serum LDH (against the local upper limit of normal)"


@dataclass(frozen=True)
class Exploration(Generic[T]):
    untested: tuple[str, ...]
    outcomes: tuple[T, ...]  # every outcome of a completion, in completion order, repeats kept
    relevant: tuple[str, ...]

    @property
    def decided(self) -> bool:
        return len(set(self.outcomes)) == 1


def explore(values: Mapping[str, bool | None], outcome: Callable[[Mapping[str, bool]], T]) -> Exploration[T]:
    """Outcome of every completion of the ``None`` values, and the relevant untested markers."""
    untested = tuple(k for k, v in values.items() if v is None)
    table: dict[tuple[bool, ...], T] = {}
    for combo in itertools.product((False, True), repeat=len(untested)):
        filled: dict[str, bool] = {k: bool(v) for k, v in values.items() if v is not None}
        filled.update(zip(untested, combo, strict=True))
        table[combo] = outcome(filled)
    relevant = tuple(
        name
        for pos, name in enumerate(untested)
        if any(table[c] != table[(*c[:pos], not c[pos], *c[pos + 1 :])] for c in table)
    )
    return Exploration(untested, tuple(table.values()), relevant)


def _join(items: list[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def or_join(items: list[str]) -> str:
    """ "I", "I or II", "I, II or III"."""
    return _join(items, "or")


def tests_needed(markers: tuple[str, ...] | list[str]) -> list[str]:
    """The tests that would settle ``markers``: one FISH line naming the abnormalities, LDH apart."""
    fish = [TEST_NAMES[m] for m in markers if m in FISH_MARKERS]
    out = [f"FISH for {_join(fish)}"] if fish else []
    if "ldh_above_uln" in markers:
        out.append(LDH_TEST)
    return out


def tests_text(markers: tuple[str, ...] | list[str]) -> str:
    tests = tests_needed(markers)
    return _join(tests) if tests else ""
