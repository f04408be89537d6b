"""Fault injection (seeded, state-preserving) and 100 concurrent clients."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import kling_fal
import pytest
from emulator_support import KEY, V26_I2V, client, payload, trust
from kling_fal.emulator import Emulator, FaultKind, Faults, Operation

ALL_OPS: tuple[Operation, ...] = ("submit", "status", "result", "cancel", "storage")


def scripted_calls(emu: Emulator) -> list[int]:
    """A fixed sequence of calls (no retries); the status codes seen."""
    codes = []
    with client(emu) as http:
        for _ in range(10):
            submitted = http.post(f"/{V26_I2V}", json=payload(V26_I2V))
            codes.append(submitted.status_code)
            if submitted.status_code == 200:
                for path in ("status_url", "status_url", "response_url"):
                    codes.append(http.get(submitted.json()[path]).status_code)
        codes.append(http.post("/storage/auth/token", json={}).status_code)
    return codes


def test_same_seed_same_faults() -> None:
    def run(seed: int) -> tuple[list[int], list[Any]]:
        faults = Faults(rate=0.5, seed=seed, kinds=("429", "500", "502", "503"), on=ALL_OPS)
        with Emulator(faults=faults) as emu:
            return scripted_calls(emu), emu.injected_faults

    first, again, other = run(7), run(7), run(8)
    assert first == again
    assert first != other
    codes, injected = first
    assert {c for c in codes if c >= 400} <= {429, 500, 502, 503}
    assert len(injected) == sum(c >= 400 for c in codes)


@pytest.mark.parametrize(
    ("kind", "status", "error_type"),
    [
        ("429", 429, None),
        ("500", 500, "internal_error"),
        ("503", 503, "runner_scheduling_failure"),
        ("502", 502, None),
    ],
)
def test_fault_shapes_follow_fal(kind: FaultKind, status: int, error_type: str | None) -> None:
    with Emulator(faults=Faults(rate=1.0, kinds=(kind,), on=("submit",))) as emu:
        with client(emu) as http:
            response = http.post(f"/{V26_I2V}", json=payload(V26_I2V))
        assert response.status_code == status
        assert emu.requests == {}  # a failed submit created no job
    if kind == "429":
        assert response.json() == {"detail": "Rate limit exceeded"}
    elif kind == "502":  # what fal_client treats as a retryable ingress error
        assert "nginx" in response.text and "x-fal-request-id" not in response.headers
    else:
        assert response.json()["error_type"] == response.headers["x-fal-error-type"] == error_type


def test_timeout_fault_holds_the_answer_and_creates_nothing() -> None:
    faults = Faults(rate=1.0, kinds=("timeout",), on=("submit",), delay=0.3)
    with Emulator(faults=faults) as emu, client(emu, timeout=0.1) as http:
        with pytest.raises(httpx.ReadTimeout):
            http.post(f"/{V26_I2V}", json=payload(V26_I2V))
        with client(emu) as patient:
            started = time.monotonic()
            late = patient.post(f"/{V26_I2V}", json=payload(V26_I2V))
            assert time.monotonic() - started >= 0.3
        assert (late.status_code, late.json()["error_type"]) == (504, "request_timeout")
        assert emu.requests == {}


def test_faults_never_advance_or_duplicate_jobs() -> None:
    faults = Faults(rate=0.4, seed=3, kinds=("429", "503"), on=("submit", "status", "result"))
    with Emulator(faults=faults, steps=3) as emu, client(emu) as http:
        seen: list[list[str]] = []
        for n in range(5):
            body = {**payload(V26_I2V), "prompt": f"shot {n}"}
            submitted = retry(lambda b=body: http.post(f"/{V26_I2V}", json=b))
            statuses: list[str] = []
            while not statuses or statuses[-1] != "COMPLETED":
                statuses.append(retry(lambda s=submitted: http.get(s["status_url"]))["status"])
            seen.append(statuses)
            kling_fal.parse_output(V26_I2V, retry(lambda s=submitted: http.get(s["response_url"])))
        assert emu.injected_faults  # faults did happen ...
        assert seen == [["IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]] * 5  # ... unseen
        assert sorted(r.input["prompt"] for r in emu.requests.values()) == [
            f"shot {n}" for n in range(5)
        ]


def retry(call: Any, attempts: int = 50) -> Any:
    """Repeat `call` while it answers a retryable status; its JSON."""
    for _ in range(attempts):
        response = call()
        if response.status_code not in (429, 502, 503, 504):
            assert response.status_code < 400, response.text
            return response.json()
    raise AssertionError("still failing")


async def test_100_concurrent_clients_each_stored_once() -> None:
    faults = Faults(rate=0.2, seed=5, kinds=("429", "503"), on=("submit", "status", "result"))
    with Emulator(faults=faults, tls=True) as emu:

        async def one(n: int) -> dict[str, Any]:
            async with httpx.AsyncClient(
                base_url=emu.url, headers=KEY, verify=trust(emu), trust_env=False, timeout=30
            ) as http:
                body = {**payload(V26_I2V), "prompt": f"client {n}"}
                submitted = await aretry(lambda: http.post(f"/{V26_I2V}", json=body))
                while (await aretry(lambda: http.get(submitted["status_url"])))["status"] != (
                    "COMPLETED"
                ):
                    pass
                result: dict[str, Any] = await aretry(lambda: http.get(submitted["response_url"]))
                return result

        results = await asyncio.gather(*(one(n) for n in range(100)))
        records = emu.requests
    assert len(records) == 100
    assert sorted(r.input["prompt"] for r in records.values()) == sorted(
        f"client {n}" for n in range(100)
    )
    assert all(r.outcome == "OK" for r in records.values())
    assert len({r["video"]["url"] for r in results}) == 100
    for result in results:
        kling_fal.parse_output(V26_I2V, result)


async def aretry(call: Any) -> Any:
    for _ in range(50):
        response = await call()
        if response.status_code not in (429, 503):
            assert response.status_code < 400, response.text
            return response.json()
    raise AssertionError("still failing")
