"""mop.ics: the MOP calendar of a plan (period ends, both sides' closing windows, the planning
session) as iCalendar, to import into Outlook or Google Calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from ..fiscal import DateRange
from ..plan import Plan
from ..settings import Settings
from . import PlanWriter

PRODID = "-//workshop//Mutual Operating Period//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """One event on the MOP calendar: all-day (a run of days) or, for the session, timed."""

    key: str
    """Stable within a plan; with the plan's year and partner it makes the event's UID."""
    summary: str
    span: DateRange
    description: str = ""
    reminder_days: int | None = None
    """Remind this many days before (a VALARM), for what someone must do."""


COMMITMENT_SUMMARIES = {
    "forecast": "Forecast due from {partner}",
    "review": "Joint pipeline review",
    "kick-off": "Joint MOP kick-off",
    "planning": "{party} annual planning: invite {other}",
}


def mop_events(plan: Plan) -> list[CalendarEvent]:
    """The all-day events of the MOP calendar of a plan, in a stable order: the memo's period ends and
    dated commitments (the agreed ones once there is an agreement) and both sides' closing windows.
    Nothing that is over by the plan date is announced again."""
    events: list[CalendarEvent] = []
    memo = plan.memo
    for number, period in enumerate(memo.periods, start=1):
        events.append(CalendarEvent(
            key=f"mop-end-{number}",
            summary=f"{period.name} ends",
            span=DateRange(period.end, period.end),
            description=f"{memo.title}: {period.name} runs {period.start} to {period.end}.",
        ))
    names = {"vendor": plan.vendor.name, "partner": plan.partner.name}
    for index, commitment in enumerate(memo.commitments, start=1):
        for number, due in enumerate(commitment.dates, start=1):
            party = names.get(commitment.party, "Both teams")
            other = names["partner" if commitment.party == "vendor" else "vendor"]
            summary = COMMITMENT_SUMMARIES.get(commitment.kind, "{party}: commitment").format(
                partner=plan.partner.name, party=party, other=other)
            if due.period:
                summary += f" ({due.period})"
            who = f" Carried by {' and '.join(commitment.owners)}." if commitment.owners else ""
            note = f" {due.note[:1].upper()}{due.note[1:]}." if due.note else ""
            events.append(CalendarEvent(key=f"commitment-{index}-{number}", summary=summary,
                                        span=DateRange(due.day, due.day), reminder_days=2,
                                        description=f"{party}: {commitment.text}{who}{note}"))
    for role, side in (("vendor", plan.facts.vendor), ("partner", plan.facts.partner)):
        for quarter in side.quarters:
            if quarter.urgency_start is None:
                continue
            events.append(CalendarEvent(
                key=f"urgency-{role}-{quarter.fiscal_year}-q{quarter.number}",
                summary=f"{side.name}: {quarter.label} closing window",
                span=DateRange(quarter.urgency_start, quarter.end),
                description=f"The last {side.urgency_window_weeks} weeks of {side.name}'s {quarter.label}, "
                            f"which ends {quarter.end}.",
            ))
    return [e for e in events if e.span.end >= plan.as_of]


def _session_event(plan: Plan, stamp: datetime):
    """The planning session as a timed event in its own time zone, with place, link and attendees."""
    from zoneinfo import ZoneInfo

    from icalendar import Event, vCalAddress

    s = plan.session
    zone = ZoneInfo(s.timezone)
    start = datetime.combine(s.date, time.fromisoformat(s.start), zone)
    event = Event()
    event.add("uid", f"fy{plan.fiscal_year}-{plan.partner.id}-session@workshop")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=s.minutes))
    event.add("summary", f"Joint planning session: {plan.vendor.name} and {plan.partner.name}")
    if s.place:
        event.add("location", s.place)
    if s.video:
        event.add("url", s.video)
    agenda = "; ".join(f"{item.title} ({item.minutes} min)" for item in plan.agenda)
    event.add("description", f"Agree the Mutual Operating Period for vendor FY{plan.fiscal_year}."
                             + (f" Video: {s.video}." if s.video else "") + f" Agenda: {agenda}.")
    for party in (plan.vendor, plan.partner):
        for person in party.contacts:
            if person.email:
                attendee = vCalAddress(f"mailto:{person.email}")
                attendee.params["cn"] = person.name
                attendee.params["role"] = "REQ-PARTICIPANT"
                event.add("attendee", attendee, encode=0)
    event.add("transp", "OPAQUE")
    return event


def mop_calendar(plan: Plan) -> bytes:
    """The MOP calendar of a plan as .ics bytes; the same plan always gives the same bytes.

    UIDs derive from the year, the partner and the event, and DTSTAMP is the plan's `as_of`
    date, so re-importing an updated calendar replaces events instead of duplicating them. The
    session is booked when the partner's profile gives its date, start and time zone; otherwise the
    calendar says that none is agreed yet.
    """
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"MOP FY{plan.fiscal_year}: {plan.vendor.name} and {plan.partner.name}")
    stamp = datetime.combine(plan.as_of, time(0, 0), tzinfo=timezone.utc)
    s = plan.session
    if s.date is not None and s.start and s.timezone and s.date >= plan.as_of:
        calendar.add_component(_session_event(plan, stamp))
        calendar.add_missing_timezones()  # a VTIMEZONE for the session's zone, as Outlook expects
    else:
        calendar.add("x-wr-caldesc", "No joint planning session is booked yet: add `session:` with its date, start "
                                     "and time zone to the partner's profile.")
    for item in mop_events(plan):
        event = Event()
        event.add("uid", f"fy{plan.fiscal_year}-{plan.partner.id}-{item.key}@workshop")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.span.start)
        # All-day events end on the day after the last one (RFC 5545 DTEND is exclusive).
        event.add("dtend", item.span.end + timedelta(days=1))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        event.add("transp", "TRANSPARENT")
        if item.reminder_days is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", item.summary)
            alarm.add("trigger", timedelta(days=-item.reminder_days))
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def render(plan: Plan, settings: Settings) -> bytes:
    return mop_calendar(plan)


WRITER = PlanWriter("ics", "mop.ics", render)
