"""What every MOP strategy shares: the option it builds, its dated periods, and what it is built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from ..facts import Side
from ..fiscal import DateRange, FiscalYear


@dataclass(frozen=True)
class MopPeriod:
    """One dated period of an option."""

    name: str
    start: date
    end: date


@dataclass
class Option:
    """One way to run the Mutual Operating Period, with its dated periods and its score."""

    strategy: str
    title: str
    periods: list[MopPeriod]
    rationale: str
    kickoffs: list[date]
    """Days on which a joint plan kicks a MOP off (planning alignment counts them)."""
    simplicity: float = 1.0
    """How little the option asks of both teams to operate (1 = nothing new to track)."""
    factors: dict[str, float] = field(default_factory=dict)
    score: float = 0.0


@dataclass(frozen=True)
class Pairing:
    """The two sides and the vendor fiscal year an option is built for."""

    vendor: Side
    partner: Side
    year: int

    @cached_property
    def vendor_year(self) -> FiscalYear:
        return self.vendor.calendar.year(self.year)

    @cached_property
    def partner_year(self) -> FiscalYear:
        """The partner fiscal year that shares the most days with the vendor year (the earlier of equals)."""
        vendor_span = self.vendor_year.span
        years = (self.partner.calendar.year(label) for label in range(self.year - 2, self.year + 3))
        return max(years, key=lambda py: ((py.span.overlap(vendor_span) or DateRange(py.start, py.start)).days
                                          if py.span.overlaps(vendor_span) else 0, -py.start.toordinal()))


class Strategy:
    """A MOP shape. Subclasses set `name` and `simplicity` and build an option for a pairing."""

    name: str = ""
    """Id used in plans, agreements and on the command line, e.g. `align-vendor`."""
    simplicity: float = 1.0
    """How little the shape asks of both teams to operate (1 = nothing new to track)."""

    def build(self, pairing: Pairing) -> Option | None:  # pragma: no cover - abstract
        """The option for `pairing`, or None when the shape does not apply to it."""
        raise NotImplementedError

    def option(self, title: str, periods: list[MopPeriod], rationale: str, kickoffs: list[date]) -> Option:
        """An option of this strategy."""
        return Option(self.name, title, periods, rationale, kickoffs, simplicity=self.simplicity)


def periods_from_ends(first_start: date, ends: list[date], names: list[str]) -> list[MopPeriod]:
    """Consecutive periods from `first_start`, each ending on the next of `ends`."""
    periods, start = [], first_start
    for name, end in zip(names, ends):
        periods.append(MopPeriod(name, start, end))
        start = end + timedelta(days=1)
    return periods


def quarter_names(count: int) -> list[str]:
    """MOP Q1, MOP Q2, ..."""
    return [f"MOP Q{i + 1}" for i in range(count)]
