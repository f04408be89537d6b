"""ModuleTable: values imported from one module per key, on first access only."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from generator.runtime.lazy import ModuleTable


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    root = tmp_path / "lazy_probe_pkg"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "alpha.py").write_text("VALUE = 'a'\n")
    (root / "beta.py").write_text("VALUE = 'b'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "lazy_probe_pkg"
    for name in [m for m in sys.modules if m.startswith("lazy_probe_pkg")]:
        del sys.modules[name]


def test_a_value_is_imported_when_first_read(package: str) -> None:
    table: ModuleTable[str] = ModuleTable(package, {"A": "alpha", "B": "beta"}, "VALUE")
    assert f"{package}.alpha" not in sys.modules
    assert table["A"] == "a"
    assert f"{package}.alpha" in sys.modules and f"{package}.beta" not in sys.modules
    assert sorted(table) == ["A", "B"] and len(table) == 2 and "B" in table
    assert f"{package}.beta" not in sys.modules  # iterating and membership import nothing


def test_a_missing_key_is_a_key_error(package: str) -> None:
    table: ModuleTable[str] = ModuleTable(package, {"A": "alpha"}, "VALUE")
    assert table.get("Z") is None
    with pytest.raises(KeyError):
        table["Z"]
