"""One pipeline for every command: `memo`, `brief` and `agenda` are a kit limited to one document,
the build record and manifest always describe the files on disk, settings reach every command,
and a Plan alone is enough to render every document."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date

import yaml
from pypdf import PdfReader

import workshop

from .conftest import AS_OF, pdf_pages, pdf_text

DATE = AS_OF.isoformat()
A4 = (595, 842)
LETTER = (612, 792)


def page_size(path) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(path.read_bytes())).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def manifest_matches_the_files(year) -> bool:
    manifest = json.loads((year / "manifest.json").read_text())
    return all(hashlib.sha256((year / name).read_bytes()).hexdigest() == digest
               for name, digest in manifest["files"].items() if "/" in name)


def test_pipeline_a_memo_written_over_a_kit_is_in_the_manifest_and_the_next_kit_rebuilds(invoke, profiles, tmp_path):
    out = tmp_path / "out"
    year = out / "FY2028"
    common = ("--profiles", profiles, "--date", DATE, "--out", out, "--jobs", "1")
    assert invoke("kit", "rheinwerk", *common).exit_code == 0
    assert page_size(year / "rheinwerk" / "memo.pdf") == A4

    result = invoke("memo", "rheinwerk", "--paper", "letter", *common)
    assert result.exit_code == 0, result.output
    assert page_size(year / "rheinwerk" / "memo.pdf") == LETTER
    assert manifest_matches_the_files(year)  # the memo command keeps the manifest true

    result = invoke("kit", "rheinwerk", *common)
    assert "1 built, 0 unchanged" in result.output  # the Letter memo is not what this kit would hold
    assert {page_size(year / "rheinwerk" / f"{doc}.pdf") for doc in ("memo", "briefing", "agenda")} == {A4}
    assert manifest_matches_the_files(year)
    assert "0 built, 1 unchanged" in invoke("kit", "rheinwerk", *common).output


def test_pipeline_a_memo_alone_keeps_the_other_documents_of_the_kit(invoke, profiles, tmp_path):
    out = tmp_path / "out"
    common = ("--profiles", profiles, "--date", DATE, "--out", out, "--jobs", "1", "--format", "pdf")
    assert invoke("kit", "sakura", *common).exit_code == 0
    result = invoke("memo", "sakura", "--force", *common)
    assert result.exit_code == 0 and "1 built" in result.output
    folder = out / "FY2028" / "sakura"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "agenda.pdf", "briefing.pdf", "memo.pdf", "mop.ics", "plan.json"]
    assert "0 built, 1 unchanged" in invoke("kit", "sakura", *common).output  # same settings: nothing to do
    assert "0 built, 1 unchanged" in invoke("memo", "sakura", *common).output


def test_pipeline_rules_reach_every_command(invoke, profiles, tmp_path, write):
    pack = write("packs/ours.yaml", """
        rules:
          - id: house-check
            when: "true"
            severity: high
            section: pipeline
            finding: "House check for {{ partner.name }}: confirm the deal desk contact."
            questions: ["Who is your deal desk contact for {{ partner.name }}?"]
    """)
    # Bluewater has no high finding of its own, so the house rule's comes first in the index.
    finding = "House check for Bluewater Networks Inc.: confirm the deal desk contact."
    question = "Who is your deal desk contact for Bluewater Networks Inc.?"
    out = tmp_path / "out"
    common = ("bluewater", "--profiles", profiles, "--date", DATE, "--out", out, "--jobs", "1", "--format", "pdf")
    folder = out / "FY2028" / "bluewater"

    def top_findings() -> str:
        with open(out / "FY2028" / "index.csv", newline="", encoding="utf-8") as stream:
            return next(row for row in csv.DictReader(stream) if row["id"] == "bluewater")["top_findings"]

    for command in ("kit", "memo", "brief", "agenda"):
        assert invoke(command, *common).exit_code == 0
        assert finding not in top_findings()
        result = invoke(command, *common, "--rules", pack.parent)
        assert result.exit_code == 0, result.output
        assert "1 built" in result.output  # the rule pack is part of every file's fingerprint
        assert top_findings().startswith(f"high: {finding}")
    assert finding in pdf_text((folder / "briefing.pdf").read_bytes())
    assert question in pdf_text((folder / "agenda.pdf").read_bytes())
    plan = json.loads((folder / "plan.json").read_text())
    assert finding in [f["text"] for f in plan["findings"]]


def _png(path):
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 60), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 45), (80, 10), (150, 50), (230, 15)], fill=(20, 20, 90), width=4)
    image.save(path)


def test_pipeline_a_signed_memo_renders_from_plan_json_alone(invoke, profiles, tmp_path, settings):
    assert invoke("agree", "sakura", "--profiles", profiles, "--date", DATE, "--strategy", "align-partner").exit_code == 0
    path = profiles / "sakura.FY2028.agreement.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for side in ("vendor", "partner"):
        for person in data["signatories"][side]:
            person["signed"] = date(2026, 12, 3)
            person["signature_image"] = "signature.png"
    data["status"] = "signed"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    _png(profiles / "signature.png")
    out = tmp_path / "out"
    assert invoke("kit", "sakura", "--profiles", profiles, "--date", DATE, "--out", out, "--jobs", "1").exit_code == 0

    plan = workshop.Plan.model_validate_json((out / "FY2028" / "sakura" / "plan.json").read_bytes())
    path.unlink()  # nothing downstream reads the agreement or its images again
    (profiles / "signature.png").unlink()
    files = workshop.render_memo(plan, settings)
    assert pdf_pages(files["pdf"]) == 1
    text = pdf_text(files["pdf"])
    assert "Signed · Dana Whitfield, VP, Global Channel Sales · 3 December 2026" in text
    assert "DRAFT" not in text.upper()
    assert len(PdfReader(io.BytesIO(files["pdf"])).pages[0].images) == 1  # the signature image, from the plan
    agreed = [(p.name, p.start, p.end) for p in plan.option("align-partner").periods]
    assert [(p.name, p.start, p.end) for p in plan.memo.periods] == agreed
