"""fal's queue OpenAPI schemas -> schemas in the spec/ format (named enums, $refs to shared types).

fal inlines enums, wraps $refs in `allOf`, names components after the endpoint
(`KlingVideoV26ProImageToVideoInput`) and titles them with the names users see
(`ImageToVideoV26ProRequest`). Here every component is keyed by its title, inline enums become
$refs to our enum with exactly the same values (or a new named enum), and our own additions
(x-kling-rules, x-kling-note) survive an update.
"""

from __future__ import annotations

from typing import Any

from generator.fal.names import pascal
from generator.frontend.schema_walk import LIMITS, REF_PREFIX, ref_name
from generator.runtime import kinds

_SCHEMA_KEYS = (
    "$ref",
    "title",
    "type",
    "format",
    "required",
    "x-fal-order-properties",
    "items",
    "description",
    "default",
    "enum",
    "const",
    *LIMITS,
    "additionalProperties",
    "examples",
    "x-fal",
    "properties",
)
OURS = ("x-kling-note", "x-kling-title-inferred", "x-kling-rules")
_FAL_LIMITS = (
    "max_file_size",
    "min_width",
    "max_width",
    "min_height",
    "max_height",
    "min_aspect_ratio",
    "max_aspect_ratio",
    "min_duration",
    "max_duration",
    "min_fps",
    "max_fps",
    "timeout",
)


def _ref(key: str) -> dict[str, Any]:
    return {"$ref": REF_PREFIX + key}


class Converter:
    """Converts the components of one fal document against a pool of our schemas.

    `pool`: our schema bodies by key (other files); `keys`: fal title -> key to define the
    converted component under in the endpoint file; `refs`: fal title -> our key to refer to
    instead. A title in neither is referred to when `pool` has it, else defined under its title.
    """

    def __init__(
        self,
        fal: dict[str, Any],
        pool: dict[str, Any],
        keys: dict[str, str],
        refs: dict[str, str],
        enum_hints: dict[str, str],
    ) -> None:
        self.fal = fal
        self.pool = pool
        self.keys = keys
        self.refs = refs
        self.enum_hints = enum_hints  # property name -> the enum our spec uses for it today
        self.out: dict[str, Any] = {}
        self.done: dict[str, str] = {}

    def title_of(self, fal_name: str) -> str:
        body = self.fal.get(fal_name) or {}
        return str(body.get("title") or fal_name)

    def component(self, fal_name: str) -> str:
        """Our key for fal component `fal_name` (converted into `out` when defined here)."""
        if fal_name in self.done:
            return self.done[fal_name]
        body = self.fal.get(fal_name) or {}
        title = self.title_of(fal_name)
        if isinstance(body.get("enum"), list):
            key = self.enum(body["enum"], body, title.removesuffix("Enum"))
        elif title in self.refs or (title not in self.keys and title in self.pool):
            key = self.refs.get(title, title)
        else:
            key = self.keys.get(title) or self.free(title)
            self.done[fal_name] = key
            self.out[key] = {}
            self.out[key] = self.schema(body)
        self.done[fal_name] = key
        return key

    def free(self, base: str) -> str:
        key, counter = base, 2
        while key in self.pool or key in self.out:
            key, counter = f"{base}{counter}", counter + 1
        return key

    def enum(self, values: list[Any], body: dict[str, Any], name: str) -> str:
        """Our enum with exactly `values` (the one in use for `name` first), else a new one."""
        matches = sorted(
            key for key, ours in {**self.pool, **self.out}.items() if ours.get("enum") == values
        )
        hint = self.enum_hints.get(name)
        if matches:
            return hint if hint in matches else matches[0]
        title = f"{pascal(name)}Enum"
        key = self.free(title)
        self.out[key] = {"title": title, "type": str(body.get("type", "string")), "enum": values}
        return key

    def schema(self, body: dict[str, Any]) -> dict[str, Any]:
        """An object (or other) schema body, converted."""
        out = self.node(body, "")
        props = body.get("properties")
        if isinstance(props, dict):
            order = [str(n) for n in body.get("x-fal-order-properties") or ()]
            names = [n for n in order if n in props] + sorted(n for n in props if n not in order)
            out["properties"] = {name: self.node(props[name], name) for name in names}
        return _ordered(out)

    def node(self, node: Any, name: str) -> dict[str, Any]:
        """One property (or items) schema: allOf-wrapped and plain $refs, inline enums."""
        if not isinstance(node, dict):
            return {}
        node = dict(node)
        wrapped = node.pop("allOf", None)
        if isinstance(wrapped, list) and len(wrapped) == 1 and ref_name(wrapped[0]):
            node["$ref"] = wrapped[0]["$ref"]
        elif wrapped is not None:
            node["allOf"] = [self.node(sub, name) for sub in wrapped]
        out: dict[str, Any] = {}
        target = ref_name(node)
        if target is not None:
            out["$ref"] = REF_PREFIX + self.component(target)
        elif isinstance(node.get("enum"), list) and name:
            out["$ref"] = REF_PREFIX + self.enum(node["enum"], node, name)
            node = {k: v for k, v in node.items() if k not in ("enum", "type")}
        for key, value in node.items():
            if key in ("$ref", "properties") or (key not in _SCHEMA_KEYS and key != "allOf"):
                continue
            out[key] = self.node(value, name) if key == "items" else value
        if isinstance(out.get("x-fal"), dict):
            limits = out["x-fal"]
            rank = {k: i for i, k in enumerate(_FAL_LIMITS)}
            out["x-fal"] = dict(sorted(limits.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        return _ordered(out)


def _ordered(node: dict[str, Any]) -> dict[str, Any]:
    rank = {key: index for index, key in enumerate((*_SCHEMA_KEYS, *OURS))}
    return dict(sorted(node.items(), key=lambda kv: rank.get(kv[0], len(rank))))


def keep_ours(new: dict[str, Any], old: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`new` (from fal) with our additions from `old`: notes on the schema and its properties,
    and the x-kling-rules whose fields still exist (the others are reported)."""
    merged = dict(new)
    dropped: list[str] = []
    if "x-kling-note" in old:
        merged["x-kling-note"] = old["x-kling-note"]
    if "title" not in new and old.get("x-kling-title-inferred"):
        merged["x-kling-title-inferred"] = True
    props = dict(merged.get("properties") or {})
    for name, prop in props.items():
        old_prop = (old.get("properties") or {}).get(name)
        if isinstance(old_prop, dict) and "x-kling-note" in old_prop:
            props[name] = _ordered({**prop, "x-kling-note": old_prop["x-kling-note"]})
    if props:
        merged["properties"] = props
    rules = []
    for rule in old.get("x-kling-rules") or ():
        missing = sorted(
            {field for scope, _, field in kinds.refs(rule) if scope == "self"} - set(props)
        )
        if missing:
            dropped.append(f"rule {rule.get('id')!r} dropped: no field {', '.join(missing)}")
        else:
            rules.append(rule)
    if rules:
        merged["x-kling-rules"] = rules
    return _ordered(merged), dropped
