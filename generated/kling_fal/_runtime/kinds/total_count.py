# Vendored from generator/runtime/kinds/total_count.py by klinggen; edit that file, not this copy.
"""``total-count: {fields, max}``: arrays count their items, other fields 1; at most ``max``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ._base import Kind
from ._support import ABSENT, Context, Defaults, Edit, Writer
from ._values import get, is_list


@dataclass(frozen=True, slots=True, kw_only=True)
class TotalCount(Kind):
    """No JSON Schema lowering: JSON Schema cannot add the lengths of several arrays."""

    name = "total-count"
    arguments = "`fields`, `max`"
    meaning = (
        "arrays count their items, other fields count 1 when present; the total is at most max"
    )
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["fields", "max"],
        "properties": {
            "fields": {"$ref": "#/$defs/names"},
            "max": {"type": "integer", "minimum": 0},
        },
    }
    fields_at = (("fields", "self"),)
    bounds = ("max",)
    fields: tuple[str, ...]
    max: int

    @classmethod
    def parse(cls, args: Any, defaults: Defaults) -> Kind:
        return cls(fields=tuple(args["fields"]), max=args["max"])

    @property
    def subject(self) -> str:
        return self.fields[0]

    def holds(self, obj: object) -> bool:
        values = [get(obj, name) for name in self.fields]
        return sum(len(v) if is_list(v) else 1 for v in values if v is not None) <= self.max

    def describe(self) -> str:
        return f"{' + '.join(self.fields)}: at most {self.max} in total"

    def candidates(self, ctx: Context, obj: Mapping[str, object]) -> Iterator[Edit]:
        """Totals ``max`` and ``max + 1``, filled in field order, then each order reversed."""
        for order in (self.fields, self.fields[::-1]):
            for total in (self.max, self.max + 1):
                edit: dict[str, object] = {}
                for name in order:
                    if total and ctx.is_array(name):
                        edit[name], total = ctx.items(name, total), 0
                    elif total:
                        edit[name], total = ctx.value(name), total - 1
                    else:
                        edit[name] = ABSENT
                if not total:
                    yield edit

    def emit(self, w: Writer, depth: int, o: str) -> None:
        total = w.var()
        w.line(depth, f"{total} = 0")
        for name in self.fields:
            value = w.var()
            w.line(depth, f"{value} = {o}.get({name!r})")
            w.line(depth, f"if {value} is not None:")
            w.line(
                depth + 1, f"{total} += len({value}) if isinstance({value}, (list, tuple)) else 1"
            )
        w.broken(depth, w.outside(total, None, self.max))
