"""The one per-partner pipeline: load the profile, plan, take the agreement, render the documents
asked for, sign the memo if asked, write every file atomically, and record what the folder holds.
`workshop kit` runs it for every document; `memo`, `brief` and `agenda` for one."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..agreements import agreement_files_for, agreement_for, apply_agreement, previous_mop
from ..documents import document, documents
from ..documents.theme import Theme
from ..errors import WorkshopError
from ..plan import Plan, Plans, plan_languages
from ..profiles import VendorProfile
from ..settings import Settings
from ..storage import refuse_link, write_atomic
from ..workspace import load_profile
from ..writers import plan_writers, render_outputs
from . import state

log = logging.getLogger(__name__)

Signer = Callable[[bytes, Plan, object], bytes]
"""Signs a memo PDF: (pdf, plan, the vendor's signature line or None) -> signed pdf (MemoSigner.sign)."""

TOP_FINDINGS = 3
"""How many findings per partner the index shows."""


@dataclass(frozen=True)
class Job:
    """What a run builds for every partner: the same for all of them, and all a worker needs."""

    vendor: VendorProfile
    settings: Settings
    """With the fiscal year resolved."""
    out: Path
    documents: tuple[str, ...]
    """The documents to write (every registered one for a kit)."""
    whole_kit: bool = True
    """A kit: also the plan files, and a folder left holding exactly the kit's files."""

    @property
    def year(self) -> Path:
        return state.year_folder(self.out, self.settings.fiscal_year or 0)

    def file_names(self, partner_id: str) -> list[str]:
        """The files this job writes in a partner's folder."""
        year = self.settings.fiscal_year or 0
        names = state.document_files(partner_id, year, self.documents, self.settings.formats)
        return names + ([state.file_name(partner_id, year, w.filename) for w in plan_writers()] if self.whole_kit else [])


def kit_job(vendor: VendorProfile, settings: Settings, out: Path, document_names: tuple[str, ...] = ()) -> Job:
    """The job of a run: every document (a kit), or only `document_names` (e.g. the memo)."""
    if settings.fiscal_year is None:
        raise ValueError("resolve the fiscal year first (workshop.plan.planned_year)")
    every = tuple(doc.name for doc in documents())
    chosen = tuple(document(name).name for name in document_names) or every
    return Job(vendor, settings, Path(out), chosen, whole_kit=chosen == every)


@dataclass
class PartnerResult:
    """What a run did for one partner profile."""

    source: Path
    partner_id: str = ""
    files: list[Path] = field(default_factory=list)
    """Files written by this run (none when the partner was unchanged)."""
    error: str | None = None
    unchanged: bool = False
    """The partner's inputs matched its last build, so nothing was written."""

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> str:
        """`built`, `unchanged` or `failed`."""
        return "failed" if self.error is not None else "unchanged" if self.unchanged else "built"


def build_partner(partner_file: Path, job: Job, *, fingerprint: str, theme: Theme,
                  sign: Signer | None = None) -> PartnerResult:
    """Plan one partner and write what `job` asks for into its folder; errors in its inputs are
    caught and reported in the result.

    Everything is rendered before anything is written, the old build record is removed before the
    first write and the new one written after the last, so an interrupted build is never taken
    for a complete one."""
    result = PartnerResult(source=partner_file)
    try:
        partner = load_profile(partner_file)
        result.partner_id = partner.id
        settings = job.settings
        year = settings.fiscal_year or 0
        previous = previous_mop(partner_file, partner.id, year, vendor=job.vendor)
        plans = plan_languages(job.vendor, partner, settings, previous=previous)  # one per language needed
        agreement = agreement_for(partner_file, partner.id, plans.partner.fiscal_year, vendor=job.vendor)
        plans = plans.map(lambda plan: apply_agreement(plan, agreement))  # the memo as it stands: draft or signed
        plan = plans.vendor
        images = []
        if agreement is not None:
            people = agreement.signatories.vendor + agreement.signatories.partner
            images = sorted({agreement.signature_image_path(p.signature_image) for p in people if p.signature_image})
        outputs, signed = _render(plans, job, theme, sign)
        folder = job.year / partner.id
        refuse_link(folder)
        previous = state.read_record(folder)
        state.write_claim(folder, partner_file)  # first: a build cut short still leaves a folder workshop made
        (folder / state.RECORD_FILE).unlink(missing_ok=True)
        agreement_inputs = state.agreement_inputs(
            [*agreement_files_for(partner_file, partner.id, year), *agreement_files_for(partner_file, partner.id, year - 1)],
            images)
        entries = {}
        for name, data in outputs.items():
            write_atomic(folder / name, data)
            entries[name] = state.file_entry(folder / name, data, fingerprint, agreement_inputs,
                                             signed=name in signed)
            result.files.append(folder / name)
        kept = {}
        if job.whole_kit:
            # e.g. the .docx files of a run before --format pdf, and files an earlier version named otherwise
            for name in {f.name for f in folder.iterdir() if state.is_kit_file(f.name)} - outputs.keys():
                (folder / name).unlink(missing_ok=True)
        elif previous is not None and previous.get("source") == str(partner_file.resolve()):
            kept = {name: entry for name, entry in previous["files"].items()
                    if name not in entries and (folder / name).is_file()}
        state.write_record(folder, partner_file, {**kept, **entries}, summary(plan))
    except Exception as exc:
        result.error = describe_failure(exc, partner_file)
    return result


def _render(plans: Plans, job: Job, theme: Theme, sign: Signer | None) -> tuple[dict[str, bytes], set[str]]:
    outputs: dict[str, bytes] = {}
    signed: set[str] = set()
    for name in job.documents:
        doc = document(name)
        plan = plans.for_audience(doc.audience)  # in its reader's language
        counterpart = plans.counterpart if doc.bilingual else None
        for fmt, output in render_outputs(plan, name, job.settings, job.settings.formats, theme,
                                          counterpart=counterpart).items():
            file_name = state.file_name(plan.partner.id, plan.fiscal_year, f"{doc.stem}.{fmt}")
            data = output.data
            if sign is not None and doc.signing and fmt == "pdf":
                data = sign(data, plan, output.boxes.get("vendor"))
                signed.add(file_name)
            outputs[file_name] = data
    if job.whole_kit:
        for writer in plan_writers():
            plan = plans.for_audience(writer.audience)
            outputs[state.file_name(plan.partner.id, plan.fiscal_year, writer.filename)] = writer.render(plan, job.settings)
    return outputs, signed


def summary(plan: Plan) -> dict:
    """What the kit index and `workshop status` show of a partner, kept in its build record."""
    option = plan.recommended_option
    upcoming = sorted((due.day, c.text, due.period) for c in plan.memo.commitments for due in c.dates
                      if due.day >= plan.as_of)
    return {
        "name": plan.partner.name,
        "recommended": plan.recommended,
        "recommended_title": option.title,
        "mop": plan.memo.title,
        "mop_start": plan.memo.start.isoformat(),
        "mop_end": plan.memo.end.isoformat(),
        "score": option.score,
        "worst_offset_days": plan.facts.worst_offset_days,
        "agreement": plan.memo.agreement_status,
        "session": plan.session.date.isoformat() if plan.session.date else None,
        "next_commitment": {"day": upcoming[0][0].isoformat(), "text": upcoming[0][1], "period": upcoming[0][2]}
        if upcoming else None,
        "top_findings": [f"{f.severity}: {f.text}" for f in plan.findings if f.severity != "info"][:TOP_FINDINGS],
    }


def describe_failure(exc: Exception, partner_file: Path) -> str:
    """One line for a partner that failed: our errors as they are, a file error with its file, and
    anything else as the bug it is (it must not stop the other partners)."""
    if isinstance(exc, WorkshopError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.filename or partner_file}: {exc.strerror or exc}"
    log.debug("%s: unexpected error", partner_file, exc_info=exc)
    return (f"{partner_file}: unexpected {type(exc).__name__}: {exc} "
            f"(a bug in workshop or a library; -vv shows the traceback)")
