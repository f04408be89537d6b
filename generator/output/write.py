"""Deterministic writing: materialize files, format with ruff, swap into place or compare."""

from __future__ import annotations

import difflib
import os
import re
import secrets
import shutil
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ruff.__main__ import find_ruff_bin

from generator.output.background import die_with_parent
from generator.output.swap import deferred_signals, exchange

IGNORED_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist"}


class WriteError(Exception):
    """Formatting or writing failed; the previous output is untouched."""


class OutputError(Exception):
    """The file system refused a write next to or into the output; it is untouched."""

    def __init__(self, out: Path, error: OSError) -> None:
        self.out, self.error = out, error
        super().__init__(f"cannot write {out.as_posix()}/: {error.strerror or error}")


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
        preexec_fn=die_with_parent,
    )
    if result.returncode != 0:
        raise WriteError(
            f"ruff {args[0]} failed on the generated code:\n{result.stdout}{result.stderr}"
        )


def write_file(path: Path, data: bytes) -> None:
    """Write one output file (the single place output bytes reach the disk)."""
    path.write_bytes(data)


def materialize(files: dict[str, str], root: Path) -> None:
    """Write `files` under root with LF endings, then fix imports and format with ruff."""
    for rel, text in sorted(files.items()):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        write_file(target, text.encode("utf-8"))
    _ruff(["check", "--fix-only", "--exit-zero", "--quiet"], root)
    _ruff(["format", "--quiet"], root)


def _stale(out: Path) -> Iterator[tuple[Path, bool]]:
    """(path, is an -old dir) of the staging dirs next to `out` left by runs no longer alive."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.klinggen-(\d+)-[0-9a-f]{{8}}(-old)?")
    try:
        names = sorted(os.listdir(out.parent))
    except OSError:
        return
    for name in names:
        found = pattern.fullmatch(name)
        if found and not _alive(int(found.group(1))):
            yield out.parent / name, bool(found.group(2))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        pass
    return True


def remove_stale(out: Path) -> None:
    """Remove what killed runs left next to `out`; an old tree whose swap was cut short goes back."""
    for path, old in _stale(out):
        if old and not os.path.lexists(out):
            os.replace(path, out)
        else:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def staging(near: Path) -> Iterator[Path]:
    """A fresh directory next to `near` (same file system, same mode), removed afterwards.

    Its name `.<near>.klinggen-<pid>-<hex>` lets a later run remove it (`remove_stale`) if this
    one is killed; an OSError inside the block is raised as OutputError naming `near`.
    """
    try:
        near.parent.mkdir(parents=True, exist_ok=True)
        while True:
            path = near.with_name(f".{near.name}.klinggen-{os.getpid()}-{secrets.token_hex(4)}")
            try:
                path.mkdir()
                break
            except FileExistsError:
                continue
        if near.exists():  # else it keeps the mode mkdir gave it under the umask
            path.chmod(stat.S_IMODE(near.stat().st_mode))
    except OSError as exc:
        raise OutputError(near, exc) from None
    try:
        yield path
    except OSError as exc:
        raise OutputError(near, exc) from None
    finally:
        with deferred_signals():
            shutil.rmtree(path, ignore_errors=True)
            shutil.rmtree(_old(path), ignore_errors=True)


def _old(staged: Path) -> Path:
    return staged.with_name(staged.name + "-old")


def swap_in(staged: Path, out: Path) -> None:
    """Replace `out` by `staged`: one atomic exchange where the system has it (`swap.exchange`),
    else two renames (on failure the old `out` is put back). `staged` ends up holding the old
    tree, or missing, for `staging()` to remove."""
    with deferred_signals():
        if not os.path.lexists(out):
            os.replace(staged, out)
        elif not exchange(staged, out):
            os.replace(out, _old(staged))
            try:
                os.replace(staged, out)
            except OSError:
                os.replace(_old(staged), out)
                raise


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
