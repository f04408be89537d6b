"""The emitted check of a model's rules agrees with ``evaluate``, the reference, on any rules
(placed anywhere in the payload) and any data, model instances included."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict
from test_rule_kinds import rules as kind_rules

from generator.runtime import Rule, evaluate, install, rules
from generator.runtime.kinds import KINDS, Cond, Count, Sum, Writer, is_object, number
from generator.targets.python.rules import check_function


class Shot(str, Enum):
    V5 = "5"
    V10 = "10"


class Part(BaseModel):
    """An object read as a model instance: fields by wire name, extra fields too."""

    model_config = ConfigDict(extra="allow")
    a: object = None


names = st.sampled_from(("a", "b", "c"))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 20),
    st.sampled_from([0.5, 2.0, float("nan"), 10**400]),
    st.sampled_from(["5", "10", "1.5", "x", "", "nan", "1e999"]),
    st.sampled_from(list(Shot)),
)


def _objects(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    fields = st.dictionaries(names, st.one_of(scalars, inner), max_size=3)
    return st.one_of(fields, fields, fields, st.builds(lambda f: Part(**f), fields))


def _lists(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(st.one_of(inner, inner, scalars), max_size=4)


items = _objects(scalars)
nested = _objects(st.one_of(_lists(scalars), _lists(items), items))
payloads = st.one_of(*[_objects(st.one_of(_lists(scalars), _lists(nested), nested))] * 9, scalars)
paths = st.sampled_from([(), (), ("a",), ("a", "[]"), ("b", "[]", "c")])


@st.composite
def placed(draw: st.DrawFn) -> Rule:
    check = draw(st.sampled_from(list(KINDS)).flatmap(kind_rules))
    return Rule(id="r", message="m", check=check, at=draw(paths))


def emitted(found: list[Rule]) -> Callable[[object], bool | None]:
    w = Writer()
    check_function(w, "check", [(rule.at, rule.check) for rule in found])
    namespace: dict[str, Any] = {"_number": number, "_is_object": is_object, **w.conds}
    exec(compile("\n".join(w.lines), "<emitted>", "exec"), namespace)
    check: Callable[[object], bool | None] = namespace["check"]
    return check


@settings(max_examples=200, deadline=None)
@given(st.lists(placed(), max_size=4), payloads)
def test_emitted_checks_agree_with_evaluate(found: list[Rule], value: object) -> None:
    check = emitted(found)
    verdict = check(value)
    broken = evaluate(found, value)
    assert verdict is None or verdict == (broken == [])
    install(
        rules={"M": tuple(found)},
        checks={"M": check},
        model_endpoints={},
        field_endpoints={},
        endpoint_family={},
        naming_drift=(),
    )
    assert rules.passes("M", value) == (broken == [])


def test_plain_json_is_decided_by_the_check_alone() -> None:
    deep = Rule(id="r", message="m", check=Count(field="c", max=0), at=("a", "[]", "b", "[]"))
    check = emitted([deep])
    assert check({"a": [{"b": [{}, {"c": []}]}]}) is True
    assert check({"a": [{"b": [{}, {"c": [1]}]}]}) is False
    assert check({"a": [{"b": [Part(c=[1])]}]}) is None  # a model instance: evaluate reads it


@pytest.mark.parametrize(
    "check",
    [
        Count(field="b", max=1, where=Cond(field="a", op="equals", values=("x",))),
        Sum(field="b", item="a", max=3),
    ],
)
def test_model_instances_among_list_items_are_left_to_evaluate(check: Any) -> None:
    rule = Rule(id="r", message="m", check=check)
    items = [
        {"a": "x" if isinstance(check, Count) else 2},
        Part(a="x" if isinstance(check, Count) else 2),
    ]
    assert evaluate([rule], {"b": items}) != []
    assert emitted([rule])({"b": items}) is None
    assert emitted([rule])({"b": items[:1]}) is True
