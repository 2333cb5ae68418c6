"""Facts about a vendor/partner pair, the MOP options with their scores, and the recommendation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import mean

from pathlib import Path
from typing import Annotated, Iterable, Literal

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field

from .errors import PlanningError, ProfileError, RuleError
from .formatting import jinja_filters
from .fiscal import DateRange, FiscalCalendar, Quarter, calendar_for, clip, recurring_ranges
from .profiles import Profile, load_model

# Strategies from simplest to most demanding to run; a tie in score goes to the earlier one.
STRATEGIES = ("align-vendor", "align-partner", "shared-quarter-end", "dual-mop")

# How much each strategy asks of both teams to operate (1 = nothing new to track).
SIMPLICITY = {"align-vendor": 1.0, "align-partner": 0.9, "shared-quarter-end": 0.7, "dual-mop": 0.5}

DEFAULT_WEIGHTS = {"urgency_overlap": 0.4, "planning_alignment": 0.25, "collisions": 0.2, "complexity": 0.15}

FACTOR_NAMES = {
    "urgency_overlap": "urgency overlap",
    "planning_alignment": "planning alignment",
    "collisions": "holiday and blackout collisions",
    "complexity": "operational simplicity",
}

TIE_MARGIN = 0.5  # score points (of 100) within which two options count as tied


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


@dataclass(frozen=True)
class MopPeriod:
    name: str
    start: date
    end: date


@dataclass
class Option:
    """One way to run the Mutual Operating Period, with its dated periods and its score."""

    strategy: str
    title: str
    periods: list[MopPeriod]
    rationale: str
    kickoffs: list[date]
    factors: dict[str, float] = field(default_factory=dict)
    score: float = 0.0


def _periods_from_ends(first_start: date, ends: list[date], names: list[str]) -> list[MopPeriod]:
    periods, start = [], first_start
    for name, end in zip(names, ends):
        periods.append(MopPeriod(name, start, end))
        start = end + timedelta(days=1)
    return periods


def _quarter_names(count: int) -> list[str]:
    return [f"MOP Q{i + 1}" for i in range(count)]


def shared_commit_date(vendor: Side, partner: Side, pair: QuarterPair) -> date:
    """The best mutual quarter-end for one pair of quarters.

    Candidates are the days inside both sides' current quarters (a deal closed by then counts for
    both). Among them, prefer a working day (no weekend, public holiday or blackout of either
    side), then the day on which the side
    under less pressure is under the most, then the later day.
    """
    both = pair.vendor.span.overlap(pair.partner.span)
    if both is None:
        # Quarter ends are paired by distance, so this takes quarters of very different lengths
        # (e.g. a weekly calendar with quarter_periods [1, 1, 1, 10]); no day counts for both.
        raise PlanningError(
            f"no shared quarter-end: {possessive(vendor.name)} quarter ending {pair.vendor.end} and "
            f"{possessive(partner.name)} quarter ending {pair.partner.end} do not overlap; check the "
            f"quarter lengths (quarter_periods) of a weekly calendar")
    window = DateRange(both.start - timedelta(days=366), both.end + timedelta(days=366))
    closed = [r for _, r in vendor.blackout_ranges(window) + partner.blackout_ranges(window)]

    def merit(day: date) -> tuple[bool, float, date]:
        workable = (day.weekday() < 5 and day not in vendor.holidays and day not in partner.holidays
                    and not any(day in r for r in closed))
        return (workable, round(min(vendor.pressure(day), partner.pressure(day)), 2), day)

    days = [both.start + timedelta(days=i) for i in range(both.days)]
    return max(days, key=merit)


def mop_options(vendor: Side, partner: Side, year: int) -> list[Option]:
    """All four MOP strategies for the vendor's fiscal `year`, each with dated periods."""
    vendor_year = vendor.calendar.year(year)
    partner_year = max(
        (partner.calendar.year(label) for label in range(year - 2, year + 3)),
        key=lambda py: ((py.span.overlap(vendor_year.span) or DateRange(py.start, py.start)).days
                        if py.span.overlaps(vendor_year.span) else 0, -py.start.toordinal()),
    )
    options = [
        Option(
            "align-vendor",
            f"Align to {possessive(vendor.name)} fiscal quarters",
            [MopPeriod(f"MOP Q{q.number}", q.start, q.end) for q in vendor_year.quarters],
            f"Both sides run the partnership on {possessive(vendor.name)} FY{year} quarters.",
            [vendor_year.start],
        ),
        Option(
            "align-partner",
            f"Align to {possessive(partner.name)} fiscal quarters",
            [MopPeriod(f"MOP Q{q.number}", q.start, q.end) for q in partner_year.quarters],
            f"Both sides run the partnership on {possessive(partner.name)} FY{partner_year.label} quarters.",
            [partner_year.start],
        ),
    ]

    this_year = pair_quarters(vendor, partner, year)
    last_year = pair_quarters(vendor, partner, year - 1)
    ends = [shared_commit_date(vendor, partner, pair) for pair in this_year]
    first = shared_commit_date(vendor, partner, last_year[-1]) + timedelta(days=1)
    options.append(
        Option(
            "shared-quarter-end",
            "Shared quarter-end",
            _periods_from_ends(first, ends, _quarter_names(4)),
            "Each MOP quarter ends on a working day outside both sides' blackouts that lies inside both "
            "sides' current quarter, so a deal closed by it counts for both; of those days it takes the "
            "one on which the side under less closing pressure is under the most.",
            [first],
        )
    )

    # Two operating periods: one kicked off with the vendor's new fiscal year, one with the partner's.
    partner_start = partner.calendar.year_of(vendor_year.start + timedelta(days=1)).end + timedelta(days=1)
    if not (vendor_year.start + timedelta(days=60) <= partner_start <= vendor_year.end - timedelta(days=60)):
        partner_start = vendor_year.periods[6].start  # the years start together: split at half-year
    options.append(
        Option(
            "dual-mop",
            "Two MOPs a year",
            [
                MopPeriod(f"MOP A ({vendor.name} plan)", vendor_year.start, partner_start - timedelta(days=1)),
                MopPeriod(f"MOP B ({partner.name} plan)", partner_start, vendor_year.end),
            ],
            "Two operating periods, each kicked off by a joint plan when one side's annual planning happens.",
            [vendor_year.start, partner_start],
        )
    )
    return options


