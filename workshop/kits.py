"""Batch runs: kits and documents for many partners, in parallel and incrementally, one failure never
stopping the others, every file written atomically."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import logging
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

import jinja2

from . import __version__
from .agreements import Agreement, AgreementExists, agreement_for, agreement_path, dump_agreement
from .agreements import agreement_status as agreement_status  # re-exported for the kit index
from .documents import DOCUMENTS, FORMATS, Theme, render_document, theme_for
from .errors import OutputError, WorkshopError
from .ical import mop_calendar
from .plan import Plan, default_fiscal_year, plan_partnership, vendor_rule_locations
from .profiles import VendorProfile, load_profile, load_vendor
from .rules import rule_pack_files

# Signs a rendered PDF for a plan (workshop.signing.MemoSigner.sign); None leaves PDFs unsigned.
SignPdf = Callable[[bytes, Plan], bytes]

log = logging.getLogger(__name__)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()
"""The mode an ordinary new file gets (mkstemp's own 0600 would hide documents from the rest of the team)."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see either the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.chmod(temporary, _FILE_MODE)
        except OSError:  # file systems without modes (FAT on a USB stick, some shares) refuse; keep the file
            pass
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not exc.filename:  # a full disk says nothing of which file
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise


def check_writable(folder: Path) -> None:
    """Raise OutputError unless new files can be created in `folder` (which is made if missing).

    Checked once before a batch, so an unwritable output folder is one message, not one per partner."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".write-test.", suffix=".part", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{exc.filename or folder}: cannot write there: {exc.strerror or exc}") from None


def remove_partial_files(folder: Path) -> None:
    """Delete the temporary files of writes that never finished in `folder` (a worker that was killed)."""
    for path in folder.glob(".*.part"):
        path.unlink(missing_ok=True)


def write_agreement(path: Path, agreement: Agreement, *, force: bool = False) -> Path:
    """Write an agreement file atomically; refuse to replace an existing one unless `force`."""
    if path.exists() and not force:
        raise AgreementExists(f"{path}: an agreement already exists; pass --force to replace it")
    write_atomic(path, dump_agreement(agreement))
    return path


def partner_folder(out: Path, plan: Plan) -> Path:
    """Where one partner's documents for one fiscal year go: OUT/FY2028/<partner-id>/."""
    return out / f"FY{plan.fiscal_year}" / plan.partner.id


@dataclass
class PartnerResult:
    """What a batch did for one partner profile."""

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
            plan = plan.with_agreement(agreement_for(partner_file, partner.id, year, vendor=vendor))
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
    except Exception as exc:
        result.error = _describe_failure(exc, partner_file)
    return result


def _describe_failure(exc: Exception, partner_file: Path) -> str:
    """One line for a partner that failed: our errors as they are, a file error with its file, and
    anything else as the bug it is (it must not stop the other partners)."""
    if isinstance(exc, WorkshopError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.filename or partner_file}: {exc.strerror or exc}"
    log.debug("%s: unexpected error", partner_file, exc_info=exc)
    return (f"{partner_file}: unexpected {type(exc).__name__}: {exc} "
            f"(a bug in workshop or a library; -vv shows the traceback)")


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


# --- kits: every document, plan.json and mop.ics per partner, plus an index ------------------------

PLAN_FILE = "plan.json"
CALENDAR_FILE = "mop.ics"
INPUTS_FILE = ".inputs"
"""Per partner folder: the input fingerprint and the files it produced; written last."""
FAILURES_FOLDER = ".failures"
"""Per year folder: one record per profile that failed, so an index built later still lists it."""
INDEX_FILES = ("index.html", "index.csv", "manifest.json")


@dataclass(frozen=True)
class KitOptions:
    """Everything besides the profiles and templates that decides a kit's content; part of its fingerprint."""

    as_of: date
    fiscal_year: int
    formats: tuple[str, ...] = FORMATS
    paper: str = "a4"
    template_dirs: tuple[Path, ...] = ()
    pdf_variant: str | None = None


def kit_options(vendor: VendorProfile, *, as_of: date, fiscal_year: int | None = None,
                formats: Iterable[str] = FORMATS, paper: str | None = None,
                template_dirs: Iterable[Path] = (), pdf_variant: str | None = None) -> KitOptions:
    """KitOptions with the vendor's defaults filled in: its next fiscal year after `as_of`, its paper size."""
    year = default_fiscal_year(vendor, as_of) if fiscal_year is None else fiscal_year
    return KitOptions(as_of=as_of, fiscal_year=year, formats=tuple(formats), paper=paper or vendor.paper,
                      template_dirs=tuple(Path(p) for p in template_dirs), pdf_variant=pdf_variant)


def year_folder(out: Path, fiscal_year: int) -> Path:
    """OUT/FY<year>: the partner folders of one fiscal year and their index."""
    return Path(out) / f"FY{fiscal_year}"


def kit_files(formats: Iterable[str]) -> list[str]:
    """The file names of one partner's kit: each registered document in each format, the plan, the calendar."""
    formats = tuple(formats)
    names = [f"{stem}.{fmt}" for _, _, stem in DOCUMENTS.values() for fmt in formats]
    return names + [PLAN_FILE, CALENDAR_FILE]


def select_shard(partner_files: Iterable[Path], shard: int, shards: int) -> list[Path]:
    """The `shard`-th of `shards` shares of the partners (1-based): every `shards`-th file by sorted name.

    Deterministic for a given set of files, so N machines given 1/N ... N/N build every partner
    exactly once between them.
    """
    if not 1 <= shard <= shards:
        raise ValueError(f"shard {shard}/{shards}: expected 1 <= K <= N")
    ordered = sorted(partner_files, key=lambda p: (p.name, str(p)))
    return [p for i, p in enumerate(ordered) if i % shards == shard - 1]


def _feed(digest, *parts: bytes | str) -> None:
    # Length-prefixed, so no two different sequences of parts hash the same.
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)


