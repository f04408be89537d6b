# Vendored from generator/runtime/kinds/exactly_one_of.py by klinggen; edit that file, not this copy.
"""``exactly-one-of: [F, ...]``: exactly one of them is present (not null)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._presence import Presence
from ._support import Writer


@dataclass(frozen=True, slots=True, kw_only=True)
class ExactlyOneOf(Presence):
    name = "exactly-one-of"
    meaning = "exactly one of them is present (not null)"

    def holds(self, obj: object) -> bool:
        return self.given(obj) == 1

    def describe(self) -> str:
        return "exactly one of " + ", ".join(self.fields)

    def lower(self) -> dict[str, Any] | None:
        return {"oneOf": self.alone()}

    def emit(self, w: Writer, depth: int, o: str) -> None:
        w.broken(depth, f"{self.given_expr(o)} != 1")
