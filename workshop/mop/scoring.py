"""Scoring MOP options: named factors from 0 (bad) to 1 (good), weighted into a score out of 100,
and the recommendation with its business reason first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean

from ..facts import Side
from ..fiscal import DateRange
from ..i18n import N_, _, day_month, fill, join, long_date, number, pgettext
from .base import Option

RUN_UP_DAYS = 14  # the last two weeks before a period ends, when deals are pushed over the line


@dataclass(frozen=True)
class Factor:
    """One scoring factor, as the briefing pack and the rationale name it (in English; `_()` translates)."""

    key: str
    name: str
    """In a sentence: `urgency overlap`."""
    heading: str
    """As a table column: `Urgency overlap`."""
    description: str
    """What a high value means, e.g. `period ends where both sides push to close`."""


FACTORS = (
    Factor("urgency_overlap", N_("urgency overlap"), N_("Urgency overlap"), N_("period ends where both sides push to close")),
    Factor("planning_alignment", N_("planning alignment"), N_("Planning"), N_("each side's new year gets a joint kick-off")),
    Factor("collisions", N_("holiday, blackout and absence collisions"), N_("Collisions"),
           N_("period ends clear of blackouts, holidays, seasons and key people away")),
    Factor("complexity", N_("operational simplicity"), N_("Simplicity"), N_("fewer new dates to track")),
)
FACTOR_NAMES = {factor.key: factor.name for factor in FACTORS}
DEFAULT_WEIGHTS = {"urgency_overlap": 0.4, "planning_alignment": 0.25, "collisions": 0.2, "complexity": 0.15}

TIE_MARGIN = 0.5  # score points (of 100) within which two options count as tied


@dataclass(frozen=True)
class RunUpTrouble:
    """What stands in the last two weeks before one period end."""

    blackouts: list[str]
    holidays: list[str]
    seasons: list[str]
    people_away: list[str]
    deals_at_risk: list[str]

    @property
    def penalty(self) -> float:
        """0 (clear) to 1 (a blackout, or several smaller troubles)."""
        return min(1.0, 1.0 * bool(self.blackouts) + 0.5 * len(self.people_away) + 0.5 * len(self.deals_at_risk)
                   + 0.15 * len(self.holidays) + 0.25 * len(self.seasons))

    def words(self) -> list[str]:
        return self.blackouts + self.seasons + self.holidays + self.people_away + self.deals_at_risk


def _month_distance(a: date, b: date) -> float:
    """Distance between two days of the year in months, ignoring the year (0-6)."""
    days = abs((a.replace(year=2001) if not (a.month == 2 and a.day == 29) else date(2001, 2, 28))
               - (b.replace(year=2001) if not (b.month == 2 and b.day == 29) else date(2001, 2, 28))).days
    return min(days, 365 - days) / 30.44


def run_up_trouble(end: date, vendor: Side, partner: Side, deals_at_risk: dict[date, str]) -> RunUpTrouble:
    """Blackouts, business holidays, seasons, key people away and deals at risk in the two weeks
    before `end` (a side's own holidays and seasons count where they stop its own team)."""
    run_up = DateRange(end - timedelta(days=RUN_UP_DAYS - 1), end)
    blackouts, holidays, seasons, away = [], [], [], []
    for side in (vendor, partner):
        blackouts += [fill(_("%(company)s's %(closure)s"), {"company": side.name, "closure": name})
                      for name, _span in side.blackout_ranges(run_up)]
        holidays += [_("%(holiday)s on %(day)s") % {"holiday": name, "day": _long(day)}
                     for day, name in sorted(side.holidays.items()) if day in run_up]
        seasons += [_("%(season)s from %(day)s") % {"season": _(s.name), "day": _long(s.span.start)}
                    for s in side.seasons_in(run_up)]
        away += sorted({_("%(person)s away") % {"person": a.person} for a in side.away
                        if a.key and a.span.overlaps(run_up)})
    risky = [_("%(deal)s closing at risk") % {"deal": name} for day, name in sorted(deals_at_risk.items())
             if day in run_up]
    unique = lambda items: list(dict.fromkeys(items))  # noqa: E731  (both sides may close on one holiday)
    return RunUpTrouble(unique(blackouts), unique(holidays), unique(seasons), unique(away), risky)


def _long(day: date) -> str:
    return long_date(day)


def score_options(options: list[Option], vendor: Side, partner: Side, year: int,
                  weights: dict[str, float] | None = None, deals_at_risk: dict[date, str] | None = None) -> None:
    """Fill in each option's factors (0-1, higher is better) and its weighted score (0-100)."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    total_weight = sum(weights.values()) or 1.0
    vendor_start = vendor.calendar.year(year).start
    partner_start = partner.calendar.year_of(vendor_start).start
    for option in options:
        ends = [p.end for p in option.periods]
        served = [
            max(max(0.0, 1 - _month_distance(side_start, k) / 6) for k in option.kickoffs)
            for side_start in (vendor_start, partner_start)
        ]
        trouble = [run_up_trouble(end, vendor, partner, deals_at_risk or {}) for end in ends]
        option.factors = {
            "urgency_overlap": round(mean(min(vendor.pressure(d), partner.pressure(d)) for d in ends), 3),
            "planning_alignment": round(mean(served), 3),
            "collisions": round(1 - mean(t.penalty for t in trouble), 3),
            "complexity": option.simplicity,
        }
        option.score = round(100 * sum(weights[k] * v for k, v in option.factors.items()) / total_weight, 1)


def _day(day: date) -> str:
    return day_month(day)


def business_reason(option: Option, other: Option, vendor: Side, partner: Side, key: str,
                    deals_at_risk: dict[date, str]) -> str | None:
    """The business reason behind one factor in which `option` beats `other`, true of their dates."""
    if key == "urgency_overlap":
        shared = [p.end for p in option.periods if _in_both_quarters_and_windows(p.end, vendor, partner)]
        if shared:
            return _("a deal closed by %(day)s counts in both sides' quarter, in both sides' closing weeks") % {
                "day": _day(shared[0])}
        return _("its period ends come closer to both sides' closing weeks")
    if key == "planning_alignment":
        served = [(side, start) for side in (vendor, partner)
                  if (start := _served_start(side, option.kickoffs)) is not None]
        if not served:
            return None
        if len(served) == 1:
            side, start = served[0]
            return fill(_("%(company)s's new fiscal year (%(day)s) starts with a joint plan"),
                        {"company": side.name, "day": _day(start)})
        (first, first_start), (second, second_start) = served
        return fill(_("%(vendor)s's new fiscal year (%(vendor_day)s) and %(partner)s's new fiscal year "
                      "(%(partner_day)s) start with a joint plan"),
                    {"vendor": first.name, "vendor_day": _day(first_start), "partner": second.name,
                     "partner_day": _day(second_start)})
    if key == "collisions":
        mine = {w for p in option.periods for w in run_up_trouble(p.end, vendor, partner, deals_at_risk).words()}
        theirs = {w for p in other.periods for w in run_up_trouble(p.end, vendor, partner, deals_at_risk).words()}
        avoided = sorted(theirs - mine)
        if avoided:
            return _("its period ends stay clear of %(troubles)s") % {"troubles": join(avoided[:3])}
        return _("fewer of its period ends meet holidays, blackouts or people away")
    if key == "complexity":
        return _("it gives both teams fewer new dates to track")
    return None


def _served_start(side: Side, kickoffs: list[date]) -> date | None:
    """The start of a fiscal year of `side` that one of the kick-offs falls within a month of, if any."""
    for kickoff in kickoffs:
        year = side.calendar.year_of(kickoff)
        for start in (year.start, year.end + timedelta(days=1)):
            if abs((start - kickoff).days) <= 31:
                return start
    return None


def _in_both_quarters_and_windows(day: date, vendor: Side, partner: Side) -> bool:
    return vendor.closing_window(day) is not None and partner.closing_window(day) is not None


def recommend(options: list[Option], weights: dict[str, float] | None = None, *, vendor: Side | None = None,
              partner: Side | None = None, deals_at_risk: dict[date, str] | None = None) -> tuple[Option, str]:
    """The best-scoring option (ties to the simpler, earlier one) and why, the business reason first."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    best_score = max(o.score for o in options)
    best = next(o for o in options if best_score - o.score <= TIE_MARGIN)
    others = sorted((o for o in options if o is not best), key=lambda o: -o.score)
    if not others:
        return best, _("%(option)s is the only option for these calendars.") % {"option": best.title}
    runner_up = others[0]
    scores = {"option": best.title, "other": runner_up.title, "score": number(best.score, 1),
              "other_score": number(runner_up.score, 1)}
    if best.score - runner_up.score <= TIE_MARGIN:
        return best, (_("%(option)s: it does as well as “%(other)s” on these calendars and is simpler to run (scores "
                        "%(score)s and %(other_score)s of 100).") % scores)
    gains = {k: weights[k] * (best.factors[k] - runner_up.factors[k]) for k in best.factors}
    decisive = [k for k, gain in sorted(gains.items(), key=lambda kv: -kv[1]) if gain > 0.001][:2]
    reasons = [r for k in decisive
               if vendor is not None and partner is not None
               and (r := business_reason(best, runner_up, vendor, partner, k, deals_at_risk or {}))]
    because = pgettext("between reasons", "; ").join(reasons) if reasons else _("it balances the factors best")
    return best, (_("%(option)s: %(reasons)s. It scores %(score)s of 100, ahead of “%(other)s” (%(other_score)s).")
                  % {**scores, "reasons": because})
