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

    def describe(self) -> str:
        """Help text: description, default, choices and limits."""
        parts = [self.help] if self.help else []
        if self.media:
            parts.append(f"{self.media}: URL, data URI or local path (uploaded)")
        if self.default is not None:
            parts.append(f"default: {self.default!r}")
        if self.limits:
            parts.append("limits: " + ", ".join(f"{k}={v}" for k, v in self.limits))
        return "; ".join(parts) + (" (required)" if self.required else "")

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Register this flag on `parser`; nested objects and lists of objects take JSON."""
        kwargs: dict[str, Any] = {"dest": self.name, "help": self.describe(), "default": None}
        if self.kind == "boolean" and not self.many:
            kwargs["action"] = argparse.BooleanOptionalAction
        else:
            kwargs["type"] = _converter(self.kind)
            kwargs["metavar"] = self.kind.upper() if self.kind in ("model", "object") else None
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


def _converter(kind: str) -> Any:
    if kind in ("model", "object", "any"):
        return json.loads
    return {"integer": int, "number": float}.get(kind, str)
