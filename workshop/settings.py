"""Settings: the tool's options for one run, merged once (command line over vendor.yaml over
defaults) with every path resolved, and handed to every stage that needs them."""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator

from .errors import Problem, ProfileError
from .formatting import DEFAULT_LOCALE, parse_locale
from .i18n import N_, _, check_document_language, check_language, current, pick, text_in
from .profiles import SETTINGS_KEYS, VendorProfile
from .readers import load_model, read_source
from .readers.models import validate_source
from .workspace import load_vendor

log = logging.getLogger(__name__)

DEFAULT_FORMATS = ("pdf", "docx")
DEFAULT_REVIEW_CADENCE = N_("Monthly pipeline review; joint business review at the end of each MOP period")
Texts = str | dict[str, str]
"""A text in one language, or {language tag: text} for documents in several."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class ScoringWeights(_Model):
    """Relative weights of the MOP scoring factors (any non-negative numbers; they are normalised)."""

    urgency_overlap: float = Field(default=0.4, ge=0)
    """Period ends that fall where both sides push to close."""
    planning_alignment: float = Field(default=0.25, ge=0)
    """Each side's new fiscal year gets a joint kick-off."""
    collisions: float = Field(default=0.2, ge=0)
    """Period ends clear of holidays, blackouts and absences."""
    complexity: float = Field(default=0.15, ge=0)
    """Fewer new dates for both teams to track."""


class VendorSettings(_Model):
    """The tool's settings as vendor.yaml may give them (every key optional; paths relative to vendor.yaml)."""

    paper: Literal["a4", "letter"] = "a4"
    """Paper size of PDF documents."""
    review_cadence: Texts = DEFAULT_REVIEW_CADENCE
    """How often both sides review progress against the agreement, as printed in the memo: one text, or one per
    language, e.g. `{en: Monthly pipeline call, de: Monatlicher Pipeline-Termin}`."""
    locale: str = DEFAULT_LOCALE
    """Locale for dates, months and money in your own documents (the briefing pack), e.g. `en_GB`, `en_US`, `de_DE`;
    a partner's documents are dated as the partner's language and country write dates."""
    bilingual_memo: bool = False
    """Print the memo in the partner's language and yours side by side (like `memo --bilingual`), when they differ."""
    logo: str | None = None
    """Logo image (PNG, JPEG or SVG) for the running header, relative to this file."""
    templates: list[str] = []
    """Template folders searched before the built-in theme, relative to this file (like --templates)."""
    session_minutes: int = Field(default=90, ge=30, le=480)
    """Length of the joint planning session; the agenda's sections share it."""
    scoring_weights: ScoringWeights = ScoringWeights()
    """How much each factor counts when MOP options are scored."""
    rules: list[str] = []
    """Extra rule packs (YAML files or folders of them), relative to this file, used besides the built-in ones."""
    seasons: list[str] = []
    """Files of seasons when business slows (by country), relative to this file; a country listed there replaces the built-in list."""

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        parse_locale(value)
        return value

    @field_validator("review_cadence")
    @classmethod
    def _language_tags(cls, value: Texts) -> Texts:
        for tag in value if isinstance(value, dict) else ():
            check_language(tag)
        return value


assert tuple(VendorSettings.model_fields) == SETTINGS_KEYS, "profiles.SETTINGS_KEYS names VendorSettings' fields"


MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class SeasonEntry(_Model):
    """A season when business slows: fixed (`start`/`end` as MM-DD) or around a public holiday."""

    name: str = Field(min_length=1)
    """As findings name it, e.g. `Golden Week`."""
    start: MonthDay | None = None
    """First day, MM-DD, for a season on fixed dates."""
    end: MonthDay | None = None
    """Last day, MM-DD; before `start` for a season that wraps the new year."""
    around: str | None = None
    """A public holiday's English name (or part of it), for a season that moves with it, e.g. `Eid al-Fitr`."""
    before: int = Field(default=0, ge=-60, le=60)
    """Days the season starts before the holiday named in `around`."""
    after: int = Field(default=0, ge=-60, le=60)
    """Days the season ends after the holiday named in `around` (negative: before it)."""


class SeasonFile(RootModel[dict[str, list[SeasonEntry]]]):
    """A seasons file: country code (ISO 3166) to that country's seasons."""


