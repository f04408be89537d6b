from __future__ import annotations

from enum import Enum

import pytest
from pydantic import BaseModel, Field

from generator.runtime import Cond, Issue, Rule, evaluate
from generator.runtime.kinds import KINDS


class Shot(str, Enum):
    V5 = "5"
    V10 = "10"


def make(*, id: str, kind: str, message: str, at: tuple[str, ...] = (), **args: object) -> Rule:
    """A runtime rule of ``kind`` with its parsed arguments."""
    return Rule(id=id, message=message, at=at, check=KINDS[kind](**args))  # type: ignore[arg-type]


def check(rule: Rule, data: object) -> list[str]:
    """Paths of the issues ``rule`` reports on ``data``."""
    issues = evaluate([rule], data)
    assert all(i.rule == rule.id and i.message == rule.message for i in issues)
    return [i.path for i in issues]


ONE_OF = make(id="one", kind="exactly-one-of", fields=("prompt", "multi_prompt"), message="m")


@pytest.mark.parametrize(
    ("data", "paths"),
    [
        ({"prompt": "a"}, []),
        ({"multi_prompt": []}, []),
        ({"prompt": "a", "multi_prompt": []}, ["prompt"]),
        ({}, ["prompt"]),
        ({"prompt": None, "multi_prompt": None}, ["prompt"]),
    ],
)
def test_exactly_one_of(data: dict[str, object], paths: list[str]) -> None:
    assert check(ONE_OF, data) == paths


def test_at_most_and_at_least_one_of() -> None:
    at_most = make(id="r", kind="at-most-one-of", fields=("a", "b"), message="m")
    at_least = make(id="r", kind="at-least-one-of", fields=("a", "b"), message="m")
    assert check(at_most, {}) == []
    assert check(at_most, {"b": 1}) == []
    assert check(at_most, {"a": 1, "b": 0}) == ["a"]
    assert check(at_least, {"b": False}) == []
    assert check(at_least, {"a": None}) == ["a"]


def test_count_with_min_max_and_absent_or_mistyped_array() -> None:
    rule = make(id="r", kind="count", field="voice_ids", min=1, max=2, message="m")
    assert check(rule, {"voice_ids": ["a", "b"]}) == []
    assert check(rule, {"voice_ids": ["a", "b", "c"]}) == ["voice_ids"]
    assert check(rule, {"voice_ids": []}) == ["voice_ids"]
    assert check(rule, {}) == []
    assert check(rule, {"voice_ids": "abc"}) == []


def test_count_filters_items_with_where_and_its_default() -> None:
    where = Cond(field="type", op="equals", values=("video",), default="image")
    rule = make(id="r", kind="count", field="elements", max=1, where=where, message="m")
    assert check(rule, {"elements": [{}, {"type": "video"}, {"type": "image"}]}) == []
    assert check(rule, {"elements": [{"type": "video"}, {"type": "video"}]}) == ["elements"]
    images = make(
        id="r",
        kind="count",
        field="elements",
        max=1,
        where=Cond(field="type", op="equals", values=("image",), default="image"),
        message="m",
    )
    assert check(images, {"elements": [{}, {"type": "image"}]}) == ["elements"]
    assert check(images, {"elements": [{}, "not an object"]}) == []


def test_total_count_counts_array_items_and_single_values() -> None:
    rule = make(id="r", kind="total-count", fields=("image_urls", "video_url"), max=3, message="m")
    assert check(rule, {"image_urls": ["a", "b"], "video_url": "v"}) == []
    assert check(rule, {"image_urls": ["a", "b", "c"], "video_url": "v"}) == ["image_urls"]
    assert check(rule, {"video_url": None}) == []


def test_sum_uses_numeric_strings_ints_enums_and_item_default() -> None:
    rule = make(
        id="shots",
        kind="sum",
        field="multi_prompt",
        item="duration",
        item_default="5",
        min=3,
        max=15,
        message="m",
    )
    assert check(rule, {"multi_prompt": [{"duration": "5"}, {"duration": 10}]}) == []
    assert check(rule, {"multi_prompt": [{}, {"duration": Shot.V10}]}) == []
    assert check(rule, {"multi_prompt": [{}, {}, {"duration": "10"}]}) == ["multi_prompt"]
    assert check(rule, {"multi_prompt": [{"duration": "1"}]}) == ["multi_prompt"]
    assert check(rule, {"multi_prompt": []}) == ["multi_prompt"]


def test_sum_counts_zero_and_skips_wrong_types() -> None:
    rule = make(id="r", kind="sum", field="xs", item="n", item_default=7, max=5, message="m")
    assert check(rule, {"xs": [{"n": 0}, {"n": "5"}]}) == []
    assert check(rule, {"xs": [{"n": "five"}, {"n": 100}]}) == []
    assert check(rule, {"xs": [{"n": True}, {"n": 100}]}) == []
    assert check(rule, {"xs": ["oops", {"n": 100}]}) == []
    assert check(rule, {"xs": {"n": 100}}) == []
    assert check(rule, {"xs": [{}]}) == ["xs"]


