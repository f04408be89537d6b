# Vendored from generator/runtime/pricing/__init__.py by klinggen; edit that file, not this copy.
"""Prices as data (``x-kling-endpoint.pricing``): one module per price kind, each with its
argument schema, its computation, its wording for the docs and how the diff reads a change.
The generator and the generated runtime share them (spec/README.md lists the vocabulary)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import PriceKind, Ref
from .estimate import (
    Estimate,
    MediaLengthRequired,
    Pricing,
    PricingError,
    estimate_cost,
    pricing,
)
from .flat_plus import FlatPlusPerSecond
from .per_media_second import PerMediaSecond
from .per_second import PerSecond
from .unknown import Unknown

PRICES: dict[str, type[PriceKind]] = {
    kind.name: kind for kind in (PerSecond, FlatPlusPerSecond, PerMediaSecond, Unknown)
}
CONFIDENCE = ("high", "medium", "low", "unknown")


def kind_of(raw: Mapping[str, Any]) -> str:
    """The single price kind key of a pricing as written (the schema guarantees there is one)."""
    return next(key for key in PRICES if key in raw)


def refs(raw: Mapping[str, Any]) -> list[Ref]:
    """(argument pointer, field, item field) of every request field a pricing as written reads."""
    kind = kind_of(raw)
    return [(f"{kind}/{at}", field, item) for at, field, item in PRICES[kind].refs(raw[kind])]


def entry(
    kind: str, args: Any, defaults: Mapping[str, object], *, confidence: str, source: str = ""
) -> Pricing:
    """A generated table's entry: the kind's arguments as written, with the request defaults."""
    return Pricing(price=PRICES[kind].parse(args, defaults), confidence=confidence, source=source)


def pricing_schema() -> dict[str, Any]:
    """JSON Schema of ``x-kling-endpoint.pricing`` (refs into the extension schema's ``$defs``)."""
    return {
        "type": "object",
        "required": ["confidence"],
        "additionalProperties": False,
        "oneOf": [{"required": [name]} for name in PRICES],
        "properties": {
            "confidence": {"enum": list(CONFIDENCE)},
            "source": {"type": "string", "pattern": "^https://"},
            "quote": {"type": "string", "minLength": 1},
            "basis": {"type": "string", "minLength": 1},
            "notes": {"$ref": "#/$defs/notes"},
            **{name: kind.schema for name, kind in PRICES.items()},
        },
    }


__all__ = [
    "CONFIDENCE",
    "PRICES",
    "Estimate",
    "FlatPlusPerSecond",
    "MediaLengthRequired",
    "PerMediaSecond",
    "PerSecond",
    "PriceKind",
    "Pricing",
    "PricingError",
    "Unknown",
    "entry",
    "estimate_cost",
    "kind_of",
    "pricing",
    "pricing_schema",
    "refs",
]
