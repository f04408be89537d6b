"""The accessors are typed for IDEs and type checkers: mypy --strict on a snippet using them.

Lines ending in ``# error`` must be reported, every other line must type-check, and the revealed
types are the endpoints' own output models.
"""

from __future__ import annotations

from pathlib import Path

from typing_support import marked_lines, mypy_strict

SNIPPET = """
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


def test_accessors_type_check_under_mypy_strict(tmp_path: Path) -> None:
    report = mypy_strict(SNIPPET, tmp_path)
    assert report.errors == marked_lines(SNIPPET), report.output
    assert report.revealed == [
        "kling_fal.models.outputs.image_to_video_v26_pro_output.ImageToVideoV26ProOutput",
        "kling_fal.models.outputs.image_to_video_v26_pro_output.ImageToVideoV26ProOutput",
        "kling_fal.models.outputs.text_to_video_v3_pro_output.TextToVideoV3ProOutput",
        "kling_fal._runtime.client._types.JobHandle[kling_fal.models.outputs.text_to_video_v3_pro_output.TextToVideoV3ProOutput]",
    ]
