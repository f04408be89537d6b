"""Python names derived from spec names, validated once."""

from __future__ import annotations

import keyword
import re

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
