"""mypy --strict on a user snippet importing the generated package: the typing tests' runner."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from support import GENERATED


@dataclass(frozen=True)
class MypyReport:
    """What mypy said about the snippet: the lines with errors and the revealed types, in order."""

    errors: set[int]
    revealed: list[str]
    output: str


def mypy_strict(snippet: str, tmp_path: Path) -> MypyReport:
    """Type-check `snippet` (written as snippet.py) with the generated package on MYPYPATH."""
    path = tmp_path / "snippet.py"
    path.write_text(snippet)
    cache = Path(os.environ.get("KLING_TEST_MYPY_CACHE", tmp_path / "cache"))
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), str(path)]
    env = {**os.environ, "MYPYPATH": str(GENERATED)}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    errors = {int(n) for n in re.findall(r"snippet\.py:(\d+): error", done.stdout)}
    revealed = re.findall(r'Revealed type is "([^"]+)"', done.stdout)
    return MypyReport(errors, revealed, done.stdout)


def marked_lines(snippet: str) -> set[int]:
    """The 1-based numbers of the snippet's lines carrying an ``# error`` comment."""
    return {n for n, line in enumerate(snippet.splitlines(), 1) if "# error" in line}
