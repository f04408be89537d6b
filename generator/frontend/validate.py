"""Validate the assembled spec: extension schema, closed vocabularies, $refs, enums, defaults, rules,
OpenAPI 3.1, examples."""

from __future__ import annotations

from itertools import islice
from typing import Any

import jsonschema

from generator.diagnostics import Diagnostic, SpecError, did_you_mean
from generator.frontend.assemble import Located, Spec
from generator.frontend.load import SpecFile, pointer
from generator.frontend.schema_walk import (
    REF_PREFIX,
    all_refs,
    enum_values,
    item_schema,
    properties,
    resolve,
    subschemas,
)
from generator.frontend.strict import extension_errors, pricing_problems, schema_problems
from generator.runtime import kinds
from generator.runtime.kinds import conditions
from generator.settings import cache_key, cached, store_all

_MISSING = object()
_MAX_LOCATED = 100  # the OpenAPI check stops locating problems after this many
_VALID = "valid\n"  # the "openapi" cache's entry for a part that passed
_VERDICTS = 2048  # entries kept: a verdict per schema (~140 in spec/) and one for the rest
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _is_type(value: Any, json_type: str) -> bool:
    types = _JSON_TYPES.get(json_type)
    if types is None:
        return True
    if isinstance(value, bool) and json_type != "boolean":
        return False
    return isinstance(value, types)


