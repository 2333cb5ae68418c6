"""Running the pipeline for many partners: in this process, or in worker processes that each build
their theme once; a worker that dies fails only the partners it had not finished."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Iterator

import jinja2

from ..documents import documents
from ..documents.theme import Theme, theme_for
from ..errors import WorkshopError
from ..rules import rule_packs
from .pipeline import Job, PartnerResult, Signer, build_partner

log = logging.getLogger(__name__)

# One theme per worker process, built by the pool's initializer and reused for every document.
_worker_theme: Theme | None = None


def usable_cpus() -> int:
    """CPUs this process may run on: its affinity mask (taskset, a container's cpuset), not the host's count."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):  # Linux
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def warm_theme(theme: Theme) -> Theme:
    """Do the expensive, reusable part of rendering now: WeasyPrint, the stylesheet, the Jinja2 templates.

    Problems are left for the documents to report, so each partner's failure names its cause.
    """
    try:
        import weasyprint  # noqa: F401  (the import alone takes a good part of a second)

        theme.stylesheet
        for doc in documents():
            theme.environment.get_template(doc.template)
    except (WorkshopError, jinja2.TemplateError, OSError) as exc:
        log.debug("theme not warmed: %s", exc)
    return theme


def warm_process(job: Job, theme: Theme) -> Theme:
    """`warm_theme`, and compile the rule packs every plan applies; problems are left for the partners to report."""
    try:
        rule_packs(job.settings.rule_paths)
    except (WorkshopError, OSError) as exc:
        log.debug("rule packs not compiled ahead: %s", exc)
    return warm_theme(theme)


def _process_context(job: Job, theme: Theme):
    # fork where there is one: a worker starts in milliseconds and needs no importable __main__
    # (spawn re-runs the caller's script, which breaks `python -c` and scripts without a
    # __main__ guard). The parent warms up first (WeasyPrint's import, the stylesheet, the
    # templates, the rule packs: about half a second of CPU), so forked workers start warm instead
    # of each paying it again, and a small batch costs about as much CPU in parallel as in one
    # process. Warming starts no threads (tests/test_kit.py checks), so forking stays safe.
    if "fork" in multiprocessing.get_all_start_methods():
        warm_process(job, theme)
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


PARENT_CHECK_SECONDS = 0.5


def _exit_with_parent(parent: int) -> None:
    """Stop this worker once the process that started it is gone.

    A run killed with `kill -9` cannot shut its pool down, and its workers would wait for work for
    ever: each holds the task queue open for the others. Polling is portable and, unlike Linux's
    PR_SET_PDEATHSIG, does not depend on which thread of the parent started the worker."""
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(job: Job, levels: dict[str, int], parent: int) -> None:
    global _worker_theme
    if os.getppid() != parent:  # the run was killed while this worker started
        os._exit(1)
    threading.Thread(target=_exit_with_parent, args=(parent,), name="exit-with-parent", daemon=True).start()
    # Spawned workers start with default logging; keep the parent's verbosity (forked ones have it).
    logging.basicConfig(level=levels.pop("", logging.WARNING), format="%(levelname)s %(name)s: %(message)s")
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    _worker_theme = warm_process(job, theme_for(job.settings))


def _build_in_worker(partner_file: Path, job: Job, fingerprint: str) -> PartnerResult:
    assert _worker_theme is not None, "the pool initializer builds the theme"
    return build_partner(partner_file, job, fingerprint=fingerprint, theme=_worker_theme)


def build_all(todo: list[tuple[Path, str]], job: Job, theme: Theme, jobs: int,
              sign: Signer | None = None) -> Iterator[PartnerResult]:
    """Build each (profile, fingerprint) of `todo`; results as partners finish. A signer keeps the
    run in this process (the key never leaves it)."""
    if not todo:
        return  # nothing to render: not even WeasyPrint's import (a second) is paid on a no-op rerun
    workers = 1 if sign is not None else min(jobs, len(todo))
    if workers == 1:
        warm_process(job, theme)
        for partner_file, fingerprint in todo:
            yield build_partner(partner_file, job, fingerprint=fingerprint, theme=theme, sign=sign)
        return
    levels = {name: logging.getLogger(name).level for name in ("workshop", "weasyprint", "fontTools")}
    levels[""] = logging.getLogger().level
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_process_context(job, theme),
                               initializer=_init_worker, initargs=(job, levels, os.getpid()))
    try:
        pending: dict[Future, Path] = {pool.submit(_build_in_worker, f, job, fp): f for f, fp in todo}
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
