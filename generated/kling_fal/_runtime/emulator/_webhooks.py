# Vendored from generator/runtime/emulator/_webhooks.py by klinggen; edit that file, not this copy.
"""Signed webhook deliveries with bounded retries, on a small thread pool."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ._crypto import WebhookSigner

USER_ID = "emulator-user"
_TIMEOUT_SECONDS = 5.0
_BACKOFF_SECONDS = 0.1
_WORKERS = 4


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """One attempt to deliver a webhook; ``response_status`` is None when unreachable."""

    url: str
    request_id: str
    attempt: int
    status: str
    body: bytes
    headers: dict[str, str]
    response_status: int | None

    @property
    def delivered(self) -> bool:
        """Whether the receiver answered 2xx."""
        return self.response_status is not None and 200 <= self.response_status < 300


class WebhookSender:
    """POSTs webhook payloads; a failed attempt is retried `retries` times with backoff."""

    def __init__(self, signer: WebhookSigner, retries: int) -> None:
        self._signer = signer
        self._retries = retries
        self._pool = ThreadPoolExecutor(_WORKERS, thread_name_prefix="kling-emulator-webhook")
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._stopping = threading.Event()
        self._idle = threading.Condition()
        self._pending = 0
        self._deliveries: list[WebhookDelivery] = []

    @property
    def deliveries(self) -> list[WebhookDelivery]:
        """Every attempt so far, in order."""
        with self._idle:
            return list(self._deliveries)

    def expect(self) -> None:
        """Announce a webhook to come (a job with a webhook was submitted)."""
        with self._idle:
            self._pending += 1

    def release(self) -> None:
        """Withdraw an announced webhook (its job was cancelled)."""
        self._done()

    def send(self, url: str, payload: dict[str, Any]) -> None:
        """Deliver an announced `payload` (``request_id``, ``status``, ...) in the background."""
        self._pool.submit(self._deliver, url, payload)

    def wait(self, timeout: float) -> bool:
        """Block until every announced webhook was delivered or given up; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        """Abandon retries and wait for the attempts in flight."""
        self._stopping.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _deliver(self, url: str, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        request_id = str(payload["request_id"])
        try:
            for attempt in range(1, self._retries + 2):
                headers = {
                    "Content-Type": "application/json",
                    "User-Agent": "kling-fal-emulator",
                    **self._signer.headers(request_id, USER_ID, int(time.time()), body),
                }
                status = self._post(url, body, headers)
                record = WebhookDelivery(
                    url, request_id, attempt, str(payload["status"]), body, headers, status
                )
                with self._idle:
                    self._deliveries.append(record)
                if record.delivered or attempt > self._retries:
                    return
                if self._stopping.wait(_BACKOFF_SECONDS * 2 ** (attempt - 1)):
                    return
        finally:
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> int | None:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(request, timeout=_TIMEOUT_SECONDS) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code
        except (OSError, ValueError):
            return None
