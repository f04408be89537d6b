"""``per-second: {field, rates, fallback?}``: seconds of output video (the request's ``duration``)
times the first rate that applies; ``fallback`` names a media field whose length stands in when
the field is absent and has no default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from . import _rates
from ._base import Cost, Length, PriceKind, Ref, field_quantity, per_unit
from ._money import price


@dataclass(frozen=True, slots=True, kw_only=True)
class PerSecond(PriceKind):
    name = "per-second"
    arguments = "`field` (seconds), `rates`, optional `fallback` (media field)"
    meaning = (
        "`field` (or its default; else the length of `fallback`) seconds times the first rate that "
        "applies"
    )
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["field", "rates"],
        "properties": {
            "field": {"$ref": "#/$defs/name"},
            "fallback": {"$ref": "#/$defs/name"},
            "rates": _rates.SCHEMA,
        },
    }
    field: str
    default: object = None
    fallback: str = ""
    rates: tuple[_rates.Rate, ...]

    @property
    def unit(self) -> str:
        return "video_second"

    @classmethod
    def refs(cls, args: Any) -> list[Ref]:
        found = [("fallback", str(args["fallback"]), "")] if "fallback" in args else []
        found.append(("field", str(args["field"]), ""))
        return found + _rates.rate_fields(args["rates"])

    @classmethod
    def parse(cls, args: Any, defaults: Mapping[str, object]) -> PriceKind:
        return cls(
            field=args["field"],
            default=defaults.get(args["field"]),
            fallback=args.get("fallback", ""),
            rates=_rates.rates_of(args["rates"], defaults),
        )

    def cost(self, payload: object, length: Length) -> Cost:
        rate = _rates.choose(self.rates, payload)
        quantity = field_quantity(payload, self.field, self.default)
        if quantity is not None:
            return per_unit(quantity, rate.usd, rate.label)
        if not self.fallback:
            raise ValueError(f"{self.field}: required to estimate the price (it has no default)")
        return per_unit(length(self.fallback), rate.usd, rate.label, f" ({self.fallback})")

    def cases(self) -> tuple[tuple[str, str], ...]:
        return tuple((rate.case(), f"{price(rate.usd)} per second of video") for rate in self.rates)

    def short(self) -> str:
        return _rates.span(self.rates)
