"""Benchmark: `workshop kit` on synthetic partners: parallel speed-up, incremental rerun, memory per worker.

Prints its figures; it is not a test. Run from the top of the checkout:

    python benchmarks/bench_kit.py                 # 200 partners, pdf+docx, RSS at 50 and 500
    python benchmarks/bench_kit.py --quick         # 60 partners, pdf only: a couple of minutes on 2 cores
    python benchmarks/bench_kit.py --partners 400 --formats pdf

Figures:
  * cold build with --jobs 1 and with --jobs 2, and the speed-up (target >= 1.8x);
  * a rerun with nothing changed, as a share of the --jobs 2 cold build (target < 2%);
  * peak RSS of the largest worker process building 50 and 500 partners with --jobs 2 (target:
    flat within 10%, i.e. no per-partner growth). Measured without any dependency: each run is a
    fresh process whose resource.getrusage(RUSAGE_CHILDREN).ru_maxrss is, on Linux, the peak RSS
    of its largest child, i.e. of the largest worker.
Each build runs in a fresh Python process, as the CLI would, so caches and imports are paid as a
user pays them (WeasyPrint's import is counted in every figure).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "partner_profiles"
AS_OF = date(2026, 11, 26)

PARTNER = """\
name: Synthetic Partner {n:04d} {suffix}
fiscal_calendar: {{type: monthly, first_month: {first_month}, naming: {naming}}}
region: {region}
urgency_window_weeks: {weeks}
planning: {{annual_planning_month: {planning}}}
blackouts:
  - {{name: Year-end closure, start: "12-2{blackout}", end: "01-02"}}
contacts:
  - {{name: Alex Example {n}, title: Managing Director, signatory: true}}
  - {{name: Sam Example {n}, title: Channel Lead}}
deals:
  - {{name: Deal {n}, amount: {amount}, currency: EUR, expected_close: 2027-0{month}-15}}
"""


def make_profiles(folder: Path, count: int) -> Path:
    """`count` partners with varied calendars, plus the example vendor; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLES / "vendor.yaml", folder / "vendor.yaml")
    regions = ("EMEA", "APJ", "Americas")
    for n in range(count):
        (folder / f"partner-{n:04d}.yaml").write_text(PARTNER.format(
            n=n, suffix=("GmbH", "K.K.", "Inc.", "Pty Ltd", "SAS")[n % 5], first_month=n % 12 + 1,
            naming=("end", "start")[n % 2], region=regions[n % 3], weeks=n % 4 + 1, planning=(n * 7) % 12 + 1,
            blackout=n % 7 + 1, amount=10000 * (n % 50 + 1), month=n % 9 + 1,
        ), encoding="utf-8")
    return folder


