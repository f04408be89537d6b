"""One TLS context per process for the HTTP clients this package builds: loading the CA bundle
takes ~30 ms, which every client and transport would otherwise pay again (fal_client's stock
clients still build their own)."""

from __future__ import annotations

import functools
import os
import ssl


def context() -> ssl.SSLContext:
    """httpx's default verifying context (certifi, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``),
    made anew when those variables change."""
    return _context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.lru_cache(maxsize=4)
def _context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    import httpx

    return httpx.create_ssl_context()
