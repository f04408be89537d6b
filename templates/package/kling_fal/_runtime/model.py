"""Base classes of the generated request and response models."""

from __future__ import annotations

import os
import types
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic.functional_validators import ModelWrapValidatorHandler

from .errors import Issue, KlingValidationError, rule_for_error
from .hints import unknown_field_hint
from .rules import evaluate, spec_data

_M = TypeVar("_M", bound="KlingInputModel")
Progress = Callable[[int, "int | None"], object]

# True while the outermost KlingInputModel validation runs: nested models then only validate.
_NESTED: ContextVar[bool] = ContextVar("kling_fal_nested", default=False)
# Per class: wire names of fields typed with a digit-string enum (durations). Computed on first
# validation, not in __pydantic_init_subclass__, where forward references may still be unresolved.
_DIGIT_FIELDS: dict[type[BaseModel], frozenset[str]] = {}


class KlingInputModel(BaseModel):
    """Base of request models: int durations accepted, one error listing every problem."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _kling_validate(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        digit_fields = _DIGIT_FIELDS.get(cls)
        if digit_fields is None:
            digit_fields = _DIGIT_FIELDS[cls] = _digit_enum_fields(cls)
        if digit_fields and isinstance(data, dict):
            data = _coerce_digits(data, digit_fields)
        if _NESTED.get():
            return handler(data)
        return _validate_outermost(cls, data, handler)

    @classmethod
    def model_validate_json(cls: type[_M], json_data: str | bytes | bytearray, **kwargs: Any) -> _M:
        """Validate a JSON document; malformed JSON is reported as a KlingValidationError too."""
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError as exc:  # only JSON syntax errors: the validator converts the rest
            raise KlingValidationError(cls.__name__, _pydantic_issues(cls, exc)) from None

    def to_fal(self) -> dict[str, object]:
        """The JSON request body for fal: wire names, enum values, unset optional fields omitted."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class KlingOutputModel(BaseModel):
    """Base of response models: fields added by fal later are kept, never rejected."""

    model_config = ConfigDict(extra="allow")


class KlingFile(KlingOutputModel):
    """Base of fal's output `File`: adds downloading (needs the `client` extra)."""

    def download(self, path: str | os.PathLike[str], *, progress: Progress | None = None) -> Path:
        """Stream the file to `path` (written atomically); `progress(done, total)` as it goes."""
        from kling_fal.client import download

        return download(self, path, progress=progress)

    async def adownload(
        self, path: str | os.PathLike[str], *, progress: Progress | None = None
    ) -> Path:
        """`download` for asyncio."""
        from kling_fal.client import adownload

        return await adownload(self, path, progress=progress)


def _validate_outermost(
    cls: type[KlingInputModel], data: Any, handler: ModelWrapValidatorHandler[Any]
) -> Any:
    token = _NESTED.set(True)
    try:
        model, issues = handler(data), []
    except ValidationError as exc:
        model, issues = None, _pydantic_issues(cls, exc)
    finally:
        _NESTED.reset(token)
    rules = spec_data().rules.get(cls.__name__)
    if rules:
        issues += evaluate(rules, data)
    if issues:
        raise KlingValidationError(cls.__name__, issues)
    return model


def _coerce_digits(data: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    """Turn ints (and ints in lists) into digit strings for the given fields, copying if needed."""
    changed: dict[str, Any] = {}
    for key in fields:
        value = data.get(key)
        if type(value) is int:
            changed[key] = str(value)
        elif type(value) is list and any(type(v) is int for v in value):
            changed[key] = [str(v) if type(v) is int else v for v in value]
    return {**data, **changed} if changed else data


def _digit_enum_fields(cls: type[BaseModel]) -> frozenset[str]:
    if not cls.__pydantic_complete__:  # used only nested so far: resolve its forward references
        cls.model_rebuild(raise_errors=False)
    return frozenset(
        key
        for name, info in cls.model_fields.items()
        if any(_is_digit_enum(t) for m in _members(info.annotation) for t in [m, *_items(m)])
        for key in (name, info.alias or name)
    )


def _is_digit_enum(annotation: Any) -> bool:
    """An Enum whose values are all digit strings (durations such as ``"5"``)."""
    if not (isinstance(annotation, type) and issubclass(annotation, Enum)):
        return False
    values = [member.value for member in annotation.__members__.values()]
    return bool(values) and all(isinstance(v, str) and v.isdigit() for v in values)


def _members(annotation: Any) -> list[Any]:
    """The types an annotation allows, with Annotated, unions and None unwrapped."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [member for arg in get_args(annotation) for member in _members(arg)]
    return [] if annotation is type(None) else [annotation]


def _items(annotation: Any) -> list[Any]:
    """The item types of a list-like annotation; empty for anything else."""
    if get_origin(annotation) not in (list, tuple, set, frozenset, Sequence):
        return []
    return [member for arg in get_args(annotation) if arg is not ... for member in _members(arg)]


def _values(annotation: Any) -> list[Any]:
    """The value types of a dict-like annotation; empty for anything else."""
    if get_origin(annotation) not in (dict, Mapping):
        return []
    return _members(get_args(annotation)[-1])


def _pydantic_issues(cls: type[KlingInputModel], exc: ValidationError) -> list[Issue]:
    issues = []
    for error in exc.errors(include_url=False, include_context=False, include_input=False):
        loc, rule, message = error["loc"], rule_for_error(error["type"]), error["msg"]
        if rule != "unknown-field" or not loc:
            issues.append(Issue(_walk(cls, loc)[0], rule, message))
            continue
        parent, owners = _walk(cls, loc[:-1])
        name = str(loc[-1])
        owner = next((o for o in owners if _is_model(o)), None)
        if owner is not None:
            known = [info.alias or field for field, info in owner.model_fields.items()]
            data = spec_data() if len(loc) == 1 else None
            message = unknown_field_hint(owner.__name__, name, known, data)
        issues.append(Issue(f"{parent}.{name}" if parent else name, rule, message))
    return issues


def _walk(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[str, list[Any]]:
    """Follow a pydantic ``loc`` through the annotations: the wire path and the types reached.

    Parts that are neither a field, a dict key nor an index are union tags (``'str'``) and dropped.
    """
    path, types_ = "", [model]
    for part in loc:
        if isinstance(part, int):
            path, types_ = f"{path}[{part}]", [i for t in types_ for i in _items(t)]
            continue
        field = next(filter(None, (_field(t, part) for t in types_ if _is_model(t))), None)
        values = [v for t in types_ for v in _values(t)]
        if field is None and not values:
            continue
        types_ = _members(field.annotation) if field is not None else values
        path = f"{path}.{part}" if path else part
    return path, types_


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field(model: type[BaseModel], wire_name: str) -> FieldInfo | None:
    fields = model.model_fields.items()
    return next((info for name, info in fields if (info.alias or name) == wire_name), None)
