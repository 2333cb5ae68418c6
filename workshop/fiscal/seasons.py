"""Seasons when business slows in a country (Golden Week, the Spring Festival, Ramadan, the
Christmas-New Year fortnight): from a data file per country that users can extend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml

from .calendars import DateRange
from .workdays import _table, base_name, recurring_ranges

BUILTIN_SEASONS = Path(__file__).with_name("seasons.yaml")


@dataclass(frozen=True)
class Season:
    """One occurrence of a season in one country."""

    name: str
    span: DateRange


@lru_cache(maxsize=1)
def _builtin() -> dict[str, list[dict[str, Any]]]:
    with open(BUILTIN_SEASONS, encoding="utf-8") as stream:
        return {str(country): list(items) for country, items in (yaml.safe_load(stream) or {}).items()}


def season_table(extra: Iterable[dict[str, list[dict[str, Any]]]] = ()) -> dict[str, list[dict[str, Any]]]:
    """The built-in seasons by country, with each of `extra` (parsed user files) replacing a country's list."""
    table = dict(_builtin())
    for more in extra:
        table.update(more)
    return table


def seasons(country: str | None, span: DateRange, table: dict[str, list[dict[str, Any]]] | None = None) -> list[Season]:
    """Every occurrence of `country`'s seasons that touches `span`, whole, in date order (the built-in
    seasons unless a `table` from `season_table` is given)."""
    if country is None:
        return []
    if table is None:
        return list(_builtin_seasons(country, span))
    return _seasons(table.get(country, []), country, span)


@lru_cache(maxsize=256)
def _builtin_seasons(country: str, span: DateRange) -> tuple[Season, ...]:
    return tuple(_seasons(_builtin().get(country, []), country, span))


def _seasons(entries: list[dict[str, Any]], country: str, span: DateRange) -> list[Season]:
    found: list[Season] = []
    for entry in entries:
        if "around" in entry:
            found += [Season(entry["name"], r) for r in _around(country, entry, span)]
        else:
            start, end = (tuple(map(int, str(entry[k]).split("-"))) for k in ("start", "end"))
            found += [Season(entry["name"], r) for r in recurring_ranges(start, end, span)]  # type: ignore[arg-type]
    return sorted(found, key=lambda s: (s.span.start, s.name))


def _around(country: str, entry: dict[str, Any], span: DateRange) -> list[DateRange]:
    """Occurrences of a season that moves with a holiday: the first day of each year whose name contains `around`."""
    years = range(span.start.year - 1, span.end.year + 2)
    anchor = str(entry["around"]).lower()
    firsts: dict[int, date] = {}
    for day, name in _table(country, None, years):
        if anchor in base_name(name).lower():
            firsts[day.year] = min(firsts.get(day.year, day), day)
    ranges = []
    for day in sorted(firsts.values()):
        occurrence = DateRange(day - timedelta(days=int(entry.get("before", 0))),
                               day + timedelta(days=int(entry.get("after", 0))))
        if occurrence.start <= occurrence.end and occurrence.overlaps(span):
            ranges.append(occurrence)
    return ranges
