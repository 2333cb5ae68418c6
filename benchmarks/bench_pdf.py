"""Benchmark: what one memo PDF costs, against WeasyPrint's layout alone and against the docxtpl + LibreOffice pipeline.

Prints its figures; it is not a test. Run from the top of the checkout:

    python benchmarks/bench_pdf.py [--runs 20] [--peer-docs 20]

Figures:
  * ours: render_html + html_to_pdf for the one-page memo, median per document (target: within
    2x of layout);
  * layout: WeasyPrint's HTML(...).render() for the same HTML and stylesheets, median;
  * write: the rest (drawing, font subsetting, PDF serialisation), i.e. ours - layout;
  * fontTools: ours again with WeasyPrint's HarfBuzz subsetter switched off, to show what
    libharfbuzz-subset0 saves (WeasyPrint falls back to fontTools without it);
  * peer: a Word template filled with docxtpl, converted to PDF by LibreOffice headless in one
    batch (`soffice --convert-to pdf a.docx b.docx ...`), per document (target: ours >= 3x
    faster). Needs `soffice` on PATH and docxtpl, which is not a runtime dependency:
    `pip install docxtpl` or `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import workshop  # noqa: E402
from workshop.documents import _page_css, html_to_pdf, render_html  # noqa: E402


def median_seconds(func, runs: int) -> float:
    func()  # warm: first-use caches (fonts, Pango) are not what a batch pays per document
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sample_plan() -> workshop.Plan:
    examples = ROOT / "partner_profiles"
    vendor = workshop.load_vendor(examples / "vendor.yaml")
    partner = workshop.load_profile(examples / "rheinwerk.yaml")
    return workshop.plan_partnership(vendor, partner, as_of=date(2026, 11, 26))


def ours(plan: workshop.Plan, runs: int) -> dict[str, float]:
    from weasyprint import HTML
    import weasyprint.pdf.fonts as pdf_fonts

    theme = workshop.Theme()
    html = render_html(plan, "memo", theme)
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


def make_word_template(path: Path) -> None:
    """A Word template of the memo's content with docxtpl tags, as a user would write one in Word."""
    import docx

    document = docx.Document()
    document.add_heading("Mutual Operating Period Agreement", 0)
    document.add_paragraph("{{ partner }} and {{ vendor }}: vendor fiscal year {{ year }} ({{ start }} to {{ end }})")
    document.add_heading("Recommended operating periods", 1)
    document.add_paragraph("{{ recommendation }}")
    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    header = table.rows[0].cells
    header[0].text, header[1].text, header[2].text = "Period", "Start", "End"
    table.rows[1].cells[0].text = "{%tr for p in periods %}"
    row = table.rows[2].cells
    row[0].text, row[1].text, row[2].text = "{{ p.name }}", "{{ p.start }}", "{{ p.end }}{%tr endfor %}"
    document.add_heading("Quarter ends", 1)
    document.add_paragraph("{% for q in pairs %}{{ q.vendor_quarter }} {{ q.vendor_end }} / "
                           "{{ q.partner_quarter }} {{ q.partner_end }} ({{ q.offset_days }} days)\n{% endfor %}")
    document.add_heading("Review", 1)
    document.add_paragraph("{{ cadence }}")
    document.add_paragraph("Signed for {{ vendor }}: ______________________    "
                           "Signed for {{ partner }}: ______________________")
    document.save(path)


def peer(plan: workshop.Plan, docs: int) -> dict[str, float] | None:
    soffice = shutil.which("soffice")
    try:
        from docxtpl import DocxTemplate
    except ImportError:
        print("peer pipeline: skipped (pip install docxtpl, or pip install -e '.[bench]')")
        return None
    if soffice is None:
        print("peer pipeline: skipped (soffice not on PATH)")
        return None
    option = plan.recommended_option
    context = {
        "partner": plan.partner.name, "vendor": plan.vendor.name, "year": plan.fiscal_year,
        "start": plan.facts.vendor_year_start, "end": plan.facts.vendor_year_end,
        "recommendation": plan.recommendation, "cadence": plan.review_cadence,
        "periods": [p.model_dump() for p in option.periods],
        "pairs": [p.model_dump() for p in plan.facts.quarter_pairs],
    }
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
        folder = Path(tmp)
        template = folder / "memo-template.docx"
        make_word_template(template)
        profile = folder / "lo-profile"
        command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(folder / "pdf")]
        # LibreOffice's first start creates its profile; users' batch runs start from an existing one.
        warm = folder / "warm.docx"
        doc = DocxTemplate(template)
        doc.render(context)
        doc.save(warm)
        subprocess.run(command + [str(warm)], check=True, capture_output=True)

        start = time.perf_counter()
        files = []
        for i in range(docs):
            doc = DocxTemplate(template)
            doc.render(context)
            files.append(folder / f"memo-{i:03d}.docx")
            doc.save(files[-1])
        fill = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run(command + [str(f) for f in files], check=True, capture_output=True)
        convert = time.perf_counter() - start
        made = len(list((folder / "pdf").glob("memo-*.pdf")))
        if made != docs:
            print(f"peer pipeline: LibreOffice wrote {made} of {docs} PDFs")
    return {"fill": fill / docs, "convert": convert / docs, "peer": (fill + convert) / docs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per figure (median is printed)")
    parser.add_argument("--peer-docs", type=int, default=20, help="documents in the LibreOffice batch")
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
    result = peer(plan, args.peer_docs)
    if result:
        print(f"docxtpl + LibreOffice headless, one batch of {args.peer_docs} documents, per document")
        print(f"  docxtpl fill                         {ms(result['fill'])}")
        print(f"  soffice --convert-to pdf             {ms(result['convert'])}")
        print(f"  total                                {ms(result['peer'])}")
        speedup = result["peer"] / figures["ours"]
        print(f"  ours is {speedup:.1f}x faster            (target >= 3x: {'met' if speedup >= 3 else 'NOT met'})")


if __name__ == "__main__":
    main()
