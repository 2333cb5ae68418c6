"""Two MOPs a year: one kicked off with the vendor's new fiscal year, one with the partner's."""

from __future__ import annotations

from datetime import timedelta

from .base import MopPeriod, Option, Pairing, Strategy


class DualMop(Strategy):
    name = "dual-mop"
    simplicity = 0.5

    def build(self, pairing: Pairing) -> Option:
        vendor, partner, vendor_year = pairing.vendor, pairing.partner, pairing.vendor_year
        partner_start = partner.calendar.year_of(vendor_year.start + timedelta(days=1)).end + timedelta(days=1)
        if not (vendor_year.start + timedelta(days=60) <= partner_start <= vendor_year.end - timedelta(days=60)):
            partner_start = vendor_year.periods[6].start  # the years start together: split at half-year
        return self.option(
            "Two MOPs a year",
            [
                MopPeriod(f"MOP A ({vendor.name} plan)", vendor_year.start, partner_start - timedelta(days=1)),
                MopPeriod(f"MOP B ({partner.name} plan)", partner_start, vendor_year.end),
            ],
            "Two operating periods, each kicked off by a joint plan when one side's annual planning happens.",
            [vendor_year.start, partner_start],
        )
