"""Excel workbooks (.xlsx): every non-empty sheet is a table. Read-only and values only: formulas are
never evaluated (their last computed value is read) and links to other workbooks are not followed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import Problem, ProfileError
from .tables import MAX_COLUMNS, MAX_ROWS, MAX_SHEETS, MAX_UNPACKED_BYTES, Table, make_table

SUFFIXES = (".xlsx", ".xlsm")


def read_tables(path: Path, data: bytes) -> list[Table]:
    """One table per sheet that has anything in it, in the workbook's order."""
    _check_archive(path, data)
    import openpyxl  # only imports of spreadsheets pay for loading it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises whatever its XML and zip parsers raise on a broken file
        raise ProfileError([Problem(path, f"cannot read as an Excel workbook: {exc}")]) from None
    try:
        if len(workbook.worksheets) > MAX_SHEETS:
            raise ProfileError([Problem(path, f"too many sheets ({len(workbook.worksheets)}; the limit is "
                                              f"{MAX_SHEETS})")])
        tables = []
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # some writers record a wrong used range; read what is there
            records = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS + 1:
                    raise ProfileError([Problem(path, f"too many rows (the limit is {MAX_ROWS:,})", sheet=sheet.title)])
                records.append((number, list(values[:MAX_COLUMNS + 1])))
            table = make_table(path, sheet.title, records)
            if table:
                tables.append(table)
        return tables
    except ProfileError:
        raise
    except Exception as exc:
        raise ProfileError([Problem(path, f"cannot read as an Excel workbook: {exc}")]) from None
    finally:
        workbook.close()


def _check_archive(path: Path, data: bytes) -> None:
    """Refuse what is not a zip archive, and one that would unpack to more than the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise ProfileError([Problem(path, "not an Excel workbook (.xlsx files are zip archives); an old .xls "
                                          "must be saved as .xlsx or CSV")]) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ProfileError([Problem(path, f"workbook too large once unpacked ({unpacked:,} bytes; the limit is "
                                          f"{MAX_UNPACKED_BYTES:,})")])
