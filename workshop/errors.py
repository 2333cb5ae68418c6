"""The library's small exception hierarchy; only the CLI turns these into messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class WorkshopError(Exception):
    """Base class of every error the library raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file, precise enough to fix without guessing."""

    file: Path
    message: str
    field: str = ""
    line: int | None = None
    row: int | None = None
    """In a spreadsheet or CSV export: the row as a spreadsheet shows it (the header is usually row 1)."""
    column: str = ""
    """In a spreadsheet or CSV export: the column's header."""
    sheet: str = ""
    """In a workbook: the sheet's name."""

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f":{self.line}"
        if self.sheet:
            where += f' (sheet "{self.sheet}")'
        # Tables have no lines a user can jump to; they find a cell by its row and column.
        cell = ", ".join(([f"row {self.row}"] if self.row is not None else [])
                         + ([f'column "{self.column}"'] if self.column else []))
        for part in (cell, self.field):
            if part:
                where += f": {part}"
        return f"{where}: {self.message}"


class ProfileError(WorkshopError):
    """One or more profile files are invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ProfileNotFound(WorkshopError):
    """A partner id or profile path that does not resolve to a file."""


class PlanningError(WorkshopError):
    """The inputs are valid but no plan can be made from them (e.g. a fiscal year out of range)."""


class RuleError(WorkshopError):
    """A rule pack is invalid, or one of its rules failed on the facts; the message names file and rule."""


class RenderError(WorkshopError):
    """A template or a document could not be rendered."""


class SigningError(WorkshopError):
    """A key or certificate cannot be used to sign, or a PDF's signature cannot be checked; the message names the file."""


class OutputError(WorkshopError):
    """The output folder cannot be written (missing permission, a file in the way, a full disk)."""


class UsageError(WorkshopError):
    """The request itself cannot be carried out as asked (e.g. partners from several folders without a
    vendor profile named); the CLI reports it as wrong usage."""
