"""The forked workers that run datamodel-code-generator and the OpenAPI check beside the main stages."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from generator.output.background import Worker


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def _fail(message: str) -> None:
    raise ValueError(message)


class _Unpicklable(Exception):
    def __init__(self, lock: object) -> None:
        super().__init__("holds a lock")
        self.lock = lock


def _fail_unpicklably() -> None:
    raise _Unpicklable(multiprocessing.Lock())


def _broken_warm_up() -> None:
    raise RuntimeError("warm-up failed")


def _slow_warm_up() -> None:
    time.sleep(60)


def test_calls_run_in_another_process_one_after_another() -> None:
    with Worker() as worker:
        worker.submit(_pid_and, 2)
        pid, value = worker.result()
        assert (pid != os.getpid(), value) == (True, 4)
        worker.submit(_pid_and, 5)
        assert worker.result() == (pid, 10)


def test_errors_come_back_to_the_caller() -> None:
    with Worker() as worker:
        worker.submit(_fail, "bad schema")
        with pytest.raises(ValueError, match="bad schema"):
            worker.result()
        worker.submit(_fail_unpicklably)
        with pytest.raises(RuntimeError, match="_Unpicklable: holds a lock"):
            worker.result()
        worker.submit(_pid_and, 1)
        assert worker.result()[1] == 2  # still serving


def test_a_failing_warm_up_is_only_a_missed_head_start() -> None:
    with Worker(_broken_warm_up) as worker:
        worker.submit(_pid_and, 3)
        assert worker.result()[1] == 6


def test_closing_stops_a_busy_worker_at_once() -> None:
    start = time.monotonic()
    with Worker(_slow_warm_up):
        pass
    assert time.monotonic() - start < 10


def test_a_worker_whose_caller_hung_up_ends_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    worker = Worker()
    worker.submit(time.sleep, 0.2)
    worker._conn.close()  # the caller stops listening while the call runs (as when it stops)
    worker._process.join(10)
    assert worker._process.exitcode == 0
    assert capfd.readouterr().err == ""  # not "Process ForkProcess-1:" and a broken pipe


def test_ctrl_c_is_left_to_the_caller() -> None:
    with Worker() as worker:
        worker.submit(_pid_and, 1)
        pid = worker.result()[0]
        os.kill(pid, signal.SIGINT)
        time.sleep(0.2)
        worker.submit(_pid_and, 2)
        assert worker.result() == (pid, 4)


def test_without_fork_calls_run_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    with Worker(_slow_warm_up) as worker:  # no warm-up either: it would only delay the caller
        worker.submit(_pid_and, 4)
        assert worker.result() == (os.getpid(), 8)


def test_ctrl_c_during_generation_is_one_line_and_exit_130(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator import cli

    def interrupted(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "generate", interrupted)
    out = tmp_path / "out"
    assert cli.main(["generate", "--force", "--out", str(out)]) == 130
    assert capsys.readouterr().err == f"klinggen: interrupted; {out} is untouched\n"
