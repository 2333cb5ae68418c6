"""MOP options a channel manager would sign: each states its span and handover, two MOPs a year are
labelled truly with quarterly commit points, shared quarter-ends are really shared, near-identical
calendars align to the vendor, and commitments fall on days that work. Dates are worked out by hand."""

from __future__ import annotations

import re
from datetime import date

import pytest

import workshop
from workshop.formatting import long_date as longdate
from workshop.plan import proposed_memo
from workshop.profiles import Profile, VendorProfile

from .conftest import AS_OF, EXAMPLES, pdf_text

SETTINGS = workshop.Settings(as_of=AS_OF)


def company(name: str, cls=Profile, calendar=None, **fields):
    return cls.model_validate({"id": name.lower().replace(" ", "-"), "name": name,
                               "fiscal_calendar": calendar or {"type": "monthly", "first_month": 1}, **fields})


VENDOR = company("Vendor Inc", VendorProfile, {"first_month": 2})


def plan_for(partner, vendor=VENDOR, **options) -> workshop.Plan:
    return workshop.plan_partnership(vendor, partner, SETTINGS, **options)


def spans(periods):
    return [(p.name, p.start, p.end) for p in periods]


# --- every option states its span, and the memo says exactly that span ---------------------------------

def _table_rows(html: str) -> list[tuple[str, str, str]]:
    """(name, start, end) of every period in the memo's periods table, in order (one- or two-up)."""
    table = re.search(r'<table class="periods[^"]*">(.*?)</table>', html, re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows += [tuple(cells[i:i + 3]) for i in range(0, len(cells), 3 if len(cells) == 6 else 4) if cells[i]]
    # A two-up table lists the first half down the left and the second half down the right.
    if rows and len(re.findall(r"<td[^>]*>", table)) // max(1, len(re.findall(r"<tr>", table)) - 1) == 6:
        rows = rows[0::2] + rows[1::2]
    return rows


@pytest.mark.parametrize("path", workshop.profile_files(EXAMPLES), ids=lambda p: p.stem)
def test_mop_memo_scope_sentence_is_the_span_of_its_table_for_every_option(vendor, settings, theme, path):
    plan = workshop.plan_partnership(vendor, workshop.load_profile(path), settings, language="en-GB")
    for option in plan.options:
        memo = plan.with_memo(proposed_memo(option, plan.vendor, plan.partner, plan.review_cadence))
        html = workshop.render_html(memo, "memo", theme)
        scope = re.search(r"agree to run their joint business from (.+?) to (.+?) on", html)
        rows = _table_rows(html)
        assert scope.groups() == (rows[0][1], rows[-1][2]), option.strategy
        assert (rows[0][1], rows[-1][2]) == (longdate(option.start), longdate(option.end))
        assert [r[0].replace(" (under way)", "") for r in rows] == [p.name for p in option.periods]


@pytest.mark.parametrize("path", workshop.profile_files(EXAMPLES), ids=lambda p: p.stem)
def test_mop_no_period_starts_before_the_plan_date_unless_shown_as_under_way(vendor, settings, path):
    plan = workshop.plan_partnership(vendor, workshop.load_profile(path), settings)
    for option in plan.options:
        for period in option.periods:
            if period.start <= AS_OF:
                assert period.status in ("running", "ended"), (option.strategy, period)
            else:
                assert period.status == "ahead"


def test_mop_align_partner_year_already_under_way_is_shown_as_such(vendor, settings, theme):
    # Ironbridge's years end on the Saturday nearest 30 September: FY2027 runs 4 October 2026 to
    # 2 October 2027 and overlaps the vendor's FY2028 most; its Q1 (13 weeks) ends Saturday 2 January 2027.
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "ironbridge.yaml"), settings,
                                     language="en-GB")
    option = plan.option("align-partner")
    first = option.periods[0]
    assert (first.start, first.end, first.status) == (date(2026, 10, 4), date(2027, 1, 2), "running")
    assert option.handover.startswith("MOP Q1 is already under way (since 4 October 2026)")
    memo = plan.with_memo(proposed_memo(option, plan.vendor, plan.partner, plan.review_cadence))
    text = pdf_text(workshop.render_memo(memo, settings, ["pdf"])["pdf"])
    assert "MOP Q1 (under way)" in text


