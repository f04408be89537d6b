"""The generated `kling` CLI: list, describe, run against the emulator, resume, errors and exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from kling_fal.cli import main
from kling_fal.emulator import Emulator
from PIL import Image


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(seed=3) as emulator:
        yield emulator


def connection(emu: Emulator, tmp_path: Path) -> list[str]:
    """The flags that point `kling` at the emulator, with a key and a job journal."""
    return ["--emulator", emu.url, "--key", "test-key", "--journal", str(tmp_path / "jobs.db")]


def kling(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_and_describe(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kling(["list"], capsys)
    assert code == 0 and len(out.splitlines()) == 71 and "v2.6/pro/image-to-video" in out
    code, out, _ = kling(["list", "--all", "--model", "v1"], capsys)
    assert code == 0 and "removed" in out
    code, out, _ = kling(["describe", "v3/pro/image-to-video"], capsys)
    assert code == 0
    assert (
        "--start-image-url" in out
        and "(required)" in out
        and "choices: customize, intelligent" in out
    )
    assert "[prompt-xor-multi-prompt]" in out


def test_run_with_a_local_file_and_download(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    image = tmp_path / "king.png"
    Image.new("RGB", (640, 480), "navy").save(image)
    out = tmp_path / "king.mp4"
    args = [
        "run",
        "v2.6/pro/image-to-video",
        *connection(emu, tmp_path),
        "--prompt",
        "A king walks",
        "--start-image-url",
        str(image),
        "--duration",
        "10",
        "--no-generate-audio",
        "--out",
        str(out),
    ]
    code, stdout, err = kling(args, capsys)
    assert code == 0, err
    result = json.loads(stdout)
    assert result["video"]["url"].startswith(emu.url)
    assert out.read_bytes()[4:8] == b"ftyp"  # an mp4 was saved
    assert "request id:" in err and "in queue" in err
    request_id = err.split("request id: ", 1)[1].split()[0]
    record = emu.requests[request_id]
    assert record.input["duration"] == "10" and record.input["generate_audio"] is False
    assert record.input["start_image_url"].startswith(emu.url)  # uploaded to the emulator's storage
    code, stdout, _ = kling(
        ["resume", request_id, *connection(emu, tmp_path)],
        capsys,
    )
    assert code == 0 and json.loads(stdout)["video"]["url"] == result["video"]["url"]


def test_invalid_input_is_listed_with_paths(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(emu.requests)
    args = [
        "run",
        "v3/pro/text-to-video",
        *connection(emu, tmp_path),
        "--prompt",
        "x",
        "--multi-prompt",
        '[{"prompt": "a", "duration": "20"}]',
        "--cfg-scale",
        "3",
    ]
    code, _, err = kling(args, capsys)
    assert code == 3
    assert "multi_prompt[0].duration [enum]" in err
    assert "cfg_scale [range]" in err
    assert "prompt [prompt-xor-multi-prompt]" in err
    assert len(emu.requests) == before  # nothing was sent


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = kling(["describe", "v2.6/pro/image-to-vide"], capsys)
    assert code == 2 and "v2.6/pro/image-to-video" in err
    with pytest.raises(SystemExit) as info:
        main(["run", "v2.6/pro/image-to-video", "--duration", "7"])
    assert info.value.code == 2
    assert "invalid choice: '7'" in capsys.readouterr().err
