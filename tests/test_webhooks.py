"""kling_fal.webhooks: fal's Ed25519 webhook signatures and typed payloads.

End to end: the client submits with ``webhook_url=``, the emulator POSTs a signed webhook to a
local receiver, and the receiver's raw bytes and headers are verified against the emulator's
JWKS. Then tampering, a wrong key, a stale timestamp and key caching / rotation.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from kling_fal import ENDPOINTS
from kling_fal.client import KlingAPIValidationError, KlingClient
from kling_fal.emulator import Emulator
from kling_fal.webhooks import (
    KeySet,
    WebhookVerificationError,
    parse,
    verify,
    verify_and_parse,
)
from test_client_helpers import KEY

V26_T2V = "fal-ai/kling-video/v2.6/pro/text-to-video"
Received = list[tuple[dict[str, str], bytes]]


@pytest.fixture
def receiver() -> Iterator[tuple[str, Received]]:
    """A local HTTP endpoint recording (headers, raw body) of every POST."""
    received: Received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers.items()), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


def _delivered(receiver: tuple[str, Received], emu: Emulator) -> tuple[dict[str, str], bytes]:
    assert emu.wait_webhooks(10)
    (delivery,) = receiver[1]
    return delivery


def test_signed_webhook_verifies_and_parses(receiver: tuple[str, Received]) -> None:
    with Emulator() as emu:
        with KlingClient(key=KEY, emulator=emu.url) as client:
            handle = client.v2_6_pro_text_to_video.submit(prompt="a lake", webhook_url=receiver[0])
        headers, body = _delivered(receiver, emu)
        keys = KeySet(emu.jwks_url)
        event = verify_and_parse(headers, body, keys, endpoint_id=V26_T2V)
    assert event.ok and event.request_id == handle.request_id
    assert isinstance(event.output, ENDPOINTS[V26_T2V].output)
    assert event.output.video.url.startswith(emu.url)


def test_tampered_body_wrong_key_and_stale_timestamp_are_rejected(
    receiver: tuple[str, Received],
) -> None:
    with Emulator() as emu:
        with KlingClient(key=KEY, emulator=emu.url) as client:
            client.v2_6_pro_text_to_video.submit(prompt="a lake", webhook_url=receiver[0])
        headers, body = _delivered(receiver, emu)
        keys = KeySet(emu.jwks_url)
        signed = verify(headers, body, keys)
    tampered = body.replace(b"a lake", b"a sea!") if b"a lake" in body else body + b" "
    with pytest.raises(WebhookVerificationError) as caught:
        verify(headers, tampered, keys)
    assert caught.value.reason == "bad-signature"
    stranger = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(WebhookVerificationError) as caught:
        verify(headers, body, KeySet([stranger]))
    assert caught.value.reason == "bad-signature"
    with pytest.raises(WebhookVerificationError) as caught:
        verify(headers, body, keys, now=signed.timestamp + 301)
    assert caught.value.reason == "stale"
    verify(headers, body, keys, now=signed.timestamp - 299)
    incomplete = {k: v for k, v in headers.items() if "signature" not in k.lower()}
    with pytest.raises(WebhookVerificationError) as caught:
        verify(incomplete, body, keys)
    assert caught.value.reason == "missing-header"


def _sign(key: Ed25519PrivateKey, body: bytes, request_id: str = "r1") -> dict[str, str]:
    stamp = str(int(time.time()))
    message = f"{request_id}\nu1\n{stamp}\n{hashlib.sha256(body).hexdigest()}".encode()
    return {
        "x-fal-webhook-request-id": request_id,
        "x-fal-webhook-user-id": "u1",
        "x-fal-webhook-timestamp": stamp,
        "x-fal-webhook-signature": key.sign(message).hex(),
    }


def _jwks(*keys: Ed25519PrivateKey) -> dict[str, Any]:
    import base64

    def x(key: Ed25519PrivateKey) -> str:
        raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x(k)} for k in keys]}


def test_keys_are_cached_and_refetched_on_rotation() -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    served = [_jwks(old)]
    fetches: list[str] = []

    def fetch(url: str) -> bytes:
        fetches.append(url)
        return json.dumps(served[-1]).encode()

    keys = KeySet("https://keys.example/jwks.json", fetch=fetch, min_refresh=0.0)
    body = b'{"request_id": "r1", "status": "OK", "payload": {}}'
    for _ in range(3):
        verify(_sign(old, body), body, keys)
    assert len(fetches) == 1
    served.append(_jwks(new))  # fal rotated its key
    verify(_sign(new, body), body, keys)
    assert len(fetches) == 2
    throttled = KeySet("https://keys.example/jwks.json", fetch=fetch, min_refresh=3600)
    verify(_sign(new, body), body, throttled)
    with pytest.raises(WebhookVerificationError):
        verify(_sign(old, body), body, throttled)
    assert len(fetches) == 3  # no refetch inside min_refresh


def test_error_webhooks_parse_into_typed_errors() -> None:
    body = {
        "request_id": "r1",
        "gateway_request_id": "g1",
        "status": "ERROR",
        "error": "Invalid status code: 422",
        "payload": {"detail": [{"loc": ["body", "prompt"], "msg": "too long", "type": "x"}]},
    }
    event = parse(json.dumps(body).encode(), V26_T2V)
    assert not event.ok and event.output is None
    assert isinstance(event.error, KlingAPIValidationError)
    assert [(i.path, i.message) for i in event.error.issues] == [("prompt", "too long")]
    assert event.error.request_id == "r1"
    key = Ed25519PrivateKey.generate()
    raw = json.dumps(body).encode()
    with pytest.raises(WebhookVerificationError):
        verify_and_parse(_sign(key, raw, "other"), raw, KeySet(_jwks(key)), endpoint_id=V26_T2V)
