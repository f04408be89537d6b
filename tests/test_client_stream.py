"""Waiting on fal's status stream: the requests a job costs, the fallback to polling when the
stream is refused or keeps dropping, reconnects, queue updates and timeouts, sync and async,
against the emulator over loopback HTTP (every request seen by a recording transport)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from kling_fal._runtime.client import _fal
from kling_fal._runtime.client._stream import (
    MAX_POLL_INTERVAL,
    RECONNECTS,
    Events,
    StreamRefused,
    Wait,
    check_answer,
    parse_status,
)
from kling_fal._runtime.client._types import JobHandle
from kling_fal.client import (
    AsyncKlingClient,
    Completed,
    InProgress,
    JobStatus,
    KlingClient,
    KlingTimeoutError,
    Queued,
)
from kling_fal.emulator import Emulator, Faults
from test_client_helpers import KEY

V26_T2V = "fal-ai/kling-video/v2.6/pro/text-to-video"
T2V = "/fal-ai/kling-video/v2.6/pro/text-to-video"


class Recording(httpx.BaseTransport):
    """Passes requests on, recording each as its kind: submit, stream, status, result, cancel."""

    def __init__(self) -> None:
        self.inner, self.kinds = httpx.HTTPTransport(), list[str]()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.kinds.append(_kind(request))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncRecording(httpx.AsyncBaseTransport):
    """Async counterpart of Recording."""

    def __init__(self) -> None:
        self.inner, self.kinds = httpx.AsyncHTTPTransport(), list[str]()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.kinds.append(_kind(request))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _kind(request: httpx.Request) -> str:
    path = request.url.path
    if "/requests/" not in path:
        return "submit"
    tail = path.partition("/requests/")[2].partition("/")[2]
    return {"status/stream": "stream", "status": "status", "cancel": "cancel"}.get(tail, "result")


@pytest.fixture
def recorded() -> Iterator[Recording]:
    transport = Recording()
    yield transport
    transport.close()


def test_a_job_costs_submit_stream_and_result(recorded: Recording) -> None:
    updates: list[JobStatus] = []
    with Emulator(steps=3) as emu:
        with KlingClient(key=KEY, emulator=emu.url, transport=recorded) as client:
            out = client.v2_6_pro_text_to_video(prompt="p", on_queue_update=updates.append)
        (record,) = emu.requests.values()
    assert recorded.kinds == ["submit", "stream", "result"]
    assert record.attempts == 2 and record.outcome == "OK"  # the emulator saw the same
    assert out.video.url.startswith(emu.url)
    assert [type(u) for u in updates] == [Queued, InProgress, InProgress, Completed]
    assert [len(u.logs) for u in updates[1:]] == [1, 2, 3]  # logs arrive as they grow


async def test_async_job_costs_submit_stream_and_result() -> None:
    transport = AsyncRecording()
    updates: list[JobStatus] = []
    with Emulator(steps=3) as emu:
        async with AsyncKlingClient(key=KEY, emulator=emu.url, transport=transport) as client:
            await client.v2_6_pro_text_to_video(prompt="p", on_queue_update=updates.append)
    await transport.aclose()
    assert transport.kinds == ["submit", "stream", "result"]
    assert [u.state for u in updates] == ["IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]


def test_a_refused_stream_falls_back_to_polling(recorded: Recording) -> None:
    faults = Faults(rate=1.0, kinds=("503",), on=("stream",))
    updates: list[JobStatus] = []
    with Emulator(faults=faults, steps=3) as emu:
        with KlingClient(key=KEY, emulator=emu.url, transport=recorded, poll_interval=0) as c:
            out = c.v2_6_pro_text_to_video(prompt="p", on_queue_update=updates.append)
        assert emu.injected_faults == [("stream", "503")]  # refused once: no reconnects
    assert recorded.kinds == ["submit", "stream", "status", "status", "status", "status", "result"]
    assert [u.state for u in updates] == ["IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]
    assert out.video.url.startswith(emu.url)


def test_a_dropped_stream_is_reconnected(recorded: Recording) -> None:
    faults = Faults(rate=0.5, seed=4, kinds=("drop",), on=("stream",))  # drops the first only
    updates: list[JobStatus] = []
    with Emulator(faults=faults, steps=3) as emu:
        with KlingClient(key=KEY, emulator=emu.url, transport=recorded) as client:
            client.v2_6_pro_text_to_video(prompt="p", on_queue_update=updates.append)
        assert emu.injected_faults == [("stream", "drop")]
    assert recorded.kinds == ["submit", "stream", "stream", "result"]
    assert isinstance(updates[0], Queued) and isinstance(updates[-1], Completed)


async def test_a_stream_that_keeps_dropping_gives_way_to_polling() -> None:
    transport = AsyncRecording()
    faults = Faults(rate=1.0, kinds=("drop",), on=("stream",))
    with Emulator(faults=faults, latency=0.2, steps=2) as emu:
        async with AsyncKlingClient(
            key=KEY, emulator=emu.url, transport=transport, poll_interval=0.05
        ) as client:
            await client.v2_6_pro_text_to_video(prompt="p")
        assert len(emu.injected_faults) == RECONNECTS + 1
    await transport.aclose()
    streams = transport.kinds.count("stream")
    assert streams == RECONNECTS + 1 and transport.kinds[streams + 1 :][-1] == "result"
    assert set(transport.kinds[streams + 1 : -1]) == {"status"}


def test_queue_position_and_logs_still_arrive(recorded: Recording) -> None:
    updates: list[JobStatus] = []
    with (
        Emulator(latency=0.5, steps=2) as emu,
        KlingClient(key=KEY, emulator=emu.url, transport=recorded) as client,
    ):
        client.v2_6_pro_text_to_video.submit(prompt="ahead")  # queued for 0.5 s
        client.v2_6_pro_text_to_video(prompt="p", on_queue_update=updates.append)
    first, last = updates[0], updates[-1]
    assert isinstance(first, Queued) and first.position == 1
    assert isinstance(last, Completed) and last.logs[-1].message == "Generation complete"
    assert any(isinstance(u, InProgress) and u.logs for u in updates)


def test_journal_follows_the_stream(tmp_path: Path, recorded: Recording) -> None:
    journal = tmp_path / "jobs.db"
    with Emulator(latency=0.05, steps=2) as emu:
        with KlingClient(key=KEY, emulator=emu.url, transport=recorded, journal=journal) as c:
            handle = c.v2_6_pro_text_to_video.submit(prompt="p")
        with KlingClient(key=KEY, emulator=emu.url, journal=journal) as later:
            resumed = later.resume(handle.request_id, wait=True)
            assert later.journal is not None
            entry = later.journal.get(handle.request_id)
    assert resumed.output is not None and entry is not None and entry.state == "succeeded"


async def test_async_timeout_on_an_idle_stream_cancels_the_request() -> None:
    ids: list[str] = []
    with Emulator(latency=5.0) as emu:
        async with AsyncKlingClient(key=KEY, emulator=emu.url) as client:
            with pytest.raises(KlingTimeoutError):
                await client.v2_6_pro_text_to_video(prompt="p", timeout=0.2, on_enqueue=ids.append)
        assert emu.requests[ids[0]].outcome == "CANCELLED"


def test_the_emulator_ends_a_dropped_stream_after_its_first_event() -> None:
    faults = Faults(rate=1.0, kinds=("drop",), on=("stream",))
    with Emulator(faults=faults) as emu, httpx.Client(base_url=emu.url, headers=_key()) as http:
        submitted = http.post(T2V, json={"prompt": "p"}).json()
        with http.stream("GET", f"{submitted['status_url']}/stream") as stream:
            lines = [line for line in stream.iter_lines() if line.startswith("data:")]
        assert [json.loads(line[5:])["status"] for line in lines] == ["IN_QUEUE"]
        assert emu.requests[submitted["request_id"]].finished is None


def test_the_emulator_records_when_a_job_completed() -> None:
    with Emulator(steps=1) as emu:
        with KlingClient(key=KEY, emulator=emu.url) as client:
            handle = client.v2_6_pro_text_to_video.submit(prompt="p")
            assert emu.requests[handle.request_id].finished is None
            client.result(handle)
        finished = emu.requests[handle.request_id].finished
    assert finished is not None and finished > 0


def test_drop_faults_apply_to_streams_only() -> None:
    with pytest.raises(ValueError, match="'drop' applies to the 'stream' operation only"):
        Faults(kinds=("drop",), on=("status",))


def test_polling_pauses_double_up_to_a_cap() -> None:
    wait = Wait(JobHandle("r", V26_T2V), None, 0.5)
    pauses = [wait.pause() for _ in range(7)]
    assert pauses == [0.5, 1.0, 2.0, 4.0, MAX_POLL_INTERVAL, MAX_POLL_INTERVAL, MAX_POLL_INTERVAL]
    assert Wait(JobHandle("r", V26_T2V), None, 8.0).pause() == 8.0  # a longer interval is kept


def test_reconnects_are_bounded_and_a_refusal_ends_streaming() -> None:
    wait = Wait(JobHandle("r", V26_T2V), None, 0.5)
    for _ in range(RECONNECTS):
        wait.ended()
        assert wait.streaming
    wait.ended()
    assert not wait.streaming
    refused = Wait(JobHandle("r", V26_T2V), None, 0.5)
    refused.failed(StreamRefused("HTTP 503"))
    assert not refused.streaming


def test_a_passed_deadline_raises_a_timeout() -> None:
    wait = Wait(JobHandle("r", V26_T2V), 0.0, 0.5)
    assert wait.expired() and wait.read_timeout(30.0) == 0.0
    with pytest.raises(KlingTimeoutError, match=r"not finished after 0\.0 s"):
        wait.pause()


def test_stream_events_parse_as_typed_statuses() -> None:
    done = {"status": "COMPLETED", "logs": None, "error": "boom", "error_type": "x"}
    assert parse_status("r", json.dumps({"status": "IN_QUEUE", "queue_position": 3})) == Queued(
        "r", 3
    )
    assert parse_status("r", json.dumps(done)) == Completed("r", error="boom", error_type="x")
    with pytest.raises(ValueError, match="unknown status 'LOST'"):
        parse_status("r", json.dumps({"status": "LOST"}))


def _key() -> dict[str, str]:
    return {"Authorization": f"Key {KEY}"}


class _Events(httpx.AsyncByteStream):
    """A status stream: COMPLETED, then an end after `then` (None: it never ends)."""

    def __init__(self, then: float | None) -> None:
        self.then, self.ended = then, False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'data: {"status": "COMPLETED", "logs": []}\n\n'
        await asyncio.sleep(3600 if self.then is None else self.then)
        yield b": end\n\n"
        self.ended = True


async def _first_status(events: _Events) -> tuple[JobStatus, float, bool]:
    """The first status, the seconds until the stream was let go, whether it had ended when
    the status arrived."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=events)

    handle = SimpleNamespace(status_url="https://queue.fal.run/x/requests/r/status")
    wait = Wait(JobHandle("r", V26_T2V), None, 0.1)
    started = time.monotonic()
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        statuses = _fal.astreamed(client, handle, wait, False)  # type: ignore[arg-type]
        status = await anext(statuses)
        ended_first = events.ended
        await statuses.aclose()
    return status, time.monotonic() - started, ended_first


