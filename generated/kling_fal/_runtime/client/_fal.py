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

from . import _tls
from ._stream import EVENT_STREAM, Events, StreamRefused, Wait, check_answer, parse_logs, stream_url
from ._types import Completed, InProgress, JobHandle, JobStatus, Queued
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


UNCAPPED = httpx.Limits(max_connections=None, max_keepalive_connections=20)
"""No cap on connections (a status stream holds one per wait); idle ones beyond 20 are closed
(httpcore scans them per request)."""


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
        limits=UNCAPPED,
        timeout=timeout,
        verify=_tls.context(),
    )
    return client, route


STREAM_FAILURES = (httpx.HTTPError, StreamRefused, ValueError, KeyError, TypeError)
"""What ends a stream attempt: transport errors, a refused stream, a malformed event."""
ACCEPT = {"accept": EVENT_STREAM}


def streamed(
    client: httpx.Client, handle: fal_client.SyncRequestHandle, wait: Wait, logs: bool
) -> Generator[JobStatus, None, None]:
    """The statuses one status stream of `handle` sends (on a `stream_client`); a failure ends
    them, noted in `wait`."""
    params, limits = {"logs": "1" if logs else "0"}, _stream_timeout(wait, client)
    url = stream_url(handle.status_url)
    try:
        with client.stream("GET", url, params=params, headers=ACCEPT, timeout=limits) as answer:
            check_answer(answer.status_code, answer.headers.get("content-type", ""))
            events = Events()
            for line in answer.iter_lines():
                data = events.feed(line)
                if data is not None:
                    yield wait.parse(data)
    except STREAM_FAILURES as exc:
        wait.failed(exc)


async def astreamed(
    client: httpx.AsyncClient, handle: fal_client.AsyncRequestHandle, wait: Wait, logs: bool
) -> AsyncGenerator[JobStatus, None]:
    """Async counterpart of `streamed` (over a ``transport=`` of the caller's; ``_aio`` reads
    the streams on its own session)."""
    params, limits = {"logs": "1" if logs else "0"}, _stream_timeout(wait, client)
    url = stream_url(handle.status_url)
    try:
        async with client.stream(
            "GET", url, params=params, headers=ACCEPT, timeout=limits
        ) as answer:
            check_answer(answer.status_code, answer.headers.get("content-type", ""))
            async with contextlib.aclosing(astatuses(answer.aiter_lines(), wait)) as statuses:
                async for status in statuses:
                    yield status
    except STREAM_FAILURES as exc:
        wait.failed(exc)


async def astatuses(lines: AsyncIterator[str], wait: Wait) -> AsyncGenerator[JobStatus, None]:
    """The statuses in a status stream's `lines`. Once the caller has COMPLETED, the rest of the
    stream is read (`_drained`)."""
    events = Events()
    async for line in lines:
        data = events.feed(line)
        if data is None:
            continue
        status = wait.parse(data)
        if not isinstance(status, Completed):
            yield status
            continue
        try:
            yield status  # the caller learns of it first
        finally:
            await _drained(lines)
        return


DRAIN = 1.0
"""Seconds a stream is read on after COMPLETED, until fal ends it."""


async def _drained(lines: AsyncIterator[str]) -> None:
    """Read the stream to its end (fal ends it after COMPLETED, at once): its connection then
    goes back to the pool, and the result request reuses it instead of opening one (at 500
    concurrent jobs that halves the completion burst, bench/README.md). Given up after `DRAIN`
    seconds: the connection is then closed with the stream."""

    async def rest() -> None:
        async for _ in lines:
            pass

    with contextlib.suppress(asyncio.TimeoutError, *STREAM_FAILURES):
        await asyncio.wait_for(rest(), DRAIN)


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
    logs = parse_logs(getattr(status, "logs", None) or ())
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
