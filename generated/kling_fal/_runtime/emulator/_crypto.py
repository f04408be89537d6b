# Vendored from generator/runtime/emulator/_crypto.py by klinggen; edit that file, not this copy.
"""Key material made at start: a test CA and server certificate, and the webhook signing key."""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import random
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Names the server certificate is valid for, so clients may also reach it under fal's host names.
SERVER_NAMES = ("localhost", "queue.fal.run", "fal.run", "rest.fal.ai", "v3.fal.media")
_LOOPBACK = ipaddress.ip_address("127.0.0.1")


def make_tls(directory: Path, host: str) -> tuple[Path, ssl.SSLContext]:
    """Write a fresh test CA to ``directory/ca.pem``; the server context uses a cert it signed."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kling_fal emulator test CA")])
    ca_cert = (
        _builder(ca_name, ca_name, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kling_fal emulator")])
    cert = (
        _builder(name, ca_name, key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(_alt_names(host)), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = (directory / n for n in ("ca.pem", "cert.pem", "key.pem"))
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return ca_file, context


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    now: datetime.datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _alt_names(host: str) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in SERVER_NAMES]
    addresses = {_LOOPBACK}
    try:
        addresses.add(ipaddress.ip_address(host))
    except ValueError:
        if host not in SERVER_NAMES:
            names.append(x509.DNSName(host))
    return names + [x509.IPAddress(a) for a in sorted(addresses, key=str)]


class WebhookSigner:
    """Ed25519 key (derived from the emulator's seed) that signs webhooks as fal does."""

    def __init__(self, rng: random.Random) -> None:
        self._key = ed25519.Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
        raw = self._key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.kid = hashlib.sha256(raw).hexdigest()[:16]
        self._x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The public key as a JSON Web Key Set (OKP / Ed25519)."""
        key = {"kty": "OKP", "crv": "Ed25519", "x": self._x, "kid": self.kid}
        return {"keys": [{**key, "use": "sig", "alg": "EdDSA"}]}

    def headers(self, request_id: str, user_id: str, timestamp: int, body: bytes) -> dict[str, str]:
        """The X-Fal-Webhook-* headers for `body`: hex signature over id, user, time, sha256."""
        digest = hashlib.sha256(body).hexdigest()
        message = f"{request_id}\n{user_id}\n{timestamp}\n{digest}".encode()
        return {
            "X-Fal-Webhook-Request-Id": request_id,
            "X-Fal-Webhook-User-Id": user_id,
            "X-Fal-Webhook-Timestamp": str(timestamp),
            "X-Fal-Webhook-Signature": self._key.sign(message).hex(),
        }
