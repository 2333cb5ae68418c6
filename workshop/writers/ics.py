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
    """One all-day event (or run of days) on the MOP calendar."""

    key: str
    """Stable within a plan; with the plan's year and partner it makes the event's UID."""
    summary: str
    span: DateRange
    description: str = ""


def mop_events(plan: Plan) -> list[CalendarEvent]:
    """The events of the MOP calendar of a plan, in a stable order.

    Period ends are the memo's: the agreed periods when the plan carries an agreement, else the
    recommended option's. Closing windows are the last `urgency_window_weeks` of each quarter of
    the planned vendor year for the vendor, and of each partner quarter that overlaps that year for
    the partner (its fiscal years need not line up).
    """
    events: list[CalendarEvent] = []
    memo = plan.memo
    for number, period in enumerate(memo.periods, start=1):
        events.append(CalendarEvent(
            key=f"mop-end-{number}",
            summary=f"{period.name} ends",
            span=DateRange(period.end, period.end),
            description=f"{memo.title}: {period.name} runs {period.start} to {period.end}.",
        ))
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
    events.append(CalendarEvent(
        key="planning-session",
        summary=f"Joint planning session: {plan.vendor.name} and {plan.partner.name}",
        span=DateRange(plan.planning_session, plan.planning_session),
        description=f"Agree the Mutual Operating Period for vendor FY{plan.fiscal_year}, "
                    f"which starts {plan.facts.vendor_year_start}.",
    ))
    return events


def mop_calendar(plan: Plan) -> bytes:
    """The MOP calendar of a plan as .ics bytes; the same plan always gives the same bytes.

    UIDs derive from the year, the partner and the event, and DTSTAMP is the plan's `as_of`
    date, so re-importing an updated calendar replaces events instead of duplicating them.
    """
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"MOP FY{plan.fiscal_year}: {plan.vendor.name} and {plan.partner.name}")
    stamp = datetime.combine(plan.as_of, time(0, 0), tzinfo=timezone.utc)
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
        calendar.add_component(event)
    return calendar.to_ical()


def render(plan: Plan, settings: Settings) -> bytes:
    return mop_calendar(plan)


WRITER = PlanWriter("ics", "mop.ics", render)
