# Vendored from generator/runtime/client/_types.py by klinggen; edit that file, not this copy.
"""Plain data of the client: file inputs, job handles, typed queue statuses, retry policy."""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeAlias, TypeVar, Union

from ..model import KlingOutputModel

FileInput: TypeAlias = Union[str, "os.PathLike[str]", bytes]
"""A file field value: an http(s) URL, a data URI, a local path (str or PathLike) or raw bytes."""

Priority: TypeAlias = Literal["normal", "low"]

_O = TypeVar("_O", bound=KlingOutputModel)


@dataclass(frozen=True)
class JobHandle(Generic[_O]):
    """A request in fal's queue; ``request_id`` is all that is needed to resume it later."""

    request_id: str
    endpoint_id: str
    status_url: str = field(default="", repr=False, compare=False)
    response_url: str = field(default="", repr=False, compare=False)
    cancel_url: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One log line of a running request."""

    message: str
    level: str = "INFO"
    source: str = ""
    timestamp: str = ""

    @classmethod
    def parse(cls, raw: object) -> LogEntry:
        """A log entry from fal's JSON (unknown shapes become a message)."""
        if not isinstance(raw, Mapping):
            return cls(message=str(raw))
        return cls(
            message=str(raw.get("message", "")),
            level=str(raw.get("level", "INFO")),
            source=str(raw.get("source", "")),
            timestamp=str(raw.get("timestamp", "")),
        )


@dataclass(frozen=True, slots=True)
class Queued:
    """Waiting in fal's queue; ``position`` is 0-based."""

    request_id: str
    position: int
    state: Literal["IN_QUEUE"] = "IN_QUEUE"


@dataclass(frozen=True, slots=True)
class InProgress:
    """Running; ``logs`` holds every log line so far (empty unless logs were requested)."""

    request_id: str
    logs: tuple[LogEntry, ...] = ()
    state: Literal["IN_PROGRESS"] = "IN_PROGRESS"


@dataclass(frozen=True, slots=True)
class Completed:
    """Finished; ``error`` is set when the request failed (the result call then raises)."""

    request_id: str
    logs: tuple[LogEntry, ...] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    error: str | None = None
    error_type: str | None = None
    state: Literal["COMPLETED"] = "COMPLETED"


JobStatus: TypeAlias = Queued | InProgress | Completed
OnEnqueue: TypeAlias = Callable[[str], object]
"""Called with the request id as soon as fal assigns it (may return an awaitable in async)."""
OnQueueUpdate: TypeAlias = Callable[[JobStatus], object]
"""Called with every status received while waiting, streamed or polled (may return an awaitable
in async)."""


@dataclass(frozen=True, slots=True)
class Resumed(Generic[_O]):
    """What `resume` found: the handle, the last status and the output once completed."""

    handle: JobHandle[_O]
    status: JobStatus
    output: _O | None = None


@dataclass(frozen=True, slots=True)
class Retry:
    """Bounded exponential backoff with jitter for this client's own retries.

    Each operation (upload, submit, status, result, cancel) is tried at most ``attempts``
    times. Inside, fal_client retries 408/409/429, nginx 502-504 and transport errors itself,
    up to 10 HTTP attempts per request; an operation is one request (two for ``result``: a
    status check and the fetch; uploads may add fal's CDN token and its storage fallback), so
    an operation is bounded by about ``20 * attempts`` HTTP requests.
    Delay before retry k (1-based): ``min(base_delay * 2**(k-1), max_delay)`` scaled by a
    random factor in ``[1 - jitter, 1 + jitter]``; a 429's Retry-After is honoured up to
    ``max_delay``.
    """

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 20.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("Retry needs attempts >= 1 and non-negative delays")
        if not 0 <= self.jitter <= 1:
            raise ValueError("Retry.jitter must be within 0..1")

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to sleep after failed attempt number ``attempt`` (1-based)."""
        base = min(self.base_delay * 2.0 ** (attempt - 1), self.max_delay)
        scaled = base * random.uniform(1 - self.jitter, 1 + self.jitter)
        if retry_after is not None:
            scaled = max(scaled, retry_after)
        return min(scaled, self.max_delay)


NO_RETRY = Retry(attempts=1)
