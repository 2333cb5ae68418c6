"""MOP strategies: one module per shape of Mutual Operating Period, registered here in order of
simplicity (a tie in score goes to the earlier one); `scoring` rates the options they build."""

from __future__ import annotations

from ..errors import PlanningError
from ..facts import Side
from .align_partner import AlignPartner
from .align_vendor import AlignVendor
from .base import Half, MopPeriod, NotOffered, Option, Pairing, Strategy
from .dual_mop import DualMop
from .shared_quarter_end import SharedQuarterEnd

_STRATEGIES: dict[str, Strategy] = {}


def register(strategy: Strategy) -> Strategy:
    """Offer `strategy` in every plan, after those registered before it; returns it."""
    if not strategy.name:
        raise ValueError("a MOP strategy needs a name")
    _STRATEGIES[strategy.name] = strategy
    return strategy


def unregister(name: str) -> None:
    """Stop offering the strategy called `name` (e.g. one a test registered)."""
    _STRATEGIES.pop(name, None)


def strategies() -> list[Strategy]:
    """Every registered strategy, simplest first."""
    return list(_STRATEGIES.values())


def strategy_names() -> tuple[str, ...]:
    """The names of the registered strategies, simplest first (e.g. for `agree --strategy`)."""
    return tuple(_STRATEGIES)


for _strategy in (AlignVendor(), AlignPartner(), SharedQuarterEnd(), DualMop()):
    register(_strategy)


def mop_options(vendor: Side, partner: Side, year: int) -> tuple[list[Option], dict[str, str]]:
    """An option of every registered strategy that applies, for the vendor's fiscal `year`, simplest
    first; and {strategy: why it is not offered} for those that do not."""
    pairing = Pairing(vendor, partner, year)
    options, not_offered = [], {}
    for strategy in strategies():
        try:
            options.append(strategy.build(pairing))
        except NotOffered as reason:
            not_offered[strategy.name] = str(reason)
    if not options:
        raise PlanningError("no MOP strategy applies to these calendars: " + "; ".join(not_offered.values()))
    return options, not_offered


__all__ = ["Half", "MopPeriod", "NotOffered", "Option", "Pairing", "Strategy", "mop_options", "register", "strategies",
           "strategy_names", "unregister"]
