"""A paid job is never lost: a process killed right after submit leaves a journal entry from
which a new process resumes the job and gets its result."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from kling_fal.client import Journal
from kling_fal.emulator import Emulator
from support import GENERATED
from test_client_helpers import KEY

V26_T2V = "fal-ai/kling-video/v2.6/pro/text-to-video"

SUBMIT = """
import sys, time
from kling_fal.client import KlingClient
client = KlingClient(emulator=sys.argv[1], journal=sys.argv[2])
def enqueued(request_id):
    print(request_id, flush=True)
client.v2_6_pro_text_to_video(prompt="a lake at dawn", on_enqueue=enqueued)
print("finished", flush=True)  # never reached: killed while waiting
"""

RESUME = """
import json, sys
from kling_fal.client import KlingClient
client = KlingClient(emulator=sys.argv[1], journal=sys.argv[2])
(entry,) = client.journal.entries(pending=True)
found = client.resume(entry.request_id, wait=True)
print(json.dumps({"id": entry.request_id, "output": found.output.model_dump(mode="json")}))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(GENERATED), "FAL_KEY": KEY}


def test_killed_after_submit_then_resumed_by_a_new_process(tmp_path: Path) -> None:
    db = tmp_path / "jobs.db"
    with Emulator(latency=0.5) as emu:  # finishes ~1.5 s after submit
        with subprocess.Popen(
            [sys.executable, "-c", SUBMIT, emu.url, str(db)],
            stdout=subprocess.PIPE,
            text=True,
            env=_env(),
        ) as child:
            assert child.stdout is not None
            request_id = child.stdout.readline().strip()
            child.send_signal(signal.SIGKILL)
            child.wait(10)
        assert child.returncode == -signal.SIGKILL
        assert emu.requests[request_id].outcome is None  # still running at fal

        entry = Journal(db).get(request_id)
        assert entry is not None and entry.endpoint_id == V26_T2V
        assert entry.state in ("submitted", "queued", "in_progress")
        assert entry.input == emu.requests[request_id].input

        done = subprocess.run(
            [sys.executable, "-c", RESUME, emu.url, str(db)],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        resumed = json.loads(done.stdout)
        assert resumed["id"] == request_id
        assert resumed["output"]["video"]["url"].startswith(f"{emu.url}/files/{request_id}/")
        assert emu.requests[request_id].outcome == "OK"
        assert len(emu.requests) == 1  # resumed, not resubmitted
    final = Journal(db).get(request_id)
    assert final is not None and final.state == "succeeded" and final.output is not None
    assert final.output["video"]["url"] == resumed["output"]["video"]["url"]