def test_mop_handover_says_where_the_vendors_year_end_falls():
    # A calendar-year partner: its MOP year is January to December 2027, the vendor's year ends 31 January 2028.
    option = plan_for(company("Partner Co")).option("align-partner")
    assert (option.start, option.end) == (date(2027, 1, 1), date(2027, 12, 31))
    assert option.handover == (
        "Until 31 December 2026 both sides close their current quarters as they are; the MOP starts on "
        "1 January 2027. The Vendor's fiscal year ends on 31 January 2028, 31 days after this MOP year: its last "
        "weeks fall in the first period of the next MOP year, from 1 January 2028.")


# --- two MOPs a year --------------------------------------------------------------------------------

def test_mop_two_mops_start_with_each_sides_year_and_keep_quarterly_commit_points():
    plan = plan_for(company("Partner Co", calendar={"first_month": 7}))
    option = plan.option("dual-mop")
    # MOP A: the vendor's FY2028 from 1 February 2027 until the partner's FY2028 starts on 1 July 2027, cut at
    # the vendor's quarter end of 30 April; MOP B: 1 July 2027 to 31 January 2028 at the partner's quarter end of
    # 30 September, its last month (January) joining the quarter before it.
    assert spans(option.periods) == [
        ("MOP A Q1", date(2027, 2, 1), date(2027, 4, 30)),
        ("MOP A Q2", date(2027, 5, 1), date(2027, 6, 30)),
        ("MOP B Q1", date(2027, 7, 1), date(2027, 9, 30)),
        ("MOP B Q2", date(2027, 10, 1), date(2028, 1, 31)),
    ]
    assert [(h.name, h.start, h.end, h.kicked_off_by) for h in option.halves] == [
        ("MOP A", date(2027, 2, 1), date(2027, 6, 30), "Vendor Inc's FY2028 plan"),
        ("MOP B", date(2027, 7, 1), date(2028, 1, 31), "Partner Co's FY2028 plan"),
    ]
    # Every dated commitment lies inside the period it is filed under.
    periods = {p.name: p for p in option.periods}
    for commitment in option.commitments:
        for due in commitment.dates:
            if due.period:
                assert periods[due.period].start <= due.day <= periods[due.period].end, commitment.kind


def test_mop_two_mops_not_offered_when_the_years_start_close_together():
    plan = plan_for(company("Partner Co", calendar={"first_month": 3}))  # 1 March: 28 days after 1 February
    assert "dual-mop" not in {o.strategy for o in plan.options}
    assert "28 days apart" in plan.not_offered["dual-mop"]
    assert any(f.rule == "mop-dual-not-offered" and "28 days apart" in f.text for f in plan.findings)
    same = plan_for(company("Partner Co", calendar={"first_month": 2}))  # both years start on 1 February
    assert same.not_offered["dual-mop"] == ("Vendor Inc's and Partner Co's fiscal years start on the same day, so a "
                                            "second MOP a year would serve no planning cycle of its own")


# --- a shared quarter-end that is really shared ----------------------------------------------------------

RETAIL = {"type": "weekly", "year_end_weekday": "saturday", "year_end_month": 7, "year_end_rule": "last"}


def test_mop_quarter_ends_both_sides_already_share_are_kept_even_on_a_saturday():
    vendor = company("Vendor Inc", VendorProfile, RETAIL, country="US")
    partner = company("Retail Partner", calendar=RETAIL, country="US")
    plan = plan_for(partner, vendor)
    # FY2028 of a year ending on the last Saturday of July runs Sunday 1 August 2027 to Saturday 29 July 2028
    # in 13-week quarters; FY2027 ended on Saturday 31 July 2027, which both sides share.
    shared = plan.option("shared-quarter-end")
    ends = [p.end for p in shared.periods]
    assert ends == [date(2027, 10, 30), date(2028, 1, 29), date(2028, 4, 29), date(2028, 7, 29)]
    assert all(end.weekday() == 5 for end in ends)
    assert shared.periods[0].start == date(2027, 8, 1)
    assert all("already share" in p.note for p in shared.periods)


