"""A client of fal's Platform API (api.fal.ai/v1): model listing, OpenAPI documents, prices.

``Authorization: Key <FAL_KEY>``; lists are followed page by page until ``has_more`` is false;
calls naming endpoint ids send at most 50 a call; a 429 is retried after its ``Retry-After``
(seconds or an HTTP date; else 1, 2, 4... seconds); any other failure is a ``PlatformError``.
"""

from __future__ import annotations

import contextlib
import datetime
import email.utils
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from generator.fal import DEFAULT_API_URL

MAX_IDS = 50  # endpoint ids per call, as fal documents
RETRIES = 5
MAX_WAIT = 60.0


class PlatformError(Exception):
    """A Platform API call failed: one line naming the call, the status and fal's message."""


@dataclass(frozen=True, slots=True)
class FalPrice:
    """fal's list price of one endpoint: ``unit_price`` per ``unit`` in ``currency``."""

    unit_price: float
    unit: str
    currency: str


def _wait(response: httpx.Response, attempt: int) -> float:
    """Seconds to wait before retrying a 429: its Retry-After, else exponential backoff."""
    header = response.headers.get("retry-after", "").strip()
    try:
        return min(max(float(header), 0.0), MAX_WAIT)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return min(2.0**attempt, MAX_WAIT)
    now = datetime.datetime.now(datetime.timezone.utc)
    return min(max((when - now).total_seconds(), 0.0), MAX_WAIT)


def _message(response: httpx.Response) -> str:
    """fal's ``{error: {type, message}}`` as ``type: message``, else the body's start."""
    try:
        error = response.json().get("error")
        return f"{error['type']}: {error['message']}"
    except (ValueError, AttributeError, KeyError, TypeError):
        return response.text[:200].replace("\n", " ") or response.reason_phrase


@contextlib.contextmanager
def _shape(path: str) -> Iterator[None]:
    """An answer not in fal's documented shape is a PlatformError naming what is missing."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"no {exc}" if isinstance(exc, KeyError) else str(exc)
        raise PlatformError(f"GET {path}: not fal's documented answer: {detail}") from None


def _batches(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), MAX_IDS):
        yield ids[start : start + MAX_IDS]


class PlatformClient:
    """Calls on fal's Platform API at `api_url`, with `key` when given (``FAL_KEY``).

    `page_size` is sent as ``limit`` (None: fal's default); `transport` and `sleep` are for tests.
    """

    def __init__(
        self,
        api_url: str = DEFAULT_API_URL,
        key: str | None = None,
        *,
        page_size: int | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 60.0,
    ) -> None:
        headers = {"Authorization": f"Key {key}"} if key else {}
        self._http = httpx.Client(
            base_url=api_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )
        self._page_size, self._sleep = page_size, sleep
        self.has_key = bool(key)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, path: str, params: list[tuple[str, str]]) -> dict[str, Any]:
        """One GET, retried on 429; the JSON object answered."""
        attempt = 0
        while True:
            try:
                response = self._http.get(path, params=tuple(params))
            except httpx.HTTPError as exc:
                where = f"GET {str(self._http.base_url).rstrip('/')}{path}"
                raise PlatformError(f"{where}: {type(exc).__name__}: {exc}") from None
            if response.status_code != 429 or attempt == RETRIES:
                break
            self._sleep(_wait(response, attempt))
            attempt += 1
        if response.is_success:
            try:
                data = response.json()
            except ValueError:
                data = None
            if isinstance(data, dict):
                return data
        raise PlatformError(f"GET {response.url}: {response.status_code} {_message(response)}")

    def _pages(self, params: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
        """Every model of a ``/models`` query, following ``next_cursor`` while ``has_more``."""
        if self._page_size is not None:
            params = [*params, ("limit", str(self._page_size))]
        cursor: str | None = None
        while True:
            page = self.get("/models", params + ([("cursor", cursor)] if cursor else []))
            yield from page.get("models") or []
            cursor = page.get("next_cursor")
            if not page.get("has_more") or not cursor:
                return

    def statuses(self, query: str, category: str | None = None) -> dict[str, str]:
        """Id -> fal's status (``active`` when it gives no metadata) of every model a search for
        `query` (and `category`) lists, sorted by id."""
        params = [("q", query), *([("category", category)] if category else [])]
        with _shape("/models"):
            found = {
                str(model["endpoint_id"]): str(
                    (model.get("metadata") or {}).get("status", "active")
                )
                for model in self._pages(params)
            }
        return dict(sorted(found.items()))

    def documents(self, ids: list[str]) -> dict[str, Any]:
        """Endpoint id -> its ``openapi`` as fal answers it (a document, ``{error: ...}`` or
        None when fal left it out)."""
        found: dict[str, Any] = dict.fromkeys(ids)
        for batch in _batches(ids):
            params = [*(("endpoint_id", i) for i in batch), ("expand", "openapi-3.0")]
            with _shape("/models"):
                for model in self._pages(params):
                    if model.get("endpoint_id") in found:
                        found[model["endpoint_id"]] = model.get("openapi")
        return found

    def prices(self, ids: list[str]) -> dict[str, FalPrice]:
        """Endpoint id -> fal's list price, for the ids fal prices (needs a key)."""
        found = {}
        for batch in _batches(ids):
            answer = self.get("/models/pricing", [("endpoint_id", ",".join(batch))])
            with _shape("/models/pricing"):
                for price in answer["prices"]:
                    found[str(price["endpoint_id"])] = FalPrice(
                        float(price["unit_price"]), str(price["unit"]), str(price["currency"])
                    )
        return found
