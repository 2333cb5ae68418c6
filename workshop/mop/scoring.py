"""Scoring MOP options: named factors from 0 (bad) to 1 (good), weighted into a score out of 100,
and the recommendation with the factors that decided it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean

from ..facts import Side
from ..fiscal import DateRange
from .base import Option


@dataclass(frozen=True)
class Factor:
    """One scoring factor, as the briefing pack and the rationale name it."""

    key: str
    name: str
    """In a sentence: `urgency overlap`."""
    heading: str
    """As a table column: `Urgency overlap`."""
    description: str
    """What a high value means, e.g. `period ends where both sides push to close`."""


FACTORS = (
    Factor("urgency_overlap", "urgency overlap", "Urgency overlap", "period ends where both sides push to close"),
    Factor("planning_alignment", "planning alignment", "Planning", "each side's new year gets a joint kick-off"),
    Factor("collisions", "holiday and blackout collisions", "Collisions", "period ends clear of blackouts"),
    Factor("complexity", "operational simplicity", "Simplicity", "fewer new dates to track"),
)
FACTOR_NAMES = {factor.key: factor.name for factor in FACTORS}
DEFAULT_WEIGHTS = {"urgency_overlap": 0.4, "planning_alignment": 0.25, "collisions": 0.2, "complexity": 0.15}

TIE_MARGIN = 0.5  # score points (of 100) within which two options count as tied


def _month_distance(a: date, b: date) -> float:
    """Distance between two days of the year in months, ignoring the year (0-6)."""
    days = abs((a.replace(year=2001) if not (a.month == 2 and a.day == 29) else date(2001, 2, 28))
               - (b.replace(year=2001) if not (b.month == 2 and b.day == 29) else date(2001, 2, 28))).days
    return min(days, 365 - days) / 30.44


def score_options(options: list[Option], vendor: Side, partner: Side, year: int,
                  weights: dict[str, float] | None = None) -> None:
    """Fill in each option's factors (0-1, higher is better) and its weighted score (0-100)."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    total_weight = sum(weights.values()) or 1.0
    vendor_start = vendor.calendar.year(year).start
    partner_start = partner.calendar.year_of(vendor_start).start
    for option in options:
        ends = [p.end for p in option.periods]
        span = DateRange(option.periods[0].start - timedelta(days=31), option.periods[-1].end)
        closed = [r for _, r in vendor.blackout_ranges(span) + partner.blackout_ranges(span)]
        run_ups = [DateRange(end - timedelta(days=13), end) for end in ends]
        served = [
            max(max(0.0, 1 - _month_distance(side_start, k) / 6) for k in option.kickoffs)
            for side_start in (vendor_start, partner_start)
        ]
        option.factors = {
            "urgency_overlap": round(mean(min(vendor.pressure(d), partner.pressure(d)) for d in ends), 3),
            "planning_alignment": round(mean(served), 3),
            "collisions": round(1 - sum(
                any(r.overlaps(b) for b in closed) or r.end in vendor.holidays or r.end in partner.holidays
                for r in run_ups) / len(run_ups), 3),
            "complexity": option.simplicity,
        }
        option.score = round(100 * sum(weights[k] * v for k, v in option.factors.items()) / total_weight, 1)


def recommend(options: list[Option], weights: dict[str, float] | None = None) -> tuple[Option, str]:
    """The best-scoring option (ties to the simpler, earlier one) and a sentence naming the decisive factors."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    best_score = max(o.score for o in options)
    best = next(o for o in options if best_score - o.score <= TIE_MARGIN)
    others = sorted((o for o in options if o is not best), key=lambda o: -o.score)
    if not others:
        return best, f"{best.title} is the only option for these calendars."
    runner_up = others[0]
    gains = {k: weights[k] * (best.factors[k] - runner_up.factors[k]) for k in best.factors}
    decisive = [FACTOR_NAMES[k] for k, gain in sorted(gains.items(), key=lambda kv: -kv[1]) if gain > 0.001][:2]
    if best.score - runner_up.score <= TIE_MARGIN:
        reason = (f"{best.title} scores {best.score:.1f} of 100, level with “{runner_up.title}”; "
                  f"the simpler option wins the tie.")
    else:
        because = " and ".join(decisive) or "overall balance"
        reason = (f"{best.title} scores {best.score:.1f} of 100, ahead of “{runner_up.title}” "
                  f"({runner_up.score:.1f}) on {because}.")
    return best, reason
