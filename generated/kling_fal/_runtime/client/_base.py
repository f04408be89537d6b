# Vendored from generator/runtime/client/_base.py by klinggen; edit that file, not this copy.
"""Base classes of the generated per-endpoint accessors (``client.v2_6_pro_image_to_video``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from ..endpoints import EndpointInfo, get_endpoint
from ..model import KlingOutputModel
from ._types import JobHandle, JobStatus, OnEnqueue, OnQueueUpdate, Priority, Resumed

if TYPE_CHECKING:
    from ._async import AsyncCore
    from ._sync import SyncCore

_O = TypeVar("_O", bound=KlingOutputModel)


class _Endpoint:
    __slots__ = ("endpoint_id",)

    def __init__(self, endpoint_id: str) -> None:
        self.endpoint_id = endpoint_id

    @property
    def info(self) -> EndpointInfo:
        """The registry entry: title, status, request and response models."""
        return get_endpoint(self.endpoint_id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.endpoint_id}>"


class SyncEndpoint(_Endpoint, Generic[_O]):
    """One endpoint of a KlingClient: call it (or ``subscribe``) to run, ``submit`` to queue."""

    __slots__ = ("_client",)

    def __init__(self, client: SyncCore, endpoint_id: str) -> None:
        super().__init__(endpoint_id)
        self._client = client

    if not TYPE_CHECKING:  # typed per request model in _accessors.pyi

        def __call__(self, request=None, /, **options_and_fields):
            """Run the request and wait for the typed output."""
            return self._subscribe(request, **options_and_fields)

        subscribe = __call__

        def submit(self, request=None, /, **options_and_fields):
            """Validate, upload local files and queue the request."""
            return self._submit(request, **options_and_fields)

    def _subscribe(
        self,
        request: Any,
        /,
        *,
        on_enqueue: OnEnqueue | None = None,
        on_queue_update: OnQueueUpdate | None = None,
        logs: bool = True,
        timeout: float | None = None,
        **fields: Any,
    ) -> _O:
        output = self._client.subscribe(
            self.endpoint_id,
            request,
            on_enqueue=on_enqueue,
            on_queue_update=on_queue_update,
            logs=logs,
            timeout=timeout,
            **fields,
        )
        return cast(_O, output)

    def _submit(
        self,
        request: Any,
        /,
        *,
        webhook_url: str | None = None,
        priority: Priority | None = None,
        on_enqueue: OnEnqueue | None = None,
        **fields: Any,
    ) -> JobHandle[_O]:
        handle = self._client.submit(
            self.endpoint_id,
            request,
            webhook_url=webhook_url,
            priority=priority,
            on_enqueue=on_enqueue,
            **fields,
        )
        return cast(JobHandle[_O], handle)

    def check(self, request: Any = None, /, **fields: Any) -> None:
        """Validate a request fully (fields, rules, local files) without any network call."""
        self._client.check(self.endpoint_id, request, **fields)

    def status(self, handle: JobHandle[_O], *, logs: bool = True) -> JobStatus:
        """The current status of a request."""
        return self._client.status(handle, logs=logs)

    def result(self, handle: JobHandle[_O], *, timeout: float | None = None) -> _O:
        """Wait for a request to finish and return its typed output."""
        return self._client.result(handle, timeout=timeout)

    def cancel(self, handle: JobHandle[_O]) -> bool:
        """Ask fal to cancel a request; False if it had already completed."""
        return self._client.cancel(handle)

    def resume(self, request_id: str, *, wait: bool = False) -> Resumed[_O]:
        """Status and output of a request of this endpoint submitted earlier."""
        found = self._client.resume(request_id, endpoint_id=self.endpoint_id, wait=wait)
        return cast(Resumed[_O], found)


class AsyncEndpoint(_Endpoint, Generic[_O]):
    """One endpoint of an AsyncKlingClient: await it (or ``subscribe``) to run, ``submit`` to queue."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncCore, endpoint_id: str) -> None:
        super().__init__(endpoint_id)
        self._client = client

    if not TYPE_CHECKING:  # typed per request model in _accessors.pyi

        async def __call__(self, request=None, /, **options_and_fields):
            """Run the request and wait for the typed output."""
            return await self._subscribe(request, **options_and_fields)

        subscribe = __call__

        async def submit(self, request=None, /, **options_and_fields):
            """Validate, upload local files and queue the request."""
            return await self._submit(request, **options_and_fields)

    async def _subscribe(
        self,
        request: Any,
        /,
        *,
        on_enqueue: OnEnqueue | None = None,
        on_queue_update: OnQueueUpdate | None = None,
        logs: bool = True,
        timeout: float | None = None,
        **fields: Any,
    ) -> _O:
        output = await self._client.subscribe(
            self.endpoint_id,
            request,
            on_enqueue=on_enqueue,
            on_queue_update=on_queue_update,
            logs=logs,
            timeout=timeout,
            **fields,
        )
        return cast(_O, output)

    async def _submit(
        self,
        request: Any,
        /,
        *,
        webhook_url: str | None = None,
        priority: Priority | None = None,
        on_enqueue: OnEnqueue | None = None,
        **fields: Any,
    ) -> JobHandle[_O]:
        handle = await self._client.submit(
            self.endpoint_id,
            request,
            webhook_url=webhook_url,
            priority=priority,
            on_enqueue=on_enqueue,
            **fields,
        )
        return cast(JobHandle[_O], handle)

    async def check(self, request: Any = None, /, **fields: Any) -> None:
        """Validate a request fully (fields, rules, local files) without any network call."""
        await self._client.check(self.endpoint_id, request, **fields)

    async def status(self, handle: JobHandle[_O], *, logs: bool = True) -> JobStatus:
        """The current status of a request."""
        return await self._client.status(handle, logs=logs)

    async def result(self, handle: JobHandle[_O], *, timeout: float | None = None) -> _O:
        """Wait for a request to finish and return its typed output."""
        return await self._client.result(handle, timeout=timeout)

    async def cancel(self, handle: JobHandle[_O]) -> bool:
        """Ask fal to cancel a request; False if it had already completed."""
        return await self._client.cancel(handle)

    async def resume(self, request_id: str, *, wait: bool = False) -> Resumed[_O]:
        """Status and output of a request of this endpoint submitted earlier."""
        found = await self._client.resume(request_id, endpoint_id=self.endpoint_id, wait=wait)
        return cast(Resumed[_O], found)
