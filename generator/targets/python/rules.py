"""The Python target's cross-field rules: ``kling_fal/_rules.py``, emitted source.

The module holds each request model's rules as runtime data (what ``evaluate`` reports from) and
one straight-line check per model, written by the kinds' emitters (generator/runtime/kinds), so
valid input never pays for ``evaluate``. Nothing is compiled at runtime.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from generator.ir.model import Api
from generator.runtime.kinds import Kind, Writer

PATH = "kling_fal/_rules.py"
_DOC = '''"""Cross-field rules of the request models: their data and one check per model.

Each ``_check_*`` tells whether every rule of its model holds on plain JSON data (dicts and
lists); it returns None at anything else (a model instance), which ``evaluate`` then reads.
"""'''


_NOQA = (
    "# Each rule is one `if <broken>: return False`, the last one too, before `return True`.\n"
    "# ruff: noqa: SIM103\n"
)


def source(value: Any) -> str:
    """A Python expression building ``value``: a runtime dataclass with its non-default
    arguments, a tuple of such, or a literal."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        args = [
            f"{f.name}={source(getattr(value, f.name))}"
            for f in dataclasses.fields(value)
            if f.init and getattr(value, f.name) != f.default
        ]
        return f"{type(value).__name__}({', '.join(args)})"
    if isinstance(value, tuple):
        parts = [source(v) for v in value]
        return f"({', '.join(parts)}{',' if len(parts) == 1 else ''})"
    return repr(value)


def _target(
    w: Writer, depth: int, value: str, at: tuple[str, ...], check: Kind, *, known: bool
) -> None:
    """Emit ``check`` on each object found from ``value`` along ``at`` (``"[]"``: each item)."""
    if not known:  # a dict: check it; another object (a model instance): ask evaluate
        w.line(depth, f"if type({value}) is dict:")
        _target(w, depth + 1, value, at, check, known=True)
        w.line(depth, f"elif _is_object({value}):")
        w.line(depth + 1, "return None")
        return
    if not at:
        check.emit(w, depth, value)
        return
    found = w.var()
    w.line(depth, f"{found} = {value}.get({at[0]!r})")
    if at[1:2] != ("[]",):
        _target(w, depth, found, at[1:], check, known=False)
        return
    item = w.var()
    w.line(depth, f"if isinstance({found}, (list, tuple)):")
    w.line(depth + 1, f"for {item} in {found}:")
    _target(w, depth + 2, item, at[2:], check, known=False)


def check_function(w: Writer, name: str, rules: Sequence[tuple[tuple[str, ...], Kind]]) -> None:
    """Emit ``def name(d: object) -> bool | None``: whether every (path, check) of ``rules``
    holds on plain JSON data, None at any other object."""
    w.line(0, f"def {name}(d: object) -> bool | None:")
    w.line(1, "if type(d) is not dict:")
    w.line(2, "return None")
    for at, check in rules:
        _target(w, 1, "d", at, check, known=True)
    w.line(1, "return True")


def rules_module(api: Api, header: str) -> str:
    """The text of ``kling_fal/_rules.py`` (ruff formats it with the rest)."""
    ruled = [s for s in api.schemas if s.role == "input" and s.runtime_rules]
    w = Writer()
    for schema in ruled:
        w.line(0, "\n")
        checks = [(rule.at, rule.rule.check) for rule in schema.runtime_rules]
        check_function(w, f"_check_{schema.name}", checks)
    body = "\n".join(w.lines)
    data = [
        f"    {schema.name!r}: (\n"
        + "".join(
            f"        Rule(id={r.rule.id!r}, message={r.rule.message!r}, "
            f"check={source(r.rule.check)}{f', at={r.at!r}' if r.at else ''}),\n"
            for r in schema.runtime_rules
        )
        + "    ),\n"
        for schema in ruled
    ]
    conds = "".join(f"{name} = {source(cond)}\n" for name, cond in w.conds.items())
    kinds = sorted({type(r.rule.check).__name__ for s in ruled for r in s.runtime_rules})
    kinds += ["Cond"] if conds else []
    helpers = [f"{name} as _{name}" for name in ("is_object", "number") if f"_{name}(" in body]
    names = sorted(kinds) + helpers
    imported = f"from kling_fal._runtime.kinds import {', '.join(names)}\n" if names else ""
    checks = "".join(f"    {s.name!r}: _check_{s.name},\n" for s in ruled)
    return (
        f"{header}\n{_DOC}\n\n{_NOQA}\nfrom __future__ import annotations\n\n"
        "from collections.abc import Callable\n\n"
        f"{imported}from kling_fal._runtime.rules import Rule\n\n"
        f"RULES: dict[str, tuple[Rule, ...]] = {{\n{''.join(data)}}}\n{conds}{body}\n\n\n"
        f"CHECKS: dict[str, Callable[[object], bool | None]] = {{\n{checks}}}\n"
    )
