"""A shared quarter-end: each MOP quarter ends on a date both sides' current quarters contain, so a
deal closed by it counts for both. A quarter end both sides already share is kept as it is."""

from __future__ import annotations

from datetime import date, timedelta

from ..facts import QuarterPair, Side, pair_quarters
from ..fiscal import DateRange
from ..i18n import _, fill, join, long_date, quarter
from .base import MopPeriod, NotOffered, Option, Pairing, Strategy, quarter_names


def _day(day: date) -> str:
    return long_date(day)


def _names(vendor: Side, partner: Side) -> dict[str, str]:
    return {"vendor": vendor.name, "partner": partner.name}


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
            _("Shared quarter-end"),
            periods,
            _("A deal closed by a MOP quarter end counts in both sides' current quarter: each date lies inside "
              "both sides' quarters, on a day both sides work, or is the quarter end both already share."),
            [first],
        )


def shared_end(vendor: Side, partner: Side, pair: QuarterPair) -> tuple[date, str]:
    """The mutual quarter end for one pair of quarters, and the sentence that says why it is that date.

    The quarter end both sides already share is kept, whatever day it is (it is their book-close
    day). Otherwise the latest day inside both current quarters on which both sides work (not a
    weekend, business holiday or blackout of either); NotOffered if there is none.
    """
    names = _names(vendor, partner)
    if pair.vendor.end == pair.partner.end:
        return pair.vendor.end, _("%(day)s: the quarter end both sides already share.") % {"day": _day(pair.vendor.end)}
    both = pair.vendor.span.overlap(pair.partner.span)
    if both is None:
        raise NotOffered(fill(_("no day lies inside both %(vendor)s's quarter ending %(vendor_end)s and %(partner)s's "
                                "quarter ending %(partner_end)s"),
                              {**names, "vendor_end": _day(pair.vendor.end), "partner_end": _day(pair.partner.end)}))
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
        raise NotOffered(fill(_("no day inside both %(vendor)s's %(vendor_quarter)s and %(partner)s's "
                                "%(partner_quarter)s is a working day of both sides"),
                              {**names, "vendor_quarter": quarter(pair.vendor.number, pair.vendor.fiscal_year),
                               "partner_quarter": quarter(pair.partner.number, pair.partner.fiscal_year)}))
    if day == first_q.end:
        return day, fill(_("%(day)s: %(first)s's quarter end, inside %(other)s's %(quarter)s (which ends %(end)s)."),
                         {"first": first.name, "other": other.name, "day": _day(day),
                          "quarter": quarter(other_q.number, other_q.fiscal_year), "end": _day(other_q.end)})
    weekend = _("the weekend")
    reasons = sorted(first_seen, key=lambda r: (first_seen[r], r))
    named = [r for r in reasons if r != weekend]
    shown = named[:4] + ([_("more")] if len(named) > 4 else []) + ([weekend] if weekend in reasons else [])
    return day, fill(_("%(day)s: the last day before %(first)s's quarter end on %(end)s on which both sides work "
                       "(after it: %(reasons)s)."), {"first": first.name, "day": _day(day), "end": _day(first_q.end),
                                                    "reasons": join(shown)})


def _reason(side: Side, why: str) -> str:
    """A closure as the note names it: the weekend, a holiday by name, a blackout with its side."""
    if why.startswith("a "):
        return _("the weekend")
    if why in side.holidays.values():
        return why
    return fill(_("%(company)s's %(closure)s"), {"company": side.name, "closure": why})
