# Vendored from generator/runtime/client/errors.py by klinggen; edit that file, not this copy.
"""Errors of the fal API, typed by cause; all derive from ``kling_fal.KlingError``.

``KlingAPIValidationError`` is also a ``KlingValidationError``: fal's 422 is reported with the
same ``Issue(path, rule, message)`` entries as the client-side checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import Issue, KlingError, KlingValidationError, rule_for_error


class KlingAPIError(KlingError):
    """fal answered with an error (or could not be reached).

    ``retryable`` is fal's ``X-Fal-Retryable`` verdict when it sent one, else None.
    """

    retryable: bool | None = None
    retry_after: float | None = None

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        endpoint_id: str | None = None,
        error_type: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.endpoint_id = endpoint_id
        self.error_type = error_type

    def __str__(self) -> str:
        where = [f"HTTP {self.status_code}"] if self.status_code else []
        where += [f"request {self.request_id}"] if self.request_id else []
        return f"{self.message} ({', '.join(where)})" if where else self.message


class KlingAuthenticationError(KlingAPIError):
    """Missing, invalid or unauthorized credentials (401/403)."""


class KlingRateLimitError(KlingAPIError):
    """Too many requests (429) after every retry; ``retry_after`` in seconds when fal sent it."""


class KlingTimeoutError(KlingAPIError, TimeoutError):
    """A request or a wait for a job took longer than allowed."""


class KlingServerError(KlingAPIError):
    """fal failed (5xx)."""


class KlingNotFoundError(KlingAPIError):
    """fal does not know the request id (404)."""


class KlingConnectionError(KlingAPIError):
    """fal could not be reached; ``sent`` tells whether the request may have arrived."""

    sent: bool = True


class KlingAPIValidationError(KlingValidationError, KlingAPIError):
    """fal rejected the input (422); ``issues`` map ``detail[].loc`` back to field paths."""

    def __init__(
        self,
        model: str,
        issues: Iterable[Issue],
        *,
        status_code: int | None = 422,
        request_id: str | None = None,
        endpoint_id: str | None = None,
        error_type: str | None = None,
    ) -> None:
        self.model = model
        self._issues = tuple(sorted(issues))
        Exception.__init__(self, model)  # KlingValidationError's init, minus the MRO
        self.message = "fal rejected the input"
        self.status_code = status_code
        self.request_id = request_id
        self.endpoint_id = endpoint_id
        self.error_type = error_type

    def __str__(self) -> str:
        suffix = f" (request {self.request_id})" if self.request_id else ""
        return f"fal rejected the input{suffix}: {KlingValidationError.__str__(self)}"


def loc_path(loc: Iterable[object]) -> str:
    """``["body", "elements", 0, "frontal_image_url"]`` -> ``elements[0].frontal_image_url``."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def issues_from_detail(detail: object) -> list[Issue]:
    """Issues from a 422 ``detail``: a list of ``{loc, msg, type, ctx}`` or a plain message."""
    if not isinstance(detail, list):
        return [Issue("", "api", str(detail))]
    issues = []
    for item in detail:
        if not isinstance(item, Mapping):
            issues.append(Issue("", "api", str(item)))
            continue
        kind = str(item.get("type", ""))
        rule = rule_for_error(kind)
        ctx = item.get("ctx")
        if kind == "value_error" and isinstance(ctx, Mapping) and ctx.get("rule"):
            rule = str(ctx["rule"])  # a cross-field rule, named by its id
        elif rule == "type" and kind:
            rule = kind
        issues.append(Issue(loc_path(item.get("loc") or ()), rule, str(item.get("msg", ""))))
    return issues


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` (and of its id/secret halves) masked."""
    if not secret:
        return text
    for part in {secret, *(p for p in secret.split(":") if len(p) >= 8)}:
        text = text.replace(part, "***")
    return text


def from_response(
    status_code: int,
    body: Any,
    *,
    model: str = "",
    headers: Mapping[str, str] | None = None,
    request_id: str | None = None,
    endpoint_id: str | None = None,
    secret: str | None = None,
) -> KlingAPIError:
    """The typed error for an HTTP error answer of fal (``body`` parsed JSON or text)."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    detail = body.get("detail", body) if isinstance(body, Mapping) else body
    error_type = body.get("error_type") if isinstance(body, Mapping) else None
    error_type = error_type or headers.get("x-fal-error-type")
    request_id = request_id or headers.get("x-fal-request-id")
    common: dict[str, Any] = {
        "status_code": status_code,
        "request_id": request_id,
        "endpoint_id": endpoint_id,
        "error_type": error_type,
    }
    if status_code == 422:
        issues = [
            Issue(i.path, i.rule, redact(i.message, secret)) for i in issues_from_detail(detail)
        ]
        return KlingAPIValidationError(model or endpoint_id or "request", issues, **common)
    message = redact(detail if isinstance(detail, str) else str(detail), secret)
    error = _typed(status_code, error_type, message or f"HTTP {status_code}", common)
    error.retry_after = _seconds(headers.get("retry-after"))
    flag = headers.get("x-fal-retryable", "").lower()
    error.retryable = {"true": True, "false": False}.get(flag)
    return error


def _typed(
    status_code: int, error_type: str | None, message: str, common: dict[str, Any]
) -> KlingAPIError:
    if status_code in (401, 403):
        return KlingAuthenticationError(message, **common)
    if status_code == 429:
        return KlingRateLimitError(message, **common)
    if status_code == 404:
        return KlingNotFoundError(message, **common)
    if status_code in (408, 504) or error_type in ("request_timeout", "startup_timeout"):
        return KlingTimeoutError(message, **common)
    if status_code >= 500:
        return KlingServerError(message, **common)
    return KlingAPIError(message, **common)


def status_from_text(text: str) -> int | None:
    """The HTTP status named in fal's webhook ``error`` text ("Invalid status code: 422")."""
    found = re.search(r"\b([1-5]\d\d)\b", text)
    return int(found.group(1)) if found else None


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
