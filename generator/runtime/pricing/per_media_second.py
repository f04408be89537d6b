"""``per-media-second: {field, unit, rates, round-up-to?}``: the length of an input video or audio
(a media field) times the first rate that applies, rounded up to a multiple of seconds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any, ClassVar

from . import _rates
from ._base import Cost, Length, PriceKind, Ref, per_unit
from ._money import price, seconds, usd

_WHAT = {"video_second": "per second of video", "input_video_second": "per input video second"}


@dataclass(frozen=True, slots=True, kw_only=True)
class PerMediaSecond(PriceKind):
    name = "per-media-second"
    arguments = "`field` (media), `unit`, `rates`, optional `round-up-to` (seconds)"
    meaning = (
        "the length of the media at `field`, rounded up to a multiple of `round-up-to`, times the "
        "first rate that applies"
    )
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["field", "unit", "rates"],
        "properties": {
            "field": {"$ref": "#/$defs/name"},
            "unit": {"enum": list(_WHAT)},
            "round-up-to": {"type": "number", "exclusiveMinimum": 0},
            "rates": _rates.SCHEMA,
        },
    }
    field: str
    billed: str
    round_up_to: Decimal | None = None
    rates: tuple[_rates.Rate, ...]

    @property
    def unit(self) -> str:
        return self.billed

    @classmethod
    def refs(cls, args: Any) -> list[Ref]:
        found = [("field", str(args["field"]), "")]
        return found + _rates.rate_fields(args["rates"])

    @classmethod
    def parse(cls, args: Any, defaults: Mapping[str, object]) -> PriceKind:
        step = args.get("round-up-to")
        return cls(
            field=args["field"],
            billed=args["unit"],
            round_up_to=None if step is None else usd(step),
            rates=_rates.rates_of(args["rates"], defaults),
        )

    def cost(self, payload: object, length: Length) -> Cost:
        rate = _rates.choose(self.rates, payload)
        measured = length(self.field)
        quantity, what = measured, f" of {self.field}"
        if self.round_up_to is not None:
            steps = (measured / self.round_up_to).to_integral_value(rounding=ROUND_CEILING)
            quantity = max(steps, Decimal(1)) * self.round_up_to
            if quantity != measured:
                what = f" ({seconds(measured)} of {self.field}, rounded up)"
        return per_unit(quantity, rate.usd, rate.label, what)

    def cases(self) -> tuple[tuple[str, str], ...]:
        tail = f", rounded up to {seconds(self.round_up_to)}" if self.round_up_to else ""
        what = f"{_WHAT[self.billed]} ({self.field}{tail})"
        return tuple((rate.case(), f"{price(rate.usd)} {what}") for rate in self.rates)

    def short(self) -> str:
        return f"{_rates.span(self.rates)} of {self.field}"
