"""Agreement records: drafted by `workshop agree`, checked with file/line/field, printed by the memo."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
import yaml

import workshop
from workshop.agreements import agreement_schema, agreement_status, draft_agreement, load_agreement
from workshop.formatting import long_date as longdate

from .conftest import AS_OF, EXAMPLES, ROOT, docx_part, docx_text, pdf_pages, pdf_text


def _agree(invoke, profiles, *args):
    return invoke("agree", "sakura", "--profiles", profiles, "--date", AS_OF.isoformat(), *args)


def _edit(path, change):
    """Load an agreement file's YAML, let `change` edit the data, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _sign(data, image=None):
    for side in ("vendor", "partner"):
        for person in data["signatories"][side]:
            person["signed"] = date(2026, 12, 3)
            person["signature_image"] = image
    data["status"] = "signed"


def _png(path, size=(240, 60)):
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (255, 255, 255, 0))  # transparent, as scanned signatures usually are
    ImageDraw.Draw(image).line([(10, 45), (80, 10), (150, 50), (230, 15)], fill=(20, 20, 90), width=4)
    image.save(path)
    return path


def test_agree_writes_a_draft_that_validates(invoke, profiles):
    result = _agree(invoke, profiles, "--strategy", "align-vendor")
    assert result.exit_code == 0, result.output
    path = profiles / "sakura.FY2028.agreement.yaml"
    assert result.output.strip() == str(path)
    agreement = load_agreement(path, vendor=workshop.load_vendor(profiles / "vendor.yaml"), fiscal_year=2028)
    assert agreement.status == "draft" and agreement.strategy == "align-vendor" and agreement.fiscal_year == 2028
    plan = workshop.plan_partnership(workshop.load_vendor(profiles / "vendor.yaml"),
                                     workshop.load_profile(profiles / "sakura.yaml"), as_of=AS_OF)
    option = next(o for o in plan.options if o.strategy == "align-vendor")
    assert [(p.name, p.start, p.end) for p in agreement.periods] == [(p.name, p.start, p.end) for p in option.periods]
    assert [s.name for s in agreement.signatories.vendor] == [s.name for s in plan.vendor.signatories]
    assert [s.name for s in agreement.signatories.partner] == [s.name for s in plan.partner.signatories]
    assert all(s.signed is None for s in agreement.signatories.vendor + agreement.signatories.partner)
    # Written in the partner's language (the memo's) and the vendor's, each as the plan in it words it.
    english = workshop.plan_partnership(workshop.load_vendor(profiles / "vendor.yaml"),
                                        workshop.load_profile(profiles / "sakura.yaml"), as_of=AS_OF, audience="vendor")
    assert agreement.review_cadence == {"ja": plan.review_cadence, "en": english.review_cadence}
    assert set(agreement.commitments[0].text) == {"ja", "en"}
    assert "26 Jul" in agreement.commitments[0].text["en"]  # dated from the chosen option, not the recommendation
    assert "7月26日" in agreement.commitments[0].text["ja"]
    result = invoke("validate", profiles)
    assert result.exit_code == 0, result.output
    assert "4 profiles and 1 agreement valid" in result.output


def test_agree_refuses_to_overwrite_without_force(invoke, profiles):
    assert _agree(invoke, profiles, "--strategy", "align-vendor").exit_code == 0
    path = profiles / "sakura.FY2028.agreement.yaml"
    path.write_text(path.read_text() + "# edited by hand\n")
    result = _agree(invoke, profiles, "--strategy", "align-vendor")
    assert result.exit_code == 1
    assert f"{path}: an agreement already exists; pass --force" in result.output
    assert "# edited by hand" in path.read_text()
    assert _agree(invoke, profiles, "--strategy", "align-vendor", "--force").exit_code == 0
    assert "strategy: align-vendor" in path.read_text() and "# edited by hand" not in path.read_text()
    assert not list(profiles.glob("*.part"))


def test_agree_unknown_strategy_is_a_usage_error(invoke, profiles):
    assert _agree(invoke, profiles, "--strategy", "coin-toss").exit_code == 2


def test_agreement_files_are_not_partner_profiles(invoke, profiles, tmp_path):
    _agree(invoke, profiles, "--strategy", "align-partner")
    assert [p.name for p in workshop.profile_files(profiles)] == ["bluewater.yaml", "rheinwerk.yaml", "sakura.yaml"]
    out = tmp_path / "out"
    result = invoke("memo", "--all", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out, "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert "3 built, 0 failed" in result.output


def test_agreement_gap_between_periods_names_file_line_and_field(invoke, profiles):
    _agree(invoke, profiles, "--strategy", "align-vendor")
    path = profiles / "sakura.FY2028.agreement.yaml"
    _edit(path, lambda d: d["periods"][2].update(start=date(2027, 8, 5)))
    result = invoke("validate", path)
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "2027-08-05" in text)
    assert f"{path}:{line}: periods[2].start: gap of 4 days after MOP Q2 (ends 2027-07-31); expected 2027-08-01" \
        in result.output


