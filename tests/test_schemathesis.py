"""schemathesis (its CLI, every default check and phase) with generated/openapi.json against the
offline emulator on a loopback port: every answer the emulator gives must be one the bundle
documents, with its schema, and valid input must be accepted, invalid input rejected.

The few checks that cannot hold for fal's queue are switched off below, each for the operations
it concerns and with its reason; nothing else is. The run is seeded and bounded (EXAMPLES per
operation), and its JUnit report is read back so a failure names the operation and the check.
One worker: hypothesis describing strategies in two threads at once trips CPython 3.11's
`ast.parse` ("AST constructor recursion depth mismatch").
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import kling_fal
import pytest
from kling_fal.emulator import Emulator
from support import GENERATED

pytestmark = pytest.mark.slow(30)  # seconds, roughly: scheduled early (conftest.py)

EXAMPLES = int(os.environ.get("KLING_SCHEMATHESIS_EXAMPLES", "5"))
RESULT = r"/requests/\{request_id\}$"
CANCEL = r"/requests/\{request_id\}/cancel$"
STATUS = r"/requests/\{request_id\}/status(/stream)?$"
# (operations path regex, check, setting, reason)
ALLOWED: list[tuple[str, str, str, str]] = [
    (
        RESULT,
        "positive_data_acceptance",
        'expected-statuses = ["2xx", "400", "401", "404", "422", "429", "499", "5xx"]',
        "a valid request id of a request still running (400), cancelled (499) or whose input "
        "failed late validation (422) is answered so by design: the state decides, not the data",
    ),
    (
        CANCEL,
        "positive_data_acceptance",
        'expected-statuses = ["2xx", "400", "401", "404", "429", "5xx"]',
        "cancelling a completed request is ALREADY_COMPLETED (400) however valid the call",
    ),
    (
        STATUS,
        "negative_data_rejection",
        "enabled = false",
        "the emulator, like fal_client, reads any `logs` value other than 1/true as false "
        "instead of rejecting it (fal's answer to another value is not documented)",
    ),
    (
        r"/requests/",
        "content_type_conformance",
        "enabled = false",
        "emulator discrepancy: its catch-all aiohttp route does not match a request id holding "
        "a newline (%0A), so aiohttp answers its own text/plain 404 instead of the JSON one",
    ),
    (
        ".",
        "unsupported_method",
        "enabled = false",
        "the emulator answers a method no route has with 404, not 405 (fal's gateway's answer "
        "to an unknown method is not documented)",
    ),
]


# A request id is drawn from the links of its own submit only: fal's request URLs are per app
# (fal-ai/kling-video), so an id submitted to one endpoint is answered, with that endpoint's
# output, under any other endpoint's path too, which no per-endpoint document can describe.
_SETTINGS = "[phases.fuzzing.extra-data-sources]\nresponses = false\n"


def _config() -> str:
    """schemathesis.toml: the settings, then one [[operations]] table per allowlist entry."""
    tables = [
        f"[[operations]]\ninclude-path-regex = '{where}'\n[operations.checks.{check}]\n{setting}\n"
        for where, check, setting, _ in ALLOWED
    ]
    return "\n".join([_SETTINGS, *tables])


SEED = "fal-ai/kling-video/v2.6/pro/image-to-video"
STORAGE = "^/(storage/auth/token|files/upload)$"


def selection() -> str:
    """The operations tested, as a path regex: every operation of every endpoint with
    KLING_SCHEMATHESIS_ALL=1; else the submit and result of one endpoint of each model family
    (families differ in request and output shapes) and of one removed endpoint, the first whose
    request model no endpoint picked before has (three families' effects share theirs), and the
    status, stream and cancel calls (alike on every endpoint) of the seed endpoint; storage."""
    if os.environ.get("KLING_SCHEMATHESIS_ALL") == "1":
        return "."
    endpoints = sorted(kling_fal.ENDPOINTS.items())
    first: dict[str, str] = {}
    covered: set[str] = set()
    for endpoint_id, info in endpoints:
        family = "removed" if info.status == "removed" else info.model
        if family not in first and info.input_model not in covered:
            first[family] = endpoint_id
            covered.add(info.input_model)
    for endpoint_id, info in endpoints:  # a family all of whose request models were picked
        first.setdefault("removed" if info.status == "removed" else info.model, endpoint_id)
    sampled = "|".join(re.escape(endpoint_id) for endpoint_id in sorted(first.values()))
    calls = rf"^/{re.escape(SEED)}/requests/\{{request_id\}}/(status|status/stream|cancel)$"
    return rf"^/({sampled})(/requests/\{{request_id\}})?$|{calls}|{STORAGE}"


def _failures(report: Path) -> list[str]:
    """`operation: message` for every failed or erroring test case of the JUnit report."""
    found = []
    for case in ET.parse(report).getroot().iter("testcase"):
        for problem in [*case.iter("failure"), *case.iter("error")]:
            text = (problem.get("message") or problem.text or "").strip().splitlines()
            found.append(f"{case.get('name')}: {text[0] if text else problem.tag}")
    return found


def test_schemathesis_passes_against_the_emulator(tmp_path: Path) -> None:
    (tmp_path / "schemathesis.toml").write_text(_config(), encoding="utf-8")
    where = selection()
    with Emulator(webhook_retries=0) as emu:
        run = subprocess.run(
            [
                *(sys.executable, "-m", "schemathesis.cli"),
                *("--config-file", str(tmp_path / "schemathesis.toml"), "run"),
                str(GENERATED / "openapi.json"),
                *("--url", emu.url, "-H", "Authorization: Key test-key"),
                *("--max-examples", str(EXAMPLES), "--seed", "1", "--workers", "1"),
                *("--include-path-regex", where),
                *("--report", "junit", "--report-dir", str(tmp_path), "--no-color"),
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=600,
        )
    reports = sorted(tmp_path.glob("junit*.xml"))
    assert reports, run.stdout[-3000:] + run.stderr[-3000:]
    failures = _failures(reports[-1])
    assert not failures, "\n".join(failures[:40]) + "\n" + run.stdout[-4000:]
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    bundle = json.loads((GENERATED / "openapi.json").read_text(encoding="utf-8"))
    selected = sum(
        method in ("get", "put", "post")
        for path, item in bundle["paths"].items()
        if re.search(where, path)
        for method in item
    )
    assert re.search(rf"Tested: {selected}\b", run.stdout), run.stdout[-2000:]


@pytest.mark.parametrize("entry", ALLOWED, ids=[f"{e[1]}:{e[0]}" for e in ALLOWED])
def test_each_exception_concerns_documented_operations(entry: tuple[str, str, str, str]) -> None:
    """An allowlist entry matching no operation of the bundle is stale."""
    bundle = json.loads((GENERATED / "openapi.json").read_text(encoding="utf-8"))
    assert any(re.search(entry[0], path) for path in bundle["paths"]), entry
