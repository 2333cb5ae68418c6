"""JSON input; lines come from reading the same text as YAML (JSON is YAML)."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import Problem, ProfileError
from . import yaml as yaml_reader
from .source import Source

SUFFIXES = (".json",)


def read(path: Path, text: str) -> Source:
    """Parse JSON; the YAML reader tells the line of each value for error messages, and of duplicate keys."""
    duplicates: list[str] = []
    try:
        data = json.loads(text, object_pairs_hook=lambda pairs: _mapping(pairs, duplicates))
    except json.JSONDecodeError as exc:
        raise ProfileError([Problem(path, f"malformed JSON: {exc.msg}", line=exc.lineno)]) from None
    try:
        parsed = yaml_reader.read(path, text)
        lines, problems = parsed.lines, parsed.problems
    except ProfileError:
        lines, problems = {}, []
    if duplicates and not problems:  # JSON that YAML cannot read: the key without its line
        problems = [Problem(path, "duplicate key", key) for key in duplicates]
    return Source(path, data, lines, problems)


def _mapping(pairs: list[tuple[str, object]], duplicates: list[str]) -> dict:
    # json keeps the last of two equal keys silently; a profile's author meant one of them, so say so.
    data: dict = {}
    for key, value in pairs:
        if key in data:
            duplicates.append(key)
        data[key] = value
    return data

