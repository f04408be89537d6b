"""The change kinds of `klinggen diff` and how a changed bound or rule is classified."""

from __future__ import annotations

from typing import Any

from generator.runtime import kinds, pricing

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


def price_changes(old: Any, new: Any) -> list[tuple[str, str, str, str]]:
    """(kind, item, old, new) for each change of an endpoint's pricing as written: a price
    added (from unknown or none), removed (to unknown), raised, lowered or changed (its kind
    classifies the arguments, generator/runtime/pricing), and confidence changed."""
    unknown = {"confidence": "unknown", "unknown": ""}
    old, new = old or unknown, new or unknown
    kind_old, kind_new = pricing.kind_of(old), pricing.kind_of(new)
    shown_old, shown_new = _price(old, kind_old), _price(new, kind_new)
    found = []
    if (kind_old == "unknown") != (kind_new == "unknown"):
        kind = "price-added" if kind_old == "unknown" else "price-removed"
        found.append((kind, "", shown_old, shown_new))
    elif kind_old != kind_new:
        found.append(("price-changed", "", shown_old, shown_new))
    elif old[kind_old] != new[kind_new] and kind_old != "unknown":
        change = pricing.PRICES[kind_old].classify(old[kind_old], new[kind_new])
        found.append((change, "", shown_old, shown_new))
    both_known = "unknown" not in (kind_old, kind_new)
    if old["confidence"] != new["confidence"] and both_known:
        found.append(("price-confidence", "confidence", old["confidence"], new["confidence"]))
    return found


def _price(raw: dict[str, Any], kind: str) -> str:
    return pricing.PRICES[kind].parse(raw[kind], {}).short()


def rule_fields(rule: dict[str, Any]) -> set[str]:
    """The fields of its own schema a rule names."""
    return {field for scope, _, field in kinds.refs(rule) if scope == "self"}
