"""TOML input; lines are looked up by key name (the first line that assigns each name)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..errors import Problem, ProfileError
from .source import FieldPath, Source

SUFFIXES = (".toml",)


def read(path: Path, text: str) -> Source:
    """Parse TOML, with best-effort lines for its keys."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))  # Python < 3.14 has no exc.lineno
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        reason = str(exc).replace("Cannot overwrite a value", "duplicate key: cannot overwrite a value")
        raise ProfileError([Problem(path, f"malformed TOML: {reason}", line=line)]) from None
    return Source(path, data, _key_lines(text), by_key_name=True)


def _key_lines(text: str) -> dict[FieldPath, int]:
    lines: dict[FieldPath, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"\s*\[*\s*([A-Za-z0-9_.-]+)\s*[\]=]", line)
        if match:
            lines.setdefault((match.group(1).split(".")[-1],), number)
    return lines
