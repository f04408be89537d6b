"""The unmodified official fal_client, in a subprocess, against the emulator over HTTPS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kling_fal
from emulator_support import V26_I2V
from kling_fal.emulator import Emulator, Faults

# Runs in a fresh interpreter: fal_client reads FAL_RUN_HOST / FAL_QUEUE_RUN_HOST at import.
SCRIPT = r"""
import json, os, sys
import fal_client
import fal_client.client as fc

fc.REST_URL = fc.CDN_URL = os.environ["EMULATOR_URL"]
EID = "fal-ai/kling-video/v2.6/pro/image-to-video"
ARGS = {"prompt": "A king walks slowly", "start_image_url": "https://example.com/king.png",
        "duration": "10"}
out = {}
handle = fal_client.submit(EID, ARGS)
out["statuses"] = []
while True:
    status = fal_client.status(EID, handle.request_id, with_logs=True)
    out["statuses"].append([type(status).__name__, getattr(status, "logs", None)])
    if isinstance(status, fal_client.Completed):
        out["metrics"] = status.metrics
        break
out["request_id"] = handle.request_id
out["result"] = fal_client.result(EID, handle.request_id)
second = fal_client.submit(EID, ARGS)
fal_client.cancel(EID, second.request_id)
try:
    fal_client.result(EID, second.request_id)
except fal_client.client.FalClientHTTPError as exc:
    out["cancelled"] = [exc.status_code, exc.error_type]
try:
    fal_client.submit(EID, {"prompt": 1})
except fal_client.client.FalClientHTTPError as exc:
    out["invalid"] = [exc.status_code, exc.message]
out["upload"] = fal_client.upload_file(sys.argv[1])
out["upload_bytes"] = fal_client.upload(b"raw bytes", "application/octet-stream")
events = []
out["subscribe"] = fal_client.subscribe(
    EID, ARGS, with_logs=True, on_queue_update=lambda s: events.append(type(s).__name__)
)
out["events"] = events
out["run"] = fal_client.run(EID, ARGS)
try:
    fal_client.run(EID, {"prompt": 1})
except fal_client.client.FalClientHTTPError as exc:
    out["run_invalid"] = [exc.status_code, exc.message]
print(json.dumps(out))
"""


def run_fal_client(emu: Emulator, upload: Path) -> dict[str, Any]:
    assert emu.ca_file is not None
    netloc = urlsplit(emu.url).netloc
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.pop("SSL_CERT_DIR", None)
    env.update(
        FAL_KEY="test-key",
        FAL_RUN_HOST=f"{netloc}/run",
        FAL_QUEUE_RUN_HOST=netloc,
        SSL_CERT_FILE=emu.ca_file,
        EMULATOR_URL=emu.url,
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(upload)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_official_fal_client_speaks_to_the_emulator(tmp_path: Path) -> None:
    image = tmp_path / "king.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with Emulator(tls=True) as emu:
        out = run_fal_client(emu, image)
        uploads = {url: (f.data, f.content_type) for url, f in emu.uploads.items()}
        requests = emu.requests
    names = [name for name, _ in out["statuses"]]
    assert names == ["Queued", "InProgress", "InProgress", "Completed"]
    assert [len(logs) for _, logs in out["statuses"][1:]] == [1, 2, 3]
    assert out["metrics"]["inference_time"] >= 0
    kling_fal.parse_output(V26_I2V, out["result"])
    assert out["result"]["video"]["url"].startswith(emu.url)
    assert out["cancelled"] == [499, "client_cancelled"]
    status, message = out["invalid"]
    assert status == 422 and {tuple(d["loc"]) for d in message} >= {
        ("body", "prompt"),
        ("body", "start_image_url"),
    }
    assert uploads[out["upload"]] == (image.read_bytes(), "image/png")
    assert uploads[out["upload_bytes"]][0] == b"raw bytes"
    kling_fal.parse_output(V26_I2V, out["subscribe"])
    assert out["events"] == ["Queued", "InProgress", "InProgress", "Completed"]
    assert requests[out["request_id"]].input["duration"] == "10"
    kling_fal.parse_output(V26_I2V, out["run"])  # fal.run: the output, no queue ticket
    status, message = out["run_invalid"]
    assert status == 422 and ("body", "start_image_url") in {tuple(d["loc"]) for d in message}
    assert len(requests) == 5  # the run and the invalid run are kept; the invalid submit is not
    assert [r.status for r in requests.values()].count("COMPLETED") == 5


def test_fal_client_retries_through_injected_faults(tmp_path: Path) -> None:
    image = tmp_path / "a.png"
    image.write_bytes(b"png")
    faults = Faults(rate=0.3, seed=2, kinds=("429", "502"), on=("submit", "status", "result"))
    with Emulator(tls=True, faults=faults) as emu:
        out = run_fal_client(emu, image)
        assert emu.injected_faults  # fal_client retried 429 and nginx 502 on its own
        assert len(emu.requests) == 5
    assert [name for name, _ in out["statuses"]] == [
        "Queued",
        "InProgress",
        "InProgress",
        "Completed",
    ]
    kling_fal.parse_output(V26_I2V, out["result"])
