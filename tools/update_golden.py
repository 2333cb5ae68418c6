"""Regenerate the golden files that tests/test_golden.py compares against.

Run after an intended change to a template, the theme or the DOCX writer, then review the diff:
    python tools/update_golden.py && git diff tests/golden
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.golden import GOLDEN_DIR, golden_outputs  # noqa: E402

if __name__ == "__main__":
    for name, text in golden_outputs().items():
        path = GOLDEN_DIR / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
