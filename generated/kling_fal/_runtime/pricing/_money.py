# Vendored from generator/runtime/pricing/_money.py by klinggen; edit that file, not this copy.
"""Amounts in US dollars: exact decimal arithmetic, and how prices and totals are written."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..kinds._values import spelling

CENT = Decimal("0.01")
TIMES = "\N{MULTIPLICATION SIGN}"  # in formulas: 10 s TIMES $0.14/s


def usd(value: object) -> Decimal:
    """A price as written in the spec (a YAML number) as an exact decimal."""
    return Decimal(str(value))


def price(amount: Decimal) -> str:
    """A rate as published: at least cents, more digits when it has them (``$0.014``)."""
    shown = amount.quantize(CENT) if amount == amount.quantize(CENT) else amount.normalize()
    return f"${shown}"


def total(amount: Decimal) -> str:
    """A total, to the cent, halves up (``$1.40``, ``$0.48`` for 0.475)."""
    return f"${amount.quantize(CENT, rounding=ROUND_HALF_UP)}"


def seconds(quantity: Decimal) -> str:
    """``10 s``, ``12.3 s``."""
    return f"{spelling(float(quantity))} s"
