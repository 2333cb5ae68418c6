"""Align to the vendor: the MOP is the vendor's own fiscal quarters."""

from __future__ import annotations

from ..facts import possessive
from .base import Option, Pairing, Strategy, quarter_periods


class AlignVendor(Strategy):
    name = "align-vendor"
    simplicity = 1.0

    def build(self, pairing: Pairing) -> Option:
        vendor, year = pairing.vendor, pairing.year
        return self.option(
            f"Align to {possessive(vendor.name)} fiscal quarters",
            quarter_periods(pairing.vendor_year.quarters),
            f"Both sides run the partnership on {possessive(vendor.name)} FY{year} quarters.",
            [pairing.vendor_year.start],
        )
