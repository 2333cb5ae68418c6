"""A run over many partners, in the order a reader would list it: check the output folder, skip the
partners whose files are current, build the others (in parallel), record each outcome, name or
prune the folders no profile owns, write the index."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path
from typing import Iterable, Iterator

from ..documents.theme import theme_for
from ..plan import planned_year
from ..settings import Settings
from ..storage import check_writable, refuse_link, remove_partial_files
from ..workspace import load_profile, load_vendor
from . import state
from .index import write_index
from .pipeline import Job, PartnerResult, Signer, kit_job
from .pool import build_all, usable_cpus

log = logging.getLogger(__name__)


class Run:
    """One run of the pipeline over some partners; iterate it for a result per partner as each
    finishes. Once iterated to the end, the index is written and `stale` (or, with prune,
    `pruned`) names the partner folders no profile owns any more."""

    def __init__(self, partner_files: Iterable[Path], job: Job, *, jobs: int | None = None, force: bool = False,
                 sign: Signer | None = None, every_partner: bool = False, prune: bool = False,
                 index: bool = True):
        self.partner_files = [Path(p) for p in partner_files]
        self.job = job
        self.jobs = jobs or usable_cpus()
        self.force = force or sign is not None  # a signature is asked for: sign anew
        self.sign = sign
        self.every_partner = every_partner
        self.prune = prune
        self.write_index = index
        self.stale: list[str] = []
        self.pruned: list[str] = []
        self.index: Path | None = None
        self.theme = theme_for(job.settings)
        # Checked now, so a bad template folder or unwritable output stops the run before it starts.
        self.shared = state.shared_fingerprint(job.settings, self.theme)
        refuse_link(job.year)
        check_writable(job.year)

    def __len__(self) -> int:
        return len(self.partner_files)

    def __iter__(self) -> Iterator[PartnerResult]:
        year = self.job.year
        records = state.read_records(year)
        done, todo = self._current(records)
        todo, folders = _unique_ids(todo, done, year)
        try:
            for result in itertools.chain(done, build_all(todo, self.job, self.theme, self.jobs, self.sign)):
                state.note_outcome(year, result.source, result.partner_id, result.error, records)
                yield result
        finally:
            # After Ctrl-C or a killed worker: the workers have stopped (the pool is shut down first), and
            # a worker killed mid-write leaves its temporary file. Only this run's partner folders are
            # swept: shards on other machines may be writing into the others.
            for folder in folders:
                remove_partial_files(folder)
        self._finish()

    def notes(self, profiles_dir: Path | str) -> list[str]:
        """What a person should know about the year folder once the run is over: folders removed or stale."""
        year = self.job.year
        notes = [f"removed {year / partner_id}: no profile in {profiles_dir} owns it" for partner_id in self.pruned]
        if self.stale:
            notes.append(f"note: {len(self.stale)} partner folder(s) in {year} belong to no profile in {profiles_dir} "
                         f"(deleted, or given another id): {', '.join(self.stale)}; --prune removes them")
        return notes

    def _current(self, records) -> tuple[list[PartnerResult], list[tuple[Path, str]]]:
        """Partners whose files are as this run would write them (done), and the others with their fingerprint."""
        done: list[PartnerResult] = []
        todo: list[tuple[Path, str]] = []
        for partner_file in self.partner_files:
            try:
                fingerprint = state.partner_fingerprint(self.shared, partner_file)
            except OSError as exc:
                done.append(PartnerResult(source=partner_file, error=f"{partner_file}: {exc.strerror or exc}"))
                continue
            folder, record = records.get(str(partner_file.resolve()), (None, {}))
            names = self.job.file_names(folder.name) if folder is not None else []
            # A kit's folder holds exactly the kit's files: one with a dropped format's files is rebuilt (and tidied).
            exact = not self.job.whole_kit or set(record.get("files", ())) == set(names)
            if not self.force and folder is not None and exact and state.is_current(folder, record, names, fingerprint):
                done.append(PartnerResult(source=partner_file, partner_id=folder.name, unchanged=True))
            else:
                todo.append((partner_file, fingerprint))
        return done, todo

    def _finish(self) -> None:
        year = self.job.settings.fiscal_year or 0
        if self.every_partner:
            if self.prune:
                self.pruned = state.prune_partners(self.job.out, year, self.partner_files)
            else:
                self.stale = state.stale_partners(self.job.out, year, self.partner_files)
        if self.write_index:
            self.index = write_index(self.job.out, year)[0]


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
        except Exception:  # noqa: BLE001 (whatever it is, the partner's own build reports it; the others go on)
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


def select_shard(partner_files: Iterable[Path], shard: int, shards: int) -> list[Path]:
    """The `shard`-th of `shards` shares of the partners (1-based): every `shards`-th file by sorted name.

    Deterministic for a given set of files, so N machines given 1/N ... N/N build every partner
    exactly once between them.
    """
    if not 1 <= shard <= shards:
        raise ValueError(f"shard {shard}/{shards}: expected 1 <= K <= N")
    ordered = sorted(partner_files, key=lambda p: (p.name, str(p)))
    return [p for i, p in enumerate(ordered) if i % shards == shard - 1]


def rewrite_index(vendor_file: Path | str, settings: Settings, out: Path | str) -> list[Path]:
    """Write the index of the year the settings plan (e.g. after every `--shard` run); returns its files."""
    return write_index(out, planned_year(load_vendor(vendor_file), settings))


def build(partner_files: Iterable[Path], vendor_file: Path | str, settings: Settings, out: Path | str, *,
          documents: tuple[str, ...] = (), jobs: int | None = None, force: bool = False, sign: Signer | None = None,
          every_partner: bool = False, prune: bool = False, index: bool = True) -> Run:
    """A run of the pipeline: every document of each partner's kit, or only `documents` (e.g. ("memo",)),
    into OUT/FY<year>/<partner-id>/. Iterate the Run for each partner's result; the index is written
    when it ends. `every_partner`: the files are all the profiles there are, so folders that no
    profile owns are named (`Run.stale`), or removed with `prune`. The vendor profile, template
    folders and output folder are checked before this returns."""
    vendor = load_vendor(vendor_file)
    settings = settings.replace(fiscal_year=planned_year(vendor, settings))
    return Run(partner_files, kit_job(vendor, settings, Path(out), documents), jobs=jobs, force=force, sign=sign,
               every_partner=every_partner, prune=prune, index=index)
