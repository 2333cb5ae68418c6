"""The session's agenda (sections, who leads them, their timing) and the dated commitments of a MOP
agreement: what both sides undertake, and when the joint planning session happens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Literal

from pydantic import BaseModel, ConfigDict

from .facts import Side, planning_start
from .fiscal import DateRange
from .i18n import N_, _, fill, join, month_year, pgettext, short_date, short_day_month, year_comes_first

PLANNING_FALLBACK = timedelta(weeks=6)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Section(_Model):
    """One agenda section: rules file their questions under it."""

    id: str
    title: str
    owner: Literal["vendor", "partner", "both"]
    """Which side leads the section."""
    weight: float = 1.0
    """Relative share of the session time before questions are counted."""
    fixed_minutes: int | None = None
    """Minutes this section always gets (opening and close), whatever the questions."""


SECTIONS = [
    Section(id="opening", title=N_("Welcome and objectives"), owner="vendor", fixed_minutes=10),
    Section(id="their-year", title=N_("Your fiscal year and planning cycle"), owner="partner"),
    Section(id="calendar", title=N_("Quarter ends and closing pressure"), owner="both"),
    Section(id="planning", title=N_("Annual planning alignment"), owner="both"),
    Section(id="availability", title=N_("Holidays, blackouts and availability"), owner="partner"),
    Section(id="pipeline", title=N_("Joint pipeline"), owner="both"),
    Section(id="mop", title=N_("Choosing our Mutual Operating Period"), owner="both"),
    Section(id="close", title=N_("Commitments and next steps"), owner="both", fixed_minutes=10),
]
"""The sections in agenda order; titles in English, translated when an agenda is built."""
SECTION_IDS = tuple(s.id for s in SECTIONS)


class AgendaItem(_Model):
    """One timed section of the session."""

    section: str
    """Section id."""
    title: str
    owner: Literal["vendor", "partner", "both"]
    minutes: int
    start_minute: int
    """Minutes from the start of the session."""
    questions: list[str]


def build_agenda(questions: Iterable[Any], minutes: int) -> list[AgendaItem]:
    """Share the session's minutes among the sections that have questions, in agenda order.

    Opening and close get their fixed time; the rest is shared in proportion to each section's
    questions (at least 10 minutes each), in 5-minute steps that add up to the whole session.
    """
    questions = list(questions)
    by_section = {s.id: [q.text for q in questions if q.section == s.id] for s in SECTIONS}
    used = [s for s in SECTIONS if s.fixed_minutes or by_section[s.id]]
    if not any(by_section[s.id] for s in used if not s.fixed_minutes):
        used = [s for s in SECTIONS if s.fixed_minutes or s.id == "mop"]
    fixed = sum(s.fixed_minutes or 0 for s in used)
    flexible = [s for s in used if not s.fixed_minutes]
    available = max(0, minutes - fixed)
    weights = {s.id: 1 + len(by_section[s.id]) for s in flexible}
    total = sum(weights.values()) or 1
    shares = {sid: max(10, 5 * round(available * w / total / 5)) for sid, w in weights.items()}
    # Make the shares add up exactly, taking from or giving to the biggest sections first.
    difference = available - sum(shares.values())
    for sid in sorted(shares, key=lambda k: (-shares[k], SECTION_IDS.index(k))) * 20:
        if difference == 0:
            break
        step = 5 if difference > 0 else -5
        if abs(difference) < 5:
            step = difference
        if shares[sid] + step >= 5:
            shares[sid] += step
            difference -= step
    agenda, clock = [], 0
    for section in used:
        length = section.fixed_minutes or shares[section.id]
        agenda.append(AgendaItem(section=section.id, title=_(section.title), owner=section.owner, minutes=length,
                                 start_minute=clock, questions=by_section[section.id]))
        clock += length
    return agenda


class CommitmentDate(_Model):
    """One dated occurrence of a commitment: a forecast due, a pipeline review, a kick-off."""

    day: date
    period: str = ""
    """The MOP period it belongs to, if it belongs to one."""
    note: str = ""
    """Why the day is earlier than the rule that sets it would put it (a person away, a closure)."""


class Commitment(_Model):
    """Something one side (or both) undertakes in the agreement memo."""

    party: Literal["vendor", "partner", "both"]
    text: str
    """A sentence starting with a verb, worded for the memo ("the Vendor", "the Partner")."""
    kind: str = ""
    """`forecast`, `deal-desk`, `review`, `kick-off` or `planning` for the built-in ones."""
    owners: list[str] = []
    """The people who carry it: one per side that acts, where the profiles name them."""
    dates: list[CommitmentDate] = []
    """When it falls due, each on a working day of the side that acts."""


@dataclass(frozen=True)
class Actor:
    """A side as commitments see it: its working days and the person who carries its commitments."""

    side: Side
    owner: str | None = None

    @property
    def absences(self) -> list[DateRange]:
        return [a.span for a in self.side.away if a.person == self.owner]


def _moved_note(actors: list[Actor], day: date, wanted: date) -> str:
    """Why a commitment falls on `day` and not on `wanted`: the absence of the first actor's owner away on
    `wanted`, else that `wanted` is not a working day of a side that acts."""
    if day == wanted:
        return ""
    for actor in actors:
        span = next((s for s in actor.absences if wanted in s), None)
        if span is not None:
            return _("brought forward from %(day)s: %(person)s is away %(start)s to %(end)s") % {
                "day": short_date(wanted), "person": actor.owner, "start": short_date(span.start),
                "end": short_date(span.end)}
    return _("brought forward from %(day)s: not a working day") % {"day": short_date(wanted)}


def _acting_day(wanted: date, actors: list[Actor]) -> tuple[date, str]:
    """`wanted`, or the last day before it on which every actor works and its owner is there."""
    day = wanted
    while any(not a.side.working.is_working_day(day) or any(day in s for s in a.absences) for a in actors):
        day -= timedelta(days=1)
    return day, _moved_note(actors, day, wanted)


def _common_working_days_before(end: date, count: int, actors: list[Actor]) -> date:
    day = end
    while count:
        day -= timedelta(days=1)
        if all(a.side.working.is_working_day(day) for a in actors):
            count -= 1
    return day


def _dates_text(dates: list[CommitmentDate]) -> str:
    """`23 Jun, 22 Sept, 21 Dec 2027, 24 Mar 2028`: each year said once, with its last day (with its first
    where the language writes the year first: `2027/06/23、9月22日、12月21日`)."""
    parts = []
    first = year_comes_first()
    for index, d in enumerate(dates):
        neighbour = index - 1 if first else index + 1
        says_year = not 0 <= neighbour < len(dates) or dates[neighbour].day.year != d.day.year
        parts.append(short_date(d.day) if says_year else short_day_month(d.day))
    text = pgettext("between dates", ", ").join(parts)
    moved = [d for d in dates if d.note]
    for d in moved:
        text += pgettext("between notes", "; ") + _("%(day)s is %(note)s") % {"day": short_date(d.day), "note": d.note}
    return text


def draft_commitments(periods: list[tuple[str, date, date]], kickoffs: list[date], vendor: Actor, partner: Actor,
                      as_of: date) -> list[Commitment]:
    """The commitments a MOP agreement usually carries, dated from the periods (name, start, end):
    every date on a working day of the side that acts, outside the absences of the person named."""
    forecasts = []
    for name, _start, end in periods:
        wanted = partner.side.working.working_days_before(end, 5)
        day, note = _acting_day(wanted, [partner])
        forecasts.append(CommitmentDate(day=day, period=name, note=note))
    reviews = []
    for name, start, end in periods:
        wanted = max(start, _common_working_days_before(end, 5, [vendor, partner]))
        day, note = _acting_day(wanted, [vendor, partner])
        reviews.append(CommitmentDate(day=day, period=name, note=note))
    in_last_two_weeks = all((end - r.day).days < 14 for r, (_name, _start, end) in zip(reviews, periods))
    starts = []
    for kickoff in kickoffs:
        day = kickoff
        while not all(a.side.working.is_working_day(day) for a in (vendor, partner)):
            day += timedelta(days=1)
        starts.append(CommitmentDate(day=day, period=next((n for n, s, e in periods if s <= day <= e), "")))
    owners = [a.owner for a in (vendor, partner) if a.owner]
    # Each text follows "<party> will" in the memo (translations: the form their memo sentence takes).
    review = (_("Review the joint pipeline together in the last two weeks of every MOP period (%(dates)s) and "
                "agree the next period's top deals.") if in_last_two_weeks else
              _("Review the joint pipeline together before the end of every MOP period (%(dates)s) and agree the "
                "next period's top deals."))
    kickoff = (_("Start each MOP with a joint kick-off (%(dates)s).") if len(starts) > 1 else
               _("Start the MOP year with a joint kick-off (%(dates)s)."))
    commitments = [
        Commitment(party="partner", kind="forecast", owners=[partner.owner] if partner.owner else [], dates=forecasts,
                   text=_("Share a committed forecast for each MOP period five working days before it ends "
                          "(%(dates)s).") % {"dates": _dates_text(forecasts)}),
        Commitment(party="vendor", kind="deal-desk", owners=[vendor.owner] if vendor.owner else [],
                   text=_("Decide deal registrations and special pricing for committed deals within two working "
                          "days, and before the MOP period ends.")),
        Commitment(party="both", kind="review", owners=owners, dates=reviews,
                   text=review % {"dates": _dates_text(reviews)}),
        Commitment(party="both", kind="kick-off", owners=owners, dates=starts,
                   text=kickoff % {"dates": pgettext("between dates", ", ").join(short_date(d.day) for d in starts)}),
    ]
    # Worded for the memo, which names the parties once ("the Vendor", "the Partner").
    invitations = {"vendor": N_("Invite the Partner to its annual planning in %(month)s."),
                   "partner": N_("Invite the Vendor to its annual planning in %(month)s.")}
    for actor, party in ((vendor, "vendor"), (partner, "partner")):
        start = next_planning(actor.side.planning_month, as_of)
        if start is not None:
            commitments.append(Commitment(
                party=party, kind="planning", owners=[actor.owner] if actor.owner else [],
                dates=[CommitmentDate(day=_first_working_on_or_after(start, actor))],
                text=_(invitations[party]) % {"month": month_year(start)}))
    return commitments


def _first_working_on_or_after(day: date, actor: Actor) -> date:
    """The first day from `day` on which the actor's side works and its owner is there."""
    while not actor.side.working.is_working_day(day) or any(day in s for s in actor.absences):
        day += timedelta(days=1)
    return day


