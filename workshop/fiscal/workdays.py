"""Working days of one side: its country's weekend, the public holidays on which businesses there
close (each once, on the weekday it is observed), and its blackouts; and recurring date ranges."""

from __future__ import annotations

import calendar as _calendar
import logging
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import holidays as _holidays
import yaml

from .calendars import DateRange

log = logging.getLogger(__name__)

# Holiday names in English where the `holidays` package has them, so documents read the same everywhere.
HOLIDAY_LANGUAGE = "en_US"
DEFAULT_WEEKEND = frozenset({5, 6})  # Saturday and Sunday
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_QUALIFIERS = re.compile(r"\s*\((observed|estimated)\)", re.IGNORECASE)


@dataclass(frozen=True)
class Holiday:
    """A day on which businesses in a country close."""

    day: date
    name: str


@lru_cache(maxsize=1)
def _business_rules() -> dict:
    with open(Path(__file__).with_name("business_days.yaml"), encoding="utf-8") as stream:
        return yaml.safe_load(stream) or {}


def weekend_days(country: str | None) -> frozenset[int]:
    """The weekdays (Monday is 0) that are the weekend in `country`: Friday and Saturday in Saudi Arabia."""
    if country is None:
        return DEFAULT_WEEKEND
    return frozenset(_holidays.country_holidays(country).weekend) or DEFAULT_WEEKEND


def base_name(name: str) -> str:
    """A holiday's name without "(observed)" or "(estimated)"."""
    return _QUALIFIERS.sub("", name).strip()


def _table(country: str, subdivision: str | None, years: range, categories: tuple[str, ...] = ("public",)):
    # The holidays package warns (e.g. "India: only from 2001 to 2035") where it knows only some
    # holidays of a year; that is a note for the log, not a warning for the user's terminal.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = _holidays.country_holidays(country, subdiv=subdivision, years=years, categories=categories)
        if HOLIDAY_LANGUAGE in table.supported_languages:
            table = _holidays.country_holidays(country, subdiv=subdivision, years=years, categories=categories,
                                               language=HOLIDAY_LANGUAGE)
        entries = [(day, name.strip()) for day, names in table.items() for name in names.split(";")]
    for note in {str(w.message) for w in caught}:
        log.info("public holidays of %s in %d-%d may be incomplete: %s", country, years[0], years[-1], note)
    return entries


def public_holidays(country: str, subdivision: str | None, span: DateRange) -> list[tuple[str, date]]:
    """Public holidays of a country (and subdivision) within `span`, as (name, day), sorted by day then
    name, as the `holidays` package lists them (including those on which businesses work)."""
    years = range(span.start.year, span.end.year + 1)
    found = {(name, day) for day, name in _table(country, subdivision, years) if day in span}
    return sorted(found, key=lambda item: (item[1], item[0]))


def business_holidays(country: str, subdivision: str | None, span: DateRange, *, add: Iterable[str] = (),
                      remove: Iterable[str] = ()) -> list[Holiday]:
    """The days in `span` on which businesses in a country (and subdivision) close for a public holiday.

    Each day once (two holidays on one day share it), on the day it is observed, and never on the
    country's weekend (a holiday on a Saturday costs no working day; its observed Friday does).
    National holidays close businesses; a subdivision's own holidays do where they close businesses
    there (German states, Australian states), not where they are state-government holidays (US
    states). `add` names holidays to count anyway (state or optional ones, by name), `remove`
    holidays to ignore.
    """
    return list(_business_holidays(country, subdivision, span, tuple(add), tuple(remove)))


# The `holidays` package's name for each language documents are written in.
HOLIDAY_NAME_LANGUAGES = {"de": "de", "fr": "fr", "es": "es", "ja": "ja", "zh-Hans": "zh_CN"}


def named_in(holidays: list[Holiday], country: str, subdivision: str | None, language: str) -> list[Holiday]:
    """The same holidays with their names in a document language (`de`, `ja`, ...), where the `holidays`
    package names that country's holidays in it (Germany's in German, Japan's in Japanese); else as they are."""
    code = HOLIDAY_NAME_LANGUAGES.get(language)
    if code is None or not holidays:
        return holidays
    names = _names_in(country, subdivision, tuple(sorted({h.day.year for h in holidays})), code)
    return [Holiday(h.day, "; ".join(names.get((h.day, part), part) for part in h.name.split("; ")))
            for h in holidays]


