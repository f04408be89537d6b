"""Every change between two spec revisions, at the level users see, classified breaking or not.

Breaking: endpoint removed or set to removed, field removed, field became required, enum value
removed, type changed, limit tightened, default changed, rule added, tightened or changed.
Non-breaking: endpoint added, optional field added, enum value added, limit loosened, title /
description / notes changed, rule removed or loosened. In responses the direction flips for
required, enum values and limits (a response that may now lack a field or carry a new value
breaks readers). A rule that appears or disappears together with every field it names is implied
by the field change and not reported again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.history.kinds import (
    is_breaking,
    limit_kind,
    price_changes,
    rule_fields,
    rule_kind,
    shown,
)
from generator.history.view import EndpointView, Node, SpecView, parent_of


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One change of one endpoint; `group` names the shared schema it comes from, if any."""

    breaking: bool
    endpoint: str
    role: str  # request | response | endpoint
    path: str  # field path ("" = the schema itself, or the endpoint)
    kind: str
    item: str  # enum value, limit, rule id, text or metadata key ("" when the kind says it all)
    old: str
    new: str
    group: str  # "Schema" or "Schema.path" for changes of a shared type, else ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        """(endpoint, kind, field path, item): what a test asserts."""
        return (self.endpoint, self.kind, self.path, self.item)


@dataclass(frozen=True, slots=True, kw_only=True)
class DiffReport:
    """All changes from `old` to `new`, sorted (breaking first)."""

    old: str
    new: str
    old_version: str
    new_version: str
    changes: tuple[Change, ...]
    prices: tuple[Change, ...] = ()  # price changes: their own section, neither breaking nor not

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)

    @property
    def non_breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if not c.breaking)


class _Comparer:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.found: list[Change] = []

    def add(
        self,
        role: str,
        path: str,
        kind: str,
        item: str = "",
        old: str = "",
        new: str = "",
        group: str = "",
        breaking: bool | None = None,
    ) -> None:
        if breaking is None:
            breaking = is_breaking(kind, role)
        self.found.append(
            Change(
                breaking=breaking,
                endpoint=self.endpoint,
                role=role,
                path=path,
                kind=kind,
                item=item,
                old=old,
                new=new,
                group=group,
            )
        )

    def endpoint_meta(self, old: EndpointView, new: EndpointView) -> None:
        if old.status != new.status:
            breaking = old.status == "active" and new.status == "removed"
            self.add(
                "endpoint",
                "",
                "endpoint-status",
                "status",
                old.status,
                new.status,
                breaking=breaking,
            )
        old_meta, new_meta = dict(old.meta), dict(new.meta)
        for key in sorted(set(old_meta) | set(new_meta)):
            before, after = old_meta.get(key), new_meta.get(key)
            if before != after:
                kind = (
                    "description-changed"
                    if key in ("title", "summary", "notes")
                    else ("metadata-changed")
                )
                self.add("endpoint", "", kind, key, shown(before), shown(after))

    def schema(self, role: str, old: dict[str, Node], new: dict[str, Node]) -> None:
        added = {p for p in new if p not in old and parent_of(p) in old}
        gone = {p for p in old if p not in new and parent_of(p) in new}
        for path in sorted(added):
            node = new[path]
            breaking = role == "request" and node.required
            self.add(role, path, "field-added", group=_group(node), breaking=breaking)
        for path in sorted(gone):
            self.add(role, path, "field-removed", group=_group(old[path]))
        for path in sorted(set(old) & set(new)):
            self.node(role, path, old[path], new[path], added, gone)

    def node(
        self, role: str, path: str, old: Node, new: Node, added: set[str], gone: set[str]
    ) -> None:
        group = _group(new)
        if path and old.required != new.required:
            kind = "field-required" if new.required else "field-optional"
            self.add(role, path, kind, group=group)
        if old.type != new.type:
            self.add(role, path, "type-changed", "type", old.type, new.type, group)
        self.enum(role, path, old, new)
        if old.default != new.default:
            before = shown(old.default[0]) if old.default else "(none)"
            after = shown(new.default[0]) if new.default else "(none)"
            breaking = None if role == "request" else False
            self.add(role, path, "default-changed", "default", before, after, group, breaking)
        old_limits, new_limits = dict(old.limits), dict(new.limits)
        for limit in sorted(set(old_limits) | set(new_limits)):
            low, high = old_limits.get(limit), new_limits.get(limit)
            if low != high:
                kind = limit_kind(limit, low, high)
                self.add(role, path, kind, limit, _opt(low), _opt(high), group)
        old_texts, new_texts = dict(old.texts), dict(new.texts)
        for key in sorted(set(old_texts) | set(new_texts)):
            text_old, text_new = old_texts.get(key, ""), new_texts.get(key, "")
            if text_old != text_new:
                self.add(role, path, "description-changed", key, text_old, text_new, group)
        self.rules(role, path, old, new, added, gone)

    def enum(self, role: str, path: str, old: Node, new: Node) -> None:
        """Enum values added or removed; an enum shared by name groups under its name."""
        group = old.ref if old.ref and old.ref == new.ref else _group(new)
        if old.enum is None or new.enum is None:
            if old.enum != new.enum:
                self.add(
                    role, path, "type-changed", "enum", shown(old.enum), shown(new.enum), group
                )
            return
        for value in new.enum:
            if value not in old.enum:
                self.add(role, path, "enum-value-added", str(value), group=group)
        for value in old.enum:
            if value not in new.enum:
                self.add(role, path, "enum-value-removed", str(value), group=group)

    def rules(
        self, role: str, path: str, old: Node, new: Node, added: set[str], gone: set[str]
    ) -> None:
        group = new.ref if new.ref and new.ref == old.ref else _group(new)
        children = {p.rsplit(".", 1)[-1] for p in added if parent_of(p) == path}
        lost = {p.rsplit(".", 1)[-1] for p in gone if parent_of(p) == path}
        old_rules, new_rules = dict(old.rules), dict(new.rules)
        for rule_id in sorted(set(old_rules) | set(new_rules)):
            before, after = old_rules.get(rule_id), new_rules.get(rule_id)
            if before is None and after is not None:
                if not rule_fields(after) <= children or not rule_fields(after):
                    self.add(role, path, "rule-added", rule_id, group=group)
            elif after is None and before is not None:
                if not rule_fields(before) <= lost or not rule_fields(before):
                    self.add(role, path, "rule-removed", rule_id, group=group)
            elif before is not None and after is not None:
                kind = rule_kind(before, after)
                if kind:
                    self.add(role, path, kind, rule_id, group=group)


