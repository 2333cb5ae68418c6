"""The agreement memo: one page, the same words in PDF and DOCX, and a theme that cannot reach outside."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

import workshop
from workshop.documents.html import render_html
from workshop.writers.docx import html_to_docx
from workshop.formatting import long_date as longdate
from workshop.profiles import Profile

from .conftest import AS_OF, EXAMPLES, docx_part, docx_text, pdf_pages, pdf_text

PARTNERS = [p.stem for p in workshop.profile_files(EXAMPLES)]


@pytest.fixture(scope="module")
def memos(vendor, settings):
    """{partner id: (plan, {format: bytes})} for every example partner, rendered once, in English (its
    words are what these tests read; tests/test_languages.py has the others)."""
    rendered = {}
    for path in workshop.profile_files(EXAMPLES):
        plan = workshop.plan_partnership(vendor, workshop.load_profile(path), as_of=AS_OF, language="en")
        rendered[plan.partner.id] = (plan, workshop.render_memo(plan, settings))
    return rendered


@pytest.mark.parametrize("partner", PARTNERS)
def test_memo_pdf_is_one_page_naming_partner_and_every_period(memos, partner):
    plan, files = memos[partner]
    assert pdf_pages(files["pdf"]) == 1
    text = pdf_text(files["pdf"])
    assert plan.partner.name in text and plan.vendor.name in text
    for period in plan.recommended_option.periods:
        assert f"{period.name} {longdate(period.start, plan.locale)} {longdate(period.end, plan.locale)}" in text
    assert "Page 1 of 1" in text


@pytest.mark.parametrize("partner", PARTNERS)
def test_memo_docx_says_what_the_pdf_says(memos, partner):
    plan, files = memos[partner]
    text = docx_text(files["docx"])
    assert plan.partner.name in text and plan.vendor.name in text
    for period in plan.recommended_option.periods:
        assert f"{period.name} {longdate(period.start, plan.locale)} {longdate(period.end, plan.locale)}" in text
    for phrase in ("Mutual Operating Period Agreement", "Commitments and review", "Signatures",
                   plan.recommended_option.title, *(c.text[1:] for c in plan.commitments)):
        assert phrase in text and phrase in pdf_text(files["pdf"])
    for signatory in plan.vendor.signatories + plan.partner.signatories:
        assert f"Signature · {signatory.name}, {signatory.title}" in text


def test_memo_docx_uses_named_styles_and_repeating_header_row(memos):
    _, files = memos["rheinwerk"]
    xml = docx_part(files["docx"])
    for style in ("Title", "Heading1", "TableHeading", "SignatureParty"):
        assert f'w:val="{style}"' in xml
    assert "<w:tblHeader/>" in xml
    footer = docx_part(files["docx"], "word/footer1.xml")
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_memo_is_neutral_no_internal_scores(memos):
    for plan, files in memos.values():
        text = pdf_text(files["pdf"])
        assert "of 100" not in text and "score" not in text.lower()


def test_memo_metadata(memos):
    from io import BytesIO

    import docx
    from pypdf import PdfReader

    plan, files = memos["sakura"]
    reader = PdfReader(BytesIO(files["pdf"]))
    info = reader.metadata
    assert info.title == "Mutual Operating Period Agreement: Sakura Digital Solutions K.K., FY2028"  # per partner
    assert info.author == plan.vendor.name
    assert info.subject == f"Mutual Operating Period Agreement: {plan.vendor.name} and {plan.partner.name}, FY2028"
    assert "mutual operating period" in info["/Keywords"]
    assert info["/CreationDate"] == "D:20261126"
    assert reader.trailer["/Root"]["/Lang"] == plan.speaks.html_lang == "en-JP"  # English, dated as in Japan
    props = docx.Document(BytesIO(files["docx"])).core_properties
    assert props.author == plan.vendor.name
    assert props.created.date() == AS_OF


def test_memo_letter_paper_one_page_with_long_name(vendor, settings):
    partner = Profile.model_validate({
        "name": "Consolidated Regional Systems Integration and Managed Services Holdings International Ltd",
        "fiscal_calendar": {"type": "monthly", "first_month": 4},
        "contacts": [{"name": f"Signatory {i}", "title": "Director of Partnerships and Alliances", "signatory": True}
                     for i in range(3)],
    })
    plan = workshop.plan_partnership(vendor, partner, as_of=AS_OF)
    files = workshop.render_memo(plan, settings.replace(paper="letter"))
    assert pdf_pages(files["pdf"]) == 1
    from io import BytesIO

    from pypdf import PdfReader

    box = PdfReader(BytesIO(files["pdf"])).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_memo_one_page_with_eight_periods_and_four_signatories(vendor, settings, paper):
    partner = Profile.model_validate({
        "name": "Consolidated Regional Systems Integration and Managed Services Holdings International Ltd",
        "fiscal_calendar": {"type": "monthly", "first_month": 4},
        "planning": {"annual_planning_month": 1, "plan_lock_month": 3},
        "contacts": [{"name": f"Alexandra Montgomery-Whitfield {i}", "title": "Senior Director, Partnerships and Alliances",
                      "signatory": True} for i in range(3)],
    })
    plan = workshop.plan_partnership(vendor, partner, as_of=AS_OF)
    option = plan.recommended_option
    halves = []
    for period in option.periods:  # split every period in two: eight periods
        middle = period.start + (period.end - period.start) / 2
        halves += [period.model_copy(update={"name": f"{period.name}a", "end": middle}),
                   period.model_copy(update={"name": f"{period.name}b", "start": middle + timedelta(days=1)})]
    plan = plan.with_memo(plan.memo.model_copy(update={"periods": halves}))
    assert len(plan.memo.periods) == 8
    assert len(plan.vendor.signatories) + len(plan.partner.signatories) == 4
    files = workshop.render_memo(plan, settings.replace(paper=paper), formats=["pdf"])
    assert pdf_pages(files["pdf"]) == 1
    text = pdf_text(files["pdf"])
    for period in plan.memo.periods:
        assert f"{period.name} {longdate(period.start, plan.locale)} {longdate(period.end, plan.locale)}" in text


def test_memo_pdf_is_reproducible(memos, vendor, settings):
    plan, files = memos["bluewater"]
    assert workshop.render_memo(plan, settings, formats=["pdf"])["pdf"] == files["pdf"]


def test_documents_render_without_weasyprint_warnings(vendor, settings, caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        for path in workshop.profile_files(EXAMPLES):
            plan = workshop.plan_partnership(vendor, workshop.load_profile(path), as_of=AS_OF)
            for document in workshop.documents():
                workshop.render_document(plan, document.name, settings, formats=["pdf"])
    assert [r.getMessage() for r in caplog.records] == []


def test_docx_writer_rejects_unsupported_elements(theme):
    html = "<html><body><main><p>fine</p><video src='x.mp4'></video></main></body></html>"
    with pytest.raises(workshop.RenderError, match="<video> .* is not supported in DOCX"):
        html_to_docx(html, theme.reference_docx)


def test_profile_text_is_escaped_not_interpreted(vendor, settings, theme):
    partner = Profile.model_validate({
        "name": "<b>Evil</b> & Co {{ 7*7 }}", "fiscal_calendar": {"type": "monthly", "first_month": 1}})
    plan = workshop.plan_partnership(vendor, partner, as_of=AS_OF)
    html = render_html(plan, "memo", theme)
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co {{ 7*7 }}" in html
    files = workshop.render_memo(plan, settings)
    assert "<b>Evil</b> & Co {{ 7*7 }}" in pdf_text(files["pdf"])
    assert "<b>Evil</b> & Co {{ 7*7 }}" in docx_text(files["docx"])


def test_theme_blocks_files_outside_the_theme(theme, tmp_path, caplog):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not really a png")
    with pytest.raises(ValueError, match="blocked"):
        theme.url_fetcher.fetch(secret.as_uri())
    with pytest.raises(ValueError, match="blocked"):
        theme.url_fetcher.fetch("http://example.com/logo.png")
    assert theme.url_fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_user_template_overrides_one_block(vendor, settings, tmp_path):
    (tmp_path / "memo.html").write_text(
        '{% extends "builtin/memo.html" %}{% block running_footer %}<footer>Confidential</footer>{% endblock %}')
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "bluewater.yaml"), as_of=AS_OF)
    files = workshop.render_memo(plan, settings.replace(template_dirs=(tmp_path,)))
    assert "Confidential" in pdf_text(files["pdf"])
    assert "Confidential" in docx_text(files["docx"])


def test_memo_pdf_variant_passes_through(vendor, settings):
    from io import BytesIO

    from pypdf import PdfReader

    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), as_of=AS_OF)
    pdf = workshop.render_memo(plan, settings.replace(pdf_variant="pdf/ua-1"), formats=["pdf"])["pdf"]
    root = PdfReader(BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in root and "/Metadata" in root  # tagged, with XMP metadata


def test_memo_vendor_logo_and_templates_from_vendor_yaml(tmp_path, write):
    from PIL import Image

    Image.new("RGB", (40, 40), (15, 76, 129)).save(tmp_path / "logo.png")
    write("brand/memo.html", '{% extends "builtin/memo.html" %}{% block parties %}<p>Brand terms apply.</p>{% endblock %}')
    vendor_file = write("vendor.yaml", """
        name: Halcyon Cloud Software
        fiscal_calendar: {first_month: 2}
        logo: logo.png
        templates: [brand]
    """)
    vendor = workshop.load_vendor(vendor_file)
    settings = workshop.load_settings(vendor_file, as_of=AS_OF)
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings)
    files = workshop.render_memo(plan, settings)
    assert "Brand terms apply." in pdf_text(files["pdf"]) and "Brand terms apply." in docx_text(files["docx"])
    from io import BytesIO

    from pypdf import PdfReader

    assert len(PdfReader(BytesIO(files["pdf"])).pages[0].images) == 1
    assert "<pic:pic" in docx_part(files["docx"], "word/header1.xml")


def test_memo_missing_logo_is_a_clear_error(write):
    vendor_file = write("vendor.yaml", "name: V\nfiscal_calendar: {first_month: 2}\nlogo: nowhere.png\n")
    vendor = workshop.load_vendor(vendor_file)
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), as_of=AS_OF)
    with pytest.raises(workshop.RenderError, match="logo: cannot read .*nowhere.png"):
        workshop.render_memo(plan, workshop.load_settings(vendor_file, as_of=AS_OF))
