"""Benchmark: what each stage of one partner's kit costs in a warm process, against WeasyPrint's layout alone.

Prints its figures; it is not a test. Run from the top of the checkout:

    python benchmarks/bench_stages.py            # every example partner, median of 3 runs each
    python benchmarks/bench_stages.py --quick    # median of 1 run after the warm-up: under a minute
    python benchmarks/bench_stages.py --each     # also a line per partner

For every partner in partner_profiles/, in one process that has already built one kit (imports,
theme, fonts and rule packs warm, as in a batch), each stage is timed on its own and the median of
--runs is kept:
  * plan: plan_partnership;
  * HTML: each document's template (the briefing's includes drawing its year chart, also shown alone);
  * layout: WeasyPrint's HTML(...).render() of that HTML with the theme's stylesheets, as
    benchmarks/bench_pdf.py does: the floor a PDF of this look cannot go below;
  * PDF: the PDF writer on that HTML (layout again, drawing, font subsetting, writing);
  * DOCX: the Word writer on that HTML;
  * plan files: plan.json and mop.ics;
  * kit: build_partner, everything a kit does for the partner (read the profile, plan, render, write
    nine files atomically, record the build), which is what the ratio to the layout floor is about.
Figures are CPU time of this process (time.process_time), so other work on a shared machine does not
inflate them; the kit adds the wall time of its file writes (fsync) on the line below it. The
figures printed are the median over partners of each partner's median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import workshop  # noqa: E402
from workshop.documents.chart import year_chart_png  # noqa: E402
from workshop.documents.html import render_html  # noqa: E402
from workshop.kits.pipeline import build_partner, kit_job  # noqa: E402
from workshop.kits.pool import warm_process  # noqa: E402
from workshop.plan import planned_year  # noqa: E402
from workshop.writers import RenderJob, document_writer, plan_writers  # noqa: E402
from workshop.writers.pdf import _page_css  # noqa: E402

EXAMPLES = ROOT / "partner_profiles"
AS_OF = date(2026, 11, 26)

# Issue 18's targets, per partner.
KIT_PER_LAYOUT = 1.3
PLAN_MS = 25
DOCX_SHARE_OF_PDF = 0.25
HTML_MS = 20


def median_time(func: Callable[[], object], runs: int, clock: Callable[[], float] = time.process_time) -> float:
    """Median seconds of `runs` calls by `clock`: CPU time of this process unless told otherwise."""
    times = []
    for _ in range(runs):
        start = clock()
        func()
        times.append(clock() - start)
    return statistics.median(times)


@dataclass
class Figures:
    """One partner's stage times in seconds (per document where a stage is per document)."""

    partner: str
    plan: float = 0.0
    chart: float = 0.0
    plan_files: float = 0.0
    kit: float = 0.0
    kit_wall: float = 0.0
    html: dict[str, float] = field(default_factory=dict)
    layout: dict[str, float] = field(default_factory=dict)
    pdf: dict[str, float] = field(default_factory=dict)
    docx: dict[str, float] = field(default_factory=dict)

    @property
    def stages(self) -> float:
        """The stages a kit runs, added up (everything but reading the profile and writing files)."""
        return (self.plan + self.plan_files + sum(self.html.values()) + sum(self.pdf.values())
                + sum(self.docx.values()))


class Bench:
    """The example partners and a warm process to time their stages in."""

    def __init__(self, out: Path, examples: Path = EXAMPLES):
        vendor_file = examples / "vendor.yaml"
        self.vendor = workshop.load_vendor(vendor_file)
        settings = workshop.load_settings(vendor_file, as_of=AS_OF)
        self.settings = settings.replace(fiscal_year=planned_year(self.vendor, settings))
        self.theme = workshop.theme_for(self.settings)
        self.partner_files = workshop.profile_files(examples)
        self.job = kit_job(self.vendor, self.settings, out)
        self.documents = [doc.name for doc in workshop.documents()]
        warm_process(self.job, self.theme)
        self.kit(self.partner_files[0])  # first-use caches (fonts, Pango, Babel) are not a per-partner cost

    def kit(self, partner_file: Path) -> None:
        result = build_partner(partner_file, self.job, fingerprint="bench", theme=self.theme)
        if not result.ok:
            raise SystemExit(f"{partner_file}: {result.error}")

    def layout(self, html: str):
        from weasyprint import HTML

        base = str(self.theme.search_path[-1]) + "/"
        return HTML(string=html, base_url=base, url_fetcher=self.theme.url_fetcher).render(
            stylesheets=[self.theme.stylesheet, _page_css(self.settings.paper)], font_config=self.theme.font_config)

    def measure(self, partner_file: Path, runs: int) -> Figures:
        partner = workshop.load_profile(partner_file)
        figures = Figures(partner.id)
        plan = workshop.plan_partnership(self.vendor, partner, self.settings)
        figures.plan = median_time(lambda: workshop.plan_partnership(self.vendor, partner, self.settings), runs)
        figures.chart = median_time(lambda: year_chart_png(plan), runs)
        job = RenderJob(plan, self.settings, self.theme)
        for name in self.documents:
            html = render_html(plan, name, self.theme)
            figures.html[name] = median_time(lambda: render_html(plan, name, self.theme), runs)
            figures.layout[name] = median_time(lambda: self.layout(html), runs)
            figures.pdf[name] = median_time(lambda: document_writer("pdf").render(html, job), runs)
            figures.docx[name] = median_time(lambda: document_writer("docx").render(html, job), runs)
        figures.plan_files = median_time(lambda: [w.render(plan, self.settings) for w in plan_writers()], runs)
        figures.kit = median_time(lambda: self.kit(partner_file), runs)
        figures.kit_wall = median_time(lambda: self.kit(partner_file), runs, time.perf_counter)
        return figures


