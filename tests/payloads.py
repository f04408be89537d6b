"""Payload builders for tests, derived from the IR: minimal valid requests and rule cases.

Each rule case is built from the rule's own semantics (spec/README.md), so the expected error
path and rule id come from the spec, not from the validator under test.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from generator.ir import Api, Field, RuntimeRule, Schema, TypeRef

_EXT = (
    ("video", ".mp4"),
    ("audio", ".mp3"),
    ("voice", ".mp3"),
    ("mask", ".png"),
    ("image", ".png"),
)


@dataclass(frozen=True)
class RuleCase:
    """An accepted and a rejected payload for one rule of one request schema."""

    model: str
    rule_id: str
    accepted: dict[str, Any]
    rejected: dict[str, Any]
    path: str


class Builder:
    """Builds payloads for the schemas of one Api."""

    def __init__(self, api: Api) -> None:
        self.schemas = {s.name: s for s in api.schemas}
        self.enums = {e.name: tuple(m.value for m in e.members) for e in api.enums}

    def scalar(self, name: str, t: TypeRef, index: int = 0) -> Any:
        if t.kind == "enum":
            return self.enums[t.name][0]
        if t.kind == "model":
            return self.minimal(self.schemas[t.name])
        if t.kind == "array":
            assert t.item is not None
            return [self.scalar(name, t.item, index)]
        if t.kind == "boolean":
            return True
        if t.kind in ("integer", "number"):
            return 1000 * (index + 1)
        if name.endswith(("_url", "_urls")) or name.endswith("url"):
            ext = next((e for key, e in _EXT if key in name), ".png")
            return f"https://v3b.fal.media/files/b/test/{name}-{index}{ext}"
        return f"a calm lake at dawn, shot {index}"

    def value(self, field: Field, index: int = 0) -> Any:
        if field.default is not None and field.type.kind == "enum":
            return field.default.raw
        return self.scalar(field.name, field.type, index)

    def minimal(self, schema: Schema, seed: dict[str, Any] | None = None) -> dict[str, Any]:
        """Required fields (plus `seed`), adjusted so that every rule of the schema holds."""
        payload = dict(seed or {})
        for f in schema.fields:
            if f.required and f.name not in payload:
                payload[f.name] = self.value(f)
        self.satisfy(schema, payload, set(seed or ()))
        return payload

    def holds(self, schema: Schema, obj: dict[str, Any], cond: dict[str, Any]) -> bool:
        if "present" in cond:
            return obj.get(cond["present"]) is not None
        if "absent" in cond:
            return obj.get(cond["absent"]) is None
        field = self.field(schema, cond["field"])
        current = obj.get(field.name, field.default.raw if field.default else None)
        if "equals" in cond:
            return bool(current == cond["equals"])
        if "in" in cond:
            return current in cond["in"]
        return current is not None and current not in cond["not-in"]

    def satisfy(self, schema: Schema, obj: dict[str, Any], locked: set[str]) -> None:
        """Change unlocked fields of `obj` until every rule of `schema` holds (two passes)."""
        for _ in range(2):
            for rule in schema.rules:
                self.fix(schema, obj, rule.kind, rule.args.raw, locked)

    def fix(
        self, schema: Schema, obj: dict[str, Any], kind: str, args: Any, locked: set[str]
    ) -> None:
        if kind in ("exactly-one-of", "at-least-one-of", "at-most-one-of"):
            present = [n for n in args if obj.get(n) is not None]
            if not present and kind != "at-most-one-of":
                obj[args[0]] = self.value(self.field(schema, args[0]))
            keep = next((n for n in present if n in locked), present[0] if present else None)
            if kind != "at-least-one-of":
                for name in present:
                    if name != keep:
                        obj.pop(name)
        elif kind == "count" and obj.get(args["field"]) is not None:
            items = obj[args["field"]]
            if len(items) < args.get("min", 0):
                obj[args["field"]] = self.items(schema, args["field"], args["min"], None)
            elif "max" in args and args["field"] not in locked:
                del items[args["max"] :]
        elif kind == "required-when" and self.holds(schema, obj, args["when"]):
            obj.setdefault(args["field"], self.value(self.field(schema, args["field"])))
        elif kind == "forbidden-when" and obj.get(args["field"]) is not None:
            if self.holds(schema, obj, args["when"]):
                if args["field"] in locked and "field" in args["when"]:
                    self.make_cond(schema, obj, args["when"], holds=False)
                else:
                    obj.pop(args["field"])
        elif (
            kind == "sum"
            and obj.get(args["field"])
            and "max" in args
            and args["item"] not in locked
        ):
            item_schema = self.schemas[str(self.field(schema, args["field"]).type.item.name)]  # type: ignore[union-attr]
            smallest = min(
                self.enums.get(self.field(item_schema, args["item"]).type.name, ("1",)), key=float
            )
            for item in obj[args["field"]]:
                item[args["item"]] = smallest
        elif kind == "compare" and args["left"] not in locked:
            bound = obj.get(args["right"], 0) + args.get("offset", 0)
            obj[args["left"]] = bound + (5000 if args["op"] in ("gt", "ge") else -5000)

    def field(self, schema: Schema, name: str) -> Field:
        return next(f for f in schema.fields if f.name == name)

    def items(
        self, schema: Schema, name: str, count: int, where: dict[str, Any] | None
    ) -> list[Any]:
        field = self.field(schema, name)
        item = field.type.item
        assert item is not None
        if item.kind != "model":
            return [self.scalar(name, item, i) for i in range(count)]
        item_schema = self.schemas[item.name]
        seed: dict[str, Any] = {}
        if where:
            self.make_cond(item_schema, seed, where, holds=True)
        return [self.minimal(item_schema, seed) for _ in range(count)]

    def make_cond(
        self, schema: Schema, obj: dict[str, Any], cond: dict[str, Any], holds: bool
    ) -> None:
        """Set `obj` so that `cond` holds (or not)."""
        if "present" in cond or "absent" in cond:
            name = str(cond.get("present") or cond.get("absent"))
            if holds == ("present" in cond):
                obj[name] = self.value(self.field(schema, name))
            else:
                obj.pop(name, None)
            return
        field = self.field(schema, str(cond["field"]))
        values = self.enums.get(field.type.name, ())
        if "equals" in cond:
            choice = cond["equals"] if holds else next(v for v in values if v != cond["equals"])
        elif "in" in cond:
            choice = cond["in"][0] if holds else next(v for v in values if v not in cond["in"])
        else:
            choice = next(v for v in values if (v in cond["not-in"]) != holds)
        obj[field.name] = choice

    def sum_items(self, schema: Schema, args: dict[str, Any], total: float) -> list[Any]:
        field = self.field(schema, args["field"])
        assert field.type.item is not None
        item_schema = self.schemas[field.type.item.name]
        item_field = self.field(item_schema, args["item"])
        allowed = sorted(int(v) for v in self.enums.get(item_field.type.name, ()))
        items, left = [], int(total)
        while left > 0:
            step = max(v for v in allowed if v <= left) if allowed else left
            item = self.minimal(item_schema)
            item[args["item"]] = str(step) if allowed else step
            items.append(item)
            left -= step
        return items

    def apply(
        self, schema: Schema, obj: dict[str, Any], kind: str, args: Any, reject: bool
    ) -> None:
        """Make `obj` satisfy (reject=False, at the boundary where there is one) or break the rule."""
        if kind in ("exactly-one-of", "at-most-one-of"):
            if reject:
                for name in args:
                    obj[name] = self.value(self.field(schema, name))
        elif kind == "at-least-one-of":
            if reject:
                for name in args:
                    obj.pop(name, None)
        elif kind == "count":
            limit = (
                args["max"] + 1 if reject and "max" in args else args.get("max", args.get("min", 0))
            )
            if reject and "max" not in args:
                limit = args["min"] - 1
            obj[args["field"]] = self.items(schema, args["field"], limit, args.get("where"))
        elif kind == "total-count":
            first = args["fields"][0]
            for name in args["fields"]:
                obj.pop(name, None)
            obj[first] = self.items(schema, first, args["max"] + (1 if reject else 0), None)
        elif kind == "sum":
            limit = args.get("max", args.get("min", 0))
            obj[args["field"]] = self.sum_items(schema, args, limit + 1 if reject else limit)
        elif kind in ("required-when", "forbidden-when"):
            self.make_cond(schema, obj, args["when"], holds=True)
            present = (kind == "required-when") != reject
            if present:
                obj[args["field"]] = self.value(self.field(schema, args["field"]))
            else:
                obj.pop(args["field"], None)
        elif kind == "compare":
            right = 10_000
            obj[args["right"]] = right
            bound = right + args.get("offset", 0)
            upward = args["op"] in ("gt", "ge")
            if reject:
                obj[args["left"]] = (
                    bound + (-1 if upward else 1) if args["op"] in ("le", "ge") else bound
                )
            else:
                obj[args["left"]] = bound + (5000 if upward else -5000)

    def case(self, root: Schema, runtime: RuntimeRule) -> RuleCase:
        rule = runtime.rule
        owner = self.schemas[rule.source.pointer.split("/")[3]]
        accepted, rejected = self.minimal(root), self.minimal(root)
        path = ""
        for payload, reject in ((accepted, False), (rejected, True)):
            obj, schema, path = self.descend(payload, root, runtime.at)
            assert schema.name == owner.name
            self.apply(owner, obj, rule.kind, copy.deepcopy(rule.args.raw), reject)
            if not reject:
                self.satisfy(owner, obj, set(rule.fields))
                if runtime.at:
                    self.satisfy(root, accepted, set(runtime.at))
        path = ".".join(p for p in (path, rule.primary) if p).replace(".[", "[")
        return RuleCase(root.name, rule.id, accepted, rejected, path)

    def descend(
        self, payload: dict[str, Any], schema: Schema, at: tuple[str, ...]
    ) -> tuple[dict[str, Any], Schema, str]:
        obj, path = payload, ""
        for step in at:
            if step == "[]":
                continue
            field = self.field(schema, step)
            t = field.type.item if field.type.kind == "array" else field.type
            assert t is not None
            target = self.schemas[t.name]
            if field.type.kind == "array":
                obj.setdefault(step, [self.minimal(target)])
                obj, path = obj[step][0], f"{path}.{step}[0]"
            else:
                obj.setdefault(step, self.minimal(target))
                obj, path = obj[step], f"{path}.{step}"
            schema = target
        return obj, schema, path.lstrip(".")


def rule_cases(api: Api) -> list[RuleCase]:
    """One case per rule per request schema that can reach it (endpoint or internal input)."""
    builder = Builder(api)
    roots = sorted({e.input for e in api.endpoints} | {op.input for op in api.internal})
    cases = []
    for name in roots:
        for runtime in builder.schemas[name].runtime_rules:
            cases.append(builder.case(builder.schemas[name], runtime))
    return cases
