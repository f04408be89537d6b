"""fal's queue on every endpoint: its operations, what each answers with, and the shared parts;
fal's storage calls.

The shared bodies, responses, parameters and headers are data (protocol.yaml); the status
objects per HTTP status are derived here from the spec's `QueueStatusEnum`: COMPLETED is
answered with 200, every other status with 202, and a submit is answered IN_QUEUE.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from generator.frontend.ast import SpecAst

PROTOCOL = Path(__file__).with_name("protocol.yaml")
STATUS_ENUM = "QueueStatusEnum"
COMPLETED, QUEUED = "COMPLETED", "IN_QUEUE"
_TICKET_FIELDS = ["status", "request_id", "response_url", "status_url", "cancel_url"]


@functools.cache
def _protocol() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(PROTOCOL.read_text(encoding="utf-8"))
    return loaded


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _narrowed(status: list[str], required: list[str], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "allOf": [
            _ref("schemas", "QueueStatus"),
            {"required": required, "properties": {"status": {"enum": status}}},
        ],
    }


def status_schemas(ast: SpecAst) -> dict[str, Any]:
    """QueueTicket (submit), QueueStatusPending (202) and QueueStatusCompleted (200)."""
    named = ast.schemas.get(STATUS_ENUM)
    values = [str(v) for v in (named.body.raw.get("enum") or [])] if named else []
    missing = [v for v in (QUEUED, COMPLETED) if v not in values]
    if missing:
        raise ValueError(f"spec {STATUS_ENUM} lacks the queue status {', '.join(missing)}")
    pending = [v for v in values if v != COMPLETED]
    return {
        "QueueTicket": _narrowed(
            [QUEUED],
            [*_TICKET_FIELDS, "queue_position"],
            "A submitted request: where to poll, fetch and cancel it.",
        ),
        "QueueStatusPending": _narrowed(pending, ["status"], "A request not completed yet."),
        "QueueStatusCompleted": _narrowed([COMPLETED], ["status"], "A completed request."),
    }


def components(ast: SpecAst) -> dict[str, dict[str, Any]]:
    """The queue's components, to merge beside the spec's; a name the spec uses too is an error."""
    shared = {kind: dict(entries) for kind, entries in _protocol()["components"].items()}
    shared["schemas"].update(status_schemas(ast))
    taken = sorted(set(shared["schemas"]) & set(ast.schemas))
    if taken:
        raise ValueError(f"{PROTOCOL.name} defines schemas the spec defines too: {taken}")
    return shared


def storage_paths() -> dict[str, Any]:
    """fal's storage calls (token, upload), each path with the host fal serves it from."""
    paths: dict[str, Any] = _protocol()["paths"]
    return paths


def _json(schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        **extra,
        "content": {"application/json": {"schema": schema}},
    }


_REQUEST_ID_HEADER = {"X-Fal-Request-Id": _ref("headers", "X-Fal-Request-Id")}
_FAILURES = {"401": _ref("responses", "Unauthorized"), "429": _ref("responses", "RateLimited")}
_SERVER = {"5XX": _ref("responses", "ServerError")}


def _responses(own: dict[str, Any]) -> dict[str, Any]:
    """`own` with the answers every queue call can get, in status order."""
    merged = {**own, **_FAILURES, **_SERVER}
    return dict(sorted(merged.items()))


def submit_responses(name: str, removed: bool) -> dict[str, Any]:
    """A submit's answers; links from the ticket to the request's operations (by request id)."""
    if removed:
        return _responses({"404": _ref("responses", "EndpointRemoved")})
    request_id = {"request_id": "$response.body#/request_id"}
    links = {
        action.capitalize(): {"operationId": f"{name}_{action}", "parameters": request_id}
        for action in ("status", "status_stream", "result", "cancel")
    }
    ticket = _json(
        _ref("schemas", "QueueTicket"),
        "Queued: the request id and its URLs.",
        headers=_REQUEST_ID_HEADER,
        links=links,
    )
    return _responses(
        {
            "200": ticket,
            "400": _ref("responses", "BadWebhook"),
            "422": _ref("responses", "ValidationFailed"),
        }
    )


def request_operations(output: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """By action (``""`` is the result): method, extra parameters and answers."""
    found = _ref("responses", "RequestNotFound")
    return {
        "": {
            "method": "get",
            "responses": _responses(
                {
                    "200": _json(output, "Result of the request.", headers=_REQUEST_ID_HEADER),
                    "400": _ref("responses", "NotCompleted"),
                    "404": found,
                    "422": _ref("responses", "ValidationFailed"),
                    "499": _ref("responses", "Cancelled"),
                }
            ),
        },
        "status": {
            "method": "get",
            "logs": True,
            "responses": _responses(
                {
                    "200": _json(_ref("schemas", "QueueStatusCompleted"), "Completed."),
                    "202": _json(_ref("schemas", "QueueStatusPending"), "Queued or running."),
                    "404": found,
                }
            ),
        },
        "status/stream": {
            "method": "get",
            "logs": True,
            "responses": _responses({"200": _ref("responses", "StatusStream"), "404": found}),
        },
        "cancel": {
            "method": "put",
            "responses": _responses(
                {
                    "202": _ref("responses", "CancellationRequested"),
                    "400": _ref("responses", "AlreadyCompleted"),
                    "404": _ref("responses", "CancelNotFound"),
                }
            ),
        },
    }


def parameter(name: str) -> dict[str, str]:
    """A shared parameter of protocol.yaml."""
    return _ref("parameters", name)
