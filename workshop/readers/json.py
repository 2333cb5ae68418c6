"""JSON input; lines come from reading the same text as YAML (JSON is YAML)."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import Problem, ProfileError
from . import yaml as yaml_reader
from .source import Source

SUFFIXES = (".json",)


def read(path: Path, text: str) -> Source:
    """Parse JSON; the YAML reader tells the line of each value for error messages."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError([Problem(path, f"malformed JSON: {exc.msg}", line=exc.lineno)]) from None
    try:
        lines = yaml_reader.read(path, text).lines
    except ProfileError:
        lines = {}
    return Source(path, data, lines)
