"""Unusual partners: names in every script print with real glyphs in PDF and DOCX, and a partner
with hundreds of deals gives a briefing pack that paginates cleanly (when asked to list them all)."""

from __future__ import annotations

import io
import json
import re
import subprocess
from functools import lru_cache

import pytest
from pypdf import PdfReader

import workshop
from workshop.documents import theme as theme_module

from .conftest import AS_OF, docx_part, docx_text, normalise, pdf_text

DOCUMENTS = [doc.name for doc in workshop.documents()]

SCRIPTS = {
    "Japanese": "株式会社さくらデジタル",
    "Chinese": "上海云桥科技有限公司",
    "Korean": "서울클라우드 주식회사",
    "Arabic": "شركة الخليج للحلول الرقمية",  # right to left
    "Hebrew": "מערכות ענן ירושלים בע״מ",  # right to left
    "Greek": "Ψηφιακές Λύσεις Αιγαίου Α.Ε.",
    "Cyrillic": "ООО «Сибирские облачные системы»",
    "Latin": "Société d'Ingénierie Łódź Ærø Çağrı Nguyễn",
}

needs_cjk_font = pytest.mark.skipif(
    not subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True).stdout.strip(),
    reason="no Japanese/Chinese/Korean font installed; install Debian's fonts-noto-cjk (.ci/run does)")


@pytest.fixture(scope="module")
def world(vendor, settings, tmp_path_factory):
    """{document: {format: bytes}} for a partner whose names, contacts and deals use every script."""
    names = list(SCRIPTS.values())
    profile = {
        "name": f"{SCRIPTS['Japanese']} {SCRIPTS['Arabic']}",
        "fiscal_calendar": {"first_month": 4},
        "notes": " / ".join(names),
        "contacts": [{"name": name, "title": name, "signatory": index < 2} for index, name in enumerate(names)],
        "deals": [{"name": name, "amount": 1000 + index, "currency": "EUR", "expected_close": "2027-04-28"}
                  for index, name in enumerate(names)],
    }
    path = tmp_path_factory.mktemp("world") / "world.json"
    path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    plan = workshop.plan_partnership(vendor, workshop.load_profile(path), as_of=AS_OF)
    return {document: workshop.render_document(plan, document, settings) for document in DOCUMENTS}


# Every document shows the partner; the briefing all contacts, the agenda all attendees, the memo the signatories.
SHOWN = {"briefing": list(SCRIPTS.values()), "agenda": list(SCRIPTS.values()),
         "memo": [SCRIPTS["Japanese"], SCRIPTS["Chinese"], SCRIPTS["Arabic"]]}


@needs_cjk_font
@pytest.mark.parametrize("document", DOCUMENTS)
def test_unusual_scripts_survive_pdf_text_and_docx(world, document):
    # Right-to-left names come out of the PDF in logical order, as typed: the text was laid out
    # with the bidirectional algorithm, not drawn left to right letter by letter.
    pdf, docx = pdf_text(world[document]["pdf"]), docx_text(world[document]["docx"])
    for name in SHOWN[document]:
        assert normalise(name) in pdf, f"{name} is not in the {document} PDF text"
        assert normalise(name) in docx, f"{name} is not in the {document} DOCX text"


