"""Spec revisions named on the `klinggen diff` command line: a directory, or a git revision
(`REV` or `REV:path`) read into a temporary directory. Only `klinggen diff` runs git."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, SpecError, message
from generator.history.snapshots import load_labeled
from generator.history.view import SpecView, view

DEFAULT_SPEC_PATH = "spec"


def _source_error(where: str, detail: str) -> SpecError:
    return SpecError(
        [
            Diagnostic(
                code="diff-source",
                file=where,
                line=1,
                pointer="",
                message=message("diff-source", key=where, detail=detail),
            )
        ]
    )


def _git(args: list[str], cwd: Path) -> bytes:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    if done.returncode != 0:
        raise OSError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


@contextmanager
def checkout(revision: str, cwd: Path) -> Iterator[Path]:
    """`REV` or `REV:path` (default path: spec) of the git repository at `cwd`, in a temp dir."""
    rev, _, sub = revision.partition(":")
    sub = (sub or DEFAULT_SPEC_PATH).strip("/")
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip())
    except OSError:
        raise _source_error(
            revision, f"not a directory, and {cwd} is not in a git work tree"
        ) from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    except OSError:
        raise _source_error(revision, "not a directory or a git revision") from None
    try:
        archive = _git(["archive", "--format=tar", rev, "--", sub], top)
    except OSError as exc:
        raise _source_error(revision, str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="klinggen-rev-") as tmp:
        safe: dict[str, Any] = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, **safe)  # our own git archive; the data filter where Python has it
        yield Path(tmp) / sub


def spec_view(source: str, cwd: Path) -> SpecView:
    """The view of `source`: an existing directory, else a git revision (`REV` or `REV:path`)."""
    path = Path(source)
    if path.is_dir():
        return view(load_labeled(path, path.as_posix()), path.as_posix())
    if not source or source.startswith("-"):
        raise _source_error(source, "not a directory or a git revision")
    with checkout(source, cwd) as spec_dir:
        if not spec_dir.is_dir():
            raise _source_error(source, f"the revision has no directory {spec_dir.name}/")
        label = source if ":" in source else f"{source}:{DEFAULT_SPEC_PATH}"
        return view(load_labeled(spec_dir, label), label)


def spec_views(sources: list[str], cwd: Path) -> list[SpecView]:
    """The views of several sources; the problems of all of them in one SpecError."""
    views: list[SpecView] = []
    problems: list[Diagnostic] = []
    for source in sources:
        try:
            views.append(spec_view(source, cwd))
        except SpecError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise SpecError(problems)
    return views