def test_agreement_overlap_and_short_year_are_reported_together(profiles, invoke):
    _agree(invoke, profiles, "--strategy", "align-vendor")
    path = profiles / "sakura.FY2028.agreement.yaml"

    def change(data):
        data["periods"][1]["start"] = date(2027, 4, 15)
        data["periods"] = data["periods"][:3]

    _edit(path, change)
    with pytest.raises(workshop.ProfileError) as caught:
        load_agreement(path)
    messages = [str(p) for p in caught.value.problems]
    assert any("periods[1].start: overlaps MOP Q1 (ends 2027-04-30)" in m for m in messages), messages
    assert any("periods: the periods cover 273 days" in m and "350 to 380 days" in m for m in messages), messages


def test_agreement_signed_without_signatory_or_date(profiles, invoke):
    _agree(invoke, profiles, "--strategy", "align-vendor")
    path = profiles / "sakura.FY2028.agreement.yaml"

    def change(data):
        data["status"] = "signed"
        data["signatories"]["partner"] = []

    _edit(path, change)
    result = invoke("validate", path)
    assert result.exit_code == 1
    lines = path.read_text().splitlines()
    vendor_signed = next(n for n, text in enumerate(lines, 1) if "signed: null" in text)
    partner = next(n for n, text in enumerate(lines, 1) if text.strip().startswith("partner: []"))
    assert (f"{path}:{vendor_signed}: signatories.vendor[0].signed: status is signed, but Dana Whitfield has no "
            f"signed date") in result.output
    assert f"{path}:{partner}: signatories.partner: status is signed, but nobody has signed for the partner" \
        in result.output


def test_agreement_wrong_fiscal_year(profiles, invoke):
    _agree(invoke, profiles, "--strategy", "align-vendor")
    path = profiles / "sakura.FY2028.agreement.yaml"
    _edit(path, lambda d: d.update(fiscal_year=2027))
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("fiscal_year"))
    result = invoke("validate", path)
    assert result.exit_code == 1
    assert (f"{path}:{line}: fiscal_year: FY2027 does not match the periods (2027-02-01 to 2028-01-31), which fall "
            f"in Halcyon Cloud Software's FY2028") in result.output
    with pytest.raises(workshop.ProfileError, match="the agreement is for FY2027, but FY2029 is being planned"):
        load_agreement(path, fiscal_year=2029)


def test_agreement_unknown_field_and_bad_strategy_name_the_line(profiles, write):
    path = write("profiles/sakura.agreement.yaml", """
        fiscal_year: 2028
        strategy: align-everything
        periods: [{name: Year, start: 2027-02-01, end: 2028-01-31}]
        review_cadence: Monthly
        colour: blue
    """)
    with pytest.raises(workshop.ProfileError) as caught:
        load_agreement(path)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(f"{path}:2: strategy: expected 'align-vendor'") for m in messages), messages
    assert any(m.startswith(f"{path}:5: colour: unknown field; expected one of: fiscal_year, strategy") for m in messages)


def test_agreement_signature_image_must_exist_and_be_png(profiles, invoke):
    _agree(invoke, profiles, "--strategy", "align-vendor")
    path = profiles / "sakura.FY2028.agreement.yaml"
    (profiles / "fake.png").write_bytes(b"GIF89a not a png")

    def change(data):
        data["signatories"]["vendor"][0]["signature_image"] = "missing.png"
        data["signatories"]["partner"][0]["signature_image"] = "fake.png"

    _edit(path, change)
    with pytest.raises(workshop.ProfileError) as caught:
        load_agreement(path)
    messages = [str(p) for p in caught.value.problems]
    assert any("signatories.vendor[0].signature_image: cannot read" in m and "missing.png" in m for m in messages)
    _png(profiles.parent / "elsewhere.png")
    _edit(path, lambda d: d["signatories"]["vendor"][0].update(signature_image="../elsewhere.png"))
    with pytest.raises(workshop.ProfileError, match=r"signature_image: \.\./elsewhere.png is outside the agreement's folder"):
        load_agreement(path)
    assert any("signatories.partner[0].signature_image:" in m and "fake.png is not a PNG file" in m for m in messages)


