"""Fixtures per endpoint, derived from the IR: valid requests, annotated invalid ones, a response.

Each invalid fixture is a valid minimal request with one change, annotated with the exact
(field path, rule id) problems it must produce.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from generator.ir.build import value
from generator.ir.model import (
    Api,
    Endpoint,
    Expectation,
    Field,
    Fixture,
    Rule,
    RuntimeRule,
    Schema,
)
from generator.ir.payloads import Ctx, PayloadBuilder
from generator.runtime.kinds import apply

_WRONG_TYPE: dict[str, Any] = {
    "string": {"unexpected": "object"},
    "integer": "not a number",
    "number": "not a number",
    "boolean": "maybe",
    "array": "not a list",
    "model": "not an object",
}
UNKNOWN_FIELD = "not_a_kling_field"


def _fixture(
    name: str, kind: str, description: str, payload: Any, *expect: tuple[str, str]
) -> Fixture:
    return Fixture(
        name=name,
        kind=kind,
        description=description,
        payload=value(payload),
        expect=tuple(Expectation(path=p, rule=r) for p, r in expect),
    )


class _Deriver:
    def __init__(self, api: Api) -> None:
        self.builder = PayloadBuilder(api)

    def valid(self, endpoint: Endpoint, schema: Schema) -> list[Fixture]:
        found = [
            _fixture("minimal", "valid", "Required fields only.", self.builder.build(schema)),
            _fixture(
                "full",
                "valid",
                "Every field set to a meaningful non-default value.",
                self.builder.build(schema, full=True),
            ),
        ]
        for example in endpoint.examples:
            found.append(
                _fixture(f"example-{example.name}", "valid", example.description, example.input.raw)
            )
        return found

    def invalid(self, schema: Schema) -> list[Fixture]:
        minimal = self.builder.build(schema)
        found: list[Fixture] = []

        def add(
            name: str, text: str, field: str, new: Any, rule: str, *, drop: bool = False
        ) -> None:
            payload = copy.deepcopy(minimal)
            if drop:
                payload.pop(field)
            else:
                payload[field] = new
            found.append(_fixture(name, "invalid", text, payload, (field, rule)))

        for f in schema.fields:
            if f.required:
                add(
                    f"missing-{f.name}",
                    f"Required field {f.name} left out.",
                    f.name,
                    None,
                    "required",
                    drop=True,
                )
        in_rules = {name for rule in schema.rules for name in rule.fields}
        typed = next(
            (f for f in schema.fields if f.type.kind in _WRONG_TYPE and f.name not in in_rules),
            None,
        )
        if typed is not None:
            add(
                f"wrong-type-{typed.name}",
                f"{typed.name} of the wrong JSON type.",
                typed.name,
                _WRONG_TYPE[typed.type.kind],
                "type",
            )
        for f in schema.fields:
            self.limits(f, add)
        add("unknown-field", "A field no Kling endpoint has.", UNKNOWN_FIELD, "x", "unknown-field")
        return found

    def limits(self, f: Field, add: Any) -> None:
        limits = dict(f.constraints)
        if f.type.kind == "enum":
            add(
                f"bad-enum-{f.name}",
                f"{f.name} outside its enum.",
                f.name,
                "not-a-valid-value",
                "enum",
            )
        if "maxLength" in limits:
            add(
                f"too-long-{f.name}",
                f"{f.name} longer than {limits['maxLength']}.",
                f.name,
                "x" * (int(limits["maxLength"]) + 1),
                "max-length",
            )
        step = 1 if f.type.kind == "integer" else 0.5
        if "minimum" in limits:
            add(
                f"below-minimum-{f.name}",
                f"{f.name} below {limits['minimum']}.",
                f.name,
                limits["minimum"] - step,
                "range",
            )
        if "maximum" in limits:
            add(
                f"above-maximum-{f.name}",
                f"{f.name} above {limits['maximum']}.",
                f.name,
                limits["maximum"] + step,
                "range",
            )

    def rule(self, root: Schema, runtime: RuntimeRule, reject: bool) -> Fixture:
        """A request that breaks (or meets, at its boundary) one rule and keeps every other.

        The rule's kind proposes edits; its evaluator says which break it (or meet it)."""
        rule = runtime.rule
        owner = self.builder.schemas[rule.source.pointer.split("/")[3]]
        payload = self.builder.build(root)
        obj, path, schema = payload, "", root
        for step in runtime.at:
            if step == "[]":
                continue
            field = self.builder.field(schema, step)
            target = field.type.item if field.type.kind == "array" else field.type
            assert target is not None
            schema = self.builder.schemas[target.name]
            if field.type.kind == "array":
                obj.setdefault(step, [self.builder.build(schema)])
                obj, path = obj[step][0], f"{path}.{step}[0]"
            else:
                obj.setdefault(step, self.builder.build(schema))
                obj, path = obj[step], f"{path}.{step}"
        found = self._edited(owner, obj, rule, holds=not reject)
        obj.clear()
        obj.update(found)
        if runtime.at:
            payload = self.builder.satisfy(root, payload, {runtime.at[0]})
        if not reject:
            return _fixture(f"rule-{rule.id}-ok", "valid", f"Meets: {rule.message}", payload)
        where = ".".join(p for p in (path.lstrip("."), rule.primary) if p)
        return _fixture(f"rule-{rule.id}", "invalid", rule.message, payload, (where, rule.id))

    def _edited(
        self, schema: Schema, obj: dict[str, Any], rule: Rule, *, holds: bool
    ) -> dict[str, Any]:
        """`obj` changed by the first candidate edit of `rule` after which it holds (or is broken)
        and every other rule of `schema` holds."""
        context = Ctx(self.builder, schema)
        others = [r.check for r in schema.rules if r.id != rule.id]
        for edit in rule.check.candidates(context, obj):
            changed = apply(obj, edit)
            if rule.check.holds(changed) != holds:
                continue
            changed = self.builder.satisfy(schema, changed, set(edit), skip=rule.id)
            if rule.check.holds(changed) == holds and all(o.holds(changed) for o in others):
                return changed
        verb = "meets" if holds else "breaks only"
        raise ValueError(f"no candidate edit of rule {rule.id!r} {verb} it")

    def output(self, endpoint: Endpoint) -> Fixture:
        example = next((e.output for e in endpoint.examples if e.output is not None), None)
        schema = self.builder.schemas[endpoint.output]
        payload = example.raw if example else self.builder.build(schema, full=True)
        return _fixture("output", "output", "A response of this endpoint.", payload)


def attach_fixtures(api: Api) -> Api:
    """The same Api with every endpoint's fixtures derived."""
    deriver = _Deriver(api)
    endpoints = []
    for endpoint in api.endpoints:
        schema = deriver.builder.schemas[endpoint.input]
        fixtures = [
            *deriver.valid(endpoint, schema),
            *deriver.invalid(schema),
            *(deriver.rule(schema, runtime, reject=False) for runtime in schema.runtime_rules),
            *(deriver.rule(schema, runtime, reject=True) for runtime in schema.runtime_rules),
            deriver.output(endpoint),
        ]
        endpoints.append(replace(endpoint, fixtures=tuple(fixtures)))
    return replace(api, endpoints=tuple(endpoints))
