# Vendored from generator/runtime/kinds/at_least_one_of.py by klinggen; edit that file, not this copy.
"""``at-least-one-of: [F, ...]``: at least one is present."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._presence import Presence
from ._support import Writer


@dataclass(frozen=True, slots=True, kw_only=True)
class AtLeastOneOf(Presence):
    name = "at-least-one-of"
    meaning = "at least one is present"

    def holds(self, obj: object) -> bool:
        return self.given(obj) >= 1

    def describe(self) -> str:
        return "at least one of " + ", ".join(self.fields)

    def lower(self) -> dict[str, Any] | None:
        return {"anyOf": self.alone()}

    def emit(self, w: Writer, depth: int, o: str) -> None:
        w.broken(depth, f"{self.given_expr(o)} < 1")
