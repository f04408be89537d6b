"""The emulator's queue over real loopback HTTP: every endpoint, status sequence, errors, cancel."""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import kling_fal
import pytest
from emulator_support import ACTIVE, KEY, V26_I2V, client, files_in, payload, poll, submit
from kling_fal import fixtures
from kling_fal.emulator import Emulator

FAMILIES = {
    "v1", "v1.5", "v1.6", "v2", "v2.1", "v2.5-turbo", "v2.6", "v3", "o1", "o3",
    "lipsync", "ai-avatar", "tts", "create-voice", "video-to-audio",
}  # fmt: skip


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(steps=3) as running:
        yield running


@pytest.fixture(scope="module")
def http(emu: Emulator) -> Iterator[httpx.Client]:
    with client(emu) as c:
        yield c


def test_active_endpoints_cover_every_family_and_mode() -> None:
    infos = [kling_fal.ENDPOINTS[i] for i in ACTIVE]
    assert {e.model for e in infos} >= FAMILIES
    assert {"effects", "elements", "motion-control"} <= {e.mode for e in infos}
    assert any(e.tier.startswith("turbo") and e.model == "v3" for e in infos)


@pytest.mark.parametrize("endpoint_id", ACTIVE)
def test_endpoint_runs_the_queue_protocol(
    emu: Emulator, http: httpx.Client, endpoint_id: str
) -> None:
    sent = payload(endpoint_id)
    submitted = submit(http, endpoint_id, sent)
    rid = submitted["request_id"]
    base = f"{emu.url}/fal-ai/kling-video/requests/{rid}"
    assert submitted == {
        "request_id": rid,
        "response_url": base,
        "status_url": f"{base}/status",
        "cancel_url": f"{base}/cancel",
        "status": "IN_QUEUE",
        "queue_position": submitted["queue_position"],
    }
    statuses = poll(http, submitted)
    assert [(r.status_code, r.json()["status"]) for r in statuses] == [
        (202, "IN_QUEUE"),
        (202, "IN_PROGRESS"),
        (202, "IN_PROGRESS"),
        (200, "COMPLETED"),
    ]
    assert isinstance(statuses[0].json()["queue_position"], int)
    assert [len(r.json()["logs"]) for r in statuses[1:]] == [1, 2, 3]
    done = statuses[-1].json()
    for entry in done["logs"]:
        assert set(entry) == {"message", "level", "source", "timestamp"}
        assert entry["source"] == "USER"
    assert done["metrics"]["inference_time"] >= 0
    assert "error" not in done

    result = http.get(submitted["response_url"])
    assert result.status_code == 200
    kling_fal.parse_output(endpoint_id, result.json())
    files = list(files_in(result.json()))
    assert files or endpoint_id == "fal-ai/kling-video/create-voice"  # returns a voice_id only
    for file in files:
        download = http.get(file["url"])
        assert download.status_code == 200
        assert download.headers["content-type"] == file["content_type"]
        assert len(download.content) == file["file_size"] > 0
    stored = emu.requests[rid]
    assert (stored.endpoint_id, stored.input, stored.status, stored.outcome) == (
        endpoint_id,
        sent,
        "COMPLETED",
        "OK",
    )
    assert stored.attempts == 5  # four polls and the result


def test_media_placeholders_match_their_types(http: httpx.Client) -> None:
    result = http.get(submit_and_finish(http, "fal-ai/kling-video/video-to-audio")).json()
    video = http.get(result["video"]["url"]).content
    audio = http.get(result["audio"]["url"]).content
    assert video[4:8] == b"ftyp" and result["video"]["content_type"] == "video/mp4"
    assert audio[:3] == b"ID3" and result["audio"]["content_type"] == "audio/mpeg"


def test_outputs_repeat_requested_numbers_and_make_new_voice_ids(http: httpx.Client) -> None:
    voice_ids = {
        http.get(submit_and_finish(http, "fal-ai/kling-video/create-voice")).json()["voice_id"]
        for _ in range(2)
    }
    assert len(voice_ids) == 2
    avatar = http.get(submit_and_finish(http, "fal-ai/kling-video/ai-avatar/v2/pro")).json()
    assert avatar["duration"] > 0


def submit_and_finish(http: httpx.Client, endpoint_id: str) -> str:
    submitted = submit(http, endpoint_id)
    poll(http, submitted)
    return str(submitted["response_url"])


