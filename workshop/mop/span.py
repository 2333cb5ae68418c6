"""What an option covers in time: its span, the periods already under way on the plan date, the
handover from the agreement to the first period, where the vendor's own year end falls, and how it
follows the MOP agreed last year."""

from __future__ import annotations

from datetime import date, timedelta

from ..fiscal import DateRange
from ..formatting import long_date
from .base import Option


def period_status(start: date, end: date, as_of: date) -> str:
    """`ahead`, `running` (under way on the plan date) or `ended`."""
    return "ended" if end < as_of else "running" if start <= as_of else "ahead"


def handover(periods: list, as_of: date, vendor_year_end: date, locale: str) -> str:
    """In plain sentences: what runs from the agreement until the first period starts (or which
    period is already under way), and where the Vendor's own fiscal year end falls."""
    def day(d: date) -> str:
        return long_date(d, locale)

    sentences: list[str] = []
    first, last = periods[0], periods[-1]
    if first.start > as_of:
        sentences.append(f"Until {day(first.start - timedelta(days=1))} both sides close their current quarters "
                         f"as they are; the MOP starts on {day(first.start)}.")
    elif (running := next((p for p in periods if p.start <= as_of <= p.end), None)) is not None:
        sentences.append(f"{running.name} is already under way (since {day(running.start)}); the MOP applies "
                         f"to it from the day both sides sign.")
    else:
        sentences.append(f"Every period had ended by {day(as_of)}; this records how the year was run.")
    if vendor_year_end == last.end or any(p.end == vendor_year_end for p in periods):
        return " ".join(sentences)
    if first.start <= vendor_year_end < last.end:
        period = next(p for p in periods if p.start <= vendor_year_end <= p.end)
        sentences.append(f"The Vendor's fiscal year ends on {day(vendor_year_end)}, inside {period.name} (which "
                         f"ends {day(period.end)}): the Vendor's year-end deals are committed with that period's "
                         f"forecast.")
    elif vendor_year_end > last.end:
        days = (vendor_year_end - last.end).days
        sentences.append(f"The Vendor's fiscal year ends on {day(vendor_year_end)}, {days} days after this MOP "
                         f"year: its last weeks fall in the first period of the next MOP year, from "
                         f"{day(last.end + timedelta(days=1))}.")
    else:
        sentences.append(f"The Vendor's fiscal year ends on {day(vendor_year_end)}, before this MOP year starts.")
    return " ".join(sentences)


def continuity(option: Option, previous: DateRange | None, locale: str) -> str:
    """How the option follows last year's agreed MOP: seamlessly, with a gap, or overlapping it."""
    if previous is None:
        return ""
    first = option.periods[0].start
    gap = (first - previous.end).days - 1
    ended = long_date(previous.end, locale)
    if gap == 0:
        return f"It follows last year's agreed MOP, which ends on {ended}, without a gap."
    if gap > 0:
        return (f"It leaves a gap of {gap} day{'s' * (gap != 1)} after last year's agreed MOP, which ends on "
                f"{ended}: the MOP starts on {long_date(first, locale)}.")
    return (f"It overlaps last year's agreed MOP, which ends on {ended}, by {-gap} day{'s' * (gap != -1)}: the MOP "
            f"starts on {long_date(first, locale)}.")
