"""Differential fuzzing: kling_fal.validate and jsonschema judge generated payloads the same.

Payloads come from each endpoint's request schema in the bundled openapi.json (hypothesis-jsonschema),
drawn without the schema's rule entries and then judged with them, as they are and mutated. Where the two disagree, the only allowed reason is a documented
cross-field rule that JSON Schema cannot state (openapi.json states the others), which must then
name itself. Two documented differences are normalised first (`as_read`): kling_fal treats
`null` in a declared field as "not given" (it never sends it), so those keys are dropped, and it
accepts an int for a digit-string enum value (`5` for a duration of "5"), so such an int is
given to jsonschema as that string. KLING_FUZZ_EXAMPLES sets the number of examples per
endpoint (default 10 in CI).
"""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from typing import Any

import jsonschema
import kling_fal
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from kling_fal import KlingValidationError
from kling_fal._spec_data import RULES
from support import GENERATED

pytestmark = pytest.mark.slow(21)  # seconds, roughly: scheduled early (conftest.py)

EXAMPLES = int(os.environ.get("KLING_FUZZ_EXAMPLES", "10"))
SCHEMA_RULES = {
    "required",
    "unknown-field",
    "type",
    "enum",
    "max-length",
    "min-length",
    "range",
    "max-items",
    "min-items",
}
IDS = sorted(kling_fal.ENDPOINTS)
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


@cache
def defs(rules: bool = True) -> dict[str, Any]:
    """Bundle schemas as $defs, closed to unknown properties like kling_fal's request models;
    without the `allOf` entries stating cross-field rules unless `rules`."""
    bundle = json.loads((GENERATED / "openapi.json").read_text(encoding="utf-8"))
    text = json.dumps(bundle["components"]["schemas"]).replace("#/components/schemas/", "#/$defs/")
    schemas: dict[str, Any] = json.loads(text)
    for body in schemas.values():
        _close(body)
        if not rules:
            body["allOf"] = [
                e for e in body.get("allOf", ()) if "rule " not in e.get("$comment", "")
            ]
            if not body["allOf"]:
                del body["allOf"]
    return schemas


def _close(node: Any) -> None:
    if isinstance(node, dict):
        for key in [k for k in node if k.startswith("x-")]:
            del node[key]
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for value in node:
            _close(value)


@cache
def schema_of(endpoint_id: str, rules: bool = True) -> dict[str, Any]:
    model = kling_fal.ENDPOINTS[endpoint_id].input_model
    return {"$defs": defs(rules), **copy.deepcopy(defs(rules)[model])}


@cache
def drawn(endpoint_id: str) -> st.SearchStrategy[Any]:
    """Payloads of the request schema without its rules (drawing payloads that meet `oneOf`,
    `if` and `contains` is slow); the rules then judge them like the rest of the schema."""
    return from_schema(schema_of(endpoint_id, rules=False))


@cache
def checker(endpoint_id: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema_of(endpoint_id))


def ours(endpoint_id: str, payload: Any) -> set[str]:
    """Rule ids kling_fal reports (empty when it accepts)."""
    try:
        kling_fal.validate(endpoint_id, payload)
    except KlingValidationError as exc:
        return {issue.rule for issue in exc.issues}
    return set()


def as_read(value: Any, schema: Any) -> Any:
    """`value` as kling_fal reads it, recursively along `schema`: null-valued *declared*
    properties removed, and an int standing for a value of a digit-string enum as that string."""
    while isinstance(schema, dict) and "$ref" in schema:
        schema = defs()[schema["$ref"].rsplit("/", 1)[1]]
    if not isinstance(schema, dict):
        return value
    enum = schema.get("enum")
    if type(value) is int and enum and all(isinstance(v, str) and v.isdigit() for v in enum):
        return str(value) if str(value) in enum else value
    if isinstance(value, dict):
        props = schema.get("properties", {})
        return {
            k: as_read(v, props.get(k)) for k, v in value.items() if not (v is None and k in props)
        }
    if isinstance(value, list):
        return [as_read(v, schema.get("items")) for v in value]
    return value


def schema_rules(endpoint_id: str) -> set[str]:
    """Rule ids jsonschema judges too: the schema keywords, and the rules openapi.json states."""
    rules = RULES.get(kling_fal.ENDPOINTS[endpoint_id].input_model, ())
    return SCHEMA_RULES | {rule.id for rule in rules if rule.check.lower() is not None}


def assert_same_verdict(endpoint_id: str, payload: Any) -> None:
    theirs_ok = checker(endpoint_id).is_valid(as_read(payload, schema_of(endpoint_id)))
    found = ours(endpoint_id, payload)
    schema_found = found & schema_rules(endpoint_id)
    assert theirs_ok == (not schema_found), (
        endpoint_id,
        payload,
        found,
        [e.message for e in checker(endpoint_id).iter_errors(payload)],
    )
    documented = {rule.id for rule in RULES.get(kling_fal.ENDPOINTS[endpoint_id].input_model, ())}
    assert found - SCHEMA_RULES <= documented, (endpoint_id, found)


@pytest.mark.parametrize("endpoint_id", IDS)
@FUZZ
@given(data=st.data())
def test_schema_valid_payloads(endpoint_id: str, data: st.DataObject) -> None:
    payload = data.draw(drawn(endpoint_id))
    assert_same_verdict(endpoint_id, payload)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-20, 20)
    | st.floats(-3, 3, allow_nan=False)
    | st.text(max_size=6)
    | st.sampled_from(["5", "10", "16:9", "hug", "https://x.test/a.png", "x" * 2501]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.mark.parametrize("endpoint_id", IDS)
@FUZZ
@given(data=st.data())
def test_mutated_payloads(endpoint_id: str, data: st.DataObject) -> None:
    payload = data.draw(drawn(endpoint_id))
    fields = sorted(kling_fal.ENDPOINTS[endpoint_id].input.model_fields)
    name = data.draw(st.sampled_from([*fields, "not_a_field"]))
    if data.draw(st.booleans()) and name in payload:
        del payload[name]
    else:
        payload[name] = data.draw(JSON_VALUES)
    assert_same_verdict(endpoint_id, payload)
