"""A toy MOP strategy for the extension tests: the whole vendor fiscal year as one period."""

from __future__ import annotations

from workshop.mop import MopPeriod, Option, Pairing, Strategy


class OneYear(Strategy):
    name = "one-year"
    simplicity = 0.95

    def build(self, pairing: Pairing) -> Option:
        year = pairing.vendor_year
        return self.option("One MOP for the whole year", [MopPeriod("MOP year", year.start, year.end)],
                           "One period, one commit date at the vendor's year end.", [year.start])
