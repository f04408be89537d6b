"""`kling batch`: exit codes (all succeeded, invalid lines, a failed job, the cost guard), the
summary and table, a re-run that submits nothing again, the exit codes in --help."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from kling_fal._runtime.cli._batch import EXIT_CODES
from kling_fal.cli import main
from kling_fal.emulator import Emulator, Faults

LINE = '{"endpoint": "v2.6/pro/text-to-video", "input": {"prompt": "%s"}}\n'


def _jobs(tmp_path: Path, *prompts: str) -> Path:
    path = tmp_path / "jobs.jsonl"
    path.write_text("".join(LINE % p for p in prompts))
    return path


def _batch(emu: Emulator, jobs: Path, out: Path, *extra: str) -> int:
    args = ["batch", str(jobs), "--out", str(out), "--emulator", emu.url, "--key", "test-key"]
    return main([*args, "--poll-interval", "0", *extra])


def test_batch_runs_every_job_and_a_rerun_submits_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs, out = _jobs(tmp_path, "a", "b", "c"), tmp_path / "out"
    with Emulator(steps=1) as emu:
        assert _batch(emu, jobs, out) == 0
        first = capsys.readouterr()
        assert _batch(emu, jobs, out) == 0
        assert len(emu.requests) == 3
    rows = [json.loads(line) for line in (out / "summary.jsonl").read_text().splitlines()]
    assert [r["status"] for r in rows] == ["succeeded"] * 3
    assert all((out / r["files"][0]).is_file() for r in rows)
    assert "kling batch: 3 jobs" in first.out and "v2.6/pro/text-to-video" in first.out
    assert "3/3" in first.err and "3 ok, 0 failed, 0 in flight" in first.err
    assert (out / "journal.db").is_file()


def test_invalid_lines_are_all_listed_and_nothing_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs = _jobs(tmp_path, "fine")
    jobs.write_text(jobs.read_text() + '{"endpoint": "v2.6/pro/text-to-video"}\n[1]\n')
    with Emulator() as emu:
        assert _batch(emu, jobs, tmp_path / "out") == 3
        assert emu.requests == {}
    assert capsys.readouterr().err.splitlines() == [
        "kling: 2 problems, nothing was sent:",
        f"  {jobs}:2 prompt [required]: Field required",
        f"  {jobs}:3 <line> [type]: a job is a JSON object, got list",
    ]


def test_a_failed_job_exits_4_and_is_in_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs, out = _jobs(tmp_path, "refused"), tmp_path / "out"
    with Emulator(faults=Faults(rate=1.0, kinds=("422",), on=("submit",))) as emu:
        assert _batch(emu, jobs, out) == 4
    (row,) = [json.loads(line) for line in (out / "summary.jsonl").read_text().splitlines()]
    assert row["status"] == "failed" and row["request_id"] is None
    assert "Injected validation failure" in row["error"]
    assert f"kling: job {row['id']} failed: " in capsys.readouterr().err


def test_max_cost_without_prices_refuses_before_sending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kling_fal._runtime.client._jobs import default_estimator

    if default_estimator() is not None:  # with a price table: a limit no job fits under
        limit, said = "0.001", "above the limit $0.00"
    else:
        limit, said = "100", "no price table"
    with Emulator() as emu:
        assert _batch(emu, _jobs(tmp_path, "a"), tmp_path / "out", "--max-cost", limit) == 6
        assert emu.requests == {}
    assert said in capsys.readouterr().err


def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["batch", "--help"])
    shown = capsys.readouterr().out
    assert all(f"  {code:<4} {text}" in shown for code, text in EXIT_CODES)
    assert Counter(code for code, _ in EXIT_CODES) == Counter(
        {0: 1, 2: 1, 3: 1, 4: 1, 6: 1, 130: 1}
    )
