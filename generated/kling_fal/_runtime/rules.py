# Vendored from generator/runtime/rules.py by klinggen; edit that file, not this copy.
"""Cross-field rules (``x-kling-rules``): the rules of each model, their checks, and evaluation.

Each rule's meaning is its kind's (``kinds``). The generated package registers every request
model's rules and one check per model, emitted as code at generation time: ``passes`` runs that
check, and ``evaluate`` runs only to report what broke.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import registry
from .errors import Issue
from .kinds import Check, Cond, Kind, get, is_list, is_object

__all__ = ["Cond", "Rule", "SpecData", "evaluate", "install", "passes", "spec_data"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One cross-field rule, applied to every object found along ``at`` (``"[]"`` = each item)."""

    id: str
    message: str
    check: Kind
    at: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecData:
    """What the runtime needs from the spec: rules and their checks, endpoints, naming drift."""

    rules: Mapping[str, tuple[Rule, ...]]
    checks: Mapping[str, Check]
    model_endpoints: Mapping[str, tuple[str, ...]]
    field_endpoints: Mapping[str, tuple[str, ...]]
    endpoint_family: Mapping[str, str]
    naming_drift: tuple[tuple[str, ...], ...]


_data: SpecData | None = None


def install(
    *,
    rules: Mapping[str, tuple[Rule, ...]],
    model_endpoints: Mapping[str, tuple[str, ...]],
    field_endpoints: Mapping[str, tuple[str, ...]],
    endpoint_family: Mapping[str, str],
    naming_drift: tuple[tuple[str, ...], ...],
    checks: Mapping[str, Check] | None = None,
) -> SpecData:
    """Use this spec data instead of the package's registered ``spec_data`` table; a model
    without an entry in ``checks`` has its rules checked by ``evaluate`` alone."""
    global _data
    _data = SpecData(
        rules=rules,
        checks=checks or {},
        model_endpoints=model_endpoints,
        field_endpoints=field_endpoints,
        endpoint_family=endpoint_family,
        naming_drift=naming_drift,
    )
    return _data


def spec_data() -> SpecData:
    """The installed spec data, loaded from the registered ``spec_data`` table on first use."""
    return _data or _load()


def _load() -> SpecData:
    module = registry.table("spec_data")
    return install(
        rules=module.RULES,
        checks=module.CHECKS,
        model_endpoints=module.MODEL_ENDPOINTS,
        field_endpoints=module.FIELD_ENDPOINTS,
        endpoint_family=module.ENDPOINT_FAMILY,
        naming_drift=module.NAMING_DRIFT,
    )


def passes(model: str, data: object) -> bool:
    """Whether ``data`` meets every rule of ``model``: its emitted check answers for plain JSON
    data; anything else (a model instance) goes to ``evaluate``."""
    found = spec_data()
    check = found.checks.get(model)
    verdict = check(data) if check is not None else None
    return verdict if verdict is not None else not evaluate(found.rules.get(model, ()), data)


def evaluate(rules: Sequence[Rule], data: object) -> list[Issue]:
    """Check ``rules`` on raw input data; values of the wrong type are skipped silently."""
    issues = []
    for rule in rules:
        check = rule.check
        if not rule.at:  # the common case: a rule on the request object itself
            if is_object(data) and not check.holds(data):
                issues.append(Issue(check.subject, rule.id, rule.message))
            continue
        for path, obj in _targets(data, rule.at):
            if not check.holds(obj):
                issues.append(Issue(_join(path, check.subject), rule.id, rule.message))
    return issues


def _targets(data: object, at: tuple[str, ...]) -> list[tuple[str, object]]:
    level = [("", data)]
    for step in at:
        if step == "[]":
            level = [
                (f"{p}[{i}]", item) for p, v in level if is_list(v) for i, item in enumerate(v)
            ]
        else:
            level = [(_join(p, step), get(v, step)) for p, v in level]
    return [(path, obj) for path, obj in level if is_object(obj)]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
