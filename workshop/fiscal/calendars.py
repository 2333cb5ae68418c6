"""Fiscal calendars as date arithmetic: years, quarters, periods, urgency windows and date ranges."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, timedelta
from typing import Any

from ..errors import PlanningError
from ..profiles import WEEKDAYS, FiscalCalendarSpec, MonthlyCalendarSpec, WeeklyCalendarSpec

FIRST_YEAR, LAST_YEAR = 1900, 2200  # arithmetic range; the CLI accepts 1990-2100


@dataclass(frozen=True, order=True)
class DateRange:
    """An inclusive range of days."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlaps(self, other: DateRange) -> bool:
        return self.start <= other.end and other.start <= self.end

    def overlap(self, other: DateRange) -> DateRange | None:
        start, end = max(self.start, other.start), min(self.end, other.end)
        return DateRange(start, end) if start <= end else None


@dataclass(frozen=True)
class Quarter:
    """One fiscal quarter of one fiscal year."""

    fiscal_year: int
    number: int
    start: date
    end: date
    weeks: int | None = None

    @property
    def span(self) -> DateRange:
        return DateRange(self.start, self.end)

    @property
    def label(self) -> str:
        return f"Q{self.number} FY{self.fiscal_year}"

    def urgency_window(self, weeks: int) -> DateRange | None:
        """The last `weeks` weeks of the quarter, when closing pressure peaks (None for 0 weeks)."""
        if weeks <= 0:
            return None
        return DateRange(max(self.start, self.end - timedelta(days=7 * weeks - 1)), self.end)


@dataclass(frozen=True)
class Period:
    """One fiscal month (or four/five-week period) of one fiscal year."""

    fiscal_year: int
    number: int
    start: date
    end: date


@dataclass(frozen=True)
class FiscalYear:
    """One fiscal year: its span, its four quarters and its twelve (or thirteen) periods."""

    label: int
    start: date
    end: date
    quarters: tuple[Quarter, ...]
    periods: tuple[Period, ...]
    weeks: int | None = None

    @property
    def span(self) -> DateRange:
        return DateRange(self.start, self.end)

    def describe(self, name: str) -> str:
        """The year as a plain-text table: its span, then each quarter and period with its length."""
        def length(start: date, end: date) -> str:
            days = (end - start).days + 1
            return f"{days // 7} weeks" if self.weeks is not None else f"{days} days"

        lines = [f"{name}: FY{self.label}, {self.start} to {self.end}, {length(self.start, self.end)}", ""]
        for kind, parts in (("quarter", self.quarters), ("period", self.periods)):
            lines.append(f"  {kind:<8} {'start':<10}  {'end':<10}  length")
            lines += [f"  {kind[0].upper()}{part.number:<7} {part.start}  {part.end}  {length(part.start, part.end)}"
                      for part in parts]
            lines.append("")
        return "\n".join(lines[:-1])

    def to_dict(self) -> dict[str, Any]:
        """The year as plain JSON data: ISO dates, and `weeks` null for a monthly calendar."""
        return {
            "fiscal_year": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "weeks": self.weeks,
            "quarters": [
                {"quarter": q.number, "start": q.start.isoformat(), "end": q.end.isoformat(), "weeks": q.weeks}
                for q in self.quarters
            ],
            "periods": [
                {"period": p.number, "start": p.start.isoformat(), "end": p.end.isoformat()} for p in self.periods
            ],
        }


