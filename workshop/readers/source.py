"""What a reader returns: the parsed data of one file and the line of each value in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem

FieldPath = tuple[str | int, ...]
"""Where a value sits in a file: keys and list indexes, e.g. ("contacts", 0, "email")."""

# Profiles and rule packs are small; these limits stop hostile files (alias "billion laughs",
# megabytes of data, nesting that exhausts the stack) before they cost time or memory.
MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000  # YAML nodes after expanding aliases
MAX_DEPTH = 40


@dataclass
class Source:
    """One parsed input file."""

    path: Path
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)
    """The line of every key and item the reader could place."""
    problems: list[Problem] = field(default_factory=list)
    """Problems found while reading that do not stop it (a duplicate key)."""
    by_key_name: bool = False
    """Lines are known per key name only (TOML): a field's line is that of the nearest key name found."""

    def line(self, at: FieldPath) -> int | None:
        """The line of the value at `at`, or of the nearest enclosing value whose line is known."""
        at = tuple(at)
        if self.by_key_name:
            for part in reversed(at):
                if isinstance(part, str) and (part,) in self.lines:
                    return self.lines[(part,)]
            return None
        for end in range(len(at), -1, -1):
            if at[:end] in self.lines:
                return self.lines[at[:end]]
        return None
