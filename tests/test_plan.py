"""Plans: quarter-end pairs, the MOP options with dated periods, the recommendation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import workshop
from workshop.profiles import Profile, VendorProfile

from .conftest import AS_OF, EXAMPLES


def make(first_month: int, name: str = "Partner Co", cls=Profile, **fields):
    return cls.model_validate({"id": name.lower().replace(" ", "-"), "name": name,
                               "fiscal_calendar": {"type": "monthly", "first_month": first_month}, **fields})


def plan_for(vendor_month: int, partner_month: int, **partner_fields) -> workshop.Plan:
    vendor = make(vendor_month, "Vendor Inc", cls=VendorProfile)
    return workshop.plan_partnership(vendor, make(partner_month, **partner_fields), as_of=AS_OF)


def assert_tiles_a_year(periods):
    for a, b in zip(periods, periods[1:]):
        assert b.start == a.end + timedelta(days=1), (a, b)
    assert 364 <= (periods[-1].end - periods[0].start).days + 1 <= 371


def test_plan_default_year_is_vendors_next():
    plan = plan_for(2, 1)
    # 26 Nov 2026 is in FY2027 of a February-start vendor, so the next year is FY2028.
    assert plan.fiscal_year == 2028
    assert plan.facts.vendor_year_start == date(2027, 2, 1)
    assert plan.facts.vendor_year_end == date(2028, 1, 31)


def test_plan_identical_calendars_align_with_zero_offset():
    plan = plan_for(7, 7)
    assert plan.facts.worst_offset_days == 0
    assert plan.recommended == "align-vendor"
    assert plan.recommended_option.periods[0].start == date(2027, 7, 1)


def test_plan_one_month_offset_pairs_quarter_ends():
    plan = plan_for(2, 1)  # partner on the calendar year closes a month before the vendor
    pairs = [(p.vendor_end, p.partner_end, p.offset_days) for p in plan.facts.quarter_pairs]
    assert pairs == [
        (date(2027, 4, 30), date(2027, 3, 31), -30),
        (date(2027, 7, 31), date(2027, 6, 30), -31),
        (date(2027, 10, 31), date(2027, 9, 30), -31),
        (date(2028, 1, 31), date(2027, 12, 31), -31),
    ]
    assert plan.facts.worst_offset_days == 31
    assert plan.recommended != "align-vendor"  # the vendor's quarter end misses the partner's urgency


def test_plan_has_every_strategy_with_periods_tiling_a_year():
    for partner_month in range(1, 13):
        plan = plan_for(2, partner_month)
        # Two MOPs a year only where the fiscal years start three months or more apart (February and May to November).
        apart = min((partner_month - 2) % 12, (2 - partner_month) % 12)
        offered = ["align-vendor", "align-partner", "shared-quarter-end"] + (["dual-mop"] if apart >= 3 else [])
        assert [o.strategy for o in plan.options] == offered
        assert ("dual-mop" in plan.not_offered) == (apart < 3)
        for option in plan.options:
            assert_tiles_a_year(option.periods)
            assert 0 <= option.score <= 100
            assert set(option.factors) == {"urgency_overlap", "planning_alignment", "collisions", "complexity"}
        assert plan.recommended in {o.strategy for o in plan.options}
        assert plan.recommendation.startswith(plan.recommended_option.title)


def test_plan_shared_quarter_end_counts_for_both_and_avoids_blackouts():
    plan = plan_for(2, 1, blackouts=[{"name": "Year-end", "start": "12-22", "end": "01-02"}])
    shared = next(o for o in plan.options if o.strategy == "shared-quarter-end")
    ends = [p.end for p in shared.periods]
    # Inside both current quarters: never after the partner's quarter end, never before the vendor's quarter start.
    assert ends[:3] == [date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30)]
    # 31 December is in the partner's blackout: the last working day before it is taken instead.
    assert ends[3] == date(2027, 12, 21)
    assert shared.factors["collisions"] == 1.0


def test_plan_example_lumiere(vendor):
    partner = workshop.load_profile(EXAMPLES / "lumiere.yaml")
    plan = workshop.plan_partnership(vendor, partner, as_of=AS_OF)
    assert plan.partner.name == "Lumière Numérique SAS"
    assert [s.name for s in plan.partner.signatories] == ["Élodie Marchand"]
    assert [s.name for s in plan.vendor.signatories] == ["Dana Whitfield"]


def test_plan_json_is_deterministic(vendor):
    partner = workshop.load_profile(EXAMPLES / "rheinwerk.yaml")
    first = workshop.plan_partnership(vendor, partner, as_of=AS_OF).to_json()
    second = workshop.plan_partnership(vendor, partner, as_of=AS_OF).to_json()
    assert first == second
    assert workshop.Plan.model_validate_json(first).to_json() == first


def test_plan_year_out_of_range():
    vendor = make(2, "Vendor Inc", cls=VendorProfile)
    with pytest.raises(workshop.PlanningError):
        workshop.plan_partnership(vendor, make(1), as_of=AS_OF, fiscal_year=3000)
