"""`kling list` and `kling describe`: the registry and the spec as rich tables on stdout."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..endpoints import EndpointInfo, endpoints
from ..pricing import pricing
from ..rules import spec_data
from . import short
from ._flag import Flag


def list_table(model: str | None, removed: bool) -> Table:
    """One row per endpoint (of one model family; removed ones only when asked)."""
    table = Table(
        "endpoint", "status", "title", title="Kling endpoints on fal", title_justify="left"
    )
    table.columns[0].no_wrap = True
    for info in endpoints().values():
        if (model and info.model != model) or (info.status == "removed" and not removed):
            continue
        _row(table, short(info.endpoint_id), info.status, info.title)
    return table


def _row(table: Table, *cells: str) -> None:
    """A row of plain text (brackets in the spec's prose are not markup)."""
    table.add_row(*(Text(cell) for cell in cells))


def show_endpoint(console: Console, info: EndpointInfo, flags: tuple[Flag, ...]) -> None:
    """Summary, one row per flag (type, default, choices, limits), the rules and the price."""
    console.print(
        Text.assemble(
            (info.endpoint_id, "bold"), f"  [{info.status}, confidence {info.confidence}]"
        )
    )
    console.print(Text(f"{info.title}: {info.summary}"))
    fields = Table("flag", "type", "description", title="request fields", title_justify="left")
    fields.columns[0].no_wrap = True
    for flag in flags:
        text = flag.describe()
        if flag.choices:
            text += f"\nchoices: {', '.join(flag.choices)}"
        _row(fields, flag.option, flag.type_name, text)
    console.print(fields)
    rules = spec_data().rules.get(info.input_model, ())
    if rules:
        table = Table("rule", "message", title="rules across fields", title_justify="left")
        table.columns[0].no_wrap = True
        for rule in rules:
            _row(table, rule.id, rule.message)
        console.print(table)
    show_price(console, info.endpoint_id)


def show_price(console: Console, endpoint_id: str) -> None:
    """The spec's list price: one row per case, with its confidence and source."""
    found = pricing(endpoint_id)
    title = f"list price (confidence {found.confidence})"
    table = Table("case", "price", title=title, title_justify="left")
    for case, price in found.price.cases():
        _row(table, case, price)
    console.print(table)
    if found.source:
        console.print(Text(f"price source: {found.source}"))


def show_downloads(console: Console, downloads: tuple[str, ...]) -> None:
    """Which response fields `--out` saves (the first one present)."""
    if downloads:
        console.print(f"--out saves the result's {' or '.join(downloads)} file", markup=False)
    else:
        console.print("the result has no file: --out is refused", markup=False)
