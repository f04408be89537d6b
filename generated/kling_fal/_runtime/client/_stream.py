# Vendored from generator/runtime/client/_stream.py by klinggen; edit that file, not this copy.
"""Waiting for a request: fal's status stream first, polling with backoff as the fallback.

fal serves ``GET {status_url}/stream`` as server-sent events whose ``data:`` is the body the
status endpoint answers, one per change, closing after COMPLETED (fal-js's ``streamStatus``).
One such request replaces the polls (fal_client's ``subscribe`` polls every 0.1 s). ``Wait``
holds the bookkeeping both clients share, with no I/O (the streams are read in ``_fal``): the
deadline, the reconnects left and the polling pauses. A stream that is refused (an HTTP error) gives way to polling at once; one
that drops or ends before COMPLETED is reconnected up to ``RECONNECTS`` times, then polled.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from ._types import Completed, InProgress, JobHandle, JobStatus, LogEntry, Queued
from .errors import KlingTimeoutError

RECONNECTS = 3
MAX_POLL_INTERVAL = 5.0  # seconds: the longest pause between fallback polls
log = logging.getLogger("kling_fal.client")


def stream_url(status_url: str) -> str:
    """The status stream of a request, from its status URL."""
    return f"{status_url.rstrip('/')}/stream"


def parse_status(request_id: str, data: str) -> JobStatus:
    """One event's ``data``, the status endpoint's JSON body, as a typed status."""
    body: dict[str, Any] = json.loads(data)
    state = body["status"]
    if state == "IN_QUEUE":
        return Queued(request_id=request_id, position=int(body["queue_position"]))
    logs = tuple(LogEntry.parse(entry) for entry in body.get("logs") or ())
    if state == "IN_PROGRESS":
        return InProgress(request_id=request_id, logs=logs)
    if state == "COMPLETED":
        return Completed(
            request_id=request_id,
            logs=logs,
            metrics=dict(body.get("metrics") or {}),
            error=body.get("error"),
            error_type=body.get("error_type"),
        )
    raise ValueError(f"unknown status {state!r}")


@dataclass
class Wait:
    """The state of one wait for `handle`; ``streaming`` is False once polling took over."""

    handle: JobHandle[Any]
    timeout: float | None
    poll_interval: float
    streaming: bool = True
    reconnects: int = RECONNECTS
    _deadline: float | None = field(init=False)
    _pause: float = field(init=False)

    def __post_init__(self) -> None:
        self._deadline = None if self.timeout is None else time.monotonic() + self.timeout
        self._pause = self.poll_interval

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        left = self.left()
        return left is not None and left <= 0

    def left(self) -> float | None:
        """Seconds until the deadline (None without one)."""
        return None if self._deadline is None else self._deadline - time.monotonic()

    def check(self) -> None:
        """Raise KlingTimeoutError once the deadline has passed."""
        if self.expired():
            raise KlingTimeoutError(
                f"request not finished after {self.timeout} s",
                request_id=self.handle.request_id,
                endpoint_id=self.handle.endpoint_id,
            )

    def read_timeout(self, timeout: float | None) -> float | None:
        """An HTTP read timeout (None: none) cut short by the deadline."""
        left = self.left()
        if left is None:
            return timeout
        return max(left if timeout is None else min(left, timeout), 0.0)

    def parse(self, data: str) -> JobStatus:
        """A stream event of this request as a typed status."""
        return parse_status(self.handle.request_id, data)

    def failed(self, exc: BaseException, *, refused: bool) -> None:
        """A stream attempt failed; `refused` (an HTTP error answer): poll from now on."""
        log.debug("status stream of %s failed: %r", self.handle.request_id, exc)
        if refused:
            self.streaming = False

    def ended(self) -> None:
        """A stream attempt ended before COMPLETED: reconnect while allowed; checks the deadline."""
        self.check()
        self.reconnects -= 1
        if self.reconnects < 0 and self.streaming:
            log.debug("status stream of %s kept dropping; polling", self.handle.request_id)
            self.streaming = False

    def pause(self) -> float:
        """Seconds to sleep before the next poll: doubling up to ``MAX_POLL_INTERVAL``, never
        past the deadline; checks the deadline."""
        self.check()
        pause, left = self._pause, self.left()
        self._pause = min(self._pause * 2, max(MAX_POLL_INTERVAL, self.poll_interval))
        return pause if left is None else min(pause, left)
