"""Using one endpoint imports only what its models need: their classes, rules and rule kinds."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from support import GENERATED

V26_I2V = "fal-ai/kling-video/v2.6/pro/image-to-video"
PROBE = f"""
import json, sys
import kling_fal
before = set(sys.modules)
kling_fal.validate({V26_I2V!r}, {{"prompt": "x", "start_image_url": "https://e.com/a.png"}})
loaded = sorted(m for m in sys.modules if m.startswith("kling_fal") and m not in before)
print(json.dumps({{"before": sorted(m for m in before if m.startswith("kling_fal")), "loaded": loaded}}))
"""


def _probe() -> dict[str, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(GENERATED)}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    found: dict[str, list[str]] = json.loads(done.stdout)
    return found


def test_import_loads_no_model_and_one_validate_loads_only_its_own() -> None:
    found = _probe()
    assert not [
        m for m in found["before"] if m.startswith(("kling_fal.models.", "kling_fal._rules"))
    ]
    models = {m for m in found["loaded"] if m.startswith("kling_fal.models.inputs.")}
    assert models == {
        "kling_fal.models.inputs.image_to_video_v26_pro_request",
        "kling_fal.models.inputs.duration5_to10_enum",
    }
    rules = {m for m in found["loaded"] if m.startswith("kling_fal._rules.")}
    assert rules == {"kling_fal._rules.image_to_video_v26_pro_request"}
    kinds = {
        m.rsplit(".", 1)[1] for m in found["loaded"] if m.startswith("kling_fal._runtime.kinds.")
    }
    assert kinds - {"_base", "_support", "_values", "conditions"} == {
        "count"
    }  # voice_ids at most 2
    assert not [
        m for m in found["loaded"] if m.startswith(("kling_fal.client", "kling_fal.models.outputs"))
    ]