def test_unknown_and_removed_endpoints_and_ids_are_404(http: httpx.Client) -> None:
    unknown = http.post("/fal-ai/kling-video/v2.6/pro/image-to-vidoe", json={})
    assert unknown.status_code == 404
    assert V26_I2V in unknown.json()["detail"]  # did-you-mean
    removed = [i for i, e in kling_fal.ENDPOINTS.items() if e.status == "removed"]
    assert http.post(f"/{removed[0]}", json=payload(removed[0])).status_code == 404
    base = "/fal-ai/kling-video/requests/no-such-id"
    assert http.get(f"{base}/status").status_code == 404
    assert http.get(base).status_code == 404
    cancel = http.put(f"{base}/cancel")
    assert (cancel.status_code, cancel.json()["status"]) == (404, "NOT_FOUND")
    assert http.get("/somewhere/else").status_code == 404


@pytest.mark.parametrize("authorization", [None, "", "Key", "Bearer abc", "key abc", "Keyabc"])
def test_queue_and_storage_token_need_a_fal_key(emu: Emulator, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    with client(emu, headers=headers) as anonymous, client(emu) as keyed:
        submitted = submit(keyed, V26_I2V)
        for response in (
            anonymous.post(f"/{V26_I2V}", json=payload(V26_I2V)),
            anonymous.get(submitted["status_url"]),
            anonymous.get(submitted["response_url"]),
            anonymous.put(submitted["cancel_url"]),
            anonymous.post("/storage/auth/token", json={}),
        ):
            assert response.status_code == 401
            assert isinstance(response.json()["detail"], str)
            assert authorization is None or "abc" not in response.text


def test_cancel_ends_the_job_as_fal_does(emu: Emulator, http: httpx.Client) -> None:
    submitted = submit(http, V26_I2V)
    cancel = http.put(submitted["cancel_url"])
    assert (cancel.status_code, cancel.json()) == (202, {"status": "CANCELLATION_REQUESTED"})
    status = http.get(submitted["status_url"])
    assert status.status_code == 200
    assert (status.json()["status"], status.json()["error_type"]) == (
        "COMPLETED",
        "client_cancelled",
    )
    result = http.get(submitted["response_url"])
    assert result.status_code == 499
    assert result.headers["x-fal-error-type"] == "client_cancelled"
    again = http.put(submitted["cancel_url"])
    assert (again.status_code, again.json()["status"]) == (400, "ALREADY_COMPLETED")
    assert emu.requests[submitted["request_id"]].outcome == "CANCELLED"
    finished = submit(http, V26_I2V)
    poll(http, finished)
    assert http.put(finished["cancel_url"]).status_code == 400


def test_result_before_completion_is_400(http: httpx.Client) -> None:
    submitted = submit(http, V26_I2V)
    early = http.get(submitted["response_url"])
    assert early.status_code == 400
    assert "in progress" in early.json()["detail"]


def test_long_form_urls_address_the_same_request(http: httpx.Client) -> None:
    rid = submit(http, V26_I2V)["request_id"]
    long_base = f"/{V26_I2V}/requests/{rid}"
    statuses = [http.get(f"{long_base}/status").json()["status"] for _ in range(4)]
    assert statuses == ["IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]
    kling_fal.parse_output(V26_I2V, http.get(long_base).json())


def test_status_stream_sends_each_step_then_closes(http: httpx.Client) -> None:
    submitted = submit(http, V26_I2V)
    with http.stream("GET", f"{submitted['status_url']}/stream", params={"logs": "1"}) as stream:
        assert stream.headers["content-type"] == "text/event-stream"
        events = [json.loads(line[5:]) for line in stream.iter_lines() if line.startswith("data:")]
    assert [e["status"] for e in events] == ["IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]


def test_malformed_http_is_answered_400_and_closed(emu: Emulator) -> None:
    host, port = emu.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(b"GARBAGE\r\n\r\n")
        answer = raw.makefile("rb").read()  # returns: the server closed the connection
    assert answer.startswith((b"HTTP/1.1 400 ", b"HTTP/1.0 400 "))


@pytest.mark.parametrize("length", [b"-1", b"-100", b"12x"])
def test_bad_content_length_is_400(emu: Emulator, length: bytes) -> None:
    host, port = emu.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(
            b"POST /fal-ai/kling-video/v2.6/pro/image-to-video HTTP/1.1\r\nHost: x\r\n"
            b"Authorization: Key k\r\nContent-Length: " + length + b"\r\n\r\n{}"
        )
        answer = raw.makefile("rb").read()
    assert answer.startswith((b"HTTP/1.1 400 ", b"HTTP/1.0 400 "))


def test_keep_alive_and_chunked_bodies(emu: Emulator) -> None:
    def chunks() -> Iterator[bytes]:
        body = json.dumps(payload(V26_I2V)).encode()
        yield from (body[:10], body[10:])

    with client(emu) as http:
        first = http.post(f"/{V26_I2V}", content=chunks())  # no length: sent chunked
        assert first.status_code == 200, first.text
        assert emu.requests[first.json()["request_id"]].input == payload(V26_I2V)
        assert http.get(first.json()["status_url"]).status_code == 202
        pool = http._transport._pool  # type: ignore[attr-defined]
        assert len(pool.connections) == 1  # both requests went over one connection


def test_queue_position_counts_earlier_queued_jobs() -> None:
    with Emulator() as emu, client(emu) as http:
        first, second, third = (submit(http, V26_I2V) for _ in range(3))
        assert [first["queue_position"], second["queue_position"]] == [0, 1]
        poll(http, first)
        third_status = http.get(third["status_url"]).json()
        assert third_status["queue_position"] == 1  # only `second` is still ahead


def test_latency_moves_jobs_with_time_not_polls() -> None:
    with Emulator(latency=0.2, steps=2) as emu, client(emu) as http:
        submitted = submit(http, V26_I2V)
        started = time.monotonic()
        early = [http.get(submitted["status_url"]).json()["status"] for _ in range(3)]
        assert early == ["IN_QUEUE"] * 3  # polls alone do not advance it (3 polls << 0.2 s)
        while http.get(submitted["status_url"]).status_code == 202:
            time.sleep(0.02)
        assert time.monotonic() - started >= 0.38


def test_outputs_override_is_returned_verbatim() -> None:
    example = fixtures.output(V26_I2V)
    with Emulator(outputs={V26_I2V: example}, steps=0) as emu, client(emu) as http:
        submitted = submit(http, V26_I2V)
        poll(http, submitted)
        assert http.get(submitted["response_url"]).json() == example
    with pytest.raises(ValueError, match="unknown endpoints"):
        Emulator(outputs={"fal-ai/kling-video/v9": {}})


def test_same_seed_same_ids_and_outputs() -> None:
    def run(seed: int) -> list[Any]:
        with Emulator(seed=seed, steps=0) as emu, client(emu) as http:
            submitted = submit(http, "fal-ai/kling-video/create-voice")
            poll(http, submitted)
            voice = http.get(submitted["response_url"]).json()["voice_id"]
            keys = http.get(emu.jwks_url).json()
            return [submitted["request_id"], voice, keys]

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_ids_are_unique_across_unseeded_runs() -> None:
    def first_id() -> str:
        with Emulator() as emu, client(emu) as http:
            return str(submit(http, V26_I2V)["request_id"])

    assert first_id() != first_id()


def test_stop_closes_connections_and_joins_its_threads() -> None:
    before = threading.active_count()
    emu = Emulator(tls=True).start()
    with client(emu) as http:
        submit(http, V26_I2V)
        url = emu.url
        emu.stop()
        emu.stop()  # idempotent
        with pytest.raises(httpx.TransportError):
            http.get(url + "/.well-known/jwks.json")
    assert threading.active_count() == before
    assert len(emu.requests) == 1  # still inspectable after stop
    with pytest.raises(RuntimeError):
        Emulator().url  # noqa: B018


def test_command_line_runs_until_terminated() -> None:
    package_root = str(Path(kling_fal.__file__).resolve().parent.parent)
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "kling_fal.emulator", "--port", "0", "--tls", "--seed", "1"),
            *("--strict", "--validate-on", "result"),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": package_root},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        ca_line = process.stdout.readline()
        assert url.startswith("https://127.0.0.1:") and "CA certificate:" in ca_line
        trust = ssl.create_default_context(cafile=ca_line.split()[2])
        keys = httpx.get(f"{url}/.well-known/jwks.json", verify=trust, trust_env=False)
        assert keys.json()["keys"][0]["crv"] == "Ed25519"
        token = httpx.post(f"{url}/storage/auth/token", headers=KEY, verify=trust, trust_env=False)
        assert token.json()["base_url"] == url
        hosts = process.stdout.readline()
        assert f"FAL_RUN_HOST={url.removeprefix('https://')}/run " in hosts
        with httpx.Client(base_url=url, headers=KEY, verify=trust, trust_env=False) as http:
            extra = {**payload(V26_I2V), "not_a_field": 1}
            submitted = submit(http, V26_I2V, extra)  # --validate-on result: accepted here
            poll(http, submitted)
            result = http.get(submitted["response_url"])  # --strict: the unknown field
            assert [d["type"] for d in result.json()["detail"]] == ["extra_forbidden"]
    finally:
        process.terminate()
        assert process.wait(10) == 0
