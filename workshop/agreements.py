"""Agreement records: what vendor and partner agreed for one fiscal year, kept beside the partner
profile as `<partner-id>.agreement.yaml`, drafted from a Plan, checked, and signed off."""

from __future__ import annotations

import base64
import io
import logging
import zlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from PIL import Image
from pydantic import Field, PrivateAttr, field_validator

from .errors import Problem, ProfileError, WorkshopError
from .fiscal import FIRST_YEAR, LAST_YEAR, calendar_for
from .profiles import AGREEMENT_SUFFIX, Profile, _Model, dotted, field_lines, load_model, load_profile

STRATEGIES = ("align-vendor", "align-partner", "shared-quarter-end", "dual-mop")
Strategy = Literal["align-vendor", "align-partner", "shared-quarter-end", "dual-mop"]
# A MOP year may be stretched or shortened to land its quarter-ends on good days, but it is a year.
MIN_YEAR_DAYS, MAX_YEAR_DAYS = 350, 380
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
AgreementStatus = Literal["none", "draft", "signed"]

log = logging.getLogger(__name__)


class AgreementExists(WorkshopError):
    """An agreement file is already there and the caller did not ask to overwrite it."""


class AgreedPeriod(_Model):
    """One dated period of the agreed Mutual Operating Period."""

    name: str = Field(min_length=1)
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
    text: str = Field(min_length=1)
    """What they undertake, as a sentence starting with a verb (the memo prints "The Vendor will …")."""


class AgreementSignatory(_Model):
    """A person who signs the agreement for one side."""

    name: str = Field(min_length=1)
    """Full name, as printed under the signature line."""
    title: str = ""
    """Job title, as printed under the signature line."""
    signed: date | None = None
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
    strategy: Strategy
    """The MOP shape agreed: `align-vendor`, `align-partner`, `shared-quarter-end` or `dual-mop` (it may differ from the recommendation)."""
    periods: list[AgreedPeriod] = Field(min_length=1)
    """The agreed periods, in order; together they tile one year without gaps or overlaps."""
    commitments: list[AgreedCommitment] = []
    """What each side undertakes."""
    review_cadence: str = Field(min_length=1)
    """How often both sides review progress against the agreement."""
    signatories: AgreementSignatories = AgreementSignatories()
    """Who signs for each side, and when they signed."""
    status: Literal["draft", "signed"] = "draft"
    """`draft` until both sides have signed; `signed` prints the signed memo."""

    # The file this agreement was read from (not a field): signature images are relative to it.
    _source: Path | None = PrivateAttr(default=None)

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

    def signature_data_uris(self) -> dict[str, str]:
        """Every signature image as a data: URI keyed by its `signature_image` text, for the memo."""
        uris = {}
        for person in self.signatories.vendor + self.signatories.partner:
            if person.signature_image and person.signature_image not in uris:
                data = _read_png(self.signature_image_path(person.signature_image))
                uris[person.signature_image] = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        return uris


def agreement_schema() -> dict[str, Any]:
    """The JSON Schema of an agreement file."""
    schema = Agreement.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "workshop agreement"
    return schema


def agreement_path(partner_file: str | Path, partner_id: str | None = None) -> Path:
    """The agreement file that belongs to a partner profile: `<partner-id>.agreement.yaml` beside it.

    The id defaults to the profile's file name, as a profile's own id does."""
    partner_file = Path(partner_file)
    return partner_file.parent / f"{partner_id or partner_file.stem.lower()}{AGREEMENT_SUFFIX}.yaml"


def _read_png(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not data.startswith(PNG_MAGIC):
        raise ValueError(f"{path} is not a PNG file")
    # A truncated or corrupt image would otherwise fail only inside the Word writer. Checked by its
    # chunks rather than by Pillow alone: WeasyPrint tells Pillow to accept truncated images.
    problem = _png_chunk_problem(data)
    if problem is None:
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            problem = str(exc)
    if problem is not None:
        raise ValueError(f"{path} is not a readable PNG image ({problem})")
    return data


def _png_chunk_problem(data: bytes) -> str | None:
    """What is wrong with a PNG's chunk structure (IHDR first, IDAT, IEND last, every CRC right), or None."""
    position, kinds = len(PNG_MAGIC), []
    while position < len(data):
        if position + 12 > len(data):
            return "it is cut short"
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        end = position + 8 + length
        if end + 4 > len(data):
            return "it is cut short"
        if zlib.crc32(data[position + 4:end]) != int.from_bytes(data[end:end + 4], "big"):
            return f"the {kind.decode('latin-1')} chunk is damaged"
        kinds.append(kind)
        position = end + 4
        if kind == b"IEND":
            break
    if not kinds or kinds[0] != b"IHDR" or b"IDAT" not in kinds or kinds[-1] != b"IEND":
        return "it is cut short" if kinds and kinds[-1] != b"IEND" else "it has no image data"
    return None


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
                    _read_png(agreement.signature_image_path(person.signature_image))
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


def agreement_for(partner_file: str | Path, partner_id: str, fiscal_year: int, *,
                  vendor: Profile | None = None) -> Agreement | None:
    """The partner's agreement for `fiscal_year`, checked (against `vendor`'s calendar if given), or
    None if there is no agreement file or it is for another year — last year's or next year's
    outcome, which is not checked against this year's calendar."""
    path = agreement_path(partner_file, partner_id)
    if not path.is_file():
        return None
    year = load_model(path, Agreement, what="an agreement").fiscal_year  # its fields only, for the year
    if year != fiscal_year:
        log.info("%s: agreement is for FY%d, not FY%d; not used", path, year, fiscal_year)
        return None
    return load_agreement(path, vendor=vendor)


def agreement_status(partner_file: str | Path, fiscal_year: int | None = None) -> AgreementStatus:
    """`signed`, `draft` or `none` (no agreement file, or one for another fiscal year) for a partner
    profile, e.g. for a kit's index. Raises ProfileError if the profile or the agreement is invalid."""
    partner_id = load_profile(partner_file).id  # a profile may set its own id
    if fiscal_year is None:
        path = agreement_path(partner_file, partner_id)
        return load_agreement(path).status if path.is_file() else "none"
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