async def test_a_stream_is_read_to_its_end_after_completed() -> None:
    events = _Events(then=0.05)  # fal ends the stream right after COMPLETED
    status, _, ended_first = await _first_status(events)
    assert isinstance(status, Completed) and events.ended  # its connection can be reused
    assert not ended_first  # the caller learned of COMPLETED before the stream was read on


async def test_a_stream_left_open_after_completed_is_let_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_fal, "DRAIN", 0.2)
    status, took, _ = await _first_status(_Events(then=None))
    assert isinstance(status, Completed) and took < 5


async def test_async_streams_on_aiohttp_cost_submit_stream_and_result() -> None:
    """Without a transport= the async client reads streams and fetches on its aiohttp session:
    the emulator's records count the requests."""
    updates: list[JobStatus] = []
    with Emulator(steps=3) as emu:
        async with AsyncKlingClient(key=KEY, emulator=emu.url) as client:
            out = await client.v2_6_pro_text_to_video(prompt="p", on_queue_update=updates.append)
        (record,) = emu.requests.values()
    assert record.attempts == 2 and record.outcome == "OK"  # one stream, one result
    assert out.video.url.startswith(emu.url)
    assert [u.state for u in updates] == ["IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]
    assert [len(u.logs) for u in updates[1:]] == [1, 2, 3]  # parsed once each, kept in order
    assert updates[-1].logs[:2] == updates[-2].logs


@pytest.mark.parametrize(
    ("faults", "attempts"),
    [
        (Faults(rate=1.0, kinds=("503",), on=("stream",)), 4 + 1),  # refused: then 4 polls
        (Faults(rate=0.5, seed=4, kinds=("drop",), on=("stream",)), 2 + 1),  # reconnected
    ],
    ids=["refused", "dropped"],
)
async def test_async_aiohttp_streams_fall_back_as_httpx_ones_do(
    faults: Faults, attempts: int
) -> None:
    with Emulator(faults=faults, steps=3) as emu:
        async with AsyncKlingClient(key=KEY, emulator=emu.url, poll_interval=0) as client:
            out = await client.v2_6_pro_text_to_video(prompt="p")
        (record,) = emu.requests.values()
        assert len(emu.injected_faults) == 1
    assert record.attempts == attempts and out.video.url.startswith(emu.url)


async def test_aiohttp_result_fetches_raise_httpx_errors() -> None:
    """A fetch on the session raises what httpx would, so that errors are typed the same way."""
    from kling_fal._runtime.client._aio import Streams

    with Emulator() as emu:
        streams = Streams({"authorization": f"Key {KEY}"}, emu.url, None, 5.0)
        try:
            with pytest.raises(httpx.HTTPStatusError) as refused:
                await streams.fetch(f"{emu.url}/fal-ai/kling-video/requests/nope")
            with pytest.raises(httpx.ConnectError):
                await streams.fetch("http://127.0.0.1:9/nothing/listens")
        finally:
            await streams.aclose()
    assert refused.value.response.status_code == 404
    assert refused.value.response.json() == {"detail": "Request 'nope' not found"}


def test_event_stream_lines_decode_to_each_events_data() -> None:
    events = Events()
    lines = [": comment", "event: status", 'data: {"a":', "data:1}", "id: 7", "", "", "data", ""]
    assert [d for d in map(events.feed, lines) if d is not None] == ['{"a":\n1}']
    check_answer(200, "text/event-stream; charset=utf-8")
    with pytest.raises(StreamRefused, match="HTTP 503"):
        check_answer(503, "text/event-stream")
    with pytest.raises(StreamRefused, match="not an event stream: application/json"):
        check_answer(200, "application/json")
