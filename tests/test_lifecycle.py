"""The tools never outlive or half-finish a run: real processes killed (SIGKILL, SIGTERM) during
`klinggen generate --force`, workers that die with their parent, stale staging dirs, the atomic
exchange and its fallback, SIGTERM handled like Ctrl-C, `klinggen emulate` as the emulator."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import GENERATED, ROOT, edit

from generator import cli
from generator.output import background, swap, write
from generator.output.write import remove_stale, swap_in, tree

pytestmark = pytest.mark.slow(10)  # seconds, roughly: scheduled early (conftest.py)

PYTHON = [sys.executable, "-m", "generator"]


def _group(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group `pgid`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, _ppid, group = stat.rpartition(")")[2].split()[:3]
        if int(group) == pgid and state != "Z":
            found.append(int(entry))
    return found


def _gone(pgid: int, within: float = 5.0) -> list[int]:
    """The group's processes still there after `within` seconds (empty as soon as all are gone)."""
    deadline = time.monotonic() + within
    while (left := _group(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def _generate(spec: Path, out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PYTHON, "generate", "--spec", str(spec), "--out", str(out), *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


@pytest.fixture
def two_specs(mini_spec: Path, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """spec A (mini_spec) and spec B (one rule message changed): different complete outputs."""
    other = tmp_path / "spec-b"
    shutil.copytree(mini_spec, other)
    edit(other / "endpoints/v9/pro/text-to-video.yaml", "At most 3 shots.", "No more than 3 shots.")
    yield mini_spec, other


# fractions of a full run at which the run is killed, alternately with SIGKILL and SIGTERM
MOMENTS = (0.05, 0.15, 0.3, 0.45, 0.6, 0.72, 0.85, 0.95)


def test_killed_runs_leave_old_or_new_output_no_process_no_stray_dir(
    two_specs: tuple[Path, Path], tmp_path: Path
) -> None:
    spec_a, spec_b = two_specs
    work = tmp_path / "work"
    work.mkdir()
    pristine, out = tmp_path / "a", work / "out"
    durations = []
    for spec, target in ((spec_a, pristine), (spec_b, tmp_path / "b")):
        start = time.monotonic()
        _generate(spec, target)
        durations.append(time.monotonic() - start)
    duration = min(durations)
    before, after = tree(pristine), tree(tmp_path / "b")
    assert before != after
    outcomes = []
    for index, fraction in enumerate(MOMENTS):
        number = signal.SIGKILL if index % 2 == 0 else signal.SIGTERM
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(pristine, out)
        run = subprocess.Popen(
            [*PYTHON, "generate", "--force", "--spec", str(spec_b), "--out", str(out)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        time.sleep(duration * fraction)
        run.send_signal(number)
        _, err = run.communicate(timeout=20)  # no orphan holds the pipes open
        moment = f"{number.name} at {fraction:.0%} of the run"
        assert _gone(run.pid) == [], f"processes left after {moment}"
        result = tree(out)
        assert result in (before, after), f"a mix of old and new output after {moment}"
        if number == signal.SIGTERM:
            assert run.returncode in (0, 143), moment
            if run.returncode == 143:  # the swap itself is never cut short, and it is said so
                state = (
                    "is untouched" if result == before else "already holds the complete new output"
                )
                assert err == f"klinggen: terminated; {out} {state}\n", moment
            assert os.listdir(work) == ["out"], f"stray dir after {moment}"
        else:  # the next start (here one that finds its output current) removes what is left
            _generate(spec_a if result == before else spec_b, out)
            assert os.listdir(work) == ["out"], f"stray dir after {moment} and a new start"
        outcomes.append((run.returncode, result == after))
    assert {rc for rc, _ in outcomes} & {-signal.SIGKILL, 143}, "no run was actually killed"


def test_workers_die_with_their_parent_by_pdeathsig_and_by_the_watchdog() -> None:
    script = """
import sys, time
from generator.output import background
if sys.argv[1] == "watchdog":
    background.die_with_parent = lambda: None
worker = background.Worker(lambda: time.sleep(600))
print(worker._process.pid, flush=True)
time.sleep(600)
"""
    for mode in ("pdeathsig", "watchdog"):
        parent = subprocess.Popen(
            [sys.executable, "-c", script, mode],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        assert worker in _group(parent.pid)
        parent.kill()
        parent.wait()
        assert _gone(parent.pid, within=3 * background.WATCH_SECONDS + 2) == [], mode


def test_sigterm_is_handled_like_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def terminated(*args: object, **kwargs: object) -> int:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
        raise AssertionError("SIGTERM did not stop the run")

    monkeypatch.setattr(cli, "generate", terminated)
    out = tmp_path / "out"
    handler = signal.getsignal(signal.SIGTERM)
    assert cli.main(["generate", "--force", "--out", str(out)]) == 143
    assert capsys.readouterr().err == f"klinggen: terminated; {out} is untouched\n"
    assert signal.getsignal(signal.SIGTERM) is handler  # restored for the caller

    def swapped_then_terminated(*args: object, **kwargs: object) -> int:
        (out / ".klinggen-stamp").write_text("new", encoding="utf-8")  # a swap happened
        return terminated()

    out.mkdir()
    (out / ".klinggen-stamp").write_text("old", encoding="utf-8")
    monkeypatch.setattr(cli, "generate", swapped_then_terminated)
    assert cli.main(["generate", "--force", "--out", str(out)]) == 143
    assert capsys.readouterr().err == (
        f"klinggen: terminated; {out} already holds the complete new output\n"
    )


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def test_stale_staging_dirs_of_dead_runs_only_are_removed(tmp_path: Path) -> None:
    dead, out = _dead_pid(), tmp_path / "generated"
    out.mkdir()
    names = {
        f".generated.klinggen-{dead}-0123abcd": False,  # a killed run's staging dir
        f".generated.klinggen-{dead}-0123abcd-old": False,  # its old tree after a fallback swap
        f".generated.klinggen-{os.getpid()}-0123abcd": True,  # a live run's
        f".other.klinggen-{dead}-0123abcd": True,  # another output's
        f".generated.klinggen-{dead}-xyz": True,  # not our pattern
        "generated.klinggen-1-0123abcd": True,
    }
    for name in names:
        (tmp_path / name).mkdir()
    remove_stale(out)
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["generated", *(n for n, k in names.items() if k)]
    )


def test_an_interrupted_fallback_swap_is_put_back(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    old = tmp_path / f".generated.klinggen-{_dead_pid()}-0123abcd-old"
    old.mkdir()
    (old / "kept.txt").write_text("old tree", encoding="utf-8")
    remove_stale(out)  # out missing: the run died between the two renames
    assert tree(out) == {"kept.txt": b"old tree"}
    assert os.listdir(tmp_path) == ["generated"]


def _trees(tmp_path: Path) -> tuple[Path, Path]:
    staged, out = tmp_path / "staged", tmp_path / "out"
    for path, text in ((staged, "new"), (out, "old")):
        path.mkdir()
        (path / "f.txt").write_text(text, encoding="utf-8")
    return staged, out


def test_the_swap_is_one_exchange_and_never_renames_the_output_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert swap.RENAMEAT2 is not None  # Linux with glibc >= 2.28
    staged, out = _trees(tmp_path)

    def no_rename(*args: object) -> None:
        raise AssertionError("the output dir was renamed away")

    monkeypatch.setattr(os, "replace", no_rename)
    swap_in(staged, out)
    assert tree(out) == {"f.txt": b"new"} and tree(staged) == {"f.txt": b"old"}


def test_the_fallback_swap_renames_twice_and_puts_the_old_tree_back_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write, "exchange", lambda first, second: False)
    staged, out = _trees(tmp_path)
    swap_in(staged, out)
    assert tree(out) == {"f.txt": b"new"} and tree(tmp_path / "staged-old") == {"f.txt": b"old"}
    shutil.rmtree(tmp_path / "staged-old")
    staged.mkdir()
    real = os.replace

    def second_fails(src: str | Path, dst: str | Path) -> None:
        if Path(src) == staged:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(OSError, match="No space"):
        swap_in(staged, out)
    assert tree(out) == {"f.txt": b"new"}


def test_signals_are_held_back_during_the_swap_and_delivered_after() -> None:
    seen: list[str] = []
    previous = signal.signal(signal.SIGTERM, lambda n, f: seen.append("handled"))
    try:
        with swap.deferred_signals():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            seen.append("block done")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert seen == ["block done", "handled"]


def test_gitignore_matches_the_staging_dirs() -> None:
    names = [".generated.klinggen-123-0123abcd", ".generated.klinggen-123-0123abcd-old"]
    done = subprocess.run(["git", "check-ignore", *names], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split() == names


def test_emulate_becomes_the_emulator_and_stops_on_sigterm() -> None:
    run = subprocess.Popen(
        [*PYTHON, "emulate", "--out", str(GENERATED), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert run.stdout is not None
    assert run.stdout.readline().startswith("kling_fal emulator listening on http://127.0.0.1:")
    command = Path(f"/proc/{run.pid}/cmdline").read_bytes().split(b"\0")
    assert b"kling_fal.emulator" in command and b"generator" not in command  # same pid, exec'd
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=10) == 0
    assert _gone(run.pid) == []
