# Vendored from generator/runtime/pricing/_rates.py by klinggen; edit that file, not this copy.
"""Rates chosen by conditions on the request: the first rate whose conditions hold applies.

A rate is ``{usd, label?, when?: [COND, ...], when-any?: [COND, ...]}``: every ``when``
condition holds and, with ``when-any``, one of those does. Besides the rule conditions
(``kinds.conditions``) a condition may be ``{items: F, where: COND}``: some item of array F
matches COND. An absent field takes its default (``defaults``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..kinds._values import get, is_list
from ..kinds.conditions import Cond, cond_field
from ._money import price, usd

ITEMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["items", "where"],
    "properties": {"items": {"$ref": "#/$defs/name"}, "where": {"$ref": "#/$defs/cond"}},
}
_CONDS = {
    "type": "array",
    "minItems": 1,
    "items": {"anyOf": [{"$ref": "#/$defs/cond"}, ITEMS_SCHEMA]},
}
SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["usd"],
        "properties": {
            "usd": {"type": "number", "exclusiveMinimum": 0},
            "label": {"type": "string", "minLength": 1},
            "when": _CONDS,
            "when-any": _CONDS,
        },
    },
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemCond:
    """Some item of the array ``items`` matches ``where``."""

    items: str
    where: Cond

    def holds(self, obj: object) -> bool:
        found = get(obj, self.items)
        return is_list(found) and any(self.where.holds(item) for item in found)

    def describe(self) -> str:
        return f"an item of {self.items} has {self.where.describe()}"


Condition = Cond | ItemCond


def condition_fields(cond: Mapping[str, Any]) -> tuple[str, str]:
    """(field, item field or "") a condition as written reads."""
    if "items" in cond:
        return (str(cond["items"]), cond_field(cond["where"]))
    return (cond_field(cond), "")


def _condition(cond: Mapping[str, Any], defaults: Mapping[str, object]) -> Condition:
    if "items" in cond:
        return ItemCond(items=cond["items"], where=Cond.parse(cond["where"], lambda _: None))
    return Cond.parse(cond, defaults.get)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rate:
    """One rate in US dollars per unit, and when it applies."""

    usd: Decimal
    label: str = ""
    when: tuple[Condition, ...] = ()
    when_any: tuple[Condition, ...] = ()

    @classmethod
    def parse(cls, raw: Mapping[str, Any], defaults: Mapping[str, object]) -> Rate:
        return cls(
            usd=usd(raw["usd"]),
            label=str(raw.get("label", "")),
            when=tuple(_condition(c, defaults) for c in raw.get("when", ())),
            when_any=tuple(_condition(c, defaults) for c in raw.get("when-any", ())),
        )

    def applies(self, payload: object) -> bool:
        """Whether every ``when`` (and one ``when-any``) condition holds on the request."""
        if not all(cond.holds(payload) for cond in self.when):
            return False
        return not self.when_any or any(cond.holds(payload) for cond in self.when_any)

    def case(self) -> str:
        """When the rate applies, in words: its label, else its conditions."""
        if self.label:
            return self.label
        words = [cond.describe() for cond in self.when]
        if self.when_any:
            words.append(" or ".join(cond.describe() for cond in self.when_any))
        return ", ".join(words) or "any request"


def rates_of(raw: Any, defaults: Mapping[str, object]) -> tuple[Rate, ...]:
    return tuple(Rate.parse(rate, defaults) for rate in raw)


def rate_fields(raw: Any) -> list[tuple[str, str, str]]:
    """(pointer, field, item field or "") of every condition of the rates as written."""
    return [
        (f"rates/{r}/{key}/{c}", *condition_fields(cond))
        for r, rate in enumerate(raw)
        for key in ("when", "when-any")
        for c, cond in enumerate(rate.get(key, ()))
    ]


def span(rates: tuple[Rate, ...]) -> str:
    """The rates in one cell: ``$0.07/s`` or ``$0.07-$0.168/s``."""
    low, high = min(r.usd for r in rates), max(r.usd for r in rates)
    return f"{price(low)}/s" if low == high else f"{price(low)}-{price(high)}/s"


def choose(rates: tuple[Rate, ...], payload: object) -> Rate:
    """The first rate that applies to the request; ValueError when none does."""
    found = next((rate for rate in rates if rate.applies(payload)), None)
    if found is None:
        cases = "; ".join(rate.case() for rate in rates)
        raise ValueError(f"no rate applies to this request (rates for: {cases})")
    return found
