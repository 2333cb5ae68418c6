"""CSV input as Excel and CRMs write it: UTF-8 with or without a BOM (or UTF-16, or Windows-1252 from an
old Excel), comma, semicolon (European locales) or tab separators, quoted fields with separators and
line breaks in them."""

from __future__ import annotations

import codecs
import csv
import io
import logging
from pathlib import Path

from ..errors import Problem, ProfileError
from .tables import MAX_ROWS, Table, make_table

SUFFIXES = (".csv", ".tsv")

SEPARATORS = (",", ";", "\t")
"""Field separators recognised, in order of preference when the header does not tell."""

logger = logging.getLogger(__name__)


def read_tables(path: Path, data: bytes) -> list[Table]:
    """The one table of a CSV file (none if it is empty)."""
    text = _decode(path, data)
    if "\x00" in text:
        raise ProfileError([Problem(path, "not a text file (it contains NUL bytes); export it as CSV again")])
    first_line, _, rest = text.partition("\n")
    # Excel writes (and honours) a first line "sep=;" that names the separator.
    if first_line.strip().lower().startswith("sep=") and len(first_line.strip()) == 5:
        separator, text, skipped = first_line.strip()[4], rest, 1
    else:
        separator, skipped = _separator(text), 0
    records = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        for number, values in enumerate(reader, start=1 + skipped):
            if number > MAX_ROWS + 1 + skipped:
                raise ProfileError([Problem(path, f"too many rows (the limit is {MAX_ROWS:,})")])
            records.append((number, values))
    except csv.Error as exc:
        raise ProfileError([Problem(path, f"malformed CSV: {exc}", row=len(records) + 1 + skipped)]) from None
    table = make_table(path, "", records)
    return [table] if table else []


def _decode(path: Path, data: bytes) -> str:
    """The text of the file: a BOM decides; else UTF-8; else Windows-1252 (Excel's "CSV" in western locales)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ProfileError([Problem(path, f"cannot read as {encoding.upper()}: {exc.reason}")]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ProfileError([Problem(path, "not UTF-8 or Windows-1252 text; export it as \"CSV UTF-8\"")]) from None
    logger.info("%s: not UTF-8; read as Windows-1252", path)
    return text


def _separator(text: str) -> str:
    """The separator that splits the header into the most fields (a comma when none splits it)."""
    best, fields = SEPARATORS[0], 1
    for separator in SEPARATORS:
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=separator), [])
        except csv.Error:
            continue
        if len(header) > fields:
            best, fields = separator, len(header)
    return best
