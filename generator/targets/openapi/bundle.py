"""The bundled OpenAPI 3.1 document: the merged spec laid out like fal's per-endpoint queue OpenAPI."""

from __future__ import annotations

import re
from typing import Any

from generator.frontend.assemble import ENDPOINT_PREFIX
from generator.frontend.ast import SpecAst
from generator.ir.model import Api

_REQUEST_ID = {
    "in": "path",
    "name": "request_id",
    "required": True,
    "schema": {"type": "string", "description": "Request ID"},
}
_QUEUE_STATUS = {"$ref": "#/components/schemas/QueueStatus"}


def operation_id(endpoint_id: str) -> str:
    """`fal-ai/kling-video/v2.6/pro/image-to-video` -> `v2_6_pro_image_to_video`."""
    return (
        re.sub(r"[^0-9a-zA-Z]+", "_", endpoint_id.removeprefix(ENDPOINT_PREFIX)).strip("_").lower()
    )


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operations(meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
    endpoint_id = str(meta["id"])
    name = operation_id(endpoint_id)
    common: dict[str, Any] = {"tags": [meta["model"]]}
    if meta["status"] == "removed":
        common["deprecated"] = True
    extension = {k: v for k, v in meta.items() if k not in ("input", "output", "examples")}
    submit = {
        **common,
        "operationId": f"{name}_submit",
        "summary": meta["title"],
        "description": meta["summary"],
        "x-kling-endpoint": extension,
        "parameters": [
            {
                "in": "query",
                "name": "fal_webhook",
                "required": False,
                "schema": {"type": "string", "description": "URL fal POSTs the result to."},
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": meta["input"]}},
        },
        "responses": {"200": _json(_QUEUE_STATUS, "The request status.")},
    }
    logs = {
        "in": "query",
        "name": "logs",
        "required": False,
        "schema": {"type": "number", "description": "Include logs (`1`) or not (`0`)."},
    }
    cancelled = {
        "type": "object",
        "properties": {"success": {"type": "boolean", "description": "Whether it was cancelled."}},
    }
    base = f"/{endpoint_id}/requests/{{request_id}}"
    return {
        f"/{endpoint_id}": {"post": submit},
        base: {
            "get": {
                **common,
                "operationId": f"{name}_result",
                "summary": f"Result of {endpoint_id}",
                "parameters": [_REQUEST_ID],
                "responses": {"200": _json(meta["output"], "Result of the request.")},
            }
        },
        f"{base}/status": {
            "get": {
                **common,
                "operationId": f"{name}_status",
                "summary": f"Status of a {endpoint_id} request",
                "parameters": [_REQUEST_ID, logs],
                "responses": {"200": _json(_QUEUE_STATUS, "The request status.")},
            }
        },
        f"{base}/cancel": {
            "put": {
                **common,
                "operationId": f"{name}_cancel",
                "summary": f"Cancel a {endpoint_id} request",
                "parameters": [_REQUEST_ID],
                "responses": {"200": _json(cancelled, "The request was cancelled.")},
            }
        },
    }


def build_bundle(ast: SpecAst) -> dict[str, Any]:
    """One OpenAPI 3.1 document: root keys, every schema (sorted by name) and the queue paths."""
    root = ast.root
    paths: dict[str, Any] = {}
    for op in ast.endpoints:
        paths.update(_operations(op.meta))
    components = dict(root.get("components") or {})
    components["schemas"] = {name: named.body.raw for name, named in ast.schemas.items()}
    head = {k: v for k, v in root.items() if k not in ("components", "x-kling-naming-drift")}
    return {**head, "paths": paths, "components": components}


def with_rules(bundle: dict[str, Any], api: Api) -> dict[str, Any]:
    """The bundle for generated/openapi.json: each schema with cross-field rules also states
    those its kind lowers to plain JSON Schema (an `allOf` entry per rule; generator/runtime/kinds),
    so that JSON Schema tools check them too. `total-count`, `sum` and `compare` have no such form.

    Only openapi.json gets them: datamodel-code-generator reads `oneOf`, `if` and `properties`
    inside `allOf` as parts of the model and would change its fields' types, while the models
    check every rule themselves.
    """
    schemas = dict(bundle["components"]["schemas"])
    for schema in api.schemas:
        lowered = [
            {"$comment": f"rule {rule.id}", **found}
            for rule in schema.rules
            if (found := rule.check.lower()) is not None
        ]
        if lowered:
            body = schemas[schema.name]
            schemas[schema.name] = {**body, "allOf": [*body.get("allOf", ()), *lowered]}
    return {**bundle, "components": {**bundle["components"], "schemas": schemas}}
