"""Cross-field rules compiled to one straight-line Python function per model.

``rules.evaluate`` is the reference and finds every broken rule with its path; the compiled
function only answers whether all of them hold, which is what validating valid input needs. It
reads plain dicts (all JSON input); anything else (model instances, other mappings) it hands to
``evaluate``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from functools import partial
from typing import cast

from .rules import Cond, Rule, evaluate, is_object, number, spec_data

Check = Callable[[object], bool]
_COMPARE = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_ONE_OF = {"exactly-one-of": "!= 1", "at-most-one-of": "> 1", "at-least-one-of": "< 1"}
_LITERALS = (str, int, float, bool, type(None))


def checker(model: str) -> Check:
    """The compiled rules of ``model`` (compiled on first use, once per installed spec data)."""
    compiled = spec_data().compiled
    try:
        return compiled[model]
    except KeyError:
        check = compiled[model] = compile_rules(spec_data().rules.get(model, ()))
        return check


def compile_rules(rules: Sequence[Rule]) -> Check:
    """A function of raw input: whether ``evaluate(rules, input)`` finds nothing."""
    writer = _Writer()
    writer.line(1, "if type(d) is not dict:")
    writer.line(2, "return _fallback(d)")
    for rule in rules:
        writer.target(1, "d", rule.at, known_dict=True, body=partial(_body, writer, rule=rule))
    writer.line(1, "return True")
    source = "def check(d):\n" + "\n".join(writer.lines) + "\n"
    namespace: dict[str, object] = {
        "_fallback": lambda data: not evaluate(rules, data),
        "_is_object": is_object,
        "_number": number,
        **writer.constants,
    }
    exec(compile(source, "<kling_fal compiled rules>", "exec"), namespace)
    return cast(Check, namespace["check"])


class _Writer:
    """Lines of Python source, with fresh variable names and named constants."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, object] = {}
        self._ids = itertools.count()

    def line(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def var(self) -> str:
        return f"v{next(self._ids)}"

    def value(self, value: object) -> str:
        """A literal for ``value`` when it has one, else the name of a constant holding it."""
        if type(value) in _LITERALS and (type(value) is not float or math.isfinite(value)):
            return repr(value)
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return name

    def target(
        self,
        depth: int,
        value: str,
        at: tuple[str, ...],
        *,
        known_dict: bool,
        body: Callable[[int, str], None],
    ) -> None:
        """Run ``body`` on each object found from ``value`` along ``at``, like ``rules._targets``."""
        if not known_dict:
            self.line(depth, f"if type({value}) is not dict:")
            self.line(depth + 1, f"if _is_object({value}):")
            self.line(depth + 2, "return _fallback(d)")
            self.line(depth, "else:")
            depth += 1
        if not at:
            body(depth, value)
            return
        step, rest = at[0], at[1:]
        found = self.var()
        self.line(depth, f"{found} = {value}.get({step!r})")
        if rest[:1] != ("[]",):
            self.target(depth, found, rest, known_dict=False, body=body)
            return
        item = self.var()
        self.line(depth, f"if isinstance({found}, (list, tuple)):")
        self.line(depth + 1, f"for {item} in {found}:")
        self.target(depth + 2, item, rest[1:], known_dict=False, body=body)


def _body(w: _Writer, depth: int, o: str, *, rule: Rule) -> None:
    """The check of one rule on the dict named ``o``: ``return False`` when it is broken."""
    kind = rule.kind
    if kind in _ONE_OF:
        present = " + ".join(f"({o}.get({name!r}) is not None)" for name in rule.fields)
        w.line(depth, f"if {present} {_ONE_OF[kind]}:")
        w.line(depth + 1, "return False")
    elif kind == "count":
        _count(w, depth, o, rule)
    elif kind == "total-count":
        total = w.var()
        w.line(depth, f"{total} = 0")
        for name in rule.fields:
            value = w.var()
            w.line(depth, f"{value} = {o}.get({name!r})")
            w.line(depth, f"if {value} is not None:")
            w.line(
                depth + 1,
                f"{total} += len({value}) if isinstance({value}, (list, tuple)) else 1",
            )
        _outside(w, depth, total, rule)
    elif kind == "sum":
        _sum(w, depth, o, rule)
    elif kind in ("required-when", "forbidden-when"):
        broken = "is None" if kind == "required-when" else "is not None"
        when = f"{_cond(w, o, rule.when)} and " if rule.when else ""
        w.line(depth, f"if {when}{o}.get({rule.field!r}) {broken}:")
        w.line(depth + 1, "return False")
    else:  # compare
        left, right = w.var(), w.var()
        w.line(depth, f"{left} = _number({o}.get({rule.left!r}))")
        w.line(depth, f"{right} = _number({o}.get({rule.right!r}))")
        w.line(
            depth,
            f"if {left} is not None and {right} is not None and not "
            f"({left} {_COMPARE[rule.op]} {right} + {w.value(rule.offset)}):",
        )
        w.line(depth + 1, "return False")


def _count(w: _Writer, depth: int, o: str, rule: Rule) -> None:
    items = w.var()
    w.line(depth, f"{items} = {o}.get({rule.field!r})")
    w.line(depth, f"if isinstance({items}, (list, tuple)):")
    if rule.where is None:
        _outside(w, depth + 1, f"len({items})", rule)
        return
    count, item = w.var(), w.var()
    w.line(depth + 1, f"{count} = 0")
    _each_dict(w, depth + 1, items, item)
    w.line(depth + 2, f"if {_cond(w, item, rule.where)}:")
    w.line(depth + 3, f"{count} += 1")
    w.line(depth + 1, "else:")
    _outside(w, depth + 2, count, rule)


def _sum(w: _Writer, depth: int, o: str, rule: Rule) -> None:
    items, total, item, value = w.var(), w.var(), w.var(), w.var()
    w.line(depth, f"{items} = {o}.get({rule.field!r})")
    w.line(depth, f"if isinstance({items}, (list, tuple)):")
    w.line(depth + 1, f"{total} = 0.0")
    _each_dict(w, depth + 1, items, item)
    w.line(depth + 2, f"{value} = {item}.get({rule.item!r})")
    w.line(
        depth + 2,
        f"{value} = _number({w.value(rule.item_default)} if {value} is None else {value})",
    )
    w.line(depth + 2, f"if {value} is None:")
    w.line(depth + 3, "break")
    w.line(depth + 2, f"{total} += {value}")
    w.line(depth + 1, "else:")
    _outside(w, depth + 2, total, rule)


def _each_dict(w: _Writer, depth: int, items: str, item: str) -> None:
    """``for item in items:`` that stops (the rule holds) at an item that is no object."""
    w.line(depth, f"for {item} in {items}:")
    w.line(depth + 1, f"if type({item}) is not dict:")
    w.line(depth + 2, f"if _is_object({item}):")
    w.line(depth + 3, "return _fallback(d)")
    w.line(depth + 2, "break")


def _outside(w: _Writer, depth: int, total: str, rule: Rule) -> None:
    """``return False`` when ``total`` is outside ``rule.min``..``rule.max``."""
    bounds = [f"{total} < {w.value(rule.min)}"] if rule.min is not None else []
    bounds += [f"{total} > {w.value(rule.max)}"] if rule.max is not None else []
    if bounds:
        w.line(depth, f"if {' or '.join(bounds)}:")
        w.line(depth + 1, "return False")
    else:
        w.line(depth, "pass")


def _cond(w: _Writer, o: str, cond: Cond) -> str:
    """An expression: whether ``cond`` holds on the dict named ``o``."""
    value = f"{o}.get({cond.field!r})"
    if cond.op in ("present", "absent"):
        return f"({value} is {'not ' if cond.op == 'present' else ''}None)"
    negate = "not " if cond.op == "not-in" else ""
    return f"({negate}{w.value(cond)}.matches({value}))"
