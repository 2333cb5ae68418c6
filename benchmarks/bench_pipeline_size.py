"""Benchmark: a partner with a long pipeline (thousands of deals, as a CRM import brings).

Prints its figures; it is not a test. Run from the top of the checkout:

    python benchmarks/bench_pipeline_size.py [--deals 100,1000,9000] [--runs 3]

For each size, a copy of the example partner Sakura gets that many deals (fixed seed, closing over
two years, a few large), then:
  * plan: plan_partnership, median seconds, and how many findings and questions it made (rules with
    `each` give at most `limit` findings each and sum up the rest in one, so these stay short);
  * briefing: the briefing PDF (it lists the largest 25 deals and sums up the others), median seconds
    and pages;
  * per 1,000 deals: the plan's time per thousand deals, to show it grows linearly.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import workshop  # noqa: E402
from workshop.writers.pdf import PDF_VARIANTS  # noqa: E402,F401  (loads the PDF writer)

AS_OF = date(2026, 11, 26)


def partner_with_deals(count: int) -> workshop.Profile:
    base = workshop.load_profile(ROOT / "partner_profiles" / "sakura.yaml")
    rng = random.Random(count)
    deals = [{"name": f"Deal {n:05d}", "amount": rng.choice([rng.randrange(1_000, 500_000), 40_000_000]),
              "currency": "JPY", "expected_close": (date(2027, 1, 1) + timedelta(days=rng.randrange(700))).isoformat()}
             for n in range(count)]
    data = base.model_dump(mode="json", exclude_none=True)
    data["deals"] = deals
    return workshop.Profile.model_validate(data)


def page_count(pdf: bytes) -> str:
    try:
        from pypdf import PdfReader  # a test extra: pip install -e '.[test]'
    except ImportError:
        return "-"
    return str(len(PdfReader(io.BytesIO(pdf)).pages))


def median_seconds(function, runs: int):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", default="100,1000,9000", help="comma-separated pipeline sizes")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    vendor = workshop.load_vendor(ROOT / "partner_profiles" / "vendor.yaml")
    settings = workshop.Settings(as_of=AS_OF)
    warm = workshop.plan_partnership(vendor, partner_with_deals(10), settings)  # rules compiled, fonts loaded
    workshop.render_document(warm, "briefing", settings, formats=("pdf",))
    print(f"{'deals':>6} {'plan s':>8} {'findings':>9} {'questions':>10} {'briefing s':>11} {'pages':>6} "
          f"{'plan s/1000':>12}")
    for count in (int(n) for n in args.deals.split(",")):
        partner = partner_with_deals(count)
        plan_time, plan = median_seconds(lambda: workshop.plan_partnership(vendor, partner, settings), args.runs)
        pdf_time, files = median_seconds(lambda: workshop.render_document(plan, "briefing", settings, formats=("pdf",)),
                                         args.runs)
        pages = page_count(files["pdf"])
        print(f"{count:>6} {plan_time:>8.3f} {len(plan.findings):>9} {len(plan.questions):>10} {pdf_time:>11.2f} "
              f"{pages:>6} {plan_time / count * 1000:>12.3f}")


if __name__ == "__main__":
    main()
