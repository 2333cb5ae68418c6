"""Align to the vendor: the MOP is the vendor's own fiscal quarters."""

from __future__ import annotations

from ..i18n import _, fill, fiscal_year
from .base import Option, Pairing, Strategy, quarter_periods


class AlignVendor(Strategy):
    name = "align-vendor"
    simplicity = 1.0

    def build(self, pairing: Pairing) -> Option:
        vendor, year = pairing.vendor, pairing.year
        company = {"company": vendor.name}
        return self.option(
            fill(_("Align to %(company)s's fiscal quarters"), company),
            quarter_periods(pairing.vendor_year.quarters),
            fill(_("Both sides run the partnership on %(company)s's %(year)s quarters."),
                 {**company, "year": fiscal_year(year)}),
            [pairing.vendor_year.start],
        )
