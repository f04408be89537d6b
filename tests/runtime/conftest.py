"""The runtime is imported from generator/runtime/, where it is written; spec data is isolated."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from generator.runtime import install, registry, rules


@pytest.fixture(autouse=True)
def empty_spec_data() -> Iterator[None]:
    """Every test starts with no rules, endpoints or tables; what a test installs is undone after it."""
    saved = rules._data, dict(registry._loaders), dict(registry._tables)
    install(rules={}, model_endpoints={}, field_endpoints={}, endpoint_family={}, naming_drift=())
    registry._loaders.clear()
    registry._tables.clear()
    yield
    rules._data = saved[0]
    for live, old in zip((registry._loaders, registry._tables), saved[1:], strict=True):
        live.clear()
        live.update(old)
