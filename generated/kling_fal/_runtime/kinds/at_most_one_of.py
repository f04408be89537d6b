# Vendored from generator/runtime/kinds/at_most_one_of.py by klinggen; edit that file, not this copy.
"""``at-most-one-of: [F, ...]``: at most one is present."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from ._presence import Presence
from ._support import Writer


@dataclass(frozen=True, slots=True, kw_only=True)
class AtMostOneOf(Presence):
    name = "at-most-one-of"
    meaning = "at most one is present"

    def holds(self, obj: object) -> bool:
        return self.given(obj) <= 1

    def describe(self) -> str:
        return "at most one of " + ", ".join(self.fields)

    def lower(self) -> dict[str, Any] | None:
        return {
            "not": {
                "anyOf": [{"required": [a, b]} for a, b in itertools.combinations(self.fields, 2)]
            }
        }

    def emit(self, w: Writer, depth: int, o: str) -> None:
        w.broken(depth, f"{self.given_expr(o)} > 1")
