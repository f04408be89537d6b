# Vendored from generator/runtime/kinds/_base.py by klinggen; edit that file, not this copy.
"""What every rule kind defines."""

from __future__ import annotations

import abc
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from ._support import Context, Defaults, Edit, Ref, Writer
from .conditions import cond_field


class Kind(abc.ABC):
    """One ``x-kling-rules`` kind. Subclasses are frozen dataclasses of its parsed arguments."""

    __slots__ = ()
    name: ClassVar[str]
    arguments: ClassVar[str]  # the arguments, for spec/README's vocabulary table
    meaning: ClassVar[str]  # when the rule holds, for the same table
    schema: ClassVar[dict[str, Any]]  # JSON Schema of the arguments (refs into extensions.yaml)
    fields_at: ClassVar[tuple[tuple[str, str], ...]]  # (argument, scope) naming fields, in order
    bounds: ClassVar[tuple[str, ...]] = ()  # arguments whose moves tighten or loosen the rule
    array: ClassVar[str] = ""  # the argument naming an array field ("item" refs name its items)

    @classmethod
    def refs(cls, args: Any) -> list[Ref]:
        """(scope, argument pointer, field) of every field the arguments name; the first is
        where a violation is reported."""
        found: list[Ref] = []
        for arg, scope in cls.fields_at:
            pointer = f"{cls.name}/{arg}" if arg else cls.name
            value = args if not arg else args.get(arg) if isinstance(args, dict) else None
            if isinstance(value, str):
                found.append((scope, pointer, value))
            elif isinstance(value, list):
                found += [(scope, f"{pointer}/{i}", str(v)) for i, v in enumerate(value)]
            elif isinstance(value, dict):
                found.append((scope, pointer, cond_field(value)))
        return found

    @classmethod
    @abc.abstractmethod
    def parse(cls, args: Any, defaults: Defaults) -> Kind:
        """The kind's arguments as written in the spec, with the defaults its conditions read."""

    @property
    @abc.abstractmethod
    def subject(self) -> str:
        """The field a violation is reported at (the first field ``refs`` names)."""

    @abc.abstractmethod
    def holds(self, obj: object) -> bool:
        """Whether the rule holds on ``obj`` (a dict or model instance); wrong types hold."""

    @abc.abstractmethod
    def describe(self) -> str:
        """The rule in words, for problems and docs."""

    @abc.abstractmethod
    def candidates(self, ctx: Context, obj: Mapping[str, object]) -> Iterator[Edit]:
        """Edits of ``obj`` near the rule's boundary, on both sides; ``holds`` labels them."""

    def lower(self) -> dict[str, Any] | None:
        """The rule as plain JSON Schema on the object (null fields read as absent), or None."""
        return None

    @abc.abstractmethod
    def emit(self, w: Writer, depth: int, o: str) -> None:
        """Python lines checking the rule on the dict named ``o``: ``return False`` if broken,
        ``return None`` at an object that is no dict."""

    @classmethod
    def classify(cls, old: Any, new: Any) -> str:
        """How a change of the arguments reads in `klinggen diff`: only moving the bounds of
        the same rule tightens or loosens it."""
        if not (cls.bounds and isinstance(old, dict) and isinstance(new, dict)):
            return "rule-changed"
        if {k: v for k, v in old.items() if k not in cls.bounds} != {
            k: v for k, v in new.items() if k not in cls.bounds
        }:
            return "rule-changed"
        low_old, low_new = old.get("min", float("-inf")), new.get("min", float("-inf"))
        high_old, high_new = old.get("max", float("inf")), new.get("max", float("inf"))
        tighter = low_new > low_old or high_new < high_old
        looser = low_new < low_old or high_new > high_old
        if tighter == looser:
            return "rule-changed"
        return "rule-tightened" if tighter else "rule-loosened"
