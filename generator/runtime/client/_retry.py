"""This client's retry loop around fal_client calls (which retry some errors themselves).

What is retried (``Retry`` bounds how often):

- whatever fal marks ``X-Fal-Retryable: true`` (and nothing it marks ``false``);
- every operation: 429 and connection failures before the request was sent;
- status, result, cancel and uploads (idempotent): also 408, 500, 502, 503, 504, HTTP timeouts
  and broken connections;
- submit: also 502 and 503, which mean the request was not queued. A 500/504 or a connection
  lost after sending is not retried, because the request may have been queued and a second
  submit could start (and bill) a duplicate job. (fal_client's own loop does retry transport
  errors on submit; that is outside this client's control.)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

from ._types import Retry
from .errors import (
    KlingAPIError,
    KlingConnectionError,
    KlingRateLimitError,
    KlingServerError,
    KlingTimeoutError,
)

Operation = Literal["upload", "submit", "status", "result", "cancel"]
_T = TypeVar("_T")
log = logging.getLogger("kling_fal.client")


def retryable(error: KlingAPIError, op: Operation) -> bool:
    """Whether ``error`` from ``op`` is transient and safe to retry."""
    if error.retryable is not None:
        return error.retryable
    if isinstance(error, KlingRateLimitError):
        return True
    if isinstance(error, KlingConnectionError):
        return op != "submit" or not error.sent
    code = error.status_code
    if op == "submit":
        return code in (502, 503)
    if isinstance(error, KlingTimeoutError):
        return error.error_type not in ("request_timeout", "startup_timeout")
    return isinstance(error, KlingServerError) and code in (500, 502, 503, 504)


def _pause(policy: Retry, attempt: int, error: KlingAPIError) -> float:
    return policy.delay(attempt, error.retry_after)


def _retry_delay(policy: Retry, op: Operation, attempt: int, error: KlingAPIError) -> float:
    """The pause before trying again after ``error``; raises ``error`` when it is not retried."""
    if attempt >= policy.attempts or not retryable(error, op):
        raise error from None
    delay = _pause(policy, attempt, error)
    log.debug("%s failed (%s); retry %d in %.2f s", op, type(error).__name__, attempt, delay)
    return delay


def call(
    policy: Retry,
    op: Operation,
    fn: Callable[[], _T],
    translate: Callable[[BaseException], KlingAPIError | None],
) -> _T:
    """``fn()`` with typed errors, retried per ``policy`` while the error is transient."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return fn()
        except Exception as exc:
            error = translate(exc)
            if error is None:
                raise
            time.sleep(_retry_delay(policy, op, attempt, error))
    raise AssertionError("unreachable")  # pragma: no cover


async def acall(
    policy: Retry,
    op: Operation,
    fn: Callable[[], Awaitable[_T]],
    translate: Callable[[BaseException], KlingAPIError | None],
) -> _T:
    """Async counterpart of `call`."""
    for attempt in range(1, policy.attempts + 1):
        try:
            return await fn()
        except Exception as exc:
            error = translate(exc)
            if error is None:
                raise
            await asyncio.sleep(_retry_delay(policy, op, attempt, error))
    raise AssertionError("unreachable")  # pragma: no cover
