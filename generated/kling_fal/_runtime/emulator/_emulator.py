# Vendored from generator/runtime/emulator/_emulator.py by klinggen; edit that file, not this copy.
"""The Emulator: a loopback fal.ai (queue, run, storage, webhooks) for every registry endpoint.

HTTP is served by aiohttp's server, run on the emulator's own event loop thread: one dependency
(no ASGI stack) that gives keep-alive, chunked request bodies streamed off the socket (uploads go
to disk), ``StreamResponse`` for SSE and ``FileResponse`` for downloads, TLS from an
``ssl.SSLContext`` on an already bound socket (port 0), and ``AppRunner.cleanup`` that closes
every connection, so an in-process start/stop is quick and leaves no thread behind.

Routing: a ``POST /{endpoint id}`` with ``Host: fal.run``, or any ``POST /run/{endpoint id}``, is
fal's synchronous run (the output at once, or the 422); on any other host it is a queue submit.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import shutil
import socket
import ssl
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from ..endpoints import endpoints
from ._crypto import WebhookSigner, make_tls
from ._faults import DROPPED, FaultInjector, FaultKind, Faults
from ._platform import Platform, PlatformCall, PlatformModel, platform_fault, registry_catalog
from ._queue import Queue, RequestRecord, ValidateOn
from ._route import Handler, Operation, Route, json_response
from ._storage import Storage, StoredFile
from ._webhooks import WebhookDelivery, WebhookSender

logger = logging.getLogger("kling_fal.emulator")

MAX_BODY = 128 * 1024 * 1024  # a JSON request body; uploads are streamed to disk instead
RUN_PREFIX = "/run"  # FAL_RUN_HOST=<host:port>/run makes fal_client.run reach the sync run
_RUN_HOST = "fal.run"
_KEY = re.compile(r"^Key\s+\S+")
_STOP_SECONDS = 10.0
_GRACE_SECONDS = 0.5  # how long stop lets answers in flight finish


class _App:
    """Routes a request, checks its credential, injects faults, answers."""

    def __init__(
        self,
        storage: Storage,
        queue: Queue,
        faults: FaultInjector,
        jwks: dict[str, Any],
        platform: Platform,
    ) -> None:
        self._storage, self._queue, self._faults = storage, queue, faults
        self._platform = platform
        self._jwks = jwks

    async def handle(self, request: web.Request) -> web.StreamResponse:
        route = self._route(request)
        if route is None:
            return json_response(404, {"detail": f"Not found: {request.method} {request.path}"})
        authorization = request.headers.get("authorization", "")
        if route.auth == "key" and not _KEY.match(authorization):
            return json_response(401, {"detail": "Missing or malformed 'Authorization: Key ...'"})
        if route.auth == "token" and not self._storage.token_valid(authorization):
            return json_response(401, {"detail": "Missing or unknown storage token"})
        kind = self._faults.draw(route.operation) if route.operation else None
        if kind is not None and kind != "drop":
            if route.operation == "platform":
                return platform_fault(kind)
            return await self._faults.respond(kind)
        dropped = DROPPED.set(kind == "drop")
        try:
            return await route.call(request)
        except (web.HTTPException, ConnectionError):
            raise
        except Exception:
            logger.exception("emulator error on %s %s", request.method, request.path)
            return json_response(500, {"detail": "emulator error"})
        finally:
            DROPPED.reset(dropped)

    def _route(self, request: web.Request) -> Route | None:
        if request.path == "/.well-known/jwks.json" and request.method in ("GET", "HEAD"):
            return Route(self._keys)
        if (platform := self._platform.route(request)) is not None:
            return platform
        path = request.path
        run = path.startswith(f"{RUN_PREFIX}/")
        if run:
            path = path.removeprefix(RUN_PREFIX)
        else:
            run = (request.url.host or "").lower() == _RUN_HOST
            storage = self._storage.route(request)
            if storage is not None:
                return storage
        return self._queue.route(request, path, run)

    async def _keys(self, request: web.Request) -> web.StreamResponse:
        return json_response(200, self._jwks)


async def _serve(
    handler: Handler,
    sock: socket.socket,
    context: ssl.SSLContext | None,
) -> web.AppRunner:
    """Serve `handler` for every method and path on the bound `sock`."""
    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, shutdown_timeout=_GRACE_SECONDS
    )
    await runner.setup()
    try:
        await web.SockSite(runner, sock, ssl_context=context).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
    """The server thread: run `loop` until stopped, then close it."""
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()


@dataclass(slots=True)
class _Running:
    url: str
    ca_file: str | None
    directory: Path
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    runner: web.AppRunner
    queue: Queue
    storage: Storage
    webhooks: WebhookSender
    faults: FaultInjector
    platform: Platform
    stopped: bool = False


class Emulator:
    """fal's queue, storage and webhooks on loopback, for every endpoint in ``kling_fal.registry``.

    ``with Emulator() as emu:`` point a client at ``emu.url``. Jobs advance one step per status
    poll (or every ``latency`` seconds): IN_QUEUE, then IN_PROGRESS for ``steps - 1`` steps, then
    COMPLETED. Requests are validated as fal's apps do (unknown fields ignored unless
    ``strict``, where they are rejected as ``kling_fal.validate`` does): the 422, in FastAPI's
    shape, at submit or with ``validate_on="result"`` at the result; removed endpoints answer
    404. ``POST {url}/run/{endpoint id}`` (or with ``Host: fal.run``) answers the output at once.
    A cancelled job completes with ``error_type`` ``client_cancelled`` (its result: 499).
    ``outputs`` maps an endpoint id to the output returned verbatim instead of a generated one
    (e.g. ``kling_fal.fixtures.output(endpoint_id)``). Ids, keys and outputs are random, unique
    across runs; a ``seed`` makes them repeatable. ``tls`` serves HTTPS with a fresh test CA at
    ``ca_file``.

    fal's Platform API is served at ``{url}/v1`` (``GET /v1/models``, ``/v1/models/pricing``)
    for ``platform_catalog`` (default: the registry's active endpoints, without documents),
    ``platform_page_size`` models a page at most.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: bool = False,
        latency: float = 0.0,
        steps: int = 3,
        faults: Faults | None = None,
        webhook_retries: int = 3,
        seed: int | None = None,
        outputs: Mapping[str, Mapping[str, Any]] | None = None,
        validate_on: ValidateOn = "submit",
        strict: bool = False,
        platform_catalog: Sequence[PlatformModel] | None = None,
        platform_page_size: int = 50,
    ) -> None:
        if steps < 0 or latency < 0 or webhook_retries < 0:
            raise ValueError("steps, latency and webhook_retries must not be negative")
        if platform_page_size < 1:
            raise ValueError("platform_page_size must be at least 1")
        if validate_on not in ("submit", "result"):
            raise ValueError(f"validate_on must be 'submit' or 'result', got {validate_on!r}")
        unknown = sorted(set(outputs or {}) - set(endpoints()))
        if unknown:
            raise ValueError(f"outputs for unknown endpoints: {', '.join(unknown)}")
        self._host, self._port, self._tls = host, port, tls
        self._latency, self._steps, self._faults = latency, steps, faults
        self._webhook_retries, self._seed = webhook_retries, seed
        self._outputs = dict(outputs or {})
        self._validate_on, self._strict = validate_on, strict
        self._catalog = list(platform_catalog) if platform_catalog is not None else None
        self._page_size = platform_page_size
        self._running: _Running | None = None

    def start(self) -> Emulator:
        """Bind, start serving on a background thread; returns self."""
        if self._running is not None:
            raise RuntimeError("this Emulator was already started")
        rng = random.Random(self._seed)
        directory = Path(tempfile.mkdtemp(prefix="kling-fal-emulator-"))
        try:
            self._running = self._serve(rng, directory, asyncio.new_event_loop())
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return self

    def _serve(
        self, rng: random.Random, directory: Path, loop: asyncio.AbstractEventLoop
    ) -> _Running:
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        sock = socket.create_server((self._host, self._port), family=family, backlog=1024)
        host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self._host, self._host)
        netloc = f"[{host}]" if ":" in host else host
        url = f"{'https' if self._tls else 'http'}://{netloc}:{sock.getsockname()[1]}"
        signer = WebhookSigner(rng)
        ca_file, context = make_tls(directory, host) if self._tls else (None, None)
        storage = Storage(url, rng, directory)
        webhooks = WebhookSender(signer, self._webhook_retries)
        queue = Queue(
            base_url=url,
            steps=self._steps,
            latency=self._latency,
            validate_on=self._validate_on,
            strict=self._strict,
            outputs=self._outputs,
            rng=rng,
            storage=storage,
            webhooks=webhooks,
        )
        faults = FaultInjector(self._faults)
        catalog = registry_catalog() if self._catalog is None else self._catalog
        platform = Platform(catalog, self._page_size)
        handler = _App(storage, queue, faults, signer.jwks(), platform).handle
        thread = threading.Thread(
            target=_run_loop, args=(loop,), name="kling-fal-emulator", daemon=True
        )
        thread.start()
        try:
            future = asyncio.run_coroutine_threadsafe(_serve(handler, sock, context), loop)
            runner = future.result()
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            sock.close()
            webhooks.close()
            raise
        return _Running(
            url,
            str(ca_file) if ca_file else None,
            directory,
            loop,
            thread,
            runner,
            queue,
            storage,
            webhooks,
            faults,
            platform,
        )

    def stop(self) -> None:
        """Close every connection, stop the server thread and webhook workers, remove the CA."""
        run = self._running
        if run is None or run.stopped:
            return
        run.stopped = True
        asyncio.run_coroutine_threadsafe(run.runner.cleanup(), run.loop).result(_STOP_SECONDS)
        run.loop.call_soon_threadsafe(run.loop.stop)
        run.thread.join(_STOP_SECONDS)
        run.webhooks.close()
        shutil.rmtree(run.directory, ignore_errors=True)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (https with ``tls=True``)."""
        return self._run().url

    @property
    def ca_file(self) -> str | None:
        """PEM file of the test CA that signed the server certificate (None without TLS)."""
        return self._run().ca_file

    @property
    def jwks_url(self) -> str:
        """Where the webhook verification keys are served (JWKS, OKP / Ed25519)."""
        return f"{self._run().url}/.well-known/jwks.json"

    @property
    def requests(self) -> dict[str, RequestRecord]:
        """Stored requests by request id (a snapshot)."""
        return self._run().queue.records()

    @property
    def uploads(self) -> dict[str, StoredFile]:
        """Uploaded files by access URL (a snapshot)."""
        return self._run().storage.uploads

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every webhook delivery attempt so far, oldest first."""
        return self._run().webhooks.deliveries

    @property
    def injected_faults(self) -> list[tuple[Operation, FaultKind]]:
        """The faults injected so far as (operation, kind), oldest first."""
        return self._run().faults.injected

    @property
    def platform_calls(self) -> list[PlatformCall]:
        """Every Platform API call answered so far (path, query, Authorization), oldest first."""
        return self._run().platform.calls

    def wait_webhooks(self, timeout: float = 10.0) -> bool:
        """Block until the webhook of every submitted job was delivered or given up (after its
        retries); False on timeout. Cancelled jobs send no webhook."""
        return self._run().webhooks.wait(timeout)

    def _run(self) -> _Running:
        if self._running is None:
            raise RuntimeError("the Emulator is not started: use `with Emulator() as emu:`")
        return self._running