def next_planning(month: int | None, as_of: date) -> date | None:
    """The first day of the next planning month after `as_of` (one under way on `as_of` has begun
    without the agreement; the next one is the one both sides can still plan for)."""
    if month is None:
        return None
    year = as_of.year if month > as_of.month else as_of.year + 1
    return date(year, month, 1)


def planning_session_date(side: Side, year_start: date) -> date:
    """When to hold the joint planning session for the vendor year starting on `year_start`: the first
    working day of the vendor's planning month that plans that year (its occurrence nearest the start,
    or as the profile's `planning.timing` says), so the partner joins the vendor's own planning rather
    than reacting to its result. Without a planning month, six weeks before the year starts."""
    start = planning_start(side.planning_month, year_start, side.planning_timing)
    day = start if start is not None else year_start - PLANNING_FALLBACK
    while not side.working.is_working_day(day):
        day += timedelta(days=1)
    return day


class SessionInfo(_Model):
    """When and where the planning session happens, in the session's own time zone and the vendor's."""

    date: date | None
    start: str | None
    end: str | None
    minutes: int
    """The session's length: from `start` to `end`, else the vendor's `session_minutes`."""
    timezone: str | None
    """The session's IANA time zone (the partner's unless the profile's `session` says otherwise)."""
    zone: str | None
    """Its abbreviation on the day, e.g. `CET`, `JST`."""
    vendor_date: date | None = None
    vendor_start: str | None = None
    vendor_end: str | None = None
    vendor_zone: str | None = None
    """The same times in the vendor's time zone, when it differs (None otherwise)."""
    place: str | None
    video: str | None


