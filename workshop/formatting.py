"""Dates, months and money formatted for a locale with Babel: "31. März 2027" and "920.000 €" in de_DE.

`workshop.i18n` makes Jinja2 filters of them for rule texts and templates, in the locale of the
language a document is written in.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, get_month_names
from babel.numbers import format_currency

DEFAULT_LOCALE = "en_GB"


@lru_cache(maxsize=32)
def parse_locale(name: str) -> Locale:
    """A Babel locale from `en_GB`, `de-DE` or `ja`; ValueError for an unknown one."""
    try:
        return Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"unknown locale {name!r} (examples: en_GB, en_US, de_DE, fr_FR, ja_JP)") from exc


def long_date(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """31 March 2027 / March 31, 2027 / 31. März 2027."""
    return format_date(day, "long", locale=parse_locale(locale))


def short_date(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """31 Mar 2027."""
    return format_skeleton("yMMMd", day, locale=parse_locale(locale))


def day_month(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """31 March."""
    return format_skeleton("MMMMd", day, locale=parse_locale(locale))


def month_year(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """November 2026."""
    return format_skeleton("yMMMM", day, locale=parse_locale(locale))


def month_name(month: int, locale: str = DEFAULT_LOCALE) -> str:
    """March / März / 3月 (Chinese too: its wide names, 十一月, stand oddly beside dates written 11月30日)."""
    loc = parse_locale(locale)
    return get_month_names("abbreviated" if loc.language == "zh" else "wide", locale=loc)[int(month)]


def money(amount: float, currency: str, locale: str = DEFAULT_LOCALE) -> str:
    """€920,000 / 920.000 € / ¥48,000,000: whole units in the locale's own pattern."""
    loc = parse_locale(locale)
    pattern = loc.currency_formats["standard"].pattern.split(";")[0]
    whole = pattern.replace(".00", "").replace(".##", "")
    return format_currency(round(amount), currency, format=whole, locale=loc, currency_digits=False)


def your(text: str, name: str, ours: str | None = None) -> str:
    """`text` written to the company `name` (by the company `ours`): "Sakura's quarters" becomes
    "your quarters" and "Halcyon's Q1" "our Q1" (English)."""
    for company, word in ((name, "your"), (ours, "our")):
        if company:
            owned = f"{company}'" if company.endswith("s") else f"{company}'s"
            text = text.replace(owned, word)
    return re.sub(r"(^|[.!?] )(your|our)\b", lambda m: m.group(1) + m.group(2).capitalize(), text)
