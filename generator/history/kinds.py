"""The change kinds of `klinggen diff` and how a changed bound or rule is classified."""

from __future__ import annotations

from typing import Any

from generator.runtime import kinds

# kind -> breaking in a request; responses flip the kinds in FLIPPED (a response that may now
# lack a field or carry a new value or size breaks its readers)
KINDS: dict[str, bool] = {
    "endpoint-added": False,
    "endpoint-removed": True,
    "endpoint-status": True,  # active -> removed; removed -> active is not breaking
    "metadata-changed": False,
    "description-changed": False,
    "field-added": False,  # breaking when the new field is required (in a request)
    "field-removed": True,
    "field-required": True,
    "field-optional": False,
    "type-changed": True,
    "enum-value-added": False,
    "enum-value-removed": True,
    "default-changed": True,  # in requests only
    "limit-tightened": True,
    "limit-loosened": False,
    "limit-changed": True,
    "rule-added": True,
    "rule-removed": False,
    "rule-tightened": True,
    "rule-loosened": False,
    "rule-changed": True,
    "rule-message-changed": False,
}
FLIPPED = {
    "field-required",
    "field-optional",
    "enum-value-added",
    "enum-value-removed",
    "limit-tightened",
    "limit-loosened",
}


def is_breaking(kind: str, role: str) -> bool:
    """Whether a change of `kind` in a request / response / endpoint breaks users."""
    return KINDS[kind] != (role == "response" and kind in FLIPPED)


def shown(value: Any) -> str:
    """A spec value as a report shows it: strings quoted, numbers and lists bare."""
    return repr(value) if isinstance(value, str) else str(value).replace("'", "")


def limit_kind(limit: str, old: Any, new: Any) -> str:
    """Direction of a bound change; a bound that appears tightens, one that goes loosens."""
    if old is None or new is None:
        return "limit-tightened" if old is None else "limit-loosened"
    if limit == "pattern":
        return "limit-changed"
    is_min = limit.split(".")[-1].lower().startswith(("min", "exclusivemin"))
    narrower = new > old if is_min else new < old
    return "limit-tightened" if narrower else "limit-loosened"


def rule_kind(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """How a rule with the same id changed (None: it did not): its prose only, another kind, or
    new arguments, which the kind classifies (generator/runtime/kinds)."""
    prose = ("message", "x-kling-note")
    core_old = {k: v for k, v in old.items() if k not in prose}
    core_new = {k: v for k, v in new.items() if k not in prose}
    if core_old == core_new:
        return "rule-message-changed" if old != new else None
    kind = kinds.kind_of(old)
    if kind not in new or set(core_old) != set(core_new):
        return "rule-changed"
    return kinds.KINDS[kind].classify(old[kind], new[kind])


def rule_fields(rule: dict[str, Any]) -> set[str]:
    """The fields of its own schema a rule names."""
    return {field for scope, _, field in kinds.refs(rule) if scope == "self"}