def session_info(session, partner_timezone: str | None, vendor_timezone: str | None, minutes: int) -> SessionInfo:
    """The session of a partner profile with its end and both sides' local times worked out."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    zone_name = session.timezone or partner_timezone
    start, end = session.start, session.end
    if start and end:
        minutes = max(15, _minutes(end) - _minutes(start))
    elif start:
        end = _clock(_minutes(start) + minutes)
    info = dict(date=session.date, start=start, end=end, minutes=minutes, timezone=zone_name, zone=None,
                place=session.place, video=session.video)
    if session.date is None or start is None or zone_name is None:
        return SessionInfo(**info)
    try:
        zone = ZoneInfo(zone_name)
        begins = datetime.combine(session.date, datetime.min.time(), zone).replace(
            hour=_minutes(start) // 60, minute=_minutes(start) % 60)
        info["zone"] = begins.tzname()
        if vendor_timezone and vendor_timezone != zone_name:
            there = ZoneInfo(vendor_timezone)
            local, finish = begins.astimezone(there), (begins + timedelta(minutes=minutes)).astimezone(there)
            info.update(vendor_date=local.date(), vendor_start=f"{local:%H:%M}", vendor_end=f"{finish:%H:%M}",
                        vendor_zone=local.tzname())
    except (ZoneInfoNotFoundError, ValueError):
        pass  # an unknown zone is reported by validation; the agenda then prints the times without one
    return SessionInfo(**info)


def _minutes(clock: str) -> int:
    hours, mins = map(int, clock.split(":"))
    return hours * 60 + mins


def _clock(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class NextStep(_Model):
    """Something that happens after the session, with its date once the session's date is known."""

    day: date | None
    text: str


