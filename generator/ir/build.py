"""Assembled spec -> IR: types, defaults, rules (also flattened per model), roles, examples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from generator.frontend.ast import Loc, Named, Operation, SpecAst
from generator.frontend.load import SpecFile, escape
from generator.frontend.schema_walk import (
    VALUE_BOUNDS,
    item_schema,
    properties,
    ref_name,
    resolve,
)
from generator.ir.model import (
    Api,
    Endpoint,
    EnumDef,
    EnumMember,
    Example,
    Field,
    InternalOperation,
    Pricing,
    Rule,
    RuntimeRule,
    Schema,
    Source,
    TypeRef,
    Value,
)
from generator.runtime import kinds, pricing

NO_PRICE = "the spec states no price"

_MEDIA_WORDS = (
    ("video", "video"),
    ("audio", "audio"),
    ("voice", "audio"),
    ("image", "image"),
    ("mask", "image"),
)


def media_of(name: str, type_: TypeRef) -> str:
    """The kind of file a URL field takes, from its name: `*_url` strings and `*_urls` string lists."""
    item = type_.item if type_.kind == "array" else type_
    if item is None or item.kind != "string" or not name.endswith(("_url", "_urls")):
        return ""
    return next((media for word, media in _MEDIA_WORDS if word in name), "file")


def file_limits(node: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """fal's limits (x-fal) of a URL field, or of each item of a list of URLs, sorted."""
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        node = node["items"]
    return tuple(sorted((node.get("x-fal") or {}).items()))


def value(raw: Any) -> Value:
    """A spec value with its JSON text."""
    return Value(raw=raw, json=json.dumps(raw, ensure_ascii=False))


def _source(spec_file: SpecFile, at: str) -> Source:
    return Source(file=spec_file.path, line=spec_file.line(at), pointer=at)


def _located(loc: Loc) -> Source:
    return Source(file=loc.file, line=loc.line, pointer=loc.pointer)


