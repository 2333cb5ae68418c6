"""The Plan: one typed, serialisable object holding everything downstream shows, and
`plan_partnership`, the one place that runs the compute stages in order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .agenda import (
    Actor,
    AgendaItem,
    Commitment,
    NextStep,
    SessionInfo,
    build_agenda,
    draft_commitments,
    next_steps,
    objectives,
    planning_session_date,
    prereads,
    session_info,
)
from .errors import PlanningError
from .facts import Facts, Side, compute_facts, is_key_role
from .fiscal import FIRST_YEAR, LAST_YEAR, DateRange, calendar_for, next_fiscal_year, season_table
from .i18n import Language, _, speaking
from .i18n import language as language_of
from .mop import mop_options
from .mop.scoring import FACTORS, recommend, score_options
from .mop.span import continuity, handover, period_status
from .profiles import Profile, VendorProfile
from .rules import Finding, LoadedPack, Question, apply_rules, rule_packs
from .settings import Settings, settings_for


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



class MopPeriod(_Model):
    """One dated period of a Mutual Operating Period option."""

    name: str
    start: date
    end: date
    status: Literal["ahead", "running", "ended"] = "ahead"
    """Relative to the plan date: `running` when it is already under way."""
    note: str = ""
    """Why the period ends on its date, where that is not plain (a shared quarter-end)."""


class MopHalf(_Model):
    """One of two MOPs a year: its span and whose plan kicks it off."""

    name: str
    start: date
    end: date
    kicked_off_by: str


class MopOption(_Model):
    """One way to run the MOP, scored and explained."""

    strategy: str
    title: str
    periods: list[MopPeriod]
    start: date
    """The option's span: the first day of its first period..."""
    end: date
    """...and the last day of its last one."""
    halves: list[MopHalf] = []
    """For two MOPs a year: each MOP's span and whose plan kicks it off."""
    handover: str
    """What runs from the agreement until the first period, and where the vendor's year end falls."""
    continuity: str = ""
    """How the option follows last year's agreed MOP, when there is one."""
    gap_days: int | None = None
    """Days between last year's agreed MOP and this option's first period (0: none, negative: an overlap);
    None without last year's MOP."""
    score: float
    """Weighted score out of 100."""
    factors: dict[str, float]
    """Each scoring factor from 0 (bad) to 1 (good)."""
    rationale: str
    commitments: list[Commitment]
    """What each side would undertake with this option, dated from its periods."""


class FactorInfo(_Model):
    """A scoring factor as documents label it."""

    key: str
    name: str
    heading: str
    description: str


class PreviousMop(_Model):
    """Last year's agreed MOP, as far as this year's plan needs it."""

    fiscal_year: int
    strategy: str
    start: date
    end: date


class MemoSignatory(_Model):
    """A person who signs the memo for one side, and (once signed) when, with their signature image."""

    name: str
    title: str = ""
    signed: date | None = None
    signature_image: str | None = None
    """The handwritten signature as a `data:image/png;base64,...` URI, printed above the line once signed."""


class MemoTerms(_Model):
    """What the agreement memo prints: the proposed MOP, or what both sides agreed."""

    status: Literal["proposed", "draft", "signed"]
    """`proposed`: no agreement yet (the recommendation); `draft` or `signed`: the partner's agreement file."""
    strategy: str
    title: str
    rationale: str
    periods: list[MopPeriod]
    start: date
    end: date
    halves: list[MopHalf] = []
    handover: str
    commitments: list[Commitment]
    review_cadence: str
    vendor_signatories: list[MemoSignatory]
    partner_signatories: list[MemoSignatory]

    @property
    def signed(self) -> bool:
        return self.status == "signed"

    @property
    def agreement_status(self) -> Literal["none", "draft", "signed"]:
        """`none`, `draft` or `signed`, as the kit index shows it."""
        return "none" if self.status == "proposed" else self.status


