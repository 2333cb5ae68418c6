"""mop.ics: the MOP calendar of a plan (period ends, both sides' closing windows, the planning
session) as iCalendar, to import into Outlook or Google Calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from ..fiscal import DateRange
from ..i18n import N_, _, commitment, fill, join, long_date, pgettext, plural, speaking
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
    "forecast": N_("Forecast due from %(partner)s"),
    "review": N_("Joint pipeline review"),
    "kick-off": N_("Joint MOP kick-off"),
    "planning": N_("%(party)s annual planning: invite %(other)s"),
}
"""Event titles of the built-in commitments, in English (translated in the plan's language)."""


def mop_events(plan: Plan) -> list[CalendarEvent]:
    """The all-day events of the MOP calendar of a plan, in a stable order: the memo's period ends and
    dated commitments (the agreed ones once there is an agreement) and both sides' closing windows.
    Nothing that is over by the plan date is announced again. In the plan's language."""
    with speaking(plan.speaks):
        return _events(plan)


def _events(plan: Plan) -> list[CalendarEvent]:
    events: list[CalendarEvent] = []
    memo = plan.memo
    for number, period in enumerate(memo.periods, start=1):
        events.append(CalendarEvent(
            key=f"mop-end-{number}",
            summary=_("%(period)s ends") % {"period": period.name},
            span=DateRange(period.end, period.end),
            description=_("%(title)s: %(period)s runs %(start)s to %(end)s.") % {
                "title": memo.title, "period": period.name, "start": long_date(period.start),
                "end": long_date(period.end)},
        ))
    names = {"vendor": plan.vendor.name, "partner": plan.partner.name}
    for index, promise in enumerate(memo.commitments, start=1):
        for number, due in enumerate(promise.dates, start=1):
            party = names.get(promise.party, _("Both teams"))
            other = names["partner" if promise.party == "vendor" else "vendor"]
            title = COMMITMENT_SUMMARIES.get(promise.kind, N_("%(party)s: commitment"))
            summary = _(title) % {"partner": plan.partner.name, "party": party, "other": other}
            if due.period:
                summary += _(" (%(period)s)") % {"period": due.period}
            frame = (pgettext("both parties", "%(who)s will %(text)s") if promise.party == "both"
                     else pgettext("one party", "%(who)s will %(text)s"))
            description = frame % {"who": party, "text": commitment(promise.text)}
            if promise.owners:
                description += " " + _("Carried by %(people)s.") % {"people": join(promise.owners)}
            if due.note:
                description += " " + _("%(day)s is %(note)s") % {"day": long_date(due.day), "note": due.note} + "."
            events.append(CalendarEvent(key=f"commitment-{index}-{number}", summary=summary,
                                        span=DateRange(due.day, due.day), reminder_days=2,
                                        description=description))
    for role, side in (("vendor", plan.facts.vendor), ("partner", plan.facts.partner)):
        for quarter in side.quarters:
            if quarter.urgency_start is None:
                continue
            company = {"company": side.name, "quarter": quarter.label}
            events.append(CalendarEvent(
                key=f"urgency-{role}-{quarter.fiscal_year}-q{quarter.number}",
                summary=_("%(company)s: %(quarter)s closing window") % company,
                span=DateRange(quarter.urgency_start, quarter.end),
                description=fill(_("The last %(weeks)s of %(company)s's %(quarter)s, which ends %(end)s."), {
                    **company, "weeks": plural(side.urgency_window_weeks, "week"), "end": long_date(quarter.end)}),
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
    names = {"vendor": plan.vendor.name, "partner": plan.partner.name}
    event.add("summary", _("Joint planning session: %(vendor)s and %(partner)s") % names)
    if s.place:
        event.add("location", s.place)
    if s.video:
        event.add("url", s.video)
    agenda = pgettext("between notes", "; ").join(_("%(title)s (%(minutes)s min)") % {"title": item.title,
                                                                                       "minutes": item.minutes}
                                                 for item in plan.agenda)
    description = fill(_("Agree the Mutual Operating Period for %(vendor)s's %(year)s."),
                       {"vendor": plan.vendor.name, "year": plan.facts.vendor_year})
    if s.video:
        description += " " + _("Video: %(link)s.") % {"link": s.video}
    event.add("description", description + " " + _("Agenda: %(items)s.") % {"items": agenda})
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
    with speaking(plan.speaks):
        return _calendar(plan)


def _calendar(plan: Plan) -> bytes:
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("MOP %(year)s: %(vendor)s and %(partner)s") % {
        "year": plan.facts.vendor_year, "vendor": plan.vendor.name, "partner": plan.partner.name})
    stamp = datetime.combine(plan.as_of, time(0, 0), tzinfo=timezone.utc)
    s = plan.session
    if s.date is not None and s.start and s.timezone and s.date >= plan.as_of:
        calendar.add_component(_session_event(plan, stamp))
        calendar.add_missing_timezones()  # a VTIMEZONE for the session's zone, as Outlook expects
    else:
        calendar.add("x-wr-caldesc", _("No joint planning session is booked yet: add `session:` with its date, start and "
                                       "time zone to the partner's profile."))
    for item in _events(plan):
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


WRITER = PlanWriter("ics", "mop.ics", render, audience="partner")