def next_steps(session_day: date | None, as_of: date, vendor: Side, memo_start: date,
               commitments: list[Commitment]) -> list[NextStep]:
    """What follows the session, dated: the draft memo, the signatures, the MOP's start, the first forecast."""
    if session_day is None:
        steps = [NextStep(day=None, text=_("Within three working days of the session, we send you the draft agreement "
                                           "memo with the dates agreed in it.")),
                 NextStep(day=None, text=_("Within two weeks of the session, both sides sign the agreement memo."))]
        signed = as_of
    else:
        draft = vendor.working.working_days_after(session_day, 3)
        signed = vendor.working.working_days_after(draft, 7)
        steps = [NextStep(day=draft, text=_("We send you the draft agreement memo with the dates agreed in the session.")),
                 NextStep(day=signed, text=_("Both sides sign the agreement memo."))]
    if memo_start > as_of:
        steps.append(NextStep(day=memo_start, text=_("The first MOP period starts.")))
    forecasts = [d for c in commitments if c.kind == "forecast" for d in c.dates if d.day > signed]
    if forecasts:
        steps.append(NextStep(day=forecasts[0].day, text=_("Your first committed forecast is due (%(period)s).")
                              % {"period": forecasts[0].period}))
    return sorted(steps, key=lambda s: (s.day is not None, s.day or as_of))


def objectives(vendor_name: str, vendor_year: str, partner_years: list[str], profile_gaps: list[str]) -> list[str]:
    """What the session must achieve, written to the partner."""
    goals = [fill(_("Agree a Mutual Operating Period for %(company)s's %(year)s: the dates both teams commit deals by, "
                    "review the pipeline and plan together."), {"company": vendor_name, "year": vendor_year}),
             _("Line up planning: your %(years)s plans and our %(year)s plan.") % {"years": join(partner_years),
                                                                                  "year": vendor_year},
             _("Agree the top joint deals for the first MOP period and who carries each of them.")]
    if "partner_signatory" in profile_gaps:
        goals.append(_("Name who signs the MOP agreement on your side."))
    return goals


def prereads(partner_years: list[str]) -> list[str]:
    """What the partner should bring to the session."""
    return [_("Your fiscal calendar for %(years)s: quarter ends, when you plan and when the plan locks.")
            % {"years": join(partner_years)},
            _("Your team's holidays, closures and planned absences for the coming year."),
            _("Your view of the joint pipeline: deals, amounts, expected close dates and owners.")]
