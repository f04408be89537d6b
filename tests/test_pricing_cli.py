"""`kling run --dry-run` and `--max-cost` against the emulator: the decision is made before
anything is submitted (the emulator records every request it receives)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from kling_fal._runtime.cli._cost import EXIT_COST
from kling_fal.emulator import Emulator
from PIL import Image
from test_cli import connection, kling
from test_client_helpers import mp4


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(seed=5) as emulator:
        yield emulator


def run(emu: Emulator, tmp_path: Path, endpoint: str, *flags: str) -> list[str]:
    return ["run", endpoint, *connection(emu, tmp_path), "--quiet", *flags]


def test_dry_run_prints_payload_and_estimate_and_submits_nothing(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = tmp_path / "king.png"
    Image.new("RGB", (640, 480), "navy").save(image)
    before = len(emu.requests)
    flags = ["--prompt", "A king", "--start-image-url", str(image), "--duration", "10"]
    code, out, err = kling(
        run(emu, tmp_path, "v2.6/pro/image-to-video", *flags, "--dry-run"), capsys
    )
    assert code == 0, err
    shown = json.loads(out)
    assert shown["endpoint"] == "fal-ai/kling-video/v2.6/pro/image-to-video"
    assert shown["payload"]["prompt"] == "A king" and shown["payload"]["duration"] == "10"
    assert list(shown["uploads"].values()) == [str(image)]
    assert shown["payload"]["start_image_url"] in shown["uploads"]
    assert shown["estimate"]["usd"] == 1.4 and shown["estimate"]["confidence"] == "high"
    assert "estimate: $1.40 = 10 s" in err and "nothing submitted" in err
    assert len(emu.requests) == before


def test_dry_run_validates(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(emu.requests)
    code, _, err = kling(
        run(emu, tmp_path, "v2.6/pro/text-to-video", "--cfg-scale", "3", "--dry-run"), capsys
    )
    assert code == 3 and "cfg_scale (--cfg-scale) [range]" in err
    assert len(emu.requests) == before


def test_dry_run_of_a_local_video_measures_it(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video = tmp_path / "talk.mp4"
    video.write_bytes(mp4(3.0, 720, 720))
    flags = ["--video-url", str(video), "--audio-url", "https://x/a.mp3", "--dry-run"]
    code, out, err = kling(run(emu, tmp_path, "lipsync/audio-to-video", *flags), capsys)
    assert code == 0, err
    estimate = json.loads(out)["estimate"]
    assert estimate["quantity"] == 5 and estimate["usd"] == 0.07


def test_max_cost_refuses_above_it(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(emu.requests)
    flags = ["--prompt", "x", "--duration", "10", "--max-cost", "1.00"]
    code, _, err = kling(run(emu, tmp_path, "v2.6/pro/text-to-video", *flags), capsys)
    assert code == EXIT_COST == 6
    assert "not submitted: estimate $1.40 is above --max-cost $1.00" in err
    assert len(emu.requests) == before


def test_max_cost_refuses_an_unknown_price(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(emu.requests)
    flags = ["--text", "hello", "--voice-id", "uk_boy1", "--max-cost", "5"]
    code, _, err = kling(run(emu, tmp_path, "v1/tts", *flags), capsys)
    assert code == EXIT_COST and "not submitted: the price is unknown" in err
    assert len(emu.requests) == before


def test_max_cost_submits_at_or_below_it(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(emu.requests)
    flags = ["--prompt", "x", "--max-cost", "0.70"]
    code, out, err = kling(run(emu, tmp_path, "v2.6/pro/text-to-video", *flags), capsys)
    assert code == 0, err
    assert len(emu.requests) == before + 1
    assert "video" in json.loads(out)
