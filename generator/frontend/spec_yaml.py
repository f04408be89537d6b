"""Write spec data as YAML in the house style of spec/ (flow style for small leaves, folded prose)."""

from __future__ import annotations

from typing import Any

import yaml

WIDTH = 108  # longest line aimed at; PyYAML breaks text after the word passing width - 12
_FLOW_MAX = 96  # a flow collection longer than this goes block style
_BLOCK_KEYS = {"title", "description", "message", "summary", "x-kling-note"}


class _Flow(dict):  # type: ignore[type-arg]
    """A mapping written in flow style."""


class _FlowList(list):  # type: ignore[type-arg]
    """A sequence written in flow style."""


class _Folded(str):
    """A string written as a folded block scalar."""

    __slots__ = ()


class _Dumper(yaml.SafeDumper):
    """SafeDumper that keeps key order and knows the style markers."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # lists indented under their key

    def choose_scalar_style(self) -> str | None:
        style: str | None = super().choose_scalar_style()
        plain_quotes = style == "'" and '"' not in str(getattr(self.event, "value", ""))
        return '"' if plain_quotes else style  # quote like spec/ does


def _flow_map(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _flow_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _folded(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=">")


def _block_map(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)


_Dumper.add_representer(_Flow, _flow_map)
_Dumper.add_representer(_FlowList, _flow_list)
_Dumper.add_representer(_Folded, _folded)
_Dumper.add_representer(dict, _block_map)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _flat_len(value: Any) -> int:
    return len(yaml.dump(value, Dumper=yaml.SafeDumper, default_flow_style=True, width=10**6))


def _styled(value: Any, indent: int = 0, column: int = 0) -> Any:
    """Wrap `value` in the style markers: `indent` of its block lines, `column` where a scalar starts."""
    if isinstance(value, dict):
        small = all(_scalar(v) or _flat_len(v) <= _FLOW_MAX for v in value.values())
        if small and not _BLOCK_KEYS & set(value) and column + _flat_len(value) <= WIDTH:
            return _Flow(value)
        return {str(k): _styled(v, indent + 2, indent + len(str(k)) + 2) for k, v in value.items()}
    if isinstance(value, list):
        if all(_scalar(v) for v in value) and column + _flat_len(value) <= WIDTH:
            return _FlowList(value)
        return [_styled(v, indent + 2, indent + 2) for v in value]
    if isinstance(value, str) and "\n" not in value and column + len(value) > WIDTH:
        return _Folded(value)
    return value


def dump(data: dict[str, Any]) -> str:
    """YAML text of `data` in the house style."""
    text: str = yaml.dump(
        _styled(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=WIDTH - 12
    )
    return text
