"""Small read-only helpers over raw spec schemas: walking, $ref following, property lookup."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.frontend.load import escape

REF_PREFIX = "#/components/schemas/"
VALUE_BOUNDS = (
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
)
"""The keywords bounding a string's length or a number's value."""
LIMITS = (*VALUE_BOUNDS, "minItems", "maxItems", "pattern")
"""Every keyword limiting a value: bounds, item counts, pattern."""
_SUB_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUB_ONE = ("items", "additionalProperties", "not")


def ref_name(node: Any) -> str | None:
    """The schema name a `{$ref: ...}` node points to, else None."""
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref: str = node["$ref"]
        return ref.removeprefix(REF_PREFIX) if ref.startswith(REF_PREFIX) else ref
    return None


def subschemas(body: Any, at: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, schema) for `body` and every schema nested in it, in document order."""
    if not isinstance(body, dict):
        return
    yield at, body
    props = body.get("properties")
    for name, prop in props.items() if isinstance(props, dict) else ():
        yield from subschemas(prop, f"{at}/properties/{escape(str(name))}")
    for key in _SUB_ONE:
        if isinstance(body.get(key), dict):
            yield from subschemas(body[key], f"{at}/{key}")
    for key in _SUB_LISTS:
        subs = body.get(key)
        for index, sub in enumerate(subs) if isinstance(subs, list) else ():
            yield from subschemas(sub, f"{at}/{key}/{index}")


def all_refs(data: Any, at: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, $ref string) for every $ref anywhere in `data`."""
    if isinstance(data, dict):
        if isinstance(data.get("$ref"), str):
            yield f"{at}/$ref", data["$ref"]
        for key, value in data.items():
            if key != "examples":
                yield from all_refs(value, f"{at}/{escape(str(key))}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from all_refs(value, f"{at}/{index}")


def resolve(schemas: dict[str, Any], node: Any) -> Any:
    """Follow $ref chains from `node` to a schema body (cycles are rejected before this is used)."""
    seen: set[str] = set()
    while (name := ref_name(node)) is not None and name in schemas and name not in seen:
        seen.add(name)
        node = schemas[name]
    return node


def properties(schemas: dict[str, Any], body: Any) -> dict[str, Any]:
    """The properties of an object schema (after following $ref)."""
    target = resolve(schemas, body)
    props = target.get("properties") if isinstance(target, dict) else None
    return props if isinstance(props, dict) else {}


def item_schema(schemas: dict[str, Any], prop: Any) -> Any:
    """The item schema of an array property, resolved; None if the property is not an array."""
    target = resolve(schemas, prop)
    if isinstance(target, dict) and target.get("type") == "array":
        return resolve(schemas, target.get("items"))
    return None


def enum_values(schemas: dict[str, Any], prop: Any) -> list[Any] | None:
    """The enum values a property allows (through its $ref), or None."""
    target = resolve(schemas, prop)
    values = target.get("enum") if isinstance(target, dict) else None
    return values if isinstance(values, list) else None
