"""Facts about a vendor/partner pair for one vendor fiscal year: both sides' calendars, quarter-end
pairs, planning seasons, collisions in closing weeks, deals placed in both calendars, profile gaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict

from .fiscal import DateRange, FiscalCalendar, Quarter, calendar_for, clip, public_holidays, recurring_ranges
from .profiles import Profile


@dataclass(frozen=True)
class Side:
    """One party as the rules see it: a calendar, when closing pressure peaks, and when it cannot close."""

    name: str
    calendar: FiscalCalendar
    urgency_window_weeks: int
    planning_month: int | None
    blackouts: tuple[tuple[str, object, object], ...]
    holidays: frozenset[date] = frozenset()
    """Public holidays: no MOP period should end on one."""

    @classmethod
    def from_profile(cls, profile: Profile, holidays: Iterable[tuple[str, date]] = ()) -> Side:
        return cls(
            name=profile.name,
            calendar=calendar_for(profile.fiscal_calendar),
            urgency_window_weeks=profile.urgency_window_weeks,
            planning_month=profile.planning.annual_planning_month,
            blackouts=tuple((b.name, b.start, b.end) for b in profile.blackouts),
            holidays=frozenset(day for _, day in holidays),
        )

    def blackout_ranges(self, span: DateRange) -> list[tuple[str, DateRange]]:
        """Blackouts that touch `span`, as named date ranges (recurring ones expanded)."""
        found: list[tuple[str, DateRange]] = []
        for name, start, end in self.blackouts:
            if isinstance(start, date) and isinstance(end, date):
                ranges = clip([DateRange(start, end)], span)
            else:
                ranges = recurring_ranges(_month_day(start), _month_day(end), span)
            found.extend((name, r) for r in ranges)
        return sorted(found, key=lambda item: item[1])

    def pressure(self, day: date) -> float:
        """How hard this side pushes to close on `day`: 0 just after a quarter end, 1 in its urgency window."""
        quarter = self.calendar.quarter_of(day)
        window = quarter.urgency_window(self.urgency_window_weeks) or DateRange(quarter.end, quarter.end)
        if day in window:
            return 1.0
        return (day - quarter.start).days / max(1, (window.start - quarter.start).days)


def possessive(name: str) -> str:
    """English possessive of a company name: Contoso's, Northwind Systems'."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _month_day(text: object) -> tuple[int, int]:
    month, day = str(text).split("-")
    return int(month), int(day)


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


class _Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class QuarterFact(_Fact):
    """One fiscal quarter and its urgency window."""

    label: str
    """Quarter and fiscal year, e.g. `Q4 FY2027`."""
    fiscal_year: int
    number: int
    """1 to 4."""
    start: date
    end: date
    urgency_start: date | None
    """First day of the last `urgency_window_weeks` weeks (None when the side has no urgency window)."""


class SideFacts(_Fact):
    """One side's calendar as it bears on the year being planned."""

    name: str
    calendar: str
    """The fiscal calendar in words, e.g. `fiscal year starts 1 April`."""
    quarters: list[QuarterFact]
    """This side's quarters that overlap the vendor year being planned."""
    fiscal_years: list[str]
    """This side's fiscal years that overlap the vendor year being planned, e.g. `FY2027`."""
    urgency_window_weeks: int
    annual_planning_month: int | None
    plan_lock_month: int | None
    year_start_month: int
    """Calendar month in which this side's fiscal year starts."""


class PairFact(_Fact):
    """A vendor quarter end and the partner quarter end nearest to it."""

    vendor_quarter: str
    vendor_end: date
    partner_quarter: str
    partner_end: date
    offset_days: int
    """Days from the vendor's quarter end to the partner's; negative when the partner closes first."""


class CollisionFact(_Fact):
    """A holiday, blackout or absence inside one side's urgency window."""

    kind: Literal["holiday", "blackout", "absence"]
    owner: str
    """Whose it is: a company (blackout), a person (absence) or a country code such as `DE-NW` (holiday)."""
    name: str
    start: date
    end: date
    window_side: str
    """Whose urgency window it falls into."""
    window_quarter: str
    days: int
    """Days of overlap with the urgency window."""


class DealFact(_Fact):
    """A deal in the joint pipeline, placed in both calendars."""

    name: str
    amount: float
    currency: str
    expected_close: date
    vendor_quarter: str
    partner_quarter: str
    in_vendor_window: bool
    in_partner_window: bool
    contacts_away: list[str]
    """Partner contacts (sales lead, sponsor or signatory) away on the expected close date."""
    at_risk: bool
    """Closes in an urgency window while a key contact is away."""


class PlanningFacts(_Fact):
    """How the two planning seasons relate."""

    vendor_planning_start: date | None
    """First day of the vendor's annual planning month before the planned year (None when unknown)."""
    partner_months_into_year: int | None
    """Months the partner is into its own fiscal year when the vendor starts planning."""
    partner_year_at_vendor_planning: str | None
    """The partner fiscal year under way when the vendor starts planning, e.g. `FY2027`."""
    partner_plan_overlap_months: int | None
    """Months of the vendor's planned year that the partner's year under way (at vendor planning) still covers."""
    planning_gap_months: int | None
    """Months between the two annual planning months (0-6, ignoring direction)."""
    partner_plans_first_by_months: int | None
    """How many months (0-11) the partner's planning month comes before the vendor's."""


