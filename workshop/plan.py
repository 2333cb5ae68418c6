"""The Plan: one typed, serialisable object holding everything a document shows."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from .agreements import AgreedCommitment, AgreedPeriod, Agreement, AgreementSignatories, AgreementSignatory
from .errors import PlanningError
from .fiscal import FIRST_YEAR, LAST_YEAR, DateRange, public_holidays
from .profiles import Profile, VendorProfile
from .rules import (
    AgendaItem,
    Commitment,
    Facts,
    Finding,
    LoadedPack,
    Question,
    Side,
    apply_rules,
    build_agenda,
    compute_facts,
    draft_commitments,
    load_rule_packs,
    mop_options,
    recommend,
    score_options,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Signatory(_Model):
    """A person who signs the agreement memo."""

    name: str
    title: str


class Person(_Model):
    """A contact as the briefing pack and agenda list them."""

    name: str
    title: str
    role: str
    email: str | None
    signatory: bool


class Party(_Model):
    """One side of the partnership as documents name it."""

    id: str
    name: str
    signatories: list[Signatory]
    """Who signs for this side; empty when the profile names nobody (the memo leaves the lines blank)."""
    contacts: list[Person]
    region: str | None
    country: str | None
    tier: str | None
    timezone: str | None
    notes: str


Day = date  # a field called `date` would shadow the type inside the class body


class SessionInfo(_Model):
    """When and where the planning session happens; None where the profile does not say."""

    date: Day | None
    start: str | None
    place: str | None


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
    locale: str
    """Locale for dates and money in documents, from vendor.yaml (e.g. `en_GB`, `de_DE`)."""
    fiscal_year: int
    """The vendor fiscal year being planned."""
    vendor: Party
    partner: Party
    review_cadence: str
    commitments: list[Commitment]
    """What each side undertakes in the agreement memo, dated from the recommended MOP."""
    facts: Facts
    options: list[MopOption]
    recommended: str
    """Strategy of the recommended option."""
    recommendation: str
    """One sentence saying why the recommended option wins."""
    findings: list[Finding]
    """What the session should know, most severe first."""
    questions: list[Question]
    """Questions for the session, in rule order."""
    session_minutes: int
    session: SessionInfo
    agenda: list[AgendaItem]
    """Timed sections of the session, each with its questions."""
    agreement: Agreement | None = None
    """What both sides agreed for this fiscal year (the partner's agreement file), if there is one; the memo prints it."""

    @property
    def recommended_option(self) -> MopOption:
        return next(o for o in self.options if o.strategy == self.recommended)

    @property
    def memo_option(self) -> MopOption:
        """The MOP the memo shows: the agreed strategy with the agreed periods, else the recommendation."""
        if self.agreement is None:
            return self.recommended_option
        option = next(o for o in self.options if o.strategy == self.agreement.strategy)
        periods = [MopPeriod(name=p.name, start=p.start, end=p.end) for p in self.agreement.periods]
        return option.model_copy(update={"periods": periods})

    def with_agreement(self, agreement: Agreement | None) -> Plan:
        """This plan carrying `agreement` (which must be for the same fiscal year)."""
        if agreement is not None and agreement.fiscal_year != self.fiscal_year:
            raise PlanningError(f"the agreement is for FY{agreement.fiscal_year}, the plan for FY{self.fiscal_year}")
        return self.model_copy(update={"agreement": agreement})

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
    contacts = [Person(name=c.name, title=c.title, role=c.role, email=c.email, signatory=c.signatory)
                for c in profile.contacts]
    return Party(id=profile.id, name=profile.name, signatories=signatories, contacts=contacts,
                 region=profile.region, country=profile.country, tier=profile.tier, timezone=profile.timezone,
                 notes=profile.notes.strip())


def vendor_rule_locations(vendor: VendorProfile) -> list[Path]:
    """Rule packs named in vendor.yaml, relative to the vendor file."""
    base = vendor._source.parent if vendor._source else Path.cwd()
    return [(base / entry) for entry in vendor.rules]


@lru_cache(maxsize=16)
def _cached_packs(locations: tuple[Path, ...]) -> tuple[LoadedPack, ...]:
    return tuple(load_rule_packs(locations))


def rule_packs_for(vendor: VendorProfile, extra: list[Path] | tuple[Path, ...] = ()) -> list[LoadedPack]:
    """Built-in packs, then vendor.yaml's `rules`, then `extra` (e.g. --rules DIR); loaded once per process."""
    locations = tuple(p.resolve() for p in [*vendor_rule_locations(vendor), *extra])
    return list(_cached_packs(locations))


@lru_cache(maxsize=256)
def _holidays(country: str, subdivision: str | None, span: DateRange) -> tuple[tuple[str, date], ...]:
    return tuple(public_holidays(country, subdivision, span))


def holidays_for(profiles: list[Profile], year: int, span: DateRange) -> dict[str, list[tuple[str, date]]]:
    """Public holidays of each profile's country (and subdivision) in `span`, keyed by profile id."""
    wide = DateRange(span.start - timedelta(days=100), span.end + timedelta(days=100))
    return {p.id: list(_holidays(p.country, p.subdivision, wide)) for p in profiles if p.country}


def plan_partnership(vendor: VendorProfile, partner: Profile, *, as_of: date, fiscal_year: int | None = None,
                     rule_packs: list[LoadedPack] | None = None,
                     holidays: dict[str, list[tuple[str, date]]] | None = None) -> Plan:
    """Compute the Plan for one partner and one vendor fiscal year (default: the vendor's next).

    `rule_packs` default to the built-in packs plus those named in vendor.yaml.
    """
    year = default_fiscal_year(vendor, as_of) if fiscal_year is None else fiscal_year
    if not FIRST_YEAR + 2 <= year <= LAST_YEAR - 2:
        raise PlanningError(f"fiscal year {year} is outside the supported range")
    packs = rule_packs_for(vendor) if rule_packs is None else rule_packs
    if holidays is None:
        holidays = holidays_for([vendor, partner], year, Side.from_profile(vendor).calendar.year(year).span)
    vendor_side = Side.from_profile(vendor, holidays.get(vendor.id, ()))
    partner_side = Side.from_profile(partner, holidays.get(partner.id, ()))
    facts = compute_facts(vendor, partner, year, holidays)
    options = mop_options(vendor_side, partner_side, year)
    weights = vendor.scoring_weights.model_dump()
    score_options(options, vendor_side, partner_side, year, weights)
    best, reason = recommend(options, weights)
    mop = [
        MopOption(
            strategy=o.strategy, title=o.title, score=o.score, factors=o.factors, rationale=o.rationale,
            periods=[MopPeriod(name=p.name, start=p.start, end=p.end) for p in o.periods],
        )
        for o in options
    ]
    chosen = next(o for o in mop if o.strategy == best.strategy)
    runner_up = max((o for o in mop if o is not chosen), key=lambda o: o.score)
    facts_dict = facts.model_dump()
    context = {
        "facts": facts_dict, "vendor": facts_dict["vendor"], "partner": facts_dict["partner"],
        "recommended": chosen.model_dump(), "runner_up": runner_up.model_dump(), "recommendation": reason,
        "locale": vendor.locale,
    }
    findings, questions = apply_rules(packs, context)
    return Plan(
        as_of=as_of,
        locale=vendor.locale,
        fiscal_year=year,
        vendor=_party(vendor),
        partner=_party(partner),
        review_cadence=vendor.review_cadence,
        commitments=draft_commitments(facts, [p.end for p in chosen.periods], vendor_side, partner_side),
        facts=facts,
        options=mop,
        recommended=best.strategy,
        recommendation=reason,
        findings=findings,
        questions=questions,
        session_minutes=vendor.session_minutes,
        session=SessionInfo(**partner.session.model_dump()),
        agenda=build_agenda(questions, vendor.session_minutes),
    )


def draft_agreement(plan: Plan, vendor: VendorProfile, partner: Profile, strategy: str | None = None) -> Agreement:
    """A draft agreement from a plan: the periods of `strategy` (default: the recommended one),
    commitments dated from them, the review cadence, and both sides' signatories, none signed yet."""
    strategy = strategy or plan.recommended
    option = next((o for o in plan.options if o.strategy == strategy), None)
    if option is None:
        raise PlanningError(f"unknown strategy {strategy!r}; expected one of: {', '.join(o.strategy for o in plan.options)}")
    span = DateRange(plan.facts.vendor_year_start, plan.facts.vendor_year_end)
    holidays = holidays_for([vendor, partner], plan.fiscal_year, span)
    vendor_side = Side.from_profile(vendor, holidays.get(vendor.id, ()))
    partner_side = Side.from_profile(partner, holidays.get(partner.id, ()))
    commitments = draft_commitments(plan.facts, [p.end for p in option.periods], vendor_side, partner_side)
    return Agreement(
        fiscal_year=plan.fiscal_year,
        strategy=option.strategy,
        periods=[AgreedPeriod(name=p.name, start=p.start, end=p.end) for p in option.periods],
        commitments=[AgreedCommitment(party=c.party, text=c.text) for c in commitments],
        review_cadence=plan.review_cadence,
        signatories=AgreementSignatories(
            vendor=[AgreementSignatory(name=s.name, title=s.title) for s in plan.vendor.signatories],
            partner=[AgreementSignatory(name=s.name, title=s.title) for s in plan.partner.signatories],
        ),
        status="draft",
    )
