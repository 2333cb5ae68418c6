"""Two MOPs a year: MOP A kicked off by the vendor's plan at the start of its fiscal year, MOP B by the
partner's at the start of its own; each keeps quarterly commit points."""

from __future__ import annotations

from datetime import timedelta

from ..facts import possessive
from ..fiscal import DateRange
from .base import Half, NotOffered, Option, Pairing, Strategy, quarterly_within

MIN_APART_DAYS = 80  # fiscal years starting closer than about three months apart gain nothing from two MOPs


class DualMop(Strategy):
    name = "dual-mop"
    simplicity = 0.5

    def build(self, pairing: Pairing) -> Option:
        vendor, partner, vendor_year = pairing.vendor, pairing.partner, pairing.vendor_year
        partner_year = partner.calendar.year_of(vendor_year.start + timedelta(days=1))
        if partner_year.start <= vendor_year.start:
            partner_year = partner.calendar.year(partner_year.label + 1)
        apart = (partner_year.start - vendor_year.start).days
        if min(apart, 365 - apart) < MIN_APART_DAYS:
            raise NotOffered(f"{possessive(vendor.name)} and {possessive(partner.name)} fiscal years start "
                             f"{min(apart, 365 - apart)} days apart, too close for two MOPs a year to serve both "
                             f"planning cycles")
        a = DateRange(vendor_year.start, partner_year.start - timedelta(days=1))
        b = DateRange(partner_year.start, vendor_year.end)
        periods = (quarterly_within(a, list(vendor_year.quarters), "MOP A")
                   + quarterly_within(b, partner.calendar.quarters_overlapping(b), "MOP B"))
        halves = [Half("MOP A", a.start, a.end, f"{possessive(vendor.name)} FY{pairing.year} plan"),
                  Half("MOP B", b.start, b.end, f"{possessive(partner.name)} FY{partner_year.label} plan")]
        return self.option(
            "Two MOPs a year",
            periods,
            f"MOP A starts with {possessive(vendor.name)} fiscal year and its plan, MOP B with "
            f"{possessive(partner.name)} and theirs; each MOP keeps quarterly commit points.",
            [a.start, b.start],
            halves,
        )