class _Builder:
    def __init__(self, ast: SpecAst) -> None:
        self.ast = ast
        self.bodies = {name: named.body.raw for name, named in ast.schemas.items()}

    def is_enum(self, name: str) -> bool:
        return "enum" in self.bodies.get(name, {})

    def type_of(self, node: dict[str, Any]) -> TypeRef:
        name = ref_name(node)
        if name is not None:
            kind = "enum" if self.is_enum(name) else "model"
            return TypeRef(kind=kind, name=name, display=name)
        json_type = str(node.get("type", "any"))
        if json_type == "array":
            item = self.type_of(node.get("items") or {})
            return TypeRef(kind="array", item=item, display=f"list<{item.display}>")
        fmt = str(node.get("format", ""))
        return TypeRef(kind=json_type, format=fmt, display=json_type)

    def field(
        self, spec_file: SpecFile, at: str, name: str, node: dict[str, Any], required: bool
    ) -> Field:
        target = resolve(self.bodies, node)
        merged = (
            {**target, **node} if isinstance(target, dict) and not self.is_enum_node(node) else node
        )
        type_ = self.type_of(node)
        return Field(
            name=name,
            title=str(node.get("title", "")),
            description=" ".join(str(node.get("description", "")).split()),
            type=type_,
            required=required,
            default=value(node["default"]) if "default" in node else None,
            constraints=tuple((k, merged[k]) for k in VALUE_BOUNDS if k in merged),
            file_limits=file_limits(node),
            media=media_of(name, type_),
            choices=self.choices(type_),
            examples=tuple(value(v) for v in node.get("examples") or ()),
            note=str(node.get("x-kling-note", "")),
            source=_source(spec_file, at),
        )

    def choices(self, type_: TypeRef) -> tuple[str, ...]:
        item = type_.item if type_.kind == "array" and type_.item else type_
        if item.kind != "enum":
            return ()
        return tuple(str(v) for v in self.bodies[item.name]["enum"])

    def is_enum_node(self, node: dict[str, Any]) -> bool:
        name = ref_name(node)
        return name is not None and self.is_enum(name)

    def rules(self, named: Named) -> tuple[Rule, ...]:
        found = []
        body = named.body.raw
        for index, raw in enumerate(named.body.get("x-kling-rules") or []):
            kind = kinds.kind_of(raw)
            at = f"{named.body.loc.pointer}/x-kling-rules/{index}"
            check = kinds.parse(
                raw, lambda scope, name, raw=raw: self.default_of(body, raw, scope, name)
            )
            found.append(
                Rule(
                    id=raw["id"],
                    kind=kind,
                    message=" ".join(str(raw["message"]).split()),
                    args=value(raw[kind]),
                    check=check,
                    fields=tuple(dict.fromkeys(ref[2] for ref in kinds.refs(raw))),
                    primary=check.subject,
                    note=str(raw.get("x-kling-note", "")),
                    source=_source(named.file, at),
                )
            )
        return tuple(found)

    def flat_rules(
        self, name: str, at: tuple[str, ...], trail: frozenset[str]
    ) -> Iterator[RuntimeRule]:
        """Rules of `name` and of every model below it, with their paths."""
        named = self.ast.schema(name)
        for rule in self.rules(named):
            yield RuntimeRule(rule=rule, at=at)
        for prop_name, prop in properties(self.bodies, named.body.raw).items():
            step: tuple[str, ...] = (prop_name,)
            target = ref_name(prop)
            if target is None and isinstance(prop, dict) and prop.get("type") == "array":
                target, step = ref_name(prop.get("items")), (prop_name, "[]")
            if target and not self.is_enum(target) and target not in trail:
                yield from self.flat_rules(target, at + step, trail | {target})

    def default_of(self, body: Any, raw: dict[str, Any], scope: str, field: str) -> Any:
        """The default of `field` of the rule's object ("self") or of the items of the array its
        kind names ("item")."""
        props = properties(self.bodies, body)
        if scope == "item":
            kind = kinds.KINDS[kinds.kind_of(raw)]
            array = raw[kind.name][kind.array]
            props = properties(self.bodies, item_schema(self.bodies, props.get(array)))
        prop = props.get(field)
        return prop.get("default") if isinstance(prop, dict) else None

    def schema(self, name: str, role: str) -> Schema:
        named = self.ast.schema(name)
        body = named.body.raw
        required = set(body.get("required") or ())
        order = body.get("x-fal-order-properties") or list(body.get("properties") or {})
        props = body.get("properties") or {}
        names = [n for n in order if n in props] + [n for n in props if n not in order]
        return Schema(
            name=name,
            title=str(body.get("title", name)),
            description=" ".join(str(body.get("description", "")).split()),
            role=role,
            fields=tuple(
                self.field(
                    named.file,
                    f"{named.body.loc.pointer}/properties/{escape(n)}",
                    n,
                    props[n],
                    n in required,
                )
                for n in names
            ),
            rules=self.rules(named),
            runtime_rules=tuple(self.flat_rules(name, (), frozenset({name}))),
            title_inferred=bool(body.get("x-kling-title-inferred", False)),
            note=str(body.get("x-kling-note", "")),
            source=_located(named.body.loc),
        )

    def enum(self, name: str, role: str) -> EnumDef:
        body = self.ast.schema(name).body
        values = tuple(str(v) for v in body.raw["enum"])
        return EnumDef(
            name=name,
            title=str(body.get("title", name)),
            description=" ".join(str(body.get("description", "")).split()),
            role=role,
            members=tuple(EnumMember(value=v) for v in values),
            source=_located(body.loc),
        )

    def endpoint(self, op: Operation) -> Endpoint:
        meta = op.meta
        path = str(meta["id"]).removeprefix("fal-ai/kling-video/")
        return Endpoint(
            endpoint_id=str(meta["id"]),
            path=path,
            title=str(meta["title"]),
            summary=" ".join(str(meta["summary"]).split()),
            category=str(meta["category"]),
            model=str(meta["model"]),
            tier=str(meta.get("tier", "")),
            mode=str(meta["mode"]),
            status=str(meta["status"]),
            confidence=str(meta["confidence"]),
            sources=tuple(str(s) for s in meta["sources"]),
            notes=tuple(" ".join(str(n).split()) for n in meta.get("notes") or ()),
            input=str(ref_name(meta["input"])),
            output=str(ref_name(meta["output"])),
            examples=tuple(
                Example(
                    name=str(ex["name"]),
                    description=str(ex.get("description", "")),
                    input=value(ex["input"]),
                    output=value(ex["output"]) if "output" in ex else None,
                )
                for ex in meta.get("examples") or ()
            ),
            pricing=self.pricing(op),
            source=_located(op.loc),
        )

    def pricing(self, op: Operation) -> Pricing:
        """The endpoint's price; an endpoint without one is priced unknown."""
        raw = op.meta.get("pricing") or {"confidence": "unknown", "unknown": NO_PRICE}
        kind = pricing.kind_of(raw)
        props = properties(self.bodies, op.input.body.raw)
        read = dict.fromkeys(field for _, field, item in pricing.refs(raw) if not item)
        defaults = {f: props[f]["default"] for f in read if "default" in props.get(f, {})}
        return Pricing(
            kind=kind,
            args=value(raw[kind]),
            defaults=tuple((f, value(v)) for f, v in defaults.items()),
            price=pricing.PRICES[kind].parse(raw[kind], defaults),
            confidence=raw["confidence"],
            source=str(raw.get("source", "")),
            quote=str(raw.get("quote", "")),
            basis=str(raw.get("basis", "")),
            notes=tuple(" ".join(str(n).split()) for n in raw.get("notes") or ()),
        )


