"""Partial dates as day ranges, the calendar-month rule and three-valued comparisons (case.md §3, TIME)."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.case.dates import (
    Bounds,
    DayRange,
    add_months,
    at_least,
    at_most,
    days_between,
    months_between,
    months_span,
    parse_partial_date,
)


def test_partial_dates_cover_every_day_of_their_month_or_year():
    assert parse_partial_date("2024") == DayRange(date(2024, 1, 1), date(2024, 12, 31), "2024")
    feb = parse_partial_date("2024-02")
    assert (feb.first, feb.last) == (date(2024, 2, 1), date(2024, 2, 29))
    day = parse_partial_date("2024-02-29")
    assert day.exact and day.first == date(2024, 2, 29)


@pytest.mark.parametrize("text", ["2024-2-01", "24-02-01", "2024/02/01", "2023-02-29", "2024-13", "01-02-2024", ""])
def test_malformed_or_impossible_dates_are_refused_naming_the_accepted_forms(text):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_partial_date(text)


def test_months_are_whole_calendar_months_plus_leftover_days_over_30_4375():
    assert months_between(date(2022, 3, 15), date(2025, 3, 15)) == 36
    assert months_between(date(2022, 3, 15), date(2025, 3, 14)) == pytest.approx(35 + 27 / 30.4375)
    assert months_between(date(2022, 3, 15), date(2025, 3, 16)) == pytest.approx(36 + 1 / 30.4375)
    assert months_between(date(2025, 3, 15), date(2022, 3, 15)) == -36


def test_month_ends_are_clamped():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert months_between(date(2024, 1, 31), date(2024, 2, 29)) == 1
    assert months_between(date(2024, 1, 31), date(2024, 3, 1)) == pytest.approx(1 + 1 / 30.4375)


def test_days_between_partial_dates_span_every_pair_of_days():
    assert days_between(parse_partial_date("2025-01-10"), parse_partial_date("2025-03")) == Bounds(50, 80)
    span = months_span(parse_partial_date("2019-05"), parse_partial_date("2022-06"))
    assert span.lo == pytest.approx(months_between(date(2019, 5, 31), date(2022, 6, 1)))
    assert span.hi == pytest.approx(months_between(date(2019, 5, 1), date(2022, 6, 30)))


def test_comparisons_are_decided_only_when_they_hold_for_every_day():
    assert at_most(Bounds(0, 60), 60) is True
    assert at_most(Bounds(61, 61), 60) is False
    assert at_most(Bounds(50, 80), 60) is None
    assert at_most(Bounds(None, None), 60) is None
    assert at_least(Bounds(36, 40), 36) is True
    assert at_least(Bounds(30, 35.99), 36) is False
    assert at_least(Bounds(35, 37), 36) is None
    assert at_least(Bounds(37, None), 36) is True
