# Vendored from generator/runtime/rules.py by klinggen; edit that file, not this copy.
"""Cross-field rules (``x-kling-rules``), their evaluation, and the spec data they come from."""

from __future__ import annotations

import dataclasses
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeGuard

from pydantic import BaseModel

from . import registry
from .errors import Issue

_CONDITION_OPS = frozenset({"equals", "in", "not-in", "present", "absent"})
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Cond:
    """A condition on one field of an object; an absent field takes ``default``."""

    field: str
    op: str
    values: tuple[object, ...] = ()
    default: object = None
    numbers: frozenset[float] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.op not in _CONDITION_OPS:
            raise ValueError(f"unknown condition op {self.op!r}")
        numbers = (number(wanted) for wanted in self.values)
        object.__setattr__(self, "numbers", frozenset(n for n in numbers if n is not None))

    def holds(self, obj: object) -> bool:
        """Whether the condition holds on ``obj`` (a dict or a model instance)."""
        value = _get(obj, self.field)
        if self.op in ("present", "absent"):
            return (value is None) == (self.op == "absent")
        return self.matches(value) != (self.op == "not-in")

    def matches(self, value: object) -> bool:
        """Whether ``value`` (``default`` when None) is one of ``values``; ``5`` matches ``"5"``."""
        if value is None:
            value = self.default
        value = _plain(value)
        if value in self.values:
            return True
        found = number(value)
        return found is not None and found in self.numbers


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One cross-field rule, applied to every object found along ``at`` (``"[]"`` = each item)."""

    id: str
    kind: str
    message: str
    at: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    field: str = ""
    min: float | None = None
    max: float | None = None
    where: Cond | None = None
    when: Cond | None = None
    item: str = ""
    item_default: object = None
    left: str = ""
    op: str = ""
    right: str = ""
    offset: float = 0

    def __post_init__(self) -> None:
        if self.kind not in _CHECKS:
            raise ValueError(f"rule {self.id!r}: unknown kind {self.kind!r}")
        if self.kind == "compare" and self.op not in _COMPARISONS:
            raise ValueError(f"rule {self.id!r}: unknown comparison {self.op!r}")
        if not self.subject:
            raise ValueError(f"rule {self.id!r} names no field")

    @property
    def subject(self) -> str:
        """The field a violation is reported at: ``fields[0]``, ``field`` or ``left``."""
        return self.fields[0] if self.fields else self.field or self.left


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecData:
    """What the runtime needs from the spec: rules, endpoints and naming drift."""

    rules: Mapping[str, tuple[Rule, ...]]
    model_endpoints: Mapping[str, tuple[str, ...]]
    field_endpoints: Mapping[str, tuple[str, ...]]
    endpoint_family: Mapping[str, str]
    naming_drift: tuple[tuple[str, ...], ...]
    # model name -> its rules compiled (see rulecode.py), filled on first validation
    compiled: dict[str, Callable[[object], bool]] = dataclasses.field(
        default_factory=dict, repr=False, compare=False
    )


_data: SpecData | None = None


def install(
    *,
    rules: Mapping[str, tuple[Rule, ...]],
    model_endpoints: Mapping[str, tuple[str, ...]],
    field_endpoints: Mapping[str, tuple[str, ...]],
    endpoint_family: Mapping[str, str],
    naming_drift: tuple[tuple[str, ...], ...],
) -> SpecData:
    """Use this spec data instead of the package's registered ``spec_data`` table."""
    global _data
    _data = SpecData(
        rules=rules,
        model_endpoints=model_endpoints,
        field_endpoints=field_endpoints,
        endpoint_family=endpoint_family,
        naming_drift=naming_drift,
    )
    return _data


def spec_data() -> SpecData:
    """The installed spec data, loaded from the registered ``spec_data`` table on first use."""
    return _data or _load()


def _load() -> SpecData:
    module = registry.table("spec_data")
    return install(
        rules=module.RULES,
        model_endpoints=module.MODEL_ENDPOINTS,
        field_endpoints=module.FIELD_ENDPOINTS,
        endpoint_family=module.ENDPOINT_FAMILY,
        naming_drift=module.NAMING_DRIFT,
    )


def evaluate(rules: Sequence[Rule], data: object) -> list[Issue]:
    """Check ``rules`` on raw input data; values of the wrong type are skipped silently."""
    issues = []
    for rule in rules:
        check = _CHECKS[rule.kind]
        if not rule.at:  # the common case: a rule on the request object itself
            if is_object(data) and not check(rule, data):
                issues.append(Issue(rule.subject, rule.id, rule.message))
            continue
        for path, obj in _targets(data, rule.at):
            if not check(rule, obj):
                issues.append(Issue(_join(path, rule.subject), rule.id, rule.message))
    return issues