def shared_fingerprint(vendor_file: Path, vendor: VendorProfile, options: KitOptions, theme: Theme) -> str:
    """The hash of the inputs every partner shares: tool version, options, vendor profile, template
    folders, the logo and the vendor's own rule packs (built-in ones change with the version).

    Every file in each template folder counts, not only those a document uses: simpler than
    tracking Jinja2 includes, and a template folder holds little else.
    """
    digest = hashlib.sha256()
    settings = {
        "as_of": options.as_of.isoformat(), "fiscal_year": options.fiscal_year,
        "formats": list(options.formats), "paper": options.paper, "pdf_variant": options.pdf_variant,
        "documents": {name: list(entry) for name, entry in DOCUMENTS.items()},
    }
    _feed(digest, f"workshop {__version__}", json.dumps(settings, sort_keys=True), Path(vendor_file).read_bytes())
    folders = list(theme.search_path) + rule_pack_files(vendor_rule_locations(vendor))
    for folder in folders:
        files = [folder] if folder.is_file() else sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in files:
            _feed(digest, path.name if folder.is_file() else path.relative_to(folder).as_posix(), path.read_bytes())
    if theme.logo is not None:
        _feed(digest, "logo", theme.logo.read_bytes())
    return digest.hexdigest()


def partner_fingerprint(shared: str, partner_file: Path) -> str:
    """The hash of all of one partner's inputs: the shared ones and its profile's name and bytes."""
    digest = hashlib.sha256()
    _feed(digest, shared, partner_file.name, partner_file.read_bytes())
    return digest.hexdigest()


def build_partner(partner_file: Path, vendor: VendorProfile, out: Path, options: KitOptions, *,
                  fingerprint: str, theme: Theme) -> PartnerResult:
    """Plan one partner and write its kit folder; errors in its inputs are caught and reported in the result.

    Everything is rendered before anything is written, the old fingerprint is removed before the
    first write and the new one written after the last, so an interrupted build is never taken
    for a complete one.
    """
    result = PartnerResult(source=partner_file)
    try:
        partner = load_profile(partner_file)
        result.partner_id = partner.id
        plan = plan_partnership(vendor, partner, as_of=options.as_of, fiscal_year=options.fiscal_year)
        agreement = agreement_for(partner_file, partner.id, options.fiscal_year, vendor=vendor)
        plan = plan.with_agreement(agreement)  # the memo in its current state: draft or signed
        folder = partner_folder(out, plan)
        outputs: dict[str, bytes] = {}
        for document, (_, _, stem) in DOCUMENTS.items():
            rendered = render_document(plan, document, theme, formats=options.formats, paper=options.paper)
            outputs.update((f"{stem}.{fmt}", data) for fmt, data in rendered.items())
        outputs[PLAN_FILE] = plan.to_json().encode("utf-8")
        outputs[CALENDAR_FILE] = mop_calendar(plan, vendor, partner)
        (folder / INPUTS_FILE).unlink(missing_ok=True)
        for name, data in outputs.items():
            write_atomic(folder / name, data)
            result.files.append(folder / name)
        for name in set(kit_files(FORMATS)) - outputs.keys():  # e.g. the .docx files of a run before --format pdf
            (folder / name).unlink(missing_ok=True)
        record = {
            "source": str(partner_file.resolve()),
            "fingerprint": fingerprint,
            "agreement": agreement_inputs(partner_file, partner.id, agreement),
            "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(outputs.items())},
        }
        write_atomic(folder / INPUTS_FILE, _json_bytes(record))
    except Exception as exc:
        result.error = _describe_failure(exc, partner_file)
    return result


