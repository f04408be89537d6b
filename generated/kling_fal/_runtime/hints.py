# Vendored from generator/runtime/hints.py by klinggen; edit that file, not this copy.
"""Helpful messages for unknown input fields."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from .rules import SpecData

_SHOWN = 3


def unknown_field_hint(
    model_name: str, field_name: str, known_fields: Sequence[str], data: SpecData | None
) -> str:
    """Explain why ``field_name`` is unknown on ``model_name``.

    With spec ``data`` (request bodies) naming drift and other endpoints are tried first; without it
    (nested objects) only spelling suggestions and the list of allowed fields are given.
    """
    if data is not None:
        hint = _drift_hint(field_name, known_fields, data) or _endpoint_hint(
            model_name, field_name, data
        )
        if hint:
            return hint
    return _spelling_hint(field_name, known_fields)


def _drift_hint(field_name: str, known_fields: Sequence[str], data: SpecData) -> str:
    for group in data.naming_drift:
        if field_name in group:
            for other in group:
                if other != field_name and other in known_fields:
                    return f"unknown field {field_name!r}; this endpoint calls it {other!r}"
    return ""


def _endpoint_hint(model_name: str, field_name: str, data: SpecData) -> str:
    own = data.model_endpoints.get(model_name, ())
    families = {data.endpoint_family[e] for e in own if e in data.endpoint_family}
    others = sorted(
        set(data.field_endpoints.get(field_name, ())) - set(own),
        key=lambda e: (data.endpoint_family.get(e) not in families, e),
    )
    if not others:
        return ""
    where = f" for {_listing(own)}" if own else ""
    return f"unknown field {field_name!r}{where}; it exists on {_listing(others)}"


def _spelling_hint(field_name: str, known_fields: Sequence[str]) -> str:
    close = difflib.get_close_matches(field_name, known_fields, n=1)
    if close:
        return f"unknown field {field_name!r}; did you mean {close[0]!r}?"
    return f"unknown field {field_name!r}; allowed: {', '.join(known_fields) or 'none'}"


def _listing(ids: Sequence[str]) -> str:
    more = len(ids) - _SHOWN
    return ", ".join(ids[:_SHOWN]) + (f" (and {more} more)" if more > 0 else "")
