"""The models of partner and vendor profiles: company facts (calendar, people, pipeline, constraints).

Reading and validating files is `workshop.readers`; finding them in a folder is `workshop.workspace`.
The tool's settings that vendor.yaml may also carry (paper, locale, ...) are `workshop.settings`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import holidays
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from .readers.fields import Day, Language, Line, Name, Text, TimeZone, worded

MonthNumber = Annotated[int, Field(ge=1, le=12)]
MonthDay = Annotated[str, worded(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", "a day of the year as MM-DD, e.g. 12-24")]
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
ID_WORDS = "lower-case letters a-z, digits, - and _, starting with a letter or digit, e.g. acme-corp"
RESERVED_IDS = ("vendor",)
"""Ids no partner may have: `vendor` names your own company (vendor.yaml) on the command line and in plans."""
MAX_AMOUNT = 1e15
"""The largest deal amount: more than any real deal, small enough that sums of thousands stay exact."""


class _Model(BaseModel):
    # No inf or nan from `.inf` in YAML or `Infinity` in JSON; a number in a text field (`crm_id: 4711`) is its text.
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True, allow_inf_nan=False,
                              coerce_numbers_to_str=True)


class MonthlyCalendarSpec(_Model):
    """A fiscal year made of twelve calendar months, starting on the 1st of `first_month`."""

    type: Literal["monthly"] = "monthly"
    """Calendar kind: `monthly` (calendar months); a calendar without `type` is monthly."""
    first_month: MonthNumber = 1
    """Month (1-12) in which the fiscal year starts; 1 is a calendar-year company."""
    first_day: int = Field(default=1, ge=1, le=28)
    """Day of `first_month` on which the fiscal year starts (1-28), e.g. 6 for a year from 6 April to 5 April."""
    naming: Literal["end", "start"] = "end"
    """Name a fiscal year after the calendar year in which it ends (`end`, the usual) or starts (`start`)."""


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # date.weekday() order
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WeekPattern = Literal["4-4-5", "4-5-4", "5-4-4", "13x4"]

# Periods a 52-week year is cut into: twelve from a 4-4-5 style pattern, thirteen from 13x4.
PERIODS_PER_PATTERN = {"4-4-5": 12, "4-5-4": 12, "5-4-4": 12, "13x4": 13}
DEFAULT_QUARTER_PERIODS = {12: (3, 3, 3, 3), 13: (3, 3, 3, 4)}


class WeeklyCalendarSpec(_Model):
    """A 52/53-week fiscal year that always ends on the same weekday (retail and hardware companies)."""

    type: Literal["weekly"]
    """Calendar kind: `weekly` (52/53 whole weeks, also called a 4-4-5 calendar)."""
    year_end_weekday: Weekday
    """Weekday on which every fiscal year ends, e.g. `saturday`."""
    year_end_month: MonthNumber
    """Calendar month (1-12) around whose end the fiscal year ends, e.g. 9 for late September."""
    year_end_rule: Literal["last", "nearest"] = "last"
    """`last`: the last `year_end_weekday` of `year_end_month`; `nearest`: that weekday nearest the month's last day (it may fall early in the next month)."""
    pattern: WeekPattern = "4-4-5"
    """Weeks per fiscal month in each 13-week quarter (`4-4-5`, `4-5-4`, `5-4-4`), or `13x4` for thirteen four-week periods."""
    quarter_periods: tuple[Annotated[int, Field(ge=1)], ...] | None = None
    """Periods in each of the four quarters, summing to 12 (4-4-5 style) or 13 (13x4); default [3, 3, 3, 3], or [3, 3, 3, 4] with 13x4."""
    extra_week_quarter: int = Field(default=4, ge=1, le=4)
    """Quarter (1-4) whose last period gets the 53rd week in a 53-week year."""
    naming: Literal["end", "start"] = "end"
    """Name a fiscal year after the calendar year of its `year_end_month` (`end`, the usual) or of its first month (`start`)."""

    @field_validator("year_end_weekday", mode="before")
    @classmethod
    def _lower_weekday(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("quarter_periods")
    @classmethod
    def _periods_fill_the_year(cls, value: tuple[int, ...] | None, info: ValidationInfo) -> tuple[int, ...] | None:
        pattern = info.data.get("pattern")
        if value is None or pattern is None:
            return value
        total = PERIODS_PER_PATTERN[pattern]
        if len(value) != 4 or sum(value) != total:
            raise ValueError(
                f"expected 4 numbers of periods, one per quarter, adding up to {total} for pattern {pattern}"
                f" (e.g. {list(DEFAULT_QUARTER_PERIODS[total])}); got {list(value)}"
            )
        return value

    @property
    def periods_per_quarter(self) -> tuple[int, ...]:
        """`quarter_periods`, or the usual split for the pattern when it is not given."""
        return self.quarter_periods or DEFAULT_QUARTER_PERIODS[PERIODS_PER_PATTERN[self.pattern]]


# Tagged by `type`; a calendar without `type` is monthly (see Profile._monthly_by_default).
FiscalCalendarSpec = Annotated[Union[MonthlyCalendarSpec, WeeklyCalendarSpec], Field(discriminator="type")]
CALENDAR_TYPES = ("monthly", "weekly")


SECTORS = ("public-sector", "education", "healthcare", "retail", "financial-services", "manufacturing",
           "technology", "telecommunications", "energy-utilities", "professional-services", "other")
Sector = Literal["public-sector", "education", "healthcare", "retail", "financial-services", "manufacturing",
                 "technology", "telecommunications", "energy-utilities", "professional-services", "other"]
BUSINESS_MODELS = ("reseller", "distributor", "integrator", "msp", "isv", "consultancy", "other")
BusinessModel = Literal["reseller", "distributor", "integrator", "msp", "isv", "consultancy", "other"]


class Planning(_Model):
    """When this company plans its fiscal year."""

    annual_planning_month: MonthNumber | None = None
    """Calendar month (1-12) in which annual planning for a fiscal year starts."""
    plan_lock_month: MonthNumber | None = None
    """Calendar month (1-12) by which the annual plan is locked and execution starts."""
    timing: Literal["nearest", "before-year", "in-year"] = "nearest"
    """Which occurrence of the planning month plans a fiscal year: `nearest` to the year's start (before or after it, the default), the last one `before-year` starts, or the one `in-year` (planning in the year's own first months)."""


class HolidayChoices(_Model):
    """Public holidays to count or ignore beyond the country's usual business days off."""

    add: list[str] = []
    """Holidays (by name, e.g. `Day After Thanksgiving`, `Cesar Chavez Day`) on which this company closes although businesses there usually work."""
    remove: list[str] = []
    """Holidays (by name) on which this company works although businesses there usually close."""


class Blackout(_Model):
    """A period in which the company cannot close business or meet (e.g. a shutdown or a holiday season)."""

    name: Name
    """What the blackout is, as it should appear in documents."""
    start: Day | MonthDay
    """First day: an ISO date (2027-08-02), or MM-DD for a blackout that recurs every year."""
    end: Day | MonthDay
    """Last day, of the same kind as `start`; an MM-DD range may wrap the new year (12-20 to 01-06)."""

    @model_validator(mode="after")
    def _same_kind_and_ordered(self) -> Blackout:
        if isinstance(self.start, date) != isinstance(self.end, date):
            raise ValueError("start and end must both be ISO dates or both be MM-DD")
        if isinstance(self.start, date) and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if isinstance(self.start, str):
            for text in (self.start, self.end):
                month, day = map(int, text.split("-"))
                try:
                    date(2000, month, day)  # a leap year, so 02-29 is allowed
                except ValueError:
                    raise ValueError(f"{text} is not a day of the year") from None
        return self


class Absence(_Model):
    """Dates on which a contact is away."""

    start: Day
    """First day away (ISO date)."""
    end: Day
    """Last day away (ISO date)."""

    @model_validator(mode="after")
    def _ordered(self) -> Absence:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Contact(_Model):
    """A person who takes part in the planning session or signs the agreement."""

    name: Name
    """Full name."""
    title: Line = ""
    """Job title, as printed under a signature line."""
    email: Annotated[Line, worded(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an email address such as ann@example.com")] | None = None
    """Email address."""
    role: Line = ""
    """Role in the partnership, e.g. `sales lead`, `executive sponsor`, `operations`."""
    signatory: bool = False
    """Whether this person signs the agreement memo for their side."""
    away: list[Absence] = []
    """Known absences (holidays, leave) as date ranges."""
    crm_id: str | None = None
    """The contact's id in your CRM (a Salesforce Contact ID, a HubSpot record ID); `workshop import` matches on it."""


class Deal(_Model):
    """An opportunity in the joint pipeline."""

    name: Name
    """Deal or customer name."""
    amount: float = Field(ge=0, le=MAX_AMOUNT)
    """Expected value."""
    currency: Annotated[str, worded(r"^[A-Z]{3}$", "a three-letter ISO 4217 currency code in capitals, e.g. EUR")] = "USD"
    """ISO 4217 currency code."""
    expected_close: Day
    """Date the deal is expected to close (ISO date)."""
    owner: Line | None = None
    """Who owns the deal: the `name` of a contact of the partner or of the vendor (a CRM's deal owner is often the vendor's rep); a deal is at risk when its owner is away in its closing window."""
    crm_id: Line | None = None
    """The opportunity's id in your CRM (a Salesforce Opportunity ID, a HubSpot deal's record ID); `workshop import` matches on it, and removes the deal once the CRM no longer lists it as open."""



Clock = Annotated[str, worded(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", "a time as HH:MM (24-hour), e.g. 09:30")]


class Session(_Model):
    """When and where the joint planning session takes place, as printed on the agenda and booked in mop.ics."""

    date: Day | None = None
    """Day of the session (ISO date)."""
    start: Clock | None = None
    """Start time, HH:MM (24-hour), in the session's time zone."""
    end: Clock | None = None
    """End time, HH:MM; default: the start plus the vendor's `session_minutes`."""
    timezone: TimeZone | None = None
    """IANA time zone of `start` and `end`, e.g. `Europe/Berlin`; default: the partner's `timezone`."""
    place: Line | None = None
    """Room or address."""
    video: Line | None = None
    """Video-call link, e.g. `https://teams.example/...`."""


class Profile(_Model):
    """A company's profile: who they are, their fiscal calendar, people, pipeline and constraints."""

    id: Annotated[str, Field(max_length=100), worded(ID_PATTERN, ID_WORDS)] = ""
    """Short id used on the command line and in output folders; defaults to the file name."""
    name: Name
    """Company name as it should appear in documents."""
    fiscal_calendar: FiscalCalendarSpec
    """How this company's fiscal year is laid out."""
    region: Line | None = None
    """Sales region, e.g. `EMEA`, `APJ`, `Americas`."""
    country: Annotated[str, worded(r"^[A-Z]{2}$", "a two-letter ISO 3166 country code, e.g. DE, JP, NO")] | None = None
    """ISO 3166-1 alpha-2 country code of the main office, e.g. `DE`, `JP`."""
    subdivision: Line | None = None
    """ISO 3166-2 subdivision (state, province) for regional public holidays, e.g. `BY`, `NSW`."""
    timezone: TimeZone | None = None
    """IANA time zone, e.g. `Europe/Berlin`."""
    language: Language | None = None
    """Language of the documents this company reads, as a BCP 47 tag, e.g. `en`, `de`, `de-CH`, `ja`, `zh-Hans`: a
    partner's agenda, memo and calendar are written in it, the vendor's briefing pack in the vendor's."""
    tier: Line | None = None
    """Partner programme tier, e.g. `Gold`."""
    crm_id: Line | None = None
    """The account's id in your CRM (a Salesforce Account ID, a HubSpot company ID); `workshop import` matches on it."""
    sector: Sector | None = None
    """The market the company mainly sells to; rules about e.g. public-sector year-end budgets apply only to that sector."""
    business_model: BusinessModel | None = None
    """How the company sells: `reseller`, `distributor`, `integrator`, `msp`, `isv`, `consultancy` or `other`."""
    planning: Planning = Planning()
    """When annual planning happens."""
    holidays: HolidayChoices = HolidayChoices()
    """Public holidays to add to or remove from the country's business days off."""
    urgency_window_weeks: int = Field(default=2, ge=0, le=13)
    """Last weeks of each fiscal quarter in which closing pressure peaks."""
    blackouts: list[Blackout] = []
    """Periods in which business cannot close or people cannot meet."""
    contacts: list[Contact] = []
    """People on this side of the partnership."""
    deals: list[Deal] = []
    """Open deals in the joint pipeline."""
    notes: Text = ""
    """Free text for the briefing pack."""
    session: Session = Session()
    """The planning session with this partner (date, time, place), for the agenda."""

    # The file this profile was read from (not a field): rule pack paths are relative to it.
    _source: Path | None = PrivateAttr(default=None)

    @field_validator("fiscal_calendar", mode="before")
    @classmethod
    def _monthly_by_default(cls, value: Any) -> Any:
        # Profiles written before weekly calendars existed leave `type` out.
        if isinstance(value, dict) and "type" not in value:
            return {**value, "type": "monthly"}
        return value

    @field_validator("country", mode="before")
    @classmethod
    def _upper_country(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        # Public holidays come from the `holidays` package, so a country it does not know has none.
        if value is not None and value not in holidays.list_supported_countries():
            raise ValueError(f"{value} is not a country with known public holidays (ISO 3166-1 alpha-2, e.g. DE, JP, US)")
        return value

    @field_validator("subdivision")
    @classmethod
    def _known_subdivision(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        if "country" not in info.data:
            return value  # the country is already reported as wrong
        country = info.data["country"]
        if country is None:
            raise ValueError("a subdivision needs a country; set `country` too")
        known = holidays.list_supported_countries()[country]
        if value not in known:
            listed = ", ".join(known) if known else "none"
            raise ValueError(f"{value} is not a subdivision of {country} (known: {listed})")
        return value


class VendorProfile(Profile):
    """The vendor's own profile (the user's company): the same company facts as a partner's.

    vendor.yaml may also carry the tool's settings (SETTINGS_KEYS); `workshop.settings` reads those."""


SETTINGS_KEYS = ("paper", "review_cadence", "locale", "bilingual_memo", "logo", "templates", "session_minutes",
                 "scoring_weights", "rules", "seasons")
"""Keys of vendor.yaml that are the tool's settings rather than company facts (see workshop.settings.VendorSettings)."""
