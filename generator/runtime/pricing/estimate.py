"""``estimate_cost``: what a request will cost, from the package's ``pricing`` table.

The table (``PRICING``: endpoint id -> ``Pricing``) is generated from each endpoint's
``x-kling-endpoint.pricing``. Where the price follows the length of an input video or audio, the
length comes from ``lengths`` or, for a local file, from probing it with PyAV.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import registry
from ..endpoints import get_endpoint
from ..errors import KlingError
from ..kinds._values import get
from ._base import PriceKind
from ._money import total


class PricingError(KlingError):
    """A request whose price cannot be worked out as given (one line naming the field)."""


class MediaLengthRequired(PricingError):
    """The price follows the length of a remote file: pass ``lengths={field: seconds}``."""

    def __init__(self, endpoint_id: str, field: str, why: str) -> None:
        self.field = field
        super().__init__(
            f"{endpoint_id}: the price follows the length of {field}, {why}; pass "
            f"lengths={{{field!r}: SECONDS}} or a local file"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Pricing:
    """An endpoint's price as the spec states it: the rule, how sure it is, where it is from."""

    price: PriceKind
    confidence: str  # high | medium | low | unknown
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Estimate:
    """The list price of one request (fal may bill an account differently)."""

    endpoint_id: str
    usd: float | None  # None: the price is unknown
    unit: str  # video_second | input_video_second | unknown
    quantity: float | None  # billed units (seconds)
    confidence: str  # high | medium | low | unknown
    basis: str  # the formula, e.g. 10 s times $0.14/s (audio on)
    source: str = ""  # where the price was published

    @property
    def shown(self) -> str:
        """``$1.40``, or ``unknown``."""
        return "unknown" if self.usd is None else total(Decimal(str(self.usd)))

    def __str__(self) -> str:
        return f"{self.shown} = {self.basis}; confidence {self.confidence}"


def pricing(endpoint_id: str) -> Pricing:
    """The spec's price of an endpoint (kind ``unknown`` when the spec states none)."""
    found: Pricing = registry.table("pricing").PRICING[get_endpoint(endpoint_id).endpoint_id]
    return found


def estimate_cost(
    endpoint_id: str, payload: Any, *, lengths: Mapping[str, float] | None = None
) -> Estimate:
    """The cost of sending ``payload`` (a dict or request model) to ``endpoint_id``.

    Absent fields take their spec defaults. ``lengths`` gives media lengths in seconds by field
    name; without one a local file path is probed, and a URL raises ``MediaLengthRequired``. An
    unknown price is an Estimate with ``usd`` None and confidence ``unknown``.
    """
    endpoint_id = get_endpoint(endpoint_id).endpoint_id
    entry = pricing(endpoint_id)

    def length(field: str) -> Decimal:
        if lengths is not None and field in lengths:
            return Decimal(str(lengths[field]))
        return _probe(endpoint_id, field, get(payload, field))

    try:
        cost = entry.price.cost(payload, length)
    except ValueError as exc:
        raise PricingError(f"{endpoint_id}: {exc}") from None
    return Estimate(
        endpoint_id=endpoint_id,
        usd=None if cost.usd is None else float(cost.usd),
        unit=entry.price.unit,
        quantity=None if cost.quantity is None else float(cost.quantity),
        confidence=entry.confidence,
        basis=cost.basis,
        source=entry.source,
    )


def _probe(endpoint_id: str, field: str, value: object) -> Decimal:
    """The length in seconds of a local file (a path or raw bytes), measured with PyAV."""
    if value is None:
        raise MediaLengthRequired(endpoint_id, field, "which the request does not give")
    source: Path | bytes
    if isinstance(value, bytes):
        source = value
    elif isinstance(value, os.PathLike) or (isinstance(value, str) and Path(value).is_file()):
        source = Path(value)
    else:
        raise MediaLengthRequired(endpoint_id, field, "a remote file")
    from ..client._media import probe_av

    try:
        duration = probe_av(source).duration
    except ImportError:
        raise
    except Exception as exc:
        raise MediaLengthRequired(endpoint_id, field, f"which cannot be read ({exc})") from None
    if duration is None:
        raise MediaLengthRequired(endpoint_id, field, "whose length the file does not state")
    return Decimal(str(round(duration, 3)))
