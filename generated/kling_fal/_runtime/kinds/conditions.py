# Vendored from generator/runtime/kinds/conditions.py by klinggen; edit that file, not this copy.
"""Conditions of ``when`` and ``where``: ``{field: F, equals: V}``, ``{field: F, in: [V, ...]}``,
``{field: F, not-in: [V, ...]}``, ``{present: F}``, ``{absent: F}``; an absent field takes its default."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ._support import ABSENT, Context, Edit, Writer
from ._values import get, key, spellings

OPS = ("equals", "in", "not-in", "present", "absent")
_VALUE: dict[str, Any] = {"type": ["string", "number", "boolean"]}
_VALUES: dict[str, Any] = {"type": "array", "items": _VALUE, "minItems": 1}
# JSON Schema of a condition (``#/$defs/cond`` of the extension schema)
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "oneOf": [
        {
            "required": ["field", "equals"],
            "not": {"anyOf": [{"required": ["in"]}, {"required": ["not-in"]}]},
        },
        {
            "required": ["field", "in"],
            "not": {"anyOf": [{"required": ["equals"]}, {"required": ["not-in"]}]},
        },
        {
            "required": ["field", "not-in"],
            "not": {"anyOf": [{"required": ["equals"]}, {"required": ["in"]}]},
        },
        {"required": ["present"], "not": {"required": ["field"]}},
        {"required": ["absent"], "not": {"required": ["field"]}},
    ],
    "properties": {
        "field": {"$ref": "#/$defs/name"},
        "equals": _VALUE,
        "in": _VALUES,
        "not-in": _VALUES,
        "present": {"$ref": "#/$defs/name"},
        "absent": {"$ref": "#/$defs/name"},
    },
}


def cond_field(cond: Mapping[str, Any]) -> str:
    """The field a condition as written in the spec reads."""
    return str(cond.get("field") or cond.get("present") or cond.get("absent"))


def listed(cond: Mapping[str, Any]) -> list[Any]:
    """The values a condition as written lists (none for ``present`` and ``absent``)."""
    op = next(name for name in OPS if name in cond)
    return [] if op in ("present", "absent") else [cond[op]] if op == "equals" else list(cond[op])


@dataclass(frozen=True, slots=True, kw_only=True)
class Cond:
    """A condition on one field of an object; an absent field takes ``default``."""

    field: str
    op: str
    values: tuple[object, ...] = ()
    default: object = None
    keys: tuple[tuple[str, object], ...] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown condition op {self.op!r}")
        keys = (key(wanted) for wanted in self.values)
        object.__setattr__(self, "keys", tuple(k for k in keys if k is not None))

    @classmethod
    def parse(cls, cond: Mapping[str, Any], default: Callable[[str], object]) -> Cond:
        """A condition as written in the spec; ``default`` gives a field's default."""
        op = next(name for name in OPS if name in cond)
        field = cond_field(cond)
        if op in ("present", "absent"):
            return cls(field=field, op=op)
        return cls(field=field, op=op, values=tuple(listed(cond)), default=default(field))

    def holds(self, obj: object) -> bool:
        """Whether the condition holds on ``obj`` (a dict or a model instance)."""
        value = get(obj, self.field)
        if self.op in ("present", "absent"):
            return (value is None) == (self.op == "absent")
        return self.matches(value) != (self.op == "not-in")

    def matches(self, value: object) -> bool:
        """Whether ``value`` (``default`` when None) is one of ``values``; ``5`` matches ``"5"``."""
        found = key(self.default if value is None else value)
        return found is not None and found in self.keys

    def describe(self) -> str:
        if self.op in ("present", "absent"):
            return f"{self.field} is {'given' if self.op == 'present' else 'not given'}"
        shown = ", ".join(repr(v) for v in self.values)
        if self.op == "equals":
            return f"{self.field} is {shown}"
        return f"{self.field} is {'not ' if self.op == 'not-in' else ''}one of {shown}"

    def lower(self) -> dict[str, Any]:
        """The condition as JSON Schema on the object (null fields read as absent)."""
        if self.op in ("present", "absent"):
            given = {"required": [self.field]}
            return given if self.op == "present" else {"not": given}
        listed = {"enum": [s for v in self.values for s in spellings(v)]}
        schema = {"properties": {self.field: listed if self.op != "not-in" else {"not": listed}}}
        return schema if self.holds({}) else {"required": [self.field], **schema}

    def candidates(self, ctx: Context) -> Iterator[Edit]:
        """Edits of the field that make the condition hold and fail: ``holds`` tells which."""
        if self.op in ("present", "absent"):
            yield {self.field: ctx.value(self.field)}
        else:
            seen: list[object] = []
            for value in (*self.values, *ctx.choices(self.field)):
                if value not in seen:
                    seen.append(value)
                    yield {self.field: value}
        yield {self.field: ABSENT}

    def emit(self, w: Writer, o: str) -> str:
        """An expression: whether the condition holds on the dict named ``o``."""
        value = f"{o}.get({self.field!r})"
        if self.op in ("present", "absent"):
            return f"({value} is {'not ' if self.op == 'present' else ''}None)"
        negate = "not " if self.op == "not-in" else ""
        return f"({negate}{w.cond(self)}.matches({value}))"
