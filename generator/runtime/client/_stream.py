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
from collections.abc import Callable, Iterable, Sequence
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


EVENT_STREAM = "text/event-stream"


class StreamRefused(Exception):
    """A status stream answered with an HTTP error or not as an event stream."""


def check_answer(status: int, content_type: str) -> None:
    """Raise StreamRefused unless the answer is a 2xx event stream."""
    if not 200 <= status < 300:
        raise StreamRefused(f"HTTP {status}")
    if content_type.partition(";")[0].strip().lower() != EVENT_STREAM:
        raise StreamRefused(f"not an event stream: {content_type or 'no content type'}")


class Events:
    """Server-sent events (the WHATWG format) decoded from a stream's lines, each event's
    ``data``: one decoder for the httpx and the aiohttp readers (httpx_sse reads httpx
    responses only). fal's status stream uses ``data:`` fields alone; comments, ``event``,
    ``id`` and ``retry`` are skipped."""

    def __init__(self) -> None:
        self._data: list[str] = []

    def feed(self, line: str) -> str | None:
        """One line (without its end); the data of the event that a blank line completes."""
        if not line:
            data, self._data = "\n".join(self._data), []
            return data or None
        name, _, value = line.partition(":")
        if name == "data":
            self._data.append(value[1:] if value.startswith(" ") else value)
        return None


def parse_logs(raw: Iterable[object]) -> tuple[LogEntry, ...]:
    """fal's log lines as typed entries."""
    return tuple(LogEntry.parse(entry) for entry in raw)


def parse_status(
    request_id: str,
    data: str,
    logs: Callable[[Sequence[object]], tuple[LogEntry, ...]] = parse_logs,
) -> JobStatus:
    """One event's ``data``, the status endpoint's JSON body, as a typed status (its log
    lines parsed by `logs`)."""
    body: dict[str, Any] = json.loads(data)
    state = body["status"]
    if state == "IN_QUEUE":
        return Queued(request_id=request_id, position=int(body["queue_position"]))
    entries = logs(body.get("logs") or [])
    if state == "IN_PROGRESS":
        return InProgress(request_id=request_id, logs=entries)
    if state == "COMPLETED":
        return Completed(
            request_id=request_id,
            logs=entries,
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
    _raw_logs: list[object] = field(init=False, default_factory=list)
    _logs: tuple[LogEntry, ...] = field(init=False, default=())

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
        return parse_status(self.handle.request_id, data, self._parsed_logs)

    def _parsed_logs(self, raw: Sequence[object]) -> tuple[LogEntry, ...]:
        """The entries of `raw`, parsing only the lines after those of the last event (each
        event carries every line so far: parsing them all anew cost a LogEntry per line per
        event; what remains per event is a list comparison)."""
        if not isinstance(raw, list):
            return parse_logs(raw)
        seen = len(self._raw_logs)
        if raw[:seen] != self._raw_logs:
            seen, self._logs = 0, ()
        self._logs += parse_logs(raw[seen:])
        self._raw_logs = raw
        return self._logs

    def failed(self, exc: BaseException) -> None:
        """A stream attempt failed; a refused one (StreamRefused): poll from now on."""
        log.debug("status stream of %s failed: %r", self.handle.request_id, exc)
        if isinstance(exc, StreamRefused):
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
