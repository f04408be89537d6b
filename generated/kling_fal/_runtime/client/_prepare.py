# Vendored from generator/runtime/client/_prepare.py by klinggen; edit that file, not this copy.
"""Request preparation shared by both clients: everything that happens before the network.

``prepare`` turns a model, mapping or keyword arguments into a JSON payload, validates it with
the endpoint's model (types, enums, cross-field rules) and checks local files against fal's
limits, raising one KlingValidationError for all problems. ``finish`` puts the uploaded URLs in.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..endpoints import EndpointInfo, get_endpoint
from ..errors import Issue, KlingValidationError
from ..model import KlingInputModel
from ._files import LocalFile, extract, substitute
from ._media import check


@dataclass(frozen=True, slots=True)
class Prepared:
    """A validated request whose local files still need uploading."""

    info: EndpointInfo
    payload: dict[str, Any]
    files: tuple[LocalFile, ...]

    @property
    def uploads(self) -> dict[str, LocalFile]:
        """Placeholder -> file for each file to upload."""
        return {f.placeholder: f for f in self.files if f.placeholder}


def _plain(value: Any) -> Any:
    """JSON-like data: models dumped with wire names, enums as values, None entries dropped."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def request_data(request: Any, fields: Mapping[str, Any]) -> dict[str, Any]:
    """One dict from a positional request (model or mapping) or keyword fields, not both."""
    if request is not None and fields:
        raise TypeError("pass either a request (model or mapping) or keyword fields, not both")
    if request is None:
        return dict(_plain(fields))
    if isinstance(request, KlingInputModel):
        return request.to_fal()
    if isinstance(request, (BaseModel, Mapping)):
        data = _plain(request)
        if isinstance(data, dict):
            return data
    raise TypeError(f"request must be a model or a mapping, not {type(request).__name__}")


def warn_removed(info: EndpointInfo) -> None:
    """DeprecationWarning for endpoints fal removed, attributed to the first caller outside
    kling_fal (they may still answer, or fail)."""
    if info.status != "removed":
        return
    frame, level = sys._getframe(1), 2
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith("kling_fal"):
        frame, level = frame.f_back, level + 1
    warnings.warn(
        f"{info.endpoint_id} was removed by fal; requests to it are likely to fail",
        DeprecationWarning,
        stacklevel=level,
    )


def prepare(
    endpoint_id: str, request: Any, fields: Mapping[str, Any], *, check_files: bool = True
) -> Prepared:
    """Validate a request of ``endpoint_id`` fully; nothing is sent or uploaded."""
    info = get_endpoint(endpoint_id)
    data = request_data(request, fields)
    files, issues = extract(info.input_model, data)
    try:
        info.input.model_validate(data)
    except KlingValidationError as exc:
        issues.extend(exc.issues)
    if check_files:
        for item in files:
            issues.extend(check(item))
    if issues:
        raise KlingValidationError(info.input_model, _unique(issues))
    return Prepared(info=info, payload=data, files=tuple(files))


def finish(prepared: Prepared, urls: Mapping[str, str]) -> dict[str, Any]:
    """The JSON body for fal, with uploaded URLs in place of the placeholders."""
    data = substitute(prepared.payload, dict(urls))
    return prepared.info.input.model_validate(data).to_fal()


def _unique(issues: list[Issue]) -> list[Issue]:
    return sorted(set(issues))