class Settings(BaseModel):
    """Everything besides the profiles that decides what a run computes and writes.

    Built once per run by `load_settings`; every path is absolute. Part of every kit's fingerprint.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: date
    """The date plans are made on (--date); documents carry it, never the clock's."""
    fiscal_year: int | None = None
    """The vendor fiscal year to plan (--year); None: the vendor's next after `as_of`."""
    formats: tuple[str, ...] = DEFAULT_FORMATS
    """Document formats to write (--format)."""
    paper: Literal["a4", "letter"] = "a4"
    locale: str = DEFAULT_LOCALE
    language: str | None = None
    """The language of every document of the run (--language), over the partner's and the vendor's."""
    bilingual: bool = False
    """Memos in the partner's language and the vendor's side by side (--bilingual, or vendor.yaml's `bilingual_memo`)."""
    template_dirs: tuple[Path, ...] = ()
    """Template folders searched before the built-in theme: --templates first, then vendor.yaml's."""
    logo: Path | None = None
    rule_paths: tuple[Path, ...] = ()
    """Rule packs used besides the built-in ones: vendor.yaml's `rules`, then --rules."""
    scoring_weights: ScoringWeights = ScoringWeights()
    session_minutes: int = 90
    review_cadence: Texts = DEFAULT_REVIEW_CADENCE
    pdf_variant: str | None = None
    """A WeasyPrint PDF variant such as `pdf/a-3b` (--pdf-variant); None: plain PDF."""
    season_files: tuple[Path, ...] = ()
    """Files of seasons by country (vendor.yaml's `seasons`), over the built-in ones."""
    vendor_file: Path | None = None
    """The vendor profile these settings were read from, if any."""

    @field_validator("language")
    @classmethod
    def _shipped_language(cls, value: str | None) -> str | None:
        return check_document_language(value) if value is not None else None

    def season_tables(self) -> list[dict[str, list[dict[str, Any]]]]:
        """The season files, read and checked (ProfileError names file, line and field)."""
        return [{country.upper(): [e.model_dump(exclude_none=True) for e in entries]
                 for country, entries in load_model(path, SeasonFile, what="a seasons file (JP: [...])").root.items()}
                for path in self.season_files]

    def review_cadence_text(self) -> str:
        """The review cadence in the current language (the built-in one is translated; one of vendor.yaml's
        in the language if it has one, else in English with a warning)."""
        if self.review_cadence == DEFAULT_REVIEW_CADENCE:
            return _(DEFAULT_REVIEW_CADENCE)
        tag = current().tag
        if isinstance(self.review_cadence, dict) and pick(self.review_cadence, tag) is None:
            _warn_cadence(str(self.vendor_file or "vendor.yaml"), tag)
        return text_in(self.review_cadence)

    def weights(self) -> dict[str, float]:
        """The scoring weights as {factor: weight}."""
        return self.scoring_weights.model_dump()

    def replace(self, **changes: Any) -> Settings:
        """These settings with some options changed (validated like the originals)."""
        return Settings.model_validate({**self.model_dump(), **changes})


@lru_cache(maxsize=None)
def _warn_cadence(source: str, tag: str) -> None:
    log.warning("%s: review_cadence has no %s text; the memo prints its English one", source, tag)


def read_vendor_settings(vendor_file: str | Path) -> VendorSettings:
    """The settings part of vendor.yaml; ProfileError names file, line and field of every problem."""
    source = read_source(Path(vendor_file).absolute())
    others = frozenset(source.data) - frozenset(SETTINGS_KEYS) if isinstance(source.data, dict) else frozenset()
    return validate_source(source, VendorSettings, ignore=others, what="a vendor profile")


def load_settings(vendor_file: str | Path | None = None, *, as_of: date | None = None,
                  fiscal_year: int | None = None, formats: tuple[str, ...] | list[str] | None = None,
                  paper: str | None = None, locale: str | None = None, templates: tuple | list = (),
                  rules: tuple | list = (), pdf_variant: str | None = None, language: str | None = None,
                  bilingual: bool | None = None) -> Settings:
    """The settings of a run: each option given here (the command line), else vendor.yaml's, else the default.

    `as_of` defaults to today. Folders and files given here are relative to the working folder;
    those in vendor.yaml to vendor.yaml's own folder.
    """
    stored = read_vendor_settings(vendor_file) if vendor_file is not None else VendorSettings()
    base = Path(vendor_file).absolute().parent if vendor_file is not None else Path.cwd()
    return Settings(
        as_of=as_of or date.today(),
        fiscal_year=fiscal_year,
        formats=tuple(formats) if formats else DEFAULT_FORMATS,
        paper=paper or stored.paper,
        locale=locale or stored.locale,
        language=language,
        bilingual=stored.bilingual_memo if bilingual is None else bilingual,
        template_dirs=tuple(Path(p).absolute() for p in templates) + tuple(base / p for p in stored.templates),
        logo=(base / stored.logo) if stored.logo else None,
        rule_paths=tuple(base / p for p in stored.rules) + tuple(Path(p).absolute() for p in rules),
        season_files=tuple(base / p for p in stored.seasons),
        scoring_weights=stored.scoring_weights,
        session_minutes=stored.session_minutes,
        review_cadence=stored.review_cadence,
        pdf_variant=pdf_variant,
        vendor_file=Path(vendor_file).absolute() if vendor_file is not None else None,
    )


def settings_for(vendor: VendorProfile, **options: Any) -> Settings:
    """The settings of a vendor loaded from a file (vendor.yaml's settings with `options` over them);
    defaults with `options` for a vendor built in code."""
    return load_settings(vendor._source, **options)


def check_vendor_file(path: str | Path) -> list[Problem]:
    """Every problem in vendor.yaml, company facts and settings alike, in line order."""
    problems: list[Problem] = []
    for load in (load_vendor, read_vendor_settings):
        try:
            load(path)
        except ProfileError as exc:
            problems += [p for p in exc.problems if p not in problems]
    return sorted(problems, key=lambda p: (p.line or 0, p.field))


def vendor_schema() -> dict[str, Any]:
    """The JSON Schema of vendor.yaml: the company facts of a profile and the tool's settings."""
    doc = "The vendor's own profile (vendor.yaml): the company's facts, as in a partner profile, and the tool's settings."
    merged = type("VendorFile", (VendorSettings, VendorProfile), {"__doc__": doc})
    return merged.model_json_schema()