@lru_cache(maxsize=64)
def _names_in(country: str, subdivision: str | None, years: tuple[int, ...], code: str) -> dict[tuple[date, str], str]:
    """{(day, English name): name in `code`} for the holidays of the country the package names in `code`: those
    alone on their day in a category (where two share a day, their order cannot tell which name is which)."""
    names = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # incomplete years are noted in the log when the holidays are counted
        if code not in _holidays.country_holidays(country).supported_languages:
            return {}
        for category in _holidays.country_holidays(country).supported_categories:
            def table(language):
                return _holidays.country_holidays(country, subdiv=subdivision, years=years, categories=(category,),
                                                  language=language)
            english = table(HOLIDAY_LANGUAGE if HOLIDAY_LANGUAGE in _holidays.country_holidays(country).supported_languages
                            else None)
            local = table(code)
            for day in english:
                ours, theirs = english.get_list(day), local.get_list(day)
                if len(ours) == len(theirs) == 1:
                    names.setdefault((day, ours[0].strip()), theirs[0].strip())
    return names


@lru_cache(maxsize=256)
def _business_holidays(country: str, subdivision: str | None, span: DateRange, add: tuple[str, ...],
                       remove: tuple[str, ...]) -> tuple[Holiday, ...]:
    rules = _business_rules().get(country, {})
    years = range(span.start.year, span.end.year + 1)
    national = _table(country, None, years)
    entries = national
    if subdivision is not None and rules.get("subdivision_holidays_close", True):
        entries = _table(country, subdivision, years)
    working = {name.lower() for name in rules.get("businesses_work", [])}
    wanted = {name.lower() for name in add}
    unwanted = {name.lower() for name in remove}
    if wanted:  # holidays of the subdivision and of every category, picked by name
        categories = tuple(_holidays.country_holidays(country).supported_categories)
        extra = _table(country, subdivision, years, categories)
        entries = entries + [(day, name) for day, name in extra if base_name(name).lower() in wanted]
    weekend = weekend_days(country)
    by_day: dict[date, list[str]] = {}
    for day, name in entries:
        base = base_name(name).lower()
        if day not in span or day.weekday() in weekend:
            continue
        if base in unwanted or (base in working and base not in wanted):
            continue
        names = by_day.setdefault(day, [])
        if name not in names:
            names.append(name)
    return tuple(Holiday(day, "; ".join(sorted(names))) for day, names in sorted(by_day.items()))


@dataclass(frozen=True)
class WorkingDays:
    """When one side works: not on its weekend, its business holidays or in its blackouts."""

    weekend: frozenset[int] = DEFAULT_WEEKEND
    holidays: dict[date, str] = field(default_factory=dict)
    blackouts: tuple[tuple[str, DateRange], ...] = ()

    def closure(self, day: date) -> str | None:
        """Why `day` is not a working day (the weekend, a holiday's or blackout's name), or None."""
        if day.weekday() in self.weekend:
            return f"a {WEEKDAY_NAMES[day.weekday()]}"
        if day in self.holidays:
            return self.holidays[day]
        for name, span in self.blackouts:
            if day in span:
                return name
        return None

    def is_working_day(self, day: date) -> bool:
        return self.closure(day) is None

    def on_or_before(self, day: date, *, also: Iterable[DateRange] = ()) -> date:
        """The last working day on or before `day`, outside the ranges in `also` (absences) too."""
        also = list(also)
        while not self.is_working_day(day) or any(day in span for span in also):
            day -= timedelta(days=1)
        return day

    def working_days_before(self, day: date, count: int) -> date:
        """The working day `count` working days before `day` (1: the last working day before it)."""
        while count:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_after(self, day: date, count: int) -> date:
        """The working day `count` working days after `day` (1: the next working day)."""
        while count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def count(self, span: DateRange) -> int:
        """Working days in `span`."""
        return sum(self.is_working_day(span.start + timedelta(days=i)) for i in range(span.days))


def recurring_ranges(start: tuple[int, int], end: tuple[int, int], span: DateRange) -> list[DateRange]:
    """Every occurrence of a (month, day) to (month, day) range that recurs each year and touches `span`,
    whole (not cut at the edges of `span`).

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
        if occurrence.overlaps(span):
            ranges.append(occurrence)
    return ranges


def clip(ranges: list[DateRange], span: DateRange) -> list[DateRange]:
    """The parts of `ranges` that fall within `span`, in order."""
    return sorted(part for r in ranges if (part := r.overlap(span)) is not None)


def touching(ranges: Iterable[DateRange], span: DateRange) -> list[DateRange]:
    """The ranges that share at least one day with `span`, whole and in order."""
    return sorted(r for r in ranges if r.overlaps(span))
