"""Working days, holidays and findings that are true for each country and each partner. Every date
here is worked out by hand; the property test checks each finding's claims against the profiles."""

from __future__ import annotations

import re
from datetime import date, timedelta

import holidays as holidays_package
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import workshop
from workshop.fiscal import DateRange, MonthlyCalendar, business_holidays
from workshop.profiles import Profile, VendorProfile

from .conftest import AS_OF

SETTINGS = workshop.Settings(as_of=AS_OF)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def company(name: str, cls=Profile, calendar=None, **fields):
    return cls.model_validate({"id": name.lower().replace(" ", "-"), "name": name,
                               "fiscal_calendar": calendar or {"type": "monthly", "first_month": 1}, **fields})


VENDOR = company("Vendor Inc", VendorProfile, {"first_month": 2}, country="US")


def plan_for(partner, vendor=VENDOR, settings=SETTINGS) -> workshop.Plan:
    """The plan in British English, whose dates (31 March 2027) the tests read back."""
    return workshop.plan_partnership(vendor, partner, settings, language="en-GB")


# --- weekends per country --------------------------------------------------------------------------------

SUNDAY_TO_THURSDAY = {6, 0, 1, 2, 3}


def test_workdays_saudi_partner_dates_fall_sunday_to_thursday():
    plan = plan_for(company("Riyadh Partner", country="SA"))
    assert plan.facts.partner.weekend == ["Friday", "Saturday"]
    for option in plan.options:
        if option.strategy == "shared-quarter-end":
            assert all(p.end.weekday() in SUNDAY_TO_THURSDAY for p in option.periods), option.periods
        for commitment in option.commitments:
            for due in commitment.dates:
                if commitment.party in ("partner", "both"):
                    assert due.day.weekday() in SUNDAY_TO_THURSDAY, (commitment.kind, due)
                if commitment.party == "both":  # the US vendor works Monday to Friday too
                    assert due.day.weekday() in {0, 1, 2, 3}, (commitment.kind, due)


def test_workdays_holidays_on_the_weekend_cost_no_working_day():
    # Christmas Day 2027 is a Saturday: US businesses close on Friday 24 December, once.
    days = business_holidays("US", None, DateRange(date(2027, 12, 20), date(2027, 12, 31)))
    assert [(h.day, h.name) for h in days] == [(date(2027, 12, 24), "Christmas Day (observed)"),
                                               (date(2027, 12, 31), "New Year's Day (observed)")]


def test_workdays_state_government_holidays_change_no_date_and_no_score():
    # California's Cesar Chavez Day (31 March) and Diwali close state offices, not businesses.
    partner = company("Partner Co")
    plain = plan_for(partner, company("Vendor Inc", VendorProfile, {"first_month": 2}, country="US"))
    californian = plan_for(partner, company("Vendor Inc", VendorProfile, {"first_month": 2}, country="US",
                                            subdivision="CA"))
    assert [(o.strategy, o.score, [(p.start, p.end) for p in o.periods]) for o in plain.options] == \
        [(o.strategy, o.score, [(p.start, p.end) for p in o.periods]) for o in californian.options]
    assert plain.recommended == californian.recommended
    text = " ".join(f.text for f in californian.findings) + " ".join(q.text for q in californian.questions)
    assert "Chavez" not in text and "Diwali" not in text


def test_workdays_a_profile_opts_into_a_state_holiday_by_name():
    span = DateRange(date(2027, 3, 29), date(2027, 4, 2))
    assert business_holidays("US", "CA", span) == []
    assert [h.day for h in business_holidays("US", "CA", span, add=["Cesar Chavez Day"])] == [date(2027, 3, 31)]


def test_workdays_german_state_holidays_close_businesses():
    # Corpus Christi is a public holiday in North Rhine-Westphalia (Thursday 27 May 2027), not in Berlin.
    span = DateRange(date(2027, 5, 24), date(2027, 5, 28))
    assert [h.name for h in business_holidays("DE", "NW", span)] == ["Corpus Christi"]
    assert business_holidays("DE", "BE", span) == []


# --- blackouts and absences with their real dates --------------------------------------------------------

def test_workdays_blackout_printed_with_its_full_dates():
    # The vendor's year runs August to July: FY2028 ends 31 July 2028, its last closing weeks start 18 July.
    vendor = company("Vendor Inc", VendorProfile, {"first_month": 8})
    partner = company("Partner Co", blackouts=[{"name": "Summer closure", "start": "07-17", "end": "08-15"}])
    plan = plan_for(partner, vendor)
    finding = next(f for f in plan.findings if f.rule == "blackout-in-urgency-window" and "2028" in f.text)
    assert "Summer closure (17 July 2028 to 15 August 2028)" in finding.text


# --- planning dated right ------------------------------------------------------------------------------------------

