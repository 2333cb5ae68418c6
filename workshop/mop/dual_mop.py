"""Two MOPs a year: MOP A kicked off by the vendor's plan at the start of its fiscal year, MOP B by the
partner's at the start of its own; each keeps quarterly commit points."""

from __future__ import annotations

from datetime import timedelta

from ..fiscal import DateRange
from ..i18n import _, fill, fiscal_year, plural
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
        names = {"vendor": vendor.name, "partner": partner.name}
        if apart % 365 == 0:
            raise NotOffered(fill(_("%(vendor)s's and %(partner)s's fiscal years start on the same day, so a second "
                                    "MOP a year would serve no planning cycle of its own"), names))
        if min(apart, 365 - apart) < MIN_APART_DAYS:
            raise NotOffered(fill(_("%(vendor)s's and %(partner)s's fiscal years start %(days)s apart, too close for "
                                    "two MOPs a year to serve both planning cycles"),
                                  {**names, "days": plural(min(apart, 365 - apart), "day")}))
        a = DateRange(vendor_year.start, partner_year.start - timedelta(days=1))
        b = DateRange(partner_year.start, vendor_year.end)
        periods = (quarterly_within(a, list(vendor_year.quarters), "MOP A")
                   + quarterly_within(b, partner.calendar.quarters_overlapping(b), "MOP B"))
        plan = _("%(company)s's %(year)s plan")
        halves = [Half("MOP A", a.start, a.end, fill(plan, {"company": vendor.name, "year": fiscal_year(pairing.year)})),
                  Half("MOP B", b.start, b.end, fill(plan, {"company": partner.name,
                                                            "year": fiscal_year(partner_year.label)}))]
        return self.option(
            _("Two MOPs a year"),
            periods,
            fill(_("MOP A starts with %(vendor)s's fiscal year and its plan, MOP B with %(partner)s's and theirs; each "
                   "MOP keeps quarterly commit points."), names),
            [a.start, b.start],
            halves,
        )
