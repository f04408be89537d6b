# Vendored from generator/runtime/kinds/forbidden_when.py by klinggen; edit that file, not this copy.
"""``forbidden-when: {field, when}``: the field is absent whenever ``when`` holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._support import Writer
from ._values import get
from ._when import When


@dataclass(frozen=True, slots=True, kw_only=True)
class ForbiddenWhen(When):
    name = "forbidden-when"
    meaning = "`field` is absent whenever COND holds"

    def holds(self, obj: object) -> bool:
        return not self.when.holds(obj) or get(obj, self.field) is None

    def describe(self) -> str:
        return f"{self.field} is not allowed when {self.when.describe()}"

    def lower(self) -> dict[str, Any] | None:
        return {"if": self.when.lower(), "then": {"not": {"required": [self.field]}}}

    def emit(self, w: Writer, depth: int, o: str) -> None:
        w.broken(depth, f"{self.when.emit(w, o)} and {o}.get({self.field!r}) is not None")