def test_mop_new_shared_quarter_end_is_a_working_day_of_both_inside_both_quarters():
    saudi = company("Riyadh Partner", country="SA", calendar={"first_month": 1})
    shared = plan_for(saudi).option("shared-quarter-end")
    # The partner's quarter ends come first and lie inside the vendor's quarters. 31 March, 30 June and
    # 30 September 2027 are a Wednesday, a Wednesday and a Thursday: working days in Riyadh (Sunday to
    # Thursday) and for the vendor (Monday to Friday). Friday 31 December is the Saudi weekend: Thursday 30th.
    assert [p.end for p in shared.periods] == [date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30),
                                              date(2027, 12, 30)]
    assert "Riyadh Partner's quarter end" in shared.periods[0].note
    assert "the weekend" in shared.periods[3].note


# --- scores without cliffs ------------------------------------------------------------------------------

@pytest.mark.parametrize("days", [1, 2, 3])
@pytest.mark.parametrize("later", ["partner", "vendor"])
def test_mop_calendars_one_to_three_days_apart_align_to_the_vendor(days, later):
    # Years starting on the 1st and on the 2nd to 4th of February: quarter ends 1 to 3 days apart.
    shifted = {"first_month": 2, "first_day": 1 + days}
    vendor = company("Vendor Inc", VendorProfile, shifted if later == "vendor" else {"first_month": 2})
    partner = company("Partner Co", calendar=shifted if later == "partner" else {"first_month": 2})
    plan = plan_for(partner, vendor)
    assert {abs(p.offset_days) for p in plan.facts.quarter_pairs} == {days}
    assert plan.recommended == "align-vendor"


def test_mop_recommendation_gives_the_business_reason_before_the_score():
    plan = plan_for(company("Partner Co", calendar={"first_month": 4}))
    text = plan.recommendation
    assert text.startswith(plan.recommended_option.title + ": ")
    assert text.index("scores") > text.index(":") + 20  # a reason in words comes first


def test_mop_a_key_person_away_lowers_the_collision_factor():
    calm = company("Partner Co", contacts=[{"name": "Ana Lead", "role": "sales lead"}])
    away = company("Partner Co", contacts=[{"name": "Ana Lead", "role": "sales lead",
                                              "away": [{"start": "2027-03-22", "end": "2027-04-02"}]}])
    before = plan_for(calm).option("align-partner").factors["collisions"]
    after = plan_for(away).option("align-partner").factors["collisions"]
    assert after < before  # 31 March 2027, the end of MOP Q1, falls in her absence


# --- commitments on days that work -------------------------------------------------------------------------

def test_mop_forecast_moves_out_of_a_blackout_and_the_owners_absence():
    partner = company("Partner Co", blackouts=[{"name": "Year-end closure", "start": "12-20", "end": "01-02"}],
                      contacts=[{"name": "Anna Sales", "role": "sales lead",
                                 "away": [{"start": "2027-12-09", "end": "2027-12-13"}]}])
    option = plan_for(partner).option("align-partner")
    forecast = next(c for c in option.commitments if c.kind == "forecast")
    assert forecast.owners == ["Anna Sales"]
    q4 = forecast.dates[-1]
    # Five working days before 31 December 2027 counting back past the closure (20 December to 2 January):
    # 17, 16, 15, 14 and 13 December. Anna is away 9 to 13 December: Wednesday 8 December.
    assert q4.day == date(2027, 12, 8)
    assert "Anna Sales is away 9 Dec 2027 to 13 Dec 2027" in q4.note
    assert "8 Dec 2027 is brought forward from 13 Dec 2027" in forecast.text
    # The other quarters: five working days before 31 March (Wednesday 24 March), 30 June (23 June), 30 September
    # (23 September).
    assert [d.day for d in forecast.dates[:3]] == [date(2027, 3, 24), date(2027, 6, 23), date(2027, 9, 23)]


def test_mop_a_joint_review_moved_for_the_partners_owner_says_so():
    partner = company("Partner Co", calendar={"first_month": 4},
                      contacts=[{"name": "Anna Sales", "role": "sales lead",
                                 "away": [{"start": "2027-06-21", "end": "2027-06-23"}]}])
    review = next(c for c in plan_for(partner).option("align-partner").commitments if c.kind == "review")
    # MOP Q1 ends Wednesday 30 June 2027; five working days of both sides before it: 29, 28, 25, 24, 23 June.
    # Anna is away 21 to 23 June, and 19-20 June is a weekend: Friday 18 June, because she is away (both sides
    # work on 23 June, so "not a working day" would be false).
    first = review.dates[0]
    assert first.day == date(2027, 6, 18)
    assert first.note == "brought forward from 23 Jun 2027: Anna Sales is away 21 Jun 2027 to 23 Jun 2027"