def build_ir(ast: SpecAst) -> Api:
    """The IR of a validated spec; everything sorted here so templates never sort."""
    builder = _Builder(ast)
    endpoints = [builder.endpoint(op) for op in ast.endpoints]
    internal = [
        InternalOperation(
            name=str(op.meta["name"]),
            summary=" ".join(str(op.meta["summary"]).split()),
            notes=tuple(str(n) for n in op.meta.get("notes") or ()),
            input=op.input.name,
            output=op.output.name,
            source=_located(op.loc),
        )
        for op in ast.internal
    ]
    operations = (*ast.endpoints, *ast.internal)
    inputs = ast.reachable([op.input for op in operations])
    outputs = ast.reachable([op.output for op in operations])
    schemas, enums = [], []
    for name in ast.schemas:
        role = "input" if name in inputs else "output" if name in outputs else "other"
        if builder.is_enum(name):
            enums.append(builder.enum(name, role))
        else:
            schemas.append(builder.schema(name, role))
    by_name = {schema.name: schema for schema in schemas}
    model_endpoints: dict[str, list[str]] = {}
    field_endpoints: dict[str, list[str]] = {}
    for endpoint in endpoints:
        model_endpoints.setdefault(endpoint.input, []).append(endpoint.endpoint_id)
        for field in by_name[endpoint.input].fields:
            field_endpoints.setdefault(field.name, []).append(endpoint.endpoint_id)
    root = ast.root
    info = root.get("info") or {}
    return Api(
        title=str(info.get("title", "")),
        version=str(info.get("version", "")),
        description=" ".join(str(info.get("description", "")).split()),
        endpoints=tuple(endpoints),
        internal=tuple(internal),
        schemas=tuple(schemas),
        enums=tuple(enums),
        naming_drift=tuple(
            tuple(str(n) for n in group) for group in root.get("x-kling-naming-drift") or ()
        ),
        families=tuple(sorted({e.model for e in endpoints})),
        request_models=tuple(sorted({e.input for e in endpoints})),
        response_models=tuple(sorted({e.output for e in endpoints})),
        exports=tuple(sorted(x.name for x in (*schemas, *enums) if x.role != "other")),
        model_endpoints=tuple((k, tuple(v)) for k, v in sorted(model_endpoints.items())),
        field_endpoints=tuple((k, tuple(v)) for k, v in sorted(field_endpoints.items())),
    )
