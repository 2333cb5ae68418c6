"""Fiscal calendars: monthly years, their quarters and periods, and how years tile time."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop.fiscal import DateRange, MonthlyCalendar, recurring_ranges


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@pytest.mark.parametrize("first_month", range(1, 13))
def test_monthly_quarter_ends_every_start_month(first_month):
    year = MonthlyCalendar(first_month).year(2027)
    # FY2027 is named for the year it ends in: it starts in 2026 unless it starts in January.
    start_year = 2027 if first_month == 1 else 2026
    assert year.start == date(start_year, first_month, 1)
    expected_ends = []
    for quarter in range(4):
        index = start_year * 12 + first_month - 1 + 3 * quarter + 2
        expected_ends.append(month_end(index // 12, index % 12 + 1))
    assert [q.end for q in year.quarters] == expected_ends
    assert year.end == expected_ends[-1]
    assert len(year.periods) == 12
    assert [q.number for q in year.quarters] == [1, 2, 3, 4]


@pytest.mark.parametrize("first_month", range(2, 13))
def test_monthly_naming_start_is_one_year_later_than_end(first_month):
    assert MonthlyCalendar(first_month, "start").year(2026) == _relabel(MonthlyCalendar(first_month, "end").year(2027), 2026)


def _relabel(year, label):
    from dataclasses import replace

    return replace(
        year, label=label,
        quarters=tuple(replace(q, fiscal_year=label) for q in year.quarters),
        periods=tuple(replace(p, fiscal_year=label) for p in year.periods),
    )


def test_monthly_known_years():
    # Microsoft-style July start: FY2027 is July 2026 to June 2027.
    msft = MonthlyCalendar(7).year(2027)
    assert (msft.start, msft.end) == (date(2026, 7, 1), date(2027, 6, 30))
    # Japan/India April start: FY2027 ends 31 March 2027.
    assert MonthlyCalendar(4).year(2027).quarters[3].end == date(2027, 3, 31)
    # US federal: FY2027 is 1 October 2026 to 30 September 2027.
    federal = MonthlyCalendar(10).year(2027)
    assert (federal.start, federal.end) == (date(2026, 10, 1), date(2027, 9, 30))
    # February start, leap year: Q4 FY2029 ends 31 January 2029, Q1 period 1 is February 2028 (29 days).
    feb = MonthlyCalendar(2).year(2029)
    assert feb.periods[0].end == date(2028, 2, 29)


@given(first_month=st.integers(1, 12), naming=st.sampled_from(["end", "start"]),
       day=st.dates(date(1990, 1, 1), date(2100, 12, 31)))
def test_monthly_every_day_in_exactly_one_year_quarter_period(first_month, naming, day):
    cal = MonthlyCalendar(first_month, naming)
    year = cal.year_of(day)
    assert year.start <= day <= year.end
    assert sum(day in q.span for q in year.quarters) == 1
    assert sum(p.start <= day <= p.end for p in year.periods) == 1
    assert cal.quarter_of(day).start <= day <= cal.quarter_of(day).end


@given(first_month=st.integers(1, 12), label=st.integers(1991, 2099))
def test_monthly_quarters_and_years_tile_time(first_month, label):
    cal = MonthlyCalendar(first_month)
    year = cal.year(label)
    assert year.quarters[0].start == year.start and year.quarters[-1].end == year.end
    for a, b in zip(year.quarters, year.quarters[1:]):
        assert b.start == a.end + timedelta(days=1)
    for a, b in zip(year.periods, year.periods[1:]):
        assert b.start == a.end + timedelta(days=1)
    assert cal.year(label + 1).start == year.end + timedelta(days=1)


def test_urgency_window_is_last_weeks_of_quarter():
    quarter = MonthlyCalendar(2).year(2028).quarters[0]
    assert quarter.urgency_window(2) == DateRange(date(2027, 4, 17), date(2027, 4, 30))
    assert quarter.urgency_window(0) is None


def test_recurring_range_wraps_new_year():
    span = DateRange(date(2027, 1, 1), date(2027, 12, 31))
    # Whole occurrences: a blackout is printed with its real dates, not cut at the edge of a year.
    assert recurring_ranges((12, 20), (1, 6), span) == [
        DateRange(date(2026, 12, 20), date(2027, 1, 6)),
        DateRange(date(2027, 12, 20), date(2028, 1, 6)),
    ]
    assert recurring_ranges((2, 29), (2, 29), span) == [DateRange(date(2027, 2, 28), date(2027, 2, 28))]