class Plan(_Model):
    """Everything the documents for one partner and one vendor fiscal year show."""

    as_of: date
    """The date the plan was made for (the --date option); documents carry it, never today's date."""
    language: str = "en"
    """The language of the plan's texts and of the documents rendered from it (`en`, `de`, `fr`, `es`, `ja`,
    `zh-Hans`)."""
    locale: str
    """Locale for dates, numbers and money in documents (e.g. `en_GB`, `de_DE`, `ja_JP`)."""
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
    factors: list[FactorInfo]
    """The scoring factors, in the order documents show them."""
    not_offered: dict[str, str] = {}
    """Strategies that do not apply to these calendars, and why."""
    previous_mop: PreviousMop | None = None
    """The MOP agreed for the vendor's previous fiscal year, when there is one."""
    findings: list[Finding]
    """What the session should know, most severe first."""
    questions: list[Question]
    """Questions for the session, in rule order."""
    session_minutes: int
    session: SessionInfo
    objectives: list[str] = []
    """What the session must achieve, written to the partner (the agenda prints them)."""
    prereads: list[str] = []
    """What the partner should bring to the session."""
    next_steps: list[NextStep] = []
    """What follows the session, dated."""
    planning_session: date
    """When to hold the joint planning session for this year (the calendar's event when `session` has no date)."""
    agenda: list[AgendaItem]
    """Timed sections of the session, each with its questions."""
    memo: MemoTerms
    """What the agreement memo prints: the recommendation, or the agreement once there is one."""

    @property
    def recommended_option(self) -> MopOption:
        return self.option(self.recommended)

    @property
    def commitments(self) -> list[Commitment]:
        """What each side undertakes in the memo."""
        return self.memo.commitments

    def option(self, strategy: str) -> MopOption:
        """The option of `strategy`; PlanningError naming the strategies there are."""
        for option in self.options:
            if option.strategy == strategy:
                return option
        raise PlanningError(f"unknown strategy {strategy!r}; expected one of: "
                            f"{', '.join(o.strategy for o in self.options)}")

    @property
    def speaks(self) -> Language:
        """The language of the plan's texts with the locale of its dates (for `workshop.i18n.speaking`)."""
        return Language(self.language, self.locale)

    def with_memo(self, memo: MemoTerms) -> Plan:
        """This plan with the memo printing `memo` (e.g. an agreement's terms)."""
        return self.model_copy(update={"memo": memo})

    def to_json(self) -> str:
        """The plan as stable, pretty-printed JSON (same plan, same bytes)."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of a Plan, as `workshop plan --json` prints it."""
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


Audience = Literal["partner", "vendor"]


def own_language(vendor: Profile, settings: Settings) -> str:
    """The vendor's language: its profile's `language`, else that of its `locale` setting (en_GB: en)."""
    return vendor.language or settings.locale.split("_")[0]


def document_language(vendor: Profile, partner: Profile, settings: Settings, audience: Audience = "partner", *,
                      override: bool = True) -> Language:
    """The language a document for `audience` is written in, with the locale of its dates and numbers.

    The partner's documents (agenda, memo, mop.ics) are in the partner's `language` (else the vendor's),
    dated the way the partner's country writes dates; the vendor's own (briefing pack, kit index) in
    the vendor's language, dated by its `locale` setting. `--language` (`settings.language`) wins for
    both unless `override` is False (the vendor's column of a bilingual memo).
    """
    mine = own_language(vendor, settings)
    if override and settings.language:
        tag = settings.language
    elif audience == "partner":
        tag = partner.language or mine
    else:
        tag = mine
    shipped = language_of(tag).tag

    def spoken_in(country: str | None) -> str | None:
        return f"{shipped.replace('-', '_')}_{country}" if country else None

    if audience == "partner":
        regions = [spoken_in(partner.country), settings.locale, spoken_in(vendor.country)]
    else:
        regions = [settings.locale, spoken_in(vendor.country)]
    return language_of(tag, region_from=regions)


def planned_year(vendor: Profile, settings: Settings) -> int:
    """The vendor fiscal year a run plans: the settings' year, else the vendor's next after `as_of`."""
    if settings.fiscal_year is not None:
        return settings.fiscal_year
    return next_fiscal_year(calendar_for(vendor.fiscal_calendar), settings.as_of)


def _party(profile: Profile) -> Party:
    signatories = [Signatory(name=c.name, title=c.title) for c in profile.contacts if c.signatory]
    contacts = [Person(name=c.name, title=c.title, role=c.role, email=c.email, signatory=c.signatory)
                for c in profile.contacts]
    return Party(id=profile.id, name=profile.name, signatories=signatories, contacts=contacts,
                 region=profile.region, country=profile.country, tier=profile.tier, timezone=profile.timezone,
                 notes=profile.notes.strip())


