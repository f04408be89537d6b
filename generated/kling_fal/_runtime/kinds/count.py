# Vendored from generator/runtime/kinds/count.py by klinggen; edit that file, not this copy.
"""``count: {field, min, max, where}``: the number of items of an array field (matching ``where``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ._base import Kind
from ._support import ABSENT, Context, Defaults, Edit, Writer, within
from ._values import get, is_list, is_object
from .conditions import Cond

_SIZE = {"type": "integer", "minimum": 0}


@dataclass(frozen=True, slots=True, kw_only=True)
class Count(Kind):
    name = "count"
    arguments = "`field` (array), `min`, `max`, optional `where: COND`"
    meaning = (
        "when the field is present, the number of its items (matching `where`) is within min..max"
    )
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["field"],
        "allOf": [{"$ref": "#/$defs/bounds"}],
        "properties": {
            "field": {"$ref": "#/$defs/name"},
            "min": _SIZE,
            "max": _SIZE,
            "where": {"$ref": "#/$defs/cond"},
        },
    }
    fields_at = (("field", "self"), ("where", "item"))
    bounds = ("min", "max")
    array = "field"
    field: str
    min: int | None = None
    max: int | None = None
    where: Cond | None = None

    @classmethod
    def parse(cls, args: Any, defaults: Defaults) -> Kind:
        where = args.get("where")
        return cls(
            field=args["field"],
            min=args.get("min"),
            max=args.get("max"),
            where=None if where is None else Cond.parse(where, lambda f: defaults("item", f)),
        )

    @property
    def subject(self) -> str:
        return self.field

    def holds(self, obj: object) -> bool:
        items = get(obj, self.field)
        if not is_list(items):
            return True
        where = self.where
        if where is None:
            return within(len(items), self.min, self.max)
        if not all(map(is_object, items)):
            return True
        return within(sum(map(where.holds, items)), self.min, self.max)

    def describe(self) -> str:
        which = f" with {self.where.describe()}" if self.where else ""
        return f"{self.field}: {_range(self.min, self.max)} items{which}"

    def candidates(self, ctx: Context, obj: Mapping[str, object]) -> Iterator[Edit]:
        """Item counts at both sides of each bound; with ``where``, items that match and not."""
        sizes = [n for b in (self.max, self.min) if b is not None for n in (b, b + 1, b - 1)]
        seeds = [{}] if self.where is None else list(self.where.candidates(ctx.item(self.field)))
        for size in dict.fromkeys(n for n in sizes if n >= 0):
            for seed in seeds:
                yield {self.field: ctx.items(self.field, size, seed)}
        yield {self.field: ABSENT}

    def lower(self) -> dict[str, Any] | None:
        if self.where is None:
            sizes = {"minItems": self.min, "maxItems": self.max}
            return {"properties": {self.field: {k: v for k, v in sizes.items() if v is not None}}}
        contains: dict[str, Any] = {"contains": self.where.lower(), "minContains": self.min or 0}
        if self.max is not None:
            contains["maxContains"] = self.max
        then = {"if": {"items": {"type": "object"}}, "then": contains}
        return {"properties": {self.field: then}}

    def emit(self, w: Writer, depth: int, o: str) -> None:
        items = w.var()
        w.line(depth, f"{items} = {o}.get({self.field!r})")
        w.line(depth, f"if isinstance({items}, (list, tuple)):")
        if self.where is None:
            w.outside(depth + 1, f"len({items})", self.min, self.max)
            return
        count, item = w.var(), w.var()
        w.line(depth + 1, f"{count} = 0")
        w.each_dict(depth + 1, items, item)
        w.line(depth + 2, f"if {self.where.emit(w, item)}:")
        w.line(depth + 3, f"{count} += 1")
        w.line(depth + 1, "else:")
        w.outside(depth + 2, count, self.min, self.max)


def _range(low: float | None, high: float | None) -> str:
    if low is None:
        return f"at most {high:g}"
    return f"at least {low:g}" if high is None else f"{low:g} to {high:g}"
