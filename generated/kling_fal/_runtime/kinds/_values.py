# Vendored from generator/runtime/kinds/_values.py by klinggen; edit that file, not this copy.
"""Reading raw input: wire fields of dicts or model instances, numbers, and what `equals` compares."""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import Enum
from typing import TypeGuard

from pydantic import BaseModel


def get(obj: object, name: str) -> object:
    """The value of wire field ``name`` of a dict or model instance; None when absent."""
    if type(obj) is dict:  # fast path: raw JSON data
        return obj.get(name)
    if isinstance(obj, Mapping):
        return obj.get(name)
    if isinstance(obj, BaseModel):
        for attr, info in type(obj).model_fields.items():
            if (info.alias or attr) == name:
                return getattr(obj, attr)
        return (obj.model_extra or {}).get(name)
    return None


def is_object(value: object) -> bool:
    return type(value) is dict or isinstance(value, Mapping | BaseModel)


def is_list(value: object) -> TypeGuard[list[object] | tuple[object, ...]]:
    return type(value) is list or isinstance(value, list | tuple)


def plain(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


def number(value: object) -> float | None:
    """A finite int, float or numeric string as a float; None for anything else (bools too)."""
    value = plain(value)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        parsed = float(value)
    except (ValueError, OverflowError):  # not a number, or an int too large for a float
        return None
    return parsed if math.isfinite(parsed) else None


def spelling(found: float) -> str:
    """The canonical spelling of a number: ``"5"`` for 5 and 5.0, ``"1.5"`` for 1.5."""
    return str(int(found)) if found.is_integer() else repr(found)


def key(value: object) -> tuple[str, object] | None:
    """What conditions compare: a number and its canonical spelling are alike (``5`` is ``"5"``).

    Other strings, booleans and null compare by type and value; anything else (lists, objects,
    non-finite or huge numbers) matches nothing, so None.
    """
    value = plain(value)
    if value is None or isinstance(value, bool):
        return ("const", value)
    if isinstance(value, int | float):
        found = number(value)
        return None if found is None else ("number", found)
    if isinstance(value, str):
        found = number(value)
        return (
            ("number", found)
            if found is not None and spelling(found) == value
            else ("string", value)
        )
    return None


def spellings(value: object) -> list[object]:
    """Every JSON value ``key`` takes as ``value``: a number and its canonical spelling."""
    found, parsed = key(value), number(value)
    if found is None or found[0] != "number" or parsed is None:
        return [value]
    return [int(parsed) if parsed.is_integer() else parsed, spelling(parsed)]
