"""What users see of a validated spec, flattened for comparison: per endpoint, every field by path.

A request or response schema becomes a map `path -> Node`: `""` is the schema itself, `prompt` a
property, `multi_prompt[]` the items of an array, `multi_prompt[].duration` a property of those items.
$refs are followed, so a shared enum or nested type shows on every endpoint that uses it; `owner`
names the schema a node was read from, so identical changes of a shared type can be grouped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.frontend.assemble import Spec, assemble
from generator.frontend.load import load_dir
from generator.frontend.schema_walk import ref_name, resolve
from generator.frontend.validate import check_semantics, check_structure
from generator.targets.openapi.bundle import build_bundle

LIMIT_KEYS = (
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "pattern",
)
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


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecView:
    """Every endpoint of one spec revision."""

    label: str
    version: str
    endpoints: dict[str, EndpointView]


def load_spec(spec_dir: Path, *, full: bool = True, openapi: bool = True) -> Spec:
    """Load and validate a spec directory: the checks of `klinggen generate` (no IR), or only
    the structural ones ($refs, extensions, cycles: what flattening relies on) unless `full`."""
    spec = assemble(load_dir(spec_dir))
    check_structure(spec)
    if full:
        check_semantics(spec, build_bundle(spec), openapi=openapi)
    return spec


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
    def __init__(self, spec: Spec) -> None:
        self.bodies = {name: loc.data for name, loc in spec.schemas.items()}

    def node(
        self, prop: dict[str, Any], owner: str, owner_path: str, required: bool
    ) -> tuple[Node, dict[str, Any], str, str]:
        """The node of `prop`, the schema its children are read from, and their owner."""
        name = ref_name(prop) or ""
        target = resolve(self.bodies, prop) if name else prop
        target = target if isinstance(target, dict) else {}
        merged = {**target, **{k: v for k, v in prop.items() if k != "$ref"}}
        json_type = str(merged.get("type", "object" if "properties" in merged else "any"))
        if merged.get("format"):
            json_type += f" ({merged['format']})"
        limits = [(key, merged[key]) for key in LIMIT_KEYS if key in merged]
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
        if name and "enum" not in target:
            owner, owner_path = name, ""
        return node, merged, owner, owner_path

    def walk(
        self,
        prop: dict[str, Any],
        path: str,
        owner: str,
        owner_path: str,
        required: bool,
        out: dict[str, Node],
        trail: frozenset[str],
    ) -> None:
        node, merged, owner, owner_path = self.node(prop, owner, owner_path, required)
        out[path] = node
        name = ref_name(prop)
        if name in trail:
            return
        trail = trail | {name} if name else trail
        needed = set(merged.get("required") or ())
        for child, sub in (merged.get("properties") or {}).items():
            if isinstance(sub, dict):
                joined = f"{owner_path}.{child}" if owner_path else child
                at = f"{path}.{child}" if path else child
                self.walk(sub, at, owner, joined, child in needed, out, trail)
        items = merged.get("items")
        if merged.get("type") == "array" and isinstance(items, dict):
            self.walk(items, f"{path}[]", owner, f"{owner_path}[]", False, out, trail)

    def schema(self, ref: dict[str, Any]) -> dict[str, Node]:
        out: dict[str, Node] = {}
        self.walk(ref, "", str(ref_name(ref)), "", True, out, frozenset())
        return out


def view(spec: Spec, label: str) -> SpecView:
    """The user-level view of every endpoint of `spec`."""
    flat = _Flattener(spec)
    endpoints = {}
    for loc in spec.endpoints:
        meta = loc.data
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
            request=flat.schema(meta["input"]),
            response=flat.schema(meta["output"]),
        )
    info = spec.root.data.get("info") or {}
    return SpecView(
        label=label,
        version=str(info.get("version", "")),
        endpoints=dict(sorted(endpoints.items())),
    )


def flatten(spec: Spec, name: str) -> dict[str, Node]:
    """The nodes of one named schema of `spec` (as an endpoint's request would show it)."""
    return _Flattener(spec).schema({"$ref": f"#/components/schemas/{name}"})
