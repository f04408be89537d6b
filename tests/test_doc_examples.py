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

pytestmark = pytest.mark.slow(19)  # seconds, roughly: scheduled early (conftest.py)

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
    with Emulator(tls=True, steps=0, seed=6) as emu:  # complete at once: no poll sleeps
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


# The guides, the quickstart and the package README: every fenced block runs as written, in a
# scratch directory. Python blocks are exec'd (a block defining tests is run by pytest), bash
# commands run in order with the emulator they start standing in for http://127.0.0.1:8080, and
# the JavaScript block runs under node with the unmodified @fal-ai/client.
PAGES = (
    "docs/index.md",
    "docs/guides/client.md",
    "docs/guides/emulator.md",
    "docs/guides/cli.md",
    "README.md",
)
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", flags=re.S | re.M)
DOC_URL = "http://127.0.0.1:8080"


def fenced(page: str) -> list[tuple[str, str]]:
    """(language, code) of every fenced block of a generated page, in order."""
    return FENCE.findall((GENERATED / page).read_text(encoding="utf-8"))


def commands(code: str) -> list[list[str]]:
    """The shell commands of a bash block: continuation lines joined, comments dropped."""
    lines = code.replace("\\\n", " ").splitlines()
    return [shlex.split(line, comments=True) for line in lines if line.strip()]


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory, no proxies, the CLI's journal inside it."""
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if "proxy" in k.lower()]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KLING_JOURNAL", str(tmp_path / "cli-jobs.db"))
    return tmp_path


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process that imports the generated package."""
    path = os.pathsep.join(p for p in (str(GENERATED), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


class DocRun:
    """The state of running one page: the emulators its commands started, by documented URL."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.urls: dict[str, str] = {}
        self.processes: list[subprocess.Popen[str]] = []

    def block(self, language: str, code: str) -> None:
        """Run one fenced block."""
        if language == "python" and "def test_" in code:
            self.pytest(code)
        elif language == "python":
            run_python(code)  # raises whatever the example raises
        elif language == "js":
            self.node(code)
        else:
            assert language == "bash", f"a {language} block: no way to run it"
            for argv in commands(code):
                self.command([self.urls.get(a, a) for a in argv])

    def pytest(self, code: str) -> None:
        (self.where / "test_doc_example.py").write_text(code, encoding="utf-8")
        argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        done = subprocess.run(
            [*argv, "test_doc_example.py"],
            cwd=self.where,
            # plain pytest: the example needs no plugin, and the suite's own (schemathesis,
            # hypothesis, xdist, ...) would only slow its start
            env=child_env(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"),
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0 and " passed" in done.stdout, done.stdout[-3000:]

    def node(self, code: str) -> None:
        modules = GENERATED.parent / "node_modules"
        assert (modules / "@fal-ai" / "client").is_dir(), (
            "@fal-ai/client is installed by the README's test command (npm install @fal-ai/client@1)"
        )
        (self.where / "node_modules").symlink_to(modules)
        (self.where / "example.mjs").write_text(code, encoding="utf-8")
        url = self.urls[DOC_URL]  # the page starts the emulator before its JavaScript
        done = subprocess.run(
            ["node", "example.mjs"],
            cwd=self.where,
            env={**os.environ, "KLING_EMULATOR": url},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert url in done.stdout

    def command(self, argv: list[str]) -> None:
        """One shell command of the docs: pip install, the emulator, or `kling`."""
        if argv[:2] == ["pip", "install"]:
            (target,) = argv[2:]  # the local package, with extras it declares
            path, _, extras = target.partition("[")
            pyproject = (GENERATED / "pyproject.toml").read_text(encoding="utf-8")
            declared = re.findall(r"^(\w+) = \[", pyproject, flags=re.M)
            assert path == "./generated" and set(extras.rstrip("]").split(",")) <= set(declared)
        elif argv[:3] == ["python", "-m", "kling_fal.emulator"]:
            self.urls[DOC_URL] = self.emulator(argv[3:])
        else:
            assert argv[0] == "kling", argv
            assert kling(argv[1:]) == 0, argv

    def emulator(self, flags: list[str]) -> str:
        """Start the emulator as documented (on a free port instead of 8080); its URL."""
        flags = ["0" if flag == "8080" else flag for flag in flags]
        process = subprocess.Popen(
            [sys.executable, "-m", "kling_fal.emulator", *flags],
            env=child_env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        self.processes.append(process)
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("kling_fal emulator listening on "), first
        return first.split()[-1]

    def stop(self) -> None:
        """Stop every emulator started; each exits cleanly on SIGTERM."""
        for process in self.processes:
            process.terminate()
            assert process.wait(timeout=10) == 0


@pytest.mark.parametrize("page", PAGES)
def test_guide_examples_run(page: str, scratch: Path) -> None:
    blocks = fenced(page)
    assert blocks, page
    run = DocRun(scratch)
    try:
        for language, code in blocks:
            run.block(language, code)
    finally:
        run.stop()
