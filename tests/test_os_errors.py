"""What the file system refuses is one line and exit 5, never a traceback, the output untouched;
directories and downloads get the modes the umask gives."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from kling_fal.client import download
from support import edit

from generator.cli import EXIT_OS, main
from generator.output import write
from generator.output.write import tree
from generator.pipeline import Options, generate


@pytest.fixture
def generated(mini_spec: Path, tmp_path: Path) -> Iterator[tuple[Path, dict[str, bytes]]]:
    """An output made from the mini spec, and the spec edited so that a new run must write."""
    out = tmp_path / "out"
    generate(Options(mini_spec, out))
    edit(mini_spec / "endpoints/v9/pro/text-to-video.yaml", "At most 3 shots.", "At most three.")
    yield out, tree(out)


def _fail_with(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def full(path: Path, data: bytes) -> None:
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(write, "write_file", full)


@pytest.mark.parametrize("command", ["generate", "check"])
def test_a_full_disk_is_one_line(
    generated: tuple[Path, dict[str, bytes]],
    mini_spec: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    out, before = generated
    _fail_with(monkeypatch, errno.ENOSPC)
    assert main([command, "--force", "--spec", str(mini_spec), "--out", str(out)]) == EXIT_OS
    assert capsys.readouterr().err == f"klinggen: cannot write {out}/: No space left on device\n"
    assert tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out", "spec"]  # no staging dir left


def test_a_directory_that_refuses_writes_is_one_line(
    generated: tuple[Path, dict[str, bytes]],
    mini_spec: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, before = generated
    real = Path.mkdir

    def refused(self: Path, *args: object, **kwargs: object) -> None:
        if self.parent == out.parent and self.name.startswith(".out.klinggen-"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", refused)
    assert main(["generate", "--spec", str(mini_spec), "--out", str(out)]) == EXIT_OS
    assert capsys.readouterr().err == f"klinggen: cannot write {out}/: Permission denied\n"
    assert tree(out) == before


def test_an_output_under_a_file_is_one_line(
    mini_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("not a directory", encoding="utf-8")
    out = tmp_path / "file" / "out"
    assert main(["generate", "--spec", str(mini_spec), "--out", str(out)]) == EXIT_OS
    err = capsys.readouterr().err
    assert err.startswith(f"klinggen: cannot write {out}/: ") and err.count("\n") == 1
    assert (tmp_path / "file").read_text(encoding="utf-8") == "not a directory"


def test_missing_inputs_are_one_line(
    mini_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing, out = tmp_path / "missing", str(tmp_path / "out")
    argv = ["generate", "--spec", str(mini_spec), "--out", out, "--templates", str(missing)]
    assert main(argv) == EXIT_OS
    assert capsys.readouterr().err == f"klinggen: {missing}: No such file or directory\n"
    a_file = mini_spec / "openapi.yaml"
    assert (
        main(["check", "--spec", str(mini_spec), "--out", out, "--templates", str(a_file)])
        == EXIT_OS
    )
    assert capsys.readouterr().err == f"klinggen: {a_file}: Not a directory\n"
    assert not (tmp_path / "out").exists()


def test_a_diff_source_that_is_neither_dir_nor_revision_is_one_line(
    mini_spec: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "no" / "such" / "dir")
    assert main(["diff", str(mini_spec), missing]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[1:] == [
        f"{missing}:1 #: error[diff-source] cannot read the spec revision {missing!r}: "
        "not a directory or a git revision"
    ]


@pytest.mark.parametrize("argv", [["--help"], ["generate", "--help"], ["check", "--help"]])
def test_help_names_the_exit_codes(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        main(argv)
    text = " ".join(capsys.readouterr().out.split())
    assert "5 file system error" in text and "143 terminated" in text


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o027)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_output_dir_mode_follows_the_umask_and_survives_a_swap(
    generated: tuple[Path, dict[str, bytes]], mini_spec: Path, umask: None
) -> None:
    out, _ = generated
    fresh = out.parent / "fresh"
    generate(Options(mini_spec, fresh))
    assert (_mode(fresh), _mode(fresh / "kling_fal"), _mode(fresh / "README.md")) == (
        0o750,
        0o750,
        0o640,
    )
    out.chmod(0o711)
    generate(Options(mini_spec, out))
    assert _mode(out) == 0o711


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_downloads_follow_the_umask(tmp_path: Path, mask: int, mode: int) -> None:
    previous = os.umask(mask)
    try:
        target = download("data:text/plain;base64,aGVsbG8=", tmp_path / "note.txt")
    finally:
        os.umask(previous)
    assert (target.read_bytes(), _mode(target)) == (b"hello", mode)
