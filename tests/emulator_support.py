"""Helpers for the emulator tests: HTTP clients, valid payloads, polling, a webhook receiver."""

from __future__ import annotations

import copy
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import kling_fal
from kling_fal import fixtures
from kling_fal.emulator import Emulator

KEY = {"Authorization": "Key test-key"}
ACTIVE = sorted(i for i, e in kling_fal.ENDPOINTS.items() if e.status == "active")
V26_I2V = "fal-ai/kling-video/v2.6/pro/image-to-video"


def client(emu: Emulator, **kwargs: Any) -> httpx.Client:
    """An httpx client for the emulator, authenticated with a fal key, proxies ignored."""
    options: dict[str, Any] = {"headers": KEY, "timeout": 10.0, "verify": trust(emu), **kwargs}
    return httpx.Client(base_url=emu.url, trust_env=False, **options)


def trust(emu: Emulator) -> ssl.SSLContext | bool:
    """TLS verification for the emulator: its test CA when it serves HTTPS."""
    return ssl.create_default_context(cafile=emu.ca_file) if emu.ca_file else True


def payload(endpoint_id: str) -> dict[str, Any]:
    """A valid request for `endpoint_id` (the spec's first valid fixture)."""
    data: dict[str, Any] = copy.deepcopy(fixtures.valid(endpoint_id)[0].payload)
    return data


def submit(http: httpx.Client, endpoint_id: str, body: Any = None, **params: str) -> Any:
    """Submit and return the 200 body."""
    response = http.post(f"/{endpoint_id}", json=body or payload(endpoint_id), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def poll(http: httpx.Client, submitted: dict[str, Any], limit: int = 20) -> list[httpx.Response]:
    """Status responses (with logs) up to and including the first COMPLETED one."""
    seen = []
    for _ in range(limit):
        seen.append(http.get(submitted["status_url"], params={"logs": "1"}))
        if seen[-1].status_code != 202:
            return seen
    raise AssertionError(f"not completed after {limit} polls")


def files_in(data: Any) -> Iterator[dict[str, Any]]:
    """Every File object (a dict with url and file_size) inside an output."""
    if isinstance(data, dict):
        if "url" in data and "file_size" in data:
            yield data
        for value in data.values():
            yield from files_in(value)
    elif isinstance(data, list):
        for item in data:
            yield from files_in(item)


class WebhookReceiver:
    """A loopback HTTP server recording POSTs; answers the first `fail_first` with 500."""

    def __init__(self, fail_first: int = 0, always_fail: bool = False) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._arrived:
                    receiver.received.append((dict(self.headers.items()), body))
                    failing = always_fail or len(receiver.received) <= fail_first
                    receiver._arrived.notify_all()
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def wait(self, count: int, timeout: float = 10.0) -> list[tuple[dict[str, str], bytes]]:
        """Block until `count` POSTs arrived; all received so far."""
        with self._arrived:
            assert self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def json(self, index: int) -> Any:
        return json.loads(self.received[index][1])


@contextmanager
def receiver(fail_first: int = 0, always_fail: bool = False) -> Iterator[WebhookReceiver]:
    """A running WebhookReceiver, shut down on exit."""
    hook = WebhookReceiver(fail_first, always_fail)
    thread = threading.Thread(target=hook._server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        hook._server.shutdown()
        hook._server.server_close()
        thread.join()
