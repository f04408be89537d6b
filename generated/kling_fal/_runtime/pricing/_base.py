# Vendored from generator/runtime/pricing/_base.py by klinggen; edit that file, not this copy.
"""What every price kind defines, and the estimate it produces."""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from ..kinds._values import get, number
from ._money import TIMES, price, seconds, usd

Length = Callable[[str], Decimal]  # a media field's length in seconds (probed or given)
Ref = tuple[str, str, str]  # (argument pointer, field, item field or "")


@dataclass(frozen=True, slots=True, kw_only=True)
class Cost:
    """What a price kind computes for one request: dollars, billed units, the formula."""

    usd: Decimal | None
    quantity: Decimal | None
    basis: str


class PriceKind(abc.ABC):
    """One price kind of ``x-kling-endpoint.pricing``. Subclasses are frozen dataclasses of its
    parsed arguments (with the request defaults they read)."""

    __slots__ = ()
    name: ClassVar[str]
    arguments: ClassVar[str]  # the arguments, for spec/README's vocabulary table
    meaning: ClassVar[str]  # how the price is computed, for the same table
    schema: ClassVar[dict[str, Any]]  # JSON Schema of the arguments (refs into extensions.yaml)
    money: ClassVar[tuple[str, ...]] = ()  # arguments that are dollar amounts (besides rates)

    @property
    @abc.abstractmethod
    def unit(self) -> str:
        """What is billed: ``video_second``, ``input_video_second`` or ``unknown``."""

    @classmethod
    @abc.abstractmethod
    def refs(cls, args: Any) -> list[Ref]:
        """Every request field the arguments name (media fields first)."""

    @classmethod
    @abc.abstractmethod
    def parse(cls, args: Any, defaults: Mapping[str, object]) -> PriceKind:
        """The arguments as written, with the request's defaults of the fields they read."""

    @abc.abstractmethod
    def cost(self, payload: object, length: Length) -> Cost:
        """The cost of one request (a dict or model instance)."""

    @abc.abstractmethod
    def cases(self) -> tuple[tuple[str, str], ...]:
        """(case, price) rows of the docs' price table."""

    @abc.abstractmethod
    def short(self) -> str:
        """The price in one table cell."""

    @classmethod
    def amounts(cls, args: Any) -> list[Any]:
        """The dollar amounts of the arguments as written, in order (for the diff)."""
        if not isinstance(args, dict):
            return []
        return [args.get(k) for k in cls.money] + [r["usd"] for r in args.get("rates", ())]

    @classmethod
    def classify(cls, old: Any, new: Any) -> str:
        """How a change of the arguments reads in `klinggen diff`: every amount up (or equal),
        every amount down, or anything else."""
        before, after = cls.amounts(old), cls.amounts(new)
        if len(before) != len(after) or cls._rest(old) != cls._rest(new):
            return "price-changed"
        pairs = [(usd(a), usd(b)) for a, b in zip(before, after, strict=True)]
        if all(b >= a for a, b in pairs):
            return "price-raised"
        return "price-lowered" if all(b <= a for a, b in pairs) else "price-changed"

    @classmethod
    def _rest(cls, args: Any) -> Any:
        """The arguments without their amounts (what must stay for a raise or a cut)."""
        if not isinstance(args, dict):
            return args
        rest = {k: v for k, v in args.items() if k != "rates" and k not in cls.money}
        rates = [{k: v for k, v in r.items() if k != "usd"} for r in args.get("rates", ())]
        return {**rest, "rates": rates}


def field_quantity(payload: object, field: str, default: object) -> Decimal | None:
    """The number a request field holds (its default when absent); None when neither is set.

    A value that is no number (``"ten"``) is a ValueError naming the field."""
    value = get(payload, field)
    value = default if value is None else value
    if value is None:
        return None
    found = number(value)
    if found is None or found < 0:
        raise ValueError(f"{field}: {value!r} is not a number of seconds")
    return Decimal(str(found))


def per_unit(quantity: Decimal, rate: Decimal, case: str, what: str = "") -> Cost:
    """``quantity`` units at ``rate``, with its formula (``10 s`` times ``$0.14/s (audio on)``)."""
    tail = f" ({case})" if case else ""
    basis = f"{seconds(quantity)}{what} {TIMES} {price(rate)}/s{tail}"
    return Cost(usd=quantity * rate, quantity=quantity, basis=basis)
