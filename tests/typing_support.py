"""mypy --strict on user snippets importing the generated package, and on the package itself,
in one mypy run: the typing tests' runner (tests/test_typing.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from support import GENERATED


@dataclass(frozen=True)
class MypyReport:
    """What mypy said about one file: the lines with errors and the revealed types, in order."""

    errors: set[int]
    revealed: list[str]
    output: str


def mypy_strict(snippets: Mapping[str, str], tmp_path: Path) -> dict[str, MypyReport]:
    """Type-check the generated package and each snippet (written as ``<name>.py``) in one
    ``mypy --strict`` run, from the package's directory (its settings, it on the path); a report
    per snippet and one for the package under the name ``kling_fal``."""
    paths = []
    for name, snippet in snippets.items():
        path = tmp_path / f"{name}.py"
        path.write_text(snippet, encoding="utf-8")
        paths.append(str(path))
    # no cache written: nothing reads it again (mypy documents /dev/null for that)
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", os.devnull]
    done = subprocess.run(
        [*command, "kling_fal", *paths], cwd=GENERATED, capture_output=True, text=True, timeout=300
    )
    reports = {name: _report(re.escape(f"{name}.py"), done.stdout) for name in snippets}
    reports["kling_fal"] = _report(r"kling_fal/[\w/]+\.py", done.stdout)
    return reports


def _report(file: str, output: str) -> MypyReport:
    errors = {int(n) for n in re.findall(rf"(?m)^\S*?{file}:(\d+): error", output)}
    revealed = re.findall(rf'(?m)^\S*?{file}:\d+: note: Revealed type is "([^"]+)"', output)
    return MypyReport(errors, revealed, output)


def marked_lines(snippet: str) -> set[int]:
    """The 1-based numbers of the snippet's lines carrying an ``# error`` comment."""
    return {n for n, line in enumerate(snippet.splitlines(), 1) if "# error" in line}
