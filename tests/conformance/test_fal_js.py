"""The unmodified @fal-ai/client (npm, 1.x) runs the seed page's calls against the emulator.

fal_js.mjs reaches the emulator through fal-js's public ``requestMiddleware`` only; it runs once
per module and every call it made is asserted by its own test here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kling_fal
import pytest
from emulator_support import V26_I2V, receiver
from kling_fal.emulator import Emulator, RequestRecord, StoredFile, WebhookDelivery
from support import ROOT

SCRIPT = Path(__file__).with_name("fal_js.mjs")
BIG_MIB = 91  # fal-js switches to its multipart upload above 90 MiB


@dataclass(frozen=True)
class Run:
    """What the script printed and what the emulator saw."""

    out: dict[str, Any]
    requests: dict[str, RequestRecord]
    uploads: dict[str, StoredFile]
    deliveries: list[WebhookDelivery]
    webhook_url: str


def fal_hosts(emu: Emulator) -> dict[str, str]:
    """fal's hosts as fal-js calls them -> the emulator's base URL for each (``/run``: its
    synchronous run, what fal.run answers)."""
    return {"queue.fal.run": emu.url, "fal.run": f"{emu.url}/run", "rest.fal.ai": emu.url}


@pytest.fixture(scope="module")
def run() -> Iterator[Run]:
    node = shutil.which("node")
    assert node, "node (20 or later) runs the fal-js conformance script"
    assert (ROOT / "node_modules" / "@fal-ai" / "client").is_dir(), (
        "@fal-ai/client is installed by the README's test command (npm install @fal-ai/client@1)"
    )
    with receiver() as hook, Emulator() as emu:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(
            FAL_KEY="test-key",
            FAL_HOSTS=json.dumps(fal_hosts(emu)),
            ENDPOINT_ID=V26_I2V,
            WEBHOOK_URL=hook.url,
            BIG_MIB=str(BIG_MIB),
        )
        done = subprocess.run(
            [node, str(SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        emu.wait_webhooks()
        yield Run(
            json.loads(done.stdout),
            emu.requests,
            emu.uploads,
            emu.webhook_deliveries,
            hook.url,
        )


def value(run: Run, name: str) -> Any:
    """The value a call returned; fails with the error fal-js raised."""
    outcome = run.out[name]
    assert outcome["ok"], f"{name}: {outcome['error']}"
    return outcome["value"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_subscribe_reports_queue_updates_with_logs(run: Run) -> None:
    got = value(run, "subscribe")
    statuses = [update["status"] for update in got["updates"]]
    assert statuses[0] == "IN_QUEUE" and statuses[-1] == "COMPLETED", statuses
    assert "IN_PROGRESS" in statuses
    logs = [u["logs"] for u in got["updates"] if u["status"] == "IN_PROGRESS"]
    assert all(log and all(isinstance(e["message"], str) for e in log) for log in logs), logs
    kling_fal.parse_output(V26_I2V, got["result"]["data"])
    assert run.requests[got["result"]["requestId"]].outcome == "OK"


def test_submit_with_webhook_url_delivers_the_result(run: Run) -> None:
    request_id = value(run, "submit")["request_id"]
    assert run.requests[request_id].webhook_url == run.webhook_url
    delivered = [d for d in run.deliveries if d.request_id == request_id and d.delivered]
    assert len(delivered) == 1
    body = json.loads(delivered[0].body)
    assert body["status"] == "OK" and body["request_id"] == request_id
    kling_fal.parse_output(V26_I2V, body["payload"])


def test_status_with_logs_until_completed(run: Run) -> None:
    seen = value(run, "status")  # a job with a webhook runs to completion on its own
    assert seen[-1]["status"] == "COMPLETED", seen
    assert all(s["logs"] and all(isinstance(e["message"], str) for e in s["logs"]) for s in seen)


def test_result_is_the_typed_output(run: Run) -> None:
    got = value(run, "result")
    assert got["requestId"] == value(run, "submit")["request_id"]
    kling_fal.parse_output(V26_I2V, got["data"])


def test_cancel_cancels_the_request(run: Run) -> None:
    got = value(run, "cancel")
    assert got["status"] == "COMPLETED"
    assert run.requests[got["requestId"]].outcome == "CANCELLED"


def test_storage_upload_of_a_small_file(run: Run) -> None:
    got = value(run, "upload_small")
    stored = run.uploads[got["url"]]
    assert sha256(stored.data) == got["sha256"]
    assert stored.content_type == "image/png" and stored.name.endswith(".png")


def test_storage_upload_above_90_mib_goes_multipart(run: Run) -> None:
    got = value(run, "upload_big")
    stored = run.uploads[got["url"]]
    assert got["size"] == BIG_MIB * 1024 * 1024 == len(stored.data)
    assert sha256(stored.data) == got["sha256"]
    assert stored.content_type == "video/mp4"


def test_blob_input_is_uploaded_automatically(run: Run) -> None:
    got = value(run, "auto_upload")
    sent = run.requests[got["submitted"]["request_id"]].input["start_image_url"]
    assert sha256(run.uploads[sent].data) == got["sha256"]


def test_run_answers_the_output_directly(run: Run) -> None:
    got = value(run, "run")
    kling_fal.parse_output(V26_I2V, got["data"])
    assert got["requestId"]


def test_invalid_input_is_a_validation_error_with_detail(run: Run) -> None:
    outcome = run.out["invalid"]
    assert not outcome["ok"], outcome
    error = outcome["error"]
    assert error["name"] == "ValidationError" and error["validation"], error
    assert error["status"] == 422
    locs = {tuple(item["loc"]) for item in error["body"]["detail"]}
    assert {("body", "prompt"), ("body", "start_image_url")} <= locs, locs


def test_the_readme_test_command_installs_fal_js_as_ci_runs_it() -> None:
    command = next(
        line
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if "pytest -q" in line and "npm install" in line
    )
    assert "npm install -s --no-save --no-package-lock typescript@5 @fal-ai/client@1 &&" in command
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