def _month_distance(a: date, b: date) -> float:
    """Distance between two days of the year in months, ignoring the year (0-6)."""
    days = abs((a.replace(year=2001) if not (a.month == 2 and a.day == 29) else date(2001, 2, 28))
               - (b.replace(year=2001) if not (b.month == 2 and b.day == 29) else date(2001, 2, 28))).days
    return min(days, 365 - days) / 30.44


def score_options(options: list[Option], vendor: Side, partner: Side, year: int,
                  weights: dict[str, float] | None = None) -> None:
    """Fill in each option's factors (0-1, higher is better) and its weighted score (0-100)."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    total_weight = sum(weights.values()) or 1.0
    vendor_start = vendor.calendar.year(year).start
    partner_start = partner.calendar.year_of(vendor_start).start
    for option in options:
        ends = [p.end for p in option.periods]
        span = DateRange(option.periods[0].start - timedelta(days=31), option.periods[-1].end)
        closed = [r for _, r in vendor.blackout_ranges(span) + partner.blackout_ranges(span)]
        run_ups = [DateRange(end - timedelta(days=13), end) for end in ends]
        served = [
            max(max(0.0, 1 - _month_distance(side_start, k) / 6) for k in option.kickoffs)
            for side_start in (vendor_start, partner_start)
        ]
        option.factors = {
            "urgency_overlap": round(mean(min(vendor.pressure(d), partner.pressure(d)) for d in ends), 3),
            "planning_alignment": round(mean(served), 3),
            "collisions": round(1 - sum(
                any(r.overlaps(b) for b in closed) or r.end in vendor.holidays or r.end in partner.holidays
                for r in run_ups) / len(run_ups), 3),
            "complexity": SIMPLICITY[option.strategy],
        }
        option.score = round(100 * sum(weights[k] * v for k, v in option.factors.items()) / total_weight, 1)


def recommend(options: list[Option], weights: dict[str, float] | None = None) -> tuple[Option, str]:
    """The best-scoring option (ties to the simpler one) and a sentence naming the decisive factors."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    order = {s: i for i, s in enumerate(STRATEGIES)}
    best_score = max(o.score for o in options)
    contenders = [o for o in options if best_score - o.score <= TIE_MARGIN]
    best = min(contenders, key=lambda o: order[o.strategy])
    others = sorted((o for o in options if o is not best), key=lambda o: -o.score)
    runner_up = others[0]
    gains = {k: weights[k] * (best.factors[k] - runner_up.factors[k]) for k in best.factors}
    decisive = [FACTOR_NAMES[k] for k, gain in sorted(gains.items(), key=lambda kv: -kv[1]) if gain > 0.001][:2]
    if best.score - runner_up.score <= TIE_MARGIN:
        reason = (f"{best.title} scores {best.score:.1f} of 100, level with “{runner_up.title}”; "
                  f"the simpler option wins the tie.")
    else:
        because = " and ".join(decisive) or "overall balance"
        reason = (f"{best.title} scores {best.score:.1f} of 100, ahead of “{runner_up.title}” "
                  f"({runner_up.score:.1f}) on {because}.")
    return best, reason


