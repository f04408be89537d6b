"""Schema-valid responses: the spec's output example of the endpoint (its files re-pointed at
placeholders the emulator serves), or one built by walking the endpoint's output model."""

from __future__ import annotations

import random
import types
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from ._media import Media, media_for

_FILE_FIELDS = frozenset({"url", "content_type", "file_size"})
_LISTS = (list, tuple, set, frozenset, Sequence)
_DEFAULT_NUMBER = 5.0


class OutputBuilder:
    """Builds one plausible output for a request.

    Required fields only; ``File`` objects point at a placeholder served by the emulator (their
    ``content_type``, ``file_name`` and ``file_size`` match it); numbers repeat the request's
    value of the same name (``duration``) where there is one; ``*_id`` strings are new ids.
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def build(
        self,
        model: type[BaseModel],
        request: Mapping[str, Any],
        file_url: Callable[[Media], str],
        example: Any = None,
    ) -> dict[str, Any]:
        """An instance of `model` as JSON; `file_url` publishes a placeholder, returns its URL.

        With an `example` (the spec's output fixture) its values are kept and only its files are
        replaced by served placeholders of the same kind.
        """
        walk = _Walk(self._rng, request, file_url)
        if isinstance(example, dict):
            rewritten: dict[str, Any] = walk.rewrite(example, "")
            return rewritten
        return walk.model(model, "")


class _Walk:
    def __init__(
        self, rng: random.Random, request: Mapping[str, Any], file_url: Callable[[Media], str]
    ) -> None:
        self.rng = rng
        self.request = request
        self.file_url = file_url

    def model(self, model: type[BaseModel], name: str) -> dict[str, Any]:
        fields = {info.alias or key: info for key, info in model.model_fields.items()}
        if fields.keys() >= _FILE_FIELDS:
            return self.file(name, fields.keys())
        return {
            key: self.value(key, info.annotation)
            for key, info in fields.items()
            if info.is_required()
        }

    def rewrite(self, example: Any, name: str) -> Any:
        """`example` with every File replaced by a served placeholder and every `*_id` made new."""
        if isinstance(example, str) and name.endswith("_id"):
            return self.string(name)
        if isinstance(example, dict):
            if example.keys() >= {"url", "content_type"}:
                return self.file(name, example.keys())
            return {key: self.rewrite(value, key) for key, value in example.items()}
        if isinstance(example, list):
            return [self.rewrite(value, name) for value in example]
        return example

    def file(self, name: str, keys: Any) -> dict[str, Any]:
        media = media_for(name)
        described = {
            "url": self.file_url(media),
            "content_type": media.content_type,
            "file_name": media.name,
            "file_size": len(media.data),
        }
        return {key: value for key, value in described.items() if key in keys}

    def value(self, name: str, annotation: Any) -> Any:
        choices = [a for a in _members(annotation) if a is not type(None)]
        if not choices:
            return None
        kind = choices[0]
        origin = get_origin(kind)
        if origin is Literal:
            return get_args(kind)[0]
        if origin in _LISTS:
            return [self.value(name, get_args(kind)[0])] if get_args(kind) else []
        if origin in (dict, Mapping):
            return {}
        if not isinstance(kind, type):
            return None
        if issubclass(kind, BaseModel):
            return self.model(kind, name)
        if issubclass(kind, Enum):
            return next(iter(kind)).value
        if issubclass(kind, bool):
            return False
        if issubclass(kind, (int, float)):
            return kind(self.number(name))
        if issubclass(kind, str):
            return self.string(name)
        return None

    def number(self, name: str) -> float:
        given = self.request.get(name)
        if isinstance(given, (int, float)) and not isinstance(given, bool):
            return float(given)
        if isinstance(given, str) and given.replace(".", "", 1).isdigit():
            return float(given)
        return 0.0 if "start" in name else _DEFAULT_NUMBER

    def string(self, name: str) -> str:
        if name == "id" or name.endswith("_id"):
            return str(self.rng.randrange(10**17, 10**18))
        if "url" in name or "image" in name:
            return self.file_url(media_for(name))
        return f"emulated {name.replace('_', ' ')}"


def _members(annotation: Any) -> list[Any]:
    """The alternatives of a union (``X | None`` -> ``[X, NoneType]``), else ``[annotation]``."""
    if get_origin(annotation) in (Union, types.UnionType):
        return [m for arg in get_args(annotation) for m in _members(arg)]
    return [annotation]
