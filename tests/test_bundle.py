"""generated/openapi.json: what each queue operation answers with, the shared components, the
status objects derived from the spec, and the cross-field rules its request schemas state."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kling_fal
import pytest
from kling_fal._spec_data import RULES
from support import GENERATED, MINI_SPEC, edit

from generator.frontend.assemble import assemble
from generator.frontend.ast import build_ast
from generator.frontend.load import load_dir
from generator.targets.openapi.bundle import build_bundle

V26 = "/fal-ai/kling-video/v2.6/pro/image-to-video"
COMMON = {"401", "429", "5XX"}


@cache
def bundle() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((GENERATED / "openapi.json").read_text(encoding="utf-8"))
    return loaded


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) of every endpoint's queue calls."""
    return [
        (p, m, op)
        for p, item in bundle()["paths"].items()
        for m, op in item.items()
        if p.startswith("/fal-ai/")
    ]


def validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator of components/schemas/`name`, its $refs resolved in the bundle."""
    schema = {**bundle(), "$ref": f"#/components/schemas/{name}"}
    return jsonschema.Draft202012Validator(schema)


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [*([node["$ref"]] if "$ref" in node else []), *refs(list(node.values()))]
    if isinstance(node, list):
        return [ref for item in node for ref in refs(item)]
    return []


def test_every_ref_names_a_component() -> None:
    for ref in set(refs(bundle())):
        _, kind, name = ref.removeprefix("#/").split("/")
        assert name in bundle()["components"][kind], ref


@pytest.mark.parametrize(
    ("suffix", "method", "statuses"),
    [
        ("", "post", {"200", "400", "422"}),
        ("/requests/{request_id}", "get", {"200", "400", "404", "422", "499"}),
        ("/requests/{request_id}/status", "get", {"200", "202", "404"}),
        ("/requests/{request_id}/status/stream", "get", {"200", "404"}),
        ("/requests/{request_id}/cancel", "put", {"202", "400", "404"}),
    ],
)
def test_each_operation_of_every_active_endpoint_lists_its_answers(
    suffix: str, method: str, statuses: set[str]
) -> None:
    for endpoint_id, info in kling_fal.ENDPOINTS.items():
        if info.status == "active":
            responses = bundle()["paths"][f"/{endpoint_id}{suffix}"][method]["responses"]
            assert set(responses) == statuses | COMMON, (endpoint_id, suffix)


def test_a_removed_endpoint_submit_answers_404() -> None:
    removed = [i for i, e in kling_fal.ENDPOINTS.items() if e.status == "removed"]
    assert removed
    for endpoint_id in removed:
        submit = bundle()["paths"][f"/{endpoint_id}"]["post"]
        assert submit["deprecated"] is True
        assert set(submit["responses"]) == {"404"} | COMMON


def test_shared_answers_are_components_referenced_everywhere() -> None:
    for _, _, op in operations():
        assert op["responses"]["401"] == {"$ref": "#/components/responses/Unauthorized"}
        assert op["responses"]["5XX"] == {"$ref": "#/components/responses/ServerError"}
        for response in op["responses"].values():
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            assert "$ref" in schema or "$ref" in response, op["operationId"]


def test_status_answers_split_the_spec_enum_into_200_and_202() -> None:
    status = bundle()["paths"][f"{V26}/requests/{{request_id}}/status"]["get"]["responses"]
    assert status["202"]["content"]["application/json"]["schema"]["$ref"].endswith("Pending")
    completed, pending = validator("QueueStatusCompleted"), validator("QueueStatusPending")
    assert completed.is_valid({"status": "COMPLETED", "request_id": "r", "logs": None})
    for value in ("IN_QUEUE", "IN_PROGRESS"):
        assert pending.is_valid({"status": value, "request_id": "r"})
        assert not completed.is_valid({"status": value, "request_id": "r"})
    assert not pending.is_valid({"status": "COMPLETED", "request_id": "r"})


def test_the_ticket_needs_the_urls_fal_client_reads() -> None:
    ticket = {
        "status": "IN_QUEUE",
        "request_id": "r",
        "response_url": "u",
        "status_url": "u/status",
        "cancel_url": "u/cancel",
        "queue_position": 0,
    }
    assert validator("QueueTicket").is_valid(ticket)
    for key in ("status_url", "cancel_url", "response_url"):
        assert not validator("QueueTicket").is_valid({k: v for k, v in ticket.items() if k != key})
    assert not validator("QueueTicket").is_valid({**ticket, "status": "IN_PROGRESS"})


def test_logs_are_a_list_of_entries_or_null() -> None:
    entry = {"message": "m", "level": "INFO", "source": "USER", "timestamp": "t"}
    status = validator("QueueStatus")
    assert status.is_valid({"status": "IN_PROGRESS", "request_id": "r", "logs": [entry]})
    assert status.is_valid({"status": "IN_PROGRESS", "request_id": "r", "logs": None})
    assert not status.is_valid({"status": "IN_PROGRESS", "request_id": "r", "logs": {}})
    bad_level = {**entry, "level": "LOUD"}
    assert not status.is_valid({"status": "IN_PROGRESS", "request_id": "r", "logs": [bad_level]})


def test_the_logs_flag_takes_fals_spellings_and_says_why() -> None:
    logs = bundle()["components"]["parameters"]["Logs"]
    assert logs["in"] == "query"
    assert logs["schema"]["enum"] == ["1", "0", "true", "false"]
    assert "fal_client" in logs["schema"]["x-kling-note"]


def test_the_422_body_is_fastapis() -> None:
    body = validator("HTTPValidationError")
    item = {"loc": ["body", "multi_prompt", 0], "msg": "m", "type": "missing", "input": {}}
    assert body.is_valid({"detail": [item, {**item, "ctx": {"rule": "x"}}]})
    assert not body.is_valid({"detail": "a string"})
    assert not body.is_valid({"detail": [{"loc": ["body"], "msg": "m"}]})


def test_server_errors_need_an_error_type() -> None:
    assert validator("QueueServerError").is_valid({"detail": "d", "error_type": "request_timeout"})
    assert not validator("QueueServerError").is_valid({"detail": "d"})
    assert validator("QueueError").is_valid({"detail": "d"})


def test_cancel_answers_carry_their_status() -> None:
    responses = bundle()["components"]["responses"]
    for name, value in (
        ("CancellationRequested", "CANCELLATION_REQUESTED"),
        ("AlreadyCompleted", "ALREADY_COMPLETED"),
        ("CancelNotFound", "NOT_FOUND"),
    ):
        schema = {**bundle(), **responses[name]["content"]["application/json"]["schema"]}
        check = jsonschema.Draft202012Validator(schema)
        assert check.is_valid({"status": value}), name
        assert not check.is_valid({"status": "OK"}), name


def test_stream_events_carry_a_status_object() -> None:
    stream = bundle()["paths"][f"{V26}/requests/{{request_id}}/status/stream"]["get"]
    assert {p["$ref"].rsplit("/", 1)[1] for p in stream["parameters"]} == {"RequestId", "Logs"}
    response = bundle()["components"]["responses"]["StatusStream"]
    data = response["content"]["text/event-stream"]["schema"]["properties"]["data"]
    assert data["contentSchema"] == {"$ref": "#/components/schemas/QueueStatus"}


def test_submit_links_lead_to_its_own_request_operations() -> None:
    ids = {op["operationId"] for _, _, op in operations()}
    links = bundle()["paths"][V26]["post"]["responses"]["200"]["links"]
    assert {link["operationId"] for link in links.values()} <= ids
    assert all(
        link["operationId"].startswith("v2_6_pro_image_to_video_") for link in links.values()
    )
    assert len(links) == 4


def _target(name: str, at: tuple[str, ...]) -> str:
    """The schema a rule found at `at` (fields and `[]` for items) inside `name` belongs to."""
    node: dict[str, Any] = bundle()["components"]["schemas"][name]
    for part in at:
        node = node["items"] if part == "[]" else node["properties"][part]
        while "$ref" not in node and len(node.get("anyOf") or node.get("allOf") or ()) >= 1:
            node = next(n for n in node.get("anyOf") or node["allOf"] if n.get("type") != "null")
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[1]
            node = bundle()["components"]["schemas"][name]
    return name


def test_request_schemas_state_every_rule_json_schema_can() -> None:
    """Each rule of a request (its own or an item's) whose kind lowers is in that schema's allOf."""
    schemas = bundle()["components"]["schemas"]
    stated = 0
    for endpoint_id in kling_fal.ENDPOINTS:
        body = bundle()["paths"][f"/{endpoint_id}"]["post"]["requestBody"]
        request = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for rule in RULES.get(request, ()):
            owner = _target(request, rule.at)
            entries = {e.get("$comment"): e for e in schemas[owner].get("allOf", [])}
            lowered, found = rule.check.lower(), entries.get(f"rule {rule.id}")
            if lowered is None:
                assert found is None, (owner, rule.id)
            else:
                assert found == {"$comment": f"rule {rule.id}", **lowered}, (owner, rule.id)
                stated += 1
    assert stated


def _mini(tmp_path: Path) -> Path:
    spec = tmp_path / "spec"
    shutil.copytree(MINI_SPEC, spec)
    return spec


def _bundle_of(spec: Path) -> dict[str, Any]:
    return build_bundle(build_ast(assemble(load_dir(spec))))


def test_pending_statuses_follow_the_spec_enum(tmp_path: Path) -> None:
    spec = _mini(tmp_path)
    edit(
        spec / "components/queue.yaml", "IN_PROGRESS, COMPLETED]", "IN_PROGRESS, PAUSED, COMPLETED]"
    )
    schemas = _bundle_of(spec)["components"]["schemas"]
    narrowed = schemas["QueueStatusPending"]["allOf"][1]["properties"]["status"]
    assert narrowed["enum"] == ["IN_QUEUE", "IN_PROGRESS", "PAUSED"]


def test_a_spec_without_completed_is_refused(tmp_path: Path) -> None:
    spec = _mini(tmp_path)
    edit(spec / "components/queue.yaml", "IN_PROGRESS, COMPLETED]", "IN_PROGRESS]")
    with pytest.raises(ValueError, match="QueueStatusEnum lacks the queue status COMPLETED"):
        _bundle_of(spec)


def test_a_spec_schema_named_like_a_protocol_one_is_refused(tmp_path: Path) -> None:
    spec = _mini(tmp_path)
    edit(
        spec / "components/queue.yaml",
        "    QueueStatusEnum:",
        "    QueueError:\n      title: QueueError\n      type: object\n    QueueStatusEnum:",
    )
    with pytest.raises(
        ValueError, match=r"protocol.yaml defines schemas the spec defines too: \['QueueError'\]"
    ):
        _bundle_of(spec)


def test_storage_calls_are_on_fals_storage_hosts() -> None:
    paths = bundle()["paths"]
    assert paths["/storage/auth/token"]["servers"] == [{"url": "https://rest.fal.ai"}]
    assert paths["/files/upload"]["servers"] == [{"url": "https://v3.fal.media"}]
    assert paths["/files/upload"]["post"]["security"] == [{"cdnToken": []}]
    token = {"token": "t", "token_type": "Bearer", "base_url": "u", "expires_at": "2026-01-01"}
    assert validator("StorageToken").is_valid(token)
    assert not validator("StorageToken").is_valid({k: v for k, v in token.items() if k != "token"})
