"""Partial dates as ranges of days, elapsed time in days and months, three-valued comparisons.

A partial date (``YYYY``, ``YYYY-MM``) stands for every day it covers; a comparison is decided
only when it holds for all of them (contract case.md §3, TIME). Months are whole calendar months
plus the leftover days / 30.4375; years are months / 12.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

DAYS_PER_MONTH = 30.4375
#: the fewest days a month can have: durations given in months bound elapsed days from below
MIN_DAYS_PER_MONTH = 28
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PARTIAL_DATE_PATTERN = PARTIAL_DATE.pattern


@dataclass(frozen=True)
class DayRange:
    """The days a (partial) date may stand for, first and last inclusive."""

    first: date
    last: date
    text: str

    @property
    def exact(self) -> bool:
        return self.first == self.last

    @classmethod
    def day(cls, d: date) -> DayRange:
        return cls(d, d, d.isoformat())

    def between(self, other: DayRange) -> DayRange:
        """From the first day of ``self`` to the last day of ``other``."""
        return DayRange(self.first, max(self.first, other.last), f"{self.text}…{other.text}")

    def shifted(self, first_days: int, last_days: int) -> DayRange:
        first, last = self.first + timedelta(days=first_days), self.last + timedelta(days=last_days)
        return DayRange(first, max(first, last), f"{self.text}{first_days:+d}…{last_days:+d} days")

    def clipped(self, low: date | None, high: date | None) -> DayRange:
        first = max(self.first, low) if low else self.first
        last = min(self.last, high) if high else self.last
        if last < first:
            return self
        return DayRange(first, last, self.text)


def parse_partial_date(text: str) -> DayRange:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` → the days it covers; ValueError naming the form."""
    match = PARTIAL_DATE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY (ISO 8601)")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        if month is None:
            return DayRange(date(year, 1, 1), date(year, 12, 31), text)
        if day is None:
            return DayRange(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), text)
        return DayRange.day(date(year, month, day))
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date (YYYY-MM-DD, YYYY-MM or YYYY)") from None


def add_months(d: date, months: int) -> date:
    """``d`` plus whole calendar months, the day clamped to the month's length (31 Jan + 1 → 28/29 Feb)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def months_between(a: date, b: date) -> float:
    """Whole calendar months from ``a`` to ``b`` plus the leftover days / 30.4375 (negative if b < a)."""
    if b < a:
        return -months_between(b, a)
    whole = (b.year - a.year) * 12 + b.month - a.month
    while whole > 0 and add_months(a, whole) > b:
        whole -= 1
    return whole + (b - add_months(a, whole)).days / DAYS_PER_MONTH


@dataclass(frozen=True)
class Bounds:
    """A quantity known to lie in [lo, hi]; None = unbounded on that side."""

    lo: float | None
    hi: float | None

    @property
    def exact(self) -> bool:
        return self.lo is not None and self.lo == self.hi

    def raise_floor(self, floor: float | None) -> Bounds:
        if floor is None:
            return self
        return Bounds(floor if self.lo is None else max(self.lo, floor), self.hi)


UNKNOWN = Bounds(None, None)


def days_between(a: DayRange, b: DayRange) -> Bounds:
    """Days from ``a`` to ``b`` for every pair of days they cover."""
    return Bounds((b.first - a.last).days, (b.last - a.first).days)


def months_span(a: DayRange, b: DayRange) -> Bounds:
    """Months (calendar rule) from ``a`` to ``b`` for every pair of days they cover."""
    return Bounds(months_between(a.last, b.first), months_between(a.first, b.last))


def at_most(value: Bounds, limit: float) -> bool | None:
    """``value ≤ limit`` for every value it may take; None when that depends on the day."""
    if value.hi is not None and value.hi <= limit:
        return True
    if value.lo is not None and value.lo > limit:
        return False
    return None


def at_least(value: Bounds, limit: float) -> bool | None:
    """``value ≥ limit`` for every value it may take; None when that depends on the day."""
    if value.lo is not None and value.lo >= limit:
        return True
    if value.hi is not None and value.hi < limit:
        return False
    return None