def median_of(rows: list[Figures], value: Callable[[Figures], float]) -> float:
    return statistics.median(value(row) for row in rows)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(rows: list[Figures], documents: list[str], runs: int, *, each: bool = False) -> list[str]:
    """The stage table and the targets, as lines."""
    ms = lambda seconds: f"{seconds * 1000:7.1f}"  # noqa: E731
    per_doc = lambda attr, name: median_of(rows, lambda r: getattr(r, attr)[name])  # noqa: E731
    total = lambda attr: median_of(rows, lambda r: sum(getattr(r, attr).values()))  # noqa: E731
    html_ms, layout_ms, pdf_ms, docx_ms = total("html"), total("layout"), total("pdf"), total("docx")
    plan_ms, kit_ms = median_of(rows, lambda r: r.plan), median_of(rows, lambda r: r.kit)
    kit_ratio = median_of(rows, lambda r: r.kit / sum(r.layout.values()))
    stages_ratio = median_of(rows, lambda r: r.stages / sum(r.layout.values()))
    docx_share = median_of(rows, lambda r: sum(r.docx.values()) / sum(r.pdf.values()))
    head = "".join(f"{name:>10}" for name in documents)
    lines = [
        f"Stages per partner: CPU ms, median over {len(rows)} example partners of each one's median of {runs} "
        f"run(s), one warm process",
        f"  {'':28}{head}  all three   target",
        f"  {'HTML (briefing: with chart)':28}" + "".join(f"{ms(per_doc('html', n)):>10}" for n in documents)
        + f"  {ms(html_ms)}   <= {HTML_MS} ms: {verdict(html_ms * 1000 <= HTML_MS)}",
        f"  {'  of which the year chart':28}{ms(median_of(rows, lambda r: r.chart)):>10}",
        f"  {'layout only (the floor)':28}" + "".join(f"{ms(per_doc('layout', n)):>10}" for n in documents)
        + f"  {ms(layout_ms)}   lower at the same look: a CSS change, measured here",
        f"  {'PDF writer (incl. layout)':28}" + "".join(f"{ms(per_doc('pdf', n)):>10}" for n in documents)
        + f"  {ms(pdf_ms)}   = {pdf_ms / layout_ms:.2f}x layout",
        f"  {'DOCX writer':28}" + "".join(f"{ms(per_doc('docx', n)):>10}" for n in documents)
        + f"  {ms(docx_ms)}   <= {DOCX_SHARE_OF_PDF:.0%} of PDF: {docx_share:.0%}, {verdict(docx_share <= DOCX_SHARE_OF_PDF)}",
        f"  {'plan':28}{'':{10 * len(documents)}}  {ms(plan_ms)}   <= {PLAN_MS} ms: {verdict(plan_ms * 1000 <= PLAN_MS)}",
        f"  {'plan.json + mop.ics':28}{'':{10 * len(documents)}}  {ms(median_of(rows, lambda r: r.plan_files))}",
        f"  {'stages added up':28}{'':{10 * len(documents)}}  {ms(median_of(rows, lambda r: r.stages))}"
        f"   = {stages_ratio:.2f}x the layout floor",
        f"  {'kit (build_partner)':28}{'':{10 * len(documents)}}  {ms(kit_ms)}"
        f"   = {kit_ratio:.2f}x the layout floor (target <= {KIT_PER_LAYOUT}x: {verdict(kit_ratio <= KIT_PER_LAYOUT)})",
        f"  {'  wall, with file writes':28}{'':{10 * len(documents)}}  {ms(median_of(rows, lambda r: r.kit_wall))}",
    ]
    if each:
        lines.append(f"  per partner (CPU ms): {'plan':>6} {'HTML':>6} {'layout':>7} {'PDF':>6} {'DOCX':>6} {'kit':>6}  kit/layout")
        for r in rows:
            layout = sum(r.layout.values())
            lines.append(f"    {r.partner:18} {ms(r.plan):>6} {ms(sum(r.html.values())):>6} {ms(layout):>7} "
                         f"{ms(sum(r.pdf.values())):>6} {ms(sum(r.docx.values())):>6} {ms(r.kit):>6}  {r.kit / layout:.2f}x")
    return lines


def stage_figures(runs: int) -> tuple[list[Figures], list[str]]:
    """Every example partner's figures, and the document names in kit order."""
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as out:
        bench = Bench(Path(out))
        return [bench.measure(partner_file, runs) for partner_file in bench.partner_files], bench.documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="timed runs per stage and partner [default: 3, --quick: 1]")
    parser.add_argument("--quick", action="store_true", help="one timed run per stage")
    parser.add_argument("--each", action="store_true", help="also print a line per partner")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    import weasyprint
    import weasyprint.pdf.fonts as pdf_fonts

    print(f"WeasyPrint {weasyprint.__version__}, HarfBuzz subsetter: "
          f"{'yes' if pdf_fonts.harfbuzz_subset is not None else 'no (fontTools: PDFs are much slower)'}")
    rows, documents = stage_figures(runs)
    print("\n".join(report(rows, documents, runs, each=args.each)))


if __name__ == "__main__":
    main()
