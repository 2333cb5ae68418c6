"""The Plan: one typed, serialisable object holding everything a document shows."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from .errors import PlanningError
from .fiscal import LAST_YEAR, FIRST_YEAR
from .profiles import Profile, VendorProfile
from .rules import Side, mop_options, pair_quarters, recommend, score_options


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Signatory(_Model):
    """A person who signs the agreement memo."""

    name: str
    title: str


class Party(_Model):
    """One side of the partnership as documents name it."""

    id: str
    name: str
    signatories: list[Signatory]
    """Who signs for this side; empty when the profile names nobody (the memo leaves the lines blank)."""


class QuarterPairFact(_Model):
    """A vendor quarter end and the partner quarter end nearest to it."""

    vendor_quarter: str
    vendor_end: date
    partner_quarter: str
    partner_end: date
    offset_days: int
    """Days from the vendor's quarter end to the partner's; negative when the partner closes first."""


class Facts(_Model):
    """Computed facts about the pair of calendars for the year being planned."""

    vendor_year_start: date
    vendor_year_end: date
    quarter_pairs: list[QuarterPairFact]
    mean_offset_days: float
    """Mean of the absolute quarter-end offsets."""
    worst_offset_days: int
    """Largest absolute quarter-end offset."""


class MopPeriod(_Model):
    """One dated period of a Mutual Operating Period option."""

    name: str
    start: date
    end: date


class MopOption(_Model):
    """One way to run the MOP, scored and explained."""

    strategy: str
    title: str
    periods: list[MopPeriod]
    score: float
    """Weighted score out of 100."""
    factors: dict[str, float]
    """Each scoring factor from 0 (bad) to 1 (good)."""
    rationale: str


class Plan(_Model):
    """Everything the documents for one partner and one vendor fiscal year show."""

    as_of: date
    """The date the plan was made for (the --date option); documents carry it, never today's date."""
    fiscal_year: int
    """The vendor fiscal year being planned."""
    vendor: Party
    partner: Party
    review_cadence: str
    facts: Facts
    options: list[MopOption]
    recommended: str
    """Strategy of the recommended option."""
    recommendation: str
    """One sentence saying why the recommended option wins."""

    @property
    def recommended_option(self) -> MopOption:
        return next(o for o in self.options if o.strategy == self.recommended)

    def to_json(self) -> str:
        """The plan as stable, pretty-printed JSON (same plan, same bytes)."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of a Plan, as `workshop plan --json` prints it."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def default_fiscal_year(vendor: Profile, today: date) -> int:
    """The vendor's next fiscal year as of `today`: the one planning sessions are held for."""
    return Side.from_profile(vendor).calendar.year_label_of(today) + 1


def _party(profile: Profile) -> Party:
    signatories = [Signatory(name=c.name, title=c.title) for c in profile.contacts if c.signatory]
    return Party(id=profile.id, name=profile.name, signatories=signatories)


def plan_partnership(vendor: VendorProfile, partner: Profile, *, as_of: date, fiscal_year: int | None = None) -> Plan:
    """Compute the Plan for one partner and one vendor fiscal year (default: the vendor's next)."""
    year = default_fiscal_year(vendor, as_of) if fiscal_year is None else fiscal_year
    if not FIRST_YEAR + 2 <= year <= LAST_YEAR - 2:
        raise PlanningError(f"fiscal year {year} is outside the supported range")
    vendor_side, partner_side = Side.from_profile(vendor), Side.from_profile(partner)
    pairs = pair_quarters(vendor_side, partner_side, year)
    options = mop_options(vendor_side, partner_side, year)
    score_options(options, vendor_side, partner_side, year)
    best, reason = recommend(options)
    vendor_year = vendor_side.calendar.year(year)
    offsets = [abs(p.offset_days) for p in pairs]
    return Plan(
        as_of=as_of,
        fiscal_year=year,
        vendor=_party(vendor),
        partner=_party(partner),
        review_cadence=vendor.review_cadence,
        facts=Facts(
            vendor_year_start=vendor_year.start,
            vendor_year_end=vendor_year.end,
            quarter_pairs=[
                QuarterPairFact(
                    vendor_quarter=p.vendor.label, vendor_end=p.vendor.end,
                    partner_quarter=p.partner.label, partner_end=p.partner.end, offset_days=p.offset_days,
                )
                for p in pairs
            ],
            mean_offset_days=round(sum(offsets) / len(offsets), 1),
            worst_offset_days=max(offsets),
        ),
        options=[
            MopOption(
                strategy=o.strategy, title=o.title, score=o.score, factors=o.factors, rationale=o.rationale,
                periods=[MopPeriod(name=p.name, start=p.start, end=p.end) for p in o.periods],
            )
            for o in options
        ],
        recommended=best.strategy,
        recommendation=reason,
    )