class FiscalCalendar:
    """Answers which fiscal year, quarter and period a day belongs to, and lays out any year."""

    def year(self, label: int) -> FiscalYear:
        """Fiscal year `label` laid out in quarters and periods (laid out once per calendar and label:
        placing 9,000 deals in both calendars asks for the same few years again and again)."""
        _check_label(label)
        return _laid_out(self, label)

    def lay_out(self, label: int) -> FiscalYear:  # pragma: no cover - abstract
        raise NotImplementedError

    def year_label_of(self, day: date) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def year_of(self, day: date) -> FiscalYear:
        return self.year(self.year_label_of(day))

    def quarter_of(self, day: date) -> Quarter:
        for quarter in self.year_of(day).quarters:
            if day in quarter.span:
                return quarter
        raise AssertionError(f"{day} is in no quarter")  # quarters tile the year

    def period_of(self, day: date) -> Period:
        for period in self.year_of(day).periods:
            if period.start <= day <= period.end:
                return period
        raise AssertionError(f"{day} is in no period")

    def quarters_overlapping(self, span: DateRange) -> list[Quarter]:
        """Every quarter that shares at least one day with `span`, in order."""
        quarters: list[Quarter] = []
        label = self.year_label_of(span.start)
        while True:
            year = self.year(label)
            if year.start > span.end:
                return quarters
            quarters.extend(q for q in year.quarters if q.span.overlaps(span))
            label += 1


@lru_cache(maxsize=512)
def _laid_out(calendar: FiscalCalendar, label: int) -> FiscalYear:
    # Calendars are frozen dataclasses (hashable, equal by their fields) and years are immutable.
    return calendar.lay_out(label)


def next_fiscal_year(calendar: FiscalCalendar, as_of: date) -> int:
    """The fiscal year after the one `as_of` falls in: the year planning sessions are held for."""
    return calendar.year_label_of(as_of) + 1


def _check_label(label: int) -> None:
    if not FIRST_YEAR <= label <= LAST_YEAR:
        raise PlanningError(f"fiscal year {label} is outside {FIRST_YEAR}-{LAST_YEAR}")


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class MonthlyCalendar(FiscalCalendar):
    """Twelve months from `first_day` of `first_month` (usually the 1st), named for the year they end (or start) in.

    A year that starts on another day than the 1st (6 April to 5 April) has periods from the 6th of
    one month to the 5th of the next, and its quarters end on the 5th.
    """

    first_month: int = 1
    naming: str = "end"
    first_day: int = 1

    def _start_year(self, label: int) -> int:
        # With naming "end" a year that starts on 1 January ends in the same calendar year.
        if self.naming == "start" or (self.first_month, self.first_day) == (1, 1):
            return label
        return label - 1

    def _month_start(self, year: int, month: int) -> date:
        return date(year, month, self.first_day)

    def lay_out(self, label: int) -> FiscalYear:
        start_year = self._start_year(label)
        months = [_add_months(start_year, self.first_month, i) for i in range(13)]
        starts = [self._month_start(y, m) for y, m in months]
        periods = tuple(Period(label, i + 1, starts[i], starts[i + 1] - timedelta(days=1)) for i in range(12))
        quarters = tuple(
            Quarter(label, q + 1, periods[3 * q].start, periods[3 * q + 2].end) for q in range(4)
        )
        return FiscalYear(label, periods[0].start, periods[-1].end, quarters, periods)

    def year_label_of(self, day: date) -> int:
        start_year = day.year if (day.month, day.day) >= (self.first_month, self.first_day) else day.year - 1
        if self.naming == "start" or (self.first_month, self.first_day) == (1, 1):
            return start_year
        return start_year + 1


# Weeks per period in each 13-week stretch; 13x4 has no stretches, just thirteen four-week periods.
PATTERN_WEEKS = {"4-4-5": (4, 4, 5), "4-5-4": (4, 5, 4), "5-4-4": (5, 4, 4), "13x4": (4,)}


