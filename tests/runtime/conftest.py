"""Import the runtime template as ``kling_fal_template._runtime`` and isolate its spec data.

The template is loaded under its own package name: ``tests/conftest.py`` puts ``generated/`` on
``sys.path``, whose regular ``kling_fal`` package would otherwise shadow the template (a directory
without ``__init__.py``) and these tests would exercise the last generated copy instead.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

_template = types.ModuleType("kling_fal_template")
_template.__path__ = [str(Path(__file__).resolve().parents[2] / "templates/package/kling_fal")]
sys.modules.setdefault("kling_fal_template", _template)

from kling_fal_template._runtime import install, rules  # noqa: E402


@pytest.fixture(autouse=True)
def empty_spec_data() -> Iterator[None]:
    """Every test starts with no rules and no endpoints; what a test installs is undone after it."""
    saved = rules._data
    install(rules={}, model_endpoints={}, field_endpoints={}, endpoint_family={}, naming_drift=())
    yield
    rules._data = saved
