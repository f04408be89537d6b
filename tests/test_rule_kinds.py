"""Each rule kind's four readings agree: the evaluator, the emitted check, the JSON Schema
lowering, and the candidate edits fixtures are made from (labelled by the evaluator).

Rules are drawn as the spec writes them (and must pass the extension schema), with random field
defaults; payloads are random JSON. The lowering reads a null field as absent, as kling_fal does,
so nulls are dropped before jsonschema sees a payload.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ROOT

from generator.frontend.strict import extension_schema
from generator.runtime import kinds
from generator.runtime.kinds import KINDS, Kind, Writer, apply, is_object, number
from generator.targets.python.rules import check_function

pytestmark = pytest.mark.slow(18)  # seconds, roughly: scheduled early (conftest.py)

NAMES = ("a", "b", "c")
names = st.sampled_from(NAMES)
scalars = st.one_of(
    st.booleans(),
    st.integers(-2, 16),
    st.sampled_from([1.5, 5.0, 0.5, 10**400]),
    st.sampled_from(["5", "10", "1.5", "5.0", "x", "", "1e999"]),
)
values = st.one_of(st.none(), scalars)
items = st.dictionaries(names, values, max_size=3)
payloads = st.dictionaries(
    names,
    st.one_of(values, st.lists(st.one_of(items, scalars, st.none()), max_size=5)),
    max_size=3,
)


ops = st.sampled_from(kinds.conditions.OPS)
listed_values = st.lists(scalars.filter(lambda v: v != 10**400), min_size=1, max_size=3)
defaults_of = st.dictionaries(st.tuples(st.sampled_from(["self", "item"]), names), scalars)


@st.composite
def conds(draw: st.DrawFn) -> dict[str, Any]:
    op = draw(ops)
    if op in ("present", "absent"):
        return {op: draw(names)}
    listed = draw(listed_values)
    return {"field": draw(names), op: listed[0] if op == "equals" else listed}


bounds = st.fixed_dictionaries(
    {}, optional={"min": st.integers(0, 4), "max": st.integers(0, 4)}
).filter(bool)
sums = st.fixed_dictionaries(
    {}, optional={"min": st.sampled_from([0, 5, 7.5]), "max": st.sampled_from([5, 10, 15])}
).filter(bool)
fields = st.lists(names, min_size=2, max_size=3, unique=True)


@cache  # built once per kind: hypothesis validates a strategy when it is first drawn from
def args_of(kind: str) -> st.SearchStrategy[Any]:
    """Arguments of ``kind`` as the spec writes them."""
    field = {"field": names}
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "exactly-one-of": fields,
        "at-most-one-of": fields,
        "at-least-one-of": fields,
        "count": st.builds(
            lambda f, b, w: {**f, **b, **w},
            st.fixed_dictionaries(field),
            bounds,
            st.fixed_dictionaries({}, optional={"where": conds()}),
        ),
        "total-count": st.fixed_dictionaries({"fields": fields, "max": st.integers(0, 5)}),
        "sum": st.builds(
            lambda f, b: {**f, **b}, st.fixed_dictionaries({**field, "item": names}), sums
        ),
        "required-when": st.fixed_dictionaries({**field, "when": conds()}),
        "forbidden-when": st.fixed_dictionaries({**field, "when": conds()}),
        "compare": st.fixed_dictionaries(
            {"left": names, "op": st.sampled_from(["lt", "le", "gt", "ge"]), "right": names},
            optional={"offset": st.sampled_from([0, 2, -1.5, 2000])},
        ),
    }
    return strategies[kind]


@cache
def rules(kind: str) -> st.SearchStrategy[Kind]:
    """`_rules` of `kind`, built once."""
    return _rules(kind)


@st.composite
def _rules(draw: st.DrawFn, kind: str) -> Kind:
    """A rule of ``kind``, checked against the extension schema and parsed with random defaults."""
    written = {"id": "r", "message": "m", kind: draw(args_of(kind))}
    rule_validator().validate(written)
    defaults = draw(defaults_of)
    return kinds.parse(written, lambda scope, name: defaults.get((scope, name)))


@cache
def rule_validator() -> jsonschema.Draft202012Validator:
    """The extension schema's check of one x-kling-rules item."""
    root = extension_schema()
    return jsonschema.Draft202012Validator({"$defs": root["$defs"], **root["rules"]["items"]})


def emitted(check: Kind) -> Callable[[object], bool | None]:
    """The check's emitted Python, compiled here (the generated package has it as source)."""
    return _compiled(repr(check), check)


# A check drawn again, or asked about each of its candidates, is compiled once. Keyed by repr:
# checks on True and on 1 are equal (and hash alike) but are not the same check.
@cache
def _compiled(key: str, check: Kind) -> Callable[[object], bool | None]:
    w = Writer()
    check_function(w, "check", [((), check)])
    namespace: dict[str, Any] = {"_number": number, "_is_object": is_object, **w.conds}
    exec(compile("\n".join(w.lines), "<emitted>", "exec"), namespace)
    found: Callable[[object], bool | None] = namespace["check"]
    return found


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