@dataclass(frozen=True)
class WeeklyCalendar(FiscalCalendar):
    """52/53-week years that end on one weekday in or just after `year_end_month` (a "4-4-5 calendar").

    The year ends on the last `year_end_weekday` of the month (`last`) or on that weekday nearest
    the month's last day (`nearest`). Quarters are consecutive blocks of whole periods counted from
    the first day of the year; the 53rd week, when there is one, lengthens the last period of
    `extra_week_quarter`.
    """

    year_end_weekday: int = 5  # Monday is 0, as in date.weekday()
    year_end_month: int = 12
    year_end_rule: str = "last"
    pattern: str = "4-4-5"
    quarter_periods: tuple[int, ...] = (3, 3, 3, 3)
    extra_week_quarter: int = 4
    naming: str = "end"

    def __post_init__(self) -> None:
        weeks = PATTERN_WEEKS[self.pattern]
        periods = sum(self.quarter_periods)
        if len(self.quarter_periods) != 4 or periods != (13 if len(weeks) == 1 else 12):
            raise PlanningError(f"quarter_periods {list(self.quarter_periods)} do not fit pattern {self.pattern}")

    def year_end_in(self, end_year: int) -> date:
        """The last day of the fiscal year whose `year_end_month` falls in calendar year `end_year`."""
        month_end = _month_end(end_year, self.year_end_month)
        if self.year_end_rule == "last":
            return month_end - timedelta(days=(month_end.weekday() - self.year_end_weekday) % 7)
        ahead = (self.year_end_weekday - month_end.weekday()) % 7
        return month_end + timedelta(days=ahead if ahead <= 3 else ahead - 7)  # 7 is odd: never a tie

    def _end_year(self, label: int) -> int:
        # The nominal year is the twelve months up to `year_end_month`; with naming "start" it is named
        # for the year of its first month, which is the end year unless the year ends in December.
        if self.naming == "start" and self.year_end_month != 12:
            return label + 1
        return label

    def lay_out(self, label: int) -> FiscalYear:
        end_year = self._end_year(label)
        start = self.year_end_in(end_year - 1) + timedelta(days=1)
        end = self.year_end_in(end_year)
        weeks = ((end - start).days + 1) // 7
        period_weeks = [PATTERN_WEEKS[self.pattern][i % len(PATTERN_WEEKS[self.pattern])]
                        for i in range(sum(self.quarter_periods))]
        if weeks == 53:
            period_weeks[sum(self.quarter_periods[: self.extra_week_quarter]) - 1] += 1
        periods: list[Period] = []
        day = start
        for number, length in enumerate(period_weeks, start=1):
            periods.append(Period(label, number, day, day + timedelta(weeks=length, days=-1)))
            day += timedelta(weeks=length)
        quarters: list[Quarter] = []
        first = 0
        for number, count in enumerate(self.quarter_periods, start=1):
            quarters.append(Quarter(label, number, periods[first].start, periods[first + count - 1].end,
                                    sum(period_weeks[first:first + count])))
            first += count
        return FiscalYear(label, start, end, tuple(quarters), tuple(periods), weeks)

    def year_label_of(self, day: date) -> int:
        end_year = day.year
        while day > self.year_end_in(end_year):
            end_year += 1
        while day <= self.year_end_in(end_year - 1):
            end_year -= 1
        if self.naming == "start" and self.year_end_month != 12:
            return end_year - 1
        return end_year


def calendar_for(spec: FiscalCalendarSpec) -> FiscalCalendar:
    """Build the calendar a profile's `fiscal_calendar` describes."""
    if isinstance(spec, MonthlyCalendarSpec):
        return MonthlyCalendar(spec.first_month, spec.naming, spec.first_day)
    if isinstance(spec, WeeklyCalendarSpec):
        return WeeklyCalendar(
            year_end_weekday=WEEKDAYS.index(spec.year_end_weekday),
            year_end_month=spec.year_end_month,
            year_end_rule=spec.year_end_rule,
            pattern=spec.pattern,
            quarter_periods=spec.periods_per_quarter,
            extra_week_quarter=spec.extra_week_quarter,
            naming=spec.naming,
        )
    raise PlanningError(f"unsupported fiscal calendar type {spec.type!r}")  # pragma: no cover
