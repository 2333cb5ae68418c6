"""The facts rules and documents read, as typed, serialisable models (`workshop schema plan` lists them)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class QuarterFact(_Fact):
    """One fiscal quarter and its urgency window."""

    label: str
    """Quarter and fiscal year, e.g. `Q4 FY2027`."""
    fiscal_year: int
    number: int
    """1 to 4."""
    start: date
    end: date
    urgency_start: date | None
    """First day of the last `urgency_window_weeks` weeks (None when the side has no urgency window)."""


class NamedSpan(_Fact):
    """A named run of days: a blackout, a season, a public holiday (one day)."""

    name: str
    start: date
    end: date


class LongYearFact(_Fact):
    """A 53-week fiscal year of a weekly calendar: where its extra week goes."""

    side: str
    fiscal_year: int
    weeks: int
    period: int
    """The period that gets the 53rd week."""
    quarter: int
    extra_week_start: date
    extra_week_end: date


class SideFacts(_Fact):
    """One side's calendar as it bears on the year being planned."""

    name: str
    calendar: str
    """The fiscal calendar in words, e.g. `fiscal year from 1 April to 31 March`."""
    weekly: bool
    """A 52/53-week calendar."""
    quarters: list[QuarterFact]
    """This side's quarters that overlap the vendor year being planned."""
    fiscal_years: list[str]
    """This side's fiscal years that overlap the vendor year being planned, e.g. `FY2027`."""
    urgency_window_weeks: int
    annual_planning_month: int | None
    plan_lock_month: int | None
    year_start_month: int
    """Calendar month in which this side's fiscal year (the one under way at the vendor year's start) starts."""
    year_start: date
    """First day of this side's fiscal year under way when the vendor year starts."""
    country: str | None
    weekend: list[str]
    """The weekdays of this side's weekend, e.g. `Friday`, `Saturday`."""
    holidays: list[NamedSpan]
    """Public holidays in the vendor year on which businesses of this side's country close (working days only)."""
    blackouts: list[NamedSpan]
    """This side's blackouts that touch the vendor year, with their whole dates."""
    seasons: list[NamedSpan]
    """Seasons of this side's country that touch the vendor year (Golden Week, Ramadan, ...)."""
    sector: str | None = None
    business_model: str | None = None


class PairFact(_Fact):
    """A vendor quarter end and the partner quarter end nearest to it."""

    vendor_quarter: str
    vendor_end: date
    partner_quarter: str
    partner_end: date
    offset_days: int
    """Days from the vendor's quarter end to the partner's; negative when the partner closes first."""
    windows_overlap: bool = False
    """The two quarters' urgency windows share at least one day."""


class CoverageFact(_Fact):
    """A blackout that covers a large part of one side's fiscal quarter, wherever its closing weeks are."""

    owner: str
    name: str
    start: date
    end: date
    side: str
    """Whose quarter it covers."""
    quarter: str
    quarter_start: date
    quarter_end: date
    days: int
    """Days of the quarter the blackout covers."""
    quarter_days: int


class CollisionFact(_Fact):
    """A holiday, season, blackout or absence inside one side's urgency window."""

    kind: Literal["holiday", "season", "blackout", "absence"]
    owner: str
    """Whose it is: a company (blackout), a person (absence) or a country code such as `DE-NW` (holiday, season)."""
    owner_side: str
    """The company it belongs to (the person's company for an absence)."""
    name: str
    start: date
    end: date
    """The whole holiday, season, blackout or absence, not only the part in the window."""
    window_side: str
    """Whose urgency window it falls into."""
    window_quarter: str
    window_start: date
    window_end: date
    days: int
    """Days of overlap with the urgency window."""
    working_days: int
    """Of those, days the window's side would otherwise work."""
    key_person: bool = False
    """For an absence: a signatory, someone in a sales role or a deal's owner."""


class DealFact(_Fact):
    """A deal in the joint pipeline, placed in both calendars."""

    name: str
    amount: float
    currency: str
    expected_close: date
    owner: str | None
    """The contact who owns the deal, if the profile says."""
    vendor_quarter: str
    partner_quarter: str
    in_vendor_window: bool
    in_partner_window: bool
    contacts_away: list[str]
    """Key people away when the deal closes: its owner during the closing window up to the close date,
    and signatories and sales roles on the close date."""
    at_risk: bool
    """Closes in an urgency window while a key person is away."""


class PlanningFacts(_Fact):
    """How the two planning seasons relate."""

    vendor_planning_start: date | None
    """First day of the vendor's planning month that plans the vendor year (None when unknown)."""
    partner_planning_start: date | None
    """First day of the partner's planning month that plans its year under way when the vendor year starts."""
    partner_months_into_year: int | None
    """Months the partner is into its own fiscal year when the vendor starts planning."""
    partner_year_at_vendor_planning: str | None
    """The partner fiscal year under way when the vendor starts planning, e.g. `FY2027`."""
    partner_plan_overlap_months: int | None
    """Months of the vendor's planned year that the partner's year under way (at vendor planning) still covers."""
    planning_gap_months: int | None
    """Months between the two annual planning months (0-6, ignoring direction)."""
    partner_plans_first_by_months: int | None
    """How many months (0-11) the partner's planning month comes before the vendor's."""


class Facts(_Fact):
    """Everything computed about the pair of calendars for the year being planned; rules read these."""

    vendor_year: str
    vendor_year_start: date
    vendor_year_end: date
    vendor: SideFacts
    partner: SideFacts
    quarter_pairs: list[PairFact]
    mean_offset_days: float
    """Mean of the absolute quarter-end offsets."""
    worst_offset_days: int
    """Largest absolute quarter-end offset."""
    aligned: bool
    """Every quarter end coincides."""
    partner_closes_first: bool
    """Every partner quarter end comes before the paired vendor quarter end."""
    same_year_start: bool
    """Both fiscal years start on the same day of the year."""
    year_start_gap_months: int
    """Months between the two fiscal years' starts (0-6, ignoring direction)."""
    vendor_country: str | None
    partner_country: str | None
    planning: PlanningFacts
    collisions: list[CollisionFact]
    deals: list[DealFact]
    long_years: list[LongYearFact]
    """53-week years of either side that overlap the vendor year."""
    blackout_coverage: list[CoverageFact] = []
    """Blackouts that cover a third or more of a quarter of either side in the vendor year."""
    profile_gaps: list[str]
    """What the profiles do not say and the session should find out."""
