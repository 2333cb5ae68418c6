"""Agreement records: what vendor and partner agreed for one fiscal year, kept beside the partner
profile as `<partner-id>.agreement.yaml`: drafted from a Plan, checked, written, and turned into
the terms the memo prints."""

from __future__ import annotations

import base64
import logging
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from .agenda import Commitment, CommitmentDate
from .errors import Problem, ProfileError, WorkshopError
from .fiscal import FIRST_YEAR, LAST_YEAR, calendar_for
from .i18n import _, check_language, speaking, text_in
from .mop import strategy_names
from .mop.span import handover, period_status
from .plan import MemoSignatory, MemoTerms, MopPeriod, Plan, PreviousMop
from .profiles import Profile
from .readers import dotted, field_lines, load_model
from .readers.fields import Day, Line, Name, Text
from .readers.images import read_png
from .settings import check_vendor_file
from .storage import write_atomic
from .workspace import (agreement_files, agreement_path, find_vendor_file, is_agreement_file, is_vendor_file,
                        load_profile, load_vendor, profile_files, vendor_files)

# A MOP year may be stretched or shortened to land its quarter-ends on good days, but it is a year.
MIN_YEAR_DAYS, MAX_YEAR_DAYS = 350, 380
AgreementStatus = Literal["none", "draft", "signed"]

log = logging.getLogger(__name__)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


Words = Annotated[Text, Field(min_length=1)] | dict[str, Annotated[Text, Field(min_length=1)]]
"""Words the two sides agreed: one text, or {language: text} in each language the memo is printed in."""


def _check_texts(value: Words | str) -> Words | str:
    if isinstance(value, dict):
        if not value:
            raise ValueError("give the text, or a text for each language (e.g. {en: ..., de: ...})")
        for tag in value:
            check_language(tag)
    return value


class AgreementExists(WorkshopError):
    """An agreement file is already there and the caller did not ask to overwrite it."""


class AgreedPeriod(_Model):
    """One dated period of the agreed Mutual Operating Period."""

    name: Name
    """Period name as printed in the memo, e.g. `MOP Q1`."""
    start: date
    """First day of the period (ISO date)."""
    end: date
    """Last day of the period (ISO date); the next period starts the day after."""

    @field_validator("start", "end")
    @classmethod
    def _in_calendar_range(cls, value: date) -> date:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"must be a date from {FIRST_YEAR} to {LAST_YEAR}")
        return value


class AgreedCommitment(_Model):
    """Something one side (or both) undertakes."""

    party: Literal["vendor", "partner", "both"]
    """Who undertakes it: `vendor`, `partner` or `both`."""
    text: Words
    """What they undertake, as a sentence starting with a verb (the memo prints "The Vendor will …"), or
    {language: text} for a memo in several languages."""
    owners: list[str] = []
    """The people who carry it, one per side that acts."""
    dates: list[date] = []
    """When it falls due (forecasts, reviews, kick-offs), for the MOP calendar."""

    @field_validator("text")
    @classmethod
    def _languages(cls, value: Words | str) -> Words | str:
        return _check_texts(value)


class AgreementSignatory(_Model):
    """A person who signs the agreement for one side."""

    name: Name
    """Full name, as printed under the signature line."""
    title: Line = ""
    """Job title, as printed under the signature line."""
    signed: Day | None = None
    """Day this person signed (ISO date); null until they have."""
    signature_image: str | None = None
    """A PNG of the handwritten signature, relative to the agreement file; printed above the line once signed."""


class AgreementSignatories(_Model):
    """Who signs for each side."""

    vendor: list[AgreementSignatory] = []
    """Signatories for the vendor."""
    partner: list[AgreementSignatory] = []
    """Signatories for the partner."""


