"""Webhooks: fal's payload, Ed25519 signatures verifiable with the JWKS, bounded retries."""

from __future__ import annotations

import base64
import hashlib
import time

import httpx
import kling_fal
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from emulator_support import V26_I2V, client, receiver, submit, trust
from kling_fal.emulator import Emulator


def public_keys(emu: Emulator) -> list[Ed25519PublicKey]:
    """The JWKS keys, decoded the way a receiver following fal's docs does."""
    jwks = httpx.get(emu.jwks_url, verify=trust(emu), trust_env=False).json()
    keys = []
    for key in jwks["keys"]:
        assert (key["kty"], key["crv"]) == ("OKP", "Ed25519")
        raw = base64.urlsafe_b64decode(key["x"] + "=" * (-len(key["x"]) % 4))
        keys.append(Ed25519PublicKey.from_public_bytes(raw))
    return keys


def verify(keys: list[Ed25519PublicKey], headers: dict[str, str], body: bytes) -> bool:
    """fal's scheme: hex signature over request id, user id, timestamp, hex sha256 of the body."""
    h = {k.lower(): v for k, v in headers.items()}
    message = "\n".join(
        [
            h["x-fal-webhook-request-id"],
            h["x-fal-webhook-user-id"],
            h["x-fal-webhook-timestamp"],
            hashlib.sha256(body).hexdigest(),
        ]
    ).encode()
    for key in keys:
        try:
            key.verify(bytes.fromhex(h["x-fal-webhook-signature"]), message)
            return True
        except InvalidSignature:
            continue
    return False


def test_completed_job_posts_a_signed_webhook() -> None:
    with receiver() as hook, Emulator(tls=True) as emu, client(emu) as http:
        submitted = submit(http, V26_I2V, fal_webhook=hook.url)
        headers, body = hook.wait(1)[0]
        data = hook.json(0)
        assert data["request_id"] == data["gateway_request_id"] == submitted["request_id"]
        assert data["status"] == "OK" and "error" not in data
        kling_fal.parse_output(V26_I2V, data["payload"])
        assert data["payload"] == http.get(submitted["response_url"]).json()
        keys = public_keys(emu)
        assert verify(keys, headers, body)
        assert not verify(keys, headers, body + b" ")
        assert abs(int(headers["X-Fal-Webhook-Timestamp"]) - time.time()) < 300
        assert headers["X-Fal-Webhook-Request-Id"] == submitted["request_id"]
        assert emu.wait_webhooks(5)
        [delivery] = emu.webhook_deliveries
        assert (delivery.url, delivery.attempt, delivery.delivered) == (hook.url, 1, True)
        assert emu.requests[submitted["request_id"]].webhook_url == hook.url


def test_failed_deliveries_are_retried_then_succeed() -> None:
    with receiver(fail_first=2) as hook, Emulator(webhook_retries=3) as emu, client(emu) as http:
        submit(http, V26_I2V, fal_webhook=hook.url)
        arrived = hook.wait(3)
        assert emu.wait_webhooks(5)
        assert [(d.attempt, d.response_status) for d in emu.webhook_deliveries] == [
            (1, 500),
            (2, 500),
            (3, 200),
        ]
        keys = public_keys(emu)
        assert all(verify(keys, headers, body) for headers, body in arrived)
        assert len({body for _, body in arrived}) == 1  # the same payload each time


def test_retries_are_bounded() -> None:
    with receiver(always_fail=True) as hook, Emulator(webhook_retries=1) as emu:
        with client(emu) as http:
            submit(http, V26_I2V, fal_webhook=hook.url)
        assert emu.wait_webhooks(5)
        assert [d.attempt for d in emu.webhook_deliveries] == [1, 2]
        assert not any(d.delivered for d in emu.webhook_deliveries)
        assert len(hook.received) == 2


def test_unreachable_receiver_is_recorded() -> None:
    with receiver() as hook:
        dead = hook.url
    with Emulator(webhook_retries=0) as emu, client(emu) as http:
        submit(http, V26_I2V, fal_webhook=dead)
        assert emu.wait_webhooks(5)
        assert [(d.attempt, d.response_status) for d in emu.webhook_deliveries] == [(1, None)]


def test_failed_job_posts_an_error_webhook() -> None:
    with receiver() as hook, Emulator(validate_on="result") as emu, client(emu) as http:
        submitted = submit(http, V26_I2V, {"prompt": "no image"}, fal_webhook=hook.url)
        headers, body = hook.wait(1)[0]
        data = hook.json(0)
        assert (data["request_id"], data["status"]) == (submitted["request_id"], "ERROR")
        assert "422" in data["error"]
        assert any(d["loc"] == ["body", "start_image_url"] for d in data["payload"]["detail"])
        assert verify(public_keys(emu), headers, body)


def test_cancelled_job_sends_no_webhook() -> None:
    with receiver() as hook, Emulator(latency=60) as emu, client(emu) as http:
        submitted = submit(http, V26_I2V, fal_webhook=hook.url)
        assert not emu.wait_webhooks(0.05)  # announced, not yet due
        assert http.put(submitted["cancel_url"]).status_code == 202
        assert emu.wait_webhooks(5)
        assert emu.webhook_deliveries == [] and hook.received == []


@pytest.mark.parametrize("webhook", ["ftp://example.com/hook", "not a url"])
def test_webhook_must_be_http(webhook: str) -> None:
    with Emulator() as emu, client(emu) as http:
        response = http.post(f"/{V26_I2V}", json={}, params={"fal_webhook": webhook})
        assert response.status_code == 400
        assert emu.requests == {}
