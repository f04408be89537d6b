"""Closed vocabularies: every schema keyword and x- key is known, extension objects carry only
their declared keys, and `required` and `x-fal-order-properties` name real properties; a typo is
reported with a did-you-mean instead of silently vanishing from the generated code."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from generator.diagnostics import Diagnostic, did_you_mean
from generator.frontend.assemble import Spec
from generator.frontend.load import SpecFile, escape, pointer
from generator.frontend.schema_walk import REF_PREFIX, item_schema, properties, subschemas
from generator.runtime import kinds, pricing
from generator.runtime.kinds import conditions

# The JSON Schema 2020-12 / OpenAPI 3.1 keywords a spec schema may use; the x- keys come from
# `schema_extensions` in extensions.yaml.
SCHEMA_KEYWORDS = frozenset(
    {
        "$ref",
        "title",
        "description",
        "default",
        "examples",
        "example",
        "deprecated",
        "readOnly",
        "writeOnly",
        "type",
        "format",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "uniqueItems",
        "properties",
        "required",
        "additionalProperties",
        "minProperties",
        "maxProperties",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
    }
)
_ORDER = "x-fal-order-properties"


@cache
def extension_schema() -> dict[str, Any]:
    """extensions.yaml: one JSON Schema per part (endpoint, fal, rules, ...) plus shared $defs;
    the rules' and prices' own schemas come from their kinds (generator/runtime/kinds, pricing)."""
    text = (Path(__file__).parent / "extensions.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    loaded["$defs"]["cond"] = conditions.SCHEMA
    loaded["rules"]["items"] = kinds.rule_schema()
    loaded["endpoint"]["properties"]["pricing"] = pricing.pricing_schema()
    return loaded


@cache
def _validator(part: str) -> jsonschema.Draft202012Validator:
    root = extension_schema()
    return jsonschema.Draft202012Validator({"$defs": root["$defs"], **root[part]})


@dataclass(frozen=True, slots=True)
class _Error:
    """One jsonschema error, kept apart from the file it was found in."""

    path: tuple[Any, ...]
    message: str
    unknown: tuple[Any, ...] | None  # additionalProperties: the keys the schema does not declare
    known: tuple[str, ...]


_SEEN: dict[tuple[str, str], tuple[_Error, ...]] = {}
_SEEN_MAX = 4096


def _errors(part: str, data: Any) -> tuple[_Error, ...]:
    """The errors of `data` against part `part`, remembered by the data's repr (exact for YAML
    data: it tells types apart) for later loads of the same spec, e.g. each step of an import."""
    key = (part, repr(data))
    found = _SEEN.get(key)
    if found is None:
        found = tuple(
            _Error(tuple(e.absolute_path), e.message, *_undeclared(e))
            for e in sorted(
                _validator(part).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))
            )
        )
        if len(_SEEN) >= _SEEN_MAX:
            _SEEN.clear()
        _SEEN[key] = found
    return found


def _undeclared(
    error: jsonschema.ValidationError,
) -> tuple[tuple[Any, ...] | None, tuple[str, ...]]:
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return None, ()
    known = error.schema.get("properties", {})
    return tuple(k for k in error.instance if k not in known), tuple(known)


def is_valid(part: str, data: Any) -> bool:
    """Whether `data` meets part `part` of extensions.yaml."""
    return not _errors(part, data)


def extension_errors(
    spec_file: SpecFile, at: str, data: Any, part: str, label: str
) -> list[Diagnostic]:
    """`data` (at `at`) checked against part `part` of extensions.yaml; unknown keys by name."""
    found = []
    for error in _errors(part, data):
        where = at + pointer(*error.path)
        if error.unknown is not None:
            for key in error.unknown:
                found.append(_unknown(spec_file, where + pointer(key), key, label, error.known))
        else:
            found.append(
                spec_file.diag("extension-invalid", where, key=label, detail=error.message)
            )
    return found


def _unknown(
    spec_file: SpecFile, at: str, key: object, where: str, known: Any, hint: str = ""
) -> Diagnostic:
    suggestion = did_you_mean(str(key), known)
    return spec_file.diag(
        "unknown-keyword", at, hint=hint, key=key, where=where, suggestion=suggestion
    )


class _Strict:
    """Collects the problems of every schema in one walk."""

    def __init__(self, spec: Spec) -> None:
        self.bodies = {name: loc.data for name, loc in spec.schemas.items()}
        self.extensions: dict[str, str] = extension_schema()["schema_extensions"]
        self.types: dict[str, str] = extension_schema()["schema_extension_types"]
        self.problems: list[Diagnostic] = []

    def keywords(self, spec_file: SpecFile, at: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            if key in SCHEMA_KEYWORDS:
                continue
            key_at = f"{at}/{escape(str(key))}"
            part = self.extensions.get(key)
            if part is not None:
                self.problems += extension_errors(spec_file, key_at, value, part, key)
                self.placement(spec_file, key_at, str(key), node)
                continue
            known = SCHEMA_KEYWORDS | self.extensions.keys()
            hint = ""
            if str(key).startswith("x-"):
                hint = f"the x- keys a schema may carry: {', '.join(sorted(self.extensions))}"
            self.problems.append(_unknown(spec_file, key_at, key, "a schema", known, hint))

    def placement(self, spec_file: SpecFile, at: str, key: str, node: dict[str, Any]) -> None:
        """An x- key on a schema of another type than extensions.yaml allows for it."""
        expected, found = self.types.get(key), node.get("type")
        if expected is None or found == expected:
            return
        hint = "a list of URLs carries its file limits on `items`" if found == "array" else ""
        shown = f"type {found}" if isinstance(found, str) else "a schema without a type"
        self.problems.append(
            spec_file.diag(
                "extension-misplaced", at, hint=hint, key=key, expected=expected, found=shown
            )
        )

    def required(self, spec_file: SpecFile, at: str, node: dict[str, Any]) -> None:
        names = node.get("required")
        if not isinstance(names, list):
            return
        declared = set(properties(self.bodies, node))
        for key in ("allOf", "anyOf", "oneOf"):
            for member in node.get(key) if isinstance(node.get(key), list) else ():
                declared |= properties(self.bodies, member).keys()
        for index, name in enumerate(names):
            if isinstance(name, str) and name not in declared:
                self.problems.append(
                    spec_file.diag(
                        "required-unknown",
                        f"{at}/required/{index}",
                        key=name,
                        suggestion=did_you_mean(name, declared),
                    )
                )

    def order(self, spec_file: SpecFile, at: str, node: dict[str, Any]) -> None:
        order, props = node.get(_ORDER), node.get("properties")
        if not isinstance(order, list):
            return
        props = props if isinstance(props, dict) else {}
        listed = {name for name in order if isinstance(name, str)}
        missing = [name for name in props if name not in listed]
        for name in missing:
            self.problems.append(
                spec_file.diag("order-properties-missing", f"{at}/{_ORDER}", key=name)
            )
        for index, name in enumerate(order):
            if isinstance(name, str) and name not in props:
                self.problems.append(
                    spec_file.diag(
                        "order-properties-unknown",
                        f"{at}/{_ORDER}/{index}",
                        key=name,
                        suggestion=did_you_mean(name, missing),
                    )
                )


def schema_problems(spec: Spec) -> list[Diagnostic]:
    """Unknown keywords and invalid x- values in every schema, bad `required` and field orders."""
    strict = _Strict(spec)
    for loc in spec.schemas.values():
        for at, node in subschemas(loc.data, loc.pointer):
            strict.keywords(loc.file, at, node)
            strict.required(loc.file, at, node)
            strict.order(loc.file, at, node)
    return strict.problems


def pricing_problems(spec: Spec) -> list[Diagnostic]:
    """Each endpoint's `pricing` (once its shape is valid): the request fields it reads exist,
    and the `unknown` kind goes with confidence `unknown` (and only it)."""
    bodies = {name: loc.data for name, loc in spec.schemas.items()}
    problems = []
    for loc in spec.endpoints:
        raw = loc.data.get("pricing")
        request = str((loc.data.get("input") or {}).get("$ref", "")).removeprefix(REF_PREFIX)
        if raw is None or request not in bodies or not is_valid("endpoint", loc.data):
            continue
        at = loc.pointer + "/pricing"
        kind = pricing.kind_of(raw)
        if (kind == "unknown") != (raw["confidence"] == "unknown"):
            problems.append(
                loc.file.diag(
                    "pricing-confidence", f"{at}/confidence", key=raw["confidence"], kind=kind
                )
            )
        props = properties(bodies, bodies[request])
        for arg_at, field, item in pricing.refs(raw):
            known = props
            if item and field in props:
                known = properties(bodies, item_schema(bodies, props[field]) or {})
                field = item
            if field not in known:
                problems.append(
                    loc.file.diag(
                        "pricing-unknown-field",
                        f"{at}/{arg_at}",
                        hint=f"known fields: {', '.join(sorted(known)) or '(none)'}",
                        key=field,
                        where=request,
                        suggestion=did_you_mean(field, known),
                    )
                )
    return problems
