"""Typing, in one mypy --strict run: the generated package itself, the request models
constructed directly (tests/test_model_typing.py's snippet) and the client's accessors.

In each snippet, lines ending in ``# error`` must be reported and every other line must
type-check; the revealed types are the models' own field types and the endpoints' own output
models.
"""

from __future__ import annotations

import re

import pytest
from test_model_typing import SNIPPET as MODELS
from typing_support import MypyReport, marked_lines, mypy_strict

pytestmark = pytest.mark.slow(13)  # seconds, roughly: scheduled early (conftest.py)

CLIENT = """
from pathlib import Path
from kling_fal.client import AsyncKlingClient, JobHandle, KlingClient
from kling_fal.models import Duration5To10Enum, ImageToVideoV26ProRequest

client = KlingClient(key="k")
out = client.v2_6_pro_image_to_video(prompt="p", start_image_url=Path("a.png"), duration=10)
reveal_type(out)
request = ImageToVideoV26ProRequest(prompt="p", start_image_url="https://a/b.png")
handle = client.v2_6_pro_image_to_video.submit(request, webhook_url="https://h")
reveal_type(client.result(handle))
client.v2_6_pro_image_to_video(prompt="p", start_image_url=b"...", duration=Duration5To10Enum.V5)
client.v2_6_pro_image_to_video.subscribe({"prompt": "p"}, on_queue_update=print)
client.o3_4k_video_to_video_edit(prompt="p", video_url="u", elements=[{"frontal_image_url": b""}])
client.v2_6_pro_image_to_video(prompt="p")  # error: start_image_url is required
client.v2_6_pro_image_to_video(prompt=1, start_image_url="u")  # error: prompt is a str
client.v2_6_pro_image_to_video(prompt="p", start_image_url="u", image_url="u")  # error: unknown
client.v2_6_pro_image_to_video(prompt="p", start_image_url="u", duration=[5])  # error: type
other: JobHandle[object] = handle  # error: JobHandle is bound to output models

async def main() -> None:
    async_client = AsyncKlingClient()
    reveal_type(await async_client.v3_pro_text_to_video(prompt="p"))
    reveal_type(await async_client.v3_pro_text_to_video.submit(prompt="p"))
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MypyReport]:
    return mypy_strict({"models": MODELS, "accessors": CLIENT}, tmp_path_factory.mktemp("mypy"))


def test_generated_package_is_mypy_strict(reports: dict[str, MypyReport]) -> None:
    package = reports["kling_fal"]
    assert package.errors == set() and package.revealed == [], package.output
    assert re.search(r"Found \d+ errors in 2 files", package.output), package.output  # snippets


def test_direct_construction_type_checks_under_mypy_strict(
    reports: dict[str, MypyReport],
) -> None:
    report = reports["models"]
    assert report.errors == marked_lines(MODELS), report.output
    module = "kling_fal.models.inputs"
    assert report.revealed == [
        f"{module}.duration5_to10_enum.Duration5To10Enum | None",
        f"list[{module}.kling_v3_multi_prompt_element.KlingV3MultiPromptElement] | None",
        f"{module}.camera_control.CameraControl | None",
    ]


def test_accessors_type_check_under_mypy_strict(reports: dict[str, MypyReport]) -> None:
    report = reports["accessors"]
    assert report.errors == marked_lines(CLIENT), report.output
    assert report.revealed == [
        "kling_fal.models.outputs.image_to_video_v26_pro_output.ImageToVideoV26ProOutput",
        "kling_fal.models.outputs.image_to_video_v26_pro_output.ImageToVideoV26ProOutput",
        "kling_fal.models.outputs.text_to_video_v3_pro_output.TextToVideoV3ProOutput",
        "kling_fal._runtime.client._types.JobHandle[kling_fal.models.outputs.text_to_video_v3_pro_output.TextToVideoV3ProOutput]",
    ]
