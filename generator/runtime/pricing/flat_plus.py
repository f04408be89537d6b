"""``flat-plus-per-second: {field, base-usd, base-seconds, usd-per-extra-second}``: a flat price
for the first seconds, then a price per extra second."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ._base import Cost, Length, PriceKind, Ref, field_quantity
from ._money import TIMES, price, seconds, usd

_AMOUNT = {"type": "number", "exclusiveMinimum": 0}


@dataclass(frozen=True, slots=True, kw_only=True)
class FlatPlusPerSecond(PriceKind):
    name = "flat-plus-per-second"
    arguments = "`field` (seconds), `base-usd`, `base-seconds`, `usd-per-extra-second`"
    meaning = (
        "`base-usd` for up to `base-seconds`, plus `usd-per-extra-second` for each second more"
    )
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["field", "base-usd", "base-seconds", "usd-per-extra-second"],
        "properties": {
            "field": {"$ref": "#/$defs/name"},
            "base-usd": _AMOUNT,
            "base-seconds": _AMOUNT,
            "usd-per-extra-second": _AMOUNT,
        },
    }
    money = ("base-usd", "usd-per-extra-second")
    field: str
    default: object = None
    base_usd: Decimal
    base_seconds: Decimal
    extra_usd: Decimal

    @property
    def unit(self) -> str:
        return "video_second"

    @classmethod
    def refs(cls, args: Any) -> list[Ref]:
        return [("field", str(args["field"]), "")]

    @classmethod
    def parse(cls, args: Any, defaults: Mapping[str, object]) -> PriceKind:
        return cls(
            field=args["field"],
            default=defaults.get(args["field"]),
            base_usd=usd(args["base-usd"]),
            base_seconds=usd(args["base-seconds"]),
            extra_usd=usd(args["usd-per-extra-second"]),
        )

    def cost(self, payload: object, length: Length) -> Cost:
        quantity = field_quantity(payload, self.field, self.default)
        if quantity is None:
            raise ValueError(f"{self.field}: required to estimate the price (it has no default)")
        extra = max(quantity - self.base_seconds, Decimal(0))
        basis = f"{price(self.base_usd)} for {seconds(self.base_seconds)}"
        if extra:
            basis += f" + {seconds(extra)} {TIMES} {price(self.extra_usd)}/s"
        return Cost(usd=self.base_usd + extra * self.extra_usd, quantity=quantity, basis=basis)

    def cases(self) -> tuple[tuple[str, str], ...]:
        return (
            (f"up to {seconds(self.base_seconds)}", price(self.base_usd)),
            ("each second more", f"{price(self.extra_usd)} per second of video"),
        )

    def short(self) -> str:
        return f"{price(self.base_usd)} / {seconds(self.base_seconds)} + {price(self.extra_usd)}/s"