# --- facts ---------------------------------------------------------------------------------------

class _Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class QuarterFact(_Fact):
    """One fiscal quarter and its urgency window."""

    label: str
    """Quarter and fiscal year, e.g. `Q4 FY2027`."""
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
        quarters.append(QuarterFact(label=q.label, start=q.start, end=q.end,
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


# --- rule packs ----------------------------------------------------------------------------------

SEVERITIES = ("high", "medium", "low", "info")


class Section(_Fact):
    """One agenda section: rules file their questions under it."""

    id: str
    title: str
    owner: Literal["vendor", "partner", "both"]
    """Which side leads the section."""
    weight: float = 1.0
    """Relative share of the session time before questions are counted."""
    fixed_minutes: int | None = None
    """Minutes this section always gets (opening and close), whatever the questions."""


SECTIONS = [
    Section(id="opening", title="Welcome and objectives", owner="vendor", fixed_minutes=10),
    Section(id="their-year", title="Your fiscal year and planning cycle", owner="partner"),
    Section(id="calendar", title="Quarter ends and closing pressure", owner="both"),
    Section(id="planning", title="Annual planning alignment", owner="both"),
    Section(id="availability", title="Holidays, blackouts and availability", owner="partner"),
    Section(id="pipeline", title="Joint pipeline", owner="both"),
    Section(id="mop", title="Choosing our Mutual Operating Period", owner="both"),
    Section(id="close", title="Commitments and next steps", owner="both", fixed_minutes=10),
]
SECTION_IDS = tuple(s.id for s in SECTIONS)


class Rule(_Fact):
    """One rule of a rule pack: when its condition holds, it adds a finding and questions."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    """Unique id, e.g. `offset-one-month`."""
    when: str
    """Condition over the facts, a Jinja2 expression evaluated in a sandbox, e.g. `facts.worst_offset_days >= 25`."""
    each: str | None = None
    """Optional expression giving a list; the rule then fires once per item, available as `item`."""
    severity: Literal["high", "medium", "low", "info"]
    """How much the finding matters to the session."""
    section: Literal[SECTION_IDS]  # type: ignore[valid-type]
    """Agenda section the questions belong to."""
    finding: str
    """Text of the finding (a Jinja2 template over the facts)."""
    questions: list[str] = []
    """Questions to ask in the session (Jinja2 templates)."""


class RulePack(_Fact):
    """A YAML file of rules."""

    rules: list[Rule]
    """The rules, evaluated in order."""
    description: str = ""
    """What the pack is about."""


class Finding(_Fact):
    """Something the session should know, from one rule."""

    rule: str
    severity: Literal["high", "medium", "low", "info"]
    section: str
    text: str


class Question(_Fact):
    """A question to ask in the session, filed under an agenda section."""

    rule: str
    section: str
    text: str


class AgendaItem(_Fact):
    """One timed section of the session."""

    section: str
    """Section id."""
    title: str
    owner: Literal["vendor", "partner", "both"]
    minutes: int
    start_minute: int
    """Minutes from the start of the session."""
    questions: list[str]


@dataclass(frozen=True)
class LoadedPack:
    path: Path
    pack: RulePack


def builtin_rule_dir() -> Path:
    """The rule packs that ship with workshop."""
    return Path(__file__).resolve().parent / "rulepacks"


def rule_pack_files(locations: Iterable[Path]) -> list[Path]:
    """Rule pack files from files and folders (a folder's *.yaml / *.yml, sorted)."""
    files: list[Path] = []
    for location in locations:
        if location.is_dir():
            files.extend(sorted(p for p in location.iterdir() if p.suffix.lower() in (".yaml", ".yml")))
        elif location.is_file():
            files.append(location)
        else:
            raise RuleError(f"{location}: no such rule pack file or folder")
    return files


def _rule_environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    env.filters.update(jinja_filters())  # dates, months and money in the vendor's locale
    env.filters["plural"] = lambda n, word: f"{n} {word}" + ("" if n == 1 else "s")
    return env


RULE_ENV = _rule_environment()


def load_rule_packs(locations: Iterable[Path] = ()) -> list[LoadedPack]:
    """The built-in packs plus those at `locations`; every rule is compiled so errors show up now.

    A bad pack raises RuleError naming the file, the rule id and the problem.
    """
    packs: list[LoadedPack] = []
    seen: dict[str, Path] = {}
    for path in rule_pack_files([builtin_rule_dir(), *locations]):
        try:
            pack = load_model(path, RulePack, what="a rule pack (rules: [...])")
        except ProfileError as exc:
            raise RuleError(str(exc)) from None
        for rule in pack.rules:
            if rule.id in seen:
                raise RuleError(f"{path}: rule {rule.id}: id already used in {seen[rule.id]}")
            seen[rule.id] = path
            for label, source in [("when", rule.when), ("each", rule.each)]:
                if source is not None:
                    try:
                        RULE_ENV.compile_expression(source)
                    except TemplateSyntaxError as exc:
                        raise RuleError(f"{path}: rule {rule.id}: {label}: {exc.message}") from None
            for label, source in [("finding", rule.finding), *[(f"questions[{i}]", q) for i, q in enumerate(rule.questions)]]:
                try:
                    RULE_ENV.from_string(source)
                except TemplateSyntaxError as exc:
                    raise RuleError(f"{path}: rule {rule.id}: {label}: {exc.message}") from None
        packs.append(LoadedPack(path, pack))
    return packs


def apply_rules(packs: list[LoadedPack], context: dict) -> tuple[list[Finding], list[Question]]:
    """Evaluate every rule against the facts; findings by severity, questions in rule order."""
    findings: list[Finding] = []
    questions: list[Question] = []
    for loaded in packs:
        for rule in loaded.pack.rules:
            part = "when"  # which part of the rule is being evaluated, for the error message
            try:
                if not RULE_ENV.compile_expression(rule.when, undefined_to_none=False)(**context):
                    continue
                part = "each"
                items = list(RULE_ENV.compile_expression(rule.each, undefined_to_none=False)(**context)) if rule.each else [None]
                for item in items:
                    scope = {**context, "item": item}
                    part = "finding"
                    text = _squash(RULE_ENV.from_string(rule.finding).render(scope))
                    findings.append(Finding(rule=rule.id, severity=rule.severity, section=rule.section, text=text))
                    for index, source in enumerate(rule.questions):
                        part = f"questions[{index}]"
                        questions.append(Question(rule=rule.id, section=rule.section,
                                                  text=_squash(RULE_ENV.from_string(source).render(scope))))
            except SecurityError as exc:
                # A pack reached for Python internals; name the file and rule so the pack can be distrusted.
                raise RuleError(f"{loaded.path}: rule {rule.id}: {part}: blocked by the sandbox "
                                f"(SecurityError): {exc}") from None
            except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, KeyError) as exc:
                raise RuleError(f"{loaded.path}: rule {rule.id}: {type(exc).__name__}: {exc}") from None
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: order[f.severity])  # stable: rule order within a severity
    return findings, questions


def _squash(text: str) -> str:
    return " ".join(text.split())


def build_agenda(questions: list[Question], minutes: int) -> list[AgendaItem]:
    """Share the session's minutes among the sections that have questions, in agenda order.

    Opening and close get their fixed time; the rest is shared in proportion to each section's
    questions (at least 10 minutes each), in 5-minute steps that add up to the whole session.
    """
    by_section = {s.id: [q.text for q in questions if q.section == s.id] for s in SECTIONS}
    used = [s for s in SECTIONS if s.fixed_minutes or by_section[s.id]]
    if not any(by_section[s.id] for s in used if not s.fixed_minutes):
        used = [s for s in SECTIONS if s.fixed_minutes or s.id == "mop"]
    fixed = sum(s.fixed_minutes or 0 for s in used)
    flexible = [s for s in used if not s.fixed_minutes]
    available = max(0, minutes - fixed)
    weights = {s.id: 1 + len(by_section[s.id]) for s in flexible}
    total = sum(weights.values()) or 1
    shares = {sid: max(10, 5 * round(available * w / total / 5)) for sid, w in weights.items()}
    # Make the shares add up exactly, taking from or giving to the biggest sections first.
    difference = available - sum(shares.values())
    for sid in sorted(shares, key=lambda k: (-shares[k], SECTION_IDS.index(k))) * 20:
        if difference == 0:
            break
        step = 5 if difference > 0 else -5
        if abs(difference) < 5:
            step = difference
        if shares[sid] + step >= 5:
            shares[sid] += step
            difference -= step
    agenda, clock = [], 0
    for section in used:
        length = section.fixed_minutes or shares[section.id]
        agenda.append(AgendaItem(section=section.id, title=section.title, owner=section.owner, minutes=length,
                                 start_minute=clock, questions=by_section[section.id]))
        clock += length
    return agenda


# --- commitments -----------------------------------------------------------------------------------

class Commitment(_Fact):
    """Something one side (or both) undertakes in the agreement memo."""

    party: Literal["vendor", "partner", "both"]
    text: str


def _working_days_before(day: date, count: int, closed: frozenset[date]) -> date:
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            count -= 1
    return day


def draft_commitments(facts: Facts, period_ends: list[date], vendor: Side, partner: Side) -> list[Commitment]:
    """The commitments a MOP agreement usually carries, dated from the proposed periods."""
    closed = vendor.holidays | partner.holidays
    forecast_days = [_working_days_before(end, 5, closed) for end in period_ends]
    dates = ", ".join(f"{d.day} {MONTHS[d.month - 1][:3]}" for d in forecast_days)
    commitments = [
        Commitment(party="partner", text=f"Share a committed forecast for each MOP period five working days before "
                                         f"it ends ({dates})."),
        Commitment(party="vendor", text="Decide deal registrations and special pricing for committed deals within "
                                        "two working days, and before the MOP period ends."),
        Commitment(party="both", text="Review the joint pipeline together in the last two weeks of every MOP period "
                                      "and agree the next period's top deals."),
    ]
    # Worded for the memo, which names the parties once ("the Vendor", "the Partner").
    if facts.vendor.annual_planning_month:
        commitments.append(Commitment(
            party="vendor", text=f"Invite the Partner to its annual planning in "
                                 f"{MONTHS[facts.vendor.annual_planning_month - 1]}."))
    if facts.partner.annual_planning_month:
        commitments.append(Commitment(
            party="partner", text=f"Invite the Vendor to its annual planning in "
                                  f"{MONTHS[facts.partner.annual_planning_month - 1]}."))
    return commitments