class Facts(_Fact):
    """Everything computed about the pair of calendars for the year being planned; rules read these."""

    vendor_year: str
    vendor_year_start: date
    vendor_year_end: date
    vendor: SideFacts
    partner: SideFacts
    quarter_pairs: list[PairFact]
    mean_offset_days: float
    """Mean of the absolute quarter-end offsets."""
    worst_offset_days: int
    """Largest absolute quarter-end offset."""
    aligned: bool
    """Every quarter end coincides."""
    partner_closes_first: bool
    """Every partner quarter end comes before the paired vendor quarter end."""
    same_year_start: bool
    """Both fiscal years start in the same month."""
    vendor_country: str | None
    partner_country: str | None
    planning: PlanningFacts
    collisions: list[CollisionFact]
    deals: list[DealFact]
    profile_gaps: list[str]
    """What the profiles do not say and the session should find out."""


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
KEY_ROLES = ("lead", "sponsor", "sales", "owner")


def _calendar_words(profile: Profile) -> str:
    spec = profile.fiscal_calendar
    if getattr(spec, "type", "monthly") == "monthly":
        return "calendar year" if spec.first_month == 1 else f"fiscal year starts 1 {MONTHS[spec.first_month - 1]}"
    return f"{spec.type} fiscal calendar"


def _side_facts(profile: Profile, side: Side, span: DateRange) -> SideFacts:
    quarters = []
    for q in side.calendar.quarters_overlapping(span):
        window = q.urgency_window(side.urgency_window_weeks)
        quarters.append(QuarterFact(label=q.label, fiscal_year=q.fiscal_year, number=q.number, start=q.start, end=q.end,
                                    urgency_start=window.start if window else None))
    return SideFacts(
        name=profile.name, calendar=_calendar_words(profile), quarters=quarters,
        fiscal_years=list(dict.fromkeys(q.label.split()[1] for q in quarters)),
        urgency_window_weeks=side.urgency_window_weeks,
        annual_planning_month=profile.planning.annual_planning_month,
        plan_lock_month=profile.planning.plan_lock_month,
        year_start_month=side.calendar.year_of(span.start).start.month,
    )


def _windows(side: Side, span: DateRange) -> list[tuple[Quarter, DateRange]]:
    found = []
    for q in side.calendar.quarters_overlapping(span):
        window = q.urgency_window(side.urgency_window_weeks)
        if window and window.overlaps(span):
            found.append((q, window))
    return found


def _collisions(vendor_profile: Profile, partner_profile: Profile, vendor: Side, partner: Side,
                span: DateRange, holidays: dict[str, list[tuple[str, date]]]) -> list[CollisionFact]:
    events: list[tuple[str, str, str, DateRange, bool]] = []  # kind, owner, name, range, is the vendor's
    for profile, side in ((vendor_profile, vendor), (partner_profile, partner)):
        mine = side is vendor
        region = "-".join(filter(None, [profile.country, profile.subdivision]))
        events += [("blackout", profile.name, name, r, mine) for name, r in side.blackout_ranges(span)]
        events += [("holiday", region, name, DateRange(day, day), mine) for name, day in holidays.get(profile.id, [])]
        for contact in profile.contacts:
            events += [("absence", contact.name, f"{contact.name} away", r, mine)
                       for r in clip([DateRange(a.start, a.end) for a in contact.away], span)]
    found = []
    for owner_side in (vendor, partner):
        for quarter, window in _windows(owner_side, span):
            for kind, owner, name, when, vendors in events:
                # The vendor's own public holidays matter in its own closing weeks only; everything
                # on the partner's side, and every blackout or absence, matters in both sides' weeks.
                if kind == "holiday" and vendors and owner_side is not vendor:
                    continue
                overlap = when.overlap(window)
                if overlap:
                    found.append(CollisionFact(kind=kind, owner=owner, name=name, start=when.start, end=when.end,
                                               window_side=owner_side.name, window_quarter=quarter.label,
                                               days=overlap.days))
    return sorted(found, key=lambda c: (c.start, c.window_side, c.kind, c.name))


def _deals(partner_profile: Profile, vendor: Side, partner: Side) -> list[DealFact]:
    deals = []
    key_people = [c for c in partner_profile.contacts
                  if c.signatory or any(word in c.role.lower() for word in KEY_ROLES)]
    for deal in sorted(partner_profile.deals, key=lambda d: (d.expected_close, d.name)):
        day = deal.expected_close
        vq, pq = vendor.calendar.quarter_of(day), partner.calendar.quarter_of(day)
        in_vendor = day in (vq.urgency_window(vendor.urgency_window_weeks) or DateRange(vq.end, vq.end))
        in_partner = day in (pq.urgency_window(partner.urgency_window_weeks) or DateRange(pq.end, pq.end))
        away = [c.name for c in key_people if any(a.start <= day <= a.end for a in c.away)]
        deals.append(DealFact(
            name=deal.name, amount=deal.amount, currency=deal.currency, expected_close=day,
            vendor_quarter=vq.label, partner_quarter=pq.label, in_vendor_window=in_vendor,
            in_partner_window=in_partner, contacts_away=away, at_risk=bool(away) and (in_vendor or in_partner),
        ))
    return deals


