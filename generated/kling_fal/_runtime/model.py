# Vendored from generator/runtime/model.py by klinggen; edit that file, not this copy.
"""Base classes of the generated request and response models."""

from __future__ import annotations

import os
import types
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import from_json

from .errors import Issue, KlingValidationError, rule_for_error
from .hints import unknown_field_hint
from .rules import evaluate, passes, spec_data

_M = TypeVar("_M", bound="KlingInputModel")
Progress = Callable[[int, "int | None"], object]


class DigitEnum(str, Enum):
    """Base of enums whose values are digit strings (durations): ``5`` is accepted for ``"5"``."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        return cls._value2member_map_.get(str(value)) if type(value) is int else None


class KlingInputModel(BaseModel):
    """Base of request models: one error listing every problem, cross-field rules included.

    Only the model validated at the top checks its rules and raises: nested models validate as
    plain pydantic models inside it (rules on nested objects belong to the top model, with ``at``).
    """

    model_config = ConfigDict(extra="forbid")

    def __init__(self, /, **data: Any) -> None:
        try:
            self.__pydantic_validator__.validate_python(data, self_instance=self)
        except ValidationError as exc:
            raise _failure(type(self), exc, data) from None
        _ruled(self, data)

    # Nested validation builds instances without calling __init__, as for pydantic's own.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls: type[_M], obj: Any, **kwargs: Any) -> _M:
        """Validate ``obj`` (a dict, or a model instance): ``KlingValidationError`` if invalid."""
        try:  # without options, straight to the validator: pydantic's wrapper only checks them
            model: _M = (
                super().model_validate(obj, **kwargs)
                if kwargs
                else cls.__pydantic_validator__.validate_python(obj)
            )
        except ValidationError as exc:
            raise _failure(cls, exc, obj) from None
        return _ruled(model, obj)

    @classmethod
    def model_validate_json(cls: type[_M], json_data: str | bytes | bytearray, **kwargs: Any) -> _M:
        """Validate a JSON document; malformed JSON is reported as a KlingValidationError too."""
        try:
            data = from_json(json_data)
        except ValueError as exc:
            issue = Issue("", "type", f"Invalid JSON: {exc}")
            raise KlingValidationError(cls.__name__, [issue]) from None
        if not kwargs:
            return cls.model_validate(data)
        try:  # options such as strict=True keep their JSON meaning (enums take strings)
            model = super().model_validate_json(json_data, **kwargs)
        except ValidationError as exc:
            raise _failure(cls, exc, data) from None
        return _ruled(model, data)

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
        from .download import download

        return download(self, path, progress=progress)

    async def adownload(
        self, path: str | os.PathLike[str], *, progress: Progress | None = None
    ) -> Path:
        """`download` for asyncio."""
        from .download import adownload

        return await adownload(self, path, progress=progress)


def _ruled(model: _M, data: Any) -> _M:
    """``model``, validated from ``data``, unless ``data`` breaks one of its cross-field rules."""
    name = type(model).__name__
    if not passes(name, data):
        raise KlingValidationError(name, partial(_broken_rules, model, data))
    return model


def _failure(cls: type[KlingInputModel], exc: ValidationError, data: Any) -> KlingValidationError:
    """The error for data pydantic rejected: broken rules now, pydantic's problems when read."""
    name = cls.__name__
    broken = [] if passes(name, data) else evaluate(spec_data().rules.get(name, ()), data)
    return KlingValidationError(name, lambda: [*_pydantic_issues(cls, exc), *broken])


def _broken_rules(model: KlingInputModel, data: Any) -> list[Issue]:
    """The rules ``model`` breaks, evaluated on what was given (defaults do not count as given).

    The validated model is read rather than ``data``, which its owner may have changed since;
    ``data`` is the fallback should the two ever disagree, so an error never lists nothing.
    """
    rules = spec_data().rules.get(type(model).__name__, ())
    given = model.model_dump(by_alias=True, exclude_unset=True)
    return evaluate(rules, given) or evaluate(rules, data)


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
