"""Make the runtime template importable as ``kling_fal._runtime`` and isolate its spec data."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "templates" / "package"))

from kling_fal._runtime import install, rules  # noqa: E402


@pytest.fixture(autouse=True)
def empty_spec_data() -> Iterator[None]:
    """Every test starts with no rules and no endpoints; what a test installs is undone after it."""
    saved = rules._data
    install(rules={}, model_endpoints={}, field_endpoints={}, endpoint_family={}, naming_drift=())
    yield
    rules._data = saved