def test_required_and_forbidden_when() -> None:
    when = Cond(field="mode", op="in", values=("pro", "master"), default="std")
    required = make(id="r", kind="required-when", field="tail", when=when, message="m")
    forbidden = make(id="f", kind="forbidden-when", field="tail", when=when, message="m")
    assert check(required, {"mode": "pro", "tail": "x"}) == []
    assert check(required, {"mode": "pro"}) == ["tail"]
    assert check(required, {}) == []
    assert check(forbidden, {"mode": "master", "tail": "x"}) == ["tail"]
    assert check(forbidden, {"tail": "x"}) == []


@pytest.mark.parametrize(
    ("cond", "data", "holds"),
    [
        (Cond(field="d", op="equals", values=("10",)), {"d": 10}, True),
        (Cond(field="d", op="equals", values=("10",)), {"d": Shot.V10}, True),
        (Cond(field="d", op="equals", values=("10",)), {"d": "5"}, False),
        (Cond(field="d", op="equals", values=("5",), default="5"), {}, True),
        (Cond(field="d", op="in", values=("5", "10")), {"d": "10"}, True),
        (Cond(field="d", op="not-in", values=("5", "10")), {"d": "10"}, False),
        (Cond(field="d", op="not-in", values=("5",), default="5"), {}, False),
        (Cond(field="d", op="present", default="5"), {}, False),
        (Cond(field="d", op="present"), {"d": 0}, True),
        (Cond(field="d", op="absent", default="5"), {"d": None}, True),
        (Cond(field="d", op="equals", values=("x",)), "not an object", False),
    ],
)
def test_conditions(cond: Cond, data: object, holds: bool) -> None:
    assert cond.holds(data) is holds


def test_compare_with_offset_only_when_both_numeric() -> None:
    rule = make(
        id="r", kind="compare", left="start", op="le", right="duration", offset=-1, message="m"
    )
    assert check(rule, {"start": 4, "duration": "5"}) == []
    assert check(rule, {"start": 4.5, "duration": "5"}) == ["start"]
    assert check(rule, {"start": 9}) == []
    assert check(rule, {"start": "late", "duration": 5}) == []
    lt = make(id="r", kind="compare", left="a", op="lt", right="b", message="m")
    gt = make(id="r", kind="compare", left="a", op="gt", right="b", message="m")
    ge = make(id="r", kind="compare", left="a", op="ge", right="b", message="m")
    assert (check(lt, {"a": 1, "b": 1}), check(gt, {"a": 1, "b": 1})) == (["a"], ["a"])
    assert check(ge, {"a": 1, "b": 1}) == []


def test_at_paths_are_made_concrete() -> None:
    rule = make(
        id="r",
        kind="forbidden-when",
        at=("elements", "[]"),
        field="video_url",
        when=Cond(field="image_url", op="present"),
        message="m",
    )
    data = {"elements": [{"image_url": "i"}, {"image_url": "i", "video_url": "v"}, "junk"]}
    assert evaluate([rule], data) == [Issue("elements[1].video_url", "r", "m")]
    assert evaluate([rule], {"elements": None}) == []
    assert evaluate([rule], "not an object") == []


def test_at_nested_object_and_items_of_items() -> None:
    nested = make(id="r", kind="at-least-one-of", at=("face_choose",), fields=("a",), message="m")
    assert check(nested, {"face_choose": {}}) == ["face_choose.a"]
    assert check(nested, {"face_choose": 3}) == []
    deep = make(
        id="r", kind="count", at=("shots", "[]", "parts", "[]"), field="xs", max=0, message="m"
    )
    data = {"shots": [{"parts": [{}, {"xs": [1]}]}, {"parts": [{"xs": [1]}]}]}
    assert check(deep, data) == ["shots[0].parts[1].xs", "shots[1].parts[0].xs"]


class Item(BaseModel):
    duration: str | None = None
    kind: str = Field(default="a", alias="type")


class Holder(BaseModel):
    items: list[Item]


def test_model_instances_are_read_by_wire_name() -> None:
    rule = make(
        id="r",
        kind="count",
        field="items",
        max=1,
        where=Cond(field="type", op="equals", values=("b",)),
        message="m",
    )
    holder = Holder(items=[Item(type="b"), Item(type="b"), Item()])
    assert check(rule, holder) == ["items"]
    assert check(rule, {"items": [Item(type="b"), {"type": "a"}]}) == []


@pytest.mark.parametrize(
    "build",
    [
        lambda: make(id="r", kind="compare", left="a", op="eq", right="b", message="m"),
        lambda: Cond(field="a", op="matches"),
    ],
)
def test_malformed_rules_are_rejected(build: object) -> None:
    assert callable(build)
    with pytest.raises(ValueError):
        build()


def test_rules_are_frozen_keyword_only_values() -> None:
    rule = make(id="r", kind="count", field="a", max=2, message="m")
    assert rule == make(id="r", kind="count", field="a", max=2, message="m")
    assert rule.check.subject == "a"
    with pytest.raises(AttributeError):
        rule.check.max = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        Rule("r", "m", rule.check)  # type: ignore[misc]
    with pytest.raises(TypeError):
        KINDS["count"](max=2)  # type: ignore[call-arg]
