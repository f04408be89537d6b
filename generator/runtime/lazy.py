"""A read-only mapping whose values live one module per key, imported on first access.

The generated package keeps per-model data (a model's rules and its check) in a module of its
own, so using one endpoint imports only what that endpoint's models need.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import Generic, TypeVar

V = TypeVar("V")


class ModuleTable(Mapping[str, V], Generic[V]):
    """``table[key]`` is attribute ``attribute`` of module ``package.modules[key]``."""

    def __init__(self, package: str, modules: Mapping[str, str], attribute: str) -> None:
        self._package = package
        self._modules = dict(modules)
        self._attribute = attribute
        self._loaded: dict[str, V] = {}

    def __getitem__(self, key: str) -> V:
        try:
            return self._loaded[key]
        except KeyError:
            module = self._modules[key]  # KeyError for a key the table does not have
        value: V = getattr(import_module(f"{self._package}.{module}"), self._attribute)
        self._loaded[key] = value
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules
