# Vendored from generator/runtime/client/_fal.py by klinggen; edit that file, not this copy.
"""The fal_client seam: client construction, error and status mapping.

Imported on the first network call only. Against the real service the stock
``fal_client.SyncClient`` / ``AsyncClient`` are used unchanged, through fal_client's public
API; with ``emulator=`` or ``transport=`` the routed subclasses of ``_routed`` are.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncGenerator, AsyncIterator, Generator
from typing import Any, TypeVar

import fal_client
import httpx
from fal_client import FalClientHTTPError, FalClientTimeoutError
from fal_client.auth import MissingCredentialsError
from httpx_sse import ServerSentEvent, SSEError, aconnect_sse, connect_sse

from . import _tls
from ._stream import Wait, stream_url
from ._types import Completed, InProgress, JobHandle, JobStatus, LogEntry, Queued
from .errors import (
    KlingAPIError,
    KlingAuthenticationError,
    KlingConnectionError,
    KlingTimeoutError,
    from_response,
    redact,
)


def sync_client(
    key: str | None, timeout: float, emulator: str | None, transport: Any
) -> fal_client.SyncClient:
    """The fal_client to use: stock for fal.ai, routed for an emulator or custom transport."""
    if emulator is None and transport is None:
        return fal_client.SyncClient(key=key, default_timeout=timeout)
    from ._routed import RoutedSyncClient, RouteTransport

    routed = RouteTransport(emulator, transport)
    return RoutedSyncClient(key=key, default_timeout=timeout, transport=routed)


def async_client(
    key: str | None, timeout: float, emulator: str | None, transport: Any
) -> fal_client.AsyncClient:
    """Async counterpart of `sync_client`."""
    if emulator is None and transport is None:
        return fal_client.AsyncClient(key=key, default_timeout=timeout)
    from ._routed import AsyncRouteTransport, RoutedAsyncClient

    routed = AsyncRouteTransport(emulator, transport)
    return RoutedAsyncClient(key=key, default_timeout=timeout, transport=routed)


def download_transport(emulator: str | None, transport: Any, is_async: bool) -> Any:
    """A routing transport with a pool of its own (media downloads, status streams), or None.

    The caller calls its ``shutdown`` when done."""
    if emulator is None and transport is None:
        return None
    from ._routed import AsyncRouteTransport, RouteTransport

    if is_async:
        return AsyncRouteTransport(emulator, transport)
    return RouteTransport(emulator, transport)


_H = TypeVar("_H", fal_client.SyncRequestHandle, fal_client.AsyncRequestHandle)


def with_urls(base: _H, handle: JobHandle[Any]) -> _H:
    """fal_client's handle for a request, with the URLs fal returned at submit when known."""
    return dataclasses.replace(
        base,
        status_url=handle.status_url or base.status_url,
        response_url=handle.response_url or base.response_url,
        cancel_url=handle.cancel_url or base.cancel_url,
    )


def fetch(handle: fal_client.SyncRequestHandle) -> Any:
    """The output of a completed request: one GET of its response URL on fal_client's HTTP
    client (``handle.get()`` would first poll the status again)."""
    response = handle.client.get(handle.response_url)
    response.raise_for_status()
    return response.json()


async def afetch(client: httpx.AsyncClient, handle: fal_client.AsyncRequestHandle) -> Any:
    """Async counterpart of `fetch`, on the client of the status streams (`astream_client`:
    its headers are fal_client's)."""
    response = await client.get(handle.response_url)
    response.raise_for_status()
    return response.json()


_UNCAPPED = httpx.Limits(max_connections=None, max_keepalive_connections=20)
"""No cap on connections; idle ones beyond 20 are closed (httpcore scans them per request)."""


def stream_client(
    http: httpx.Client, emulator: str | None, transport: Any, timeout: float
) -> tuple[httpx.Client, Any]:
    """The HTTP client of status streams and its routing transport (or None; the caller calls
    its ``shutdown`` when done): the headers (auth) of fal_client's client `http`, the routing
    of the rest, and a pool of its own without fal_client's cap of 100 connections (an open
    stream holds one for the whole wait; httpcore looks at every pooled connection per request,
    so the streams stay out of the pool of the other calls)."""
    route = download_transport(emulator, transport, is_async=False)
    client = httpx.Client(
        headers=http.headers,
        transport=route,
        limits=_UNCAPPED,
        timeout=timeout,
        verify=_tls.context(),
    )
    return client, route


def astream_client(
    http: httpx.AsyncClient, emulator: str | None, transport: Any, timeout: float
) -> tuple[httpx.AsyncClient, Any]:
    """Async counterpart of `stream_client`, over aiohttp (``httpx_aiohttp``) unless a
    `transport` is given: hundreds of open streams cost httpcore's pool a scan of every
    connection per request, aiohttp's connector does not (bench/README.md, waiting rows)."""
    inner = transport if transport is not None else _aiohttp_transport()
    route: Any = None  # without one, the client closes `inner` itself
    if emulator is not None or transport is not None:
        from ._routed import AsyncRouteTransport

        route = AsyncRouteTransport(emulator, inner, owned=transport is None)
    client = httpx.AsyncClient(
        headers=http.headers, transport=route or inner, limits=_UNCAPPED, timeout=timeout
    )
    return client, route