def test_workdays_vendor_planning_in_its_first_month_sees_the_partner_executing():
    vendor = company("Vendor Inc", VendorProfile, {"first_month": 2}, planning={"annual_planning_month": 2})
    partner = company("Partner Co", calendar={"first_month": 7})
    plan = plan_for(partner, vendor)
    # The vendor plans FY2028 (from 1 February 2027) in February 2027. The partner's FY2027 ran from 1 July
    # 2026: 7 months in, and it covers February to June 2027, the first 5 months of the vendor's FY2028.
    assert plan.facts.planning.vendor_planning_start == date(2027, 2, 1)
    finding = next(f for f in plan.findings if f.rule == "planning-partner-already-executing")
    assert "in February 2027, Partner Co is already 7 months into executing its FY2027 plan" in finding.text
    assert "first 5 months of our FY2028" in finding.text
    assert plan.planning_session == date(2027, 2, 1) and plan.planning_session > AS_OF  # Monday 1 February


# --- deals have an owner --------------------------------------------------------------------------------------------

def test_workdays_an_account_executive_away_over_a_big_deal_is_flagged():
    # The vendor's Q1 FY2028 ends 30 April 2027; its closing weeks start 17 April.
    partner = company("Partner Co", contacts=[{"name": "Sam Seller", "role": "Account Executive",
                                               "away": [{"start": "2027-04-19", "end": "2027-04-23"}]}],
                      deals=[{"name": "Big Deal", "amount": 900000, "currency": "EUR",
                              "expected_close": "2027-04-28", "owner": "Sam Seller"}])
    plan = plan_for(partner)
    deal = plan.facts.deals[0]
    assert deal.at_risk and deal.contacts_away == ["Sam Seller"]  # away in the window, back on the day
    finding = next(f for f in plan.findings if f.rule == "deal-at-risk-contact-away")
    assert "Big Deal" in finding.text and "Sam Seller" in finding.text


def test_workdays_a_deal_owner_may_be_the_vendors_rep():
    vendor = company("Vendor Inc", VendorProfile, {"first_month": 2},
                     contacts=[{"name": "Vic Rep", "role": "AE", "away": [{"start": "2027-04-26", "end": "2027-04-30"}]}])
    partner = company("Partner Co", deals=[{"name": "Big Deal", "amount": 500000, "expected_close": "2027-04-29",
                                            "owner": "Vic Rep"}])
    assert plan_for(partner, vendor).facts.deals[0].contacts_away == ["Vic Rep"]


# --- a year that starts on another day than the 1st -----------------------------------------------------------------------

def test_workdays_a_6_april_year_has_quarter_ends_on_the_5th():
    year = MonthlyCalendar(4, "end", 6).year(2028)
    assert (year.start, year.end) == (date(2027, 4, 6), date(2028, 4, 5))
    assert [q.end for q in year.quarters] == [date(2027, 7, 5), date(2027, 10, 5), date(2028, 1, 5), date(2028, 4, 5)]
    partner = company("Tax Year Ltd", calendar={"first_month": 4, "first_day": 6},
                      deals=[{"name": "On the 5th", "amount": 1, "expected_close": "2027-04-05"},
                             {"name": "On the 6th", "amount": 1, "expected_close": "2027-04-06"}])
    plan = plan_for(partner)
    assert [d.partner_quarter for d in plan.facts.deals] == ["Q4 FY2027", "Q1 FY2028"]
    assert plan.facts.partner.calendar == "fiscal year from 6 April to 5 April"


# --- findings that are true ------------------------------------------------------------------------------------------------

def test_workdays_no_golden_week_year_end_claim_for_a_december_year_end():
    plan = plan_for(company("Tokyo Partner", country="JP"))
    text = " ".join(f.text for f in plan.findings)
    assert "follows" not in text and "year end" not in text.replace("year ends", "")
    assert any(f.rule == "season-in-urgency-window" and "Golden Week" in f.text for f in plan.findings)


def test_workdays_no_year_end_holiday_claim_where_that_week_is_worked():
    for country in ("CN", "IN", "SA"):
        plan = plan_for(company("Partner Co", country=country))
        assert not any("Christmas" in f.text for f in plan.findings), country


def test_workdays_public_sector_question_only_for_public_sector_partners():
    distributor = company("Dist Co", country="US", calendar={"first_month": 10}, business_model="distributor")
    assert not any("agencies" in q.text for q in plan_for(distributor).questions)
    federal = company("Fed Co", country="US", calendar={"first_month": 10}, sector="public-sector")
    assert any("agencies" in q.text for q in plan_for(federal).questions)


def test_workdays_a_two_day_gap_at_the_vendors_year_end_is_not_medium():
    partner = company("Partner Co", calendar={"first_month": 2, "first_day": 3})  # quarter ends 2 days later
    assert not [f for f in plan_for(partner).findings if f.severity in ("high", "medium")
                and "year ends" in f.text]


