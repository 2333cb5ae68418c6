"""Field types for untrusted files: text of sensible length, one-line names, dates that exist in a sane range, time zones, languages, and patterns described in words."""

from __future__ import annotations

import unicodedata
import zoneinfo
from datetime import date
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, Field

LINE_MAX = 1_000
"""Characters in a one-line field (a name, a title): far more than any real one, little enough to lay out quickly."""
TEXT_MAX = 20_000
"""Characters in a free-text field (notes)."""
FIRST_DATE_YEAR, LAST_DATE_YEAR = 1950, 2150
"""Years a date in a profile or agreement may fall in: wide for planning, safe for calendar arithmetic."""

PATTERN_WORDS: dict[str, str] = {}
"""What each pattern of a field means, in words: error messages say this rather than the regular expression."""


def worded(pattern: str, words: str):
    """A `Field(pattern=...)` whose mismatch the error message describes as `expected <words>`."""
    PATTERN_WORDS[pattern] = words
    return Field(pattern=pattern)


def _one_line(value: str) -> str:
    # A line break in a name breaks the chart's text layout (raqm) and every table it is printed in.
    for character in value:
        if unicodedata.category(character) in ("Cc", "Zl", "Zp"):
            raise ValueError(f"must be one line of text; remove the {_character_name(character)}")
    return value


def _character_name(character: str) -> str:
    names = {"\n": "line break", "\r": "carriage return", "\t": "tab"}
    return names.get(character, f"control character U+{ord(character):04X}")


def _in_year_range(value: date) -> date:
    if not FIRST_DATE_YEAR <= value.year <= LAST_DATE_YEAR:
        raise ValueError(f"expected a date from {FIRST_DATE_YEAR} to {LAST_DATE_YEAR}")
    return value


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone(value: str) -> str:
    if value not in _time_zones():
        raise ValueError("expected an IANA time zone such as Europe/Berlin, America/New_York or Asia/Tokyo")
    return value


def _language(value: str) -> str:
    from ..i18n import check_language  # the one check of language tags: BCP 47, known to Babel, in its usual case

    return check_language(value)


Line = Annotated[str, Field(max_length=LINE_MAX), AfterValidator(_one_line)]
"""One line of text: a name, a title, a role."""
Name = Annotated[str, Field(min_length=1, max_length=LINE_MAX), AfterValidator(_one_line)]
"""A name that must be given: one line, not empty."""
Text = Annotated[str, Field(max_length=TEXT_MAX)]
"""Free text that may run over several lines."""
Day = Annotated[date, AfterValidator(_in_year_range)]
"""An ISO date that exists, in a year a plan can reach."""
TimeZone = Annotated[str, AfterValidator(_time_zone)]
"""An IANA time zone name."""
Language = Annotated[str, AfterValidator(_language)]
"""A BCP 47 language tag that Babel knows."""
