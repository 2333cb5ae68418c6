"""PDF: WeasyPrint lays out a document's HTML with the theme's stylesheet and the paper size, and
reports where the signature lines ended up so a signer can place its field there."""

from __future__ import annotations

from functools import cache

from ..documents.theme import Theme
from . import DocumentWriter, Output, RenderJob

PAPER_SIZES = {"a4": ("210mm", "297mm"), "letter": ("8.5in", "11in")}
PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2")
SIGNATURE_ATTRIBUTE = "data-signature"
"""Templates mark the line each side signs on with data-signature="vendor" (or "partner")."""
PT_PER_PX = 0.75  # CSS pixels are 1/96 in, PDF points 1/72 in


@cache
def _page_css(paper: str):
    """The page size as a stylesheet, parsed once per process for each paper size."""
    from weasyprint import CSS

    width, height = PAPER_SIZES[paper]
    return CSS(string=f"@page {{ size: {width} {height}; }}")


def _layout(html: str, theme: Theme, paper: str):
    from weasyprint import HTML

    base = str(theme.search_path[-1]) + "/"
    document = HTML(string=html, base_url=base, url_fetcher=theme.url_fetcher)
    options = {"pdf_variant": theme.pdf_variant} if theme.pdf_variant else {}
    rendered = document.render(stylesheets=[theme.stylesheet, _page_css(paper)], font_config=theme.font_config,
                               **options)
    return rendered, options


def html_to_pdf(html: str, theme: Theme, *, paper: str = "a4") -> Output:
    """Lay out HTML with the theme's stylesheet; the PDF and the boxes of its marked signature lines."""
    rendered, options = _layout(html, theme, paper)
    return Output(rendered.write_pdf(**options), signature_boxes(rendered))


def count_pdf_pages(html: str, theme: Theme, *, paper: str = "a4") -> int:
    """Pages the HTML lays out to, without writing a PDF."""
    return len(_layout(html, theme, paper)[0].pages)


def signature_boxes(rendered) -> dict[str, tuple[int, float, float, float, float]]:
    """{side: (page, x1, y1, x2, y2)} of the first line marked data-signature="<side>": its border box,
    in PDF points from the page's bottom-left corner."""
    boxes = {}
    for index, page in enumerate(rendered.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            side = element.get(SIGNATURE_ATTRIBUTE) if element is not None and hasattr(element, "get") else None
            if side and side not in boxes:
                x, y = box.border_box_x(), box.border_box_y()
                top, bottom = page.height - y, page.height - y - box.border_height()
                boxes[side] = (index, x * PT_PER_PX, bottom * PT_PER_PX, (x + box.border_width()) * PT_PER_PX,
                               top * PT_PER_PX)
    return boxes


def render(html: str, job: RenderJob) -> Output:
    return html_to_pdf(html, job.theme, paper=job.settings.paper)


WRITER = DocumentWriter("pdf", "PDF", render)
