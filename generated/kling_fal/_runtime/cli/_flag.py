# Vendored from generator/runtime/cli/_flag.py by klinggen; edit that file, not this copy.
"""One command-line flag of an endpoint, and its argparse wiring."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag:
    """A request field as a flag: `kind` is the JSON type of the value (or of each item when `many`)."""

    name: str
    kind: str
    many: bool = False
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    media: str = ""
    help: str = ""
    limits: tuple[tuple[str, Any], ...] = ()

    @property
    def option(self) -> str:
        """`--start-image-url` for `start_image_url`."""
        return "--" + self.name.replace("_", "-")

    @property
    def type_name(self) -> str:
        """The value's type in words: `integer`, `list of string`, `JSON object`."""
        kind = "JSON object" if self.kind in ("model", "object") else self.kind
        kind = "JSON" if kind == "any" else kind
        return f"list of {kind}" if self.many else kind

    def limit_words(self) -> str:
        """fal's limits in words: `at most 2500 characters, at most 10 MB`."""
        return ", ".join(_limit(key, value) for key, value in self.limits)

    def describe(self) -> str:
        """Help text: description, default, choices and limits."""
        parts = [self.help.rstrip(".")] if self.help else []
        if self.media:
            parts.append(f"{self.media}: URL, data URI or local path (uploaded)")
        if self.default is not None:
            parts.append(f"default: {json.dumps(self.default)}")
        if self.limits:
            parts.append(self.limit_words())
        return "; ".join(parts) + (" (required)" if self.required else "")

    def add_to(self, parser: argparse._ActionsContainer) -> None:
        """Register this flag on `parser`; nested objects and lists of objects take JSON."""
        kwargs: dict[str, Any] = {"dest": self.name, "help": self.describe(), "default": None}
        if self.kind == "boolean" and not self.many:
            kwargs["action"] = argparse.BooleanOptionalAction
        else:
            kwargs["type"] = _converter(self.kind)
            kwargs["metavar"] = "JSON" if self.kind in ("model", "object", "any") else None
            if self.choices:
                kwargs["choices"] = list(self.choices)
                kwargs["metavar"] = (
                    "{" + ",".join(self.choices[:12]) + (",...}" if len(self.choices) > 12 else "}")
                )
            if self.many and self.kind not in ("model", "object"):
                kwargs["nargs"] = "+"
        parser.add_argument(
            self.option, **{k: v for k, v in kwargs.items() if v is not None or k == "default"}
        )


_LIMITS = {
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "minimum": "at least {}",
    "maximum": "at most {}",
    "exclusiveMinimum": "more than {}",
    "exclusiveMaximum": "less than {}",
    "minItems": "at least {} items",
    "maxItems": "at most {} items",
    "min_width": "width at least {} px",
    "max_width": "width at most {} px",
    "min_height": "height at least {} px",
    "max_height": "height at most {} px",
    "min_aspect_ratio": "aspect ratio at least {}",
    "max_aspect_ratio": "aspect ratio at most {}",
    "min_duration": "at least {} s long",
    "max_duration": "at most {} s long",
    "min_fps": "at least {} fps",
    "max_fps": "at most {} fps",
    "timeout": "fetched by fal within {} s",
}


def _limit(key: str, value: Any) -> str:
    if key == "max_file_size" and isinstance(value, int):
        return f"at most {value / 2**20:g} MiB"
    return _LIMITS[key].format(value) if key in _LIMITS else f"{key} {value}"


def _named(name: str, parse: Any) -> Any:
    """`parse` under the name argparse shows in "invalid <name> value: 'x'"."""

    def convert(text: str) -> Any:
        return parse(text)

    convert.__name__ = name
    return convert


_CONVERTERS = {
    "integer": _named("integer", int),
    "number": _named("number", float),
    "model": _named("JSON", json.loads),
    "object": _named("JSON", json.loads),
    "any": _named("JSON", json.loads),
}


def _converter(kind: str) -> Any:
    return _CONVERTERS.get(kind, str)
