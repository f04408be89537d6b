# Vendored from generator/runtime/client/_async.py by klinggen; edit that file, not this copy.
"""The asyncio client: queue operations over ``fal_client.AsyncClient``."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..model import KlingOutputModel
from ..pricing import Estimate, estimate_cost
from . import _retry
from ._core import ClientCore, handle_from
from ._prepare import Prepared, finish, prepare, request_data, warn_removed
from ._stream import Wait
from ._types import (
    Completed,
    JobHandle,
    JobStatus,
    OnEnqueue,
    OnQueueUpdate,
    Priority,
    Resumed,
    Retry,
)
from .errors import KlingAPIError, KlingTimeoutError

if TYPE_CHECKING:
    import fal_client

    from ..download import Progress
    from ._aio import Streams
    from ._batch import BatchResult

_O = TypeVar("_O", bound=KlingOutputModel)
_T = TypeVar("_T")


async def _maybe_await(value: object) -> None:
    if inspect.isawaitable(value):
        await value


class AsyncCore(ClientCore):
    """Generic (endpoint id based) operations of AsyncKlingClient."""

    _fal_client: fal_client.AsyncClient | None = None
    _streams: Streams | None = None

    def _fal(self) -> fal_client.AsyncClient:
        with self._lock:
            if self._fal_client is None:
                from . import _fal

                self._fal_client = _fal.async_client(
                    self._key.get(), self.timeout, self.emulator, self._transport
                )
            return self._fal_client

    async def aclose(self) -> None:
        """Close the HTTP connections (the client can be used again afterwards)."""
        client, self._fal_client = self._fal_client, None
        cached = vars(client).get("_client") if client is not None else None
        if cached is not None:  # asyncstdlib caches an awaitable holding the httpx client
            http = await cached if inspect.isawaitable(cached) else cached
            await http.aclose()
        streams, self._streams = self._streams, None
        if streams is not None:
            await streams.aclose()
        routed = getattr(client, "transport", None)
        if routed is not None:
            await routed.shutdown()

    async def __aenter__(self: _T) -> _T:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _call(
        self,
        op: _retry.Operation,
        fn: Callable[[], Awaitable[_T]],
        handle: JobHandle[Any] | None = None,
        *,
        model: str = "",
        endpoint_id: str | None = None,
        policy: Retry | None = None,
    ) -> _T:
        def translate(exc: BaseException) -> KlingAPIError | None:
            return self._translate(exc, model=model, handle=handle, endpoint_id=endpoint_id)

        return await _retry.acall(policy or self.retry, op, fn, translate)

    async def check(self, endpoint_id: str, request: Any = None, /, **fields: Any) -> None:
        """Validate a request fully (fields, rules, local files) without any network call."""
        await asyncio.to_thread(prepare, endpoint_id, request, fields, check_files=self.check_files)

    async def estimate(
        self,
        endpoint_id: str,
        request: Any = None,
        /,
        *,
        lengths: Mapping[str, float] | None = None,
        **fields: Any,
    ) -> Estimate:
        """What the request would cost (``kling_fal.estimate_cost``); nothing is sent."""
        data = request_data(request, fields)
        return await asyncio.to_thread(estimate_cost, endpoint_id, data, lengths=lengths)

    async def _upload(self, prepared: Prepared) -> dict[str, str]:
        """Upload the local files of a prepared request once each; placeholder -> URL."""
        done: dict[str, str] = {}
        urls: dict[str, str] = {}
        for placeholder, item in prepared.uploads.items():
            if item.key not in done:
                fal = self._fal()
                mime = item.content_type()
                if isinstance(item.source, Path) and mime != "application/octet-stream":
                    send = partial(fal.upload_file, item.source)
                else:
                    send = partial(fal.upload, item.read(), mime, item.name())
                done[item.key] = await self._call("upload", send)
            urls[placeholder] = done[item.key]
        return urls

    async def submit(
        self,
        endpoint_id: str,
        request: Any = None,
        /,
        *,
        webhook_url: str | None = None,
        priority: Priority | None = None,
        on_enqueue: OnEnqueue | None = None,
        **fields: Any,
    ) -> JobHandle[KlingOutputModel]:
        """Validate, upload local files and queue a request; returns once fal assigned an id.

        If the calling task is cancelled while the submit request is in flight, the submit is
        still completed, journaled and then cancelled at fal, so no paid job goes unnoticed.
        """
        prepared = await asyncio.to_thread(
            prepare, endpoint_id, request, fields, check_files=self.check_files
        )
        warn_removed(prepared.info)
        payload = finish(prepared, await self._upload(prepared))
        fal = self._fal()
        task = asyncio.ensure_future(
            self._call(
                "submit",
                lambda: fal.submit(
                    endpoint_id, payload, webhook_url=webhook_url, priority=priority
                ),
                model=prepared.info.input_model,
                endpoint_id=endpoint_id,
            )
        )
        try:
            queued = await asyncio.shield(task)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                late = await asyncio.shield(task)
                handle = handle_from(late, endpoint_id)
                self._recorded(handle, payload, webhook_url)
                await self.cancel(handle)
            raise
        handle = handle_from(queued, endpoint_id)
        self._recorded(handle, payload, webhook_url)
        if on_enqueue is not None:
            await _maybe_await(on_enqueue(handle.request_id))
        return handle

    async def _fal_handle(self, handle: JobHandle[Any]) -> fal_client.AsyncRequestHandle:
        base = await self._fal().get_handle(handle.endpoint_id, handle.request_id)
        from ._fal import with_urls

        return with_urls(base, handle)

    async def status(self, handle: JobHandle[Any], *, logs: bool = True) -> JobStatus:
        """The current status of a request (with its logs unless ``logs=False``)."""
        from ._fal import to_status

        fal_handle = await self._fal_handle(handle)
        raw = await self._call("status", lambda: fal_handle.status(with_logs=logs), handle)
        status = to_status(handle.request_id, raw)
        self._noted(handle, status)
        return status

    async def result(
        self,
        handle: JobHandle[_O],
        *,
        timeout: float | None = None,
        on_queue_update: OnQueueUpdate | None = None,
        logs: bool = False,
    ) -> _O:
        """Wait for a request to finish and return its typed output (raises its error)."""
        return cast(_O, await self._wait(handle, on_queue_update, logs, timeout, cancel=False))

    async def _wait(
        self,
        handle: JobHandle[Any],
        on_update: OnQueueUpdate | None,
        logs: bool,
        timeout: float | None,
        *,
        cancel: bool,
    ) -> KlingOutputModel:
        wait = Wait(handle, timeout, self.poll_interval)
        try:
            status = await self._watch(wait, on_update, logs)
        except KlingTimeoutError:
            if cancel and wait.expired():
                await self._cancel_quietly(handle)
            raise
        return await self._fetch(handle, status)

    async def _watch(self, wait: Wait, on_update: OnQueueUpdate | None, logs: bool) -> Completed:
        """Follow the request to COMPLETED on fal's status stream, else by polling (`_stream`)."""
        handle, fal_handle = wait.handle, await self._fal_handle(wait.handle)
        while wait.streaming:
            streamed = self._stream(fal_handle).statuses(fal_handle, wait, logs)
            async with contextlib.aclosing(streamed) as statuses:
                async for status in statuses:
                    self._noted(handle, status)
                    if on_update is not None:
                        await _maybe_await(on_update(status))
                    if isinstance(status, Completed):
                        return status
                    wait.check()
            wait.ended()
        while True:
            status = await self.status(handle, logs=logs)
            if on_update is not None:
                await _maybe_await(on_update(status))
            if isinstance(status, Completed):
                return status
            await asyncio.sleep(wait.pause())

    def _stream(self, fal_handle: fal_client.AsyncRequestHandle) -> Streams:
        with self._lock:
            if self._streams is None:
                from ._aio import Streams

                headers = fal_handle.client.headers
                self._streams = Streams(headers, self.emulator, self._transport, self.timeout)
            return self._streams

    async def _fetch(self, handle: JobHandle[Any], status: Completed) -> KlingOutputModel:
        fal_handle = await self._fal_handle(handle)
        policy = self.retry if status.error is None else Retry(attempts=1)
        try:
            fetch = partial(self._stream(fal_handle).fetch, fal_handle.response_url)
            data = await self._call("result", fetch, handle, policy=policy)
        except KlingAPIError as exc:
            self._failed(handle, exc)
            raise
        return self._finished(handle, data)

    async def cancel(self, handle: JobHandle[Any]) -> bool:
        """Ask fal to cancel a request; False if it had already completed."""
        fal_handle = await self._fal_handle(handle)
        try:
            await self._call("cancel", fal_handle.cancel, handle)
        except KlingAPIError as exc:
            if exc.status_code == 400:
                return False
            raise
        self._cancelled(handle)
        return True

    async def _cancel_quietly(self, handle: JobHandle[Any]) -> None:
        with contextlib.suppress(Exception):
            await self.cancel(handle)

    async def subscribe(
        self,
        endpoint_id: str,
        request: Any = None,
        /,
        *,
        on_enqueue: OnEnqueue | None = None,
        on_queue_update: OnQueueUpdate | None = None,
        logs: bool = True,
        timeout: float | None = None,
        webhook_url: str | None = None,
        priority: Priority | None = None,
        **fields: Any,
    ) -> KlingOutputModel:
        """Submit and wait for the typed output; task cancellation or ``timeout`` cancel at fal."""
        handle = await self.submit(
            endpoint_id,
            request,
            webhook_url=webhook_url,
            priority=priority,
            on_enqueue=on_enqueue,
            **fields,
        )
        try:
            return await self._wait(handle, on_queue_update, logs, timeout, cancel=True)
        except (asyncio.CancelledError, KeyboardInterrupt):
            await asyncio.shield(self._cancel_quietly(handle))
            raise

    async def resume(
        self,
        request_id: str,
        *,
        endpoint_id: str | None = None,
        wait: bool = False,
        timeout: float | None = None,
        on_queue_update: OnQueueUpdate | None = None,
    ) -> Resumed[KlingOutputModel]:
        """Status, and output once completed, of a request submitted earlier (any process).

        The endpoint comes from the journal unless given; a result already journaled is
        returned without a network call. ``wait=True`` waits until the request finishes.
        """
        handle = self.handle(request_id, endpoint_id)
        stored = self._stored_output(handle)
        if stored is not None:
            return Resumed(handle=handle, status=Completed(request_id=request_id), output=stored)
        if wait:
            done = await self._wait(handle, on_queue_update, False, timeout, cancel=False)
            return Resumed(handle=handle, status=Completed(request_id=request_id), output=done)
        status = await self.status(handle, logs=False)
        output = await self._fetch(handle, status) if isinstance(status, Completed) else None
        return Resumed(handle=handle, status=status, output=output)

    async def download(
        self, file: Any, path: str | Path, *, progress: Progress | None = None
    ) -> Path:
        """Stream an output ``File`` (or URL) to ``path`` atomically; see ``adownload``."""
        from ..download import adownload
        from . import _fal

        route = _fal.download_transport(self.emulator, self._transport, is_async=True)
        try:
            return await adownload(
                file, path, progress=progress, transport=route, timeout=self.timeout
            )
        finally:
            if route is not None:
                await route.shutdown()

    async def batch(self, jobs: Iterable[Any], *, out: str | Path, **options: Any) -> BatchResult:
        """Run many jobs, each submitted at most once; resumable (see ``_batch.abatch``)."""
        from ._batch import abatch

        return await abatch(self, jobs, out=out, **options)
