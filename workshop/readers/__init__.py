"""Reading input files: one module per format, chosen by the file's suffix, each returning a Source
that knows the line of every value; `load_model` validates a file into a pydantic model. Exports
(CSV, Excel) are read as Tables whose rows know their number (`read_tables`)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Callable

from ..errors import Problem, ProfileError, ProfileNotFound
from . import json, toml, yaml
from .source import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, FieldPath, Source

Reader = Callable[[Path, str], Source]

READERS: dict[str, Reader] = {}
"""Reader per file suffix (lower case, with the dot)."""


def register_reader(module: ModuleType) -> None:
    """Read files with the suffixes of `module` (its SUFFIXES) using its `read(path, text)`."""
    for suffix in module.SUFFIXES:
        READERS[suffix] = module.read


for _module in (yaml, toml, json):
    register_reader(_module)


def suffixes() -> tuple[str, ...]:
    """File suffixes there is a reader for, e.g. (".yaml", ".yml", ".toml", ".json")."""
    return tuple(READERS)


def read_source(path: Path) -> Source:
    """Read and parse one input file; ProfileError for a file too large, unreadable or malformed."""
    try:
        return _read(path)
    except RecursionError:
        raise ProfileError([Problem(path, "nested too deeply")]) from None


def _read(path: Path) -> Source:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProfileError([Problem(path, f"file too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")])
        # utf-8-sig: Windows editors save JSON and TOML with a byte-order mark, which is no part of the text.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ProfileNotFound(f"{path}: no such profile file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError([Problem(path, f"cannot read file: {exc}")]) from None
    reader = READERS.get(path.suffix.lower(), yaml.read)  # YAML is the house format
    try:
        return reader(path, text)
    except (ValueError, TypeError, OverflowError) as exc:  # a reader's own check missed it: still this file's fault
        raise ProfileError([Problem(path, f"cannot read file: {exc}")]) from None


from .models import dotted, field_lines, load_model, validate_source  # noqa: E402  (uses read_source)
from .tables import Row, Table, read_tables, register_table_reader, table_suffixes  # noqa: E402
from . import csv as _csv, xlsx as _xlsx  # noqa: E402

for _module in (_csv, _xlsx):
    register_table_reader(_module)

__all__ = ["FieldPath", "MAX_DEPTH", "MAX_FILE_BYTES", "MAX_NODES", "READERS", "Row", "Source", "Table", "dotted",
           "field_lines", "load_model", "read_source", "read_tables", "register_reader", "register_table_reader",
           "suffixes", "table_suffixes", "validate_source"]
