"""What an option covers in time: its span, the periods already under way on the plan date, the
handover from the agreement to the first period, where the vendor's own year end falls, and how it
follows the MOP agreed last year."""

from __future__ import annotations

from datetime import date, timedelta

from ..fiscal import DateRange
from .. import i18n
from ..formatting import long_date
from ..i18n import _, plural
from .base import Option


def period_status(start: date, end: date, as_of: date) -> str:
    """`ahead`, `running` (under way on the plan date) or `ended`."""
    return "ended" if end < as_of else "running" if start <= as_of else "ahead"


def handover(periods: list, as_of: date, vendor_year_end: date, locale: str | None = None) -> str:
    """In plain sentences: what runs from the agreement until the first period starts (or which
    period is already under way), and where the Vendor's own fiscal year end falls. In the current
    language; `locale`, if given, for its dates."""
    def day(d: date) -> str:
        return long_date(d, locale) if locale else i18n.long_date(d)

    sentences: list[str] = []
    first, last = periods[0], periods[-1]
    if first.start > as_of:
        sentences.append(_("Until %(eve)s both sides close their current quarters as they are; the MOP starts on "
                           "%(start)s.") % {"eve": day(first.start - timedelta(days=1)), "start": day(first.start)})
    elif (running := next((p for p in periods if p.start <= as_of <= p.end), None)) is not None:
        sentences.append(_("%(period)s is already under way (since %(start)s); the MOP applies to it from the day "
                           "both sides sign.") % {"period": running.name, "start": day(running.start)})
    else:
        sentences.append(_("Every period had ended by %(day)s; this records how the year was run.") % {"day": day(as_of)})
    if vendor_year_end == last.end or any(p.end == vendor_year_end for p in periods):
        return _sentences(sentences)
    if first.start <= vendor_year_end < last.end:
        period = next(p for p in periods if p.start <= vendor_year_end <= p.end)
        sentences.append(_("The Vendor's fiscal year ends on %(year_end)s, inside %(period)s (which ends %(end)s): "
                           "the Vendor's year-end deals are committed with that period's forecast.")
                         % {"year_end": day(vendor_year_end), "period": period.name, "end": day(period.end)})
    elif vendor_year_end > last.end:
        sentences.append(_("The Vendor's fiscal year ends on %(year_end)s, %(days)s after this MOP year: its last "
                           "weeks fall in the first period of the next MOP year, from %(next)s.")
                         % {"year_end": day(vendor_year_end), "days": plural((vendor_year_end - last.end).days, "day"),
                            "next": day(last.end + timedelta(days=1))})
    else:
        sentences.append(_("The Vendor's fiscal year ends on %(year_end)s, before this MOP year starts.")
                         % {"year_end": day(vendor_year_end)})
    return _sentences(sentences)


def _sentences(parts: list[str]) -> str:
    """Sentences one after the other: with a space between them, none after a Chinese or Japanese full stop."""
    return " ".join(parts).replace("。 ", "。")


def continuity(option: Option, previous: DateRange | None, locale: str | None = None) -> str:
    """How the option follows last year's agreed MOP: seamlessly, with a gap, or overlapping it."""
    if previous is None:
        return ""
    def day(d: date) -> str:
        return long_date(d, locale) if locale else i18n.long_date(d)

    first = option.periods[0].start
    gap = (first - previous.end).days - 1
    dates = {"end": day(previous.end), "start": day(first)}
    if gap == 0:
        return _("It follows last year's agreed MOP, which ends on %(end)s, without a gap.") % dates
    if gap > 0:
        return _("It leaves a gap of %(days)s after last year's agreed MOP, which ends on %(end)s: the MOP starts on "
                 "%(start)s.") % {**dates, "days": plural(gap, "day")}
    return _("It overlaps last year's agreed MOP, which ends on %(end)s, by %(days)s: the MOP starts on %(start)s.") % {
        **dates, "days": plural(-gap, "day")}