def proposed_memo(option: MopOption, vendor: Party, partner: Party, review_cadence: str) -> MemoTerms:
    """The memo for an option nobody has agreed yet: its periods and commitments, blank signature lines."""
    return MemoTerms(
        status="proposed", strategy=option.strategy, title=option.title, rationale=option.rationale,
        periods=option.periods, start=option.start, end=option.end, halves=option.halves, handover=option.handover,
        commitments=option.commitments, review_cadence=review_cadence,
        vendor_signatories=[MemoSignatory(name=s.name, title=s.title) for s in vendor.signatories],
        partner_signatories=[MemoSignatory(name=s.name, title=s.title) for s in partner.signatories],
    )


def plan_partnership(vendor: VendorProfile, partner: Profile, settings: Settings | None = None, *,
                     as_of: date | None = None, fiscal_year: int | None = None,
                     rule_packs: list[LoadedPack] | None = None, previous: PreviousMop | None = None,
                     language: Language | str | None = None, audience: Audience = "partner") -> Plan:
    """Compute the Plan for one partner and one vendor fiscal year, its texts in one language.

    `settings` default to those of the vendor's own file (vendor.yaml), with `as_of` and
    `fiscal_year` over them; `rule_packs` to the built-in packs plus the settings' rule packs.
    `previous` is last year's agreed MOP, when there is one (see `workshop.agreements`).
    The texts are in `language` (a tag such as `de`, or a Language), else in the language of the
    documents for `audience` (`document_language`): by default the partner's, as for the memo.
    """
    if settings is None:
        settings = settings_for(vendor, as_of=as_of, fiscal_year=fiscal_year)
    elif as_of is not None or fiscal_year is not None:
        settings = settings.replace(**{k: v for k, v in (("as_of", as_of), ("fiscal_year", fiscal_year)) if v})
    if isinstance(language, str):
        speaks = language_of(language, region_from=[f"{language_of(language).tag.replace('-', '_')}_{partner.country}",
                                                    settings.locale])
    else:
        speaks = language or document_language(vendor, partner, settings, audience)
    with speaking(speaks):
        return _plan(vendor, partner, settings, speaks, rule_packs, previous)


def _plan(vendor: VendorProfile, partner: Profile, settings: Settings, speaks: Language,
          rule_packs: list[LoadedPack] | None, previous: PreviousMop | None) -> Plan:
    year = planned_year(vendor, settings)
    if not FIRST_YEAR + 2 <= year <= LAST_YEAR - 2:
        raise PlanningError(f"fiscal year {year} is outside the supported range")
    packs = rule_packs if rule_packs is not None else _rule_packs(settings)
    vendor_span = calendar_for(vendor.fiscal_calendar).year(year).span
    seasons = season_table(settings.season_tables())
    vendor_side = Side.from_profile(vendor, "vendor", vendor_span, seasons)
    partner_side = Side.from_profile(partner, "partner", vendor_span, seasons)

    facts = compute_facts(vendor, partner, vendor_side, partner_side, year)
    options, not_offered = mop_options(vendor_side, partner_side, year)
    weights = settings.weights()
    at_risk = {d.expected_close: d.name for d in facts.deals if d.at_risk}
    score_options(options, vendor_side, partner_side, year, weights, at_risk)
    best, reason = recommend(options, weights, vendor=vendor_side, partner=partner_side, deals_at_risk=at_risk)
    actors = (Actor(vendor_side, _owner(vendor)), Actor(partner_side, _owner(partner)))
    previous_span = DateRange(previous.start, previous.end) if previous is not None else None
    mop = [
        MopOption(
            strategy=o.strategy, title=o.title, score=o.score, factors=o.factors, rationale=o.rationale,
            periods=[MopPeriod(name=p.name, start=p.start, end=p.end, note=p.note,
                               status=period_status(p.start, p.end, settings.as_of)) for p in o.periods],
            start=o.span.start, end=o.span.end,
            halves=[MopHalf(name=h.name, start=h.start, end=h.end, kicked_off_by=h.kicked_off_by) for h in o.halves],
            handover=handover(o.periods, settings.as_of, vendor_span.end),
            continuity=continuity(o, previous_span),
            gap_days=(o.span.start - previous_span.end).days - 1 if previous_span is not None else None,
            commitments=draft_commitments([(p.name, p.start, p.end) for p in o.periods], o.kickoffs, *actors,
                                          settings.as_of),
        )
        for o in options
    ]
    chosen = next(o for o in mop if o.strategy == best.strategy)
    others = [o for o in mop if o is not chosen]
    runner_up = max(others, key=lambda o: o.score) if others else chosen
    facts_dict = facts.model_dump()
    context = {
        "facts": facts_dict, "vendor": facts_dict["vendor"], "partner": facts_dict["partner"],
        "recommended": chosen.model_dump(), "runner_up": runner_up.model_dump(), "recommendation": reason,
        "options": [o.model_dump() for o in mop], "not_offered": not_offered,
        "previous": previous.model_dump() if previous is not None else None, "locale": speaks.locale,
        "language": speaks.tag,
    }
    findings, questions = apply_rules(packs, context)
    vendor_party, partner_party = _party(vendor), _party(partner)
    session = session_info(partner.session, partner.timezone, vendor.timezone, settings.session_minutes)
    review_cadence = settings.review_cadence_text()
    memo = proposed_memo(chosen, vendor_party, partner_party, review_cadence)
    return Plan(
        as_of=settings.as_of,
        language=speaks.tag,
        locale=speaks.locale,
        fiscal_year=year,
        vendor=vendor_party,
        partner=partner_party,
        review_cadence=review_cadence,
        facts=facts,
        options=mop,
        recommended=best.strategy,
        recommendation=reason,
        factors=[FactorInfo(key=f.key, name=_(f.name), heading=_(f.heading), description=_(f.description))
                 for f in FACTORS],
        not_offered=not_offered,
        previous_mop=previous,
        findings=findings,
        questions=questions,
        session_minutes=session.minutes,
        session=session,
        objectives=objectives(vendor.name, facts.vendor_year, facts.partner.fiscal_years, facts.profile_gaps),
        prereads=prereads(facts.partner.fiscal_years),
        next_steps=next_steps(session.date, settings.as_of, vendor_side, memo.start, memo.commitments),
        planning_session=planning_session_date(vendor_side, vendor_span.start),
        agenda=build_agenda(questions, session.minutes),
        memo=memo,
    )


