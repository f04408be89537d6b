# Vendored from generator/runtime/client/_core.py by klinggen; edit that file, not this copy.
"""Configuration and bookkeeping shared by KlingClient and AsyncKlingClient (no I/O here)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..endpoints import get_endpoint, parse_output
from ..errors import KlingError
from ..model import KlingOutputModel
from ._journal import JobState, Journal
from ._types import InProgress, JobHandle, JobStatus, Queued, Retry
from .errors import KlingAPIError, redact

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("kling_fal.client")


class _Secret:
    """Holds the key; its repr never shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: str | None) -> None:
        self._value = value

    def get(self) -> str | None:
        return self._value

    def __repr__(self) -> str:
        return "<hidden>" if self._value else "<unset>"


class ClientCore:
    """Settings, journal and typed-output helpers of a client."""

    def __init__(
        self,
        key: str | None = None,
        *,
        emulator: str | None = None,
        journal: str | os.PathLike[str] | Journal | None = None,
        timeout: float = 120.0,
        poll_interval: float = 0.5,
        retry: Retry | None = None,
        check_files: bool = True,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Credentials: ``key``, else ``FAL_KEY`` (or ``FAL_KEY_ID`` + ``FAL_KEY_SECRET``), else
        whatever fal_client finds (e.g. ``fal auth login``). The key is never shown.

        ``emulator``: base URL of a kling_fal emulator; every fal host is routed there (per
        client). ``journal``: sqlite file recording every submitted job. ``timeout``: seconds
        per HTTP request (fal_client's ``default_timeout``). Waiting follows fal's status stream;
        ``poll_interval``: the first pause between status polls when that stream is refused or
        keeps dropping (pauses double up to 5 s). ``retry``: this client's retry policy (see ``Retry``).
        ``check_files``: check local files against fal's limits before upload.
        ``transport``: an httpx transport for all fal traffic (tests, proxies).
        """
        self._key = _Secret(key or _env_key())
        self.emulator = emulator.rstrip("/") if emulator else None
        self.journal = (
            journal if isinstance(journal, Journal) or journal is None else Journal(journal)
        )
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.retry = retry or Retry()
        self.check_files = check_files
        self._transport = transport
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        parts = [f"emulator={self.emulator!r}"] if self.emulator else []
        parts += [f"journal={str(self.journal.path)!r}"] if self.journal else []
        return f"{type(self).__name__}({', '.join(parts)})"

    def _translate(
        self,
        exc: BaseException,
        *,
        model: str = "",
        handle: JobHandle[Any] | None = None,
        endpoint_id: str | None = None,
    ) -> KlingAPIError | None:
        from . import _fal

        return _fal.translate(
            exc,
            secret=self._key.get(),
            model=model,
            request_id=handle.request_id if handle else None,
            endpoint_id=handle.endpoint_id if handle else endpoint_id,
        )

    def handle(
        self, request_id: str, endpoint_id: str | None = None
    ) -> JobHandle[KlingOutputModel]:
        """A handle for a request id; the endpoint comes from the journal when not given."""
        if endpoint_id is None and self.journal is not None:
            entry = self.journal.get(request_id)
            endpoint_id = entry.endpoint_id if entry else None
        if endpoint_id is None:
            raise KlingError(f"request {request_id} is not in the journal; pass endpoint_id=")
        get_endpoint(endpoint_id)
        return JobHandle(request_id=request_id, endpoint_id=endpoint_id)

    def _recorded(
        self, handle: JobHandle[Any], payload: Mapping[str, Any], webhook: str | None
    ) -> None:
        log.info("submitted %s as request %s", handle.endpoint_id, handle.request_id)
        if self.journal is not None:
            self.journal.record(handle.request_id, handle.endpoint_id, payload, webhook)

    def _noted(self, handle: JobHandle[Any], status: JobStatus) -> None:
        if self.journal is None:
            return
        state: JobState = (
            "queued"
            if isinstance(status, Queued)
            else "in_progress"
            if isinstance(status, InProgress)
            else "completed"
        )
        self.journal.update(handle.request_id, state)

    def _finished(self, handle: JobHandle[Any], data: Any) -> KlingOutputModel:
        if self.journal is not None:
            self.journal.update(handle.request_id, "succeeded", output=data)
        try:
            return parse_output(handle.endpoint_id, data)
        except Exception as exc:
            raise KlingAPIError(
                f"unexpected output of {handle.endpoint_id}: {exc}",
                request_id=handle.request_id,
                endpoint_id=handle.endpoint_id,
            ) from None

    def _failed(self, handle: JobHandle[Any], error: BaseException) -> None:
        if self.journal is not None:
            text = redact(str(error), self._key.get())
            self.journal.update(handle.request_id, "failed", error=text)

    def _cancelled(self, handle: JobHandle[Any]) -> None:
        log.info("cancelled request %s", handle.request_id)
        if self.journal is not None:
            self.journal.update(handle.request_id, "cancelled")

    def _stored_output(self, handle: JobHandle[Any]) -> KlingOutputModel | None:
        entry = self.journal.get(handle.request_id) if self.journal else None
        if entry is None or entry.state != "succeeded" or entry.output is None:
            return None
        return parse_output(handle.endpoint_id, entry.output)


def handle_from(queued: Any, endpoint_id: str) -> JobHandle[KlingOutputModel]:
    """A JobHandle from fal_client's request handle (keeping the URLs fal returned)."""
    return JobHandle(
        request_id=queued.request_id,
        endpoint_id=endpoint_id,
        status_url=queued.status_url,
        response_url=queued.response_url,
        cancel_url=queued.cancel_url,
    )


def _env_key() -> str | None:
    """FAL_KEY, else FAL_KEY_ID:FAL_KEY_SECRET, as fal_client reads them."""
    key_id, secret = os.environ.get("FAL_KEY_ID"), os.environ.get("FAL_KEY_SECRET")
    return os.environ.get("FAL_KEY") or (f"{key_id}:{secret}" if key_id and secret else None)
