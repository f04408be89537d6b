"""Every copy-paste example of the endpoint pages runs against the emulator, so none can rot.

The typed-client examples run as written except that `KlingClient()` / `AsyncKlingClient()` are pointed
at the emulator; the CLI example gets `--emulator`; the raw fal_client examples run in a fresh
interpreter whose fal hosts are the emulator (fal_client reads them at import).
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import kling_fal
import pytest
from kling_fal.cli import main as kling
from kling_fal.emulator import Emulator
from support import GENERATED

PREFIX = "fal-ai/kling-video/"
ACTIVE = sorted(i for i, e in kling_fal.ENDPOINTS.items() if e.status == "active")
CLIENT = 'emulator={url!r}, key="test-key", poll_interval=0.01'


def blocks(endpoint_id: str, language: str) -> list[str]:
    page = (GENERATED / "docs" / "endpoints" / f"{endpoint_id.removeprefix(PREFIX)}.md").read_text(
        encoding="utf-8"
    )
    return re.findall(rf"```{language}\n(.*?)```", page, flags=re.S)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(steps=1, seed=5) as emulator:
        yield emulator


def run_python(code: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<doc example>", "exec"), {"__name__": "__doc_example__"})
    return out.getvalue()


@pytest.mark.parametrize("endpoint_id", ACTIVE)
def test_typed_client_examples_run(emu: Emulator, endpoint_id: str) -> None:
    sync, async_, raw = blocks(endpoint_id, "python")
    assert "KlingClient()" in sync and "AsyncKlingClient()" in async_ and "import fal_client" in raw
    for code in (sync, async_):
        code = code.replace("KlingClient()", "KlingClient(" + CLIENT.format(url=emu.url) + ")")
        printed = run_python(code)
        kling_fal.parse_output(endpoint_id, json.loads(printed))


@pytest.mark.parametrize("endpoint_id", ACTIVE)
def test_cli_example_runs(
    emu: Emulator, endpoint_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (command,) = blocks(endpoint_id, "bash")
    argv = shlex.split(command)
    assert argv[:2] == ["kling", "run"]
    extra = [
        "--emulator",
        emu.url,
        "--key",
        "test-key",
        "--journal",
        str(tmp_path / "jobs.db"),
        "--quiet",
    ]
    assert kling([*argv[1:3], *extra, *argv[3:]]) == 0
    kling_fal.parse_output(endpoint_id, json.loads(capsys.readouterr().out))


def test_raw_fal_client_examples_run(tmp_path: Path) -> None:
    with Emulator(tls=True, steps=1, seed=6) as emu:
        assert emu.ca_file is not None
        netloc = urlsplit(emu.url).netloc
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(
            FAL_KEY="test-key",
            FAL_RUN_HOST=netloc,
            FAL_QUEUE_RUN_HOST=netloc,
            SSL_CERT_FILE=emu.ca_file,
        )
        script = tmp_path / "examples.py"
        parts = [f"print('=== {e}')\n" + blocks(e, "python")[2] for e in ACTIVE]
        script.write_text("\n".join(parts), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=300
        )
    assert done.returncode == 0, done.stderr[-2000:]
    outputs = done.stdout.split("=== ")[1:]
    assert len(outputs) == len(ACTIVE)
    for chunk in outputs:
        endpoint_id, printed = chunk.split("\n", 1)
        result = ast.literal_eval(
            printed.strip()
        )  # fal_client returns a dict; the example prints it
        kling_fal.parse_output(endpoint_id, result)
