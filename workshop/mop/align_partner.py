"""Align to the partner: the MOP is the partner's fiscal quarters in the year that overlaps the vendor's most."""

from __future__ import annotations

from ..facts import possessive
from .base import Option, Pairing, Strategy, quarter_periods


class AlignPartner(Strategy):
    name = "align-partner"
    simplicity = 0.9

    def build(self, pairing: Pairing) -> Option:
        partner, partner_year = pairing.partner, pairing.partner_year
        return self.option(
            f"Align to {possessive(partner.name)} fiscal quarters",
            quarter_periods(partner_year.quarters),
            f"Both sides run the partnership on {possessive(partner.name)} FY{partner_year.label} quarters.",
            [partner_year.start],
        )
