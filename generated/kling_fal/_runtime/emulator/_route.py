# Vendored from generator/runtime/emulator/_route.py by klinggen; edit that file, not this copy.
"""Where a request goes (its handler, the credential it needs, its fault operation); answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web

Operation = Literal["submit", "run", "status", "stream", "result", "cancel", "storage", "platform"]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Route:
    """A matched request: ``call`` answers it once ``auth`` holds and no fault was injected.

    ``auth``: ``"key"`` needs ``Authorization: Key <FAL_KEY>``; ``"token"`` needs a CDN token
    issued by ``/storage/auth/token``; ``None`` is public.
    """

    call: Handler
    operation: Operation | None = None
    auth: Literal["key", "token"] | None = None


def answer(response: web.StreamResponse) -> Handler:
    """A handler always giving `response` (built once, so only for a route used once)."""

    async def call(request: web.Request) -> web.StreamResponse:
        return response

    return call


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response (499 is fal's "Client Closed Request")."""
    reason = "Client Closed Request" if status == 499 else None
    return web.json_response(data, status=status, reason=reason, headers=headers)


def param(request: web.Request, name: str) -> str | None:
    """The last value of query parameter `name`, if given."""
    values = request.query.getall(name, [])
    return values[-1] if values else None