def _json_bytes(data) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _claims(year: Path) -> list[tuple[Path, dict]]:
    """(partner folder, its .inputs record) for every complete partner folder, symlinks left out."""
    claims = []
    if not year.is_dir():
        return claims
    for path in sorted(year.glob(f"*/{INPUTS_FILE}")):
        if path.parent.is_symlink():
            continue
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(record, dict) or not isinstance(record.get("source"), str):
                raise ValueError("no source")
            claims.append((path.parent, record))
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("%s: unreadable build record; the partner will be rebuilt", path)
    return claims


def _read_records(year: Path) -> dict[str, tuple[Path, dict]]:
    """{resolved profile path: (partner folder, its .inputs record)} for every complete partner folder."""
    return _latest(_claims(year))


def _latest(claims: list[tuple[Path, dict]]) -> dict[str, tuple[Path, dict]]:
    """The claims by profile. Should two folders claim one profile (output written before a profile's
    change of id released its old folder), the latest build counts; `stale_partners` names the other."""
    def written(claim: tuple[Path, dict]) -> int:
        try:
            return (claim[0] / INPUTS_FILE).stat().st_mtime_ns
        except OSError:
            return 0

    return {record["source"]: (folder, record) for folder, record in sorted(claims, key=written)}


def _release_claim(folder: Path, source: str) -> None:
    """Delete `folder`'s build record if it still names `source` (another profile may have built there since)."""
    try:
        if json.loads((folder / INPUTS_FILE).read_text(encoding="utf-8")).get("source") != source:
            return
    except FileNotFoundError:
        return
    except (ValueError, AttributeError):
        pass  # unreadable: it describes no complete build either
    (folder / INPUTS_FILE).unlink(missing_ok=True)


def agreement_inputs(partner_file: Path, partner_id: str, agreement: Agreement | None) -> dict[str, str | None]:
    """{path: sha256 or None if absent} of a partner's agreement file and the signature images of
    `agreement` (the one the build used, if any).

    Kept in the build record rather than the fingerprint: which file is the agreement depends on
    the profile's id, and a rerun should not have to load every profile to find out.
    """
    path = agreement_path(partner_file, partner_id).resolve()  # the next run may start in another folder
    inputs = {str(path): _digest_of(path)}
    if agreement is not None:
        people = agreement.signatories.vendor + agreement.signatories.partner
        for image in {p.signature_image for p in people if p.signature_image}:
            image_path = agreement.signature_image_path(image)
            inputs[str(image_path)] = _digest_of(image_path)
    return inputs


def _digest_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _is_current(record: dict, partner: Path, fingerprint: str, expected: list[str]) -> bool:
    # An agreement (or signature image) that appeared, changed or went away since the build counts as a change.
    agreement = record.get("agreement")
    return (agreement is not None and record.get("fingerprint") == fingerprint
            and sorted(record.get("files", {})) == sorted(expected)
            and all((partner / name).is_file() for name in expected)
            and all(_digest_of(Path(path)) == digest for path, digest in agreement.items()))


# One theme per worker process, built by the pool's initializer and reused for every document.
_worker_theme: Theme | None = None


