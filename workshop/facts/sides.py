"""One party as the compute stages see it: its fiscal calendar, when it pushes to close, when it
works (weekend, business holidays, blackouts), its seasons, and who is away when."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from ..fiscal import (
    DateRange,
    FiscalCalendar,
    Quarter,
    Season,
    WorkingDays,
    business_holidays,
    calendar_for,
    named_in,
    recurring_ranges,
    seasons,
    touching,
    weekend_days,
)
from ..i18n import current
from ..profiles import Profile

# Closing pressure carries past a quarter end for a few days (late bookings, the last signatures) and
# then fades: a quarter end one to three days after the other side's still meets its push.
CARRY_FULL_DAYS = 3
CARRY_FADE_DAYS = 11
# Roles whose absence puts a closing deal at risk, as words in the role ("account executive", "AE").
KEY_ROLE_WORDS = {"sales", "seller", "lead", "owner", "sponsor", "account", "ae", "am", "rep", "bdm", "channel"}
HOLIDAY_MARGIN = timedelta(days=400)  # a vendor year, the year before it and the planning before that


@dataclass(frozen=True)
class Away:
    """A person of one side away for a time."""

    person: str
    span: DateRange
    key: bool
    """A signatory, someone in a sales role, or the owner of a deal: their absence can stop a close."""


def is_key_role(role: str) -> bool:
    """Whether a role's words make it a closing role: sales lead, account executive, AE, sponsor, owner."""
    return bool(KEY_ROLE_WORDS & set(re.findall(r"[a-z]+", role.lower())))


@dataclass(frozen=True)
class Side:
    """One party: a calendar, when closing pressure peaks, when it cannot close, who is away."""

    name: str
    calendar: FiscalCalendar
    urgency_window_weeks: int = 2
    planning_month: int | None = None
    planning_timing: str = "nearest"
    role: Literal["vendor", "partner"] = "partner"
    country: str | None = None
    region: str | None = None
    """`DE-NW`: the country and subdivision whose holidays apply, as findings name it."""
    working: WorkingDays = field(default_factory=WorkingDays)
    seasons: tuple[Season, ...] = ()
    away: tuple[Away, ...] = ()
    blackout_specs: tuple[tuple[str, Any, Any], ...] = ()

    @classmethod
    def from_profile(cls, profile: Profile, role: Literal["vendor", "partner"], around: DateRange,
                     season_table: dict | None = None) -> Side:
        """The side a profile describes, with holidays, blackouts and seasons known around `around`."""
        window = DateRange(around.start - HOLIDAY_MARGIN, around.end + HOLIDAY_MARGIN)
        specs = tuple((b.name, b.start, b.end) for b in profile.blackouts)
        country = profile.country
        holidays = business_holidays(country, profile.subdivision, window, add=profile.holidays.add,
                                     remove=profile.holidays.remove) if country else []
        holidays = named_in(holidays, country, profile.subdivision, current().tag) if country else []  # as documents say them
        owners = {deal.owner for deal in profile.deals if deal.owner}
        away = tuple(
            Away(c.name, DateRange(a.start, a.end), c.signatory or is_key_role(c.role) or c.name in owners)
            for c in profile.contacts for a in c.away)
        return cls(
            name=profile.name,
            calendar=calendar_for(profile.fiscal_calendar),
            urgency_window_weeks=profile.urgency_window_weeks,
            planning_month=profile.planning.annual_planning_month,
            planning_timing=profile.planning.timing,
            role=role,
            country=country,
            region="-".join(filter(None, [country, profile.subdivision])) or None,
            working=WorkingDays(weekend_days(country), {h.day: h.name for h in holidays},
                                tuple(_blackouts(specs, window))),
            seasons=tuple(seasons(country, window, season_table)),
            away=away,
            blackout_specs=specs,
        )

    @property
    def holidays(self) -> dict[date, str]:
        """The business holidays known for this side, by day."""
        return self.working.holidays

    def blackout_ranges(self, span: DateRange) -> list[tuple[str, DateRange]]:
        """Blackouts that touch `span`, as named date ranges, whole (recurring ones expanded)."""
        return _blackouts(self.blackout_specs, span)

    def seasons_in(self, span: DateRange) -> list[Season]:
        return [s for s in self.seasons if s.span.overlaps(span)]

    def pressure(self, day: date) -> float:
        """How hard this side pushes to close on `day`, from 0 to 1: 1 in its urgency window and for a
        few days after a quarter end, fading after that, then rising again towards the next window."""
        quarter = self.calendar.quarter_of(day)
        window = quarter.urgency_window(self.urgency_window_weeks) or DateRange(quarter.end, quarter.end)
        if day in window:
            return 1.0
        ramp = (day - quarter.start).days / max(1, (window.start - quarter.start).days)
        since_end = (day - quarter.start).days + 1  # days since the previous quarter ended
        carry = 1.0 if since_end <= CARRY_FULL_DAYS else max(0.0, 1 - (since_end - CARRY_FULL_DAYS) / CARRY_FADE_DAYS)
        return round(max(ramp, carry), 3)

    def closing_window(self, day: date) -> tuple[Quarter, DateRange] | None:
        """The quarter and urgency window `day` falls in, if it falls in one."""
        quarter = self.calendar.quarter_of(day)
        window = quarter.urgency_window(self.urgency_window_weeks)
        return (quarter, window) if window is not None and day in window else None


def _blackouts(specs, span: DateRange) -> list[tuple[str, DateRange]]:
    found: list[tuple[str, DateRange]] = []
    for name, start, end in specs:
        if isinstance(start, date) and isinstance(end, date):
            ranges = touching([DateRange(start, end)], span)
        else:
            ranges = recurring_ranges(_month_day(start), _month_day(end), span)
        found.extend((name, r) for r in ranges)
    return sorted(found, key=lambda item: item[1])


def _month_day(text: object) -> tuple[int, int]:
    month, day = str(text).split("-")
    return int(month), int(day)


def possessive(name: str) -> str:
    """English possessive of a company name: Contoso's, Northwind Systems'."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


@dataclass(frozen=True)
class QuarterPair:
    """A vendor quarter end and the partner quarter end nearest to it."""

    vendor: Quarter
    partner: Quarter

    @property
    def offset_days(self) -> int:
        """Days from the vendor's quarter end to the partner's (negative: the partner closes first)."""
        return (self.partner.end - self.vendor.end).days


def pair_quarters(vendor: Side, partner: Side, year: int) -> list[QuarterPair]:
    """Pair each vendor quarter of fiscal `year` with the partner quarter whose end is nearest."""
    pairs = []
    for vq in vendor.calendar.year(year).quarters:
        around = DateRange(vq.end - timedelta(days=200), vq.end + timedelta(days=200))
        candidates = partner.calendar.quarters_overlapping(around)
        nearest = min(candidates, key=lambda pq: (abs((pq.end - vq.end).days), pq.end))
        pairs.append(QuarterPair(vq, nearest))
    return pairs


def planning_start(month: int | None, year_start: date, timing: str = "nearest") -> date | None:
    """The first day of the planning month that plans the fiscal year starting `year_start`: the
    occurrence nearest that start (`nearest`; the earlier one of two equally near), the last before
    it (`before-year`), or the first on or after it (`in-year`)."""
    if month is None:
        return None
    candidates = [date(year, month, 1) for year in range(year_start.year - 1, year_start.year + 2)]
    if timing == "before-year":
        return max(c for c in candidates if c < year_start)
    if timing == "in-year":
        return min(c for c in candidates if c >= year_start.replace(day=1))
    return min(candidates, key=lambda c: (abs((c - year_start).days), c))
