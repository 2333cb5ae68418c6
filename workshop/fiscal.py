"""Fiscal calendars as date arithmetic: years, quarters, periods, urgency windows and date ranges."""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import PlanningError
from .profiles import FiscalCalendarSpec, MonthlyCalendarSpec

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


class FiscalCalendar:
    """Answers which fiscal year, quarter and period a day belongs to, and lays out any year."""

    def year(self, label: int) -> FiscalYear:  # pragma: no cover - abstract
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
    """Twelve calendar months from the 1st of `first_month`, named for the year they end (or start) in."""

    first_month: int = 1
    naming: str = "end"

    def _start_year(self, label: int) -> int:
        # With naming "end" a year that starts in January ends in the same calendar year.
        if self.naming == "start" or self.first_month == 1:
            return label
        return label - 1

    def year(self, label: int) -> FiscalYear:
        _check_label(label)
        start_year = self._start_year(label)
        months = [_add_months(start_year, self.first_month, i) for i in range(12)]
        periods = tuple(
            Period(label, i + 1, date(y, m, 1), _month_end(y, m)) for i, (y, m) in enumerate(months)
        )
        quarters = tuple(
            Quarter(label, q + 1, periods[3 * q].start, periods[3 * q + 2].end) for q in range(4)
        )
        return FiscalYear(label, periods[0].start, periods[-1].end, quarters, periods)

    def year_label_of(self, day: date) -> int:
        start_year = day.year if day.month >= self.first_month else day.year - 1
        if self.naming == "start" or self.first_month == 1:
            return start_year
        return start_year + 1


def calendar_for(spec: FiscalCalendarSpec) -> FiscalCalendar:
    """Build the calendar a profile's `fiscal_calendar` describes."""
    if isinstance(spec, MonthlyCalendarSpec):
        return MonthlyCalendar(spec.first_month, spec.naming)
    raise PlanningError(f"unsupported fiscal calendar type {spec.type!r}")  # pragma: no cover


def recurring_ranges(start: tuple[int, int], end: tuple[int, int], span: DateRange) -> list[DateRange]:
    """Every occurrence within `span` of a (month, day) to (month, day) range that recurs each year.

    A range whose end comes before its start in the year wraps the new year (12-20 to 01-06).
    29 February falls back to 28 February in common years.
    """

    def on(year: int, month_day: tuple[int, int]) -> date:
        month, day = month_day
        return date(year, month, min(day, _calendar.monthrange(year, month)[1]))

    wraps = end < start
    ranges = []
    for year in range(span.start.year - 1, span.end.year + 1):
        occurrence = DateRange(on(year, start), on(year + 1 if wraps else year, end))
        clipped = occurrence.overlap(span)
        if clipped:
            ranges.append(clipped)
    return ranges


def clip(ranges: list[DateRange], span: DateRange) -> list[DateRange]:
    """The parts of `ranges` that fall within `span`, in order."""
    return sorted(part for r in ranges if (part := r.overlap(span)) is not None)