class Agreement(_Model):
    """The agreed Mutual Operating Period for one partner and one vendor fiscal year."""

    fiscal_year: int = Field(ge=1990, le=2100)
    """The vendor fiscal year the agreement covers; its periods must fall in it."""
    strategy: str
    """The MOP shape agreed: `align-vendor`, `align-partner`, `shared-quarter-end` or `dual-mop` (it may differ from the recommendation)."""
    rationale: Text | dict[str, Text] = ""
    """Why this MOP was agreed (one text, or {language: text}), as the memo prints it; empty: the drafted option's sentence, or one saying the periods were agreed in place of the drafted dates when they differ."""
    periods: list[AgreedPeriod] = Field(min_length=1)
    """The agreed periods, in order; together they tile one year without gaps or overlaps."""
    commitments: list[AgreedCommitment] = []
    """What each side undertakes."""
    review_cadence: Words
    """How often both sides review progress against the agreement (one text, or {language: text})."""
    signatories: AgreementSignatories = AgreementSignatories()
    """Who signs for each side, and when they signed."""
    status: Literal["draft", "signed"] = "draft"
    """`draft` until both sides have signed; `signed` prints the signed memo."""

    # The file this agreement was read from (not a field): signature images are relative to it.
    _source: Path | None = PrivateAttr(default=None)

    @field_validator("rationale", "review_cadence")
    @classmethod
    def _languages(cls, value: Words | str) -> Words | str:
        return _check_texts(value)

    @field_validator("strategy")
    @classmethod
    def _known_strategy(cls, value: str) -> str:
        names = [repr(name) for name in strategy_names()]
        if value not in strategy_names():
            raise ValueError("expected " + (", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]))
        return value

    @property
    def signed(self) -> bool:
        return self.status == "signed"

    def signature_image_path(self, image: str) -> Path:
        """Where a `signature_image` is: relative to the agreement file (or the working folder).

        Raises ValueError for a path outside that folder: an agreement may come from someone else,
        and documents must not embed arbitrary files from the machine that renders them."""
        base = (self._source.parent if self._source else Path.cwd()).resolve()
        path = (base / image).resolve()
        if not path.is_relative_to(base):
            raise ValueError(f"{image} is outside the agreement's folder {base}; keep signature images beside it")
        return path


def agreement_schema() -> dict[str, Any]:
    """The JSON Schema of an agreement file (its strategies: those registered)."""
    schema = Agreement.model_json_schema()
    schema["properties"]["strategy"]["enum"] = list(strategy_names())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "workshop agreement"
    return schema


def check_agreement(agreement: Agreement, path: Path, *, vendor: Profile | None = None,
                    fiscal_year: int | None = None) -> list[Problem]:
    """Problems a well-formed agreement can still have: periods that do not tile a year, a fiscal
    year that is not the one planned (`fiscal_year`) or not the vendor year the periods fall in,
    a `signed` status without signatures, signature images that are missing or not PNG."""
    line = field_lines(path)
    problems: list[Problem] = []

    def problem(at: tuple, message: str) -> None:
        problems.append(Problem(path, message, dotted(at), line(at)))

    periods = agreement.periods
    for index, period in enumerate(periods):
        if period.end < period.start:
            problem(("periods", index, "end"), f"ends {period.end}, before it starts ({period.start})")
    for index in range(1, len(periods)):
        before, after = periods[index - 1], periods[index]
        expected = before.end + timedelta(days=1)
        if after.start > expected:
            gap = (after.start - before.end).days - 1
            problem(("periods", index, "start"), f"gap of {gap} day{'s' * (gap != 1)} after {before.name} "
                                                 f"(ends {before.end}); expected {expected}")
        elif after.start < expected:
            problem(("periods", index, "start"), f"overlaps {before.name} (ends {before.end}); expected {expected}")
    total = (periods[-1].end - periods[0].start).days + 1
    if not MIN_YEAR_DAYS <= total <= MAX_YEAR_DAYS:
        problem(("periods",), f"the periods cover {total} days ({periods[0].start} to {periods[-1].end}); "
                              f"a MOP year is {MIN_YEAR_DAYS} to {MAX_YEAR_DAYS} days")

    named = re.search(r"\.FY(\d{4})\.agreement\.yaml$", path.name, re.IGNORECASE)
    if named and int(named.group(1)) != agreement.fiscal_year:
        problem(("fiscal_year",), f"the file is named for FY{named.group(1)}, but the agreement is for "
                                  f"FY{agreement.fiscal_year}; rename the file or fix the year")
    if fiscal_year is not None and agreement.fiscal_year != fiscal_year:
        problem(("fiscal_year",), f"the agreement is for FY{agreement.fiscal_year}, but FY{fiscal_year} is being planned")
    if vendor is not None:
        # The middle of the periods: a shared quarter-end may move the first start a few weeks.
        middle = periods[0].start + (periods[-1].end - periods[0].start) / 2
        label = calendar_for(vendor.fiscal_calendar).year_label_of(middle)
        if label != agreement.fiscal_year:
            problem(("fiscal_year",), f"FY{agreement.fiscal_year} does not match the periods "
                                      f"({periods[0].start} to {periods[-1].end}), which fall in "
                                      f"{vendor.name}'s FY{label}")

    for side in ("vendor", "partner"):
        people = getattr(agreement.signatories, side)
        if agreement.signed and not people:
            problem(("signatories", side), f"status is signed, but nobody has signed for the {side}")
        for index, person in enumerate(people):
            if agreement.signed and person.signed is None:
                problem(("signatories", side, index, "signed"),
                        f"status is signed, but {person.name} has no signed date")
            if person.signature_image:
                try:
                    read_png(agreement.signature_image_path(person.signature_image))
                except ValueError as exc:
                    problem(("signatories", side, index, "signature_image"), str(exc))
    return sorted(problems, key=lambda p: (p.line or 0, p.field))


def load_agreement(path: str | Path, *, vendor: Profile | None = None, fiscal_year: int | None = None) -> Agreement:
    """Load and check one agreement file; raise ProfileError naming file, line and field of every problem.

    With `vendor`, the fiscal year must be the vendor year the periods fall in; with `fiscal_year`,
    it must be that year (the one being planned)."""
    path = Path(path).absolute()
    agreement = load_model(path, Agreement, what="an agreement (fiscal_year: ..., strategy: ..., periods: ...)")
    agreement._source = path
    problems = check_agreement(agreement, path, vendor=vendor, fiscal_year=fiscal_year)
    if problems:
        raise ProfileError(problems)
    return agreement


def agreement_files_for(partner_file: str | Path, partner_id: str, fiscal_year: int) -> list[Path]:
    """Where a partner's agreement for `fiscal_year` may be: its own file for the year, then the
    single undated file of earlier versions (used only if it is for that year)."""
    return [agreement_path(partner_file, partner_id, fiscal_year), agreement_path(partner_file, partner_id)]


def agreement_for(partner_file: str | Path, partner_id: str, fiscal_year: int, *,
                  vendor: Profile | None = None) -> Agreement | None:
    """The partner's agreement for `fiscal_year`, checked (against `vendor`'s calendar if given), or
    None if there is none. An undated agreement file for another year (last year's or next year's
    outcome) is not checked against this year's calendar."""
    dated, undated = agreement_files_for(partner_file, partner_id, fiscal_year)
    if dated.is_file():
        return load_agreement(dated, vendor=vendor, fiscal_year=fiscal_year)
    if not undated.is_file():
        return None
    year = load_model(undated, Agreement, what="an agreement").fiscal_year  # its fields only, for the year
    if year != fiscal_year:
        log.info("%s: agreement is for FY%d, not FY%d; not used", undated, year, fiscal_year)
        return None
    return load_agreement(undated, vendor=vendor)


def previous_mop(partner_file: str | Path, partner_id: str, fiscal_year: int, *,
                 vendor: Profile | None = None) -> PreviousMop | None:
    """The MOP agreed for the year before `fiscal_year`, if there is a valid agreement for it (a
    broken one is logged and left out: it must not stop this year's plan)."""
    try:
        agreement = agreement_for(partner_file, partner_id, fiscal_year - 1, vendor=vendor)
    except ProfileError as exc:
        log.warning("last year's agreement is not used: %s", exc)
        return None
    if agreement is None:
        return None
    return PreviousMop(fiscal_year=agreement.fiscal_year, strategy=agreement.strategy,
                       start=agreement.periods[0].start, end=agreement.periods[-1].end)


def agreement_status(partner_file: str | Path, fiscal_year: int | None = None) -> AgreementStatus:
    """`signed`, `draft` or `none` (no agreement for the year) for a partner profile, e.g. for a kit's
    index; without a year, of its latest agreement. Raises ProfileError if the profile or the
    agreement is invalid."""
    partner_id = load_profile(partner_file).id  # a profile may set its own id
    if fiscal_year is None:
        found = sorted(Path(partner_file).parent.glob(f"{partner_id}.FY*.agreement.yaml")) or \
            [p for p in [agreement_path(partner_file, partner_id)] if p.is_file()]
        return load_agreement(found[-1]).status if found else "none"
    agreement = agreement_for(partner_file, partner_id, fiscal_year)
    return agreement.status if agreement is not None else "none"


def dump_agreement(agreement: Agreement) -> bytes:
    """The agreement as YAML, fields in model order, dates unquoted, with a schema hint for editors."""
    data = agreement.model_dump(mode="python")
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    header = ("# yaml-language-server: $schema=../schemas/agreement.schema.json\n"
              "# Edit the periods, commitments and signatories as agreed; set each `signed:` date and\n"
              "# `status: signed` once both sides have signed. `workshop validate` checks this file.\n")
    return (header + body).encode("utf-8")



def write_agreement(path: Path, agreement: Agreement, *, force: bool = False) -> Path:
    """Write an agreement file atomically; refuse to replace an existing one unless `force`."""
    if path.exists() and not force:
        raise AgreementExists(f"{path}: an agreement already exists; pass --force to replace it")
    write_atomic(path, dump_agreement(agreement))
    return path


def draft_agreement(plan: Plan, strategy: str | None = None, *, also: Plan | None = None) -> Agreement:
    """A draft agreement from a plan: the periods of `strategy` (default: the recommended one),
    the commitments dated from them, the review cadence, and both sides' signatories, none signed yet.

    `also` is the same plan in another language (the vendor's): the texts are then written in both,
    {language: text}, so the memo can print either, or both side by side."""
    option = plan.option(strategy or plan.recommended)
    others = also.option(option.strategy).commitments if also is not None and also.language != plan.language else None

    def texts(mine: str, theirs: str | None) -> Words:
        return {plan.language: mine, also.language: theirs} if also is not None and theirs is not None else mine

    return Agreement(
        fiscal_year=plan.fiscal_year,
        strategy=option.strategy,
        periods=[AgreedPeriod(name=p.name, start=p.start, end=p.end) for p in option.periods],
        commitments=[AgreedCommitment(party=c.party, text=texts(c.text, others[i].text if others else None),
                                      owners=c.owners, dates=[d.day for d in c.dates])
                     for i, c in enumerate(option.commitments)],
        review_cadence=texts(plan.review_cadence, also.review_cadence if others is not None else None),
        signatories=AgreementSignatories(
            vendor=[AgreementSignatory(name=s.name, title=s.title) for s in plan.vendor.signatories],
            partner=[AgreementSignatory(name=s.name, title=s.title) for s in plan.partner.signatories],
        ),
        status="draft",
    )


def memo_terms(agreement: Agreement, plan: Plan) -> MemoTerms:
    """What the memo prints for an agreement: its periods, commitments, cadence and signatories, with
    the signature images read into the terms as data (documents never read files)."""
    option = plan.option(agreement.strategy)
    images: dict[str, str] = {}

    def signatory(person: AgreementSignatory) -> MemoSignatory:
        image = person.signature_image
        if image and image not in images:
            data = read_png(agreement.signature_image_path(image))
            images[image] = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        return MemoSignatory(name=person.name, title=person.title, signed=person.signed,
                             signature_image=images[image] if image else None)

    try:
        vendor = [signatory(p) for p in agreement.signatories.vendor]
        partner = [signatory(p) for p in agreement.signatories.partner]
    except ValueError as exc:
        raise ProfileError([Problem(agreement._source or Path("agreement"), str(exc),
                                    "signatories")]) from None
    periods = [MopPeriod(name=p.name, start=p.start, end=p.end, status=period_status(p.start, p.end, plan.as_of))
               for p in agreement.periods]
    drafted = [(p.name, p.start, p.end) for p in option.periods]
    edited = [(p.name, p.start, p.end) for p in periods] != drafted
    with speaking(plan.speaks):
        rationale = text_in(agreement.rationale) or (
            _("Both sides agreed the periods below in place of the drafted dates.") if edited else option.rationale)

        def dated(commitment: AgreedCommitment) -> Commitment:
            dates = [CommitmentDate(day=d, period=next((p.name for p in periods if p.start <= d <= p.end), ""))
                     for d in commitment.dates]
            return Commitment(party=commitment.party, text=text_in(commitment.text), owners=commitment.owners,
                              dates=dates)

        return MemoTerms(
            status=agreement.status, strategy=option.strategy, title=option.title, rationale=rationale,
            periods=periods, start=periods[0].start, end=periods[-1].end,
            halves=[] if edited else option.halves,
            handover=handover(periods, plan.as_of, plan.facts.vendor_year_end),
            commitments=[dated(c) for c in agreement.commitments],
            review_cadence=text_in(agreement.review_cadence),
            vendor_signatories=vendor, partner_signatories=partner,
        )


def apply_agreement(plan: Plan, agreement: Agreement | None) -> Plan:
    """The plan whose memo prints `agreement` (which must be for the plan's fiscal year); the plan as
    it is when there is none."""
    if agreement is None:
        return plan
    if agreement.fiscal_year != plan.fiscal_year:
        raise ProfileError([Problem(agreement._source or Path("agreement"),
                                    f"the agreement is for FY{agreement.fiscal_year}, the plan for "
                                    f"FY{plan.fiscal_year}", "fiscal_year")])
    return plan.with_memo(memo_terms(agreement, plan))


class Validation(dict):
    """{file: its problems (none if valid)} for every file `validate` checked."""

    @property
    def ok(self) -> bool:
        return not any(self.values())

    def summary(self) -> str:
        """`8 profiles valid`, or `2 of 4 profiles and 1 agreement invalid`."""
        agreements = sum(1 for f in self if is_agreement_file(f))
        profiles = len(self) - agreements
        counted = f"{profiles} profile{'s' * (profiles != 1)}"
        if agreements:
            counted += f" and {agreements} agreement{'s' * (agreements != 1)}"
        invalid = sum(1 for problems in self.values() if problems)
        return f"{invalid} of {counted} invalid" if invalid else f"{counted} valid"


def validate(paths: list[Path]) -> Validation:
    """Check profile files, vendor profiles and agreement files; {file: its problems (none if valid)}.

    Folders stand for their vendor profile, partner profiles and agreements. An agreement is
    checked against the calendar of the valid vendor profile beside it."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += vendor_files(path) + profile_files(path) + agreement_files(path)
        else:
            files.append(path)
    report = Validation()
    for file in files:
        try:
            if is_agreement_file(file):
                load_agreement(file, vendor=_vendor_beside(file))
                report[file] = []
            elif is_vendor_file(file):
                report[file] = check_vendor_file(file)
            else:
                load_profile(file)
                report[file] = []
        except ProfileError as exc:
            report[file] = exc.problems
    return report


def _vendor_beside(file: Path):
    """The valid vendor profile in the same folder, or None (an invalid one is reported on its own)."""
    try:
        return load_vendor(find_vendor_file(file.parent))
    except WorkshopError:
        return None
