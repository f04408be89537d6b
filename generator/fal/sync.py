"""`klinggen sync`: compare spec/ with what fal's Platform API lists, documents and prices.

fal's search lists the Kling ids; each listed id's OpenAPI document goes through the importer
(`klinggen import`: `--check` by default, written with `write=True`); fal's list prices are set
beside the spec's `x-kling-endpoint.pricing` rates. Ids gone from fal are reported, never
removed: an endpoint's removal is ours to record (`status: removed`, its notes).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.fal.importer import ImportResult, import_documents
from generator.fal.platform import FalPrice, PlatformClient
from generator.frontend.assemble import ENDPOINT_PREFIX, assemble
from generator.frontend.load import load_dir
from generator.history.report import text_report

SEARCH = "kling-video"


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What differs between fal and the spec (and, written, what the import changed)."""

    listed: tuple[str, ...]  # Kling ids fal lists
    added: tuple[str, ...]  # listed, not in the spec
    gone: tuple[str, ...]  # active in the spec, not listed
    deprecated: tuple[str, ...]  # active in the spec, deprecated on fal
    listed_removed: tuple[str, ...]  # removed in the spec, still listed
    failed: tuple[str, ...]  # "id: why" for a listed id without a document
    schemas: ImportResult | None  # None when no document came
    prices: tuple[str, ...]  # one line per price that is not the spec's
    notes: tuple[str, ...]

    @property
    def differs(self) -> bool:
        """Anything to apply or look at (documents that failed are reported, not counted)."""
        changes = self.schemas.report.changes if self.schemas else ()
        ids = self.added or self.gone or self.deprecated or self.listed_removed
        return bool(ids or changes or self.prices)


def _usd_values(node: Any) -> Iterator[float]:
    """Every `usd` amount inside a pricing extension, however its kind nests them."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "usd" and isinstance(value, int | float):
                yield float(value)
            else:
                yield from _usd_values(value)
    elif isinstance(node, list):
        for item in node:
            yield from _usd_values(item)


def price_lines(fal: dict[str, FalPrice], spec: dict[str, Any]) -> list[str]:
    """A line for each fal price the spec lacks: `spec` maps id -> its pricing extension (or None).

    fal lists one unit price; it agrees when it is one of the spec's USD rates."""
    lines = []
    for endpoint_id, price in sorted(fal.items()):
        listed = f"fal lists {price.unit_price:g} {price.currency}/{price.unit}"
        rates = sorted(set(_usd_values(spec.get(endpoint_id))))
        if not rates:
            lines.append(f"{endpoint_id}: {listed}; no price in spec")
        elif price.currency != "USD" or price.unit_price not in rates:
            shown = ", ".join(f"{r:g}" for r in rates)
            lines.append(f"{endpoint_id}: {listed}; spec rates {shown} USD")
    return lines


def _document_problem(openapi: Any) -> str | None:
    """Why fal's `openapi` entry is not a document, or None when it is one."""
    if openapi is None:
        return "no openapi in fal's answer"
    if not isinstance(openapi, dict):
        return f"openapi is a {type(openapi).__name__}, not a document"
    error = openapi.get("error")
    if isinstance(error, dict):
        return f"{error.get('code', 'error')}: {error.get('message', '')}".rstrip(": ")
    return None


def _save(documents: dict[str, Any], directory: Path) -> list[Path]:
    """Write each document as <id path with dashes>.json (the importer reads files)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for endpoint_id, document in sorted(documents.items()):
        name = endpoint_id.removeprefix(ENDPOINT_PREFIX).replace("/", "-")
        path = directory / f"{name}.json"
        path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def sync(
    spec_dir: Path,
    client: PlatformClient,
    *,
    write: bool,
    category: str | None = None,
    save: Path | None = None,
) -> SyncReport:
    """Compare `spec_dir` with fal (and with `write`, import fal's documents into it);
    `save` keeps the fetched documents there."""
    spec = {loc.data["id"]: loc.data for loc in assemble(load_dir(spec_dir)).endpoints}
    statuses = client.statuses(SEARCH, category)
    listed = [i for i in statuses if i.startswith(ENDPOINT_PREFIX)]
    active = {i for i, meta in spec.items() if meta.get("status") != "removed"}
    in_scope = {i for i in active if category in (None, spec[i].get("category"))}
    documents, failed = {}, []
    for endpoint_id, openapi in client.documents(listed).items():
        problem = _document_problem(openapi)
        if problem:
            failed.append(f"{endpoint_id}: {problem}")
        else:
            documents[endpoint_id] = openapi
    notes = []
    if client.has_key:  # every call before anything is written
        fal_prices = client.prices(listed)
        prices = price_lines(fal_prices, {i: spec.get(i, {}).get("pricing") for i in fal_prices})
    else:
        prices = []
        notes.append("prices not compared: /models/pricing needs a key (set FAL_KEY)")
    with tempfile.TemporaryDirectory(prefix="klinggen-sync-") as tmp:
        paths = _save(documents, save or Path(tmp))
        schemas = import_documents(paths, spec_dir, write=write) if paths else None
    return SyncReport(
        listed=tuple(listed),
        added=tuple(i for i in listed if i not in spec),
        gone=tuple(sorted(in_scope - set(listed))),
        deprecated=tuple(i for i in listed if i in active and statuses[i] == "deprecated"),
        listed_removed=tuple(i for i in listed if i in spec and i not in active),
        failed=tuple(failed),
        schemas=schemas,
        prices=tuple(prices),
        notes=tuple(notes) + (schemas.notes if schemas else ()),
    )


def render(report: SyncReport) -> str:
    """The report as text: ids added and gone, documents missing, schema changes, prices."""
    out = [f"fal lists {len(report.listed)} Kling endpoint(s)\n"]
    for title, lines in (
        ("new on fal", report.added),
        ("not listed by fal (active in the spec; set `status: removed` by hand)", report.gone),
        ("deprecated on fal (active in the spec)", report.deprecated),
        ("listed by fal (removed in the spec)", report.listed_removed),
        ("no document", report.failed),
        ("prices", report.prices),
    ):
        if lines:
            out.append(f"{title} ({len(lines)}):\n" + "".join(f"  {line}\n" for line in lines))
    if report.schemas is not None:
        out.append(text_report(report.schemas.report))
    return "".join(out)
