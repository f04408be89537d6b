# Vendored from generator/runtime/kinds/__init__.py by klinggen; edit that file, not this copy.
"""The ``x-kling-rules`` kinds, one module each: arguments, meaning, wording, fixtures, diff,
JSON Schema lowering and emitted Python. The generator and the generated runtime share them."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._base import Kind
from ._support import ABSENT, Check, Context, Defaults, Edit, Ref, Writer, apply
from ._values import get, is_list, is_object, number
from .conditions import Cond, cond_field

if TYPE_CHECKING:
    from .at_least_one_of import AtLeastOneOf
    from .at_most_one_of import AtMostOneOf
    from .compare import Compare
    from .count import Count
    from .exactly_one_of import ExactlyOneOf
    from .forbidden_when import ForbiddenWhen
    from .required_when import RequiredWhen
    from .sum import Sum
    from .total_count import TotalCount

    KINDS: dict[str, type[Kind]]

# class name -> its module; the kinds are imported on first use, so the generated package's rule
# checks import only the kinds their model uses
_MODULES = {
    "ExactlyOneOf": "exactly_one_of",
    "AtMostOneOf": "at_most_one_of",
    "AtLeastOneOf": "at_least_one_of",
    "Count": "count",
    "TotalCount": "total_count",
    "Sum": "sum",
    "RequiredWhen": "required_when",
    "ForbiddenWhen": "forbidden_when",
    "Compare": "compare",
}


def _class(name: str) -> type[Kind]:
    kind: type[Kind] = getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    return kind


@cache
def kinds() -> dict[str, type[Kind]]:
    """Every kind by its spec name (`exactly-one-of`, ...), in the vocabulary's order."""
    return {kind.name: kind for kind in map(_class, _MODULES)}


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """The kind classes and ``KINDS``, imported on first access."""
        if name == "KINDS":
            return kinds()
        if name in _MODULES:
            return _class(name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def kind_of(rule: Mapping[str, Any]) -> str:
    """The single kind key of a rule as written (the extension schema guarantees there is one)."""
    return next(key for key in kinds() if key in rule)


def refs(rule: Mapping[str, Any]) -> list[Ref]:
    """(scope, argument pointer, field) for every field a rule as written names."""
    kind = kind_of(rule)
    return kinds()[kind].refs(rule[kind])


def parse(rule: Mapping[str, Any], defaults: Defaults) -> Kind:
    """A rule as written, parsed by its kind; ``defaults(scope, field)`` gives field defaults."""
    kind = kind_of(rule)
    return kinds()[kind].parse(rule[kind], defaults)


def rule_schema() -> dict[str, Any]:
    """JSON Schema of one ``x-kling-rules`` item (refs into the extension schema's ``$defs``)."""
    return {
        "type": "object",
        "required": ["id", "message"],
        "additionalProperties": False,
        "oneOf": [{"required": [name]} for name in kinds()],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
            "message": {"type": "string", "minLength": 1},
            "x-kling-note": {"type": "string"},
            **{name: kind.schema for name, kind in kinds().items()},
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
    "kinds",
    "number",
    "parse",
    "refs",
    "rule_schema",
]
