# Vendored from generator/runtime/kinds/sum.py by klinggen; edit that file, not this copy.
"""``sum: {field, item, min, max}``: the sum of a numeric item property over an array's items."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ._base import Kind
from ._support import ABSENT, Context, Defaults, Edit, Writer, within
from ._values import get, is_list, is_object, number


@dataclass(frozen=True, slots=True, kw_only=True)
class Sum(Kind):
    """No JSON Schema lowering: JSON Schema cannot add values up."""

    name = "sum"
    arguments = (
        "`field` (array of objects), `item` (numeric or numeric-string property), `min`, `max`"
    )
    meaning = (
        "when the field is present, the sum of `item` over its items is within min..max;"
        " an item without it counts its default"
    )
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["field", "item"],
        "allOf": [{"$ref": "#/$defs/bounds"}],
        "properties": {
            "field": {"$ref": "#/$defs/name"},
            "item": {"$ref": "#/$defs/name"},
            "min": {"$ref": "#/$defs/number"},
            "max": {"$ref": "#/$defs/number"},
        },
    }
    fields_at = (("field", "self"), ("item", "item"))
    bounds = ("min", "max")
    array = "field"
    field: str
    item: str
    min: float | None = None
    max: float | None = None
    item_default: object = None

    @classmethod
    def parse(cls, args: Any, defaults: Defaults) -> Kind:
        return cls(
            field=args["field"],
            item=args["item"],
            min=args.get("min"),
            max=args.get("max"),
            item_default=defaults("item", args["item"]),
        )

    @property
    def subject(self) -> str:
        return self.field

    def holds(self, obj: object) -> bool:
        items = get(obj, self.field)
        if not is_list(items) or not all(map(is_object, items)):
            return True
        total = 0.0
        for item in items:
            found = get(item, self.item)
            value = number(self.item_default if found is None else found)
            if value is None:
                return True
            total += value
        return within(total, self.min, self.max)

    def describe(self) -> str:
        bounds = [f"at least {self.min:g}"] if self.min is not None else []
        bounds += [f"at most {self.max:g}"] if self.max is not None else []
        return f"the {self.item} of {self.field} add up to {' and '.join(bounds)}"

    def candidates(self, ctx: Context, obj: Mapping[str, object]) -> Iterator[Edit]:
        """Items whose values add up to each bound and just past it, largest values first."""
        choices = sorted(ctx.item(self.field).choices(self.item), key=number_or_zero)
        for bound in (self.max, self.min):
            for target in () if bound is None else (bound, bound + 1, bound - 1):
                yield {self.field: self._items(ctx, choices, target)}
        yield {self.field: ABSENT}

    def _items(self, ctx: Context, choices: list[object], target: float) -> list[object]:
        """Items adding up to ``target``, largest values first; when the values cannot make it
        exactly, the smallest positive one more goes past it."""
        positive = [c for c in choices if number_or_zero(c) > 0]
        values: list[object] = []
        left = target
        while left > 0:
            fitting = [c for c in positive if number_or_zero(c) <= left]
            step = fitting[-1] if fitting else positive[0] if positive else None
            values.append(left if step is None else step)
            left -= number_or_zero(values[-1]) if fitting or step is None else left
        return [i for v in values for i in ctx.items(self.field, 1, {self.item: v})]

    def emit(self, w: Writer, depth: int, o: str) -> None:
        items, total, item, value = w.var(), w.var(), w.var(), w.var()
        w.line(depth, f"{items} = {o}.get({self.field!r})")
        w.line(depth, f"if isinstance({items}, (list, tuple)):")
        w.line(depth + 1, f"{total} = 0.0")
        w.each_dict(depth + 1, items, item)
        w.line(depth + 2, f"{value} = {item}.get({self.item!r})")
        default = repr(self.item_default)
        w.line(depth + 2, f"{value} = _number({default} if {value} is None else {value})")
        w.line(depth + 2, f"if {value} is None:")
        w.line(depth + 3, "break")
        w.line(depth + 2, f"{total} += {value}")
        w.line(depth + 1, "else:")
        w.outside(depth + 2, total, self.min, self.max)


def number_or_zero(value: object) -> float:
    return number(value) or 0.0
