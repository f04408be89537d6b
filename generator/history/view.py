"""What users see of a validated spec, flattened for comparison: per endpoint, every field by path.

A request or response schema becomes a map `path -> Node`: `""` is the schema itself, `prompt` a
property, `multi_prompt[]` the items of an array, `multi_prompt[].duration` a property of those items.
$refs are followed, so a shared enum or nested type shows on every endpoint that uses it; `owner`
names the schema a node was read from, so identical changes of a shared type can be grouped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.frontend.ast import Named, SpecAst
from generator.frontend.ast import Node as AstNode
from generator.frontend.schema_walk import LIMITS

META_TEXT = ("title", "summary", "notes")
META_OTHER = ("category", "model", "tier", "mode", "confidence", "sources")


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """One field (or the schema itself at path "") as users see it."""

    owner: str  # the named schema that declares this field
    owner_path: str  # the field's path inside `owner`
    ref: str  # the enum or object component the field refers to, "" when inline
    type: str  # JSON type (with format), "any" when untyped
    enum: tuple[Any, ...] | None
    default: tuple[Any, ...]  # () when there is none, else (value,)
    limits: tuple[tuple[str, Any], ...]  # JSON-schema bounds and x-fal.* limits, sorted
    required: bool  # required in its parent object
    texts: tuple[tuple[str, str], ...]  # title, description, x-kling-note (whitespace-normalized)
    rules: tuple[tuple[str, Any], ...]  # x-kling-rules of an object node, by id


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointView:
    """One endpoint: its metadata and its request/response nodes."""

    endpoint_id: str
    status: str
    meta: tuple[tuple[str, Any], ...]
    request: dict[str, Node]
    response: dict[str, Node]
    pricing: dict[str, Any] | None = None  # x-kling-endpoint.pricing as written


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecView:
    """Every endpoint of one spec revision."""

    label: str
    version: str
    endpoints: dict[str, EndpointView]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(" ".join(str(v).split()) for v in value)
    return " ".join(str(value).split())


def parent_of(path: str) -> str:
    """`a[].b` -> `a[]`, `a[]` -> `a`, `a` -> `` (the schema)."""
    if path.endswith("[]"):
        return path[:-2]
    return path.rsplit(".", 1)[0] if "." in path else ""


class _Flattener:
    def node(
        self, prop: AstNode, owner: str, owner_path: str, required: bool
    ) -> tuple[Node, AstNode, str, str]:
        """The node of `prop`, the schema its children are read from, and their owner."""
        name = prop.ref_name or ""
        target = prop.target
        merged = {**target.raw, **{k: v for k, v in prop.raw.items() if k != "$ref"}}
        json_type = str(merged.get("type", "object" if "properties" in merged else "any"))
        if merged.get("format"):
            json_type += f" ({merged['format']})"
        limits = [(key, merged[key]) for key in LIMITS if key in merged]
        limits += [(f"x-fal.{k}", v) for k, v in (merged.get("x-fal") or {}).items()]
        texts = tuple(
            (key, _text(merged[key]))
            for key in ("title", "description", "x-kling-note")
            if key in merged
        )
        rules = tuple(
            (str(rule["id"]), rule) for rule in merged.get("x-kling-rules") or () if "id" in rule
        )
        node = Node(
            owner=owner,
            owner_path=owner_path,
            ref=name,
            type=json_type,
            enum=tuple(merged["enum"]) if isinstance(merged.get("enum"), list) else None,
            default=(merged["default"],) if "default" in merged else (),
            limits=tuple(sorted(limits)),
            required=required,
            texts=texts,
            rules=tuple(sorted(rules, key=lambda r: r[0])),
        )
        if name and "enum" not in target.raw:
            owner, owner_path = name, ""
        return node, target if name else prop, owner, owner_path

    def walk(
        self,
        prop: AstNode,
        path: str,
        owner: str,
        owner_path: str,
        required: bool,
        out: dict[str, Node],
        trail: frozenset[str],
    ) -> None:
        node, body, owner, owner_path = self.node(prop, owner, owner_path, required)
        out[path] = node
        name = prop.ref_name
        if name in trail:
            return
        trail = trail | {name} if name else trail
        for child in body.properties:
            joined = f"{owner_path}.{child.name}" if owner_path else child.name
            at = f"{path}.{child.name}" if path else child.name
            self.walk(child.schema, at, owner, joined, child.required, out, trail)
        items = prop.items or body.items
        if prop.get("type", body.get("type")) == "array" and items is not None:
            self.walk(items, f"{path}[]", owner, f"{owner_path}[]", False, out, trail)

    def schema(self, named: Named) -> dict[str, Node]:
        out: dict[str, Node] = {}
        self.walk(named.reference(), "", named.name, "", True, out, frozenset())
        return out


def view(ast: SpecAst, label: str) -> SpecView:
    """The user-level view of every endpoint of `ast`."""
    flat = _Flattener()
    endpoints = {}
    for op in ast.endpoints:
        meta = op.meta
        endpoint_id = str(meta["id"])
        shown = tuple(
            (key, _text(meta[key]) if key in META_TEXT else meta[key])
            for key in (*META_TEXT, *META_OTHER)
            if key in meta
        )
        endpoints[endpoint_id] = EndpointView(
            endpoint_id=endpoint_id,
            status=str(meta["status"]),
            meta=shown,
            request=flat.schema(op.input),
            response=flat.schema(op.output),
            pricing=meta.get("pricing"),
        )
    info = ast.root.get("info") or {}
    return SpecView(
        label=label,
        version=str(info.get("version", "")),
        endpoints=dict(sorted(endpoints.items())),
    )


def flatten(ast: SpecAst, name: str) -> dict[str, Node]:
    """The nodes of one named schema of `ast` (as an endpoint's request would show it)."""
    return _Flattener().schema(ast.schema(name))