def test_agreement_truncated_png_is_a_clear_error_and_fails_only_its_partner(profiles, invoke, tmp_path):
    _agree(invoke, profiles, "--strategy", "align-vendor")
    path = profiles / "sakura.FY2028.agreement.yaml"
    (profiles / "cut.png").write_bytes(_png(tmp_path / "whole.png").read_bytes()[:60])  # the header, no image data
    _edit(path, lambda d: _sign(d, "cut.png"))
    result = invoke("validate", profiles)
    assert result.exit_code == 1 and "signature_image:" in result.output
    assert "cut.png is not a readable PNG image" in result.output and "Traceback" not in result.output
    result = invoke("memo", "--all", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", tmp_path / "out")
    assert result.exit_code == 1 and "2 built, 1 failed" in result.output


def test_agreement_dates_out_of_range_and_control_characters(profiles, invoke):
    _agree(invoke, profiles, "--strategy", "align-vendor")
    path = profiles / "sakura.FY2028.agreement.yaml"

    def change(data):
        data["periods"][0]["end"] = date(9999, 12, 31)
        data["periods"][1]["name"] = "MOP B\x07"

    _edit(path, change)
    result = invoke("validate", profiles)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "periods[0].end: must be a date from 1900 to 2200" in result.output
    assert "periods[1].name: contains the control character U+0007" in result.output


def test_agreement_status_for_the_kit_index(profiles, invoke):
    partner_file = profiles / "sakura.yaml"
    assert agreement_status(partner_file) == "none"
    _agree(invoke, profiles, "--strategy", "align-vendor")
    assert agreement_status(partner_file) == "draft"
    assert agreement_status(partner_file, fiscal_year=2029) == "none"
    _edit(profiles / "sakura.FY2028.agreement.yaml", _sign)
    assert agreement_status(partner_file, fiscal_year=2028) == "signed"
    assert workshop.agreement_status is agreement_status


def test_agreement_file_is_named_after_the_profile_id(profiles, invoke):
    path = profiles / "sakura.yaml"
    path.write_text("id: sakura-jp\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert _agree(invoke, profiles, "--strategy", "align-vendor").exit_code == 0
    assert (profiles / "sakura-jp.FY2028.agreement.yaml").is_file()
    assert agreement_status(path) == "draft"


def test_memo_renders_from_a_draft_agreement(profiles, invoke, tmp_path):
    _agree(invoke, profiles, "--strategy", "align-vendor")
    path = profiles / "sakura.FY2028.agreement.yaml"
    _edit(path, lambda d: (d["periods"][0].update(name="Spring MOP"), d["commitments"].append(
        {"party": "both", "text": "Meet in Osaka every March."})))
    out = tmp_path / "out"
    result = invoke("memo", "sakura", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out,
                    "--language", "en-GB")  # the agreement holds its texts in Japanese and English
    assert result.exit_code == 0, result.output
    pdf = (out / "FY2028" / "sakura" / "sakura-FY2028-memo.pdf").read_bytes()
    docx = (out / "FY2028" / "sakura" / "sakura-FY2028-memo.docx").read_bytes()
    for text in (pdf_text(pdf), docx_text(docx)):
        assert f"Spring MOP {longdate(date(2027, 2, 1))} {longdate(date(2027, 4, 30))}" in text
        assert "Align to Halcyon Cloud Software's fiscal quarters" in text
        assert "Both parties will meet in Osaka every March." in text
        assert "Draft" in text or "DRAFT" in text
        assert "date ____________" in text
    assert pdf_pages(pdf) == 1


def test_memo_ignores_an_agreement_for_another_year(profiles, invoke, tmp_path):
    _agree(invoke, profiles, "--strategy", "align-vendor")
    _edit(profiles / "sakura.FY2028.agreement.yaml", lambda d: d["periods"][0].update(name="Agreed first period"))
    out = tmp_path / "out"
    result = invoke("memo", "sakura", "--profiles", profiles, "--date", AS_OF.isoformat(), "--year", "2029",
                    "--out", out, "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert "Agreed first period" not in pdf_text((out / "FY2029" / "sakura" / "sakura-FY2029-memo.pdf").read_bytes())


def test_memo_with_an_invalid_agreement_fails_that_partner(profiles, invoke, tmp_path):
    _agree(invoke, profiles, "--strategy", "align-vendor")
    path = profiles / "sakura.FY2028.agreement.yaml"
    _edit(path, lambda d: d.update(status="signed"))
    out = tmp_path / "out"
    result = invoke("memo", "--all", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out, "--format", "pdf")
    assert result.exit_code == 1
    assert f"{path}:" in result.output and "has no signed date" in result.output
    assert "2 built, 1 failed" in result.output
    assert not (out / "FY2028" / "sakura").exists()


def _signed_plan(vendor, partner_file, tmp_path, *, image: bool):
    """(the plan with a signed agreement, that agreement)."""
    partner = workshop.load_profile(partner_file)
    plan = workshop.plan_partnership(vendor, partner, as_of=AS_OF, language="en-GB")
    agreement = draft_agreement(plan, "shared-quarter-end")
    folder = tmp_path / "agreement"
    folder.mkdir(exist_ok=True)
    path = folder / f"{partner.id}.agreement.yaml"
    workshop.write_agreement(path, agreement)
    if image:
        _png(folder / "signature.png")
    _edit(path, lambda d: _sign(d, "signature.png" if image else None))
    agreement = load_agreement(path, vendor=vendor, fiscal_year=plan.fiscal_year)
    return workshop.apply_agreement(plan, agreement), agreement


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("image", [False, True], ids=["names", "images"])
def test_signed_memo_shows_names_and_dates_on_one_page(vendor, settings, tmp_path, paper, image):
    plan, agreement = _signed_plan(vendor, EXAMPLES / "rheinwerk.yaml", tmp_path, image=image)
    files = workshop.render_memo(plan, settings.replace(paper=paper))
    assert pdf_pages(files["pdf"]) == 1
    signed_on = longdate(date(2026, 12, 3))
    for text in (pdf_text(files["pdf"]), docx_text(files["docx"])):
        for person in agreement.signatories.vendor + agreement.signatories.partner:
            assert f"Signed · {person.name}, {person.title} · {signed_on}" in text
        assert "DRAFT" not in text.upper().replace("DRAFTS", "")
        assert "date ____________" not in text
    from io import BytesIO

    from pypdf import PdfReader

    # Both sides use the same test image here, and WeasyPrint embeds an image once however often it shows.
    assert len(PdfReader(BytesIO(files["pdf"])).pages[0].images) == (1 if image else 0)
    assert ("<pic:pic" in docx_part(files["docx"])) == image


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_signed_memo_one_page_with_eight_periods_and_four_signatories_with_images(vendor, settings, tmp_path, paper):
    from datetime import timedelta

    plan, agreement = _signed_plan(vendor, EXAMPLES / "rheinwerk.yaml", tmp_path, image=True)
    halves = []
    for period in agreement.periods:
        middle = period.start + (period.end - period.start) / 2
        halves += [period.model_copy(update={"name": f"{period.name} (first half)", "end": middle}),
                   period.model_copy(update={"name": f"{period.name} (second half)", "start": middle + timedelta(days=1)})]
    people = agreement.signatories
    four = people.model_copy(update={
        "vendor": [people.vendor[0].model_copy(update={"name": f"Alexandra Montgomery-Whitfield {i}",
                                                       "title": "Senior Director, Partnerships and Alliances"})
                   for i in range(2)],
        "partner": [people.partner[0].model_copy(update={"name": f"Maximilian Vogelsang-Hartmann {i}",
                                                         "title": "Geschäftsführer, Vertrieb und Partnerschaften"})
                    for i in range(2)],
    })
    edited = agreement.model_copy(update={"periods": halves, "signatories": four})
    edited._source = agreement._source
    plan = workshop.apply_agreement(plan, edited)
    files = workshop.render_memo(plan, settings.replace(paper=paper), formats=["pdf"])
    assert pdf_pages(files["pdf"]) == 1


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice to lay out the DOCX")
def test_signed_memo_docx_is_one_page_in_libreoffice(vendor, settings, tmp_path):
    import subprocess

    from pypdf import PdfReader

    plan, _ = _signed_plan(vendor, EXAMPLES / "rheinwerk.yaml", tmp_path, image=True)
    source = tmp_path / "memo.docx"
    source.write_bytes(workshop.render_memo(plan, settings, formats=["docx"])["docx"])
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    assert len(PdfReader(tmp_path / "memo.pdf").pages) == 1


def test_agreement_schema_file_is_up_to_date():
    committed = json.loads((ROOT / "schemas" / "agreement.schema.json").read_text())
    assert committed == agreement_schema(), "regenerate: workshop schema agreement > schemas/agreement.schema.json"


def test_agreement_schema_documents_every_field():
    schema = agreement_schema()
    for definition in [schema, *schema["$defs"].values()]:
        for name, field in definition["properties"].items():
            assert field.get("description"), name