@dataclass(frozen=True)
class Plans:
    """One partner's plan in each language its documents are written in: the partner's documents'
    (agenda, memo, mop.ics), the vendor's own (briefing, plan.json, the kit index) and, for a bilingual
    memo, the vendor's language beside the partner's. The same object where two languages are one."""

    partner: Plan
    vendor: Plan
    counterpart: Plan | None = None
    """The plan in the vendor's own language for a bilingual memo (None: the memo is in one language)."""

    def for_audience(self, audience: Audience) -> Plan:
        return self.partner if audience == "partner" else self.vendor

    def map(self, change) -> Plans:
        """These plans with `change(plan)` applied to each (once to a plan that serves several audiences)."""
        done: dict[int, Plan] = {}

        def changed(plan: Plan | None) -> Plan | None:
            if plan is None:
                return None
            if id(plan) not in done:
                done[id(plan)] = change(plan)
            return done[id(plan)]

        return Plans(changed(self.partner), changed(self.vendor), changed(self.counterpart))  # type: ignore[arg-type]


def plan_languages(vendor: VendorProfile, partner: Profile, settings: Settings, *,
                   previous: PreviousMop | None = None) -> Plans:
    """The plans of one partner's kit, one per language its documents need (see `document_language`);
    the memo is bilingual when the settings ask for it and the partner's language is not the vendor's."""
    made: dict[Language, Plan] = {}

    def plan_in(language: Language) -> Plan:
        if language not in made:
            made[language] = plan_partnership(vendor, partner, settings, previous=previous, language=language)
        return made[language]

    partner_plan = plan_in(document_language(vendor, partner, settings, "partner"))
    vendor_plan = plan_in(document_language(vendor, partner, settings, "vendor"))
    counterpart = None
    if settings.bilingual:
        own = document_language(vendor, partner, settings, "vendor", override=False)
        if own.tag != partner_plan.language:
            counterpart = plan_in(own)
    return Plans(partner_plan, vendor_plan, counterpart)


def _owner(profile: Profile) -> str | None:
    """Who carries a side's commitments: its first contact in a sales role, else its first signatory."""
    for wanted in (lambda c: is_key_role(c.role), lambda c: c.signatory):
        for contact in profile.contacts:
            if wanted(contact):
                return contact.name
    return None


def _rule_packs(settings: Settings) -> list[LoadedPack]:
    """Built-in packs, then the settings' (vendor.yaml's `rules`, then --rules); loaded once per process."""
    return rule_packs(settings.rule_paths)
