# Vendored from generator/runtime/registry.py by klinggen; edit that file, not this copy.
"""What the generated package registers with the runtime: a loader per table, run on first use.

The runtime never imports a generated module. The package's ``__init__`` calls ``install`` with
loaders that import its own data modules; ``table(name)`` runs a loader once, when the runtime
first needs that table, so registering costs nothing at import time.

Tables: ``endpoints`` (endpoint id -> EndpointInfo), ``inputs`` and ``outputs`` (model classes by
name, as attributes), ``spec_data`` (RULES, MODEL_ENDPOINTS, FIELD_ENDPOINTS, ENDPOINT_FAMILY,
NAMING_DRIFT), ``file_fields`` (FILE_FIELDS, NESTED), ``flags`` (FLAGS), ``pricing`` (PRICING:
endpoint id -> Pricing) and ``fixtures`` (the directory of the fixture files).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TABLES = (
    "endpoints",
    "inputs",
    "outputs",
    "spec_data",
    "file_fields",
    "flags",
    "pricing",
    "fixtures",
)

_loaders: dict[str, Callable[[], Any]] = {}
_tables: dict[str, Any] = {}


def install(**loaders: Callable[[], Any]) -> None:
    """Register loaders by table name; a table loaded before is loaded again on next use."""
    unknown = sorted(loaders.keys() - set(TABLES))
    if unknown:
        raise TypeError(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(TABLES)}")
    _loaders.update(loaders)
    for name in loaders:
        _tables.pop(name, None)


def table(name: str) -> Any:
    """The table `name`, loaded on first use; LookupError when no package registered it."""
    try:
        return _tables[name]
    except KeyError:
        loader = _loaders.get(name)
    if loader is None:
        raise LookupError(f"no {name!r} table registered: import the generated package")
    value = _tables[name] = loader()  # racing first uses load the same modules: harmless
    return value
