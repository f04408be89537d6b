"""Fixtures shared by the tests; the generated package is imported from generated/."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from support import GENERATED, MINI_SPEC

sys.path.insert(0, str(GENERATED))
# Python's default bytecode caching, for this process and the ones it starts (the xdist workers,
# the generator and client subprocesses): an environment with PYTHONDONTWRITEBYTECODE set would
# have every test process compile every module (and rewrite every test's asserts) from source.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False


@pytest.fixture
def mini_spec(tmp_path: Path) -> Path:
    """A writable copy of tests/specs/mini, named spec/ like the real one."""
    target = tmp_path / "spec"
    shutil.copytree(MINI_SPEC, target)
    return target


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow(seconds): a module that takes long, scheduled early")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest modules first (`slow` marks, longest first), so that the parallel workers
    (pytest-xdist, a module per worker) finish together rather than one of them last with a
    long module. xdist keeps this order only with ``--no-loadscope-reorder`` (pyproject.toml);
    by default it hands out modules by their number of tests, and a one-test 30 s module came
    last."""

    def weight(item: pytest.Item) -> float:
        mark = item.get_closest_marker("slow")
        return -float(mark.args[0]) if mark is not None else 0.0

    items.sort(key=weight)
