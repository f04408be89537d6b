# Vendored from generator/runtime/client/_fal.py by klinggen; edit that file, not this copy.
"""The fal_client seam: client construction, per-instance routing, error and status mapping.

Imported on the first network call only. Against the real service the stock
``fal_client.SyncClient`` / ``AsyncClient`` are used unchanged. With ``emulator=`` or
``transport=`` a subclass builds its httpx clients on a routing transport that sends every
request for a fal host (``*.fal.run``, ``*.fal.ai``, ``*.fal.media``) to the emulator, so the
routing is per client instance, not process-wide like fal_client's module URL constants.
This overrides fal_client 1.0.x internals (``_client``, ``_token_manager``,
``_get_cdn_client`` / ``_cdn_client``); tests pin them.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

import fal_client
import httpx
from asyncstdlib import cached_property as async_cached_property
from fal_client.auth import AuthCredentials, MissingCredentialsError
from fal_client.client import (
    USER_AGENT,
    AsyncCDNTokenManager,
    CDNToken,
    CDNTokenManager,
    FalClientHTTPError,
    FalClientTimeoutError,
)

from ._types import Completed, InProgress, JobHandle, JobStatus, LogEntry, Queued
from .errors import (
    KlingAPIError,
    KlingAuthenticationError,
    KlingConnectionError,
    KlingTimeoutError,
    from_response,
    redact,
)

FAL_HOST_SUFFIXES = ("fal.run", "fal.ai", "fal.media", "falrun.com")


class _Route:
    """Rewrites the scheme, host and port of requests to fal hosts to ``base``."""

    def __init__(self, base: str | None) -> None:
        self.base = httpx.URL(base) if base else None

    def apply(self, request: httpx.Request) -> httpx.Request:
        host = request.url.host
        if self.base is None or not any(
            host == s or host.endswith("." + s) for s in FAL_HOST_SUFFIXES
        ):
            return request
        request.url = request.url.copy_with(
            scheme=self.base.scheme, host=self.base.host, port=self.base.port
        )
        request.headers["Host"] = request.url.netloc.decode("ascii")
        return request


class RouteTransport(httpx.BaseTransport):
    """Sync routing transport shared by every httpx client fal_client builds; ``close`` is a
    no-op (fal_client closes some of them), ``shutdown`` closes a pool it created itself."""

    def __init__(self, base: str | None, inner: httpx.BaseTransport | None) -> None:
        self.route, self.inner, self.owned = _Route(base), inner or httpx.HTTPTransport(), not inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.inner.handle_request(self.route.apply(request))

    def close(self) -> None:
        """Kept open for the other clients sharing it."""

    def shutdown(self) -> None:
        """Close the connection pool unless the caller supplied it."""
        if self.owned:
            self.inner.close()


class AsyncRouteTransport(httpx.AsyncBaseTransport):
    """Async counterpart of RouteTransport."""

    def __init__(self, base: str | None, inner: httpx.AsyncBaseTransport | None) -> None:
        self.route = _Route(base)
        self.inner, self.owned = inner or httpx.AsyncHTTPTransport(), not inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(self.route.apply(request))

    async def aclose(self) -> None:
        """Kept open for the other clients sharing it."""

    async def shutdown(self) -> None:
        """Close the connection pool unless the caller supplied it."""
        if self.owned:
            await self.inner.aclose()


def _token(data: Mapping[str, Any]) -> CDNToken:
    return CDNToken(
        token=data["token"],
        token_type=data["token_type"],
        base_upload_url=data["base_url"],
        expires_at=datetime.fromisoformat(data["expires_at"]),
    )


class _Tokens(CDNTokenManager):
    def __init__(self, auth: AuthCredentials, transport: httpx.BaseTransport) -> None:
        super().__init__(auth)
        self._transport = transport

    def _refresh_token(self) -> CDNToken:
        with httpx.Client(transport=self._transport) as client:
            response = client.post(self._url, headers=self._headers, json={})
            response.raise_for_status()
            return _token(response.json())


class _AsyncTokens(AsyncCDNTokenManager):
    def __init__(self, auth: AuthCredentials, transport: httpx.AsyncBaseTransport) -> None:
        super().__init__(auth)
        self._transport = transport

    async def _refresh_token(self) -> CDNToken:
        async with httpx.AsyncClient(transport=self._transport) as client:
            response = await client.post(self._url, headers=self._headers, json={})
            response.raise_for_status()
            return _token(response.json())


@dataclass(frozen=True)
class RoutedSyncClient(fal_client.SyncClient):
    """fal_client.SyncClient whose every HTTP request goes through ``transport``."""

    transport: httpx.BaseTransport = field(
        default_factory=httpx.HTTPTransport, repr=False, compare=False
    )

    @cached_property
    def _client(self) -> httpx.Client:
        headers = {"Authorization": self._auth.header_value, "User-Agent": USER_AGENT}
        return httpx.Client(
            transport=self.transport,
            headers=headers,
            timeout=self.default_timeout,
            follow_redirects=True,
        )

    @cached_property
    def _token_manager(self) -> CDNTokenManager:
        return _Tokens(self._auth, self.transport)

    def _get_cdn_client(self) -> httpx.Client:
        token = self._token_manager.get_token()
        headers = {"Authorization": f"{token.token_type} {token.token}", "User-Agent": USER_AGENT}
        return httpx.Client(transport=self.transport, headers=headers, timeout=self.default_timeout)


@dataclass(unsafe_hash=True)
class RoutedAsyncClient(fal_client.AsyncClient):
    """fal_client.AsyncClient whose every HTTP request goes through ``transport``."""

    transport: httpx.AsyncBaseTransport = field(
        default_factory=httpx.AsyncHTTPTransport, repr=False, compare=False
    )

    @async_cached_property(asyncio.Lock)
    async def _client(self) -> httpx.AsyncClient:
        auth = await self._auth
        headers = {"Authorization": auth.header_value, "User-Agent": USER_AGENT}
        return httpx.AsyncClient(
            transport=self.transport, headers=headers, timeout=self.default_timeout
        )

    @async_cached_property(asyncio.Lock)
    async def _token_manager(self) -> AsyncCDNTokenManager:
        return _AsyncTokens(await self._auth, self.transport)

    @asynccontextmanager
    async def _cdn_client(self) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(
            transport=self.transport,
            headers={"User-Agent": USER_AGENT},
            timeout=self.default_timeout,
        ) as client:
            yield client


def sync_client(
    key: str | None, timeout: float, emulator: str | None, transport: Any
) -> fal_client.SyncClient:
    """The fal_client to use: stock for fal.ai, routed for an emulator or custom transport."""
    if emulator is None and transport is None:
        return fal_client.SyncClient(key=key, default_timeout=timeout)
    routed = RouteTransport(emulator, transport)
    return RoutedSyncClient(key=key, default_timeout=timeout, transport=routed)


def async_client(
    key: str | None, timeout: float, emulator: str | None, transport: Any
) -> fal_client.AsyncClient:
    """Async counterpart of `sync_client`."""
    if emulator is None and transport is None:
        return fal_client.AsyncClient(key=key, default_timeout=timeout)
    routed = AsyncRouteTransport(emulator, transport)
    return RoutedAsyncClient(key=key, default_timeout=timeout, transport=routed)


def download_transport(emulator: str | None, transport: Any, is_async: bool) -> Any:
    """A routing transport for media downloads (no credentials are sent with these), or None.

    The caller calls its ``shutdown`` when done."""
    if emulator is None and transport is None:
        return None
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
