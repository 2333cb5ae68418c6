"""The MOP calendar as iCalendar: period ends, both sides' urgency windows and the planning session."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from .fiscal import DateRange
from .plan import Plan
from .profiles import Profile, VendorProfile
from .rules import Side

log = logging.getLogger(__name__)

PRODID = "-//workshop//Mutual Operating Period//EN"
PLANNING_FALLBACK = timedelta(weeks=6)


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event (or run of days) on the MOP calendar."""

    key: str
    """Stable within a plan; with the plan's year and partner it makes the event's UID."""
    summary: str
    span: DateRange
    description: str = ""


def first_working_day(day: date) -> date:
    """`day`, or the Monday after it when it falls on a weekend (public holidays are not known here)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def planning_session_date(vendor: Profile, year_start: date) -> date:
    """When to hold the joint planning session for the vendor year starting on `year_start`.

    The first working day of the vendor's annual planning month, in the last such month before the
    year starts, so the partner joins the vendor's own planning rather than reacting to its result.
    Without a planning month, six weeks before the year starts (enough time to agree a MOP
    before the first period).
    """
    month = vendor.planning.annual_planning_month
    if month is None:
        return first_working_day(year_start - PLANNING_FALLBACK)
    candidate = date(year_start.year, month, 1)
    if candidate >= year_start:
        candidate = date(year_start.year - 1, month, 1)
    return first_working_day(candidate)


def mop_events(plan: Plan, vendor: VendorProfile, partner: Profile) -> list[CalendarEvent]:
    """The events of the MOP calendar of a plan, in a stable order.

    Period ends are the memo's: the agreed periods when the plan carries an agreement, else the
    recommended option's. Urgency windows are the last
    `urgency_window_weeks` of each quarter of the planned vendor year for the vendor, and of each
    partner quarter that overlaps that year for the partner (its fiscal years need not line up).
    """
    events: list[CalendarEvent] = []
    option = plan.memo_option
    for number, period in enumerate(option.periods, start=1):
        events.append(CalendarEvent(
            key=f"mop-end-{number}",
            summary=f"{period.name} ends",
            span=DateRange(period.end, period.end),
            description=f"{option.title}: {period.name} runs {period.start} to {period.end}.",
        ))
    vendor_side, partner_side = Side.from_profile(vendor), Side.from_profile(partner)
    vendor_year = vendor_side.calendar.year(plan.fiscal_year)
    sides = (
        ("vendor", plan.vendor.name, vendor_side, list(vendor_year.quarters)),
        ("partner", plan.partner.name, partner_side, partner_side.calendar.quarters_overlapping(vendor_year.span)),
    )
    for role, name, side, quarters in sides:
        for quarter in quarters:
            window = quarter.urgency_window(side.urgency_window_weeks)
            if window is None:
                continue
            events.append(CalendarEvent(
                key=f"urgency-{role}-{quarter.fiscal_year}-q{quarter.number}",
                summary=f"{name}: {quarter.label} closing window",
                span=window,
                description=f"The last {side.urgency_window_weeks} weeks of {name}'s {quarter.label}, "
                            f"which ends {quarter.end}.",
            ))
    session = planning_session_date(vendor, vendor_year.start)
    events.append(CalendarEvent(
        key="planning-session",
        summary=f"Joint planning session: {plan.vendor.name} and {plan.partner.name}",
        span=DateRange(session, session),
        description=f"Agree the Mutual Operating Period for vendor FY{plan.fiscal_year}, "
                    f"which starts {vendor_year.start}.",
    ))
    return events


def mop_calendar(plan: Plan, vendor: VendorProfile, partner: Profile) -> bytes:
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
    for item in mop_events(plan, vendor, partner):
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