def drawn_characters(pdf: bytes) -> dict[str, set[str]]:
    """{font name: characters drawn with it}, read from each embedded font's ToUnicode map."""
    drawn: dict[str, set[str]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"]).split("+", 1)[-1]
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            assert "beginbfrange" not in cmap  # WeasyPrint writes one entry per glyph
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for target in re.findall(r"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", block):
                    drawn.setdefault(name, set()).update(bytes.fromhex(target).decode("utf-16-be"))
    return drawn


@lru_cache
def family_charsets() -> dict[str, set[int]]:
    """{family as PDFs name it (spaces as dashes): code points it has glyphs for}, from fontconfig."""
    listing = subprocess.run(["fc-list", "--format", "%{family[0]}\t%{charset}\n"],
                             capture_output=True, text=True, check=True).stdout
    charsets: dict[str, set[int]] = {}
    for line in listing.splitlines():
        family, _, ranges = line.partition("\t")
        points = charsets.setdefault(family.replace(" ", "-"), set())
        for item in ranges.split():
            first, _, last = item.partition("-")
            points.update(range(int(first, 16), int(last or first, 16) + 1))
    return charsets


@needs_cjk_font
@pytest.mark.parametrize("document", DOCUMENTS)
def test_unusual_scripts_have_real_glyphs_no_boxes(world, document):
    # A character no font in the chain has would be drawn as a box from a font that lacks it.
    charsets = family_charsets()
    for font, characters in drawn_characters(world[document]["pdf"]).items():
        family = max((f for f in charsets if font.startswith(f)), key=len, default=None)
        assert family, f"{font} is not an installed font"
        missing = {c for c in characters if c.strip() and ord(c) not in charsets[family]}
        assert not missing, f"{font} draws characters it has no glyph for: {''.join(sorted(missing))}"
    used = " ".join(drawn_characters(world[document]["pdf"]))
    assert "CJK" in used  # Japanese, Chinese and Korean came from the Noto CJK fallback


# --- many deals and contacts ------------------------------------------------------------------

DEALS_HEADER = "Deal Amount Expected close Our quarter Their quarter Risk"


@pytest.fixture(scope="module")
def big_partner(vendor, settings, tmp_path_factory):
    profile = {
        "name": "Very Large Distribution plc",
        "fiscal_calendar": {"first_month": 7},
        "contacts": [{"name": f"Contact {i:02d} Lastname", "title": "Account Manager", "role": "sales"}
                     for i in range(40)],
        "deals": [{"name": f"Deal-{i:03d} Customer {'Long ' * (i % 4)}Name", "amount": 10_000 + i,
                   "currency": "GBP", "expected_close": f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}"}
                  for i in range(500)],
    }
    path = tmp_path_factory.mktemp("big") / "big.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    plan = workshop.plan_partnership(vendor, workshop.load_profile(path), as_of=AS_OF)
    with pytest.MonkeyPatch.context() as patch:  # every row, to see long tables break across pages
        patch.setattr(theme_module, "LIST_LIMIT", 1000)
        files = workshop.render_document(plan, "briefing", settings)
    pages = [normalise(page.extract_text()) for page in PdfReader(io.BytesIO(files["pdf"])).pages]
    return files, pages


def test_unusual_500_deals_repeat_the_table_header_on_every_page(big_partner):
    _, pages = big_partner
    # The deals table runs from the page where its header first appears to the last page with a
    # deal row (findings earlier in the pack also name deals, so "a page naming a deal" is not enough).
    first = next(i for i, text in enumerate(pages) if DEALS_HEADER in text)
    last = max(i for i, text in enumerate(pages) if re.search(r"Deal-\d{3} Customer", text))
    assert last - first >= 5, "500 deals should fill several pages"
    for number in range(first, last + 1):
        assert DEALS_HEADER in pages[number], f"page {number + 1} of the deals table has no header row"


def test_unusual_500_deals_no_row_split_across_pages(big_partner):
    _, pages = big_partner
    for i in range(500):
        name = f"Deal-{i:03d} "
        page = next(text for text in pages if name in text)
        row = page[page.index(name):]
        assert f"£{10_000 + i:,}" in row[:200], f"{name} is split from its amount"


def test_unusual_500_deals_docx_header_row_repeats(big_partner):
    body = docx_part(big_partner[0]["docx"])
    deals_table = body[body.index("Expected close") - 2000: body.index("Deal-000")]
    assert "<w:tblHeader/>" in deals_table
    assert body.count("<w:cantSplit/>") >= 540  # every row of the deals and contacts tables
    assert all(f"Deal-{i:03d}" in body for i in range(500)) and "Contact 39 Lastname" in body


@needs_cjk_font
@pytest.mark.parametrize("script", SCRIPTS)
def test_unusual_scripts_chart_labels_use_a_font_with_their_glyphs(script):
    from workshop.documents.chart import _characters, _font

    name = SCRIPTS[script]
    font = _font(21, bold=True, text=name)
    assert all(ord(c) in _characters(font.path) for c in name if not c.isspace()), font.path
