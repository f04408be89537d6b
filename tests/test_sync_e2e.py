"""End to end, offline: fal lists a new endpoint, `klinggen sync --write` imports it, and the
package generated from the synced spec calls it against its own emulator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from kling_fal.emulator import Emulator, PlatformModel
from support import SPEC
from test_sync import NEW, new_document

from generator.cli import main

pytestmark = pytest.mark.slow(5)  # seconds, roughly: scheduled early (conftest.py)

CALL = """
import json
from kling_fal.client import KlingClient
from kling_fal.emulator import Emulator

with Emulator() as emu, KlingClient(key="test-key", emulator=emu.url, poll_interval=0.0) as c:
    out = c.v2_7_pro_image_to_video(
        prompt="A king walks slowly", start_image_url="https://example.com/king.png", duration=10
    )
    (record,) = emu.requests.values()
print(json.dumps({"endpoint": record.endpoint_id, "input": record.input, "url": out.video.url}))
"""


def test_a_new_endpoint_on_fal_is_synced_generated_and_callable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("FAL_KEY", raising=False)
    spec = tmp_path / "spec"
    shutil.copytree(SPEC, spec, ignore=shutil.ignore_patterns("history"))
    catalog = [PlatformModel(NEW, "image-to-video", openapi=new_document())]
    with Emulator(platform_catalog=catalog) as emu:
        assert main(["sync", "--api-url", f"{emu.url}/v1", "--spec", str(spec), "--write"]) == 0
    assert f"new on fal (1):\n  {NEW}\n" in capsys.readouterr().out
    out = tmp_path / "generated"
    assert main(["generate", "--spec", str(spec), "--out", str(out)]) == 0
    env = {**os.environ, "PYTHONPATH": str(out), "NO_PROXY": "*"}
    run = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CALL)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    called = json.loads(run.stdout)
    assert called["endpoint"] == NEW
    assert (
        called["input"]["duration"] == "10" and called["input"]["prompt"] == "A king walks slowly"
    )
    assert called["url"].startswith("http://127.0.0.1:")
