"""Write spec data as YAML in the house style of spec/ (flow style for small leaves, folded prose),
or into an existing file keeping its layout and comments wherever the data did not change."""

from __future__ import annotations

import io
import json
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

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


_Measure = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml (6x faster): only a length


def _flat_len(value: Any) -> int:
    return len(yaml.dump(value, Dumper=_Measure, default_flow_style=True, width=10**6))


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


def _round_trip() -> YAML:
    """ruamel.yaml set up to reproduce spec/ files byte for byte (a test keeps it so)."""
    rt = YAML()
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 10**6  # never rewrap: lines keep their breaks, new folded text its house-style folds
    rt.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return rt


def _same(old: Any, new: Any) -> bool:
    """Equal as data: 1, 1.0, True and "1" all differ."""
    return _as_json(old) == _as_json(new)


def _as_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _merge(old: Any, new: Any) -> Any:
    """`new` as a node of the old tree: equal parts stay the old nodes, changed ones are `new`'s."""
    if isinstance(old, CommentedMap) and isinstance(new, CommentedMap):
        for key in [k for k in old if k not in new]:
            del old[key]
        at = -1
        for key, value in new.items():
            if key in old:
                old[key] = _merge(old[key], value)
                at = list(old).index(key)
            else:
                at += 1
                old.insert(at, key, value)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, CommentedSeq):
        if len(old) == len(new):
            for index, value in enumerate(new):
                old[index] = _merge(old[index], value)
            return old
        unused = list(old)
        items = []
        for value in new:
            kept = next((item for item in unused if _same(item, value)), None)
            if kept is not None:
                unused.remove(kept)
            items.append(value if kept is None else kept)
        del old[:]
        old.extend(items)
        return old
    return old if _same(old, new) else new


def update(text: str, data: dict[str, Any]) -> str:
    """`text` (YAML) changed to hold `data`: only what differs is rewritten, in the house style."""
    rt = _round_trip()
    merged = _merge(rt.load(text), rt.load(dump(data)))
    out = io.StringIO()
    rt.dump(merged, out)
    return out.getvalue()
