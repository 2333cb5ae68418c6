"""Facts about a vendor/partner pair for one vendor fiscal year: both sides' calendars and working
days, quarter-end pairs, planning seasons, collisions in closing weeks, deals, profile gaps."""

from __future__ import annotations

from .compute import MONTHS, calendar_words, collisions, compute_facts, long_years
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
from .sides import Away, QuarterPair, Side, is_key_role, pair_quarters, planning_start, possessive

__all__ = ["Away", "CollisionFact", "CoverageFact", "DealFact", "Facts", "LongYearFact", "MONTHS", "NamedSpan", "PairFact",
           "PlanningFacts", "QuarterFact", "QuarterPair", "Side", "SideFacts", "calendar_words", "collisions",
           "compute_facts", "is_key_role", "long_years", "pair_quarters", "planning_start", "possessive"]