def run_build(profiles: Path, out: Path, jobs: int, formats: str) -> dict:
    """One `kit --all` in a fresh process; its time, counts and its largest worker's peak RSS."""
    command = [sys.executable, __file__, "--child", str(profiles), str(out), str(jobs), formats]
    completed = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def child(profiles: Path, out: Path, jobs: int, formats: str) -> None:
    sys.path.insert(0, str(ROOT))
    start = time.perf_counter()
    import workshop

    vendor_file = profiles / "vendor.yaml"
    settings = workshop.load_settings(vendor_file, as_of=AS_OF, formats=formats.split(","))
    run = workshop.build(workshop.profile_files(profiles), vendor_file, settings, out, jobs=jobs)
    results = list(run)  # the index is written when the run ends
    seconds = time.perf_counter() - start
    statuses = [r.status for r in results]
    print(json.dumps({
        "seconds": seconds,
        "built": statuses.count("built"), "unchanged": statuses.count("unchanged"), "failed": statuses.count("failed"),
        "worker_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "self_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def _spin(_: int) -> int:
    total = 0
    for i in range(3_000_000):
        total += i * i
    return total


def machine_scaling() -> float:
    """How much faster two processes run pure-Python work than one, here and now: the ceiling for --jobs 2.

    Virtual machines often give less than 2x (shared or throttled cores), so the kit's speed-up is
    best read against this figure.
    """
    import multiprocessing

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    seconds = {1: float("inf"), 2: float("inf")}
    for _ in range(3):  # best of three: a virtual machine's cores come and go
        for processes in (1, 2):
            start = time.perf_counter()
            with context.Pool(processes) as pool:
                pool.map(_spin, range(8))
            seconds[processes] = min(seconds[processes], time.perf_counter() - start)
    return seconds[1] / seconds[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, help="partners in the speed runs [default: 200, --quick: 60]")
    parser.add_argument("--formats", help="document formats [default: pdf,docx, --quick: pdf]")
    parser.add_argument("--rss-sizes", default="50,500", help="partner counts for the memory runs")
    parser.add_argument("--quick", action="store_true", help="fewer partners and PDF only")
    parser.add_argument("--repeat", type=int, default=1, help="cold builds per --jobs value; the fastest counts")
    parser.add_argument("--child", nargs=4, metavar=("PROFILES", "OUT", "JOBS", "FORMATS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        profiles, out, jobs, formats = args.child
        child(Path(profiles), Path(out), int(jobs), formats)
        return
    partners = args.partners or (60 if args.quick else 200)
    formats = args.formats or ("pdf" if args.quick else "pdf,docx")
    print(f"{os.cpu_count()} CPUs, {partners} synthetic partners, formats {formats}, each build a fresh process")
    with tempfile.TemporaryDirectory(prefix="bench-kit-") as tmp:
        tmp = Path(tmp)
        profiles = make_profiles(tmp / "profiles", partners)
        print(f"  machine: 2 processes of pure Python run {machine_scaling():.2f}x faster than 1 (the ceiling)")

        def cold(jobs: int) -> dict:
            runs = []
            for attempt in range(args.repeat):
                shutil.rmtree(tmp / f"out-{jobs}", ignore_errors=True)
                runs.append(run_build(profiles, tmp / f"out-{jobs}", jobs, formats))
            return min(runs, key=lambda r: r["seconds"])

        one, two = cold(1), cold(2)
        again = run_build(profiles, tmp / "out-2", 2, formats)
        assert one["built"] == two["built"] == partners and again["unchanged"] == partners, (one, two, again)
        speedup = one["seconds"] / two["seconds"]
        share = again["seconds"] / two["seconds"]
        print(f"  cold --jobs 1     {one['seconds']:7.2f} s   ({one['seconds'] / partners * 1000:.0f} ms per partner)")
        print(f"  cold --jobs 2     {two['seconds']:7.2f} s   ({two['seconds'] / partners * 1000:.0f} ms per partner)")
        print(f"  speed-up          {speedup:7.2f}x   (target >= 1.8x: {'met' if speedup >= 1.8 else 'NOT met'})")
        print(f"  rerun, unchanged  {again['seconds']:7.2f} s   = {share:.1%} of cold --jobs 2 "
              f"(target < 2%: {'met' if share < 0.02 else 'NOT met'})")

        sizes = [int(n) for n in args.rss_sizes.split(",")]
        rss = {}
        for size in sizes:
            folder = make_profiles(tmp / f"profiles-{size}", size)
            measured = run_build(folder, tmp / f"out-rss-{size}", 2, "pdf")
            rss[size] = measured["worker_maxrss_mb"]
            print(f"  peak RSS of the largest worker, {size:4d} partners (pdf, --jobs 2): "
                  f"{rss[size]:6.1f} MB   (build {measured['seconds']:.1f} s, parent {measured['self_maxrss_mb']:.1f} MB)")
        growth = rss[sizes[-1]] / rss[sizes[0]] - 1
        print(f"  growth {sizes[0]} -> {sizes[-1]} partners: {growth:+.1%}   "
              f"(target within 10%: {'met' if abs(growth) <= 0.10 else 'NOT met'})")


if __name__ == "__main__":
    main()
