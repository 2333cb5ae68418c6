"""A shared quarter-end: each MOP quarter ends on a day inside both sides' current quarter."""

from __future__ import annotations

from datetime import date, timedelta

from ..errors import PlanningError
from ..facts import QuarterPair, Side, pair_quarters, possessive
from ..fiscal import DateRange
from .base import Option, Pairing, Strategy, periods_from_ends, quarter_names


class SharedQuarterEnd(Strategy):
    name = "shared-quarter-end"
    simplicity = 0.7

    def build(self, pairing: Pairing) -> Option:
        vendor, partner, year = pairing.vendor, pairing.partner, pairing.year
        this_year = pair_quarters(vendor, partner, year)
        last_year = pair_quarters(vendor, partner, year - 1)
        ends = [shared_commit_date(vendor, partner, pair) for pair in this_year]
        first = shared_commit_date(vendor, partner, last_year[-1]) + timedelta(days=1)
        return self.option(
            "Shared quarter-end",
            periods_from_ends(first, ends, quarter_names(4)),
            "Each MOP quarter ends on a working day outside both sides' blackouts that lies inside both "
            "sides' current quarter, so a deal closed by it counts for both; of those days it takes the "
            "one on which the side under less closing pressure is under the most.",
            [first],
        )


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
