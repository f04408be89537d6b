"""``unknown: REASON``: no published price was found; nothing is estimated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ._base import Cost, Length, PriceKind, Ref


@dataclass(frozen=True, slots=True, kw_only=True)
class Unknown(PriceKind):
    name = "unknown"
    arguments = "why (text)"
    meaning = "no published price: the estimate says unknown, never a guess"
    schema: ClassVar[dict[str, Any]] = {"type": "string", "minLength": 1}
    reason: str

    @property
    def unit(self) -> str:
        return "unknown"

    @classmethod
    def refs(cls, args: Any) -> list[Ref]:
        return []

    @classmethod
    def parse(cls, args: Any, defaults: Mapping[str, object]) -> PriceKind:
        return cls(reason=str(args))

    def cost(self, payload: object, length: Length) -> Cost:
        return Cost(usd=None, quantity=None, basis=f"price unknown: {self.reason}")

    def cases(self) -> tuple[tuple[str, str], ...]:
        return (("any request", f"unknown ({self.reason})"),)

    def short(self) -> str:
        return "unknown"

    @classmethod
    def amounts(cls, args: Any) -> list[Any]:
        return []
