"""Same input, same output: every document of every example partner is byte-identical as PDF, and
identical part by part as DOCX, across two separate runs."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile

import pytest

import workshop

from .conftest import AS_OF, EXAMPLES, ROOT

PARTNERS = [p.stem for p in workshop.profile_files(EXAMPLES)]
pytestmark = pytest.mark.slow  # every document of every partner, twice, in fresh processes

# One run: every document of every example partner, written as <partner>.<document>.<format>.
RENDER_ALL = """
import sys, datetime, pathlib, workshop
out, examples, as_of = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), datetime.date.fromisoformat(sys.argv[3])
vendor = workshop.load_vendor(examples / "vendor.yaml")
settings = workshop.load_settings(examples / "vendor.yaml", as_of=as_of)
for path in workshop.profile_files(examples):
    plan = workshop.plan_partnership(vendor, workshop.load_profile(path), settings)
    for document in (doc.name for doc in workshop.documents()):
        for fmt, data in workshop.render_document(plan, document, settings).items():
            (out / f"{plan.partner.id}.{document}.{fmt}").write_bytes(data)
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two runs in separate processes at the same time (two cores), with different hash seeds, so
    that set and dict order, caches and the clock all get a chance to differ."""
    folders, processes = [], []
    for seed in ("1", "2"):
        folder = tmp_path_factory.mktemp(f"run{seed}")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        processes.append(subprocess.Popen([sys.executable, "-c", RENDER_ALL, str(folder), str(EXAMPLES), AS_OF.isoformat()],
                                          cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True))
        folders.append(folder)
    for process in processes:
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors
    return folders


def docx_parts(data: bytes) -> dict[str, bytes]:
    """Every part of a DOCX by name; the zip's own timestamps are not compared."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("document", [doc.name for doc in workshop.documents()])
@pytest.mark.parametrize("partner", PARTNERS)
def test_determinism_pdf_bytes_and_docx_parts(runs, partner, document):
    first, second = (folder / f"{partner}.{document}" for folder in runs)
    pdf = first.with_suffix(first.suffix + ".pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf == second.with_suffix(second.suffix + ".pdf").read_bytes()
    parts = docx_parts(first.with_suffix(first.suffix + ".docx").read_bytes())
    assert {"word/document.xml", "word/header1.xml", "word/footer1.xml"} <= set(parts)
    assert parts == docx_parts(second.with_suffix(second.suffix + ".docx").read_bytes())