def warm_theme(theme: Theme) -> Theme:
    """Do the expensive, reusable part of rendering now: WeasyPrint, the stylesheet, the Jinja2 templates.

    Problems are left for the documents to report, so each partner's failure names its cause.
    """
    try:
        import weasyprint  # noqa: F401  (the import alone takes a good part of a second)

        theme.stylesheet
        for template, _, _ in DOCUMENTS.values():
            theme.environment.get_template(template)
    except (WorkshopError, jinja2.TemplateError, OSError) as exc:
        log.debug("theme not warmed: %s", exc)
    return theme


def _init_worker(vendor: VendorProfile, options: KitOptions, levels: dict[str, int]) -> None:
    global _worker_theme
    # Spawned workers start with default logging; keep the parent's verbosity (forked ones have it).
    logging.basicConfig(level=levels.pop("", logging.WARNING), format="%(levelname)s %(name)s: %(message)s")
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    _worker_theme = warm_theme(theme_for(vendor, options.template_dirs, pdf_variant=options.pdf_variant))


def _build_in_worker(partner_file: Path, vendor: VendorProfile, out: Path, options: KitOptions,
                     fingerprint: str) -> PartnerResult:
    assert _worker_theme is not None, "the pool initializer builds the theme"
    return build_partner(partner_file, vendor, out, options, fingerprint=fingerprint, theme=_worker_theme)


def build_kit(partner_files: Iterable[Path], vendor_file: Path | str, out: Path | str, options: KitOptions, *,
              jobs: int | None = None, force: bool = False) -> Iterator[PartnerResult]:
    """Build the kit of each partner into OUT/FY<year>/<partner-id>/; yields a result per partner as it finishes.

    A partner whose inputs (profile, vendor profile, template folders, tool version, options) match
    its last complete build is skipped unless `force`. With `jobs` > 1 (default: one per CPU)
    partners are built in worker processes, each with its own Theme; `jobs=1` builds in this
    process. The output does not depend on `jobs`. The vendor profile and template folders are
    checked before this returns, so their errors are raised here rather than while iterating.
    The index is not written: call `write_index` after the last result.
    """
    vendor_file, out = Path(vendor_file), Path(out)
    vendor = load_vendor(vendor_file)
    theme = theme_for(vendor, options.template_dirs, pdf_variant=options.pdf_variant)
    shared = shared_fingerprint(vendor_file, vendor, options, theme)
    year = year_folder(out, options.fiscal_year)
    check_writable(year)
    records = _read_records(year)
    expected = kit_files(options.formats)
    done: list[PartnerResult] = []
    todo: list[tuple[Path, str]] = []
    for partner_file in map(Path, partner_files):
        try:
            fingerprint = partner_fingerprint(shared, partner_file)
        except OSError as exc:
            done.append(PartnerResult(source=partner_file, error=f"{partner_file}: {exc.strerror or exc}"))
            continue
        folder, record = records.get(str(partner_file.resolve()), (None, {}))
        if not force and folder is not None and _is_current(record, folder, fingerprint, expected):
            done.append(PartnerResult(source=partner_file, partner_id=folder.name, unchanged=True))
        else:
            todo.append((partner_file, fingerprint))
    todo, folders = _unique_ids(todo, done, year)
    return _run_kit(done, todo, vendor, out, options, theme, records, folders, jobs or usable_cpus())


