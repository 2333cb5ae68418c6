"""Facts about a vendor/partner pair, the MOP options with their scores, and the recommendation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import mean

from .fiscal import DateRange, FiscalCalendar, Quarter, calendar_for, clip, recurring_ranges
from .profiles import Profile

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

    @classmethod
    def from_profile(cls, profile: Profile) -> Side:
        return cls(
            name=profile.name,
            calendar=calendar_for(profile.fiscal_calendar),
            urgency_window_weeks=profile.urgency_window_weeks,
            planning_month=profile.planning.annual_planning_month,
            blackouts=tuple((b.name, b.start, b.end) for b in profile.blackouts),
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
    both). Among them, prefer a working day outside every blackout, then the day on which the side
    under less pressure is under the most, then the later day.
    """
    both = pair.vendor.span.overlap(pair.partner.span)
    assert both is not None, "paired quarters always overlap"
    window = DateRange(both.start - timedelta(days=366), both.end + timedelta(days=366))
    closed = [r for _, r in vendor.blackout_ranges(window) + partner.blackout_ranges(window)]

    def merit(day: date) -> tuple[bool, float, date]:
        workable = day.weekday() < 5 and not any(day in r for r in closed)
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
            "collisions": round(1 - sum(any(r.overlaps(b) for b in closed) for r in run_ups) / len(run_ups), 3),
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
