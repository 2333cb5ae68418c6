"""Languages of documents: BCP 47 tags checked against Babel, the languages that ship with a message
catalog, the region a document's dates and numbers follow, and the language text is being written in.

Text is written in one language at a time: `plan_partnership` and `render_html` run their work inside
`with speaking(language):`, and everything below them that writes a sentence (MOP strategies, the
agenda, rule texts, templates) calls `_()` / `ngettext()` as gettext code does, and formats dates and
numbers with the helpers here. So a user's `Strategy.build(pairing)` keeps its signature, and the
briefing (the vendor's language) and the memo (the partner's) of one kit are two plans of one kit.

Catalogs live in `workshop/locale/<lang>/LC_MESSAGES/workshop.po`; a wheel carries them compiled
(`hatch_build.py`), and a checkout or an editable install compiles a `.po` in memory the first time
a process needs it.
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal
from jinja2 import nodes
from jinja2.ext import Extension

from . import formatting
from .formatting import DEFAULT_LOCALE

log = logging.getLogger(__name__)

DOMAIN = "workshop"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENGLISH = "en"
SHIPPED = ("en", "de", "fr", "es", "ja", "zh-Hans")
"""The languages every built-in text is translated into (English is the source language)."""
_CATALOG_DIRS = {"de": "de", "fr": "fr", "es": "es", "ja": "ja", "zh-Hans": "zh_Hans"}

# language[-Script][-REGION][-variant...] (BCP 47 without extensions and private use)
_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|[0-9]{3}))?"
                  r"(-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$")
EXAMPLES = "en, de, ja or pt-BR"


def check_language(tag: str) -> str:
    """`tag` as a BCP 47 language tag Babel knows, in its usual case (`de-CH`, `zh-Hans`);
    ValueError saying what is expected otherwise."""
    text = str(tag).strip()
    if "_" in text and _TAG.match(text.replace("_", "-")):
        raise ValueError(f"expected a language tag (BCP 47), written with a hyphen: {text.replace('_', '-')!r}")
    try:
        if not _TAG.match(text) or text.lower() == "und":
            raise ValueError(text)
        locale = Locale.parse(text, sep="-")
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"expected a language tag (BCP 47) that Babel knows, such as {EXAMPLES}") from None
    parts = text.split("-")
    normal = [locale.language]
    for part in parts[1:]:
        normal.append(part.title() if len(part) == 4 and part.isalpha() else part.upper() if len(part) == 2 else part)
    return "-".join(normal)


def check_document_language(tag: str) -> str:
    """`tag` checked as `check_language` does, and as a language documents can be written in (one of
    SHIPPED, in any region or script of it: `de-AT`, `zh-CN`); ValueError saying which there are."""
    checked = check_language(tag)
    if shipped_language(checked) is None:
        raise ValueError(f"documents cannot be written in {checked!r} yet; the languages are: {', '.join(SHIPPED)}")
    return checked


def shipped_language(tag: str) -> str | None:
    """The shipped language a tag is written in (`de` for `de-CH`, `zh-Hans` for `zh-CN`), None if
    none is (`it`, or `zh-TW`, which is written in Traditional characters)."""
    locale = Locale.parse(check_language(tag), sep="-")
    for shipped in SHIPPED:
        base = Locale.parse(shipped, sep="-")
        if base.language == locale.language and (base.script is None or _script(locale) in (None, base.script)):
            return shipped
    return None


def _script(locale: Locale) -> str | None:
    """The script a locale writes in: its own, else the one its region implies (zh_TW: Hant), else None."""
    if locale.script or not locale.territory:
        return locale.script
    try:
        return Locale.parse(f"{locale.language}_{locale.territory}").script
    except (UnknownLocaleError, ValueError):
        return None


@dataclass(frozen=True)
class Language:
    """A language text is written in (`tag`, one of SHIPPED) and the Babel locale its dates, numbers
    and money follow (`locale`, e.g. `de_CH`)."""

    tag: str = ENGLISH
    locale: str = DEFAULT_LOCALE

    @property
    def html_lang(self) -> str:
        """For `<html lang>` and Word's `w:lang`: `de-DE`, `ja-JP`, `zh-CN` (fonts are chosen by it)."""
        locale = formatting.parse_locale(self.locale)
        if locale.language == "zh" and not locale.territory:
            return "zh-CN"
        return f"{locale.language}-{locale.territory}" if locale.territory else locale.language

    @property
    def translations(self) -> _gettext.NullTranslations:
        return catalog(self.tag)


