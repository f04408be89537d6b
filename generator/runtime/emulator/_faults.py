"""Seeded fault injection: rate limits, server errors and slow answers, in fal's shapes."""

from __future__ import annotations

import asyncio
import random
import threading
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal, get_args

from aiohttp import web

from ._route import Operation, json_response

FaultKind = Literal["422", "429", "500", "502", "503", "timeout", "drop"]
DROPPED: ContextVar[bool] = ContextVar("kling_fal_emulator_dropped", default=False)
"""True while answering a status stream that must end after its first event."""

_NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass(frozen=True, slots=True)
class Faults:
    """Fail `rate` of the calls in `on` with one of `kinds`, drawn from ``random.Random(seed)``.

    Kinds: ``"422"`` a validation failure in FastAPI's shape (``value_error`` at ``["body"]``);
    ``"429"`` rate limit (``{"detail": "Rate limit exceeded"}``); ``"500"`` internal error;
    ``"502"`` an ingress error (nginx page, no ``x-fal-request-id``: fal_client retries it);
    ``"503"`` runner scheduling failure; ``"timeout"``: the answer is held `delay` seconds,
    then 504 ``request_timeout``. 5xx answers carry ``X-Fal-Error-Type`` and ``X-Fal-Retryable``
    (true for 503 and 504), as fal's request errors do; ``"drop"`` (``stream`` only): the status
    stream ends after its first event, before COMPLETED. Operations: ``submit``, ``status``
    (polls), ``stream`` (status streams), ``result``, ``cancel``, ``storage`` (token and uploads)
    and ``platform`` (the Platform API, answered in its ``{error: {type, message}}`` shape; a 429
    carries ``Retry-After: 1``).

    A faulted call never changes state: a failed submit created no job, a failed poll did not
    advance one, so a client that retries loses and duplicates nothing.
    """

    rate: float = 0.3
    seed: int = 1
    kinds: tuple[FaultKind, ...] = ("429", "503", "timeout")
    on: tuple[Operation, ...] = ("submit", "status", "result")
    delay: float = 2.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"Faults.rate must be within 0..1, got {self.rate}")
        unknown: list[str] = [k for k in self.kinds if k not in get_args(FaultKind)]
        unknown += [o for o in self.on if o not in get_args(Operation)]
        if unknown or not self.kinds:
            raise ValueError(f"unknown fault kinds or operations: {unknown or 'no kinds'}")
        if "drop" in self.kinds and set(self.on) - {"stream"}:
            raise ValueError("fault kind 'drop' applies to the 'stream' operation only")
        if self.delay < 0:
            raise ValueError("Faults.delay must not be negative")


class FaultInjector:
    """Draws the faults of one emulator run; ``injected`` lists (operation, kind) in order."""

    def __init__(self, faults: Faults | None) -> None:
        self._faults = faults
        self._rng = random.Random(faults.seed if faults else 0)
        self._lock = threading.Lock()
        self._injected: list[tuple[Operation, FaultKind]] = []

    @property
    def injected(self) -> list[tuple[Operation, FaultKind]]:
        """The faults injected so far, oldest first."""
        with self._lock:
            return list(self._injected)

    def draw(self, operation: Operation) -> FaultKind | None:
        """The fault to answer this call with, if any (one draw per eligible call)."""
        faults = self._faults
        if faults is None or operation not in faults.on:
            return None
        with self._lock:
            if self._rng.random() >= faults.rate:
                return None
            kind = self._rng.choice(faults.kinds)
            self._injected.append((operation, kind))
            return kind

    async def respond(self, kind: FaultKind) -> web.Response:
        """The answer for an injected fault (after the delay, for ``timeout``)."""
        if kind == "422":
            item = {"loc": ["body"], "msg": "Injected validation failure", "type": "value_error"}
            return json_response(
                422, {"detail": [{**item, "input": None, "ctx": {"rule": "fault"}}]}
            )
        if kind == "429":
            return json_response(429, {"detail": "Rate limit exceeded"})
        if kind == "502":
            return web.Response(status=502, body=_NGINX_502, content_type="text/html")
        if kind == "timeout":
            await asyncio.sleep(self._faults.delay if self._faults else 0.0)
            return _request_error(504, "Request timed out", "request_timeout", retryable=True)
        if kind == "503":
            return _request_error(
                503,
                "No runner could be allocated to handle the request",
                "runner_scheduling_failure",
                retryable=True,
            )
        detail = "An unexpected internal error occurred"
        return _request_error(500, detail, "internal_error", retryable=False)


def _request_error(status: int, detail: str, error_type: str, *, retryable: bool) -> web.Response:
    headers = {"x-fal-error-type": error_type, "x-fal-retryable": str(retryable).lower()}
    return json_response(status, {"detail": detail, "error_type": error_type}, headers)
