"""Briefing pack and agenda: what the Plan says appears in the PDF and in the DOCX alike."""

from __future__ import annotations

import re

import pytest

import workshop
from workshop.formatting import long_date as longdate
from workshop.i18n import _, speaking, your

from .conftest import AS_OF, EXAMPLES, docx_part, docx_text, normalise, pdf_pages, pdf_text

PARTNERS = [p.stem for p in workshop.profile_files(EXAMPLES)]


@pytest.fixture(scope="module")
def rendered(vendor, settings, theme):
    """{(partner, document): (plan, html, {format: bytes})} for every example, rendered once, each
    document in its reader's language (the briefing in ours, the agenda in the partner's)."""
    out = {}
    for path in workshop.profile_files(EXAMPLES):
        for document in ("briefing", "agenda"):
            plan = workshop.plan_partnership(vendor, workshop.load_profile(path), as_of=AS_OF,
                                             audience=workshop.document(document).audience)
            out[plan.partner.id, document] = (plan, workshop.render_html(plan, document, theme),
                                              workshop.render_document(plan, document, settings))
    return out


def headings(html: str) -> list[str]:
    return [normalise(re.sub(r"<[^>]+>", "", h)).replace("&amp;", "&").replace("&#39;", "'")
            for h in re.findall(r"<h[123][^>]*>(.*?)</h[123]>", html, re.S)]


def pdf_body_text(data: bytes, plan=None) -> str:
    """The text of a PDF's pages without their running header and footer and list markers, so a
    paragraph that breaks across a page reads as one."""
    from io import BytesIO

    from pypdf import PdfReader

    with speaking(plan.speaks if plan else "en"):
        page_of = re.escape(_("Page %(page)s of %(pages)s")).replace(re.escape("%(page)s"), r"\d+").replace(
            re.escape("%(pages)s"), r"\d+")
    pages = []
    for page in PdfReader(BytesIO(data)).pages:
        lines = page.extract_text().splitlines()
        footer = next(i for i, line in enumerate(lines) if re.search(page_of + "$", line))
        del lines[footer - 1:footer + 1]  # the running header is extracted just before the footer
        pages.append(" ".join(line for line in lines if not re.fullmatch(r"\s*(\d+\.|•)?\s*", line)))
    return re.sub(r"(?<=\w)- (?=\w)", "-", normalise(" ".join(pages)))


@pytest.mark.parametrize("partner", PARTNERS)
@pytest.mark.parametrize("document", ["briefing", "agenda"])
def test_documents_pdf_and_docx_say_the_same(rendered, partner, document):
    plan, html, files = rendered[partner, document]
    pdf, docx = pdf_body_text(files["pdf"], plan), docx_text(files["docx"])
    expected = headings(html)
    for item in plan.agenda:
        if document == "briefing":
            expected += [normalise(q) for q in item.questions]
        else:  # written to the partner: "your" for their name, "our" for ours; the weightiest two per section
            with speaking(plan.speaks):  # in English only: other languages name both companies
                expected += [normalise(your(q, plan.partner.name, plan.vendor.name)) for q in item.questions[:2]]
    if document == "briefing":
        expected += [normalise(f.text) for f in plan.findings]
        expected += [f"{p.name} {longdate(p.start)} {longdate(p.end)}" for p in plan.recommended_option.periods]
    for phrase in expected:
        assert phrase in pdf, f"missing in PDF: {phrase}"
        assert phrase in docx, f"missing in DOCX: {phrase}"


@pytest.mark.parametrize("partner", PARTNERS)
def test_documents_agenda_is_neutral_and_short(rendered, partner):
    plan, _html, files = rendered[partner, "agenda"]
    assert 1 <= pdf_pages(files["pdf"]) <= 2
    text = pdf_text(files["pdf"])
    for internal in ("score", "Score", "High", "Medium", "risk", "Internal"):
        assert internal not in text
    for item in plan.agenda:
        with speaking(plan.speaks):
            assert _("%(title)s (%(minutes)s min)") % {"title": item.title, "minutes": item.minutes} in text
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
    # No time zone in the session: the partner's profile has none either, so none is claimed.
    assert "19 January 2027" in text and "09:30–11:00, 90 minutes" in text and "Sydney office, Level 12" in text
    assert "10:50 Commitments and next steps (10 min)" in text  # the close starts 10 minutes before the end


def test_documents_agenda_speaks_to_the_partner_in_both_time_zones(vendor, settings, write):
    path = write("acme.yaml", """
        name: Acme Pty Ltd
        fiscal_calendar: {first_month: 7}
        timezone: Australia/Sydney
        session: {date: 2027-01-19, start: "09:30", end: "11:30", video: "https://meet.example/acme"}
    """)
    plan = workshop.plan_partnership(vendor, workshop.load_profile(path), settings)
    files = workshop.render_document(plan, "agenda", settings)
    # 09:30 on 19 January in Sydney (AEDT, UTC+11) is 14:30 on 18 January in Los Angeles (PST, UTC-8).
    for text in (pdf_text(files["pdf"]), docx_text(files["docx"])):
        assert "09:30–11:30 AEDT (Australia/Sydney), 120 minutes; 14:30–16:30 PST on 18 January 2027" in text
        assert "https://meet.example/acme" in text
        assert "Your team (Acme Pty Ltd)" in text and "What we want to achieve together" in text
        assert "Please bring" in text and "After the session" in text
        for option in plan.options:  # every option with its dates
            assert f"{longdate(option.start)} to {longdate(option.end)}" in text
        assert "Acme Pty Ltd's" not in text  # "your", not the partner's name in the third person


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
