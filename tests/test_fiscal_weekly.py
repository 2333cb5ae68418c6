"""Weekly (52/53-week) fiscal calendars: how years and quarters tile time, pandas' FY5253 as an oracle,
published calendars of 52/53-week companies, public holidays, and planning with a weekly partner."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.tseries.offsets import FY5253, FY5253Quarter

import workshop
from workshop.errors import PlanningError
from workshop.fiscal import (
    PATTERN_WEEKS,
    DateRange,
    MonthlyCalendar,
    WeeklyCalendar,
    calendar_for,
    public_holidays,
)

from .conftest import AS_OF, EXAMPLES

PATTERNS = {"4-4-5": [(3, 3, 3, 3), (2, 4, 3, 3)], "4-5-4": [(3, 3, 3, 3)], "5-4-4": [(3, 3, 3, 3)],
            "13x4": [(3, 3, 3, 4), (4, 3, 3, 3)]}

weekly_calendars = st.builds(
    lambda weekday, month, rule, pattern_and_periods, extra, naming: WeeklyCalendar(
        weekday, month, rule, pattern_and_periods[0], pattern_and_periods[1], extra, naming),
    weekday=st.integers(0, 6),
    month=st.integers(1, 12),
    rule=st.sampled_from(["last", "nearest"]),
    pattern_and_periods=st.sampled_from([(p, q) for p, qs in PATTERNS.items() for q in qs]),
    extra=st.integers(1, 4),
    naming=st.sampled_from(["end", "start"]),
)


def month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


# --- properties -----------------------------------------------------------------------------------


@given(cal=weekly_calendars, label=st.integers(1990, 2100))
def test_weekly_quarters_periods_and_years_tile_time(cal, label):
    year = cal.year(label)
    assert year.quarters[0].start == year.start and year.quarters[-1].end == year.end
    assert year.periods[0].start == year.start and year.periods[-1].end == year.end
    for a, b in zip(year.quarters, year.quarters[1:]):
        assert b.start == a.end + timedelta(days=1)
    for a, b in zip(year.periods, year.periods[1:]):
        assert b.start == a.end + timedelta(days=1)
    assert cal.year(label + 1).start == year.end + timedelta(days=1)
    assert len(year.periods) == (13 if cal.pattern == "13x4" else 12)
    assert [q.number for q in year.quarters] == [1, 2, 3, 4]
    assert sum(q.weeks for q in year.quarters) == year.weeks
    for quarter in year.quarters:
        assert quarter.span.days == 7 * quarter.weeks


@given(cal=weekly_calendars, label=st.integers(1990, 2100))
def test_weekly_year_is_whole_weeks_and_ends_by_its_rule(cal, label):
    year = cal.year(label)
    assert year.span.days in (364, 371)
    assert year.weeks == year.span.days // 7
    assert year.end.weekday() == cal.year_end_weekday
    if cal.year_end_rule == "last":
        last_day = month_end(year.end.year, cal.year_end_month)
        assert year.end.month == cal.year_end_month and last_day - timedelta(days=7) < year.end
    else:
        # The month's last day may be in the previous calendar year (a December year end in January).
        assert min(abs((year.end - month_end(y, cal.year_end_month)).days)
                   for y in (year.end.year - 1, year.end.year)) <= 3
    # Periods follow the pattern; the 53rd week lengthens exactly the last period of its quarter.
    cycle = PATTERN_WEEKS[cal.pattern]
    base = [cycle[i % len(cycle)] for i in range(len(year.periods))]
    extra = sum(cal.quarter_periods[:cal.extra_week_quarter]) - 1
    assert [(p.end - p.start).days // 7 + 1 - b for p, b in zip(year.periods, base)] == [
        int(year.weeks == 53 and i == extra) for i in range(len(base))]


@given(cal=weekly_calendars, day=st.dates(date(1990, 1, 1), date(2100, 12, 31)))
def test_weekly_every_day_in_exactly_one_year_quarter_period(cal, day):
    label = cal.year_label_of(day)
    year = cal.year(label)
    assert day in year.span
    assert day not in cal.year(label - 1).span and day not in cal.year(label + 1).span
    assert sum(day in q.span for q in year.quarters) == 1
    assert sum(p.start <= day <= p.end for p in year.periods) == 1
    assert day in cal.quarter_of(day).span
    assert cal.period_of(day).start <= day <= cal.period_of(day).end


def test_weekly_13x4_quarters_are_12_12_12_16_weeks_and_17_in_a_53_week_year():
    # Costco's layout: Sunday nearest 31 August, thirteen four-week periods, Q4 has four of them.
    costco = WeeklyCalendar(6, 8, "nearest", "13x4", (3, 3, 3, 4))
    assert [q.weeks for q in costco.year(2024).quarters] == [12, 12, 12, 16]
    assert [q.weeks for q in costco.year(2023).quarters] == [12, 12, 12, 17]
    assert [(p.end - p.start).days + 1 for p in costco.year(2023).periods][-1] == 35


@pytest.mark.parametrize("pattern, weeks", [("4-4-5", [4, 4, 5]), ("4-5-4", [4, 5, 4]), ("5-4-4", [5, 4, 4])])
def test_weekly_pattern_sets_period_lengths(pattern, weeks):
    year = WeeklyCalendar(5, 9, "last", pattern).year(2024)  # 52 weeks
    assert [((p.end - p.start).days + 1) // 7 for p in year.periods] == weeks * 4
    assert [q.weeks for q in year.quarters] == [13, 13, 13, 13]


def test_weekly_naming_start_names_the_year_for_its_first_month():
    end, start = WeeklyCalendar(5, 9, naming="end"), WeeklyCalendar(5, 9, naming="start")
    assert start.year(2023).span == end.year(2024).span
    assert start.year_label_of(date(2024, 1, 1)) == 2023 and end.year_label_of(date(2024, 1, 1)) == 2024
    # A year that ends around December starts in (or a few days before) that same calendar year.
    december = WeeklyCalendar(5, 12, naming="start")
    assert december.year(2022).span == WeeklyCalendar(5, 12).year(2022).span


def test_weekly_nearest_year_end_may_fall_in_the_next_month():
    # Saturday nearest 31 December 2022 (a Saturday) and 2021 (a Friday: 1 January 2022).
    cal = WeeklyCalendar(5, 12, "nearest")
    assert cal.year(2021).end == date(2022, 1, 1)
    assert cal.year(2022).end == date(2022, 12, 31)
    assert cal.year_label_of(date(2022, 1, 1)) == 2021
    assert cal.year_label_of(date(2022, 1, 2)) == 2022


def test_weekly_year_outside_range_is_a_planning_error():
    with pytest.raises(PlanningError):
        WeeklyCalendar().year(1800)


def test_weekly_quarter_periods_must_fit_the_pattern():
    with pytest.raises(PlanningError):
        WeeklyCalendar(pattern="13x4", quarter_periods=(3, 3, 3, 3))


def test_monthly_years_have_no_weeks():
    year = MonthlyCalendar(7).year(2027)
    assert year.weeks is None and all(q.weeks is None for q in year.quarters)


# --- pandas as an independent oracle ----------------------------------------------------------------

@pytest.mark.parametrize("rule", ["last", "nearest"])
@pytest.mark.parametrize("weekday", [0, 3, 5, 6])
@pytest.mark.parametrize("month", [1, 6, 9, 12])
def test_weekly_year_ends_match_pandas_fy5253(rule, weekday, month):
    ours = WeeklyCalendar(weekday, month, rule)
    oracle = FY5253(weekday=weekday, startingMonth=month, variation=rule)
    end = pd.Timestamp(ours.year(1995).start) - pd.Timedelta(days=1)
    for label in range(1995, 2061):
        end = end + oracle
        assert ours.year(label).end == end.date(), label


@pytest.mark.parametrize("rule", ["last", "nearest"])
@pytest.mark.parametrize("extra_week_quarter", [1, 2, 3, 4])
@pytest.mark.parametrize("weekday, month", [(5, 9), (6, 8), (5, 12), (4, 1)])
def test_weekly_quarter_ends_match_pandas_fy5253quarter(rule, extra_week_quarter, weekday, month):
    ours = WeeklyCalendar(weekday, month, rule, "4-4-5", (3, 3, 3, 3), extra_week_quarter)
    oracle = FY5253Quarter(weekday=weekday, startingMonth=month, qtr_with_extra_week=extra_week_quarter,
                           variation=rule)
    end = pd.Timestamp(ours.year(1995).start) - pd.Timedelta(days=1)
    for label in range(1995, 2051):
        for quarter in ours.year(label).quarters:
            end = end + oracle
            assert quarter.end == end.date(), quarter.label


# --- published calendars ------------------------------------------------------------------------------
# Each fact below is from the company's annual report (10-K) or quarterly reports (10-Q); weeks
# and quarter lengths are derived from the dates the reports give.


def test_weekly_apple_last_saturday_of_september():
    # Apple 10-K: "52- or 53-week period that ends on the last Saturday of September"; the 53rd week
    # is added to the first quarter (Q1 FY2023 ended 31 December 2022 and was 14 weeks).
    apple = WeeklyCalendar(5, 9, "last", "4-4-5", (3, 3, 3, 3), extra_week_quarter=1)
    fy2022, fy2023, fy2024 = apple.year(2022), apple.year(2023), apple.year(2024)
    assert (fy2022.end, fy2022.weeks) == (date(2022, 9, 24), 52)
    assert (fy2023.end, fy2023.weeks) == (date(2023, 9, 30), 53)
    assert (fy2024.start, fy2024.end, fy2024.weeks) == (date(2023, 10, 1), date(2024, 9, 28), 52)
    assert [q.end for q in fy2023.quarters] == [date(2022, 12, 31), date(2023, 4, 1), date(2023, 7, 1), date(2023, 9, 30)]
    assert fy2023.quarters[0].weeks == 14
    assert [q.end for q in fy2022.quarters] == [date(2021, 12, 25), date(2022, 3, 26), date(2022, 6, 25), date(2022, 9, 24)]
    # Earlier 53-week years in Apple's reports: FY2017 (ended 30 September 2017), FY2012 (29 September 2012).
    assert (apple.year(2017).end, apple.year(2017).weeks) == (date(2017, 9, 30), 53)
    assert (apple.year(2012).end, apple.year(2012).weeks) == (date(2012, 9, 29), 53)


def test_weekly_costco_sunday_nearest_end_of_august():
    # Costco 10-K: the fiscal year ends on the Sunday nearest the end of August; FY2023 (ended
    # 3 September 2023) was 53 weeks. Quarters are 12, 12, 12 and 16 (or 17) weeks.
    costco = WeeklyCalendar(6, 8, "nearest", "13x4", (3, 3, 3, 4))
    assert (costco.year(2022).end, costco.year(2022).weeks) == (date(2022, 8, 28), 52)
    assert (costco.year(2023).end, costco.year(2023).weeks) == (date(2023, 9, 3), 53)
    fy2024 = costco.year(2024)
    assert (fy2024.start, fy2024.end, fy2024.weeks) == (date(2023, 9, 4), date(2024, 9, 1), 52)
    # 10-Q: "12 weeks ended November 26, 2023"; "36 weeks ended May 12, 2024".
    assert fy2024.quarters[0].end == date(2023, 11, 26) and fy2024.quarters[2].end == date(2024, 5, 12)


def test_weekly_cisco_last_saturday_of_july():
    # Cisco 10-K: the fiscal year ends on the last Saturday in July; FY2024 ended 27 July 2024,
    # FY2023 29 July 2023, FY2022 30 July 2022.
    cisco = WeeklyCalendar(5, 7, "last")
    assert [cisco.year(y).end for y in (2022, 2023, 2024)] == [date(2022, 7, 30), date(2023, 7, 29), date(2024, 7, 27)]
    assert [cisco.year(y).weeks for y in (2022, 2023, 2024)] == [52, 52, 52]


def test_weekly_intel_last_saturday_of_december():
    # Intel 10-K: the fiscal year ends on the last Saturday in December; 2022 ended 31 December 2022
    # and was 53 weeks (2021 ended 25 December 2021).
    intel = WeeklyCalendar(5, 12, "last", extra_week_quarter=1)
    assert (intel.year(2021).end, intel.year(2021).weeks) == (date(2021, 12, 25), 52)
    assert (intel.year(2022).start, intel.year(2022).end, intel.year(2022).weeks) == (
        date(2021, 12, 26), date(2022, 12, 31), 53)


def test_monthly_walmart_year_ends_31_january():
    # Walmart 10-K: the fiscal year ends on 31 January (fiscal 2024 ended 31 January 2024) — monthly.
    walmart = MonthlyCalendar(2)
    assert (walmart.year(2024).start, walmart.year(2024).end) == (date(2023, 2, 1), date(2024, 1, 31))


# --- JSON shape -----------------------------------------------------------------------------------------


def test_weekly_to_dict_shape():
    data = WeeklyCalendar(5, 9, "last").year(2024).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert {k: data[k] for k in ("fiscal_year", "start", "end", "weeks")} == {
        "fiscal_year": 2024, "start": "2023-10-01", "end": "2024-09-28", "weeks": 52}
    assert data["quarters"][0] == {"quarter": 1, "start": "2023-10-01", "end": "2023-12-30", "weeks": 13}
    assert data["periods"][0] == {"period": 1, "start": "2023-10-01", "end": "2023-10-28"}
    assert len(data["quarters"]) == 4 and len(data["periods"]) == 12


def test_monthly_to_dict_shape():
    data = MonthlyCalendar(10).year(2027).to_dict()
    assert {k: data[k] for k in ("fiscal_year", "start", "end", "weeks")} == {
        "fiscal_year": 2027, "start": "2026-10-01", "end": "2027-09-30", "weeks": None}
    assert data["quarters"][0] == {"quarter": 1, "start": "2026-10-01", "end": "2026-12-31", "weeks": None}
    assert data["periods"][-1] == {"period": 12, "start": "2027-09-01", "end": "2027-09-30"}


# --- holidays ---------------------------------------------------------------------------------------------


def test_public_holidays_sorted_english_and_within_span():
    span = DateRange(date(2026, 12, 20), date(2027, 1, 10))
    found = public_holidays("DE", "NW", span)
    assert found == [("Christmas Day", date(2026, 12, 25)), ("Second Day of Christmas", date(2026, 12, 26)),
                     ("New Year's Day", date(2027, 1, 1))]
    assert found == public_holidays("DE", "NW", span)  # deterministic


def test_public_holidays_one_entry_per_holiday_on_a_shared_day():
    found = public_holidays("US", "TX", DateRange(date(2026, 1, 19), date(2026, 1, 19)))
    assert found == [("Confederate Memorial Day", date(2026, 1, 19)), ("Martin Luther King Jr. Day", date(2026, 1, 19))]


# --- planning with a weekly partner --------------------------------------------------------------------------


def test_weekly_partner_plans_against_example_vendor(vendor):
    partners = [p for p in map(workshop.load_profile, workshop.profile_files(EXAMPLES))
                if p.fiscal_calendar.type == "weekly"]
    assert partners, "the examples include a weekly-calendar partner"
    for partner in partners:
        plan = workshop.plan_partnership(vendor, partner, as_of=AS_OF)
        # Ironbridge's year starts in October, eight months after the vendor's February: two MOPs are offered.
        assert {o.strategy for o in plan.options} == {"align-vendor", "align-partner", "shared-quarter-end", "dual-mop"}
        partner_calendar = calendar_for(partner.fiscal_calendar)
        for option in plan.options:
            periods = option.periods
            for a, b in zip(periods, periods[1:]):
                assert b.start == a.end + timedelta(days=1), option.strategy
            length = (periods[-1].end - periods[0].start).days + 1
            assert 360 <= length <= 371, option.strategy
        align_partner = next(o for o in plan.options if o.strategy == "align-partner")
        year = partner_calendar.year_of(align_partner.periods[0].start)
        assert [p.end for p in align_partner.periods] == [q.end for q in year.quarters]


# --- workshop calendar --------------------------------------------------------------------------------------


def test_cli_calendar_weekly_json(invoke):
    result = invoke("calendar", "ironbridge", "--profiles", EXAMPLES, "--date", "2026-11-26", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["fiscal_year", "start", "end", "weeks", "quarters", "periods"]
    # Saturday nearest 30 September: 3 October 2026, then 2 October 2027 (a Thursday's nearest Saturday).
    assert (data["fiscal_year"], data["start"], data["end"], data["weeks"]) == (2027, "2026-10-04", "2027-10-02", 52)
    assert data["quarters"][0] == {"quarter": 1, "start": "2026-10-04", "end": "2027-01-02", "weeks": 13}
    assert data["periods"][2] == {"period": 3, "start": "2026-11-29", "end": "2027-01-02"}
    assert [len(data[k]) for k in ("quarters", "periods")] == [4, 12]


def test_cli_calendar_monthly_json_by_path_and_year(invoke):
    result = invoke("calendar", EXAMPLES / "capitol-federal.yaml", "--year", "2027", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["fiscal_year"], data["start"], data["end"], data["weeks"]) == (2027, "2026-10-01", "2027-09-30", None)
    assert all(q["weeks"] is None for q in data["quarters"])
    assert data["periods"][0] == {"period": 1, "start": "2026-10-01", "end": "2026-10-31"}


def test_cli_calendar_table(invoke):
    result = invoke("calendar", "ironbridge", "--profiles", EXAMPLES, "--year", "2028")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # FY2028 ends on Saturday 30 September 2028 and is 52 weeks long.
    assert lines[0] == "Ironbridge Distribution Inc.: FY2028, 2027-10-03 to 2028-09-30, 52 weeks"
    assert "  Q1       2027-10-03  2028-01-01  13 weeks" in lines
    assert "  P12      2028-08-27  2028-09-30  5 weeks" in lines


def test_cli_calendar_vendor_by_id(invoke):
    result = invoke("calendar", "vendor", "--profiles", EXAMPLES, "--date", "2027-03-01")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Halcyon Cloud Software: FY2028, 2027-02-01 to 2028-01-31, 365 days")


@pytest.mark.parametrize("args, code", [
    (["nobody"], 1),
    (["ironbridge", "--year", "1850"], 2),
    (["ironbridge", "--date", "26/11/2026"], 2),
    ([], 2),
])
def test_cli_calendar_exit_codes(runner, args, code):
    from workshop.cli import cli

    result = runner.invoke(cli, ["calendar", *args, "--profiles", str(EXAMPLES)])
    assert result.exit_code == code, result.output


def test_cli_calendar_invalid_profile_names_the_file(invoke, write):
    path = write("bad.yaml", "name: Bad\nfiscal_calendar: {type: weekly, year_end_weekday: caturday, year_end_month: 9}\n")
    result = invoke("calendar", path)
    assert result.exit_code == 1
    assert f"{path}:2: fiscal_calendar.year_end_weekday:" in result.output
