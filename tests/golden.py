"""Golden files: the rendered HTML and word/document.xml of every document for two example partners.

They are stable intermediates (never the .docx zip bytes); `python tools/update_golden.py` rewrites them.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import workshop

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
GOLDEN_PARTNERS = ("rheinwerk", "sakura")
AS_OF = date(2026, 11, 26)


def _short_images(html: str) -> str:
    # The chart is a base64 PNG whose pixels depend on the Pillow and FreeType builds; the golden
    # file keeps its place in the document, and tests/test_documents.py checks the picture itself.
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,...", html)


def _pretty_xml(xml: bytes) -> str:
    from lxml import etree

    return etree.tostring(etree.fromstring(xml), pretty_print=True, encoding="unicode")


def golden_outputs() -> dict[str, str]:
    """{relative file name: text} for every golden file."""
    examples = ROOT / "partner_profiles"
    vendor = workshop.load_vendor(examples / "vendor.yaml")
    settings = workshop.load_settings(examples / "vendor.yaml", as_of=AS_OF)
    theme = workshop.theme_for(settings)
    outputs = {}
    for partner_id in GOLDEN_PARTNERS:
        # As a kit writes them: the briefing in our language, the agenda and memo in the partner's.
        plans = workshop.plan_languages(vendor, workshop.load_profile(examples / f"{partner_id}.yaml"), settings)
        for document in (doc.name for doc in workshop.documents()):
            plan = plans.for_audience(workshop.document(document).audience)
            outputs[f"{partner_id}/{document}.html"] = _short_images(workshop.render_html(plan, document, theme))
            docx = workshop.render_document(plan, document, settings, formats=["docx"])["docx"]
            with zipfile.ZipFile(io.BytesIO(docx)) as archive:
                outputs[f"{partner_id}/{document}.document.xml"] = _pretty_xml(archive.read("word/document.xml"))
    return outputs
