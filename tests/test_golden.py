"""Rendered HTML and word/document.xml match the golden files (regenerate: python tools/update_golden.py)."""

from __future__ import annotations

import pytest

from .golden import GOLDEN_DIR, golden_outputs

OUTPUTS = golden_outputs()


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_golden_matches(name):
    path = GOLDEN_DIR / name
    assert path.is_file(), f"{path} is missing: run python tools/update_golden.py"
    expected = path.read_text(encoding="utf-8")
    assert OUTPUTS[name] == expected, f"{name} changed; if intended, run python tools/update_golden.py and review the diff"
