"""Paths and small helpers shared by the tests."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec"
# KLING_TEST_GENERATED points the package tests at another generated tree (e.g. a scratch one).
GENERATED = Path(os.environ.get("KLING_TEST_GENERATED", ROOT / "generated"))
MINI_SPEC = Path(__file__).parent / "specs" / "mini"
# Facts about fal copied into the repo (tests/data/reference/README.md names the sources).
REFERENCE = Path(__file__).parent / "data" / "reference"


def edit(path: Path, old: str, new: str) -> int:
    """Replace the single occurrence of `old` in `path` by `new`; return the 1-based line of `new`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    updated = text.replace(old, new)
    path.write_text(updated, encoding="utf-8")
    return updated[: updated.index(new)].count("\n") + 1