def usable_cpus() -> int:
    """CPUs this process may run on: its affinity mask (taskset, a container's cpuset), not the host's count."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):  # Linux
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _unique_ids(todo: list[tuple[Path, str]], done: list[PartnerResult],
                year: Path) -> tuple[list[tuple[Path, str]], list[Path]]:
    """The partners to build, less those whose id another profile already has (reported in `done`),
    and the folders they will be built in.

    Two profiles with one id would write one folder in turn; the first (unchanged ones first, then
    in the order given) keeps it. A profile that does not load is left for its build to report.
    """
    owners = {result.partner_id: result.source for result in done if result.unchanged}
    unique, folders = [], []
    for partner_file, fingerprint in todo:
        try:
            partner_id = load_profile(partner_file).id
        except (WorkshopError, OSError):
            unique.append((partner_file, fingerprint))
            continue
        other = owners.setdefault(partner_id, partner_file)
        if other == partner_file:
            unique.append((partner_file, fingerprint))
            folders.append(year / partner_id)
        else:
            done.append(PartnerResult(source=partner_file, error=(
                f"{partner_file}: id: {partner_id!r} is already the id of {other}; "
                f"give each partner profile its own id (the file name, or `id:` in the profile)")))
    return unique, folders


def _run_kit(done: list[PartnerResult], todo: list[tuple[Path, str]], vendor: VendorProfile, out: Path,
             options: KitOptions, theme: Theme, records: dict[str, tuple[Path, dict]], folders: list[Path],
             jobs: int) -> Iterator[PartnerResult]:
    year = year_folder(out, options.fiscal_year)
    try:
        for result in itertools.chain(done, _build_all(todo, vendor, out, options, theme, jobs)):
            _note_outcome(year, result, records)
            yield result
    finally:
        # After Ctrl-C or a killed worker: the workers have stopped (the pool is shut down first), and
        # a worker killed mid-write leaves its temporary file. Only this run's partner folders are
        # swept: shards on other machines may be writing into the others.
        for folder in folders:
            remove_partial_files(folder)


def _process_context():
    # fork where there is one: a worker starts in milliseconds and needs no importable __main__
    # (spawn re-runs the caller's script, which breaks `python -c` and scripts without a
    # __main__ guard). The parent holds no threads or theme when the pool starts; each worker
    # builds its own Theme in the initializer.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _build_all(todo: list[tuple[Path, str]], vendor: VendorProfile, out: Path, options: KitOptions,
               theme: Theme, jobs: int) -> Iterator[PartnerResult]:
    if not todo:
        return  # nothing to render: not even WeasyPrint's import (a second) is paid on a no-op rerun
    workers = min(jobs, len(todo))
    if workers == 1:
        warm_theme(theme)
        for partner_file, fingerprint in todo:
            yield build_partner(partner_file, vendor, out, options, fingerprint=fingerprint, theme=theme)
        return
    levels = {name: logging.getLogger(name).level for name in ("workshop", "weasyprint", "fontTools")}
    levels[""] = logging.getLogger().level
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_process_context(),
                               initializer=_init_worker, initargs=(vendor, options, levels))
    try:
        pending: dict[Future, Path] = {pool.submit(_build_in_worker, f, vendor, out, options, fp): f for f, fp in todo}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                partner_file = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    # A worker died (killed, out of memory): every partner not finished fails with it.
                    yield PartnerResult(source=partner_file, error=(
                        f"{partner_file}: not built: a worker process stopped unexpectedly (killed, or out "
                        f"of memory?); files already complete are kept; run the same command again to finish"))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _failure_record(year: Path, source: Path) -> Path:
    return year / FAILURES_FOLDER / f"{source.name}.json"


def _note_outcome(year: Path, result: PartnerResult, records: dict[str, tuple[Path, dict]]) -> None:
    """Keep the year folder's state true to the latest run, for write_index and the next run.

    A record that cannot be written (the disk filled up) is logged, not raised: the result
    already says what went wrong with the partner, and the index is rebuilt from the folders."""
    failure = _failure_record(year, result.source)
    source = str(result.source.resolve())
    folder, _ = records.get(source, (None, {}))
    try:
        if result.ok:
            failure.unlink(missing_ok=True)
            if folder is not None and folder != year / result.partner_id:
                # The profile was given another id: its old folder no longer claims it (--prune removes it).
                _release_claim(folder, source)
            return
        # An older, complete build of this profile no longer describes it: drop it from the index,
        # and rebuild it once the profile is fixed. The failure keeps the id of the folder holding
        # that last good build, so that --prune knows the folder is still this partner's.
        if folder is not None:
            _release_claim(folder, source)
        partner_id = result.partner_id or (folder.name if folder is not None else _failed_id(failure))
        record = {"source": source, "id": partner_id or result.source.stem, "error": result.error}
        write_atomic(failure, _json_bytes(record))
    except OSError as exc:
        log.warning("%s: could not record the outcome: %s", exc.filename or failure, exc.strerror or exc)


def _read_failure(path: Path) -> dict | None:
    """A failure record (source, id, error), or None if it cannot be read."""
    try:
        failure = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(failure, dict) or not all(isinstance(failure.get(k), str) for k in ("source", "id", "error")):
        return None
    return failure


def _failures(year: Path) -> list[tuple[Path, dict]]:
    """(record path, failure record) for every readable failure record of the year."""
    records = ((path, _read_failure(path)) for path in sorted((year / FAILURES_FOLDER).glob("*.json")))
    return [(path, failure) for path, failure in records if failure is not None]


def _failed_id(failure: Path) -> str | None:
    """The partner id in an earlier failure record, if there is a readable one."""
    record = _read_failure(failure)
    return record["id"] if record is not None else None


def _stale(year: Path, partner_files: Iterable[Path]) -> tuple[list[Path], list[Path], list[str]]:
    """(partner folders, failure records, partner ids to name) in `year` that no profile in `partner_files` owns.

    A folder is stale when the profile it was built from is not among them, when another folder
    holds the later build of its profile, or when it holds nothing but kit files, without a build
    record, and no failure names it (its profile was given another id, or a first build was cut short).
    Failure records of profiles that are not among them are stale too; they are named unless a
    current partner has taken over their id."""
    current = {str(Path(f).resolve()) for f in partner_files}
    claims = _claims(year)
    kept = {folder for folder, _ in _latest(claims).values()}
    folders = [folder for folder, record in claims if record["source"] not in current or folder not in kept]
    failed_ids = {failure["id"] for _, failure in _failures(year) if failure["source"] in current}
    failures = [(path, failure["id"]) for path, failure in _failures(year) if failure["source"] not in current]
    kit_names = set(kit_files(FORMATS))
    claimed = {folder for folder, _ in claims}
    if year.is_dir():
        # failed_ids: a failing partner's folder holds its last good build
        folders += [folder for folder in year.iterdir()
                    if folder.is_dir() and not folder.is_symlink() and not folder.name.startswith(".")
                    and folder not in claimed and folder.name not in failed_ids
                    and all(f.name in kit_names or f.name.endswith(".part") for f in folder.iterdir())]
    folders = sorted(set(folders))
    owned = {folder.name for folder in claimed} - {folder.name for folder in folders}
    named = {folder.name for folder in folders} | {pid for _, pid in failures if pid not in owned}
    return folders, [path for path, _ in failures], sorted(named)


def stale_partners(out: Path | str, fiscal_year: int, partner_files: Iterable[Path]) -> list[str]:
    """Partners in OUT/FY<year> built (or failed) from a profile that is not among `partner_files`.

    Given every profile of a run over all partners, these are the partners whose profile was
    deleted or given another id since: their folders stay, and the index goes on listing them, until
    pruned. A failed profile whose id a current partner has taken over is not named."""
    return _stale(year_folder(Path(out), fiscal_year), partner_files)[2]


def prune_partners(out: Path | str, fiscal_year: int, partner_files: Iterable[Path]) -> list[str]:
    """Remove what `stale_partners` names (and failure records of profiles that are gone); returns the
    partner ids removed."""
    folders, failures, named = _stale(year_folder(Path(out), fiscal_year), partner_files)
    removed = set(named)
    for path in folders + failures:
        try:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        except OSError as exc:
            log.warning("%s: could not remove it: %s", path, exc.strerror or exc)
            removed.discard(path.name if path.is_dir() else (_failed_id(path) or ""))
    return sorted(removed)


TOP_FINDINGS = 3
"""How many findings per partner the index shows."""


@dataclass(frozen=True)
class IndexRow:
    """One partner's line in the index."""

    id: str
    name: str
    status: str
    recommended: str = ""
    worst_offset_days: int | None = None
    score: float | None = None
    agreement: str = ""
    """`draft`, `signed` or `none`: the state of the memo in the kit."""
    top_findings: tuple[str, ...] = ()
    """The most severe findings, most severe first."""
    files: tuple[str, ...] = ()
    """Paths relative to the year folder."""
    error: str = ""


