"""The generated `kling` CLI: list, describe, run against the emulator, resume, errors and exit codes."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import kling_fal
import pytest
from kling_fal._runtime.cli import EXIT_CODES
from kling_fal._runtime.cli._progress import Reporter
from kling_fal._runtime.client._types import InProgress, LogEntry, Queued
from kling_fal.cli import main
from kling_fal.cli._flags import DOWNLOADS
from kling_fal.client import KlingClient
from kling_fal.emulator import Emulator
from PIL import Image
from rich.console import Console
from support import GENERATED

PREFIX = "fal-ai/kling-video/"


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """rich lays tables out for 80 columns when not on a terminal; these tests read 200."""
    monkeypatch.setenv("COLUMNS", "200")


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


def first_cells(table: str) -> list[str]:
    """The first column of a rich table's body rows."""
    rows = [line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│")]
    return [cell for cell in rows if cell]


def test_list_and_describe(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kling(["list"], capsys)
    active = {
        i.removeprefix(PREFIX) for i, e in kling_fal.ENDPOINTS.items() if e.status == "active"
    }
    assert code == 0 and sorted(first_cells(out)) == sorted(active) and len(active) == 71
    code, out, _ = kling(["list", "--all", "--model", "v1"], capsys)
    v1 = {i.removeprefix(PREFIX) for i, e in kling_fal.ENDPOINTS.items() if e.model == "v1"}
    assert code == 0 and set(first_cells(out)) == v1 and "removed" in out
    code, out, _ = kling(["describe", "v3/pro/image-to-video"], capsys)
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("│")]
    start = next(row for row in rows if "--start-image-url" in row)
    assert "string" in start and "(required)" in start
    assert "choices: customize, intelligent" in out
    assert "prompt-xor-multi-prompt" in first_cells(out)
    assert "--out saves the result's video file" in out
    code, out, _ = kling(["describe", "v2.6/pro/image-to-video"], capsys)
    assert "at most 10 MiB" in out and "height at least 300 px" in out
    assert "list price (confidence high)" in out and "$0.168 per second of video" in out
    assert "price source: https://fal.ai/models/fal-ai/kling-video/v2.6/pro/" in out
    code, out, _ = kling(["describe", "create-voice"], capsys)
    assert code == 0 and "the result has no file: --out is refused" in out
    assert "list price (confidence unknown)" in out and "unknown (not found)" in out


def test_downloads_are_the_response_fields_holding_a_file() -> None:
    for endpoint_id, info in kling_fal.ENDPOINTS.items():
        files = []
        for name, field in info.output.model_fields.items():
            kind = field.annotation
            if isinstance(kind, type) and "url" in getattr(kind, "model_fields", {}):
                files.append(name)
        assert DOWNLOADS[endpoint_id] == tuple(files), endpoint_id
    assert DOWNLOADS[PREFIX + "create-voice"] == ()
    assert DOWNLOADS[PREFIX + "video-to-audio"] == ("video", "audio")


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
    assert "request id:" in err and "in queue, position 0" in err and "in progress" in err
    assert f"saved {out}" in err and "step 1 of 3" in err  # the emulator's log lines
    size = image.stat().st_size / 1000
    upload = re.search(
        rf"upload king.png .* {size:.1f}/{size:.1f} kB +[\d.]+ (bytes|[kMGT]B)/s", err
    )
    saved = out.stat().st_size / 1000
    download = re.search(
        rf"download king.mp4 .* {saved:.1f}/{saved:.1f} kB +[\d.]+ (bytes|[kMGT]B)/s", err
    )
    assert upload and download, err
    request_id = err.split("request id: ", 1)[1].split()[0]
    journal = tmp_path / "jobs.db"
    again = f"kling resume {request_id} --emulator {emu.url} --journal {journal} --out {out}"
    assert f"(resume with: {again})" in err
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
    assert "invalid input for v3/pro/text-to-video:" in err
    assert "multi_prompt[0].duration (--multi-prompt) [enum]" in err
    assert "cfg_scale (--cfg-scale) [range]" in err
    assert "prompt (--prompt) [prompt-xor-multi-prompt]" in err
    assert len(emu.requests) == before  # nothing was sent


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = kling(["describe", "v2.6/pro/image-to-vide"], capsys)
    assert code == 2 and "v2.6/pro/image-to-video" in err
    with pytest.raises(SystemExit) as info:
        main(["run", "v2.6/pro/image-to-video", "--duration", "7"])
    assert info.value.code == 2
    assert "invalid choice: '7'" in capsys.readouterr().err


def test_run_help_shows_the_endpoint_and_the_run_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kling(["run", "v2.6/pro/image-to-video", "--help"], capsys)
    assert code == 0
    for flag in ("--prompt", "--start-image-url", "--out FILE", "--json BODY", "--emulator URL"):
        assert flag in out
    for flag in ("--key KEY", "--journal FILE", "--poll-interval SECONDS", "--quiet"):
        assert flag in out
    assert "exit codes:" in out and "130  interrupted" in out
    code, out, _ = kling(["run", "--help"], capsys)
    assert code == 0 and "kling run ENDPOINT --help" in out and "--out FILE" in out
    assert "v3/pro/image-to-video" in out and "exit codes:" in out
    with pytest.raises(SystemExit) as info:
        main(["run"])
    assert info.value.code == 2 and "ENDPOINT is required" in capsys.readouterr().err


def test_exit_codes_are_in_every_help_and_in_the_readme(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (GENERATED / "README.md").read_text(encoding="utf-8")
    for code, text in EXIT_CODES:
        assert f"| {code} | {text.replace('`', '')} |" in readme.replace("`", "")
    for command in ([], ["list"], ["describe"], ["resume"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        out = capsys.readouterr().out
        assert all(f"  {code:<4} {text}" in out for code, text in EXIT_CODES), command


def test_out_is_refused_before_submitting_when_the_result_has_no_file(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = len(emu.requests)
    args = ["run", "create-voice", *connection(emu, tmp_path), "--voice-url", "https://x/a.mp3"]
    code, out, err = kling([*args, "--out", str(tmp_path / "voice.mp4")], capsys)
    assert code == 2 and out == "" and len(emu.requests) == before
    assert err == (
        "kling: --out: create-voice returns no file (see `kling describe create-voice`); "
        "run it without --out\n"
    )


def test_quiet_run_prints_only_the_result(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run", "v3/pro/text-to-video", *connection(emu, tmp_path), "--prompt", "x", "--quiet"]
    code, out, err = kling(args, capsys)
    assert code == 0 and err == ""
    assert set(json.loads(out)) == {"video"}


def test_resume_finishes_a_job_into_its_file(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with KlingClient(key="test-key", emulator=emu.url, journal=tmp_path / "jobs.db") as client:
        handle = client.submit(PREFIX + "v3/pro/text-to-video", {"prompt": "x"})  # then killed
    out = tmp_path / "late.mp4"
    code, stdout, err = kling(
        ["resume", handle.request_id, *connection(emu, tmp_path), "--out", str(out)], capsys
    )
    assert code == 0, err
    assert json.loads(stdout)["video"]["file_name"] and out.read_bytes()[4:8] == b"ftyp"
    assert f"saved {out}" in err


def test_messages_name_flags_not_parameters(
    emu: Emulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _, err = kling(["resume", "no-such-job", *connection(emu, tmp_path)], capsys)
    assert code == 2 and "--endpoint ENDPOINT" in err and "endpoint_id" not in err
    for name in ("FAL_KEY", "FAL_KEY_ID", "FAL_KEY_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no `fal auth login` credentials either
    args = ["run", "v3/pro/text-to-video", "--emulator", emu.url, "--journal", str(tmp_path / "j")]
    code, _, err = kling([*args, "--prompt", "x"], capsys)
    assert (code, err) == (4, "kling: no fal credentials: pass --key KEY or set FAL_KEY\n")
    with pytest.raises(SystemExit):
        main([*args, "--multi-prompt", "[{"])
    assert "argument --multi-prompt: invalid JSON value: '[{'" in capsys.readouterr().err
    code, _, err = kling([*args, "--json", "[1]"], capsys)
    assert (code, err) == (2, "kling: --json: the request body must be a JSON object\n")


def test_progress_on_a_terminal_draws_live_bars() -> None:
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    with Reporter(console) as progress:
        progress.uploading([("king.png", 2_000)])
        progress.enqueued("req-1")
        progress.update(Queued(request_id="req-1", position=2))
        progress.update(InProgress(request_id="req-1", logs=(LogEntry("step 1"),)))
        progress.downloading("king.mp4")
        progress.downloaded(500_000, 1_000_000)
        progress.downloaded(1_000_000, 1_000_000)
    text = stream.getvalue()
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    assert "\x1b[" in text and "━" in plain  # ANSI control and bars: a live display
    assert plain.count("in queue, position 2") >= 1 and "  step 1" in plain
    assert "2.0/2.0 kB" in plain and "1.0/1.0 MB" in plain
    assert re.search(r"1\.0/1\.0 MB +[\d.]+ (bytes|[kMGT]B)/s", plain)
    assert "resume with: kling resume req-1" in plain
    quiet = Console(file=io.StringIO(), quiet=True)
    with Reporter(quiet) as progress:
        progress.enqueued("req-2")
    assert quiet.file.getvalue() == ""


def test_a_missing_extra_is_named_with_its_install_command() -> None:
    code = "import sys; sys.modules['rich'] = None; from kling_fal.cli import main; sys.exit(main(['list']))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=GENERATED, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stderr) == (
        2,
        "kling: rich is missing: pip install 'kling-fal[cli]'\n",
    )
