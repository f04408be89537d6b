"""Deterministic writing: materialize files, format with ruff, swap into place or compare."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ruff.__main__ import find_ruff_bin

IGNORED_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist"}


class WriteError(Exception):
    """Formatting or writing failed; the previous output is untouched."""


def _ignored_part(name: str) -> bool:
    return name in IGNORED_PARTS or name.endswith(".egg-info")


def files_under(root: Path) -> list[tuple[str, str]]:
    """(relative posix path, path) of every file under root, sorted; caches and build output skipped."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not _ignored_part(d)]
        rel = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        found += [(prefix + n, os.path.join(folder, n)) for n in names if not _ignored_part(n)]
    return sorted(found)


def tree(root: Path) -> dict[str, bytes]:
    """Relative posix path -> bytes of every file under root, skipping caches and build output."""
    found = {}
    for rel, path in files_under(root):
        with open(path, "rb") as file:
            found[rel] = file.read()
    return found


def _ruff(args: list[str], cwd: Path) -> None:
    result = subprocess.run(
        [find_ruff_bin(), *args, "--no-cache", "."],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise WriteError(
            f"ruff {args[0]} failed on the generated code:\n{result.stdout}{result.stderr}"
        )


def materialize(files: dict[str, str], root: Path) -> None:
    """Write `files` under root with LF endings, then fix imports and format with ruff."""
    for rel, text in sorted(files.items()):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    _ruff(["check", "--fix-only", "--exit-zero", "--quiet"], root)
    _ruff(["format", "--quiet"], root)


@contextmanager
def staging(near: Path) -> Iterator[Path]:
    """A fresh directory on the same file system as `near`, removed afterwards."""
    near.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{near.name}.klinggen-", dir=near.parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def swap_in(staged: Path, out: Path) -> None:
    """Replace `out` by `staged` with renames; on failure the old `out` is put back."""
    old = staged.with_name(staged.name + "-old")
    had_old = out.exists()
    if had_old:
        os.replace(out, old)
    try:
        os.replace(staged, out)
    except OSError:
        if had_old:
            os.replace(old, out)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)
    staged.mkdir()  # staging() removes it again


def differences(
    expected: dict[str, bytes], actual: dict[str, bytes], max_lines: int = 40
) -> list[str]:
    """Readable report of how `actual` differs from `expected` (empty when equal)."""
    report: list[str] = []
    for rel in sorted(expected.keys() - actual.keys()):
        report.append(f"missing: {rel}")
    for rel in sorted(actual.keys() - expected.keys()):
        report.append(f"unexpected: {rel}")
    for rel in sorted(expected.keys() & actual.keys()):
        if expected[rel] == actual[rel]:
            continue
        diff = list(
            difflib.unified_diff(
                actual[rel].decode("utf-8", "replace").splitlines(),
                expected[rel].decode("utf-8", "replace").splitlines(),
                f"{rel} (on disk)",
                f"{rel} (from spec)",
                lineterm="",
            )
        )
        cut = diff[:max_lines] + (
            [f"... {len(diff) - max_lines} more diff lines"] if len(diff) > max_lines else []
        )
        report.append(f"changed: {rel}\n" + "\n".join(cut))
    return report