def index_rows(out: Path, fiscal_year: int) -> list[IndexRow]:
    """Every partner found in OUT/FY<year>: complete builds (from their plan.json) and recorded failures."""
    year = year_folder(out, fiscal_year)
    rows: dict[str, IndexRow] = {}
    for folder, record in _read_records(year).values():
        try:
            plan = Plan.model_validate_json((folder / PLAN_FILE).read_bytes())
        except (OSError, ValueError) as exc:
            log.warning("%s: no readable %s (%s); left out of the index", folder, PLAN_FILE, exc)
            continue
        option = plan.recommended_option
        rows[folder.name] = IndexRow(
            id=folder.name, name=plan.partner.name, status="built", recommended=plan.recommended,
            worst_offset_days=plan.facts.worst_offset_days, score=option.score,
            agreement=plan.agreement.status if plan.agreement is not None else "none",
            top_findings=tuple(f"{f.severity}: {f.text}" for f in plan.findings
                               if f.severity != "info")[:TOP_FINDINGS],
            files=tuple(f"{folder.name}/{name}" for name in sorted(record["files"])),
        )
    for path in sorted((year / FAILURES_FOLDER).glob("*.json")):
        if (failure := _read_failure(path)) is None:
            log.warning("%s: unreadable failure record", path)
            continue
        rows.setdefault(failure["id"], IndexRow(id=failure["id"], name="", status="failed", error=failure["error"]))
    return [rows[key] for key in sorted(rows)]


