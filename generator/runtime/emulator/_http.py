"""A small asyncio HTTP/1.1 server: keep-alive, Content-Length and chunked bodies, HEAD, streams."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

logger = logging.getLogger("kling_fal.emulator")

MAX_BODY = 128 * 1024 * 1024  # fal_client sends at most 100 MiB in one request
_HEAD_LIMIT = 64 * 1024
_IDLE_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Request:
    """One parsed request; header names are lower-case, ``path`` is percent-decoded."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    keep_alive: bool = True

    def param(self, name: str) -> str | None:
        """The last value of query parameter `name`, if given."""
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass(slots=True)
class Response:
    """A response; ``stream`` (if set) is sent instead of ``body`` and closes the connection."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: AsyncIterator[bytes] | None = None


Handler = Callable[[Request], Awaitable[Response]]


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
    """A JSON response."""
    body = json.dumps(data).encode()
    return Response(status, body, {"content-type": "application/json", **(headers or {})})


class BadRequest(Exception):
    """The bytes on the wire are not a request this server accepts."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


class HttpServer:
    """Serves `handler` on a bound socket; ``close`` ends every open connection."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, sock: socket.socket, ssl_context: ssl.SSLContext | None) -> None:
        """Start accepting connections on `sock`."""
        self._server = await asyncio.start_server(
            self._connection, sock=sock, ssl=ssl_context, limit=_HEAD_LIMIT
        )

    async def close(self) -> None:
        """Stop accepting, cancel the open connections and wait for them."""
        if self._server is not None:
            self._server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while await self._exchange(reader, writer):
                pass
        except (
            asyncio.CancelledError,
            asyncio.TimeoutError,
            ConnectionError,
            ssl.SSLError,
            OSError,
        ):
            pass  # closed, idle or stopping: the connection just ends
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _exchange(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; whether the connection stays open."""
        try:
            request = await asyncio.wait_for(_read_request(reader, writer), _IDLE_SECONDS)
        except BadRequest as exc:
            await _write(writer, "GET", json_response(exc.status, {"detail": str(exc)}), False)
            return False
        if request is None:
            return False
        try:
            response = await self._handler(request)
        except Exception:
            logger.exception("emulator error on %s %s", request.method, request.path)
            response = json_response(500, {"detail": "emulator error"})
        keep_alive = request.keep_alive and response.stream is None
        await _write(writer, request.method, response, keep_alive)
        return keep_alive


async def _read_request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise BadRequest(400, "incomplete request") from None
        return None
    except asyncio.LimitOverrunError:
        raise BadRequest(431, "request head too large") from None
    start, *lines = head.decode("latin-1").split("\r\n")
    parts = start.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(400, "malformed request line")
    headers: dict[str, str] = {}
    for line in filter(None, lines):
        name, sep, value = line.partition(":")
        if not sep:
            raise BadRequest(400, "malformed header")
        headers[name.strip().lower()] = value.strip()
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if parts[2] == "HTTP/1.1" else connection == "keep-alive"
    if headers.get("expect", "").lower() == "100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    target = urlsplit(parts[1])
    return Request(
        method=parts[0].upper(),
        path=unquote(target.path),
        query=parse_qs(target.query, keep_blank_values=True),
        headers=headers,
        body=await _read_body(reader, headers),
        keep_alive=keep_alive,
    )


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks, total = [], 0
        while size := await _chunk_size(reader):
            total += size
            if total > MAX_BODY:
                raise BadRequest(413, "request body too large")
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
            pass
        return b"".join(chunks)
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise BadRequest(400, "bad Content-Length") from None
    if not 0 <= length <= MAX_BODY:
        raise BadRequest(413, "request body too large")
    return await reader.readexactly(length) if length else b""


async def _chunk_size(reader: asyncio.StreamReader) -> int:
    line = await reader.readuntil(b"\r\n")
    try:
        return int(line.split(b";")[0], 16)
    except ValueError:
        raise BadRequest(400, "bad chunk size") from None


async def _write(
    writer: asyncio.StreamWriter, method: str, response: Response, keep_alive: bool
) -> None:
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = "Client Closed Request" if response.status == 499 else "Unknown"
    headers = {"server": "kling-fal-emulator", "date": formatdate(usegmt=True), **response.headers}
    if response.stream is None:
        headers["content-length"] = str(len(response.body))
    headers["connection"] = "keep-alive" if keep_alive else "close"
    head = f"HTTP/1.1 {response.status} {reason}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head_bytes = f"{head}\r\n".encode("latin-1")
    if method == "HEAD":
        writer.write(head_bytes)
    elif response.stream is None:
        writer.write(head_bytes + response.body)
    else:
        writer.write(head_bytes)
        async for chunk in response.stream:
            writer.write(chunk)
            await writer.drain()
    await writer.drain()