class _Checker:
    """Collects diagnostics over one assembled spec."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.bodies = {name: loc.data for name, loc in spec.schemas.items()}
        self.problems: list[Diagnostic] = []

    def add(
        self, spec_file: SpecFile, code: str, at: str, hint: str = "", **fields: object
    ) -> None:
        self.problems.append(spec_file.diag(code, at, hint=hint, **fields))

    def extensions(self) -> None:
        spec = self.spec
        drift = spec.root.data.get("x-kling-naming-drift", [])
        self.problems += extension_errors(
            spec.root, "/x-kling-naming-drift", drift, "naming_drift", "x-kling-naming-drift"
        )
        for loc in spec.endpoints:
            self.problems += extension_errors(
                loc.file, loc.pointer, loc.data, "endpoint", "x-kling-endpoint"
            )
        for loc in spec.internal:
            self.problems += extension_errors(
                loc.file, loc.pointer, loc.data, "internal", "x-kling-internal"
            )
        self.problems += schema_problems(spec)
        self.problems += pricing_problems(spec)

    def refs(self) -> None:
        for spec_file in self.spec.files:
            for at, ref in all_refs(spec_file.data):
                name = ref.removeprefix(REF_PREFIX)
                if not ref.startswith(REF_PREFIX) or name not in self.spec.schemas:
                    hint = "refs look like #/components/schemas/Name; defined names are global"
                    close = did_you_mean(
                        ref.rsplit("/", 1)[-1], self.spec.schemas, prefix=REF_PREFIX
                    )
                    self.add(spec_file, "ref-missing", at, hint=hint, key=ref, suggestion=close)

    def cycles(self) -> None:
        graph = {
            name: sorted({r.removeprefix(REF_PREFIX) for _, r in all_refs(body)})
            for name, body in self.bodies.items()
        }
        state: dict[str, int] = {}

        def visit(name: str, trail: list[str]) -> None:
            state[name] = 1
            for target in graph.get(name, []):
                if state.get(target) == 1:
                    loop = [*trail[trail.index(target) :], target]
                    loc = self.spec.schemas[name]
                    self.add(loc.file, "ref-cycle", loc.pointer, detail=" -> ".join(loop))
                elif target not in state and target in graph:
                    visit(target, [*trail, target])
            state[name] = 2

        for name in sorted(graph):
            if name not in state:
                visit(name, [name])

    def enums_and_defaults(self) -> None:
        for loc in self.spec.schemas.values():
            for at, node in subschemas(loc.data, loc.pointer):
                if "enum" in node:
                    self._enum(loc, at, node, top_level=at == loc.pointer)
                if "default" in node:
                    self._default(loc.file, at, node)

    def _enum(self, loc: Located, at: str, node: dict[str, Any], *, top_level: bool) -> None:
        if not top_level:
            self.add(
                loc.file, "enum-inline", at + "/enum", hint="move it to spec/components/enums.yaml"
            )
            return
        expected = str(node.get("type", "string"))
        for index, value in enumerate(node["enum"]):
            if not _is_type(value, expected):
                hint = "quote it in YAML" if expected == "string" else ""
                self.add(
                    loc.file,
                    "enum-value-type",
                    f"{at}/enum/{index}",
                    hint=hint,
                    value=value,
                    expected=expected,
                )

    def _default(self, spec_file: SpecFile, at: str, node: dict[str, Any]) -> None:
        default = node["default"]
        allowed = enum_values(self.bodies, node)
        if allowed is not None and default not in allowed:
            shown = ", ".join(repr(v) for v in allowed[:12]) + (
                ", ..." if len(allowed) > 12 else ""
            )
            self.add(spec_file, "enum-default", at + "/default", value=default, allowed=shown)
            return
        target = resolve(self.bodies, node)
        json_type = target.get("type") if isinstance(target, dict) else None
        if isinstance(json_type, str) and not _is_type(default, json_type):
            self.add(
                spec_file, "enum-value-type", at + "/default", value=default, expected=json_type
            )

    def rules(self) -> None:
        for name, loc in self.spec.schemas.items():
            for at, node in subschemas(loc.data, loc.pointer):
                seen: set[str] = set()
                for index, rule in enumerate(node.get("x-kling-rules") or []):
                    rule_at = f"{at}/x-kling-rules/{index}"
                    if rule["id"] in seen:
                        self.add(loc.file, "rule-duplicate-id", rule_at + "/id", key=rule["id"])
                    seen.add(rule["id"])
                    self._rule(loc.file, rule_at, name, node, rule)

    def _rule(
        self, spec_file: SpecFile, at: str, name: str, node: dict[str, Any], rule: dict[str, Any]
    ) -> None:
        """The fields a rule names exist (its kind says which arguments name fields, and of
        which object), its array field is an array, and condition values are enum values."""
        props = properties(self.bodies, node)
        kind = kinds.KINDS[kinds.kind_of(rule)]
        args = rule[kind.name]
        array_field = args.get(kind.array) if kind.array else None
        items = item_schema(self.bodies, props.get(array_field)) if array_field in props else None
        if array_field in props and items is None:
            detail = f"{array_field!r} is not an array"
            where = f"{at}/{kind.name}/{kind.array}"
            self.add(spec_file, "rule-bad-value", where, rule=rule["id"], detail=detail)
        scopes = {"self": props, "item": properties(self.bodies, items or {})}
        for scope, arg_at, field in kind.refs(args):
            if field not in scopes[scope]:
                where = name if scope == "self" else f"the items of {name}.{array_field}"
                self.add(
                    spec_file,
                    "rule-unknown-field",
                    f"{at}/{arg_at}",
                    hint=f"known fields: {', '.join(sorted(scopes[scope])) or '(none)'}",
                    rule=rule["id"],
                    key=field,
                    where=where,
                )
        for arg, scope in kind.fields_at:
            cond = args.get(arg) if arg else None
            owner = scopes[scope]
            if not isinstance(cond, dict) or cond.get("field") not in owner:
                continue
            allowed = enum_values(self.bodies, owner[cond["field"]]) or []
            for value in conditions.listed(cond) if allowed else []:
                if value not in allowed:
                    detail = f"{value!r} is not a value of {cond['field']}"
                    where = f"{at}/{kind.name}/{arg}"
                    self.add(spec_file, "rule-bad-value", where, rule=rule["id"], detail=detail)

    def openapi(self, bundle: dict[str, Any]) -> None:
        """OpenAPI 3.1 validity of every schema, with the queue paths of one endpoint, in one
        validation of the document; an error inside `components/schemas/<name>` is reported at
        that schema's own file and line.

        The paths are laid out by bundle.py the same way for every endpoint, so one endpoint's
        paths check the layout (a test validates the whole bundle); this keeps generation fast.
        Schemas that passed before (by content) are left out, unless the rest refers to them:
        after editing one endpoint, only its schemas are checked again.
        """
        first = next(iter(bundle["paths"]), "")
        sample = {k: v for k, v in bundle["paths"].items() if k.startswith(first)}
        schemas: dict[str, Any] = bundle.get("components", {}).get("schemas", {})
        frame = {**bundle, "paths": sample, "components": {**bundle.get("components", {})}}
        frame["components"].pop("schemas", None)
        # only what passed is kept; problems are always worked out anew, placed
        tools = cache_key(("openapi-spec-validator", "jsonschema"), frame.get("jsonSchemaDialect"))
        keys = {"": cache_key((), tools, frame)}
        keys.update({name: cache_key((), tools, name, body) for name, body in schemas.items()})
        unsure = [name for name, key in keys.items() if cached("openapi", key) != _VALID]
        if not unsure:  # every part passed before
            return
        checked = _closure(schemas, [name for name in unsure if name], frame)
        document = {**frame, "components": {**frame["components"], "schemas": checked}}
        from openapi_spec_validator import OpenAPIV31SpecValidator  # slow to import: only when used

        try:
            errors = list(islice(OpenAPIV31SpecValidator(document).iter_errors(), _MAX_LOCATED))
        except Exception as exc:  # the validator raises on documents it cannot walk
            self.add(self.spec.root, "openapi-invalid", "", detail=f"{type(exc).__name__}: {exc}")
            return
        if not errors:
            store_all("openapi", {keys[name]: _VALID for name in ["", *checked]}, keep=_VERDICTS)
        for error in errors:  # one validation of the whole document, each error mapped back
            path = [str(part) for part in error.absolute_path]
            if path[:2] == ["components", "schemas"] and path[2:3]:
                places = [(path[2], path[3:])]
            else:  # a schema validated on its own reports paths inside that schema
                places = [(name, path) for name in self._holding(path, error.instance)]
            for name, rest in places:
                loc = self.spec.schemas[name]
                self.add(
                    loc.file, "openapi-invalid", loc.pointer + pointer(*rest), detail=error.message
                )
            if not places:
                self.add(self.spec.root, "openapi-invalid", pointer(*path), detail=error.message)

    def _holding(self, path: list[str], value: Any) -> list[str]:
        """The schemas that have `value` at `path` (where an error inside one was found)."""
        found = []
        for name, loc in self.spec.schemas.items():
            node: Any = loc.data
            for part in path:
                node = node.get(part, _MISSING) if isinstance(node, dict) else _MISSING
            if node is not _MISSING and node == value:
                found.append(name)
        return found

    def examples(self, bundle: dict[str, Any]) -> None:
        components = {"components": bundle["components"]}
        for loc in self.spec.endpoints:
            for index, example in enumerate(loc.data.get("examples") or []):
                for part in ("input", "output"):
                    if part not in example:
                        continue
                    schema = {**components, "$ref": loc.data[part]["$ref"]}
                    validator = jsonschema.Draft202012Validator(schema)
                    error = jsonschema.exceptions.best_match(validator.iter_errors(example[part]))
                    if error is not None:
                        at = f"{loc.pointer}/examples/{index}/{part}" + pointer(
                            *error.absolute_path
                        )
                        key = f"{example['name']}.{part}"
                        self.add(loc.file, "example-invalid", at, key=key, detail=error.message)


def _closure(schemas: dict[str, Any], names: list[str], frame: Any) -> dict[str, Any]:
    """The schemas `names`, and those that they or `frame` refer to, directly or through each
    other, sorted by name."""
    found = {name: schemas[name] for name in names}
    todo = [frame, *found.values()]
    while todo:
        for _, ref in all_refs(todo.pop()):
            name = ref.removeprefix(REF_PREFIX)
            if name in schemas and name not in found:
                found[name] = schemas[name]
                todo.append(schemas[name])
    return dict(sorted(found.items()))


def check_structure(spec: Spec) -> None:
    """Extension schema, $refs and cycles: what the IR builder relies on."""
    checker = _Checker(spec)
    checker.extensions()
    checker.refs()
    if "QueueStatus" not in spec.schemas:
        hint = "copy spec/components/queue.yaml from the klinggen repository"
        checker.add(spec.root, "queue-status-missing", "", hint=hint, key="QueueStatus")
    if not checker.problems:
        checker.cycles()
    if checker.problems:
        raise SpecError(checker.problems)


def check_semantics(spec: Spec, bundle: dict[str, Any], *, openapi: bool = True) -> None:
    """Enums, defaults, rules, the examples and (unless `openapi` is False) OpenAPI 3.1 validity."""
    checker = _Checker(spec)
    checker.enums_and_defaults()
    checker.rules()
    if openapi:
        checker.openapi(bundle)
    checker.examples(bundle)
    if checker.problems:
        raise SpecError(checker.problems)


def openapi_problems(spec: Spec, bundle: dict[str, Any]) -> list[Diagnostic]:
    """The OpenAPI 3.1 check alone (the slow one), for running beside the other stages."""
    checker = _Checker(spec)
    checker.openapi(bundle)
    return checker.problems
