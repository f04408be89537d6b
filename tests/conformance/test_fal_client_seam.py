"""Against fal.ai the clients are fal_client's own, untouched; only routing loads the internals."""

from __future__ import annotations

import subprocess
import sys

from support import GENERATED

# A fresh interpreter: no other test has imported the routing module yet.
SCRIPT = r"""
import sys
import fal_client
from kling_fal.client import AsyncKlingClient, KlingClient

ROUTED = "kling_fal._runtime.client._routed"
assert type(KlingClient(key="k")._fal()) is fal_client.SyncClient
assert type(AsyncKlingClient(key="k")._fal()) is fal_client.AsyncClient
assert ROUTED not in sys.modules, "the stock path imported the fal_client internals"
routed = KlingClient(key="k", emulator="http://127.0.0.1:9")._fal()
assert isinstance(routed, fal_client.SyncClient) and type(routed).__module__ == ROUTED
print("ok")
"""


def test_only_emulator_or_transport_routing_loads_the_internals() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(GENERATED), "PATH": ""},
    )
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr
