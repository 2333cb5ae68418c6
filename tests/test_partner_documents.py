"""Documents a partner receives and a kit that agrees with itself: the Word files say and look what
the PDFs do (a watermark on drafts, the same page count), an agreed MOP shows everywhere in the kit,
and `workshop status` gives the portfolio view."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import date

import pytest
import yaml
from pypdf import PdfReader

import workshop

from .conftest import AS_OF, EXAMPLES, docx_part, docx_text, pdf_text

DATE = AS_OF.isoformat()


def test_partner_word_draft_memo_has_a_watermark_and_the_signed_one_none(vendor, settings):
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings, language="en")
    draft = workshop.render_memo(plan, settings, ["docx"])["docx"]
    header = docx_part(draft, "word/header1.xml")
    assert "<v:textpath" in header and 'string="DRAFT"' in header
    signed = plan.with_memo(plan.memo.model_copy(update={"status": "signed"}))
    assert 'string="DRAFT"' not in docx_part(workshop.render_memo(signed, settings, ["docx"])["docx"], "word/header1.xml")


def test_partner_word_tables_have_the_pdfs_column_widths(vendor, settings):
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings)
    xml = docx_part(workshop.render_document(plan, "briefing", settings, ["docx"])["docx"])
    # The contacts table: 20, 19, 21, 14 and 26 % of the 174 mm text width (A4 less 18 mm margins).
    widths = [int(w) for w in __import__("re").findall(r'<w:gridCol w:w="(\d+)"', xml)]
    text_width = 174 / 25.4 * 1440  # twips
    contacts = [round(text_width * share / 100) for share in (20, 19, 21, 14, 26)]
    assert any(all(abs(a - b) <= 2 for a, b in zip(widths[i:i + 5], contacts)) for i in range(len(widths) - 4))
    assert '<w:tblLayout w:type="fixed"/>' in xml


def test_partner_word_tables_have_each_property_once_in_order_and_a_header_row_only_from_thead(vendor, settings):
    import re

    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "ironbridge.yaml"), settings)
    xml = docx_part(workshop.render_document(plan, "agenda", settings, ["docx"])["docx"])
    order = ["tblStyle", "tblW", "jc", "tblLayout", "tblLook"]  # WordprocessingML's order, as Word requires it
    tables = re.findall(r"<w:tblPr>(.*?)</w:tblPr>", xml)
    assert tables
    for properties in tables:
        tags = re.findall(r"<w:(\w+)", properties)
        assert len(tags) == len(set(tags)) and tags == sorted(tags, key=order.index), tags
    # The agenda's first table (date, time, place) has no header row; its attendees table has one.
    looks = [re.search(r'<w:tblLook w:val="(\d{4})" w:firstRow="(\d)"', t).groups() for t in tables]
    assert looks[0] == ("0000", "0") and ("0020", "1") in looks  # LibreOffice reads the bit mask, Word either


def test_partner_word_uses_one_font_family(vendor, settings):
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings)
    styles = docx_part(workshop.render_memo(plan, settings, ["docx"])["docx"], "word/styles.xml")
    assert "Calibri" not in styles and "Cambria" not in styles and "asciiTheme" not in styles
    assert 'w:ascii="Arial"' in styles


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice to lay out the Word files")
def test_partner_every_example_document_has_the_same_pages_in_pdf_and_word(vendor, settings, tmp_path):
    expected, files = {}, []
    for path in workshop.profile_files(EXAMPLES):
        plan = workshop.plan_partnership(vendor, workshop.load_profile(path), settings, language="en")  # in English
        for document in (d.name for d in workshop.documents()):
            rendered = workshop.render_document(plan, document, settings)
            expected[f"{path.stem}-{document}"] = len(PdfReader(io.BytesIO(rendered["pdf"])).pages)
            target = tmp_path / f"{path.stem}-{document}.docx"
            target.write_bytes(rendered["docx"])
            files.append(str(target))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "word"), *files], check=True, capture_output=True, timeout=600)
    word = {name: len(PdfReader(tmp_path / "word" / f"{name}.pdf").pages) for name in expected}
    assert word == expected


def _sign(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for side in ("vendor", "partner"):
        for person in data["signatories"][side]:
            person["signed"] = date(2026, 12, 3)
    data["status"] = "signed"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_partner_kit_agrees_with_itself_once_an_agreement_is_signed(invoke, profiles, tmp_path):
    # Sakura's recommendation is to align to its own quarters; both sides agree the vendor's instead.
    common = ("--profiles", profiles, "--date", DATE)
    assert invoke("agree", "sakura", *common, "--strategy", "align-vendor").exit_code == 0
    _sign(profiles / "sakura.FY2028.agreement.yaml")
    out = tmp_path / "out"
    assert invoke("kit", "sakura", *common, "--out", out, "--jobs", "1", "--language", "en-GB").exit_code == 0
    folder = out / "FY2028" / "sakura"
    # The vendor's FY2028 quarters: 1 February 2027 to 31 January 2028, ending 30 April, 31 July, 31 October.
    briefing = pdf_text((folder / "sakura-FY2028-briefing.pdf").read_bytes())
    assert "Agreed MOP (signed): Align to Halcyon Cloud Software's fiscal quarters" in briefing
    assert "the recommendation was Align to Sakura Digital Solutions K.K.'s fiscal quarters" in briefing
    for name in ("sakura-FY2028-agenda.pdf", "sakura-FY2028-agenda.docx"):
        data = (folder / name).read_bytes()
        text = pdf_text(data) if name.endswith("pdf") else docx_text(data)
        assert "The MOP we have agreed" in text
        assert "Align to our fiscal quarters, 1 February 2027 to 31 January 2028" in text
        assert "The options we will discuss" not in text
    plan = json.loads((folder / "sakura-FY2028-plan.json").read_text())
    assert plan["memo"]["status"] == "signed" and plan["memo"]["strategy"] == "align-vendor"
    from icalendar import Calendar

    calendar = Calendar.from_ical((folder / "sakura-FY2028-mop.ics").read_bytes())
    ends = sorted(e.decoded("dtstart") for e in calendar.walk("VEVENT") if str(e["summary"]).endswith(" ends"))
    assert ends == [date(2027, 4, 30), date(2027, 7, 31), date(2027, 10, 31), date(2028, 1, 31)]


def test_partner_kit_ends_with_the_index_and_status_shows_the_portfolio(kit, invoke, profiles):
    result = kit()
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == f"index: {kit.year / 'index.html'}"
    index = (kit.year / "index.html").read_text(encoding="utf-8").replace("&#39;", "'")
    assert "Align to Sakura Digital Solutions K.K.'s fiscal quarters" in index  # readable, not `align-partner`
    assert "2026-12-10" in index  # Sakura's session
    status = invoke("status", "--profiles", profiles, "--date", DATE, "--out", kit.out)
    assert status.exit_code == 0
    assert "sakura" in status.output and "session: 2026-12-10" in status.output
    rows = {row["id"]: row for row in json.loads(invoke("status", "--profiles", profiles, "--date", DATE,
                                                        "--out", kit.out, "--json").output)}
    assert rows["sakura"]["agreement"] == "none" and rows["sakura"]["session"] == "2026-12-10"
    assert rows["sakura"]["mop_start"] == "2027-04-01" and rows["sakura"]["next_commitment"]
