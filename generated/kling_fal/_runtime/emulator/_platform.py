# Vendored from generator/runtime/emulator/_platform.py by klinggen; edit that file, not this copy.
"""fal's Platform API (``/v1/models``, ``/v1/models/pricing``) over a catalog of models.

Shapes as fal documents them: pages of ``{models, next_cursor, has_more}`` with an opaque cursor
(base64 of the page number), ``expand=openapi-3.0`` adding each model's document (or
``{error: {code, message}}``), at most 50 ids a call, ``{error: {type, message}}`` errors.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

from ..endpoints import endpoints
from ._faults import FaultKind
from ._route import Route, json_response

PREFIX = "/v1/models"
MAX_IDS = 50
_EXPAND = "openapi-3.0"
_ERROR_TYPES = {
    400: "validation_error",
    401: "authorization_error",
    429: "rate_limited",
}


@dataclass(frozen=True, slots=True)
class PlatformModel:
    """One model of the emulated catalog.

    ``openapi``: its document as ``expand=openapi-3.0`` returns it (None: expansion fails with
    ``expansion_failed``); ``price``: ``(unit_price, unit, currency)`` for ``/models/pricing``.
    """

    endpoint_id: str
    category: str = ""
    status: Literal["active", "deprecated"] = "active"
    display_name: str = ""
    openapi: Mapping[str, Any] | None = None
    price: tuple[float, str, str] | None = None

    def item(self, expand: bool) -> dict[str, Any]:
        """The model as a ``/models`` page lists it."""
        metadata = {
            "display_name": self.display_name or self.endpoint_id,
            "category": self.category,
            "description": "",
            "status": self.status,
            "tags": [],
            "model_url": f"https://fal.run/{self.endpoint_id}",
        }
        found: dict[str, Any] = {"endpoint_id": self.endpoint_id, "metadata": metadata}
        if expand:
            failed = {"code": "expansion_failed", "message": "schema not available"}
            found["openapi"] = dict(self.openapi) if self.openapi else {"error": failed}
        return found


def registry_catalog(documents: Sequence[Mapping[str, Any]] = ()) -> list[PlatformModel]:
    """The active endpoints of the registry, with the fal `documents` naming them (by
    ``info.x-fal-metadata.endpointId``; one naming another id is listed too); the others have
    none (their expansion fails)."""
    by_id = {}
    for document in documents:
        meta = (document.get("info") or {}).get("x-fal-metadata") or {}
        by_id[str(meta.get("endpointId", ""))] = (str(meta.get("category", "")), document)
    found = [
        PlatformModel(
            info.endpoint_id,
            info.category,
            display_name=info.title,
            openapi=by_id.pop(info.endpoint_id, ("", None))[1],
        )
        for info in endpoints().values()
        if info.status == "active"
    ]
    extra = [PlatformModel(i, category, openapi=doc) for i, (category, doc) in by_id.items() if i]
    return sorted(found + extra, key=lambda model: model.endpoint_id)


@dataclass(frozen=True, slots=True)
class PlatformCall:
    """One Platform API call the emulator answered: path, query pairs, its Authorization."""

    path: str
    query: tuple[tuple[str, str], ...]
    authorization: str


def platform_error(
    status: int, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    """fal's Platform API error body."""
    kind = _ERROR_TYPES.get(status, "server_error")
    return json_response(status, {"error": {"type": kind, "message": message}}, headers)


def platform_fault(kind: FaultKind) -> web.Response:
    """An injected fault on a Platform call: 429 with ``Retry-After: 1``, else the status."""
    if kind == "429":
        return platform_error(429, "Rate limit exceeded", {"retry-after": "1"})
    status = 500 if kind == "422" else 504 if kind == "timeout" else int(kind)
    return platform_error(status, "An unexpected error occurred")


def _ids(request: web.Request) -> list[str]:
    """``endpoint_id`` values, repeated or comma-separated."""
    return [i for v in request.query.getall("endpoint_id", []) for i in v.split(",") if i]


@dataclass(slots=True)
class Platform:
    """Answers the Platform API for `catalog`, `page_size` models a page at most."""

    catalog: Sequence[PlatformModel]
    page_size: int = 50
    _calls: list[PlatformCall] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def calls(self) -> list[PlatformCall]:
        """Every call answered so far, oldest first."""
        with self._lock:
            return list(self._calls)

    def route(self, request: web.Request) -> Route | None:
        """The route of a Platform API call, or None when it is not one."""
        if request.method != "GET" or request.path not in (PREFIX, f"{PREFIX}/pricing"):
            return None
        return Route(self._answer, "platform")

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        authorization = request.headers.get("authorization", "")
        call = PlatformCall(request.path, tuple(request.query.items()), authorization)
        with self._lock:
            self._calls.append(call)
        ids = _ids(request)
        if len(ids) > MAX_IDS:
            return platform_error(400, f"At most {MAX_IDS} endpoint ids, got {len(ids)}")
        if request.path == PREFIX:
            return self._models(request, ids)
        if not authorization.startswith("Key ") or not authorization[4:].strip():
            return platform_error(401, "Authentication required")
        if not ids:
            return platform_error(400, "endpoint_id is required (1-50 endpoint ids)")
        prices = [
            {"endpoint_id": m.endpoint_id, "unit_price": p[0], "unit": p[1], "currency": p[2]}
            for m in self.catalog
            if m.endpoint_id in ids and (p := m.price) is not None
        ]
        return json_response(200, {"prices": prices, "next_cursor": None, "has_more": False})

    def _models(self, request: web.Request, ids: list[str]) -> web.StreamResponse:
        query = request.query.get("q", "").lower()
        category, status = request.query.get("category"), request.query.get("status")
        found = [
            m
            for m in self.catalog
            if (not ids or m.endpoint_id in ids)
            and query in f"{m.endpoint_id} {m.display_name}".lower()
            and category in (None, m.category)
            and status in (None, m.status)
        ]
        try:
            size = min(int(request.query.get("limit", self.page_size)), self.page_size)
            cursor = request.query.get("cursor")
            page = int(base64.b64decode(cursor, validate=True)) if cursor else 1
        except (ValueError, binascii.Error):
            return platform_error(400, "Invalid request parameters: limit or cursor")
        if size < 1 or page < 1:
            return platform_error(400, "Invalid request parameters: limit or cursor")
        expand = _EXPAND in request.query.getall("expand", [])
        items = [m.item(expand) for m in found[(page - 1) * size : page * size]]
        more = page * size < len(found)
        cursor = base64.b64encode(str(page + 1).encode()).decode() if more else None
        return json_response(200, {"models": items, "next_cursor": cursor, "has_more": more})