def _targets(data: object, at: tuple[str, ...]) -> list[tuple[str, object]]:
    level = [("", data)]
    for step in at:
        if step == "[]":
            level = [
                (f"{p}[{i}]", item) for p, v in level if _is_list(v) for i, item in enumerate(v)
            ]
        else:
            level = [(_join(p, step), _get(v, step)) for p, v in level]
    return [(path, obj) for path, obj in level if is_object(obj)]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _is_list(value: object) -> TypeGuard[list[object] | tuple[object, ...]]:
    return type(value) is list or isinstance(value, list | tuple)


def is_object(value: object) -> bool:
    return type(value) is dict or isinstance(value, Mapping | BaseModel)


def _get(obj: object, name: str) -> object:
    """The value of wire field ``name`` of a dict or model instance; None when absent."""
    if type(obj) is dict:  # fast path: raw JSON data
        return obj.get(name)
    if isinstance(obj, Mapping):
        return obj.get(name)
    if isinstance(obj, BaseModel):
        for attr, info in type(obj).model_fields.items():
            if (info.alias or attr) == name:
                return getattr(obj, attr)
        return (obj.model_extra or {}).get(name)
    return None


def _get_or(obj: object, name: str, default: object) -> object:
    value = _get(obj, name)
    return default if value is None else value


def _plain(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


def number(value: object) -> float | None:
    """A finite int, float or numeric string as a float; None for anything else (bools too)."""
    value = _plain(value)
    if isinstance(value, bool):
        return None
    if not isinstance(value, int | float | str):
        return None
    try:
        parsed = float(value)
    except (ValueError, OverflowError):  # not a number, or an int too large for a float
        return None
    return parsed if math.isfinite(parsed) else None


def _within(total: float, rule: Rule) -> bool:
    return (rule.min is None or total >= rule.min) and (rule.max is None or total <= rule.max)


def _present(obj: object, names: tuple[str, ...]) -> int:
    return sum(_get(obj, name) is not None for name in names)


def _exactly_one_of(rule: Rule, obj: object) -> bool:
    return _present(obj, rule.fields) == 1


def _at_most_one_of(rule: Rule, obj: object) -> bool:
    return _present(obj, rule.fields) <= 1


def _at_least_one_of(rule: Rule, obj: object) -> bool:
    return _present(obj, rule.fields) >= 1


def _count(rule: Rule, obj: object) -> bool:
    items = _get(obj, rule.field)
    if not _is_list(items):
        return True
    where = rule.where
    if where is None:
        return _within(len(items), rule)
    return not all(map(is_object, items)) or _within(sum(map(where.holds, items)), rule)


def _total_count(rule: Rule, obj: object) -> bool:
    values = [_get(obj, name) for name in rule.fields]
    total = sum(len(v) if _is_list(v) else 1 for v in values if v is not None)
    return _within(total, rule)


def _sum(rule: Rule, obj: object) -> bool:
    items = _get(obj, rule.field)
    if not _is_list(items) or not all(map(is_object, items)):
        return True
    total = 0.0
    for item in items:
        value = number(_get_or(item, rule.item, rule.item_default))
        if value is None:
            return True
        total += value
    return _within(total, rule)


def _required_when(rule: Rule, obj: object) -> bool:
    applies = rule.when is None or rule.when.holds(obj)
    return not applies or _get(obj, rule.field) is not None


def _forbidden_when(rule: Rule, obj: object) -> bool:
    applies = rule.when is None or rule.when.holds(obj)
    return not applies or _get(obj, rule.field) is None


def _compare(rule: Rule, obj: object) -> bool:
    left, right = number(_get(obj, rule.left)), number(_get(obj, rule.right))
    if left is None or right is None:
        return True
    return _COMPARISONS[rule.op](left, right + rule.offset)


_CHECKS: dict[str, Callable[[Rule, object], bool]] = {
    "exactly-one-of": _exactly_one_of,
    "at-most-one-of": _at_most_one_of,
    "at-least-one-of": _at_least_one_of,
    "count": _count,
    "total-count": _total_count,
    "sum": _sum,
    "required-when": _required_when,
    "forbidden-when": _forbidden_when,
    "compare": _compare,
}
