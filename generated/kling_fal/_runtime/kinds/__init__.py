# Vendored from generator/runtime/kinds/__init__.py by klinggen; edit that file, not this copy.
"""The ``x-kling-rules`` kinds, one module each: arguments, meaning, wording, fixtures, diff,
JSON Schema lowering and emitted Python. The generator and the generated runtime share them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import Kind
from ._support import ABSENT, Check, Context, Defaults, Edit, Ref, Writer, apply
from ._values import get, is_list, is_object, number
from .at_least_one_of import AtLeastOneOf
from .at_most_one_of import AtMostOneOf
from .compare import Compare
from .conditions import Cond, cond_field
from .count import Count
from .exactly_one_of import ExactlyOneOf
from .forbidden_when import ForbiddenWhen
from .required_when import RequiredWhen
from .sum import Sum
from .total_count import TotalCount

KINDS: dict[str, type[Kind]] = {
    kind.name: kind
    for kind in (
        ExactlyOneOf,
        AtMostOneOf,
        AtLeastOneOf,
        Count,
        TotalCount,
        Sum,
        RequiredWhen,
        ForbiddenWhen,
        Compare,
    )
}


def kind_of(rule: Mapping[str, Any]) -> str:
    """The single kind key of a rule as written (the extension schema guarantees there is one)."""
    return next(key for key in KINDS if key in rule)


def refs(rule: Mapping[str, Any]) -> list[Ref]:
    """(scope, argument pointer, field) for every field a rule as written names."""
    kind = kind_of(rule)
    return KINDS[kind].refs(rule[kind])


def parse(rule: Mapping[str, Any], defaults: Defaults) -> Kind:
    """A rule as written, parsed by its kind; ``defaults(scope, field)`` gives field defaults."""
    kind = kind_of(rule)
    return KINDS[kind].parse(rule[kind], defaults)


def rule_schema() -> dict[str, Any]:
    """JSON Schema of one ``x-kling-rules`` item (refs into the extension schema's ``$defs``)."""
    return {
        "type": "object",
        "required": ["id", "message"],
        "additionalProperties": False,
        "oneOf": [{"required": [name]} for name in KINDS],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
            "message": {"type": "string", "minLength": 1},
            "x-kling-note": {"type": "string"},
            **{name: kind.schema for name, kind in KINDS.items()},
        },
    }


__all__ = [
    "ABSENT",
    "KINDS",
    "AtLeastOneOf",
    "AtMostOneOf",
    "Check",
    "Compare",
    "Cond",
    "Context",
    "Count",
    "Defaults",
    "Edit",
    "ExactlyOneOf",
    "ForbiddenWhen",
    "Kind",
    "Ref",
    "RequiredWhen",
    "Sum",
    "TotalCount",
    "Writer",
    "apply",
    "cond_field",
    "get",
    "is_list",
    "is_object",
    "kind_of",
    "number",
    "parse",
    "refs",
    "rule_schema",
]
