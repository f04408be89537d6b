"""2,000 paid jobs with 20% injected faults, the batch process SIGKILLed midway, then run again:
every job succeeds, and the emulator's records show each job's input submitted exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from kling_fal.client import Journal
from kling_fal.emulator import Emulator, Faults
from support import GENERATED
from test_client_helpers import KEY

pytestmark = pytest.mark.slow(34)  # seconds, roughly: scheduled early (conftest.py)

JOBS = 2000
FAULTS = Faults(rate=0.2, seed=7, kinds=("429", "502", "503", "timeout"), delay=0.0)

BATCH = """
import json, sys
from kling_fal.client import KlingClient, Retry
client = KlingClient(emulator=sys.argv[1], poll_interval=0.0,
                     retry=Retry(attempts=30, base_delay=0.001, max_delay=0.01))
found = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None  # prompt -> request id
result = client.batch(
    [json.loads(line) for line in open(sys.argv[2])],
    out=sys.argv[3],
    concurrency=16,
    reconcile=(lambda job: found.get(job.input["prompt"])) if found is not None else None,
)
print(json.dumps(result.ok), flush=True)  # the first run is killed before this
"""


def _jobs(path: Path) -> list[dict[str, object]]:
    jobs = [
        {"endpoint": "v2.6/pro/text-to-video", "input": {"prompt": f"a lake at dawn, take {n}"}}
        for n in range(JOBS)
    ]
    path.write_text("".join(json.dumps(job) + "\n" for job in jobs))
    return jobs


def _batch(emu: Emulator, jobs: Path, out: Path, *found: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(GENERATED), "FAL_KEY": KEY}
    argv = [sys.executable, "-c", BATCH, emu.url, str(jobs), str(out), *found]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)


def _kill_midway(emu: Emulator, jobs: Path, out: Path) -> None:
    with _batch(emu, jobs, out) as child:
        deadline = time.monotonic() + 120
        while sum(r.outcome == "OK" for r in emu.requests.values()) < JOBS // 3:
            assert child.poll() is None, "the batch ended before it was killed"
            assert time.monotonic() < deadline, "the batch did not get a third through in 120 s"
            time.sleep(0.25)  # emu.requests copies every record: look now and then
        child.send_signal(signal.SIGKILL)
        assert child.wait(10) == -signal.SIGKILL
    time.sleep(0.5)  # submits the child had sent reach the emulator


def _prompt(record: Any) -> str:
    return str(record.input["prompt"])


def test_killed_batch_reruns_to_every_job_exactly_once(tmp_path: Path) -> None:
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out"
    payloads = _jobs(jobs)
    with Emulator(steps=0, faults=FAULTS) as emu:
        _kill_midway(emu, jobs, out)
        with Journal(out / "journal.db").batch() as log:
            states = Counter(entry.state for entry in log.jobs().values())
        assert 0 < states["succeeded"] < JOBS and states["submitted"] > 0  # cut off midway
        # fal's request history, as the emulator has it: for jobs cut off while submitting
        history = {_prompt(r): rid for rid, r in emu.requests.items()}
        with _batch(emu, jobs, out, json.dumps(history)) as rerun:
            assert rerun.communicate(timeout=300)[0].strip() == "true"
        submits = Counter(_prompt(r) for r in emu.requests.values())
        outcomes = Counter(r.outcome for r in emu.requests.values())
        assert len(emu.injected_faults) > JOBS // 2  # the faults did hit
    assert submits == Counter(str(p["input"]["prompt"]) for p in payloads)  # each job once
    assert outcomes == {"OK": JOBS}
    rows = [json.loads(line) for line in (out / "summary.jsonl").read_text().splitlines()]
    assert [row["status"] for row in rows] == ["succeeded"] * JOBS
    assert len({row["request_id"] for row in rows}) == JOBS
    for row in rows[:: JOBS // 20]:
        (saved,) = row["files"]
        assert (out / saved).stat().st_size == row["output"]["video"]["file_size"]
