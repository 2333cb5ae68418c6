"""The rules engine: facts, findings and questions from rule packs, the agenda, and scoring properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import workshop
from workshop.errors import RuleError
from workshop.profiles import Profile, VendorProfile
from workshop.rules import load_rule_packs

from .conftest import AS_OF, EXAMPLES


def profile(first_month: int, name: str = "Partner Co", cls=Profile, **fields):
    return cls.model_validate({"id": name.lower().replace(" ", "-").replace(".", ""), "name": name,
                               "fiscal_calendar": {"type": "monthly", "first_month": first_month}, **fields})


VENDOR = profile(2, "Vendor Inc", cls=VendorProfile,
                 planning={"annual_planning_month": 11, "plan_lock_month": 1},
                 contacts=[{"name": "Val Vendor", "title": "VP Channels", "signatory": True}])


SETTINGS = workshop.Settings(as_of=AS_OF)


def plan(partner: Profile, vendor: VendorProfile = VENDOR, settings: workshop.Settings = SETTINGS,
         **options) -> workshop.Plan:
    return workshop.plan_partnership(vendor, partner, settings, **options)


def rules_fired(result: workshop.Plan) -> set[str]:
    return {f.rule for f in result.findings}


def test_rules_builtin_packs_have_at_least_25_rules():
    packs = load_rule_packs()
    ids = [rule.id for pack in packs for rule in pack.pack.rules]
    assert len(ids) >= 25 and len(ids) == len(set(ids))


def test_rules_identical_calendars_no_misalignment_questions():
    result = plan(profile(2, planning={"annual_planning_month": 11}))
    assert result.recommended == "align-vendor"
    assert result.facts.worst_offset_days == 0 and result.facts.aligned
    fired = rules_fired(result)
    assert "calendars-aligned" in fired
    assert not any(rule.startswith(("offset-", "urgency-")) for rule in fired)
    assert not any("closes on" in q.text and "ours on" in q.text for q in result.questions)


@pytest.mark.parametrize("partner_month, worst, rule", [
    (1, 31, "offset-one-month-partner-first"),   # 1 month earlier
    (12, 31, "offset-one-month-partner-later"),  # 2 months earlier: the nearest quarter end is a month later
    (3, 31, "offset-one-month-partner-later"),   # a month later
    (5, 0, "quarter-ends-aligned-years-differ"),  # 3 months: quarter ends coincide
    (8, 0, "quarter-ends-aligned-years-differ"),  # 6 months
])
def test_rules_month_offsets(partner_month, worst, rule):
    result = plan(profile(partner_month))
    assert result.facts.worst_offset_days == worst
    assert rule in rules_fired(result)


def test_rules_question_names_dates_and_quarters():
    result = plan(profile(1, "Contoso"))
    texts = [q.text for q in result.questions if q.rule == "offset-one-month-partner-first"]
    assert ("Your Q1 FY2027 closes on 31 March and our Q1 FY2028 on 30 April: which of the deals due in "
            "April could land by 31 March?") in texts


def test_rules_blackout_across_quarter_end_is_high_and_avoided():
    partner = profile(1, blackouts=[{"name": "Summer shutdown", "start": "06-24", "end": "07-07"}])
    result = plan(partner)
    blackouts = [f for f in result.findings if f.rule == "blackout-in-urgency-window"]
    assert blackouts and blackouts[0].severity == "high" and "Summer shutdown" in blackouts[0].text
    shared = next(o for o in result.options if o.strategy == "shared-quarter-end")
    assert shared.periods[1].end == date(2027, 6, 23)  # the last working day before the shutdown


def test_rules_sales_lead_away_while_large_deal_closes(vendor):
    result = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "lumiere.yaml"), as_of=AS_OF,
                                       language="en-GB")
    at_risk = [f for f in result.findings if f.rule == "deal-at-risk-contact-away"]
    assert len(at_risk) == 1 and at_risk[0].severity == "high"
    assert "Groupe Hospitalier de Lyon" in at_risk[0].text and "Théo Lefèvre" in at_risk[0].text
    assert "29 July 2027" in at_risk[0].text
    assert any("Théo Lefèvre will be away" in q.text and "29 July" in q.text for q in result.questions)
    assert result.findings[0].severity == "high"  # most severe first


def test_rules_partner_plans_five_months_earlier():
    partner = profile(7, planning={"annual_planning_month": 6, "plan_lock_month": 7})
    result = plan(partner)
    assert result.facts.planning.partner_plans_first_by_months == 5
    fired = rules_fired(result)
    assert {"planning-partner-plans-first", "planning-two-seasons", "planning-lock-before-vendor-planning"} <= fired
    question = next(q.text for q in result.questions if q.rule == "planning-partner-plans-first")
    assert question.startswith("You plan in June")


def test_rules_partner_already_executing(vendor):
    result = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "southern-cross.yaml"), as_of=AS_OF)
    finding = next(f.text for f in result.findings if f.rule == "planning-partner-already-executing")
    assert "4 months into executing its FY2027 plan" in finding


def test_rules_profile_gaps_become_questions():
    result = plan(profile(1))
    fired = rules_fired(result)
    assert {"gap-planning-month", "gap-partner-signatory", "gap-partner-contacts", "gap-deals"} <= fired
    assert any(q.text == "Who will sign the MOP agreement for Partner Co, and by when?" for q in result.questions)


def test_rules_agenda_fills_the_session():
    for minutes in (60, 90, 120):
        result = plan(profile(1), settings=SETTINGS.replace(session_minutes=minutes))
        assert sum(item.minutes for item in result.agenda) == minutes
        assert result.agenda[0].section == "opening" and result.agenda[-1].section == "close"
        starts = [item.start_minute for item in result.agenda]
        assert starts == sorted(starts) and starts[0] == 0
        asked = [q for item in result.agenda for q in item.questions]
        assert asked == [q.text for s in result.agenda for q in result.questions if q.section == s.section]


def test_rules_weights_from_vendor_change_the_choice():
    partner = profile(1)
    simple = SETTINGS.replace(scoring_weights={"urgency_overlap": 0, "planning_alignment": 0, "collisions": 0,
                                               "complexity": 1})
    assert plan(partner, settings=simple).recommended == "align-vendor"
    assert plan(partner).recommended != "align-vendor"


def test_rules_user_pack(tmp_path, write):
    folder = tmp_path / "packs"
    write("packs/ours.yaml", """
        rules:
          - id: big-deal-review
            when: facts.deals | selectattr("amount", "ge", 100000) | list
            each: facts.deals | selectattr("amount", "ge", 100000) | list
            severity: medium
            section: pipeline
            finding: "{{ item.name }} needs deal desk review."
            questions: ["Who is the economic buyer for {{ item.name }}?"]
    """)
    partner = profile(1, deals=[{"name": "Acme", "amount": 250000, "expected_close": "2027-05-03"}])
    result = plan(partner, rule_packs=load_rule_packs([folder]))
    assert any(f.rule == "big-deal-review" and f.text == "Acme needs deal desk review." for f in result.findings)
    assert "Who is the economic buyer for Acme?" in [q.text for q in result.questions]


def test_rules_many_items_give_five_findings_and_one_that_sums_up_the_rest():
    # Partner quarters end 30 June; ours end 31 July: deals on 22-29 June are in their push, mid-quarter for us.
    deals = [{"name": f"Deal {n}", "amount": 1000 * n, "currency": "EUR", "expected_close": f"2027-06-{21 + n}"}
             for n in range(1, 9)]
    result = plan(profile(4, deals=deals))
    texts = [f.text for f in result.findings if f.rule == "deal-in-partner-window-only"]
    assert len(texts) == 6
    assert [t.split(" (")[0] for t in texts[:5]] == ["Deal 1", "Deal 2", "Deal 3", "Deal 4", "Deal 5"]
    # Deals 6, 7 and 8: 6,000 + 7,000 + 8,000, closing 27 to 29 June.
    assert texts[5] == ("3 more deals (€21,000 in all) close between 27 June 2027 and 29 June 2027 in "
                        "Partner Co's closing weeks but mid-quarter for us.")
    asked = [q.text for q in result.questions if q.rule == "deal-in-partner-window-only"]
    assert len(asked) == 5 and not any("Deal 6" in q for q in asked)


def test_rules_user_pack_limit_and_default_summary(tmp_path, write):
    write("packs/ours.yaml", """
        rules:
          - id: every-deal
            when: "true"
            each: facts.deals
            limit: 2
            severity: low
            section: pipeline
            finding: "{{ item.name }}."
    """)
    deals = [{"name": name, "amount": 10, "expected_close": "2027-05-03"} for name in ("A", "B", "C", "D")]
    result = plan(profile(1, deals=deals), rule_packs=load_rule_packs([tmp_path / "packs"]))
    assert [f.text for f in result.findings if f.rule == "every-deal"] == ["A.", "B.", "2 more like the 2 above."]


def test_rules_texts_keep_no_break_spaces(tmp_path, write):
    # French puts a no-break space before "?" and ":"; folding the template's line breaks must keep it.
    write("packs/fr.yaml", "rules:\n  - {id: nbsp, when: 'true', severity: info, section: opening,\n"
          "     finding: \"Question\u00a0:\n  pourquoi\u202f?\"}\n")
    result = plan(profile(1), rule_packs=load_rule_packs([tmp_path / "packs"]))
    assert [f.text for f in result.findings if f.rule == "nbsp"] == ["Question\u00a0: pourquoi\u202f?"]


def test_rules_pack_from_vendor_yaml(tmp_path, write):
    write("profiles/rules/extra.yaml", """
        rules:
          - {id: always, when: "true", severity: info, section: opening, finding: "Hello {{ partner.name }}."}
    """)
    write("profiles/vendor.yaml", """
        name: Vendor Inc
        fiscal_calendar: {first_month: 2}
        rules: [rules]
    """)
    vendor = workshop.load_vendor(tmp_path / "profiles" / "vendor.yaml")
    # Without settings, a plan takes those of the vendor's own file.
    result = workshop.plan_partnership(vendor, profile(1), as_of=AS_OF)
    assert any(f.text == "Hello Partner Co." for f in result.findings)
    settings = workshop.load_settings(tmp_path / "profiles" / "vendor.yaml", as_of=AS_OF)
    assert any(f.text == "Hello Partner Co." for f in plan(profile(1), vendor, settings).findings)


@pytest.mark.parametrize("body, message", [
    ("rules: [{id: x, when: 'facts.', severity: high, section: mop, finding: y}]", "rule x: when:"),
    ("rules: [{id: x, when: 'true', severity: huge, section: mop, finding: y}]", "rules[0].severity"),
    ("rules: [{id: x, when: 'true', severity: high, section: lunch, finding: y}]", "rules[0].section"),
    ("rules: [{id: x, when: 'true', severity: high, section: mop, finding: '{{ oops'}]", "rule x: finding:"),
    ("rules: [{id: x, when: 'facts.nothing_here', severity: high, section: mop, finding: y}]", "rule x: UndefinedError"),
    ("rules: [{id: x, when: 'facts.__class__.__mro__', severity: high, section: mop, finding: y}]", "rule x: when: blocked by the sandbox (SecurityError)"),
])
def test_rules_bad_pack_names_file_and_rule(tmp_path, write, body, message):
    path = write("packs/bad.yaml", body + "\n")
    with pytest.raises(RuleError) as caught:
        plan(profile(1), rule_packs=load_rule_packs([path]))
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_rules_bad_pack_via_cli(invoke, tmp_path, write):
    write("packs/bad.yaml", "rules: [{id: x, when: '1 +', severity: high, section: mop, finding: y}]\n")
    result = invoke("plan", "bluewater", "--profiles", EXAMPLES, "--rules", tmp_path / "packs")
    assert result.exit_code == 1
    assert "bad.yaml: rule x: when:" in result.output


def test_rules_plan_json_byte_identical(vendor):
    partner = workshop.load_profile(EXAMPLES / "sakura.yaml")
    runs = {workshop.plan_partnership(vendor, partner, as_of=AS_OF).to_json() for _ in range(3)}
    assert len(runs) == 1


profiles_strategy = st.builds(
    lambda month, weeks, blackout: profile(
        month, urgency_window_weeks=weeks,
        blackouts=[{"name": "Closed", "start": f"{blackout[0]:02d}-{blackout[1]:02d}",
                    "end": f"{blackout[0]:02d}-{min(28, blackout[1] + 6):02d}"}] if blackout else []),
    st.integers(1, 12), st.integers(0, 4),
    st.one_of(st.none(), st.tuples(st.integers(1, 12), st.integers(1, 22))),
)


@settings(max_examples=40, deadline=None)
@given(partner=profiles_strategy, vendor_month=st.integers(1, 12))
def test_rules_properties_tiling_and_blackout_avoidance(partner, vendor_month):
    vendor = VENDOR.model_copy(update={"fiscal_calendar": VENDOR.fiscal_calendar.model_copy(update={"first_month": vendor_month})})
    result = plan(partner, vendor)
    for option in result.options:
        periods = option.periods
        for a, b in zip(periods, periods[1:]):
            assert b.start == a.end + timedelta(days=1)
        length = (periods[-1].end - periods[0].start).days + 1
        if option.strategy == "shared-quarter-end":
            # Shared ends move off weekends, holidays and blackouts, so the MOP year may be a little
            # longer or shorter than a fiscal year; every end stays inside both current quarters.
            assert 334 <= length <= 397
            for period, pair in zip(periods, result.facts.quarter_pairs):
                assert period.end <= min(pair.vendor_end, pair.partner_end)
                assert period.end > max(pair.vendor_end, pair.partner_end) - timedelta(days=100)
        else:
            assert 364 <= length <= 371

    def ends_clear(option):
        return all(not any(b.start <= p.end <= b.end for b in _blackout_days(partner, p.end.year)) for p in option.periods)

    if any(ends_clear(o) for o in result.options):
        assert ends_clear(result.recommended_option) or result.recommended_option.factors["collisions"] >= max(
            o.factors["collisions"] for o in result.options) - 0.25


def _blackout_days(partner, year):
    """The partner's MM-DD blackouts in the years around `year`, computed here, not by workshop."""
    from workshop.fiscal import DateRange

    ranges = []
    for b in partner.blackouts:
        (sm, sd), (em, ed) = (map(int, b.start.split("-")), map(int, b.end.split("-")))
        for y in (year - 1, year, year + 1):
            ranges.append(DateRange(date(y, sm, sd), date(y, em, ed)))
    return ranges
