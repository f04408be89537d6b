# Vendored from generator/runtime/kinds/_when.py by klinggen; edit that file, not this copy.
"""What ``required-when`` and ``forbidden-when`` share: a field and the condition ``when``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ._base import Kind
from ._support import ABSENT, Context, Defaults, Edit, apply
from .conditions import Cond


@dataclass(frozen=True, slots=True, kw_only=True)
class When(Kind):
    """A kind on one field of the object, applying while ``when`` holds."""

    arguments = "`field`, `when: COND`"
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["field", "when"],
        "properties": {"field": {"$ref": "#/$defs/name"}, "when": {"$ref": "#/$defs/cond"}},
    }
    fields_at = (("field", "self"), ("when", "self"))
    field: str
    when: Cond

    @classmethod
    def parse(cls, args: Any, defaults: Defaults) -> Kind:
        return cls(
            field=args["field"], when=Cond.parse(args["when"], lambda f: defaults("self", f))
        )

    @property
    def subject(self) -> str:
        return self.field

    def candidates(self, ctx: Context, obj: Mapping[str, object]) -> Iterator[Edit]:
        """The field given or removed, the condition's field changed, then both (the condition
        holding first)."""
        given: tuple[Edit, ...] = ({self.field: ctx.value(self.field)}, {self.field: ABSENT})
        conds = list(self.when.candidates(ctx))
        yield from given
        yield from conds
        both = [{**cond, **edit} for cond in conds for edit in given]
        yield from sorted(both, key=lambda edit: not self.when.holds(apply(obj, edit)))
