"""Fiscal time: calendars (years, quarters, periods, urgency windows), the working days of each side
(weekends per country, holidays that close businesses, blackouts) and seasons when business slows."""

from __future__ import annotations

from .calendars import (
    FIRST_YEAR,
    LAST_YEAR,
    PATTERN_WEEKS,
    DateRange,
    FiscalCalendar,
    FiscalYear,
    MonthlyCalendar,
    Period,
    Quarter,
    WeeklyCalendar,
    calendar_for,
    next_fiscal_year,
)
from .seasons import Season, season_table, seasons
from .workdays import (
    Holiday,
    WorkingDays,
    business_holidays,
    clip,
    named_in,
    public_holidays,
    recurring_ranges,
    touching,
    weekend_days,
)

__all__ = ["DateRange", "FIRST_YEAR", "FiscalCalendar", "FiscalYear", "Holiday", "LAST_YEAR", "MonthlyCalendar",
           "PATTERN_WEEKS", "Period", "Quarter", "Season", "WeeklyCalendar", "WorkingDays", "business_holidays",
           "calendar_for", "clip", "named_in", "next_fiscal_year", "public_holidays", "recurring_ranges", "season_table", "seasons",
           "touching", "weekend_days"]
