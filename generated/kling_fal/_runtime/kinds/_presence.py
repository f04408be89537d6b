# Vendored from generator/runtime/kinds/_presence.py by klinggen; edit that file, not this copy.
"""What the three ``*-one-of`` kinds share: a list of fields, and how many of them are given."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ._base import Kind
from ._support import ABSENT, Context, Defaults, Edit
from ._values import get


@dataclass(frozen=True, slots=True, kw_only=True)
class Presence(Kind):
    """A kind whose argument is a list of at least two fields of the object."""

    schema: ClassVar[dict[str, Any]] = {"$ref": "#/$defs/names"}
    fields_at = (("", "self"),)
    arguments = "list of fields"
    fields: tuple[str, ...]

    @classmethod
    def parse(cls, args: Any, defaults: Defaults) -> Kind:
        return cls(fields=tuple(str(name) for name in args))

    @property
    def subject(self) -> str:
        return self.fields[0]

    def given(self, obj: object) -> int:
        """How many of the fields are present (not null)."""
        return sum(get(obj, name) is not None for name in self.fields)

    def given_expr(self, o: str) -> str:
        """The same count as a Python expression on the dict named ``o``."""
        return " + ".join(f"({o}.get({name!r}) is not None)" for name in self.fields)

    def candidates(self, ctx: Context, obj: Mapping[str, object]) -> Iterator[Edit]:
        """One field removed or given, then none of the fields given, each alone, the first two,
        all of them."""
        for name in self.fields:
            yield {name: ABSENT}
            yield {name: ctx.value(name)}
        subsets = [(), *((name,) for name in self.fields), self.fields[:2], self.fields]
        for subset in subsets:
            yield {n: ctx.value(n) if n in subset else ABSENT for n in self.fields}

    def alone(self) -> list[dict[str, Any]]:
        """JSON Schema per field: that field is given."""
        return [{"required": [name]} for name in self.fields]
