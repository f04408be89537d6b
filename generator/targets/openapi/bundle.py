"""The bundled OpenAPI 3.1 document: the merged spec laid out like fal's per-endpoint queue OpenAPI."""

from __future__ import annotations

import re
from typing import Any

from generator.frontend.assemble import ENDPOINT_PREFIX
from generator.frontend.ast import SpecAst
from generator.ir.model import Api
from generator.targets.openapi import queue

_SYNC_RUN = (
    "The same POST on https://fal.run runs the request synchronously: it answers with the "
    "result's 200 or 422 at once (one operation per method and path, so it is not listed apart)."
)


def operation_id(endpoint_id: str) -> str:
    """`fal-ai/kling-video/v2.6/pro/image-to-video` -> `v2_6_pro_image_to_video`."""
    return (
        re.sub(r"[^0-9a-zA-Z]+", "_", endpoint_id.removeprefix(ENDPOINT_PREFIX)).strip("_").lower()
    )


def _operations(meta: dict[str, Any]) -> dict[str, dict[str, Any]]:
    endpoint_id = str(meta["id"])
    name = operation_id(endpoint_id)
    removed = meta["status"] == "removed"
    common: dict[str, Any] = {"tags": [meta["model"]]}
    if removed:
        common["deprecated"] = True
    extension = {k: v for k, v in meta.items() if k not in ("input", "output", "examples")}
    submit = {
        **common,
        "operationId": f"{name}_submit",
        "summary": meta["title"],
        "description": meta["summary"],
        "x-kling-endpoint": extension,
        "x-kling-note": _SYNC_RUN,
        "parameters": [queue.parameter("FalWebhook")],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": meta["input"]}},
        },
        "responses": queue.submit_responses(name, removed),
    }
    paths: dict[str, dict[str, Any]] = {f"/{endpoint_id}": {"post": submit}}
    for action, spec in queue.request_operations(meta["output"]).items():
        label = action.replace("/", "_") or "result"
        logs = [queue.parameter("Logs")] if spec.get("logs") else []
        path = f"/{endpoint_id}/requests/{{request_id}}" + (f"/{action}" if action else "")
        paths[path] = {
            spec["method"]: {
                **common,
                "operationId": f"{name}_{label}",
                "summary": f"{label.replace('_', ' ').capitalize()} of a {endpoint_id} request",
                "parameters": [queue.parameter("RequestId"), *logs],
                "responses": spec["responses"],
            }
        }
    return paths


def build_bundle(ast: SpecAst) -> dict[str, Any]:
    """One OpenAPI 3.1 document: root keys, every schema (sorted by name) and the queue paths."""
    root = ast.root
    paths: dict[str, Any] = {}
    for op in ast.endpoints:
        paths.update(_operations(op.meta))
    paths.update(queue.storage_paths())
    components = dict(root.get("components") or {})
    components["schemas"] = {name: named.body.raw for name, named in ast.schemas.items()}
    for kind, entries in queue.components(ast).items():
        components[kind] = {**components.get(kind, {}), **entries}
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
