"""The typed spec AST: the one representation every later stage reads.

Built once from the assembled, structurally checked spec. Every schema node carries its source
location; a `$ref` resolves to the named schema object it points to, so no later stage keeps
lookup tables or follows pointers by hand. The bundle (targets/openapi), the IR (ir/) and the
diff view (history/) are all derived from it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.frontend.assemble import Located, Spec
from generator.frontend.load import SpecFile, escape

REF_PREFIX = "#/components/schemas/"
Status = Literal["active", "removed"]
Confidence = Literal["high", "medium", "low"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Loc:
    """Where a node was read: spec file, line and JSON pointer inside that file."""

    file: str
    line: int
    pointer: str


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """One JSON Schema object as written (`raw`), with its children and its `$ref` resolved."""

    loc: Loc
    raw: Mapping[str, Any]
    properties: tuple[Prop, ...]
    items: Node | None
    ref_name: str | None
    _table: Mapping[str, Named] = field(repr=False)

    @property
    def ref(self) -> Named | None:
        """The named schema this node's `$ref` points to."""
        return self._table[self.ref_name] if self.ref_name is not None else None

    @property
    def target(self) -> Node:
        """The schema body after following `$ref`s (the node itself when it has none)."""
        node = self
        seen: set[str] = set()
        while node.ref_name is not None and node.ref_name not in seen:
            seen.add(node.ref_name)
            node = node._table[node.ref_name].body
        return node

    def get(self, key: str, default: Any = None) -> Any:
        """A keyword as written on this node."""
        return self.raw.get(key, default)

    @property
    def required(self) -> frozenset[str]:
        """The names in this object's `required` list."""
        return frozenset(str(n) for n in self.raw.get("required") or ())

    @property
    def is_enum(self) -> bool:
        """Whether the node (after `$ref`) is an enum."""
        return "enum" in self.target.raw

    def prop(self, name: str) -> Prop | None:
        """The property `name` of this object (after `$ref`), if it has one."""
        return next((p for p in self.target.properties if p.name == name), None)


@dataclass(frozen=True, slots=True, eq=False)
class Prop:
    """One entry of an object's `properties`."""

    name: str
    schema: Node
    required: bool


@dataclass(frozen=True, slots=True, eq=False)
class Named:
    """A schema component: its name, body and the file that declares it."""

    name: str
    body: Node
    file: SpecFile = field(repr=False)

    @property
    def is_enum(self) -> bool:
        """Whether this component is an enum."""
        return "enum" in self.body.raw

    def refs(self) -> Iterator[Named]:
        """Every named schema this one refers to directly, in document order."""
        yield from _refs(self.body)

    def reference(self) -> Node:
        """A `{$ref: ...}` node pointing at this schema (as an endpoint's input refers to it)."""
        ref = {"$ref": REF_PREFIX + self.name}
        return Node(self.body.loc, ref, (), None, self.name, self.body._table)


@dataclass(frozen=True, slots=True, eq=False)
class Operation:
    """An endpoint (`x-kling-endpoint`) or an internal operation (`x-kling-internal`)."""

    meta: Mapping[str, Any]
    loc: Loc
    input: Named
    output: Named
    file: SpecFile = field(repr=False)

    @property
    def endpoint_id(self) -> str:
        """The fal endpoint id (endpoints only)."""
        return str(self.meta["id"])


@dataclass(frozen=True, slots=True, eq=False)
class SpecAst:
    """The whole spec: root keys, named schemas (sorted), endpoints (by id), internal operations."""

    root: Mapping[str, Any]
    schemas: Mapping[str, Named]
    endpoints: tuple[Operation, ...]
    internal: tuple[Operation, ...]
    files: tuple[SpecFile, ...] = field(repr=False)

    def schema(self, name: str) -> Named:
        """The named schema `name`."""
        return self.schemas[name]

    def reachable(self, roots: list[Named]) -> set[str]:
        """The names of `roots` and of every schema they refer to, transitively."""
        seen: set[str] = set()
        stack = list(roots)
        while stack:
            named = stack.pop()
            if named.name not in seen:
                seen.add(named.name)
                stack.extend(named.refs())
        return seen


def _refs(node: Node) -> Iterator[Named]:
    if node.ref is not None:
        yield node.ref
    for prop in node.properties:
        yield from _refs(prop.schema)
    if node.items is not None:
        yield from _refs(node.items)


class _Builder:
    def __init__(self, spec: Spec) -> None:
        self.table: dict[str, Named] = {}
        self.spec = spec

    def node(self, spec_file: SpecFile, at: str, raw: Any) -> Node:
        body: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
        props = body.get("properties")
        needed = {str(n) for n in body.get("required") or ()}
        ref = body.get("$ref")
        items = body.get("items")
        return Node(
            loc=Loc(file=spec_file.path, line=spec_file.line(at), pointer=at),
            raw=body,
            properties=tuple(
                Prop(
                    name=str(name),
                    schema=self.node(spec_file, f"{at}/properties/{escape(str(name))}", sub),
                    required=str(name) in needed,
                )
                for name, sub in (props.items() if isinstance(props, dict) else ())
            ),
            items=self.node(spec_file, f"{at}/items", items) if isinstance(items, dict) else None,
            ref_name=ref.removeprefix(REF_PREFIX) if isinstance(ref, str) else None,
            _table=self.table,
        )

    def operation(self, loc: Located) -> Operation:
        meta = loc.data
        return Operation(
            meta=meta,
            loc=Loc(file=loc.file.path, line=loc.file.line(loc.pointer), pointer=loc.pointer),
            input=self.table[str(meta["input"]["$ref"]).removeprefix(REF_PREFIX)],
            output=self.table[str(meta["output"]["$ref"]).removeprefix(REF_PREFIX)],
            file=loc.file,
        )


def build_ast(spec: Spec) -> SpecAst:
    """The AST of a spec whose structure (refs, extensions, cycles) has been checked."""
    builder = _Builder(spec)
    for name in sorted(spec.schemas):
        loc = spec.schemas[name]
        builder.table[name] = Named(
            name=name, body=builder.node(loc.file, loc.pointer, loc.data), file=loc.file
        )
    return SpecAst(
        root=spec.root.data,
        schemas=builder.table,
        endpoints=tuple(
            sorted(
                (builder.operation(loc) for loc in spec.endpoints), key=lambda op: op.endpoint_id
            )
        ),
        internal=tuple(
            sorted(
                (builder.operation(loc) for loc in spec.internal),
                key=lambda op: str(op.meta["name"]),
            )
        ),
        files=spec.files,
    )
