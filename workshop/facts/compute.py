"""Computing the facts of a vendor/partner pair for one vendor fiscal year."""

from __future__ import annotations

from datetime import date, timedelta

from ..fiscal import DateRange, Quarter, WeeklyCalendar
from ..fiscal.workdays import WEEKDAY_NAMES
from ..i18n import _, day_month, fiscal_year, month_name, quarter, weekday_name
from ..profiles import WEEKDAYS, Profile, WeeklyCalendarSpec
from .models import (
    CollisionFact,
    CoverageFact,
    DealFact,
    Facts,
    LongYearFact,
    NamedSpan,
    PairFact,
    PlanningFacts,
    QuarterFact,
    SideFacts,
)
from .sides import Side, pair_quarters, planning_start

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
"""English month names (facts and documents use the current language's: `workshop.i18n.month_name`)."""


def _day_month(day: date) -> str:
    return day_month(day)


def _label(q) -> str:
    """A quarter's label in the current language: Q1 FY2028 / Q1 GJ 2028 / 2028年度第1四半期."""
    return quarter(q.number, q.fiscal_year)


def calendar_words(profile: Profile, side: Side, span: DateRange) -> str:
    """A fiscal calendar in words: `calendar year`, `fiscal year from 1 April to 31 March`, or a weekly
    calendar in full (`52/53-week year ending on the last Saturday of September, 4-4-5 weeks a quarter;
    FY2028 has 53 weeks, the extra week in September`)."""
    spec = profile.fiscal_calendar
    year = side.calendar.year_of(span.start)
    if not isinstance(spec, WeeklyCalendarSpec):
        if (spec.first_month, spec.first_day) == (1, 1):
            return _("calendar year")
        return _("fiscal year from %(start)s to %(end)s") % {"start": _day_month(year.start),
                                                            "end": _day_month(year.end)}
    names = {"weekday": weekday_name(WEEKDAYS.index(spec.year_end_weekday)), "month": month_name(spec.year_end_month)}
    ending = (_("the last %(weekday)s of %(month)s") if spec.year_end_rule == "last"
              else _("the %(weekday)s nearest the end of %(month)s")) % names
    pattern = (_("13 four-week periods") if spec.pattern == "13x4"
               else _("%(pattern)s weeks a quarter") % {"pattern": spec.pattern})
    words = _("52/53-week fiscal year ending on %(ending)s, %(pattern)s") % {"ending": ending, "pattern": pattern}
    for long_year in long_years(side, span):
        words += _("; %(year)s has 53 weeks, the extra week %(start)s to %(end)s (period %(period)s, Q%(quarter)s)") % {
            "year": fiscal_year(long_year.fiscal_year), "start": _day_month(long_year.extra_week_start),
            "end": _day_month(long_year.extra_week_end), "period": long_year.period, "quarter": long_year.quarter}
    return words


def long_years(side: Side, span: DateRange) -> list[LongYearFact]:
    """53-week years of a weekly calendar that overlap `span`, with where the extra week falls."""
    calendar = side.calendar
    if not isinstance(calendar, WeeklyCalendar):
        return []
    found = []
    label = calendar.year_label_of(span.start)
    while (year := calendar.year(label)).start <= span.end:
        if year.weeks == 53:
            number = sum(calendar.quarter_periods[:calendar.extra_week_quarter])
            period = year.periods[number - 1]
            found.append(LongYearFact(side=side.name, fiscal_year=year.label, weeks=53, period=number,
                                      quarter=calendar.extra_week_quarter, extra_week_start=period.end - timedelta(days=6),
                                      extra_week_end=period.end))
        label += 1
    return found


def _side_facts(profile: Profile, side: Side, span: DateRange) -> SideFacts:
    quarters = []
    for q in side.calendar.quarters_overlapping(span):
        window = q.urgency_window(side.urgency_window_weeks)
        quarters.append(QuarterFact(label=_label(q), fiscal_year=q.fiscal_year, number=q.number, start=q.start,
                                    end=q.end, urgency_start=window.start if window else None))
    year = side.calendar.year_of(span.start)
    return SideFacts(
        name=profile.name, calendar=calendar_words(profile, side, span),
        weekly=isinstance(profile.fiscal_calendar, WeeklyCalendarSpec), quarters=quarters,
        fiscal_years=list(dict.fromkeys(fiscal_year(q.fiscal_year) for q in quarters)),
        urgency_window_weeks=side.urgency_window_weeks,
        annual_planning_month=profile.planning.annual_planning_month,
        plan_lock_month=profile.planning.plan_lock_month,
        year_start_month=year.start.month, year_start=year.start,
        country=profile.country,
        weekend=[weekday_name(d) for d in sorted(side.working.weekend)],
        holidays=[NamedSpan(name=name, start=day, end=day) for day, name in sorted(side.holidays.items()) if day in span],
        blackouts=[NamedSpan(name=name, start=r.start, end=r.end) for name, r in side.blackout_ranges(span)],
        seasons=[NamedSpan(name=_(s.name), start=s.span.start, end=s.span.end) for s in side.seasons_in(span)],
        sector=profile.sector, business_model=profile.business_model,
    )