def locale_for(tag: str, candidates: Iterable[str | None] = ()) -> str:
    """The Babel locale of a document in shipped language `tag`: the first of `candidates` (locales
    such as `de_DE`, or None) in that language and script, else the language's own."""
    base = Locale.parse(tag, sep="-")
    for candidate in candidates:
        if not candidate:
            continue
        try:
            locale = Locale.parse(candidate.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
        if locale.language == base.language and (base.script is None or _script(locale) == base.script):
            return str(locale)
    return DEFAULT_LOCALE if tag == ENGLISH else str(base)


def language(tag: str, *, region_from: Iterable[str | None] = ()) -> Language:
    """The Language of a document in `tag` (any tag; a region in it wins), its dates and numbers in
    the first locale of `region_from` that speaks it (e.g. the reader's country, `de_DE`).

    A tag no catalog serves (`it`, `zh-TW`) is written in English, with a warning."""
    checked = check_language(tag)
    shipped = shipped_language(checked)
    if shipped is None:
        _warn_once(f"no translation into {checked!r} ships with workshop (there are: {', '.join(SHIPPED)}); "
                   f"writing its documents in English")
        return Language(ENGLISH, locale_for(ENGLISH, list(region_from)))
    own = checked.replace("-", "_") if Locale.parse(checked, sep="-").territory else None
    return Language(shipped, locale_for(shipped, [own, *region_from]))


@lru_cache(maxsize=None)
def _warn_once(message: str) -> None:
    log.warning("%s", message)


def catalog_file(tag: str, suffix: str = ".po") -> Path:
    """Where the catalog of a shipped language lives (`.po`; `.mo` once compiled)."""
    return LOCALE_DIR / _CATALOG_DIRS[tag] / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@lru_cache(maxsize=None)
def catalog(tag: str) -> _gettext.NullTranslations:
    """The translations into a shipped language: the compiled catalog of an installed wheel, else its
    .po compiled in memory (a checkout or an editable install never holds .mo files)."""
    if tag == ENGLISH or tag not in _CATALOG_DIRS:
        return _gettext.NullTranslations()
    mo, po = catalog_file(tag, ".mo"), catalog_file(tag)
    # A .po edited after its .mo was compiled wins (a checkout where someone ran `pybabel compile` once).
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime + 2 >= po.stat().st_mtime):
        with mo.open("rb") as stream:
            return _gettext.GNUTranslations(stream)
    return _gettext.GNUTranslations(io.BytesIO(compile_catalog(po)))


def compile_catalog(po: Path) -> bytes:
    """A .po file compiled to .mo bytes with Babel (what `pybabel compile` writes)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as stream:
        messages = read_po(stream, locale=po.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    return buffer.getvalue()


# --- the language text is being written in ---------------------------------------------------------

_speaking: ContextVar[Language] = ContextVar("workshop_language", default=Language())


def current() -> Language:
    """The language text is being written in (English outside `speaking`)."""
    return _speaking.get()


@contextmanager
def speaking(what: Language | str) -> Iterator[Language]:
    """Write text in `what` (a Language, or a tag) inside the block."""
    chosen = what if isinstance(what, Language) else language(what)
    token = _speaking.set(chosen)
    try:
        yield chosen
    finally:
        _speaking.reset(token)


def _(message: str) -> str:
    """`message` in the current language."""
    return current().translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, in the current language."""
    return current().translations.ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, where the same English words translate otherwise elsewhere."""
    return current().translations.pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for translation where it is defined; `_()` translates it where it is used."""
    return message


# --- dates, numbers and words in the current language ----------------------------------------------

def long_date(day: date) -> str:
    """31 March 2027 / 31. März 2027 / 2027年3月31日."""
    return formatting.long_date(day, current().locale)


def short_date(day: date) -> str:
    """31 Mar 2027 / 31. März 2027 / 2027/03/31 as the locale abbreviates."""
    return formatting.short_date(day, current().locale)


def day_month(day: date) -> str:
    """31 March / 31. März / 3月31日."""
    return formatting.day_month(day, current().locale)