def _opt(value: Any) -> str:
    return "(none)" if value is None else shown(value)


def _group(node: Node) -> str:
    """The shared type a node's change belongs to: `Owner.path` (or `Owner` for its root)."""
    return f"{node.owner}.{node.owner_path}" if node.owner_path else node.owner


def compare_endpoint(old: EndpointView, new: EndpointView) -> Iterator[Change]:
    """Changes of one endpoint present in both revisions."""
    comparer = _Comparer(new.endpoint_id)
    comparer.endpoint_meta(old, new)
    comparer.schema("request", old.request, new.request)
    comparer.schema("response", old.response, new.response)
    yield from comparer.found


def compare_prices(old: EndpointView, new: EndpointView) -> list[Change]:
    """Price changes of one endpoint present in both revisions."""
    comparer = _Comparer(new.endpoint_id)
    for kind, item, before, after in price_changes(old.pricing, new.pricing):
        comparer.add("price", "", kind, item, before, after, breaking=False)
    return comparer.found


def diff_views(old: SpecView, new: SpecView) -> DiffReport:
    """Every change from `old` to `new`, sorted: breaking first, then by endpoint and path;
    price changes apart, by endpoint."""
    changes: list[Change] = []
    prices: list[Change] = []
    for endpoint_id in sorted(set(old.endpoints) | set(new.endpoints)):
        comparer = _Comparer(endpoint_id)
        if endpoint_id not in old.endpoints:
            comparer.add("endpoint", "", "endpoint-added")
        elif endpoint_id not in new.endpoints:
            comparer.add("endpoint", "", "endpoint-removed")
        else:
            comparer.found.extend(
                compare_endpoint(old.endpoints[endpoint_id], new.endpoints[endpoint_id])
            )
            prices += compare_prices(old.endpoints[endpoint_id], new.endpoints[endpoint_id])
        changes.extend(comparer.found)
    ordered = sorted(
        changes, key=lambda c: (not c.breaking, c.endpoint, c.role, c.path, c.kind, c.item)
    )
    return DiffReport(
        old=old.label,
        new=new.label,
        old_version=old.version,
        new_version=new.version,
        changes=tuple(ordered),
        prices=tuple(prices),
    )


def schema_changes(role: str, old: dict[str, Node], new: dict[str, Node]) -> list[Change]:
    """Changes between two flattened schemas (e.g. ours and fal's version of a shared type)."""
    comparer = _Comparer("")
    comparer.schema(role, old, new)
    return comparer.found
