"""The x-kling-rules vocabulary: which arguments of each rule kind name fields, and where."""

from __future__ import annotations

from typing import Any

KINDS = (
    "exactly-one-of",
    "at-most-one-of",
    "at-least-one-of",
    "count",
    "total-count",
    "sum",
    "required-when",
    "forbidden-when",
    "compare",
)
ARRAY_KINDS = ("count", "sum")


def kind_of(rule: dict[str, Any]) -> str:
    """The single kind key of a rule (the extension schema guarantees there is one)."""
    return next(key for key in KINDS if key in rule)


def cond_field(cond: dict[str, Any]) -> str:
    """The field a condition reads."""
    return str(cond.get("field") or cond.get("present") or cond.get("absent"))


def field_refs(rule: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(scope, argument pointer, field name) for every field the rule names.

    scope is "self" for properties of the schema the rule is on, "item" for properties of the
    items of the rule's array field.
    """
    kind = kind_of(rule)
    args = rule[kind]
    if isinstance(args, list):
        return [("self", f"{kind}/{i}", str(name)) for i, name in enumerate(args)]
    refs: list[tuple[str, str, str]] = []
    for key in ("field", "left", "right"):
        if key in args:
            refs.append(("self", f"{kind}/{key}", str(args[key])))
    for index, name in enumerate(args.get("fields", [])):
        refs.append(("self", f"{kind}/fields/{index}", str(name)))
    if "item" in args:
        refs.append(("item", f"{kind}/item", str(args["item"])))
    if "where" in args:
        refs.append(("item", f"{kind}/where", cond_field(args["where"])))
    if "when" in args:
        refs.append(("self", f"{kind}/when", cond_field(args["when"])))
    return refs


def primary_field(rule: dict[str, Any]) -> str:
    """The field a violation is reported at: fields[0], field or left."""
    return field_refs(rule)[0][2]
