"""Turning the cells of an export into profile values: dates and numbers in the export's own formats,
ISO currency and country codes, months, yes/no; each failure says what was expected."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import babel.numbers
from babel import Locale

from ..profiles import BUSINESS_MODELS, SECTORS


class CellError(ValueError):
    """A cell whose text cannot be read as the field it fills; the message says what was expected."""


DATE_TOKENS = {"YYYY": "%Y", "YY": "%y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%m", "DD": "%d", "D": "%d"}
_TOKEN = re.compile("|".join(DATE_TOKENS))  # longest tokens first, as DATE_TOKENS lists them
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*([AaPp][Mm])?\s*(Z|[+-]\d{2}:?\d{2}|[A-Z]{3,4})?$")


def date_pattern(pattern: str) -> str:
    """A date format as people write it (DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY, D MMM YYYY) as strptime's."""
    found = set(_TOKEN.findall(pattern))
    if not found & {"YYYY", "YY"} or not found & {"MMMM", "MMM", "MM", "M"} or not found & {"DD", "D"}:
        raise ValueError(f"{pattern!r} is not a date format: use YYYY, MM and DD, e.g. DD/MM/YYYY or YYYY-MM-DD")
    return _TOKEN.sub(lambda m: DATE_TOKENS[m.group()], pattern.replace("%", "%%"))


def parse_date(value: Any, formats: list[str]) -> date:
    """A date from a workbook's date cell, or from text in one of `formats` (a time after it is ignored)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for candidate in dict.fromkeys((text, _TIME.sub("", text).strip())):
        for pattern in formats:
            try:
                return datetime.strptime(candidate, date_pattern(pattern)).date()
            except ValueError:
                continue
    raise CellError(f"{text!r} is not a date in the form {' or '.join(formats)}")


_SYMBOLS = "€$£¥₹₩₽₺"


def parse_amount(value: Any, decimal: str, thousands: str) -> tuple[float, str | None]:
    """A number from a workbook's number cell, or from text with the export's separators.

    Text may carry a currency code or symbol ("EUR 1.250,00", "$1,250.00"); the code, if any, is
    returned with the number. Thousands separators must group digits in threes, so a number written
    with the other locale's separators ("1,25" where "1.25" is meant) is an error, not a wrong amount."""
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        return float(value), None
    text = str(value).strip()
    currency = None
    match = re.fullmatch(r"([A-Za-z]{3})\s*(.+?)|(.+?)\s*([A-Za-z]{3})", text)
    if match and (code := (match.group(1) or match.group(4)).upper()) in currencies():
        currency, text = code, (match.group(2) or match.group(3))
    text = text.strip(_SYMBOLS + " \u00a0\u202f")
    if thousands.strip() == "":
        text = re.sub(r"[\s\u00a0\u202f]", "", text)
    number = r"\d+" if not thousands.strip() else rf"(\d{{1,3}}({re.escape(thousands)}\d{{3}})+|\d+)"
    if not re.fullmatch(rf"-?{number}({re.escape(decimal)}\d+)?", text):
        example = f"1{thousands}250{thousands}000{decimal}00" if thousands.strip() else f"1250000{decimal}00"
        raise CellError(f"{str(value).strip()!r} is not a number written like {example}")
    digits = text.replace(thousands, "") if thousands.strip() else text
    return float(digits.replace(decimal, ".")), currency


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """Every ISO 4217 currency code Babel knows."""
    return frozenset(babel.numbers.list_currencies())


def parse_currency(value: Any) -> str:
    """An ISO 4217 currency code, e.g. EUR."""
    code = str(value).strip().upper()
    if code not in currencies():
        raise CellError(f"{str(value).strip()!r} is not an ISO 4217 currency code (e.g. EUR, USD, JPY)")
    return code


# Names people type that no locale's list of countries spells that way.
COUNTRY_ALIASES = {"usa": "US", "u.s.": "US", "u.s.a.": "US", "united states of america": "US", "america": "US",
                   "uk": "GB", "u.k.": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
                   "wales": "GB", "northern ireland": "GB", "holland": "NL", "uae": "AE", "korea": "KR",
                   "south korea": "KR", "czech republic": "CZ", "russia": "RU", "vietnam": "VN", "turkey": "TR"}
# CRMs hold country names in the language of whoever typed them; these cover most partner records.
COUNTRY_NAME_LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt", "sv", "pl", "ja", "zh")


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names = dict(COUNTRY_ALIASES)
    for locale in COUNTRY_NAME_LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(name.casefold(), code)
    return names


def parse_country(value: Any) -> str:
    """An ISO 3166-1 alpha-2 code from a code (de, DE) or a country's name (Germany, Deutschland, USA)."""
    text = " ".join(str(value).split())
    if len(text) == 2 and text.isalpha():
        return text.upper()
    code = _country_names().get(text.casefold())
    if code is None:
        raise CellError(f"{text!r} is not a country name or ISO 3166-1 alpha-2 code (e.g. DE, Germany)")
    return code


_MONTHS = {name.casefold(): number for number in range(1, 13)
           for name in (calendar.month_name[number], calendar.month_abbr[number])}
_MONTHS["sept"] = 9


def parse_month(value: Any) -> int:
    """A month 1-12 from a number (3, "03") or text naming one month ("March", "Mar", "Fiscal Year End: March")."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        number = int(value)
    else:
        text = str(value).strip()
        named = {_MONTHS[word] for word in re.findall(r"[a-z]+", text.casefold()) if word in _MONTHS}
        number = int(text) if text.isdigit() else named.pop() if len(named) == 1 else 0
    if not 1 <= number <= 12:
        raise CellError(f"{str(value).strip()!r} is not a month (1-12, or its English name)")
    return number


_TRUE = {"true", "yes", "y", "1", "x", "ja", "oui", "si", "sí", "checked", "✓", "✔"}
_FALSE = {"false", "no", "n", "0", "nein", "non", "unchecked", "-"}


def parse_bool(value: Any) -> bool:
    """Yes or no: a workbook's TRUE/FALSE, or text such as yes/no, true/false, 1/0, x."""
    if isinstance(value, bool):
        return value
    text = as_text(value).casefold()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise CellError(f"{as_text(value)!r} is not yes or no (yes/no, true/false, 1/0)")


def parse_choice(value: Any, choices: tuple[str, ...], what: str, field: str) -> str:
    """One of `choices`, written as they are or with spaces, capitals and & ("Financial Services")."""
    text = re.sub(r"[^a-z0-9]+", "-", as_text(value).casefold().replace("&", "-")).strip("-")
    if text not in choices:
        raise CellError(f"{as_text(value)!r} is not {what} ({', '.join(choices)}); map it to one under "
                        f"`values: {field}:` in the mapping file")
    return text


def parse_sector(value: Any) -> str:
    """A sector of workshop.profiles.SECTORS."""
    return parse_choice(value, SECTORS, "a sector", "sector")


def parse_business_model(value: Any) -> str:
    """A business model of workshop.profiles.BUSINESS_MODELS."""
    return parse_choice(value, BUSINESS_MODELS, "a business model", "business_model")


def as_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0" (ids that a workbook stored as numbers), dates in ISO form."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
