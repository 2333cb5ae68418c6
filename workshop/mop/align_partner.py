"""Align to the partner: the MOP is the partner's fiscal quarters in the year that overlaps the vendor's most."""

from __future__ import annotations

from ..i18n import _, fill, fiscal_year
from .base import Option, Pairing, Strategy, quarter_periods


class AlignPartner(Strategy):
    name = "align-partner"
    simplicity = 0.9

    def build(self, pairing: Pairing) -> Option:
        partner, partner_year = pairing.partner, pairing.partner_year
        company = {"company": partner.name}
        return self.option(
            fill(_("Align to %(company)s's fiscal quarters"), company),
            quarter_periods(partner_year.quarters),
            fill(_("Both sides run the partnership on %(company)s's %(year)s quarters."),
                 {**company, "year": fiscal_year(partner_year.label)}),
            [partner_year.start],
        )
