# Vendored from generator/runtime/client/_aio.py by klinggen; edit that file, not this copy.
"""The async client's own connections: status streams and result fetches on one aiohttp session.

Hundreds of open status streams cost httpcore's pool a scan of every connection per request;
aiohttp's connector does not. Streams and result fetches use the session directly, without
httpx's request and response layers: in a burst of completions, the CPU each one costs delays
the next one's detection (bench/README.md, waiting rows). aiohttp's errors are raised as httpx's,
which ``_fal.translate`` maps. Over a ``transport=`` of the caller's, both go through httpx on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any

import aiohttp
import httpx

from . import _tls
from ._fal import ACCEPT, STREAM_FAILURES, UNCAPPED, astatuses, astreamed
from ._routed import AsyncRouteTransport, Route
from ._stream import Wait, check_answer, stream_url
from ._types import JobStatus

if TYPE_CHECKING:
    import fal_client


class Streams:
    """Status streams (`statuses`) and result fetches (`fetch`) with the headers (auth) of
    fal_client's client, its routing to the emulator, and a pool of their own: an aiohttp
    session, or httpx over a ``transport=`` of the caller's."""

    def __init__(
        self, headers: Mapping[str, str], emulator: str | None, transport: Any, timeout: float
    ) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._headers, self._timeout = dict(headers), httpx.Timeout(timeout)
        self._route = Route(emulator)
        self._routed = self._http = None
        if transport is not None:
            self._routed = AsyncRouteTransport(emulator, transport)
            self._http = httpx.AsyncClient(
                headers=headers, transport=self._routed, limits=UNCAPPED, timeout=timeout
            )

    def _open(self) -> aiohttp.ClientSession:
        """The session without a connection cap, made on first use (inside the running loop);
        TLS verification as httpx does it (certifi, ``SSL_CERT_FILE``)."""
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=0, ssl=_tls.context())
            self._session = aiohttp.ClientSession(connector=connector)
        return self._session

    def statuses(
        self, handle: fal_client.AsyncRequestHandle, wait: Wait, logs: bool
    ) -> AsyncGenerator[JobStatus, None]:
        """The statuses one status stream of `handle` sends; a failure ends them, noted in
        `wait`."""
        if self._http is not None:
            return astreamed(self._http, handle, wait, logs)
        return self._statuses(handle, wait, logs)

    async def _statuses(
        self, handle: fal_client.AsyncRequestHandle, wait: Wait, logs: bool
    ) -> AsyncGenerator[JobStatus, None]:
        url = self._route.url(stream_url(handle.status_url))
        limits = self._limits(wait.read_timeout(self._timeout.read))
        params, headers = {"logs": "1" if logs else "0"}, {**self._headers, **ACCEPT}
        try:
            async with self._open().get(
                url, params=params, headers=headers, timeout=limits, allow_redirects=False
            ) as answer:
                check_answer(answer.status, answer.headers.get("content-type", ""))
                lines = _lines(answer.content, url)
                async with contextlib.aclosing(astatuses(lines, wait)) as statuses:
                    async for status in statuses:
                        yield status
        except (*STREAM_FAILURES, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            wait.failed(exc)

    async def fetch(self, url: str) -> Any:
        """The JSON body of a GET of `url` (a result); raises httpx's errors, as the streams do."""
        if self._http is not None:
            response = await self._http.get(url)
            response.raise_for_status()
            return response.json()
        url = self._route.url(url)
        limits = self._limits(self._timeout.read)
        try:
            async with self._open().get(
                url, headers=self._headers, timeout=limits, allow_redirects=False
            ) as answer:
                status, headers, body = answer.status, answer.raw_headers, await answer.read()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise _as_httpx(exc, url) from exc
        if not 200 <= status < 300:
            request = httpx.Request("GET", url)
            response = httpx.Response(status, headers=headers, content=body, request=request)
            raise httpx.HTTPStatusError(
                f"HTTP {status} from {url}", request=request, response=response
            )
        return json.loads(body)

    def _limits(self, read: float | None) -> aiohttp.ClientTimeout:
        """The client's timeouts in aiohttp's terms, with `read` for the socket reads."""
        t = self._timeout
        return aiohttp.ClientTimeout(sock_connect=t.connect, sock_read=read, connect=t.pool)

    async def aclose(self) -> None:
        """Close the connections (a caller's transport is left open)."""
        if self._http is not None and self._routed is not None:
            await self._http.aclose()
            await self._routed.shutdown()
        if self._session is not None:
            await self._session.close()


async def _lines(content: aiohttp.StreamReader, url: str) -> AsyncIterator[str]:
    """The lines of a body as it arrives (any length: aiohttp's readline caps them at 128 KiB),
    aiohttp's errors raised as httpx's."""
    rest = b""
    try:
        async for chunk in content.iter_any():
            *lines, rest = (rest + chunk).split(b"\n")
            for line in lines:
                yield line.removesuffix(b"\r").decode()
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        raise _as_httpx(exc, url) from exc
    if rest:
        yield rest.decode()


def _as_httpx(exc: BaseException, url: str) -> httpx.TransportError:
    """The httpx error that means what aiohttp's `exc` does (``translate`` maps httpx's)."""
    request = httpx.Request("GET", url)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):  # nothing was sent
        return httpx.ConnectTimeout(str(exc) or "connect timed out", request=request)
    if isinstance(exc, (aiohttp.ServerTimeoutError, asyncio.TimeoutError)):
        return httpx.ReadTimeout(str(exc) or "read timed out", request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):  # nothing was sent
        return httpx.ConnectError(str(exc), request=request)
    return httpx.ReadError(str(exc) or type(exc).__name__, request=request)