def year_comes_first() -> bool:
    """Whether the current locale writes the year before the day (2027年3月31日, 2027/03/31)."""
    pattern = formatting.parse_locale(current().locale).date_formats["medium"].pattern
    return pattern.find("y") < pattern.find("d")


def short_day_month(day: date) -> str:
    """31 Mar / 31. März / 3月31日."""
    return format_skeleton("MMMd", day, locale=formatting.parse_locale(current().locale))


def month_year(day: date) -> str:
    """November 2026."""
    return formatting.month_year(day, current().locale)


def month_name(month: int) -> str:
    """March / März / 3月."""
    return formatting.month_name(month, current().locale)


def weekday_name(weekday: int) -> str:
    """Monday (0) to Sunday (6) in the current language."""
    from babel.dates import get_day_names

    return get_day_names("wide", locale=formatting.parse_locale(current().locale))[weekday]


def number(value: float, digits: int = 0) -> str:
    """72.5 / 72,5 with exactly `digits` decimals."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=formatting.parse_locale(current().locale))


def join(items: Iterable[str]) -> str:
    """`a, b and c` / `a, b und c` / `a、b、c`."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return format_list(items, style="standard", locale=formatting.parse_locale(current().locale))


def fiscal_year(year: int | str) -> str:
    """A fiscal year by its name: FY2028 / GJ 2028 / 2028年度."""
    return _("FY%(year)s") % {"year": year}


def quarter(number_: int, year: int | str) -> str:
    """A fiscal quarter: Q1 FY2028 / Q1 GJ 2028 / 2028年度第1四半期."""
    return _("Q%(quarter)s FY%(year)s") % {"quarter": number_, "year": year}


def fill(message: str, values: dict) -> str:
    """A translated message with its `%(name)s` values put in. Messages write a company's possessive as
    `%(company)s's`; in English a name ending in s then takes the apostrophe alone (Northwind Systems'),
    and other languages word it their own way."""
    text = message % values
    if current().tag == ENGLISH:
        for value in values.values():
            if isinstance(value, str) and value.endswith("s"):
                text = text.replace(f"{value}'s", f"{value}'")
    return text


def pick(texts: str | dict[str, str], tag: str) -> str | None:
    """The text for language `tag` from a text or {language: text} mapping: for `tag` (`de-CH`), else
    for its language (`de`), else None. A plain text is every language's."""
    if isinstance(texts, str):
        return texts
    if tag in texts:
        return texts[tag]
    language_, *rest = tag.split("-")
    for key, text in texts.items():
        key_language, *key_rest = key.split("-")
        if key_language == language_ and (not key_rest or key_rest[:1] == rest[:1]):
            return text
    return None


def text_in(texts: str | dict[str, str], tag: str | None = None) -> str:
    """The text for `tag` (default: the current language) from a text or {language: text} mapping,
    else its English text, else its first."""
    if isinstance(texts, str):
        return texts
    tag = tag or current().tag
    return pick(texts, tag) or pick(texts, ENGLISH) or next(iter(texts.values()), "")


def plural(count: int, word: str) -> str:
    """`1 month`, `7 months` / `7 Monate` / `7か月`: the words rule texts count in."""
    forms = _PLURALS.get(word)
    if forms is None:  # a user's own word: English
        return f"{count} {word}" + ("" if count == 1 else "s")
    return forms(count) % {"num": count}


_PLURALS = {
    "day": lambda n: ngettext("%(num)d day", "%(num)d days", n),
    "week": lambda n: ngettext("%(num)d week", "%(num)d weeks", n),
    "month": lambda n: ngettext("%(num)d month", "%(num)d months", n),
    "public holiday": lambda n: ngettext("%(num)d public holiday", "%(num)d public holidays", n),
    "shared quarter-end": lambda n: ngettext("%(num)d shared quarter-end", "%(num)d shared quarter-ends", n),
    "deal": lambda n: ngettext("%(num)d deal", "%(num)d deals", n),
    "more deal": lambda n: ngettext("%(num)d more deal", "%(num)d more deals", n),
}


def your(text: str, name: str, ours: str | None = None) -> str:
    """`text` written to the company `name`: in English "Sakura's quarters" becomes "your quarters"
    and "Halcyon's Q1" "our Q1"; other languages name the companies as they are."""
    if current().tag != ENGLISH:
        return text
    return formatting.your(text, name, ours)


