# Vendored from generator/runtime/fixtures.py by klinggen; edit that file, not this copy.
"""Fixtures derived from the spec: valid and invalid requests and a response example per endpoint.

Read from the directory the generated package registers (``registry.table("fixtures")``): its
`fixtures/` in the source tree, or the copy installed inside it (`kling_fal/_fixtures`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import registry
from .endpoints import get_endpoint

_PREFIX = "fal-ai/kling-video/"


@dataclass(frozen=True, slots=True)
class Fixture:
    """One payload; `expect` lists the (path, rule) problems an invalid one must produce."""

    endpoint_id: str
    name: str
    kind: str  # valid | invalid | output
    description: str
    payload: Any
    expect: tuple[tuple[str, str], ...]


@cache
def load(endpoint_id: str) -> tuple[Fixture, ...]:
    """Every fixture of one endpoint, in file order."""
    get_endpoint(endpoint_id)
    root: Path = registry.table("fixtures")
    path = root / (endpoint_id.removeprefix(_PREFIX) + ".json")
    document = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Fixture(
            endpoint_id=endpoint_id,
            name=item["name"],
            kind=item["kind"],
            description=item["description"],
            payload=item["payload"],
            expect=tuple((e["path"], e["rule"]) for e in item["expect"]),
        )
        for item in document["fixtures"]
    )


def valid(endpoint_id: str) -> tuple[Fixture, ...]:
    """Requests that must validate."""
    return tuple(f for f in load(endpoint_id) if f.kind == "valid")


def invalid(endpoint_id: str) -> tuple[Fixture, ...]:
    """Requests that must fail with exactly their `expect` problems."""
    return tuple(f for f in load(endpoint_id) if f.kind == "invalid")


def output(endpoint_id: str) -> Any:
    """A response example of the endpoint (JSON data)."""
    return next(f.payload for f in load(endpoint_id) if f.kind == "output")