def _index_csv(rows: list[IndexRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "name", "recommended", "worst_offset_days", "score", "agreement", "top_findings",
                     "status", "error", "files"])
    for row in rows:
        writer.writerow([row.id, row.name, row.recommended,
                         "" if row.worst_offset_days is None else row.worst_offset_days,
                         "" if row.score is None else f"{row.score:.1f}", row.agreement,
                         " | ".join(row.top_findings), row.status, row.error, " ".join(row.files)])
    return buffer.getvalue().encode("utf-8")


FORMAT_LABELS = {"pdf": "PDF", "docx": "Word"}


def _file_groups(files: Iterable[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """A partner's files for the index, one line per document: [("memo", [("PDF", "sakura/memo.pdf"), …]), …]."""
    groups: dict[str, list[tuple[str, str]]] = {}
    others: list[tuple[str, str]] = []
    for path in files:
        stem, _, suffix = path.rpartition("/")[2].rpartition(".")
        if suffix in FORMAT_LABELS:
            groups.setdefault(stem, []).append((FORMAT_LABELS[suffix], path))
        else:
            others.append((path.rpartition("/")[2], path))
    order = [stem for _, _, stem in DOCUMENTS.values()]
    lines = [(stem, sorted(groups[stem])) for stem in sorted(groups, key=lambda s: (s not in order, order.index(s)
                                                                                   if s in order else 0, s))]
    return lines + ([("data", others)] if others else [])


def _index_html(rows: list[IndexRow], fiscal_year: int) -> bytes:
    # A fixed template of our own, not on the theme's search path: autoescaped, because partner
    # names and error messages come from untrusted profiles.
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.from_string((Path(__file__).parent / "kit_index.html").read_text(encoding="utf-8"))
    built = sum(r.status == "built" for r in rows)
    signed = sum(r.agreement == "signed" for r in rows)
    drafts = sum(r.agreement == "draft" for r in rows)
    return template.render(rows=rows, fiscal_year=fiscal_year, built=built, failed=len(rows) - built,
                           signed=signed, drafts=drafts, file_groups=_file_groups).encode("utf-8")


def write_index(out: Path | str, fiscal_year: int) -> list[Path]:
    """Write index.html, index.csv and manifest.json beside the partner folders of OUT/FY<year>.

    Built from what the folders hold, not from one run's results, so it also gathers the output
    of several `--shard` runs. The manifest lists every file with its sha256, as recorded when
    the file was written.
    """
    try:
        return _write_index(out, fiscal_year)
    except OSError as exc:
        raise OutputError(f"{exc.filename or out}: cannot write the index: {exc.strerror or exc}") from None


def _write_index(out: Path | str, fiscal_year: int) -> list[Path]:
    year = year_folder(out, fiscal_year)
    rows = index_rows(out, fiscal_year)
    html, table = _index_html(rows, fiscal_year), _index_csv(rows)
    write_atomic(year / "index.html", html)
    write_atomic(year / "index.csv", table)
    files = {"index.html": hashlib.sha256(html).hexdigest(), "index.csv": hashlib.sha256(table).hexdigest()}
    for folder, record in _read_records(year).values():
        if folder.name in {r.id for r in rows if r.status == "built"}:
            files.update((f"{folder.name}/{name}", digest) for name, digest in record["files"].items())
    manifest = {
        "tool": f"workshop {__version__}",
        "fiscal_year": fiscal_year,
        "partners": {r.id: r.status for r in rows},
        "files": dict(sorted(files.items())),
    }
    write_atomic(year / "manifest.json", _json_bytes(manifest))
    log.info("%s: index of %d partners", year, len(rows))
    return [year / name for name in INDEX_FILES]
