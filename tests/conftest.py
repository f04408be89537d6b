"""Fixtures shared by the tests; the generated package is imported from generated/."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from support import GENERATED, MINI_SPEC

sys.path.insert(0, str(GENERATED))


@pytest.fixture
def mini_spec(tmp_path: Path) -> Path:
    """A writable copy of tests/specs/mini, named spec/ like the real one."""
    target = tmp_path / "spec"
    shutil.copytree(MINI_SPEC, target)
    return target
