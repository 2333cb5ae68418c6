"""What every MOP strategy shares: the option it builds, its dated periods, and what it is built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from ..facts import Side
from ..fiscal import DateRange, FiscalYear, Quarter

STUB_DAYS = 42  # a piece of a quarter shorter than six weeks joins the period before it


class NotOffered(Exception):
    """A strategy does not apply to a pairing; the message says why, in a sentence for the plan."""


@dataclass(frozen=True)
class MopPeriod:
    """One dated period of an option."""

    name: str
    start: date
    end: date
    note: str = ""
    """Why the period ends on its date, where that is not plain (a shared quarter-end)."""


@dataclass(frozen=True)
class Half:
    """One of the operating periods of two MOPs a year: its span and whose plan kicks it off."""

    name: str
    start: date
    end: date
    kicked_off_by: str
    """e.g. `Halcyon Cloud Software's FY2028 plan`."""


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
    halves: list[Half] = field(default_factory=list)
    factors: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def span(self) -> DateRange:
        return DateRange(self.periods[0].start, self.periods[-1].end)


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
    """A MOP shape. Subclasses set `name` and `simplicity` and build an option for a pairing (or
    raise NotOffered saying why the shape does not apply)."""

    name: str = ""
    """Id used in plans, agreements and on the command line, e.g. `align-vendor`."""
    simplicity: float = 1.0
    """How little the shape asks of both teams to operate (1 = nothing new to track)."""

    def build(self, pairing: Pairing) -> Option:  # pragma: no cover - abstract
        """The option for `pairing`."""
        raise NotImplementedError

    def option(self, title: str, periods: list[MopPeriod], rationale: str, kickoffs: list[date],
               halves: list[Half] | None = None) -> Option:
        """An option of this strategy."""
        return Option(self.name, title, periods, rationale, kickoffs, simplicity=self.simplicity,
                      halves=halves or [])


def periods_from_ends(first_start: date, ends: list[date], names: list[str], notes: list[str] | None = None
                      ) -> list[MopPeriod]:
    """Consecutive periods from `first_start`, each ending on the next of `ends`."""
    periods, start = [], first_start
    for index, (name, end) in enumerate(zip(names, ends)):
        periods.append(MopPeriod(name, start, end, notes[index] if notes else ""))
        start = end + timedelta(days=1)
    return periods


def quarter_names(count: int, prefix: str = "MOP Q") -> list[str]:
    """MOP Q1, MOP Q2, ..."""
    return [f"{prefix}{i + 1}" for i in range(count)]


def quarter_periods(quarters: tuple[Quarter, ...] | list[Quarter]) -> list[MopPeriod]:
    """MOP Q1 to Q4 on one side's fiscal quarters."""
    return [MopPeriod(f"MOP Q{q.number}", q.start, q.end) for q in quarters]


def quarterly_within(span: DateRange, quarters: list[Quarter], prefix: str) -> list[MopPeriod]:
    """Periods that end on the quarter ends inside `span` and on its last day, a stub shorter than
    six weeks joined to the period before it: quarterly commit points inside one MOP."""
    ends = sorted({q.end for q in quarters if span.start <= q.end < span.end} | {span.end})
    if len(ends) > 1 and (ends[-1] - ends[-2]).days < STUB_DAYS:
        ends.pop(-2)
    if len(ends) > 1 and (ends[0] - span.start).days + 1 < STUB_DAYS:
        ends.pop(0)
    return periods_from_ends(span.start, ends, quarter_names(len(ends), f"{prefix} Q"))
