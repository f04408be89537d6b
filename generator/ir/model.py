"""The intermediate representation: frozen dataclasses only, sorted once by build_ir.

Templates see exactly these objects; `klinggen ir` dumps them as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from generator.runtime.kinds import Kind
from generator.runtime.pricing import PriceKind

Role = Literal["input", "output", "other"]
TypeKind = Literal[
    "string", "integer", "number", "boolean", "object", "any", "array", "model", "enum"
]
Media = Literal["image", "video", "audio", "file", ""]
Status = Literal["active", "removed"]
Confidence = Literal["high", "medium", "low"]
PriceConfidence = Literal["high", "medium", "low", "unknown"]
FixtureKind = Literal["valid", "invalid", "output"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where a node was read: spec file, line and JSON pointer inside that file."""

    file: str
    line: int
    pointer: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Value:
    """A spec value as read (`raw`, JSON data) and as JSON text."""

    raw: Any
    json: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EnumMember:
    """One enum value."""

    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EnumDef:
    """A named enum component."""

    name: str
    title: str
    description: str
    role: Role  # like the schemas that use it
    members: tuple[EnumMember, ...]
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeRef:
    """A field type: a JSON type, a named model or enum, or an array of a TypeRef."""

    kind: TypeKind
    name: str = ""
    item: TypeRef | None = None
    format: str = ""
    display: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """One property of an object schema."""

    name: str
    title: str
    description: str
    type: TypeRef
    required: bool
    default: Value | None
    constraints: tuple[tuple[str, Any], ...]
    file_limits: tuple[tuple[str, Any], ...]  # fal's x-fal; for a list of URLs, each item's
    media: Media  # the file kind of URL fields (strings or lists of them), else ""
    choices: tuple[str, ...]  # the enum values of an enum field (or of its items), else ()
    examples: tuple[Value, ...]
    note: str
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A cross-field rule as written in the spec (x-kling-rules)."""

    id: str
    kind: str  # a key of the rule-kind registry (generator/runtime/kinds KINDS)
    message: str
    args: Value
    check: Kind  # its kind's meaning, with the defaults it reads (generator/runtime/kinds)
    fields: tuple[str, ...]
    primary: str
    note: str
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class RuntimeRule:
    """A rule placed inside a model's subtree (`at` is the path to the object it applies to)."""

    rule: Rule
    at: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Schema:
    """An object schema (request, response or nested type)."""

    name: str
    title: str
    description: str
    role: Role
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...]
    runtime_rules: tuple[RuntimeRule, ...]
    title_inferred: bool
    note: str
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """A named example request (and response) of an endpoint."""

    name: str
    description: str
    input: Value
    output: Value | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Expectation:
    """One problem an invalid fixture must produce: field path and rule id."""

    path: str
    rule: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Fixture:
    """A payload derived from the spec: a valid or invalid request, or a response example."""

    name: str
    kind: FixtureKind
    description: str
    payload: Value
    expect: tuple[Expectation, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Pricing:
    """An endpoint's price as the spec states it (x-kling-endpoint.pricing; unknown when absent)."""

    kind: str  # a key of the price-kind registry (generator/runtime/pricing PRICES)
    args: Value
    defaults: tuple[tuple[str, Value], ...]  # request defaults of the fields it reads, by name
    price: PriceKind  # its kind's computation and wording (generator/runtime/pricing)
    confidence: PriceConfidence
    source: str  # the page the price was published on, "" when none
    quote: str  # the published sentence, "" when none
    basis: str  # what a medium or low confidence rests on
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoint:
    """One fal endpoint id with its metadata and schema names."""

    endpoint_id: str
    path: str
    title: str
    summary: str
    category: str
    model: str
    tier: str
    mode: str
    status: Status
    confidence: Confidence
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    input: str
    output: str
    examples: tuple[Example, ...]
    pricing: Pricing
    fixtures: tuple[Fixture, ...] = ()
    source: Source

    def fixture(self, name: str) -> Fixture:
        """The fixture called `name` (`minimal`, `full`, ...)."""
        found = next((f for f in self.fixtures if f.name == name), None)
        if found is None:
            raise KeyError(f"{self.endpoint_id} has no fixture {name!r}")
        return found


@dataclass(frozen=True, slots=True, kw_only=True)
class InternalOperation:
    """An operation with types but no public endpoint id."""

    name: str
    summary: str
    notes: tuple[str, ...]
    input: str
    output: str
    source: Source


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeGroup:
    """One change between two spec revisions, with every endpoint it shows on.

    A change of a shared enum or nested type is one group listing all the endpoints using it.
    """

    breaking: bool
    kind: str  # a change kind: field-removed, enum-value-added, ... (history/kinds.py KINDS)
    subject: str  # the shared schema (path) it belongs to, or the endpoint id
    summary: str  # what changed, e.g. "enum value '1' added"
    location: str  # "request.path" shared by every place, "" when they differ or endpoint-level
    places: tuple[tuple[str, str], ...]  # (endpoint id, "request.path") per endpoint, sorted


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryStep:
    """One step of the spec history: a spec/history/ snapshot -> the next one (or the current spec)."""

    old: str  # the older revision's name (its spec/history/ directory)
    new: str  # the newer revision's name ("current" for the spec being generated)
    old_version: str  # info.version of the older revision
    new_version: str  # info.version of the newer revision
    breaking: tuple[ChangeGroup, ...]
    non_breaking: tuple[ChangeGroup, ...]
    prices: tuple[ChangeGroup, ...] = ()  # list-price changes: their own section


@dataclass(frozen=True, slots=True, kw_only=True)
class Api:
    """The root: everything the templates render from."""

    title: str
    version: str
    description: str
    endpoints: tuple[Endpoint, ...]
    internal: tuple[InternalOperation, ...]
    schemas: tuple[Schema, ...]
    enums: tuple[EnumDef, ...]
    naming_drift: tuple[tuple[str, ...], ...]
    families: tuple[str, ...]
    request_models: tuple[str, ...]  # schema names used as an endpoint's request, sorted
    response_models: tuple[str, ...]  # schema names used as an endpoint's response, sorted
    exports: tuple[str, ...]  # every generated model and enum name, sorted
    model_endpoints: tuple[tuple[str, tuple[str, ...]], ...]  # request schema -> endpoint ids
    field_endpoints: tuple[tuple[str, tuple[str, ...]], ...]  # request field -> endpoint ids
    history: tuple[HistoryStep, ...] = ()  # spec/history/ steps, newest first; () without history

    def schema(self, name: str) -> Schema:
        """The object schema called `name` (an endpoint's `input`, a TypeRef's `name`)."""
        found = next((s for s in self.schemas if s.name == name), None)
        if found is None:
            raise KeyError(f"no object schema {name!r}")
        return found

    def enum(self, name: str) -> EnumDef:
        """The enum called `name`."""
        found = next((e for e in self.enums if e.name == name), None)
        if found is None:
            raise KeyError(f"no enum {name!r}")
        return found
