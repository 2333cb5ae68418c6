"""The session's agenda (sections, who leads them, their timing) and the dated commitments of a MOP
agreement: what both sides undertake, and when the joint planning session happens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Literal

from pydantic import BaseModel, ConfigDict

from .facts import MONTHS, Side, planning_start
from .fiscal import DateRange

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
    Section(id="opening", title="Welcome and objectives", owner="vendor", fixed_minutes=10),
    Section(id="their-year", title="Your fiscal year and planning cycle", owner="partner"),
    Section(id="calendar", title="Quarter ends and closing pressure", owner="both"),
    Section(id="planning", title="Annual planning alignment", owner="both"),
    Section(id="availability", title="Holidays, blackouts and availability", owner="partner"),
    Section(id="pipeline", title="Joint pipeline", owner="both"),
    Section(id="mop", title="Choosing our Mutual Operating Period", owner="both"),
    Section(id="close", title="Commitments and next steps", owner="both", fixed_minutes=10),
]
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
        agenda.append(AgendaItem(section=section.id, title=section.title, owner=section.owner, minutes=length,
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


def _short(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def _away_note(actor: Actor, day: date, wanted: date) -> str:
    if day == wanted:
        return ""
    span = next((s for s in actor.absences if wanted in s), None)
    if span is not None:
        return f"brought forward from {_short(wanted)}: {actor.owner} is away {_short(span.start)} to {_short(span.end)}"
    return f"brought forward from {_short(wanted)}: not a working day"


def _acting_day(wanted: date, actors: list[Actor]) -> tuple[date, str]:
    """`wanted`, or the last day before it on which every actor works and its owner is there."""
    day = wanted
    while any(not a.side.working.is_working_day(day) or any(day in s for s in a.absences) for a in actors):
        day -= timedelta(days=1)
    notes = [n for a in actors if (n := _away_note(a, day, wanted))]
    return day, notes[0] if notes else ""


def _common_working_days_before(end: date, count: int, actors: list[Actor]) -> date:
    day = end
    while count:
        day -= timedelta(days=1)
        if all(a.side.working.is_working_day(day) for a in actors):
            count -= 1
    return day


def _dates_text(dates: list[CommitmentDate]) -> str:
    text = ", ".join(_short(d.day) for d in dates)
    moved = [d for d in dates if d.note]
    if moved:
        text += "; " + "; ".join(f"{_short(d.day)} is {d.note}" for d in moved)
    return text


def draft_commitments(periods: list[tuple[str, date, date]], kickoffs: list[date], vendor: Actor, partner: Actor,
                      as_of: date) -> list[Commitment]:
    """The commitments a MOP agreement usually carries, dated from the periods (name, start, end):
    every date on a working day of the side that acts, outside the absences of the person named."""
    forecasts = []
    for name, _, end in periods:
        wanted = partner.side.working.working_days_before(end, 5)
        day, note = _acting_day(wanted, [partner])
        forecasts.append(CommitmentDate(day=day, period=name, note=note))
    reviews = []
    for name, start, end in periods:
        wanted = max(start, _common_working_days_before(end, 5, [vendor, partner]))
        day, note = _acting_day(wanted, [vendor, partner])
        reviews.append(CommitmentDate(day=day, period=name, note=note))
    in_last_two_weeks = all((end - r.day).days < 14 for r, (_, _, end) in zip(reviews, periods))
    starts = []
    for kickoff in kickoffs:
        day = kickoff
        while not all(a.side.working.is_working_day(day) for a in (vendor, partner)):
            day += timedelta(days=1)
        starts.append(CommitmentDate(day=day, period=next((n for n, s, e in periods if s <= day <= e), "")))
    owners = [a.owner for a in (vendor, partner) if a.owner]
    commitments = [
        Commitment(party="partner", kind="forecast", owners=[partner.owner] if partner.owner else [], dates=forecasts,
                   text=f"Share a committed forecast for each MOP period five working days before it ends "
                        f"({_dates_text(forecasts)})."),
        Commitment(party="vendor", kind="deal-desk", owners=[vendor.owner] if vendor.owner else [],
                   text="Decide deal registrations and special pricing for committed deals within two working "
                        "days, and before the MOP period ends."),
        Commitment(party="both", kind="review", owners=owners, dates=reviews,
                   text=f"Review the joint pipeline together {'in the last two weeks of' if in_last_two_weeks else 'before the end of'} "
                        f"every MOP period ({_dates_text(reviews)}) and agree the next period's top deals."),
        Commitment(party="both", kind="kick-off", owners=owners, dates=starts,
                   text=f"Start {'each MOP' if len(starts) > 1 else 'the MOP year'} with a joint kick-off "
                        f"({', '.join(_short(d.day) for d in starts)})."),
    ]
    # Worded for the memo, which names the parties once ("the Vendor", "the Partner").
    for actor, party, other in ((vendor, "vendor", "Partner"), (partner, "partner", "Vendor")):
        start = next_planning(actor.side.planning_month, as_of)
        if start is not None:
            commitments.append(Commitment(
                party=party, kind="planning", owners=[actor.owner] if actor.owner else [],
                dates=[CommitmentDate(day=_first_working_on_or_after(start, actor))],
                text=f"Invite the {other} to its annual planning in {MONTHS[start.month - 1]} {start.year}."))
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