def country_name(code: str | None) -> str:
    """`Germany` for `DE`, in the current language (`Deutschland`, `ドイツ`)."""
    if code is None:
        return ""
    from babel import Locale

    from ..i18n import current

    return Locale.parse(current().locale).territories.get(code, code)


def _windows(side: Side, span: DateRange) -> list[tuple[Quarter, DateRange]]:
    found = []
    for q in side.calendar.quarters_overlapping(span):
        window = q.urgency_window(side.urgency_window_weeks)
        if window and window.overlaps(span):
            found.append((q, window))
    return found


def _events(side: Side, span: DateRange) -> list[tuple[str, str, str, DateRange, bool]]:
    """(kind, owner, name, whole range, key person) of everything on one side that can stop a close."""
    region = side.region or side.name
    blackouts = side.blackout_ranges(span)
    events = [("blackout", side.name, name, r, False) for name, r in blackouts]
    events += [("holiday", region, name, DateRange(day, day), False) for day, name in side.holidays.items()
               if day in span]
    # A season the side already lists as a blackout of its own (its Golden Week) is said once, as the blackout.
    own = {name.lower() for name, _ in blackouts}
    events += [("season", country_name(side.country), _(s.name), s.span, False) for s in side.seasons_in(span)
               if s.name.lower() not in own]
    events += [("absence", a.person, _("%(person)s away") % {"person": a.person}, a.span, a.key) for a in side.away
               if a.span.overlaps(span)]
    return events


def collisions(vendor: Side, partner: Side, span: DateRange) -> list[CollisionFact]:
    """Holidays, seasons, blackouts and absences inside either side's closing weeks within `span`.

    The vendor's own holidays and seasons matter in its own closing weeks only (its team is off);
    the partner's, and every blackout or absence, matter in both sides' closing weeks.
    """
    found = []
    for window_side in (vendor, partner):
        for quarter, window in _windows(window_side, span):
            for event_side in (vendor, partner):
                for kind, owner, name, when, key in _events(event_side, window):
                    if kind in ("holiday", "season") and event_side is vendor and window_side is not vendor:
                        continue
                    overlap = when.overlap(window)
                    if overlap is None:
                        continue
                    working = window_side.working.count(overlap) if kind != "holiday" else 1
                    found.append(CollisionFact(
                        kind=kind, owner=owner, owner_side=event_side.name, name=name, start=when.start,
                        end=when.end, window_side=window_side.name, window_quarter=_label(quarter),
                        window_start=window.start, window_end=window.end, days=overlap.days,
                        working_days=working, key_person=key))
    return sorted(found, key=lambda c: (c.start, c.window_side, c.kind, c.name))


def _deals(partner_profile: Profile, vendor: Side, partner: Side) -> list[DealFact]:
    deals = []
    everyone = list(partner.away) + list(vendor.away)  # a deal's owner may be on either side
    for deal in sorted(partner_profile.deals, key=lambda d: (d.expected_close, d.name)):
        day = deal.expected_close
        vq, pq = vendor.calendar.quarter_of(day), partner.calendar.quarter_of(day)
        vendor_window, partner_window = vendor.closing_window(day), partner.closing_window(day)
        windows = [w for w in (vendor_window, partner_window) if w is not None]
        in_vendor, in_partner = vendor_window is not None, partner_window is not None
        run_up = DateRange(min((w.start for _, w in windows), default=day), day)
        away = []
        for absence in everyone:
            # The deal's owner must be there through the closing window; the partner's other key people
            # (signatories, sales roles) on the day itself.
            owner = absence.person == deal.owner
            key = absence.key and absence in partner.away
            if (owner and absence.span.overlaps(run_up)) or (key and day in absence.span):
                if absence.person not in away:
                    away.append(absence.person)
        deals.append(DealFact(
            name=deal.name, amount=deal.amount, currency=deal.currency, expected_close=day, owner=deal.owner,
            vendor_quarter=_label(vq), partner_quarter=_label(pq), in_vendor_window=in_vendor,
            in_partner_window=in_partner, contacts_away=away, at_risk=bool(away) and bool(windows),
        ))
    return deals


def _windows_overlap(pair, vendor: Side, partner: Side) -> bool:
    mine = pair.vendor.urgency_window(vendor.urgency_window_weeks)
    theirs = pair.partner.urgency_window(partner.urgency_window_weeks)
    return mine is not None and theirs is not None and mine.overlaps(theirs)


