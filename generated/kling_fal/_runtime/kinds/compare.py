# Vendored from generator/runtime/kinds/compare.py by klinggen; edit that file, not this copy.
"""``compare: {left, op, right, offset}``: ``left op right + offset`` when both are numbers."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ._base import Kind
from ._support import Context, Defaults, Edit, Writer
from ._values import get, number

_OPS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    "lt": (operator.lt, "<"),
    "le": (operator.le, "<="),
    "gt": (operator.gt, ">"),
    "ge": (operator.ge, ">="),
}
_PROBE = 10_000  # the right-hand value fixtures use


@dataclass(frozen=True, slots=True, kw_only=True)
class Compare(Kind):
    """No JSON Schema lowering: JSON Schema cannot compare two values of an object."""

    name = "compare"
    arguments = "`left`, `op` (`lt` `le` `gt` `ge`), `right`, optional `offset`"
    meaning = "`left op right + offset` when both are present"
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["left", "op", "right"],
        "properties": {
            "left": {"$ref": "#/$defs/name"},
            "op": {"enum": list(_OPS)},
            "right": {"$ref": "#/$defs/name"},
            "offset": {"$ref": "#/$defs/number"},
        },
    }
    fields_at = (("left", "self"), ("right", "self"))
    left: str
    op: str
    right: str
    offset: float = 0

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"unknown comparison {self.op!r}")

    @classmethod
    def parse(cls, args: Any, defaults: Defaults) -> Kind:
        return cls(
            left=args["left"], op=args["op"], right=args["right"], offset=args.get("offset", 0)
        )

    @property
    def subject(self) -> str:
        return self.left

    def holds(self, obj: object) -> bool:
        left, right = number(get(obj, self.left)), number(get(obj, self.right))
        return left is None or right is None or _OPS[self.op][0](left, right + self.offset)

    def describe(self) -> str:
        offset = f" {'+' if self.offset >= 0 else '-'} {abs(self.offset):g}" if self.offset else ""
        return f"{self.left} {_OPS[self.op][1]} {self.right}{offset}"

    def candidates(self, ctx: Context, obj: Mapping[str, object]) -> Iterator[Edit]:
        """``left`` at, just past and far from ``right + offset``."""
        bound = _PROBE + self.offset
        for left in (bound, bound - 1, bound + 1, bound - 5000, bound + 5000):
            yield {self.right: _PROBE, self.left: left}

    def emit(self, w: Writer, depth: int, o: str) -> None:
        left, right = w.var(), w.var()
        w.line(depth, f"{left} = _number({o}.get({self.left!r}))")
        w.line(depth, f"{right} = _number({o}.get({self.right!r}))")
        test = f"{left} {_OPS[self.op][1]} {right} + {self.offset!r}"
        w.broken(depth, f"{left} is not None and {right} is not None and not ({test})")
