"""Paths and small helpers shared by the tests."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec"
GENERATED = ROOT / "generated"
MINI_SPEC = Path(__file__).parent / "specs" / "mini"
REFERENCE = ROOT.parent / "shared" / "reference"


def edit(path: Path, old: str, new: str) -> int:
    """Replace the single occurrence of `old` in `path` by `new`; return the 1-based line of `new`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    updated = text.replace(old, new)
    path.write_text(updated, encoding="utf-8")
    return updated[: updated.index(new)].count("\n") + 1