def _planning(vendor_profile: Profile, partner_profile: Profile, partner: Side, vendor_year_start: date) -> PlanningFacts:
    vendor_month = vendor_profile.planning.annual_planning_month
    partner_month = partner_profile.planning.annual_planning_month
    start = None
    into = year_label = overlap = None
    if vendor_month:
        year = vendor_year_start.year if vendor_month < vendor_year_start.month else vendor_year_start.year - 1
        start = date(year, vendor_month, 1)
        partner_year = partner.calendar.year_of(start)
        into = (start.year - partner_year.start.year) * 12 + start.month - partner_year.start.month
        year_label = f"FY{partner_year.label}"
        overlap = max(0, (partner_year.end.year - vendor_year_start.year) * 12
                      + partner_year.end.month - vendor_year_start.month + 1)
    gap = first_by = None
    if vendor_month and partner_month:
        first_by = (vendor_month - partner_month) % 12
        gap = min(first_by, 12 - first_by)
    return PlanningFacts(vendor_planning_start=start, partner_months_into_year=into,
                         partner_year_at_vendor_planning=year_label, partner_plan_overlap_months=overlap,
                         planning_gap_months=gap,
                         partner_plans_first_by_months=first_by)


def _profile_gaps(vendor_profile: Profile, partner_profile: Profile) -> list[str]:
    gaps = []
    if partner_profile.planning.annual_planning_month is None:
        gaps.append("partner_planning_month")
    if partner_profile.planning.plan_lock_month is None:
        gaps.append("partner_plan_lock")
    if not any(c.signatory for c in partner_profile.contacts):
        gaps.append("partner_signatory")
    if not any(c.signatory for c in vendor_profile.contacts):
        gaps.append("vendor_signatory")
    if not partner_profile.contacts:
        gaps.append("partner_contacts")
    if not partner_profile.deals:
        gaps.append("partner_deals")
    if not partner_profile.blackouts:
        gaps.append("partner_blackouts")
    if partner_profile.country is None:
        gaps.append("partner_country")
    return gaps


def compute_facts(vendor_profile: Profile, partner_profile: Profile, year: int,
                  holidays: dict[str, list[tuple[str, date]]] | None = None) -> Facts:
    """Every fact the rules and documents use, for the vendor's fiscal `year`.

    `holidays` maps a profile id to its public holidays as (name, day) pairs; the caller supplies
    them so this layer stays free of lookups.
    """
    vendor, partner = Side.from_profile(vendor_profile), Side.from_profile(partner_profile)
    vendor_year = vendor.calendar.year(year)
    span = vendor_year.span
    pairs = pair_quarters(vendor, partner, year)
    offsets = [abs(p.offset_days) for p in pairs]
    return Facts(
        vendor_year=f"FY{year}",
        vendor_year_start=vendor_year.start,
        vendor_year_end=vendor_year.end,
        vendor=_side_facts(vendor_profile, vendor, span),
        partner=_side_facts(partner_profile, partner, span),
        quarter_pairs=[PairFact(vendor_quarter=p.vendor.label, vendor_end=p.vendor.end,
                                partner_quarter=p.partner.label, partner_end=p.partner.end,
                                offset_days=p.offset_days) for p in pairs],
        mean_offset_days=round(sum(offsets) / len(offsets), 1),
        worst_offset_days=max(offsets),
        aligned=max(offsets) == 0,
        partner_closes_first=all(p.offset_days < 0 for p in pairs),
        same_year_start=vendor_year.start.month == partner.calendar.year_of(vendor_year.start).start.month
        and vendor_year.start.day == partner.calendar.year_of(vendor_year.start).start.day,
        vendor_country=vendor_profile.country,
        partner_country=partner_profile.country,
        planning=_planning(vendor_profile, partner_profile, partner, vendor_year.start),
        collisions=_collisions(vendor_profile, partner_profile, vendor, partner, span, holidays or {}),
        deals=_deals(partner_profile, vendor, partner),
        profile_gaps=_profile_gaps(vendor_profile, partner_profile),
    )




@lru_cache(maxsize=256)
def _holidays(country: str, subdivision: str | None, span: DateRange) -> tuple[tuple[str, date], ...]:
    return tuple(public_holidays(country, subdivision, span))


def holidays_for(profiles: list[Profile], span: DateRange) -> dict[str, list[tuple[str, date]]]:
    """Public holidays of each profile's country (and subdivision) around `span`, keyed by profile id."""
    wide = DateRange(span.start - timedelta(days=100), span.end + timedelta(days=100))
    return {p.id: list(_holidays(p.country, p.subdivision, wide)) for p in profiles if p.country}
