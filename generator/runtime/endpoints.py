"""The endpoint registry: endpoint id -> request/response models, status and summary.

The table itself is the generated package's (``registry.table("endpoints")``); the typed
overloads of ``validate`` and ``parse_output`` are generated too and call these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from . import registry
from .errors import UnknownEndpointError

if TYPE_CHECKING:
    from .model import KlingInputModel, KlingOutputModel


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointInfo:
    """What the spec says about one endpoint id."""

    endpoint_id: str
    title: str
    summary: str
    model: str
    tier: str
    mode: str
    category: str
    status: Literal["active", "removed"]
    confidence: Literal["high", "medium", "low"]
    input_model: str
    output_model: str

    @property
    def input(self) -> type[KlingInputModel]:
        """The request model class."""
        model: type[KlingInputModel] = getattr(registry.table("inputs"), self.input_model)
        return model

    @property
    def output(self) -> type[KlingOutputModel]:
        """The response model class."""
        model: type[KlingOutputModel] = getattr(registry.table("outputs"), self.output_model)
        return model


def endpoints() -> Mapping[str, EndpointInfo]:
    """Every endpoint of the package, by id."""
    table: Mapping[str, EndpointInfo] = registry.table("endpoints")
    return table


def get_endpoint(endpoint_id: str) -> EndpointInfo:
    """The registry entry of `endpoint_id`; UnknownEndpointError names the closest ids."""
    table = endpoints()
    try:
        return table[endpoint_id]
    except KeyError:
        raise UnknownEndpointError(endpoint_id, tuple(table)) from None


def validate(endpoint_id: str, payload: Any) -> KlingInputModel:
    """Parse `payload` (a dict, JSON text or a model) as the request of `endpoint_id`.

    Raises KlingValidationError listing every problem: types, enums, lengths, ranges, unknown
    fields (with did-you-mean hints) and the endpoint's cross-field rules.
    """
    model = get_endpoint(endpoint_id).input
    if isinstance(payload, (str, bytes)):
        return model.model_validate_json(payload)
    return model.model_validate(payload)


def parse_output(endpoint_id: str, data: Any) -> KlingOutputModel:
    """Parse a response of `endpoint_id`; unknown fields are kept, never rejected."""
    model = get_endpoint(endpoint_id).output
    if isinstance(data, (str, bytes)):
        return model.model_validate_json(data)
    return model.model_validate(data)
