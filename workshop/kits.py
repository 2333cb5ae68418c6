"""Batch runs: documents for many partners, one failure never stopping the others, every file written atomically."""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .agreements import Agreement, AgreementExists, agreement_path, dump_agreement, load_agreement
from .agreements import agreement_status as agreement_status  # re-exported for the kit index
from .documents import DOCUMENTS, FORMATS, Theme, render_document
from .errors import WorkshopError
from .plan import Plan, default_fiscal_year, plan_partnership
from .profiles import Profile, VendorProfile, load_profile

# Signs a rendered PDF for a plan (workshop.signing.MemoSigner.sign); None leaves PDFs unsigned.
SignPdf = Callable[[bytes, Plan], bytes]

log = logging.getLogger(__name__)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see either the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_agreement(path: Path, agreement: Agreement, *, force: bool = False) -> Path:
    """Write an agreement file atomically; refuse to replace an existing one unless `force`."""
    if path.exists() and not force:
        raise AgreementExists(f"{path}: an agreement already exists; pass --force to replace it")
    write_atomic(path, dump_agreement(agreement))
    return path


def agreement_for(partner_file: Path, partner: Profile, vendor: VendorProfile, fiscal_year: int) -> Agreement | None:
    """The partner's agreement for `fiscal_year`, checked, or None if there is none for that year.

    An agreement file for another fiscal year is left alone: it is last year's (or next year's) outcome."""
    path = agreement_path(partner_file, partner.id)
    if not path.is_file():
        return None
    agreement = load_agreement(path, vendor=vendor)
    if agreement.fiscal_year != fiscal_year:
        log.info("%s: agreement is for FY%d, not FY%d; not used", path, agreement.fiscal_year, fiscal_year)
        return None
    return agreement


def partner_folder(out: Path, plan: Plan) -> Path:
    """Where one partner's documents for one fiscal year go: OUT/FY2028/<partner-id>/."""
    return out / f"FY{plan.fiscal_year}" / plan.partner.id


@dataclass
class PartnerResult:
    """What a batch did for one partner profile."""

    source: Path
    partner_id: str = ""
    files: list[Path] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def build_documents(partner_file: Path, vendor: VendorProfile, out: Path, *, as_of: date,
                    fiscal_year: int | None = None, documents: Iterable[str] = ("memo",),
                    formats: Iterable[str] = FORMATS, paper: str | None = None,
                    theme: Theme | None = None, sign_pdf: SignPdf | None = None) -> PartnerResult:
    """Plan one partner and write the requested documents; errors are caught and reported in the result.

    The partner's agreement file for the year, if any, goes into the plan, so the memo shows what
    was agreed. `sign_pdf` signs the memo's PDF in memory before it is written."""
    result = PartnerResult(source=partner_file)
    try:
        partner = load_profile(partner_file)
        result.partner_id = partner.id
        year = default_fiscal_year(vendor, as_of) if fiscal_year is None else fiscal_year
        plan = plan_partnership(vendor, partner, as_of=as_of, fiscal_year=year)
        documents = tuple(documents)
        if "memo" in documents:  # only the memo prints the agreement; a broken one need not stop a briefing
            plan = plan.with_agreement(agreement_for(partner_file, partner, vendor, year))
        folder = partner_folder(out, plan)
        theme = theme or Theme()
        for document in documents:
            rendered = render_document(plan, document, theme, formats=formats, paper=paper or vendor.paper)
            if sign_pdf is not None and document == "memo" and "pdf" in rendered:
                rendered["pdf"] = sign_pdf(rendered["pdf"], plan)
            stem = DOCUMENTS[document][2]
            for fmt, data in rendered.items():
                target = folder / f"{stem}.{fmt}"
                write_atomic(target, data)
                result.files.append(target)
    except WorkshopError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = f"{exc.filename or partner_file}: {exc.strerror or exc}"
    return result


def build_batch(partner_files: list[Path], vendor: VendorProfile, out: Path, **options) -> Iterator[PartnerResult]:
    """Build documents for each partner in turn, sharing one theme; yields a result per partner."""
    theme = options.pop("theme", None) or Theme()
    for partner_file in partner_files:
        result = build_documents(partner_file, vendor, out, theme=theme, **options)
        if result.ok:
            log.info("%s: wrote %d files", result.partner_id, len(result.files))
        else:
            log.warning("%s: failed", partner_file)
        yield result
