# Vendored from generator/runtime/client/_routed.py by klinggen; edit that file, not this copy.
"""Routing all of a fal_client's HTTP traffic through one httpx transport (``emulator=``,
``transport=``): the only code that relies on fal_client internals.

fal_client 1.0.x offers no public way to do this per client: ``SyncClient`` / ``AsyncClient``
take only ``key`` and ``default_timeout``; ``FAL_RUN_HOST`` / ``FAL_QUEUE_RUN_HOST`` are read once,
at import, for the whole process; the storage hosts (``rest.fal.ai`` for CDN tokens,
``v3.fal.media`` for uploads) are module constants; the CDN token managers open their own httpx
clients. So the subclasses below override the private members that build httpx clients
(``_client``, ``_token_manager`` and its ``_refresh_token``, ``_get_cdn_client`` /
``_cdn_client``) to build them on a routing transport that sends every request for a fal host
(``*.fal.run``, ``*.fal.ai``, ``*.fal.media``) to the emulator. Hence the package's
``fal-client<1.1``; tests/test_client_*.py exercise every overridden member.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import fal_client
import httpx
from asyncstdlib import cached_property as async_cached_property
from fal_client.auth import AuthCredentials
from fal_client.client import USER_AGENT, AsyncCDNTokenManager, CDNToken, CDNTokenManager

from . import _tls
from ._fal import UNCAPPED

FAL_HOST_SUFFIXES = ("fal.run", "fal.ai", "fal.media", "falrun.com")


class Route:
    """Rewrites the scheme, host and port of requests to fal hosts to ``base``."""

    def __init__(self, base: str | None) -> None:
        self.base = httpx.URL(base) if base else None

    def apply(self, request: httpx.Request) -> httpx.Request:
        routed = self._rewrite(request.url)
        if routed is not request.url:
            request.url = routed
            request.headers["Host"] = routed.netloc.decode("ascii")
        return request

    def url(self, url: str) -> str:
        """`url` itself, or rewritten to ``base`` when it is a fal host's."""
        if self.base is None or not _fal_host(urlsplit(url).hostname or ""):
            return url  # parsed with urllib: httpx.URL costs ~0.1 ms, per result fetch
        return str(self._rewrite(httpx.URL(url)))

    def _rewrite(self, url: httpx.URL) -> httpx.URL:
        if self.base is None or not _fal_host(url.host):
            return url
        return url.copy_with(scheme=self.base.scheme, host=self.base.host, port=self.base.port)


def _fal_host(host: str) -> bool:
    return any(host == s or host.endswith("." + s) for s in FAL_HOST_SUFFIXES)


class RouteTransport(httpx.BaseTransport):
    """Sync routing transport shared by every httpx client fal_client builds; ``close`` is a
    no-op (fal_client closes some of them), ``shutdown`` closes a pool it created itself."""

    def __init__(self, base: str | None, inner: httpx.BaseTransport | None) -> None:
        self.route, self.owned = Route(base), not inner
        self.inner = inner or httpx.HTTPTransport(limits=UNCAPPED, verify=_tls.context())

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
        self.route, self.owned = Route(base), not inner
        self.inner = inner or httpx.AsyncHTTPTransport(limits=UNCAPPED, verify=_tls.context())

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
