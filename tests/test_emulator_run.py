"""fal's synchronous run: ``POST /run/{endpoint id}`` or ``Host: fal.run`` answers the output."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import kling_fal
import pytest
from emulator_support import V26_I2V, client, files_in, payload
from kling_fal.emulator import Emulator, Faults


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(steps=3, seed=31) as running:
        yield running


@pytest.fixture(scope="module")
def http(emu: Emulator) -> Iterator[httpx.Client]:
    with client(emu) as c:
        yield c


def test_run_answers_the_output_and_keeps_a_finished_record(
    emu: Emulator, http: httpx.Client
) -> None:
    response = http.post(f"/run/{V26_I2V}", json=payload(V26_I2V))
    assert response.status_code == 200, response.text
    output = response.json()
    kling_fal.parse_output(V26_I2V, output)
    assert "request_id" not in output and "status_url" not in output
    for file in files_in(output):
        assert http.get(file["url"]).content[4:8] == b"ftyp"
    record = emu.requests[response.headers["x-fal-request-id"]]
    assert (record.endpoint_id, record.status, record.outcome) == (V26_I2V, "COMPLETED", "OK")


def test_the_host_header_chooses_run_or_queue(http: httpx.Client) -> None:
    run = http.post(f"/{V26_I2V}", json=payload(V26_I2V), headers={"Host": "fal.run"})
    assert run.status_code == 200 and "video" in run.json()
    queued = http.post(f"/{V26_I2V}", json=payload(V26_I2V), headers={"Host": "queue.fal.run"})
    assert queued.status_code == 200 and queued.json()["status"] == "IN_QUEUE"
    assert http.get("/.well-known/jwks.json", headers={"Host": "fal.run"}).status_code == 200


def test_invalid_runs_get_422_even_when_validating_at_the_result() -> None:
    for validate_on in ("submit", "result"):
        with Emulator(validate_on=validate_on) as emu, client(emu) as http:
            response = http.post(f"/run/{V26_I2V}", json={"prompt": "x"})
            assert response.status_code == 422
            assert [d["loc"] for d in response.json()["detail"]] == [["body", "start_image_url"]]
            [record] = emu.requests.values()
            assert record.outcome == "ERROR"


def test_run_needs_a_key_and_a_known_active_endpoint(emu: Emulator, http: httpx.Client) -> None:
    with client(emu, headers={}) as anonymous:
        assert anonymous.post(f"/run/{V26_I2V}", json=payload(V26_I2V)).status_code == 401
    unknown = http.post("/run/fal-ai/kling-video/v2.6/pro/image-to-vidoe", json={})
    assert unknown.status_code == 404 and V26_I2V in unknown.json()["detail"]
    removed = next(i for i, e in kling_fal.ENDPOINTS.items() if e.status == "removed")
    assert http.post(f"/run/{removed}", json=payload(removed)).status_code == 404
    assert http.get(f"/run/{V26_I2V}").status_code == 404
    assert http.get("/run/fal-ai/kling-video/requests/x/status").status_code == 404


def test_runs_and_submits_take_injected_422s_without_changing_state() -> None:
    faults = Faults(rate=1.0, kinds=("422",), on=("run", "submit"))
    with Emulator(faults=faults) as emu, client(emu) as http:
        for path in (f"/run/{V26_I2V}", f"/{V26_I2V}"):
            response = http.post(path, json=payload(V26_I2V))
            assert response.status_code == 422
            [item] = response.json()["detail"]
            assert (item["loc"], item["type"], item["ctx"]) == (
                ["body"],
                "value_error",
                {"rule": "fault"},
            )
        assert emu.requests == {}
        assert emu.injected_faults == [("run", "422"), ("submit", "422")]