def coverage(vendor: Side, partner: Side, span: DateRange) -> list[CoverageFact]:
    """Blackouts (of either side) that cover a third or more of a fiscal quarter (of either side) in `span`."""
    found = []
    for quarter_side in (vendor, partner):
        for quarter in quarter_side.calendar.quarters_overlapping(span):
            for owner in (vendor, partner):
                for name, blackout in owner.blackout_ranges(quarter.span):
                    covered = blackout.overlap(quarter.span)
                    if covered is not None and 3 * covered.days >= quarter.span.days:
                        found.append(CoverageFact(
                            owner=owner.name, name=name, start=blackout.start, end=blackout.end,
                            side=quarter_side.name, quarter=_label(quarter), quarter_start=quarter.start,
                            quarter_end=quarter.end, days=covered.days, quarter_days=quarter.span.days))
    return found


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _planning(vendor: Side, partner: Side, vendor_year_start: date) -> PlanningFacts:
    start = planning_start(vendor.planning_month, vendor_year_start, vendor.planning_timing)
    partner_year = partner.calendar.year_of(vendor_year_start)
    partner_start = planning_start(partner.planning_month, partner_year.start, partner.planning_timing)
    into = year_label = overlap = None
    if start is not None:
        under_way = partner.calendar.year_of(start)
        into = _months_between(under_way.start, start)
        year_label = fiscal_year(under_way.label)
        overlap = max(0, _months_between(vendor_year_start, under_way.end) + 1)
    gap = first_by = None
    if vendor.planning_month and partner.planning_month:
        first_by = (vendor.planning_month - partner.planning_month) % 12
        gap = min(first_by, 12 - first_by)
    return PlanningFacts(vendor_planning_start=start, partner_planning_start=partner_start,
                         partner_months_into_year=into, partner_year_at_vendor_planning=year_label,
                         partner_plan_overlap_months=overlap, planning_gap_months=gap,
                         partner_plans_first_by_months=first_by)


def _profile_gaps(vendor_profile: Profile, partner_profile: Profile) -> list[str]:
    gaps = []
    if partner_profile.planning.annual_planning_month is None:
        gaps.append("partner_planning_month")
    if partner_profile.planning.plan_lock_month is None:
        gaps.append("partner_plan_lock")
    if not any(c.signatory for c in partner_profile.contacts):
        gaps.append("partner_signatory")
    if not any(c.signatory for c in vendor_profile.contacts):
        gaps.append("vendor_signatory")
    if not partner_profile.contacts:
        gaps.append("partner_contacts")
    if not partner_profile.deals:
        gaps.append("partner_deals")
    if not partner_profile.blackouts:
        gaps.append("partner_blackouts")
    if partner_profile.country is None:
        gaps.append("partner_country")
    return gaps


def compute_facts(vendor_profile: Profile, partner_profile: Profile, vendor: Side, partner: Side,
                  year: int) -> Facts:
    """Every fact the rules and documents use, for the vendor's fiscal `year`."""
    vendor_year = vendor.calendar.year(year)
    span = vendor_year.span
    pairs = pair_quarters(vendor, partner, year)
    offsets = [abs(p.offset_days) for p in pairs]
    partner_start = partner.calendar.year_of(vendor_year.start).start
    start_gap = abs(_months_between(vendor_year.start, partner_start)) % 12
    return Facts(
        vendor_year=fiscal_year(year),
        vendor_year_start=vendor_year.start,
        vendor_year_end=vendor_year.end,
        vendor=_side_facts(vendor_profile, vendor, span),
        partner=_side_facts(partner_profile, partner, span),
        quarter_pairs=[PairFact(vendor_quarter=_label(p.vendor), vendor_end=p.vendor.end,
                                partner_quarter=_label(p.partner), partner_end=p.partner.end,
                                offset_days=p.offset_days, windows_overlap=_windows_overlap(p, vendor, partner))
                       for p in pairs],
        mean_offset_days=round(sum(offsets) / len(offsets), 1),
        worst_offset_days=max(offsets),
        aligned=max(offsets) == 0,
        partner_closes_first=all(p.offset_days < 0 for p in pairs),
        same_year_start=(vendor_year.start.month, vendor_year.start.day) == (partner_start.month, partner_start.day),
        year_start_gap_months=min(start_gap, 12 - start_gap),
        vendor_country=vendor_profile.country,
        partner_country=partner_profile.country,
        planning=_planning(vendor, partner, vendor_year.start),
        collisions=collisions(vendor, partner, span),
        deals=_deals(partner_profile, vendor, partner),
        long_years=long_years(vendor, span) + long_years(partner, span),
        blackout_coverage=coverage(vendor, partner, span),
        profile_gaps=_profile_gaps(vendor_profile, partner_profile),
    )