def in_brackets(inner: str) -> str:
    """` (inner)` after a word; Japanese and Chinese use full-width brackets with no space: `（inner）`."""
    if current().tag.split("-")[0] in ("ja", "zh"):
        return f"（{inner}）"
    return f" ({inner})"


# --- Jinja2: filters, gettext and the {% language %} tag -------------------------------------------

def jinja_filters() -> dict:
    """Filters for dates, months, numbers, money and counted words in the current language."""
    return {
        "longdate": long_date,
        "shortdate": short_date,
        "daymonth": day_month,
        "monthyear": month_year,
        "month_name": month_name,
        "money": lambda amount, currency: formatting.money(amount, currency, current().locale),
        "number": number,
        "plural": plural,
        "your": your,
        "join_words": join,
        "in_brackets": in_brackets,
        "fy": fiscal_year,
        "commitment": commitment,
        "language_name": language_name,
        "sentences": sentences,
    }


def sentences(parts: Iterable[str]) -> str:
    """Sentences one after the other: a space between them, none after a Chinese or Japanese full stop."""
    from markupsafe import Markup, escape

    text = Markup(" ").join(escape(part) for part in parts if part)
    return Markup(str(text).replace("。 ", "。"))


def commitment(text: str) -> str:
    """A commitment's text as it follows "<party> will" in the memo: English starts it in lower case
    ("Share ..." becomes "share ..."); other languages' texts are written in the form their memo needs."""
    if current().tag == ENGLISH and text[:1].isupper() and not text[1:2].isupper():
        return text[0].lower() + text[1:]
    return text


def language_name(tag: str) -> str:
    """The name of a language in the current language: German / Deutsch / ドイツ語."""
    return Locale.parse(tag, sep="-").get_language_name(formatting.parse_locale(current().locale))


def install_gettext(environment) -> None:
    """Give an environment with the i18n extension `_`, `gettext` and `ngettext` in the current language."""
    environment.install_gettext_callables(
        gettext=lambda message: current().translations.gettext(message),
        ngettext=lambda singular, plural_, count: current().translations.ngettext(singular, plural_, count),
        pgettext=lambda context, message: current().translations.pgettext(context, message),
        npgettext=lambda context, singular, plural_, count: current().translations.npgettext(context, singular,
                                                                                              plural_, count),
        newstyle=True)
    environment.policies["ext.i18n.trimmed"] = True


class LanguageExtension(Extension):
    """`{% language other %}...{% endlanguage %}`: the body in the language of `other` (a Plan, a
    Language or a tag), e.g. the vendor's column of a bilingual memo."""

    tags = {"language"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        what = parser.parse_expression()
        body = parser.parse_statements(("name:endlanguage",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", [what]), [], [], body).set_lineno(lineno)

    def _render(self, what, caller):
        if isinstance(what, Language):
            chosen = what
        elif hasattr(what, "language") and hasattr(what, "locale"):
            chosen = Language(what.language, what.locale)
        else:
            chosen = language(str(what))
        with speaking(chosen):
            return caller()


# --- extraction: `pybabel extract -F babel.cfg` ----------------------------------------------------

def extract_yaml(fileobj, keywords, comment_tags, options):
    """Babel extractor for YAML data with translatable texts: every string (or list of strings) under
    one of the `keys` option's keys (e.g. a rule pack's `finding` and `questions`; a seasons file's
    `name`). A mapping of language to text is already translated, and skipped."""
    import yaml

    keys = set((options.get("keys") or "").split())
    root = yaml.compose(fileobj.read().decode("utf-8"))

    def walk(node, rule_id=None):
        if isinstance(node, yaml.MappingNode):
            ids = [v.value for k, v in node.value if k.value == "id" and isinstance(v, yaml.ScalarNode)]
            rule_id = ids[0] if ids else rule_id
            for key, value in node.value:
                if key.value in keys:
                    strings = value.value if isinstance(value, yaml.SequenceNode) else [value]
                    for string in strings:
                        if isinstance(string, yaml.ScalarNode):
                            text = string.value
                            where = f"rule {rule_id}: {key.value}" if rule_id else key.value
                            yield string.start_mark.line + 1, None, text, [where]
                else:
                    yield from walk(value, rule_id)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from walk(item, rule_id)

    if root is not None:
        yield from walk(root)
