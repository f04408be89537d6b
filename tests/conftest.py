"""Shared fixtures: repository paths, a scratch copy of the mini spec, the generated package on sys.path."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec"
GENERATED = ROOT / "generated"
MINI_SPEC = Path(__file__).parent / "specs" / "mini"
REFERENCE = ROOT.parent / "shared" / "reference"

sys.path.insert(0, str(GENERATED))


@pytest.fixture
def mini_spec(tmp_path: Path) -> Path:
    """A writable copy of tests/specs/mini, named spec/ like the real one."""
    target = tmp_path / "spec"
    shutil.copytree(MINI_SPEC, target)
    return target


def edit(path: Path, old: str, new: str) -> int:
    """Replace the single occurrence of `old` in `path` by `new`; return the 1-based line of `new`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    updated = text.replace(old, new)
    path.write_text(updated, encoding="utf-8")
    return updated[: updated.index(new)].count("\n") + 1 + new[: len(new) - len(new.lstrip("\n"))].count("\n")
