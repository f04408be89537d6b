"""The blocking client: queue operations over ``fal_client.SyncClient``."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Mapping
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
    import httpx

    from ..download import Progress
    from ._batch import BatchResult

_O = TypeVar("_O", bound=KlingOutputModel)
_T = TypeVar("_T")


class SyncCore(ClientCore):
    """Generic (endpoint id based) operations of KlingClient."""

    _fal_client: fal_client.SyncClient | None = None
    _streams: tuple[httpx.Client, Any] | None = None  # with its routing transport

    def _fal(self) -> fal_client.SyncClient:
        with self._lock:
            if self._fal_client is None:
                from . import _fal

                self._fal_client = _fal.sync_client(
                    self._key.get(), self.timeout, self.emulator, self._transport
                )
            return self._fal_client

    def close(self) -> None:
        """Close the HTTP connections (the client can be used again afterwards)."""
        client, self._fal_client = self._fal_client, None
        http = vars(client).get("_client") if client is not None else None
        if http is not None:
            http.close()
        streams, self._streams = self._streams, None
        if streams is not None:
            streams[0].close()
            if streams[1] is not None:
                streams[1].shutdown()
        routed = getattr(client, "transport", None)
        if routed is not None:
            routed.shutdown()

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(
        self,
        op: _retry.Operation,
        fn: Callable[[], _T],
        handle: JobHandle[Any] | None = None,
        *,
        model: str = "",
        endpoint_id: str | None = None,
        policy: Retry | None = None,
    ) -> _T:
        def translate(exc: BaseException) -> KlingAPIError | None:
            return self._translate(exc, model=model, handle=handle, endpoint_id=endpoint_id)

        return _retry.call(policy or self.retry, op, fn, translate)

    def check(self, endpoint_id: str, request: Any = None, /, **fields: Any) -> None:
        """Validate a request fully (fields, rules, local files) without any network call."""
        prepare(endpoint_id, request, fields, check_files=self.check_files)

    def estimate(
        self,
        endpoint_id: str,
        request: Any = None,
        /,
        *,
        lengths: Mapping[str, float] | None = None,
        **fields: Any,
    ) -> Estimate:
        """What the request would cost (``kling_fal.estimate_cost``); nothing is sent."""
        return estimate_cost(endpoint_id, request_data(request, fields), lengths=lengths)

    def _upload(self, prepared: Prepared) -> dict[str, str]:
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
                done[item.key] = self._call("upload", send)
            urls[placeholder] = done[item.key]
        return urls

    def submit(
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
        """Validate, upload local files and queue a request; returns once fal assigned an id."""
        prepared = prepare(endpoint_id, request, fields, check_files=self.check_files)
        warn_removed(prepared.info)
        payload = finish(prepared, self._upload(prepared))
        fal = self._fal()
        queued = self._call(
            "submit",
            lambda: fal.submit(endpoint_id, payload, webhook_url=webhook_url, priority=priority),
            model=prepared.info.input_model,
            endpoint_id=endpoint_id,
        )
        handle = handle_from(queued, endpoint_id)
        self._recorded(handle, payload, webhook_url)
        if on_enqueue is not None:
            on_enqueue(handle.request_id)
        return handle

    def _fal_handle(self, handle: JobHandle[Any]) -> fal_client.SyncRequestHandle:
        base = self._fal().get_handle(handle.endpoint_id, handle.request_id)
        from ._fal import with_urls

        return with_urls(base, handle)

    def status(self, handle: JobHandle[Any], *, logs: bool = True) -> JobStatus:
        """The current status of a request (with its logs unless ``logs=False``)."""
        from ._fal import to_status

        fal_handle = self._fal_handle(handle)
        raw = self._call("status", lambda: fal_handle.status(with_logs=logs), handle)
        status = to_status(handle.request_id, raw)
        self._noted(handle, status)
        return status

    def result(
        self,
        handle: JobHandle[_O],
        *,
        timeout: float | None = None,
        on_queue_update: OnQueueUpdate | None = None,
        logs: bool = False,
    ) -> _O:
        """Wait for a request to finish and return its typed output (raises its error)."""
        return cast(_O, self._wait(handle, on_queue_update, logs, timeout, cancel=False))

    def _wait(
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
            status = self._watch(wait, on_update, logs)
        except KlingTimeoutError:
            if cancel and wait.expired():
                self._cancel_quietly(handle)
            raise
        return self._fetch(handle, status)

    def _watch(self, wait: Wait, on_update: OnQueueUpdate | None, logs: bool) -> Completed:
        """Follow the request to COMPLETED on fal's status stream, else by polling (`_stream`)."""
        from . import _fal

        handle, fal_handle = wait.handle, self._fal_handle(wait.handle)
        while wait.streaming:
            streamed = _fal.streamed(self._stream_client(fal_handle), fal_handle, wait, logs)
            with contextlib.closing(streamed) as statuses:
                for status in statuses:
                    self._noted(handle, status)
                    if on_update is not None:
                        on_update(status)
                    if isinstance(status, Completed):
                        return status
                    wait.check()
            wait.ended()
        while True:
            status = self.status(handle, logs=logs)
            if on_update is not None:
                on_update(status)
            if isinstance(status, Completed):
                return status
            time.sleep(wait.pause())

    def _stream_client(self, fal_handle: fal_client.SyncRequestHandle) -> httpx.Client:
        with self._lock:
            if self._streams is None:
                from ._fal import stream_client

                self._streams = stream_client(
                    fal_handle.client, self.emulator, self._transport, self.timeout
                )
            return self._streams[0]

    def _fetch(self, handle: JobHandle[Any], status: Completed) -> KlingOutputModel:
        from ._fal import fetch

        fal_handle = self._fal_handle(handle)
        policy = self.retry if status.error is None else Retry(attempts=1)
        try:
            data = self._call("result", partial(fetch, fal_handle), handle, policy=policy)
        except KlingAPIError as exc:
            self._failed(handle, exc)
            raise
        return self._finished(handle, data)

    def cancel(self, handle: JobHandle[Any]) -> bool:
        """Ask fal to cancel a request; False if it had already completed."""
        fal_handle = self._fal_handle(handle)
        try:
            self._call("cancel", fal_handle.cancel, handle)
        except KlingAPIError as exc:
            if exc.status_code == 400:
                return False
            raise
        self._cancelled(handle)
        return True

    def _cancel_quietly(self, handle: JobHandle[Any]) -> None:
        with contextlib.suppress(Exception):
            self.cancel(handle)

    def subscribe(
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
        """Submit and wait for the typed output; Ctrl-C or ``timeout`` cancel the request at fal."""
        handle = self.submit(
            endpoint_id,
            request,
            webhook_url=webhook_url,
            priority=priority,
            on_enqueue=on_enqueue,
            **fields,
        )
        try:
            return self._wait(handle, on_queue_update, logs, timeout, cancel=True)
        except KeyboardInterrupt:
            self._cancel_quietly(handle)
            raise

    def resume(
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
        returned without a network call. ``wait=True`` blocks until the request finishes.
        """
        handle = self.handle(request_id, endpoint_id)
        stored = self._stored_output(handle)
        if stored is not None:
            return Resumed(handle=handle, status=Completed(request_id=request_id), output=stored)
        if wait:
            done = self._wait(handle, on_queue_update, False, timeout, cancel=False)
            return Resumed(handle=handle, status=Completed(request_id=request_id), output=done)
        status = self.status(handle, logs=False)
        output = self._fetch(handle, status) if isinstance(status, Completed) else None
        return Resumed(handle=handle, status=status, output=output)

    def download(self, file: Any, path: str | Path, *, progress: Progress | None = None) -> Path:
        """Stream an output ``File`` (or URL) to ``path`` atomically; see ``kling_fal.client.download``."""
        from ..download import download
        from . import _fal

        route = _fal.download_transport(self.emulator, self._transport, is_async=False)
        try:
            return download(file, path, progress=progress, transport=route, timeout=self.timeout)
        finally:
            if route is not None:
                route.shutdown()

    def batch(self, jobs: Iterable[Any], *, out: str | Path, **options: Any) -> BatchResult:
        """Run many jobs, each submitted at most once, on an asyncio loop of their own with this
        client's settings (see ``_batch.abatch``)."""
        from ._async import AsyncCore
        from ._batch import abatch

        twin = AsyncCore(
            self._key.get(),
            emulator=self.emulator,
            journal=self.journal,
            timeout=self.timeout,
            poll_interval=self.poll_interval,
            retry=self.retry,
            check_files=self.check_files,
            transport=cast(Any, self._transport),
        )

        async def run() -> BatchResult:
            async with twin:
                return await abatch(twin, jobs, out=out, **options)

        return asyncio.run(run())
