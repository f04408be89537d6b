"""fal's 422 bodies, as the emulator sends them, become the client's issues with the right rules."""

from __future__ import annotations

from typing import Any

import httpx
from kling_fal.client.errors import issues_from_detail
from test_client_helpers import KEY, emulator

__all__ = ["emulator"]  # the fixture

V26_I2V = "fal-ai/kling-video/v2.6/pro/image-to-video"


def _detail(emu: Any, payload: dict[str, Any]) -> Any:
    response = httpx.post(
        f"{emu.url}/{V26_I2V}", json=payload, headers={"Authorization": f"Key {KEY}"}
    )
    assert response.status_code == 422, response.text
    return response.json()["detail"]


def test_a_broken_cross_field_rule_is_named_by_its_id(emulator: Any) -> None:
    detail = _detail(
        emulator,
        {"prompt": "x", "start_image_url": "https://e.com/a.png", "voice_ids": ["a", "b", "c"]},
    )
    assert [item["type"] for item in detail] == ["value_error"]  # pydantic's name, as fal sends
    issues = issues_from_detail(detail)
    assert [(i.path, i.rule) for i in issues] == [("voice_ids", "voice-ids-max-2")]


def test_pydantic_error_types_map_to_the_client_rules(emulator: Any) -> None:
    detail = _detail(emulator, {"start_image_url": 5})
    rules = {i.path: i.rule for i in issues_from_detail(detail)}
    assert rules == {"prompt": "required", "start_image_url": "string_type"}
