"""The compiled rules agree with ``evaluate``, the reference, on any rules and any data."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict

from generator.frontend.rules_vocab import KINDS  # every kind the spec may use
from generator.runtime import Cond, Rule, evaluate, install
from generator.runtime.rulecode import checker, compile_rules

FIELDS = ("a", "b")


class Shot(str, Enum):
    V5 = "5"
    V10 = "10"


class Part(BaseModel):
    """An object read as a model instance: fields by wire name, extra fields too."""

    model_config = ConfigDict(extra="allow")
    a: object = None


names = st.sampled_from(FIELDS)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 20),
    st.sampled_from([0.5, 2.0, float("nan"), -1]).map(lambda v: 10**400 if v == -1 else v),
    st.sampled_from(["5", "10", "1.5", "x", "", "nan", "1e999"]),
    st.sampled_from(list(Shot)),
)


def _weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, picked in proportion to its weight."""
    pool = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(pool) - 1).flatmap(pool.__getitem__)


def _objects(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Objects whose fields hold scalars or ``inner`` values; now and then a model instance."""
    fields = st.dictionaries(names, _weighted((2, scalars), (1, inner)), max_size=2)
    return _weighted((4, fields), (1, st.builds(lambda f: Part(**f), fields)))


def _lists(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(_weighted((3, inner), (1, scalars)), max_size=4)


items = _objects(scalars)
nested = _objects(st.one_of(_lists(scalars), _lists(items), items))
payloads = _weighted(
    (9, _objects(st.one_of(_lists(scalars), _lists(nested), nested))), (1, scalars)
)
conds = st.builds(
    Cond,
    field=names,
    op=st.sampled_from(["equals", "in", "not-in", "present", "absent"]),
    values=st.lists(scalars.filter(lambda v: not isinstance(v, Enum)), max_size=3).map(tuple),
    default=scalars,
)
bounds = st.one_of(st.none(), st.integers(0, 12), st.sampled_from([1.5, 15.0]))


@st.composite
def rules(draw: st.DrawFn, kind: str) -> Rule:
    args: dict[str, Any] = {"at": draw(st.sampled_from([(), (), ("a",), ("a", "[]")]))}
    if kind.endswith("-of") or kind == "total-count":
        args["fields"] = tuple(draw(st.lists(names, min_size=1, max_size=3)))
    if kind in ("count", "total-count", "sum"):
        args.update(min=draw(bounds), max=draw(bounds))
    if kind in ("count", "sum", "required-when", "forbidden-when"):
        args["field"] = draw(names)
    if kind == "count":
        args["where"] = draw(st.one_of(st.none(), conds))
    if kind == "sum":
        args.update(item=draw(names), item_default=draw(scalars))
    if kind.endswith("-when"):
        args["when"] = draw(st.one_of(st.none(), conds))
    if kind == "compare":
        args.update(
            left=draw(names),
            op=draw(st.sampled_from(["lt", "le", "gt", "ge"])),
            right=draw(names),
            offset=draw(st.sampled_from([0, 2000, -1.5])),
        )
    return Rule(id="r", kind=kind, message="m", **args)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_compiled_rule_agrees_with_evaluate(kind: str, data: st.DataObject) -> None:
    rule, value = data.draw(rules(kind)), data.draw(payloads)
    assert compile_rules([rule])(value) == (evaluate([rule], value) == [])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(KINDS).flatmap(rules), max_size=4), payloads)
def test_compiled_rule_sets_agree_with_evaluate(found: list[Rule], value: object) -> None:
    assert compile_rules(found)(value) == (evaluate(found, value) == [])


def test_deep_paths_compile() -> None:
    deep = Rule(id="r", kind="count", at=("a", "[]", "b", "[]"), field="c", max=0, message="m")
    check = compile_rules([deep])
    assert check({"a": [{"b": [{}, {"c": []}]}]}) is True
    assert check({"a": [{"b": [{}, {"c": [1]}]}]}) is False
    assert check({"a": [{"b": [Part(c=[1])]}]}) is False


def test_checker_compiles_once_per_installed_spec_data() -> None:
    rule = Rule(id="r", kind="count", field="a", max=1, message="m")
    empty: dict[str, Any] = {}
    install(
        rules={"M": (rule,)},
        model_endpoints=empty,
        field_endpoints=empty,
        endpoint_family=empty,
        naming_drift=(),
    )
    check = checker("M")
    assert checker("M") is check
    assert (check({"a": [1]}), check({"a": [1, 2]})) == (True, False)
    assert checker("Other")({"a": [1, 2]}) is True
    install(
        rules={},
        model_endpoints=empty,
        field_endpoints=empty,
        endpoint_family=empty,
        naming_drift=(),
    )
    assert checker("M")({"a": [1, 2]}) is True


def test_model_instances_among_list_items_are_left_to_evaluate() -> None:
    where = Cond(field="a", op="equals", values=("x",))
    count = Rule(id="r", kind="count", field="b", max=1, where=where, message="m")
    total = Rule(id="s", kind="sum", field="b", item="a", max=3, message="m")
    for rule, items in ((count, [{"a": "x"}, Part(a="x")]), (total, [{"a": 2}, Part(a=2)])):
        assert evaluate([rule], {"b": items}) != []
        assert compile_rules([rule])({"b": items}) is False
        assert compile_rules([rule])({"b": items[:1]}) is True