def test_workdays_a_freeze_over_most_of_a_quarter_is_found():
    # A retailer's change freeze from 1 November to 20 December covers 50 of the 92 days of the vendor's Q4
    # (1 November 2027 to 31 January 2028), though not its closing weeks.
    partner = company("Retail Co", blackouts=[{"name": "Change freeze", "start": "11-01", "end": "12-20"}])
    finding = next(f for f in plan_for(partner).findings if f.rule == "blackout-covers-much-of-a-quarter"
                   and "Vendor Inc's Q4 FY2028" in f.text)
    assert "covers 50 of the 92 days" in finding.text


# --- the property: every finding's claims hold for random partners ---------------------------------------------------

COUNTRIES = [None, "US", "DE", "JP", "CN", "IN", "SA", "GB", "FR", "AU", "BR"]
DATE_RE = re.compile(r"(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})")


def _dates(text: str) -> list[date]:
    return [date(int(y), MONTHS.index(m) + 1, int(d)) for d, m, y in DATE_RE.findall(text)]


def _weekend(country):
    return set(holidays_package.country_holidays(country).weekend) if country else {5, 6}


@st.composite
def partners(draw):
    country = draw(st.sampled_from(COUNTRIES))
    start = draw(st.integers(1, 12))
    blackouts = []
    if draw(st.booleans()):
        month, day, length = draw(st.integers(1, 12)), draw(st.integers(1, 20)), draw(st.integers(1, 40))
        end = date(2001, month, day) + timedelta(days=length)
        blackouts.append({"name": "Closure", "start": f"{month:02d}-{day:02d}", "end": f"{end.month:02d}-{end.day:02d}"})
    away = draw(st.lists(st.tuples(st.dates(date(2027, 1, 1), date(2028, 3, 31)), st.integers(0, 15)), max_size=2))
    contacts = [{"name": "Key Person", "role": draw(st.sampled_from(["sales lead", "AE", "operations"])),
                 "signatory": draw(st.booleans()),
                 "away": [{"start": s.isoformat(), "end": (s + timedelta(days=n)).isoformat()} for s, n in away]}]
    deals = [{"name": f"Deal {i}", "amount": 1000 * (i + 1), "currency": "EUR", "owner": "Key Person",
              "expected_close": d.isoformat()}
             for i, d in enumerate(draw(st.lists(st.dates(date(2027, 2, 1), date(2028, 1, 31)), max_size=3)))]
    return company("Random Partner", calendar={"first_month": start}, country=country,
                   urgency_window_weeks=draw(st.integers(1, 4)), blackouts=blackouts, contacts=contacts, deals=deals)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(partner=partners())
def test_workdays_property_findings_are_true_of_their_facts(partner):
    plan = plan_for(partner)
    weekend = _weekend(partner.country)
    blackout_days = set()
    for b in partner.blackouts:
        (sm, sd), (em, ed) = map(int, b.start.split("-")), map(int, b.end.split("-"))
        for year in (2026, 2027, 2028):
            first = date(year, sm, sd)
            last = date(year + (1 if (em, ed) < (sm, sd) else 0), em, ed)
            blackout_days |= {first + timedelta(days=i) for i in range((last - first).days + 1)}
    for finding in plan.findings:
        if finding.rule == "partner-holidays-in-urgency-windows":
            for day in _dates(finding.text):  # each named holiday is a working day of the partner's country
                assert day.weekday() not in weekend, finding.text
                assert day in holidays_package.country_holidays(partner.country, years=day.year), finding.text
        if finding.rule == "blackout-in-urgency-window" and finding.text.startswith("Random Partner"):
            first, last = _dates(finding.text)[:2]
            assert first in blackout_days and last in blackout_days, finding.text
            assert first - timedelta(days=1) not in blackout_days and last + timedelta(days=1) not in blackout_days
        if finding.rule == "deal-at-risk-contact-away":
            assert "Key Person" in finding.text
    # Every date the partner must act on is one of its working days, outside its blackouts.
    for option in plan.options:
        for commitment in option.commitments:
            if commitment.party == "partner":
                for due in commitment.dates:
                    assert due.day.weekday() not in weekend and due.day not in blackout_days, (commitment.kind, due)
    # "A deal closed by X counts in both sides' quarter, in both sides' closing weeks" holds of X.
    said = re.search(r"a deal closed by (\d{1,2}) (\w+) counts in both sides' quarter", plan.recommendation)
    if said:
        day = next(p.end for p in plan.recommended_option.periods
                   if (p.end.day, MONTHS[p.end.month - 1]) == (int(said.group(1)), said.group(2)))
        for quarters, weeks in ((plan.facts.vendor.quarters, plan.facts.vendor.urgency_window_weeks),
                                (plan.facts.partner.quarters, partner.urgency_window_weeks)):
            quarter = next(q for q in quarters if q.start <= day <= q.end)
            assert (quarter.end - day).days < 7 * weeks, (day, quarter)
