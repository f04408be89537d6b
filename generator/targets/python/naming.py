"""Python names derived from spec names, validated once: the Python target's naming layer.

The IR is target-neutral; templates that write Python get these names through the filters in
`FILTERS` (`{{ endpoint.path | py_name }}`, `{% for name, value in enum | py_members %}`).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable
from typing import Any

from generator.ir.model import EnumDef

_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")


class PythonIdentifier(str):
    """A str that is a valid, non-keyword Python identifier."""

    __slots__ = ()

    def __new__(cls, value: str) -> PythonIdentifier:
        if not value.isidentifier() or keyword.iskeyword(value):
            raise ValueError(f"{value!r} is not a usable Python identifier")
        return super().__new__(cls, value)


def snake(text: str) -> PythonIdentifier:
    """`v2.6/pro/image-to-video` -> `v2_6_pro_image_to_video`."""
    name = _NON_WORD.sub("_", text).strip("_").lower()
    return PythonIdentifier(f"_{name}" if name[:1].isdigit() else name)


def enum_members(values: tuple[str, ...]) -> tuple[PythonIdentifier, ...]:
    """UPPER_SNAKE member names for enum values; a leading digit gets a `V` prefix, clashes a suffix."""
    names: list[PythonIdentifier] = []
    taken: set[str] = set()
    for value in values:
        base = _NON_WORD.sub("_", value).strip("_").upper() or "EMPTY"
        if base[0].isdigit():
            base = "V" + base
        name, counter = base, 2
        while name in taken:
            name, counter = f"{base}_{counter}", counter + 1
        taken.add(name)
        names.append(PythonIdentifier(name))
    return tuple(names)


def member_names(enum: EnumDef) -> tuple[PythonIdentifier, ...]:
    """The Python member names of an IR enum, in value order."""
    return enum_members(tuple(member.value for member in enum.members))


def py_members(enum: EnumDef) -> list[tuple[str, str]]:
    """(Python member name, value) for every value of an IR enum."""
    return [(str(n), m.value) for n, m in zip(member_names(enum), enum.members, strict=True)]


def pyrepr(value: Any) -> str:
    """`repr(value)`: a Python literal of a spec value (`{{ v | pyrepr }}`)."""
    return repr(value)


# Jinja filters of the Python target (registered by generator/output/render.py)
FILTERS: dict[str, Callable[..., Any]] = {
    "py_name": snake,
    "py_members": py_members,
    "pyrepr": pyrepr,
}