class Values:
    """A fixture context over the drawn fields: ``c`` is an array of objects, the rest scalars."""

    def value(self, name: str) -> object:
        return [{}] if self.is_array(name) else "5"

    def is_array(self, name: str) -> bool:
        return name == "c"

    def choices(self, name: str) -> tuple[object, ...]:
        return ("5", "10")

    def items(self, name: str, count: int, edit: Any = None) -> list[object]:
        return [apply({}, edit or {}) for _ in range(count)]

    def item(self, name: str) -> Values:
        return self


def assert_agree(check: Kind, payload: dict[str, Any]) -> bool:
    holds = check.holds(payload)
    assert emitted(check)(payload) is holds, (check, payload)
    lowered = lowering(repr(check), check)
    if lowered is not None:
        valid = lowered.is_valid(without_nulls(payload))
        assert valid is holds, (check, lowered.schema, payload)
    return holds


@cache
def lowering(key: str, check: Kind) -> jsonschema.Draft202012Validator | None:
    """A validator of the JSON Schema the check (its repr: `key`) lowers to (None: it has none)."""
    lowered = check.lower()
    return None if lowered is None else jsonschema.Draft202012Validator(lowered)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_evaluator_emitted_check_and_lowering_agree(kind: str, data: st.DataObject) -> None:
    check, payload = data.draw(rules(kind)), data.draw(payloads)
    assert_agree(check, payload)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_fixture_candidates_are_labelled_alike(kind: str, data: st.DataObject) -> None:
    """Every candidate edit a kind proposes reads the same to all three; fixtures pick from them."""
    check, payload = data.draw(rules(kind)), data.draw(payloads)
    for edit in check.candidates(Values(), payload):
        assert_agree(check, apply(payload, edit))


@pytest.mark.parametrize("kind", KINDS)
def test_candidates_reach_both_sides_of_the_rule(kind: str) -> None:
    """On a spec-like rule, the candidates meet it and break it (so both fixtures exist)."""
    args = {
        "exactly-one-of": ["a", "b"],
        "at-most-one-of": ["a", "b"],
        "at-least-one-of": ["a", "b"],
        "count": {"field": "c", "min": 1, "max": 2, "where": {"present": "a"}},
        "total-count": {"fields": ["c", "a"], "max": 2},
        "sum": {"field": "c", "item": "a", "max": 15},
        "required-when": {"field": "a", "when": {"field": "b", "not-in": ["5"]}},
        "forbidden-when": {"field": "a", "when": {"field": "b", "equals": "5"}},
        "compare": {"left": "a", "op": "lt", "right": "b"},
    }[kind]
    check = kinds.parse({kind: args}, lambda scope, name: None)
    labels = {assert_agree(check, apply({}, e)) for e in check.candidates(Values(), {})}
    assert labels == {True, False}
    assert check.subject in check.describe()  # the wording names where problems are reported


def test_lowerings_exist_where_json_schema_can_say_it() -> None:
    lowered = {
        name
        for name, kind in KINDS.items()
        if kind.parse(args_example(name), lambda scope, field: None).lower() is not None
    }
    assert lowered == set(KINDS) - {"total-count", "sum", "compare"}


def args_example(kind: str) -> Any:
    example: dict[str, Any] = {
        "count": {"field": "c", "max": 1},
        "total-count": {"fields": ["a", "b"], "max": 1},
        "sum": {"field": "c", "item": "a", "max": 1},
        "required-when": {"field": "a", "when": {"present": "b"}},
        "forbidden-when": {"field": "a", "when": {"present": "b"}},
        "compare": {"left": "a", "op": "lt", "right": "b"},
    }
    return example.get(kind, ["a", "b"])


def test_not_in_holds_on_an_absent_field_without_default() -> None:
    """One meaning everywhere: nothing given is not one of the listed values."""
    cond = kinds.Cond.parse({"field": "mode", "not-in": ["video"]}, lambda name: None)
    assert cond.holds({}) and not cond.holds({"mode": "video"})
    rule = kinds.parse(
        {"forbidden-when": {"field": "elements", "when": {"field": "mode", "not-in": ["video"]}}},
        lambda scope, name: None,
    )
    for payload, holds in (({"elements": [1]}, False), ({"elements": [1], "mode": "video"}, True)):
        assert assert_agree(rule, payload) is holds


def test_equals_a_numeric_string_matches_the_number() -> None:
    """``equals: "5"`` matches 5 and 5.0 (a duration given as a number), not "5.0" or True."""
    cond = kinds.Cond.parse({"field": "duration", "equals": "5"}, lambda name: None)
    matched = [v for v in (5, 5.0, "5", "5.0", True, "05") if cond.holds({"duration": v})]
    assert matched == [5, 5.0, "5"]
    defaulted = kinds.Cond.parse({"field": "duration", "equals": "5"}, lambda name: 5)
    assert defaulted.holds({})


def test_spec_readme_lists_every_kind_as_the_registry_defines_it() -> None:
    text = (ROOT / "spec" / "README.md").read_text(encoding="utf-8")
    rows = [f"| `{name}` | {kind.arguments} | {kind.meaning} |" for name, kind in KINDS.items()]
    table = text.split("| kind | arguments | holds when |\n|---|---|---|\n", 1)[1]
    assert table.split("\n\n", 1)[0].splitlines() == rows