def _aiohttp_transport() -> httpx.AsyncBaseTransport:
    """An httpx transport over one aiohttp session without a connection cap, made on first use
    (inside the running loop); TLS verification as httpx does it (certifi, ``SSL_CERT_FILE``)."""
    import aiohttp
    from httpx_aiohttp import AiohttpTransport

    tls = _tls.context()

    def session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, ssl=tls))

    return AiohttpTransport(client=session, verify=tls)  # not a context of its own


_STREAM_FAILURES = (httpx.HTTPError, SSEError, ValueError, KeyError, TypeError)
"""What ends a stream attempt: transport and HTTP errors, a non-SSE answer, a malformed event."""


def streamed(
    client: httpx.Client, handle: fal_client.SyncRequestHandle, wait: Wait, logs: bool
) -> Generator[JobStatus, None, None]:
    """The statuses one status stream of `handle` sends (on a `stream_client`); a failure ends
    them, noted in `wait`."""
    params, limits = {"logs": "1" if logs else "0"}, _stream_timeout(wait, client)
    try:
        with connect_sse(
            client, "GET", stream_url(handle.status_url), params=params, timeout=limits
        ) as source:
            source.response.raise_for_status()
            for event in source.iter_sse():
                if event.data:
                    yield wait.parse(event.data)
    except _STREAM_FAILURES as exc:
        _failed(wait, exc)


async def astreamed(
    client: httpx.AsyncClient, handle: fal_client.AsyncRequestHandle, wait: Wait, logs: bool
) -> AsyncGenerator[JobStatus, None]:
    """Async counterpart of `streamed`."""
    params, limits = {"logs": "1" if logs else "0"}, _stream_timeout(wait, client)
    try:
        async with aconnect_sse(
            client, "GET", stream_url(handle.status_url), params=params, timeout=limits
        ) as source:
            source.response.raise_for_status()
            events = source.aiter_sse()
            async for event in events:
                if event.data:
                    status = wait.parse(event.data)
                    if isinstance(status, Completed):
                        await _drained(events)
                    yield status
    except _STREAM_FAILURES as exc:
        _failed(wait, exc)


DRAIN = 1.0
"""Seconds a stream is read on after COMPLETED, until fal ends it."""


async def _drained(events: AsyncIterator[ServerSentEvent]) -> None:
    """Read the stream to its end (fal ends it after COMPLETED, at once): its connection then
    goes back to the pool, and the result request reuses it instead of opening one (at 500
    concurrent jobs that halves the completion burst, bench/README.md). Given up after `DRAIN`
    seconds: the connection is then closed with the stream."""

    async def rest() -> None:
        async for _ in events:
            pass

    with contextlib.suppress(asyncio.TimeoutError, *_STREAM_FAILURES):
        await asyncio.wait_for(rest(), DRAIN)


def _failed(wait: Wait, exc: Exception) -> None:
    wait.failed(exc, refused=isinstance(exc, (httpx.HTTPStatusError, SSEError)))


def _stream_timeout(wait: Wait, client: httpx.Client | httpx.AsyncClient) -> httpx.Timeout:
    """The client's timeouts, the read cut short by the deadline (a stream may be idle)."""
    t = client.timeout
    return httpx.Timeout(
        connect=t.connect, read=wait.read_timeout(t.read), write=t.write, pool=t.pool
    )


def to_status(request_id: str, status: fal_client.Status) -> JobStatus:
    """fal_client's status object as a typed status of this package."""
    if isinstance(status, fal_client.Queued):
        return Queued(request_id=request_id, position=int(status.position))
    logs = tuple(LogEntry.parse(entry) for entry in (getattr(status, "logs", None) or ()))
    if isinstance(status, fal_client.Completed):
        return Completed(
            request_id=request_id,
            logs=logs,
            metrics=dict(status.metrics or {}),
            error=status.error,
            error_type=status.error_type,
        )
    return InProgress(request_id=request_id, logs=logs)


def translate(
    exc: BaseException,
    *,
    secret: str | None,
    model: str = "",
    request_id: str | None = None,
    endpoint_id: str | None = None,
) -> KlingAPIError | None:
    """The typed error for an exception raised by fal_client or httpx; None if not one of them."""
    if isinstance(exc, KlingAPIError):
        return exc
    common: dict[str, Any] = {"request_id": request_id, "endpoint_id": endpoint_id}
    if isinstance(exc, FalClientHTTPError):
        try:
            body: Any = exc.response.json()
        except ValueError:
            body = exc.response.text
        return from_response(
            exc.status_code,
            body,
            model=model,
            headers=exc.response_headers,
            secret=secret,
            **common,
        )
    if isinstance(exc, httpx.HTTPStatusError):
        response = exc.response
        try:
            body = response.json()
        except ValueError:
            body = response.text
        return from_response(
            response.status_code,
            body,
            model=model,
            headers=dict(response.headers),
            secret=secret,
            **common,
        )
    if isinstance(exc, FalClientTimeoutError):
        return KlingTimeoutError(f"timed out after {exc.timeout} s", **common)
    if isinstance(exc, httpx.TimeoutException):
        return KlingTimeoutError(redact(f"HTTP timeout: {type(exc).__name__}", secret), **common)
    if isinstance(exc, httpx.TransportError):
        error = KlingConnectionError(
            redact(f"cannot reach fal: {type(exc).__name__}: {exc}", secret), **common
        )
        error.sent = not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
        return error
    if isinstance(exc, MissingCredentialsError):
        return KlingAuthenticationError("no fal credentials: set FAL_KEY or pass key=", **common)
    return None
