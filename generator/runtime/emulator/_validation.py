"""Requests checked as fal's FastAPI apps check them; problems in pydantic v2's 422 shape.

fal ignores unknown fields (``strict`` rejects them, as the package's validator does), rejects
an explicit ``null`` for a field the spec does not make nullable, and takes an integral float
(``6.0``) for an integer. Each item is ``{"loc": ["body", ...], "msg", "type", "input",
"ctx"?}`` with pydantic's error type; a broken cross-field rule is a ``value_error`` whose
``ctx.rule`` is the rule id.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from typing import Any, Union, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..endpoints import endpoints, validate
from ..errors import Issue, KlingValidationError
from ..model import _is_model, _items, _members

Problem = dict[str, Any]
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def validate_body(
    endpoint_id: str, body: bytes, *, strict: bool
) -> tuple[Any, list[Problem], dict[str, Any]]:
    """(the parsed payload, fal's 422 detail items, the validated request with its defaults
    filled in, ``{}`` when invalid)."""
    try:
        payload = json.loads(body)
    except ValueError as exc:
        where, why = getattr(exc, "pos", 0), getattr(exc, "msg", str(exc))
        item = {"loc": ["body", where], "msg": "JSON decode error", "type": "json_invalid"}
        return None, [{**item, "input": {}, "ctx": {"error": why}}], {}
    model = endpoints()[endpoint_id].input
    data = copy.deepcopy(payload)
    problems = [*_nulls(model, data, ["body"]), *_field_problems(model, data, strict)]
    if problems:
        return payload, problems, {}
    try:
        request = validate(endpoint_id, data)
    except KlingValidationError as exc:
        return payload, [_rule_problem(issue, data) for issue in exc.issues], {}
    return payload, [], request.to_fal()


def _field_problems(model: type[BaseModel], data: Any, strict: bool) -> list[Problem]:
    """pydantic's errors for `data`, once fal's leniencies are applied to it (in place)."""
    while True:
        try:
            model.__pydantic_validator__.validate_python(data)
            return []
        except ValidationError as exc:
            errors = json.loads(exc.json(include_url=False))
        fixed = [error for error in errors if _relax(data, error, strict)]
        if not fixed:
            return [{**error, "loc": ["body", *error["loc"]]} for error in errors]


def _relax(data: Any, error: Problem, strict: bool) -> bool:
    """Apply fal's leniency to the value `error` is about; whether there was one."""
    spot = _locate(data, error["loc"])
    if spot is None:
        return False
    parent, key = spot
    if error["type"] == "extra_forbidden" and not strict and key == error["loc"][-1]:
        del parent[key]
        return True
    value = parent[key]
    if error["type"] == "int_type" and type(value) is float and value.is_integer():
        parent[key] = int(value)
        return True
    return False


def _locate(data: Any, loc: list[Any]) -> tuple[Any, Any] | None:
    """(container, key) of the deepest value of `data` on `loc`; union tags are skipped."""
    node, spot = data, None
    for part in loc:
        found = (isinstance(node, dict) and isinstance(part, str) and part in node) or (
            isinstance(node, list) and type(part) is int and 0 <= part < len(node)
        )
        if found:
            spot, node = (node, part), node[part]
    return spot


def _nulls(model: type[BaseModel], data: Any, loc: list[Any]) -> list[Problem]:
    """An error for every explicit ``null`` in `data` (no field of the spec is nullable)."""
    if not isinstance(data, dict):
        return []
    problems = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in data:
            continue
        members, value, at = _members(info.annotation), data[key], [*loc, key]
        if value is None:
            if type(None) in get_args(info.annotation):  # else pydantic reports it already
                problems += _null_errors(tuple(members), at)
            continue
        for member in members:
            if _is_model(member) and isinstance(value, dict):
                problems += _nulls(member, value, at)
            items = [item for item in _items(member) if _is_model(item)]
            if items and isinstance(value, list):
                for index, element in enumerate(value):
                    problems += [p for item in items for p in _nulls(item, element, [*at, index])]
    return problems


def _null_errors(members: tuple[Any, ...], loc: list[Any]) -> list[Problem]:
    try:
        _adapter(members).validate_python(None)
    except ValidationError as exc:
        errors = json.loads(exc.json(include_url=False))
        return [{**error, "loc": [*loc, *error["loc"]]} for error in errors]
    return []


@functools.cache
def _adapter(members: tuple[Any, ...]) -> TypeAdapter[Any]:
    annotation: Any = Union[members] if len(members) > 1 else members[0]  # noqa: UP007
    return TypeAdapter(annotation)


def _rule_problem(issue: Issue, data: Any) -> Problem:
    """A broken cross-field rule: ``multi_prompt[0].duration`` -> ``["body", "multi_prompt", 0,
    "duration"]``, type ``value_error``, the rule id in ``ctx``."""
    parts = [name or int(index) for name, index in _PATH_PART.findall(issue.path)]
    spot = _locate(data, parts) if parts else None
    value = spot[0][spot[1]] if spot and spot[1] == parts[-1] else data if not parts else None
    item = {"loc": ["body", *parts], "msg": issue.message, "type": "value_error"}
    return {**item, "input": value, "ctx": {"rule": issue.rule, "error": issue.message}}
