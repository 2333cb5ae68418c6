"""The kit index of a year folder: index.html and index.csv (one row per partner) and manifest.json
(every file with its sha256), built from the folders' build records, not from one run's results."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import jinja2

from ..version import __version__
from ..documents import documents
from ..errors import OutputError
from ..storage import write_atomic
from ..writers import format_label
from . import state

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexRow:
    """One partner's line in the index."""

    id: str
    name: str
    status: str
    recommended: str = ""
    mop: str = ""
    """The MOP the memo prints, by its title: the agreed one, else the recommendation."""
    mop_start: str = ""
    mop_end: str = ""
    session: str = ""
    """The session's date (ISO), if one is agreed."""
    next_commitment: str = ""
    """The next dated commitment: `2027-03-22: Share a committed forecast ... (MOP Q1)`."""
    worst_offset_days: int | None = None
    score: float | None = None
    agreement: str = ""
    """`draft`, `signed` or `none`: the state of the memo in the kit."""
    top_findings: tuple[str, ...] = ()
    """The most severe findings, most severe first."""
    files: tuple[str, ...] = ()
    """Paths relative to the year folder."""
    error: str = ""


def index_rows(out: Path, fiscal_year: int) -> list[IndexRow]:
    """Every partner found in OUT/FY<year>: builds (from their build records) and recorded failures."""
    year = state.year_folder(out, fiscal_year)
    rows: dict[str, IndexRow] = {}
    for folder, record in state.read_records(year).values():
        summary = record.get("summary")
        if not isinstance(summary, dict):
            log.warning("%s: build record without a summary; left out of the index", folder)
            continue
        rows[folder.name] = IndexRow(
            id=folder.name, name=str(summary.get("name", "")), status="built",
            recommended=str(summary.get("recommended", "")),
            mop=str(summary.get("mop", "")), mop_start=str(summary.get("mop_start", "")),
            mop_end=str(summary.get("mop_end", "")), session=str(summary.get("session") or ""),
            next_commitment=_commitment(summary.get("next_commitment")),
            worst_offset_days=summary.get("worst_offset_days"), score=summary.get("score"),
            agreement=str(summary.get("agreement", "none")),
            top_findings=tuple(summary.get("top_findings", ())),
            files=tuple(f"{folder.name}/{name}" for name in sorted(record["files"])),
        )
    for path in sorted((year / state.FAILURES_FOLDER).glob("*.json")):
        if (failure := state.read_failure(path)) is None:
            log.warning("%s: unreadable failure record", path)
            continue
        rows.setdefault(failure["id"], IndexRow(id=failure["id"], name="", status="failed", error=failure["error"]))
    return [rows[key] for key in sorted(rows)]


def _commitment(entry) -> str:
    if not isinstance(entry, dict):
        return ""
    period = f" ({entry['period']})" if entry.get("period") else ""
    return f"{entry.get('day', '')}: {entry.get('text', '')}{period}"


def _index_csv(rows: list[IndexRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "name", "mop", "mop_start", "mop_end", "recommended", "worst_offset_days", "score",
                     "agreement", "session", "next_commitment", "top_findings", "status", "error", "files"])
    for row in rows:
        writer.writerow([_cell(row.id), _cell(row.name), _cell(row.mop), row.mop_start, row.mop_end,
                         _cell(row.recommended), "" if row.worst_offset_days is None else row.worst_offset_days,
                         "" if row.score is None else f"{row.score:.1f}", _cell(row.agreement), _cell(row.session),
                         _cell(row.next_commitment), _cell(" | ".join(row.top_findings)), _cell(row.status),
                         _cell(row.error), _cell(" ".join(row.files))])
    return buffer.getvalue().encode("utf-8")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text: Excel and LibreOffice run a cell that starts like a formula
    (`=HYPERLINK(...)` in a partner's name), so such a cell gets a leading apostrophe (OWASP's advice)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _file_groups(files: Iterable[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """A partner's files for the index, one line per document: [("memo", [("PDF", "sakura/memo.pdf"), …]), …]."""
    groups: dict[str, list[tuple[str, str]]] = {}
    others: list[tuple[str, str]] = []
    order = [doc.stem for doc in documents()]
    for path in files:
        stem, _, suffix = re.sub(r"^.*-FY\d+-", "", path.rpartition("/")[2]).rpartition(".")
        if stem in order:
            groups.setdefault(stem, []).append((format_label(suffix), path))
        else:
            others.append((path.rpartition("/")[2], path))
    lines = [(stem, sorted(groups[stem])) for stem in order if stem in groups]
    return lines + ([("data", others)] if others else [])


def _index_html(rows: list[IndexRow], fiscal_year: int) -> bytes:
    # A fixed template of our own, not on the theme's search path: autoescaped, because partner
    # names and error messages come from untrusted profiles.
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = env.from_string((Path(__file__).parent / "index.html").read_text(encoding="utf-8"))
    built = sum(r.status == "built" for r in rows)
    signed = sum(r.agreement == "signed" for r in rows)
    drafts = sum(r.agreement == "draft" for r in rows)
    return template.render(rows=rows, fiscal_year=fiscal_year, built=built, failed=len(rows) - built,
                           signed=signed, drafts=drafts, file_groups=_file_groups).encode("utf-8")


def write_index(out: Path | str, fiscal_year: int) -> list[Path]:
    """Write index.html, index.csv and manifest.json beside the partner folders of OUT/FY<year>.

    Built from what the folders hold, not from one run's results, so it also gathers the output
    of several `--shard` runs. The manifest lists every file with its sha256, as recorded when
    the file was written.
    """
    try:
        return _write_index(Path(out), fiscal_year)
    except OSError as exc:
        raise OutputError(f"{exc.filename or out}: cannot write the index: {exc.strerror or exc}") from None


def _write_index(out: Path, fiscal_year: int) -> list[Path]:
    year = state.year_folder(out, fiscal_year)
    rows = index_rows(out, fiscal_year)
    html, table = _index_html(rows, fiscal_year), _index_csv(rows)
    write_atomic(year / "index.html", html)
    write_atomic(year / "index.csv", table)
    files = {"index.html": hashlib.sha256(html).hexdigest(), "index.csv": hashlib.sha256(table).hexdigest()}
    built = {r.id for r in rows if r.status == "built"}
    for folder, record in state.read_records(year).values():
        if folder.name in built:
            files.update((f"{folder.name}/{name}", entry["sha256"]) for name, entry in record["files"].items())
    manifest = {
        "tool": f"workshop {__version__}",
        "fiscal_year": fiscal_year,
        "partners": {r.id: r.status for r in rows},
        "files": dict(sorted(files.items())),
    }
    write_atomic(year / "manifest.json", state.json_bytes(manifest))
    log.info("%s: index of %d partners", year, len(rows))
    return [year / name for name in state.INDEX_FILES]
