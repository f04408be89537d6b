# Vendored from generator/runtime/webhooks.py by klinggen; edit that file, not this copy.
"""Verify fal's webhook signatures and parse webhook payloads into typed outputs or errors.

```python
from kling_fal import webhooks

keys = webhooks.KeySet()                            # fal's JWKS, cached for a day
event = webhooks.verify_and_parse(request.headers, raw_body, keys, endpoint_id=...)
event.output                                        # the typed output, or event.error
```

fal signs ``request_id \\n user_id \\n timestamp \\n hex(sha256(raw body))`` with Ed25519; the hex
signature and its inputs come in ``X-Fal-Webhook-*`` headers. Timestamps more than 300 s off
are rejected. Needs ``cryptography`` (extra ``emulator`` or ``all``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .client.errors import KlingAPIError, from_response, status_from_text
from .endpoints import get_endpoint, parse_output
from .errors import KlingError
from .model import KlingOutputModel

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

JWKS_URL = "https://rest.alpha.fal.ai/.well-known/jwks.json"
TOLERANCE = 300.0
CACHE_SECONDS = 24 * 3600.0
_HEADERS = ("request-id", "user-id", "timestamp", "signature")


class WebhookVerificationError(KlingError):
    """The webhook is not authentic: ``reason`` is missing-header, stale, bad-signature, no-keys."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SignedHeaders:
    """The verified ``X-Fal-Webhook-*`` values."""

    request_id: str
    user_id: str
    timestamp: int


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """A parsed webhook: ``output`` (typed) when ``status`` is OK, else ``error`` (typed)."""

    request_id: str
    gateway_request_id: str | None
    status: Literal["OK", "ERROR"]
    output: KlingOutputModel | None
    error: KlingAPIError | None
    raw: Mapping[str, Any]

    @property
    def ok(self) -> bool:
        """Whether the request succeeded."""
        return self.status == "OK" and self.error is None


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10.0) as response:
        data: bytes = response.read()
        return data


def _public_key(raw: bytes) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(raw)


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def keys_from_jwks(jwks: Mapping[str, Any]) -> list[Ed25519PublicKey]:
    """The Ed25519 keys (``kty`` OKP, ``crv`` Ed25519) of a JWKS document."""
    found = []
    for jwk in jwks.get("keys", ()):
        if isinstance(jwk, Mapping) and jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            found.append(_public_key(_b64url(str(jwk["x"]))))
    return found


class KeySet:
    """Verification keys: fetched from a JWKS URL (cached ``ttl`` seconds), a JWKS dict or keys.

    An unknown signature triggers one refetch (key rotation), at most every ``min_refresh`` s.
    """

    def __init__(
        self,
        source: str | Mapping[str, Any] | Sequence[Ed25519PublicKey | bytes] = JWKS_URL,
        *,
        ttl: float = CACHE_SECONDS,
        min_refresh: float = 60.0,
        fetch: Callable[[str], bytes] = _fetch,
    ) -> None:
        self._source, self._ttl, self._min_refresh, self._fetch = source, ttl, min_refresh, fetch
        self._keys: list[Ed25519PublicKey] = []
        self._fetched = float("-inf")
        self._lock = threading.Lock()
        if not isinstance(source, str):
            self._keys = self._load(source)

    def __repr__(self) -> str:
        where = self._source if isinstance(self._source, str) else "<static keys>"
        return f"KeySet({where!r}, {len(self._keys)} keys)"

    @staticmethod
    def _load(source: Mapping[str, Any] | Sequence[Ed25519PublicKey | bytes]) -> list[Any]:
        if isinstance(source, Mapping):
            return keys_from_jwks(source)
        return [_public_key(k) if isinstance(k, bytes) else k for k in source]

    def keys(self, *, refresh: bool = False) -> list[Ed25519PublicKey]:
        """The current keys; fetched when stale, or on ``refresh`` if allowed by ``min_refresh``."""
        if not isinstance(self._source, str):
            return list(self._keys)
        with self._lock:
            age = time.monotonic() - self._fetched
            if age > self._ttl or (refresh and age > self._min_refresh):
                self._keys = keys_from_jwks(json.loads(self._fetch(self._source)))
                self._fetched = time.monotonic()
            return list(self._keys)


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = f"x-fal-webhook-{name}"
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    raise WebhookVerificationError("missing-header", f"no X-Fal-Webhook-{name.title()} header")


def verify(
    headers: Mapping[str, str],
    body: bytes,
    keys: KeySet,
    *,
    tolerance: float = TOLERANCE,
    now: float | None = None,
) -> SignedHeaders:
    """Check the signature of a webhook (raw ``body`` bytes, as received) or raise."""
    from cryptography.exceptions import InvalidSignature

    request_id, user_id, stamp, signature = (_header(headers, h) for h in _HEADERS)
    try:
        timestamp = int(stamp)
        sig = bytes.fromhex(signature)
    except ValueError:
        raise WebhookVerificationError(
            "bad-signature", "malformed timestamp or signature"
        ) from None
    skew = abs((time.time() if now is None else now) - timestamp)
    if skew > tolerance:
        raise WebhookVerificationError(
            "stale", f"timestamp is {skew:.0f} s off (max {tolerance:.0f})"
        )
    digest = hashlib.sha256(body).hexdigest()
    message = f"{request_id}\n{user_id}\n{timestamp}\n{digest}".encode()
    for refresh in (False, True):
        candidates = keys.keys(refresh=refresh)
        for key in candidates:
            try:
                key.verify(sig, message)
            except InvalidSignature:
                continue
            return SignedHeaders(request_id=request_id, user_id=user_id, timestamp=timestamp)
        if not candidates and refresh:
            raise WebhookVerificationError("no-keys", "no Ed25519 key to verify with")
    raise WebhookVerificationError("bad-signature", "signature does not match any known key")


def parse(body: bytes | str | Mapping[str, Any], endpoint_id: str) -> WebhookEvent:
    """A webhook payload as a typed event of ``endpoint_id`` (output or error)."""
    data: Any = json.loads(body) if isinstance(body, (bytes, str)) else body
    if not isinstance(data, Mapping) or "request_id" not in data:
        raise KlingError("not a fal webhook payload (no request_id)")
    request_id = str(data["request_id"])
    payload = data.get("payload")
    if data.get("status") == "OK" and payload is not None:
        output = parse_output(endpoint_id, payload)
        return WebhookEvent(request_id, data.get("gateway_request_id"), "OK", output, None, data)
    text = str(data.get("error") or data.get("payload_error") or "request failed")
    code = status_from_text(text) or 500
    error = from_response(
        code,
        payload if payload is not None else text,
        model=get_endpoint(endpoint_id).input_model,
        request_id=request_id,
        endpoint_id=endpoint_id,
    )
    return WebhookEvent(request_id, data.get("gateway_request_id"), "ERROR", None, error, data)


def verify_and_parse(
    headers: Mapping[str, str],
    body: bytes,
    keys: KeySet,
    *,
    endpoint_id: str,
    tolerance: float = TOLERANCE,
) -> WebhookEvent:
    """`verify`, then `parse`; the signed request id must match the payload's."""
    signed = verify(headers, body, keys, tolerance=tolerance)
    event = parse(body, endpoint_id)
    if event.request_id != signed.request_id:
        raise WebhookVerificationError("bad-signature", "payload request_id differs from header")
    return event
