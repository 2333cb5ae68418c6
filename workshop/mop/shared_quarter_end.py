"""A shared quarter-end: each MOP quarter ends on a date both sides' current quarters contain, so a
deal closed by it counts for both. A quarter end both sides already share is kept as it is."""

from __future__ import annotations

from datetime import date, timedelta

from ..facts import QuarterPair, Side, pair_quarters, possessive
from ..fiscal import DateRange
from .base import MopPeriod, NotOffered, Option, Pairing, Strategy, quarter_names

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _day(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


class SharedQuarterEnd(Strategy):
    name = "shared-quarter-end"
    simplicity = 0.7

    def build(self, pairing: Pairing) -> Option:
        vendor, partner, year = pairing.vendor, pairing.partner, pairing.year
        chosen = [shared_end(vendor, partner, pair) for pair in pair_quarters(vendor, partner, year)]
        first = shared_end(vendor, partner, pair_quarters(vendor, partner, year - 1)[-1])[0] + timedelta(days=1)
        periods, start = [], first
        for name, (end, note) in zip(quarter_names(4), chosen):
            periods.append(MopPeriod(name, start, end, note))
            start = end + timedelta(days=1)
        return self.option(
            "Shared quarter-end",
            periods,
            "A deal closed by a MOP quarter end counts in both sides' current quarter: each date lies inside "
            "both sides' quarters, on a day both sides work, or is the quarter end both already share.",
            [first],
        )


def shared_end(vendor: Side, partner: Side, pair: QuarterPair) -> tuple[date, str]:
    """The mutual quarter end for one pair of quarters, and the sentence that says why it is that date.

    The quarter end both sides already share is kept, whatever day it is (it is their book-close
    day). Otherwise the latest day inside both current quarters on which both sides work (not a
    weekend, business holiday or blackout of either); NotOffered if there is none.
    """
    if pair.vendor.end == pair.partner.end:
        return pair.vendor.end, f"{_day(pair.vendor.end)}: the quarter end both sides already share."
    both = pair.vendor.span.overlap(pair.partner.span)
    if both is None:
        raise NotOffered(f"no day lies inside both {possessive(vendor.name)} quarter ending {_day(pair.vendor.end)} "
                         f"and {possessive(partner.name)} quarter ending {_day(pair.partner.end)}")
    first, first_q, other, other_q = ((vendor, pair.vendor, partner, pair.partner) if pair.vendor.end < pair.partner.end
                                      else (partner, pair.partner, vendor, pair.vendor))
    day, first_seen = both.end, {}
    while day >= both.start:
        closed = [_reason(side, why) for side in (vendor, partner) if (why := side.working.closure(day))]
        if not closed:
            break
        first_seen.update((reason, day) for reason in closed)  # going back: the earliest day wins
        day -= timedelta(days=1)
    else:
        raise NotOffered(f"no day inside both {possessive(vendor.name)} {pair.vendor.label} and "
                         f"{possessive(partner.name)} {pair.partner.label} is a working day of both sides")
    if day == first_q.end:
        return day, (f"{_day(day)}: {possessive(first.name)} quarter end, inside {possessive(other.name)} "
                     f"{other_q.label} (which ends {_day(other_q.end)}).")
    reasons = sorted(first_seen, key=lambda r: (first_seen[r], r))
    named = [r for r in reasons if r != "the weekend"]
    shown = named[:4] + (["more"] if len(named) > 4 else []) + (["the weekend"] if "the weekend" in reasons else [])
    return day, (f"{_day(day)}: the last day before {possessive(first.name)} quarter end on {_day(first_q.end)} "
                 f"on which both sides work (after it: {', '.join(shown)}).")


def _reason(side: Side, why: str) -> str:
    """A closure as the note names it: the weekend, a holiday by name, a blackout with its side."""
    if why.startswith("a "):
        return "the weekend"
    if why in side.holidays.values():
        return why
    return f"{possessive(side.name)} {why}"
