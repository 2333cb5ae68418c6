"""Briefing pack and agenda: what the Plan says appears in the PDF and in the DOCX alike."""

from __future__ import annotations

import re

import pytest

import workshop
from workshop.formatting import long_date as longdate

from .conftest import AS_OF, EXAMPLES, docx_part, docx_text, normalise, pdf_pages, pdf_text

PARTNERS = [p.stem for p in workshop.profile_files(EXAMPLES)]


@pytest.fixture(scope="module")
def rendered(vendor, settings, theme):
    """{(partner, document): (plan, html, {format: bytes})} for every example, rendered once."""
    out = {}
    for path in workshop.profile_files(EXAMPLES):
        plan = workshop.plan_partnership(vendor, workshop.load_profile(path), as_of=AS_OF)
        for document in ("briefing", "agenda"):
            out[plan.partner.id, document] = (plan, workshop.render_html(plan, document, theme),
                                              workshop.render_document(plan, document, settings))
    return out


def headings(html: str) -> list[str]:
    return [normalise(re.sub(r"<[^>]+>", "", h)).replace("&amp;", "&").replace("&#39;", "'")
            for h in re.findall(r"<h[123][^>]*>(.*?)</h[123]>", html, re.S)]


def pdf_body_text(data: bytes) -> str:
    """The text of a PDF's pages without their running header and footer and list markers, so a
    paragraph that breaks across a page reads as one."""
    from io import BytesIO

    from pypdf import PdfReader

    pages = []
    for page in PdfReader(BytesIO(data)).pages:
        lines = page.extract_text().splitlines()
        footer = next(i for i, line in enumerate(lines) if re.search(r"Page \d+ of \d+$", line))
        del lines[footer - 1:footer + 1]  # the running header is extracted just before the footer
        pages.append(" ".join(line for line in lines if not re.fullmatch(r"\s*(\d+\.|•)?\s*", line)))
    return re.sub(r"(?<=\w)- (?=\w)", "-", normalise(" ".join(pages)))


@pytest.mark.parametrize("partner", PARTNERS)
@pytest.mark.parametrize("document", ["briefing", "agenda"])
def test_documents_pdf_and_docx_say_the_same(rendered, partner, document):
    plan, html, files = rendered[partner, document]
    pdf, docx = pdf_body_text(files["pdf"]), docx_text(files["docx"])
    expected = headings(html)
    for item in plan.agenda:
        expected += [normalise(q) for q in item.questions]
    if document == "briefing":
        expected += [normalise(f.text) for f in plan.findings]
        expected += [f"{p.name} {longdate(p.start)} {longdate(p.end)}" for p in plan.recommended_option.periods]
    for phrase in expected:
        assert phrase in pdf, f"missing in PDF: {phrase}"
        assert phrase in docx, f"missing in DOCX: {phrase}"


@pytest.mark.parametrize("partner", PARTNERS)
def test_documents_agenda_is_neutral_and_short(rendered, partner):
    plan, _, files = rendered[partner, "agenda"]
    assert 1 <= pdf_pages(files["pdf"]) <= 2
    text = pdf_text(files["pdf"])
    for internal in ("score", "Score", "High", "Medium", "risk", "Internal"):
        assert internal not in text
    for item in plan.agenda:
        assert f"{item.title} ({item.minutes} min)" in text
    for contact in plan.partner.contacts + plan.vendor.contacts:
        assert contact.name in text


def test_documents_agenda_times_from_session(vendor, settings, write):
    path = write("acme.yaml", """
        name: Acme Pty Ltd
        fiscal_calendar: {first_month: 7}
        session: {date: 2027-01-19, start: "09:30", place: "Sydney office, Level 12"}
    """)
    plan = workshop.plan_partnership(vendor, workshop.load_profile(path), as_of=AS_OF)
    text = pdf_text(workshop.render_document(plan, "agenda", settings, formats=["pdf"])["pdf"])
    assert "19 January 2027" in text and "09:30–11:00 (90 minutes)" in text and "Sydney office, Level 12" in text
    assert f"11:00" in text or "10:50" in text  # the close starts 10 minutes before the end
    assert "10:50 Commitments and next steps (10 min)" in text


def test_documents_briefing_has_chart_in_both_formats(rendered):
    _, html, files = rendered["lumiere", "briefing"]
    assert '<img src="data:image/png;base64,' in html
    assert "<pic:pic" in docx_part(files["docx"])
    from io import BytesIO

    from pypdf import PdfReader

    images = [img for page in PdfReader(BytesIO(files["pdf"])).pages for img in page.images]
    assert len({image.name for image in images}) == 1  # one chart (pages may share its resource)


def test_documents_briefing_names_deal_at_risk_and_scores(rendered):
    plan, _, files = rendered["lumiere", "briefing"]
    text = pdf_text(files["pdf"])
    assert "At risk: Théo Lefèvre away" in text
    for option in plan.options:
        assert f"{option.score:.1f}" in text


def test_documents_briefing_snapshot_keeps_month_names_capitalised(rendered):
    _, _, files = rendered["sakura", "briefing"]
    for text in (pdf_text(files["pdf"]), docx_text(files["docx"])):
        assert "Fiscal year from 1 April to 31 March; closing push in the last 3 weeks of a quarter" in text


def test_documents_vendor_locale_formats_dates_and_money(vendor, settings, theme):
    german = settings.replace(locale="de_DE")
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "rheinwerk.yaml"), german)
    files = workshop.render_document(plan, "briefing", german)
    for text in (pdf_text(files["pdf"]), docx_text(files["docx"])):
        assert "26. November 2026" in text
        assert "240.000 €" in text
    assert '<html lang="de-DE">' in workshop.render_html(plan, "briefing", theme)


def test_documents_unknown_locale_is_a_profile_error(write):
    path = write("vendor.yaml", "name: V\nfiscal_calendar: {first_month: 2}\nlocale: xx_YY\n")
    with pytest.raises(workshop.ProfileError, match=r"vendor.yaml:3: locale: unknown locale 'xx_YY'"):
        workshop.load_settings(path)
