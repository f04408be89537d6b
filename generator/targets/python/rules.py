"""The Python target's cross-field rules: the ``kling_fal/_rules`` package, emitted source.

One module per request model holds its rules as runtime data (what ``evaluate`` reports from) and
one straight-line check, written by the kinds' emitters (generator/runtime/kinds), so valid input
never pays for ``evaluate`` and using one endpoint imports only its own rules and kinds. Nothing
is compiled at runtime.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from generator.ir.model import Api, Schema
from generator.runtime.kinds import Kind, Writer, _values
from generator.targets.python.split import module_name

PACKAGE_PATH = "kling_fal/_rules"
RUNTIME = "generator.runtime"
_INIT_DOC = '''"""Cross-field rules of the request models, one module per model, imported on first use.

Each module holds its model's rules as data (what ``evaluate`` reports from) and ``check``, which
tells whether every rule holds on plain JSON data (dicts and lists); it returns None at anything
else (a model instance), which ``evaluate`` then reads.
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


def rules_modules(api: Api, header: str) -> dict[str, str]:
    """Path -> text of the ``kling_fal/_rules`` package (ruff formats them with the rest): one
    module per request model with rules, and an ``__init__`` whose ``RULES`` and ``CHECKS``
    import a model's module when the runtime first asks for it."""
    ruled = [s for s in api.schemas if s.role == "input" and s.runtime_rules]
    modules = {schema.name: module_name(schema.name) for schema in ruled}
    files = {f"{PACKAGE_PATH}/{modules[s.name]}.py": _model_module(s, header) for s in ruled}
    table = "".join(f"    {name!r}: {module!r},\n" for name, module in modules.items())
    files[f"{PACKAGE_PATH}/__init__.py"] = (
        f"{header}\n{_INIT_DOC}\n\nfrom __future__ import annotations\n\n"
        "from kling_fal._runtime.kinds import Check\n"
        "from kling_fal._runtime.lazy import ModuleTable\n"
        "from kling_fal._runtime.rules import Rule\n\n"
        f"_MODULES = {{\n{table}}}\n"
        f'RULES: ModuleTable[tuple[Rule, ...]] = ModuleTable(__name__, _MODULES, "RULES")\n'
        f'CHECKS: ModuleTable[Check] = ModuleTable(__name__, _MODULES, "check")\n'
    )
    return files


def _model_module(schema: Schema, header: str) -> str:
    w = Writer()
    w.line(0, "\n")
    check_function(w, "check", [(rule.at, rule.rule.check) for rule in schema.runtime_rules])
    body = "\n".join(w.lines)
    data = "".join(
        f"    Rule(id={r.rule.id!r}, message={r.rule.message!r}, "
        f"check={source(r.rule.check)}{f', at={r.at!r}' if r.at else ''}),\n"
        for r in schema.runtime_rules
    )
    conds = "".join(f"{name} = {source(cond)}\n" for name, cond in w.conds.items())
    used = {k for r in schema.runtime_rules for k in _classes(r.rule.check)}
    used |= {k for cond in w.conds.values() for k in _classes(cond)}
    imports = sorted(f"from {_vendored(k.__module__)} import {k.__name__}" for k in used)
    imports += [
        f"from {_vendored(_values.__name__)} import {name} as _{name}"
        for name in ("is_object", "number")
        if f"_{name}(" in body
    ]
    lines = "\n".join(imports)
    return (
        f'{header}\n"""Cross-field rules of ``{schema.name}`` and their check."""\n\n{_NOQA}\n'
        f"from __future__ import annotations\n\n{lines}\n"
        "from kling_fal._runtime.rules import Rule\n\n"
        f"RULES: tuple[Rule, ...] = (\n{data})\n{conds}{body}\n"
    )


def _classes(value: Any) -> set[type]:
    """The runtime dataclasses `source(value)` constructs."""
    if isinstance(value, tuple):
        return {k for v in value for k in _classes(v)}
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return set()
    found = {type(value)}
    for f in dataclasses.fields(value):
        if f.init:
            found |= _classes(getattr(value, f.name))
    return found


def _vendored(module: str) -> str:
    """`generator.runtime.kinds.count` -> `kling_fal._runtime.kinds.count`."""
    return "kling_fal._runtime" + module.removeprefix(RUNTIME)
