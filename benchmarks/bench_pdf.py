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
from workshop.documents.html import render_html  # noqa: E402
from workshop.writers.pdf import _page_css, html_to_pdf  # noqa: E402


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


def make_word_template(path: Path) -> None:
    """A Word template of our memo with docxtpl tags, as a user would write one in Word.

    Like for like: it starts from the theme's reference.docx (the styles our DOCX uses) and holds
    what our memo holds: running header, footer with page X of Y, title, subtitle, the parties
    paragraph, the periods table with days, the commitments list with bold leads, the review cadence
    and a two-column signature block.
    """
    import docx
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Mm

    from workshop.writers.docx import _add_field

    document = docx.Document(str(workshop.Theme().reference_docx))
    body = document.element.body
    for child in list(body)[:-1]:  # keep only the section properties
        body.remove(child)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    text_width = section.page_width - section.left_margin - section.right_margin
    header = section.header.paragraphs[0]
    header.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    header.style = document.styles["Header"]
    header.add_run("{{ vendor }}").bold = True
    header.add_run("\tMutual Operating Period Agreement")
    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
    footer.style = document.styles["Footer"]
    footer.add_run("Confidential · FY{{ year }} · prepared {{ prepared }}\tPage ")
    _add_field(footer, "PAGE")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES")

    document.add_paragraph("Mutual Operating Period Agreement", style="Title")
    document.add_paragraph("DRAFT {{ vendor }} and {{ partner }} · FY{{ year }} · prepared {{ prepared }}",
                           style="Subtitle")
    parties = document.add_paragraph()
    parties.add_run("{{ vendor }}").bold = True
    parties.add_run(" (“the Vendor”) and ")
    parties.add_run("{{ partner }}").bold = True
    parties.add_run(" (“the Partner”) agree to run their joint business for the Vendor’s fiscal year "
                    "{{ year }} ({{ start }} to {{ end }}) on the Mutual Operating Period (MOP) below, so "
                    "that pipeline reviews, commit dates and joint plans follow one calendar both sides "
                    "recognise.")
    document.add_paragraph("Mutual Operating Period: {{ option_title }}", style="Heading 1")
    document.add_paragraph("{{ rationale }}")
    table = document.add_table(rows=4, cols=4)
    table.style = document.styles["Workshop Table"]
    for cell, text in zip(table.rows[0].cells, ("Period", "Starts", "Ends", "Days")):
        cell.paragraphs[0].text, cell.paragraphs[0].style = text, document.styles["Table Heading"]
    table.rows[1].cells[0].text = "{%tr for p in periods %}"
    for cell, text in zip(table.rows[2].cells, ("{{ p.name }}", "{{ p.start }}", "{{ p.end }}", "{{ p.days }}")):
        cell.paragraphs[0].text, cell.paragraphs[0].style = text, document.styles["Table Text"]
    table.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("Commitments and review", style="Heading 1")
    document.add_paragraph("{%p for c in commitments %}")
    item = document.add_paragraph(style="List Bullet")
    item.add_run("{{ c.party }}").bold = True
    item.add_run(" will {{ c.text }}")
    document.add_paragraph("{%p endfor %}")
    cadence = document.add_paragraph(style="List Bullet")
    cadence.add_run("Review cadence:").bold = True
    cadence.add_run(" {{ cadence }}")
    document.add_paragraph("Signatures", style="Heading 1")
    signatures = document.add_table(rows=1, cols=2)
    for cell, side in zip(signatures.rows[0].cells, ("vendor", "partner")):
        cell.paragraphs[0].text = "For {{ %s }}" % side
        cell.paragraphs[0].style = document.styles["Signature Party"]
        cell.add_paragraph("{%%p for s in %s_signatories %%}" % side)
        cell.add_paragraph("Signature · {{ s }} · date ____________", style="Signature Line")
        cell.add_paragraph("{%p endfor %}")
    document.save(path)


def peer_context(plan: workshop.Plan) -> dict:
    """What the Word template is filled with: the same text our memo prints."""
    from workshop.formatting import long_date as longdate

    option = plan.memo_option
    parties = {"vendor": "The Vendor", "partner": "The Partner", "both": "Both parties"}
    signatory = lambda s: f"{s.name}, {s.title}" if s.title else s.name  # noqa: E731
    return {
        "partner": plan.partner.name, "vendor": plan.vendor.name, "year": plan.fiscal_year,
        "prepared": longdate(plan.as_of),
        "start": longdate(plan.facts.vendor_year_start), "end": longdate(plan.facts.vendor_year_end),
        "option_title": option.title, "rationale": option.rationale, "cadence": plan.review_cadence,
        "periods": [{"name": p.name, "start": longdate(p.start), "end": longdate(p.end),
                     "days": (p.end - p.start).days + 1} for p in option.periods],
        "commitments": [{"party": parties[c.party], "text": c.text[0].lower() + c.text[1:]}
                        for c in plan.commitments],
        "vendor_signatories": [signatory(s) for s in plan.vendor.signatories],
        "partner_signatories": [signatory(s) for s in plan.partner.signatories],
    }


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
    context = peer_context(plan)
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
        result = peer(plan, batch)
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