# --- one agreement per partner per fiscal year ---------------------------------------------------------------

def test_mop_two_agreements_for_two_fiscal_years_and_the_gap_between_them(invoke, profiles, tmp_path):
    common = ("--profiles", profiles, "--date", AS_OF.isoformat())
    assert invoke("agree", "sakura", *common, "--strategy", "align-vendor", "--year", "2028").exit_code == 0
    assert invoke("agree", "sakura", *common, "--strategy", "align-partner", "--year", "2029").exit_code == 0
    this_year, next_year = profiles / "sakura.FY2028.agreement.yaml", profiles / "sakura.FY2029.agreement.yaml"
    assert this_year.is_file() and next_year.is_file()
    assert workshop.load_agreement(this_year).fiscal_year == 2028
    assert workshop.load_agreement(next_year).fiscal_year == 2029

    out = tmp_path / "out"
    for year in ("2028", "2029"):
        assert invoke("kit", "sakura", *common, "--year", year, "--out", out, "--format", "pdf",
                      "--jobs", "1").exit_code == 0
    plan_2029 = workshop.Plan.model_validate_json((out / "FY2029" / "sakura" / "sakura-FY2029-plan.json").read_bytes())
    # Last year's agreed MOP (the vendor's FY2028 quarters) ends on 31 January 2028; Sakura's FY2029
    # quarters start on 1 April 2028: February (29 days in 2028) and March (31) are left between them.
    assert (plan_2029.previous_mop.start, plan_2029.previous_mop.end) == (date(2027, 2, 1), date(2028, 1, 31))
    assert plan_2029.memo.strategy == "align-partner" and plan_2029.memo.start == date(2028, 4, 1)
    assert "leaves a gap of 60 days after last year's agreed MOP, which ends on 31 January 2028" in \
        plan_2029.option("align-partner").continuity
    assert "FY2028・" in pdf_text((out / "FY2028" / "sakura" / "sakura-FY2028-memo.pdf").read_bytes())  # in Japanese


def test_mop_edited_agreement_periods_get_their_own_rationale(invoke, profiles, tmp_path):
    import yaml

    assert invoke("agree", "sakura", "--profiles", profiles, "--date", AS_OF.isoformat(),
                  "--strategy", "align-vendor").exit_code == 0
    path = profiles / "sakura.FY2028.agreement.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["periods"][0]["end"] = date(2027, 4, 23)
    data["periods"][1]["start"] = date(2027, 4, 24)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    assert invoke("memo", "sakura", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out,
                  "--format", "pdf", "--language", "en").exit_code == 0
    text = pdf_text((out / "FY2028" / "sakura" / "sakura-FY2028-memo.pdf").read_bytes())
    assert "Both sides agreed the periods below in place of the drafted dates." in text
    assert "Both sides run the partnership on Halcyon Cloud Software's FY2028 quarters." not in text


# --- 53-week years ahead ----------------------------------------------------------------------------------------

def test_mop_a_53_week_year_in_the_span_is_warned_of():
    # Years ending on the Saturday nearest 31 January: FY2024 ends Saturday 3 February 2024 and started
    # Sunday 29 January 2023, so it has 53 weeks; the extra week ends period 12 (4-4-5): 28 January to 3 February.
    retail = {"type": "weekly", "year_end_weekday": "saturday", "year_end_month": 1, "year_end_rule": "nearest"}
    settings = workshop.Settings(as_of=date(2022, 11, 26))
    plan = workshop.plan_partnership(VENDOR, company("Retail Partner", calendar=retail), settings)
    assert plan.fiscal_year == 2024  # the vendor's February 2023 to January 2024
    finding = next(f for f in plan.findings if f.rule == "fifty-three-week-year")
    assert "Retail Partner's FY2024 has 53 weeks" in finding.text
    assert "28 January 2024 to 3 February 2024" in finding.text and "period 12" in finding.text
