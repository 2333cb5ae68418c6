"""The session's agenda (sections, who leads them, their timing) and the dated commitments of a MOP
agreement: what both sides undertake, and when the joint planning session happens."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Literal

from pydantic import BaseModel, ConfigDict

from .facts import MONTHS, Facts, Side

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


class Commitment(_Model):
    """Something one side (or both) undertakes in the agreement memo."""

    party: Literal["vendor", "partner", "both"]
    text: str


def _working_days_before(day: date, count: int, closed: frozenset[date]) -> date:
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            count -= 1
    return day


def draft_commitments(facts: Facts, period_ends: list[date], vendor: Side, partner: Side) -> list[Commitment]:
    """The commitments a MOP agreement usually carries, dated from the proposed periods."""
    closed = vendor.holidays | partner.holidays
    forecast_days = [_working_days_before(end, 5, closed) for end in period_ends]
    dates = ", ".join(f"{d.day} {MONTHS[d.month - 1][:3]}" for d in forecast_days)
    commitments = [
        Commitment(party="partner", text=f"Share a committed forecast for each MOP period five working days before "
                                         f"it ends ({dates})."),
        Commitment(party="vendor", text="Decide deal registrations and special pricing for committed deals within "
                                        "two working days, and before the MOP period ends."),
        Commitment(party="both", text="Review the joint pipeline together in the last two weeks of every MOP period "
                                      "and agree the next period's top deals."),
    ]
    # Worded for the memo, which names the parties once ("the Vendor", "the Partner").
    if facts.vendor.annual_planning_month:
        commitments.append(Commitment(
            party="vendor", text=f"Invite the Partner to its annual planning in "
                                 f"{MONTHS[facts.vendor.annual_planning_month - 1]}."))
    if facts.partner.annual_planning_month:
        commitments.append(Commitment(
            party="partner", text=f"Invite the Vendor to its annual planning in "
                                  f"{MONTHS[facts.partner.annual_planning_month - 1]}."))
    return commitments


def first_working_day(day: date) -> date:
    """`day`, or the Monday after it when it falls on a weekend (public holidays are not known here)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def planning_session_date(planning_month: int | None, year_start: date) -> date:
    """When to hold the joint planning session for the vendor year starting on `year_start`.

    The first working day of the vendor's annual planning month, in the last such month before the
    year starts, so the partner joins the vendor's own planning rather than reacting to its result.
    Without a planning month, six weeks before the year starts (enough time to agree a MOP
    before the first period).
    """
    month = planning_month
    if month is None:
        return first_working_day(year_start - PLANNING_FALLBACK)
    candidate = date(year_start.year, month, 1)
    if candidate >= year_start:
        candidate = date(year_start.year - 1, month, 1)
    return first_working_day(candidate)
