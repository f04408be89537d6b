# Vendored from generator/runtime/kinds/_support.py by klinggen; edit that file, not this copy.
"""What rule kinds share: edits of payloads, the fixture context, the writer of emitted code."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Protocol


class _Absent(Enum):
    ABSENT = "absent"


ABSENT = _Absent.ABSENT
Edit = Mapping[str, object]  # field -> new value; ABSENT removes the field
Ref = tuple[str, str, str]  # (scope: "self" | "item", argument pointer, field name)
Defaults = Callable[[str, str], object]  # (scope, field) -> the field's default, None if none
Check = Callable[[object], "bool | None"]  # emitted checks: None hands the input to evaluate


def apply(obj: Mapping[str, object], edit: Edit) -> dict[str, object]:
    """A copy of ``obj`` with ``edit`` applied."""
    changed = {**obj, **edit}
    return {name: value for name, value in changed.items() if value is not ABSENT}


class Context(Protocol):
    """What fixture derivation offers a kind: valid values of the object's fields."""

    def value(self, name: str) -> object:
        """A valid value of field ``name``."""

    def is_array(self, name: str) -> bool:
        """Whether field ``name`` is an array."""

    def choices(self, name: str) -> tuple[object, ...]:
        """The enum values of field ``name`` (or of its items), else ()."""

    def items(self, name: str, count: int, edit: Edit | None = None) -> list[object]:
        """``count`` valid items of array field ``name``, object items changed by ``edit``."""

    def item(self, name: str) -> Context:
        """The context of the items of array field ``name``."""


class Writer:
    """Lines of Python source with fresh variable names, and the conditions they read."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.conds: dict[str, object] = {}
        self._ids = itertools.count()

    def line(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def var(self) -> str:
        return f"v{next(self._ids)}"

    def cond(self, cond: object) -> str:
        """The name of a module constant holding ``cond`` (one per distinct condition)."""
        for name, known in self.conds.items():
            if known == cond:
                return name
        name = f"_COND_{len(self.conds)}"
        self.conds[name] = cond
        return name

    def broken(self, depth: int, test: str) -> None:
        """``return False`` when ``test`` is true."""
        self.line(depth, f"if {test}:")
        self.line(depth + 1, "return False")

    @staticmethod
    def outside(total: str, low: float | None, high: float | None) -> str:
        """An expression: whether ``total`` is outside ``low``..``high`` (one bound at least)."""
        bounds = [f"{total} < {low!r}"] if low is not None else []
        bounds += [f"{total} > {high!r}"] if high is not None else []
        return " or ".join(bounds)

    def each_dict(self, depth: int, items: str, item: str) -> None:
        """``for item in items:`` that stops (the rule holds) at an item that is no object,
        and hands other objects (model instances) to evaluate."""
        self.line(depth, f"for {item} in {items}:")
        self.line(depth + 1, f"if type({item}) is not dict:")
        self.line(depth + 2, f"if _is_object({item}):")
        self.line(depth + 3, "return None")
        self.line(depth + 2, "break")


def within(total: float, low: float | None, high: float | None) -> bool:
    return (low is None or total >= low) and (high is None or total <= high)
