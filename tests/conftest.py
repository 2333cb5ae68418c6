"""Shared fixtures: the example profiles, a CLI runner, one theme per test session, text extraction."""

from __future__ import annotations

import io
import re
import shutil
import textwrap
import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings


import workshop
from workshop.cli import cli

# Machines here are shared: a property must not fail because one example ran slowly.
settings.register_profile("workshop", deadline=None, derandomize=False)
settings.load_profile("workshop")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "partner_profiles"
AS_OF = date(2026, 11, 26)


def pytest_collection_modifyitems(items):
    """Every test that builds a kit is slow (seconds each): `-m "not slow"` leaves them out."""
    for item in items:
        if "kit" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner):
    def run(*args: str):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def settings() -> workshop.Settings:
    """The example vendor's settings for a plan made on AS_OF."""
    return workshop.load_settings(EXAMPLES / "vendor.yaml", as_of=AS_OF)


@pytest.fixture(scope="session")
def theme(settings) -> workshop.Theme:
    return workshop.theme_for(settings)


@pytest.fixture(scope="session")
def vendor() -> workshop.VendorProfile:
    return workshop.load_vendor(EXAMPLES / "vendor.yaml")


@pytest.fixture
def write(tmp_path):
    """Write a dedented text file into tmp_path and return its path."""

    def make(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return make


def agreement_yaml(vendor_signatory: str) -> str:
    """A one-period agreement for FY2028 of the example vendor, signed (or not) by one vendor signatory, e.g.
    `{name: Dana Whitfield, signed: 2026-12-03}`: the signatory is on line 6."""
    return textwrap.dedent(f"""\
        fiscal_year: 2028
        strategy: align-vendor
        periods: [{{name: Year, start: 2027-02-01, end: 2028-01-31}}]
        review_cadence: Monthly
        signatories:
          vendor: [{vendor_signatory}]
    """)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = normalise(" ".join(page.extract_text() for page in reader.pages))
    return re.sub(r"(?<=\w)- (?=\w)", "-", text)  # a line broken after a hyphen: "IT-\nSystemhaus"


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    """Every paragraph of the body, tables, header and footer, in document order."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = []
    body = document.element.body
    for paragraph in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        parts.append("".join(t.text or "" for t in paragraph.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")))
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return normalise(" ".join(parts))


def docx_part(data: bytes, name: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


def normalise(text: str) -> str:
    """Whitespace folded to single spaces, and none left between two Chinese or Japanese characters (a
    line broken inside a sentence, which those scripts write without spaces)."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(f"(?<=[{CJK}]) | (?=[{CJK}])", "", text)


CJK = "\u3000-\u30ff\u3400-\u9fff\uff00-\uffef"


KIT_PARTNERS = ("bluewater", "rheinwerk", "sakura")


@pytest.fixture
def profiles(tmp_path):
    """A copy of the vendor and three example partners, to break at will."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    for name in ("vendor",) + KIT_PARTNERS:
        shutil.copy(EXAMPLES / f"{name}.yaml", folder)
    return folder


@pytest.fixture
def kit(invoke, profiles, tmp_path):
    """Run `workshop kit --all` on `profiles` into tmp_path/out: PDF only, one process, unless told."""
    out = tmp_path / "out"

    def run(*args: str, formats: str = "pdf", jobs: str = "1"):
        return invoke("kit", "--all", "--profiles", profiles, "--date", AS_OF.isoformat(), "--out", out,
                      "--format", formats, "--jobs", jobs, *args)

    run.out = out
    run.year = out / "FY2028"
    return run
