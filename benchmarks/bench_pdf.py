"""Benchmark: what one memo PDF costs, against WeasyPrint's layout alone and against the docxtpl + LibreOffice pipeline.

Prints its figures; it is not a test. Run from the top of the checkout:

    python benchmarks/bench_pdf.py [--runs 20] [--peer-docs 20[,50,...]]

Figures:
  * ours: render_html + html_to_pdf for the one-page memo, median per document (target: within
    2x of layout);
  * layout: WeasyPrint's HTML(...).render() for the same HTML and stylesheets, median;
  * write: the rest (drawing, font subsetting, PDF serialisation), i.e. ours - layout;
  * fontTools: ours again with WeasyPrint's HarfBuzz subsetter switched off, to show what
    libharfbuzz-subset0 saves (WeasyPrint falls back to fontTools without it);
  * peer: a Word template of the same memo (same text, table, list, signature block, header and
    footer, same styles), filled with docxtpl and converted to PDF by LibreOffice headless in one
    batch (`soffice --convert-to pdf a.docx b.docx ...`), per document (target: ours >= 3x
    faster). LibreOffice's start-up is spread over the batch, so its cost per document falls as
    the batch grows: give several sizes (`--peer-docs 10,20,50`) to see how far. Needs `soffice`
    on PATH and docxtpl, which is not a runtime dependency: `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import peer  # noqa: E402  (benchmarks/peer.py)
from bench_stages import median_time  # noqa: E402
import workshop  # noqa: E402
from workshop.documents.html import render_html  # noqa: E402
from workshop.writers.pdf import _page_css, html_to_pdf  # noqa: E402


def median_seconds(func, runs: int) -> float:
    func()  # warm: first-use caches (fonts, Pango) are not what a batch pays per document
    return median_time(func, runs, time.perf_counter)


def sample_plan() -> workshop.Plan:
    examples = ROOT / "partner_profiles"
    vendor = workshop.load_vendor(examples / "vendor.yaml")
    partner = workshop.load_profile(examples / "rheinwerk.yaml")
    return workshop.plan_partnership(vendor, partner, as_of=date(2026, 11, 26))


def ours(plan: workshop.Plan, runs: int) -> dict[str, float]:
    from weasyprint import HTML
    import weasyprint.pdf.fonts as pdf_fonts

    theme = workshop.Theme()
    html = render_html(plan, "memo", theme)  # the built-in theme, as every figure here uses
    base = str(theme.search_path[-1]) + "/"

    def layout():
        HTML(string=html, base_url=base, url_fetcher=theme.url_fetcher).render(
            stylesheets=[theme.stylesheet, _page_css("a4")], font_config=theme.font_config)

    def document():
        html_to_pdf(render_html(plan, "memo", theme), theme)

    figures = {"layout": median_seconds(layout, runs), "ours": median_seconds(document, runs)}
    figures["hb_subset"] = pdf_fonts.harfbuzz_subset is not None
    if pdf_fonts.harfbuzz_subset is not None:
        import logging
        import warnings

        saved = pdf_fonts.harfbuzz_subset
        pdf_fonts.harfbuzz_subset = None
        logging.getLogger("weasyprint").setLevel(logging.ERROR)  # it warns per font when falling back
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                figures["fonttools"] = median_seconds(document, max(5, runs // 4))
        finally:
            pdf_fonts.harfbuzz_subset = saved
    return figures


def peer_memos(plan: workshop.Plan, docs: int) -> dict[str, float] | None:
    """The memo filled `docs` times and converted by LibreOffice in one batch (benchmarks/peer.py); seconds per document."""
    why_not = peer.missing()
    if why_not:
        print(f"peer pipeline: skipped, {why_not}")
        return None
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
        folder = Path(tmp)
        template = peer.make_templates(folder / "templates", "a4")["memo"]
        office = peer.LibreOffice(folder, peer.fill(template, "memo", plan, folder / "warm.docx"))
        start = time.perf_counter()
        files = [peer.fill(template, "memo", plan, folder / f"memo-{i:03d}.docx") for i in range(docs)]
        fill = time.perf_counter() - start
        convert = office.convert(files, folder / "pdf").wall
    return {"fill": fill / docs, "convert": convert / docs, "peer": (fill + convert) / docs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per figure (median is printed)")
    parser.add_argument("--peer-docs", default="20",
                        help="documents in the LibreOffice batch; a comma-separated list runs one batch of each size")
    args = parser.parse_args()
    import weasyprint

    plan = sample_plan()
    figures = ours(plan, args.runs)
    ms = lambda seconds: f"{seconds * 1000:7.1f} ms"  # noqa: E731
    print(f"WeasyPrint {weasyprint.__version__}, HarfBuzz subsetter: {'yes' if figures['hb_subset'] else 'no'}, "
          f"median of {args.runs} runs, one-page memo (A4)")
    print(f"  layout only (HTML.render)           {ms(figures['layout'])}")
    print(f"  ours: template + layout + PDF        {ms(figures['ours'])}")
    print(f"  of which drawing/subsetting/writing  {ms(figures['ours'] - figures['layout'])}")
    ratio = figures["ours"] / figures["layout"]
    print(f"  ratio ours / layout                  {ratio:7.2f}x   (target <= 2x: {'met' if ratio <= 2 else 'NOT met'})")
    if "fonttools" in figures:
        print(f"  ours with fontTools subsetting       {ms(figures['fonttools'])}   "
              f"({figures['fonttools'] / figures['layout']:.2f}x layout; what a machine without libharfbuzz-subset0 pays)")
    for batch in (int(size) for size in args.peer_docs.split(",")):
        result = peer_memos(plan, batch)
        if not result:
            break
        print(f"docxtpl + LibreOffice headless, one batch of {batch} documents, per document")
        print(f"  docxtpl fill                         {ms(result['fill'])}")
        print(f"  soffice --convert-to pdf             {ms(result['convert'])}")
        print(f"  total                                {ms(result['peer'])}")
        speedup = result["peer"] / figures["ours"]
        print(f"  ours is {speedup:.1f}x faster            (target >= 3x: {'met' if speedup >= 3 else 'NOT met'})")


if __name__ == "__main__":
    main()
