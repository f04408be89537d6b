"""Small timing helpers: median wall time of commands and callables, peak RSS of a child."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_time(
    cmd: list[str], repeat: int, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> float:
    """Median seconds of `cmd` run `repeat` times (each must succeed)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            cmd, cwd=cwd, env={**os.environ, **(env or {})}, check=True, capture_output=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def call_time(func: Callable[[], object], repeat: int) -> float:
    """Median seconds of `func()`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mib(cmd: list[str], cwd: Path = ROOT) -> float:
    """Peak resident set size of one run of `cmd`, in MiB (Linux ru_maxrss is KiB)."""
    code = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *cmd], cwd=cwd, check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip()) / 1024


def import_time(module: str, repeat: int, path: Path | None = None) -> float:
    """Median seconds to import `module` in a fresh interpreter, minus the bare interpreter start."""
    return startup_time(f"import {module}", repeat, path)


def startup_time(code: str, repeat: int, path: Path | None = None) -> float:
    """Median seconds to run `code` in a fresh interpreter, minus the bare interpreter start."""
    env = {"PYTHONPATH": str(path)} if path else None
    base = run_time([sys.executable, "-c", "pass"], repeat, env=env)
    return max(run_time([sys.executable, "-c", code], repeat, env=env) - base, 1e-6)


def shown(label: str, figure: float) -> str:
    """A figure with its unit, which the label implies."""
    if "payloads" in label or "requests/s" in label:
        return f"{figure:,.0f}/s"
    if "requests per job" in label:
        return f"{figure:.2f}"
    if "stored" in label:
        return f"{figure:.0f}"
    if "MiB" in label:
        return f"{figure:.1f}"
    return f"{figure:.3f} s"
