"""The emulator validates as fal does: FastAPI's 422 items, fal's leniencies, strict mode."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from emulator_support import ACTIVE, V26_I2V, client, payload, poll, submit
from kling_fal import fixtures
from kling_fal._runtime.errors import rule_for_error
from kling_fal.emulator import Emulator

V3_T2V = "fal-ai/kling-video/v3/pro/text-to-video"
V1_T2V = "fal-ai/kling-video/v1/standard/text-to-video"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(steps=0, seed=11) as running:
        yield running


@pytest.fixture(scope="module")
def http(emu: Emulator) -> Iterator[httpx.Client]:
    with client(emu) as c:
        yield c


@pytest.fixture(scope="module")
def strict() -> Iterator[httpx.Client]:
    with Emulator(strict=True) as running, client(running) as c:
        yield c


def loc_to_path(loc: list[Any]) -> str:
    assert loc[0] == "body"
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:]).lstrip(".")


def rule_of(item: dict[str, Any]) -> str:
    """The package's rule id for a 422 item: the cross-field rule in ctx, else pydantic's type."""
    return (
        str(item["ctx"]["rule"]) if item["type"] == "value_error" else rule_for_error(item["type"])
    )


def detail(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    items: list[dict[str, Any]] = response.json()["detail"]
    for item in items:
        assert {"loc", "msg", "type", "input"} <= set(item) and item["msg"], item
    return items


@pytest.mark.parametrize("endpoint_id", ACTIVE)
def test_strict_rejects_every_invalid_fixture_as_the_validator_does(
    strict: httpx.Client, endpoint_id: str
) -> None:
    for fixture in fixtures.invalid(endpoint_id):
        items = detail(strict.post(f"/{endpoint_id}", json=fixture.payload))
        found = {(loc_to_path(d["loc"]), rule_of(d)) for d in items}
        assert found == set(fixture.expect), fixture.name


def test_items_have_pydantic_types_inputs_and_context(http: httpx.Client) -> None:
    body = {"multi_prompt": [{"prompt": "a", "duration": "99"}], "prompt": 7, "cfg_scale": 3}
    items = {(tuple(d["loc"]), d["type"]): d for d in detail(http.post(f"/{V3_T2V}", json=body))}
    assert set(items) == {
        (("body", "multi_prompt", 0, "duration"), "enum"),
        (("body", "prompt"), "string_type"),
        (("body", "cfg_scale"), "less_than_equal"),
    }
    assert items[("body", "prompt"), "string_type"]["input"] == 7
    assert items[("body", "cfg_scale"), "less_than_equal"]["ctx"] == {"le": 1.0}
    assert items[("body", "multi_prompt", 0, "duration"), "enum"]["input"] == "99"
    missing = detail(http.post(f"/{V26_I2V}", json={"prompt": "x"}))
    assert [(d["loc"], d["type"]) for d in missing] == [(["body", "start_image_url"], "missing")]
    long = detail(http.post(f"/{V26_I2V}", json={**payload(V26_I2V), "prompt": "x" * 2501}))
    assert (long[0]["type"], long[0]["ctx"]) == ("string_too_long", {"max_length": 2500})


def test_cross_field_rules_are_value_errors_naming_the_rule(http: httpx.Client) -> None:
    both = {"prompt": "a", "multi_prompt": [{"prompt": "b", "duration": "5"}]}
    items = detail(http.post(f"/{V3_T2V}", json=both))
    assert [(d["loc"], d["type"], d["ctx"]["rule"]) for d in items] == [
        (["body", "prompt"], "value_error", "prompt-xor-multi-prompt")
    ]
    assert items[0]["input"] == "a" and items[0]["msg"] == items[0]["ctx"]["error"]


def test_unknown_fields_are_ignored_by_default_and_rejected_when_strict(
    emu: Emulator, http: httpx.Client, strict: httpx.Client
) -> None:
    extra = {**payload(V26_I2V), "not_a_field": 1, "image_url": "u"}
    submitted = submit(http, V26_I2V, extra)
    assert emu.requests[submitted["request_id"]].input == extra  # stored as sent
    poll(http, submitted)
    assert http.get(submitted["response_url"]).status_code == 200
    items = detail(strict.post(f"/{V26_I2V}", json=extra))
    assert {(d["loc"][1], d["type"]) for d in items} == {
        ("not_a_field", "extra_forbidden"),
        ("image_url", "extra_forbidden"),
    }


def test_explicit_null_is_rejected_where_the_spec_has_no_null(http: httpx.Client) -> None:
    body = {**payload(V26_I2V), "negative_prompt": None, "duration": None}
    items = detail(http.post(f"/{V26_I2V}", json=body))
    assert {(tuple(d["loc"]), d["type"]) for d in items} == {
        (("body", "negative_prompt"), "string_type"),
        (("body", "duration"), "enum"),
    }
    assert all(d["input"] is None for d in items)
    nested = {"prompt": "a", "multi_prompt": [{"prompt": None, "duration": "5"}]}
    items = detail(http.post(f"/{V3_T2V}", json=nested))
    assert [(d["loc"], d["type"]) for d in items] == [
        (["body", "multi_prompt", 0, "prompt"], "string_type")
    ]


def test_integral_floats_are_integers_others_are_not(emu: Emulator, http: httpx.Client) -> None:
    camera = {"movement_type": "pan", "movement_value": 6.0}
    body = {**payload(V1_T2V), "advanced_camera_control": camera}
    submitted = submit(http, V1_T2V, body)
    assert emu.requests[submitted["request_id"]].input == body  # stored as sent
    camera["movement_value"] = 6.5
    items = detail(http.post(f"/{V1_T2V}", json=body))
    assert [(d["loc"], d["type"], d["input"]) for d in items] == [
        (["body", "advanced_camera_control", "movement_value"], "int_type", 6.5)
    ]
    camera["movement_value"] = 11.0  # an integer, but out of range
    items = detail(http.post(f"/{V1_T2V}", json=body))
    assert [(d["type"], d["input"]) for d in items] == [("less_than_equal", 11)]


def test_malformed_json_is_json_invalid_at_its_position(http: httpx.Client) -> None:
    response = http.post(f"/{V26_I2V}", content=b"{not json", headers={"content-type": "x"})
    [item] = detail(response)
    assert (item["loc"], item["type"]) == (["body", 1], "json_invalid")


def test_validate_on_result_reports_422_at_the_result() -> None:
    with Emulator(validate_on="result", steps=1) as emu, client(emu) as http:
        submitted = submit(http, V26_I2V, {"prompt": 5})
        done = poll(http, submitted)[-1].json()
        assert done["status"] == "COMPLETED" and "422" in done["error"]
        items = detail(http.get(submitted["response_url"]))
        assert ("start_image_url", "missing") in {(loc_to_path(d["loc"]), d["type"]) for d in items}
        assert emu.requests[submitted["request_id"]].outcome == "ERROR"
