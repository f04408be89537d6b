"""The typed client against the emulator over real loopback HTTP: every family, sync and async,
the queue API, uploads, faults, concurrency, cancellation, download, journal and key hygiene."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kling_fal import ENDPOINTS
from kling_fal.client import (
    AsyncKlingClient,
    Completed,
    InProgress,
    KlingClient,
    KlingNotFoundError,
    KlingTimeoutError,
    Queued,
    Retry,
)
from kling_fal.emulator import Emulator, Faults
from test_client_helpers import KEY, emulator, family_endpoints, minimal, png, wav

pytestmark = pytest.mark.slow(8)  # seconds, roughly: scheduled early (conftest.py)

__all__ = ["emulator"]  # the fixture

V26_I2V = "fal-ai/kling-video/v2.6/pro/image-to-video"
V26_T2V = "fal-ai/kling-video/v2.6/pro/text-to-video"
FAST_RETRY = Retry(attempts=12, base_delay=0.005, max_delay=0.05)


@pytest.fixture
def connect() -> Iterator[Callable[..., KlingClient]]:
    """Makes blocking clients of an emulator; closes them after the test."""
    made: list[KlingClient] = []

    def make(emu: Emulator, **options: Any) -> KlingClient:
        made.append(KlingClient(key=KEY, emulator=emu.url, poll_interval=0.0, **options))
        return made[-1]

    yield make
    for client in made:
        client.close()


def aconnect(emu: Emulator, **options: Any) -> AsyncKlingClient:
    return AsyncKlingClient(key=KEY, emulator=emu.url, poll_interval=0.0, **options)


def accessor_of(client: Any, endpoint_id: str) -> Any:
    name = endpoint_id.removeprefix("fal-ai/kling-video/")
    return getattr(client, "".join(c if c.isalnum() else "_" for c in name.lower()))


def sent_input(emu: Emulator, request_id: str) -> Any:
    return emu.requests[request_id].input


HOOK = "http://127.0.0.1:9/hook"  # nobody listens; the emulator records the deliveries


@pytest.mark.parametrize("endpoint_id", family_endpoints())
def test_sync_queue_api_every_family(
    emulator: Emulator, endpoint_id: str, connect: Callable[..., KlingClient]
) -> None:
    info = ENDPOINTS[endpoint_id]
    payload = minimal(endpoint_id)
    ids: list[str] = []
    updates: list[Any] = []
    with connect(emulator) as client:
        endpoint = accessor_of(client, endpoint_id)
        out = endpoint(payload, on_enqueue=ids.append, on_queue_update=updates.append)
        assert isinstance(out, info.output)
        assert emulator.requests[ids[0]].outcome == "OK"
        assert sent_input(emulator, ids[0]) == info.input.model_validate(payload).to_fal()
        assert [type(u) for u in updates] == [Queued, InProgress, InProgress, Completed]
        assert all(u.request_id == ids[0] for u in updates)
        assert updates[-1].logs[-1].message == "Generation complete"

        handle = endpoint.submit(payload, webhook_url=HOOK)
        assert emulator.requests[handle.request_id].webhook_url == HOOK
        assert isinstance(endpoint.status(handle), (Queued, InProgress, Completed))
        assert isinstance(endpoint.result(handle), info.output)

        doomed = endpoint.submit(payload)
        assert endpoint.cancel(doomed) is True
        assert emulator.requests[doomed.request_id].outcome == "CANCELLED"


@pytest.mark.parametrize("endpoint_id", family_endpoints())
async def test_async_queue_api_every_family(emulator: Emulator, endpoint_id: str) -> None:
    info = ENDPOINTS[endpoint_id]
    payload = minimal(endpoint_id)
    ids: list[str] = []

    async def enqueued(request_id: str) -> None:
        ids.append(request_id)

    async with aconnect(emulator) as client:
        endpoint = accessor_of(client, endpoint_id)
        out = await endpoint.subscribe(payload, on_enqueue=enqueued)
        assert isinstance(out, info.output)
        assert emulator.requests[ids[0]].outcome == "OK"

        handle = await endpoint.submit(payload, webhook_url=HOOK)
        assert emulator.requests[handle.request_id].webhook_url == HOOK
        assert isinstance(await endpoint.status(handle), (Queued, InProgress, Completed))
        assert isinstance(await endpoint.result(handle), info.output)

        doomed = await endpoint.submit(payload)
        assert await endpoint.cancel(doomed) is True
        assert emulator.requests[doomed.request_id].outcome == "CANCELLED"


def test_queue_api_sync(emulator: Emulator, connect: Callable[..., KlingClient]) -> None:
    client = connect(emulator)
    endpoint = client.v2_6_pro_text_to_video
    handle = endpoint.submit(prompt="a lake at dawn", duration=10)
    assert handle.endpoint_id == V26_T2V and handle.request_id in emulator.requests
    assert isinstance(client.status(handle), Queued)
    assert isinstance(client.status(handle, logs=True), InProgress)
    out = client.result(handle)
    assert out.video.url.startswith(emulator.url)
    assert sent_input(emulator, handle.request_id)["duration"] == "10"
    assert client.cancel(handle) is False  # already completed

    generic = client.submit(V26_T2V, {"prompt": "a lake at dusk"})
    assert client.cancel(generic) is True
    assert emulator.requests[generic.request_id].outcome == "CANCELLED"
    status = client.status(generic)
    assert isinstance(status, Completed) and status.error_type == "client_cancelled"


async def test_queue_api_async(emulator: Emulator) -> None:
    async with aconnect(emulator) as client:
        handle = await client.v3_turbo_pro_text_to_video.submit(prompt="a lake at dawn")
        assert isinstance(await client.status(handle), Queued)
        out = await client.result(handle)
        assert out.video.url.startswith(emulator.url)
        second = await client.submit(V26_T2V, prompt="a lake at dusk")
        assert await client.cancel(second) is True
        assert emulator.requests[second.request_id].outcome == "CANCELLED"


def test_local_files_go_to_the_emulator_storage(
    emulator: Emulator, tmp_path: Path, connect: Callable[..., KlingClient]
) -> None:
    image = tmp_path / "face.png"
    image.write_bytes(png(512, 512))
    audio = wav(3.0)
    client = connect(emulator)
    handle = client.v1_pro_ai_avatar.submit(image_url=image, audio_url=audio)
    sent = sent_input(emulator, handle.request_id)
    uploads = emulator.uploads
    assert sent["image_url"] in uploads and sent["audio_url"] in uploads
    assert uploads[sent["image_url"]].data == image.read_bytes()
    assert uploads[sent["audio_url"]].data == audio
    assert uploads[sent["audio_url"]].content_type == "audio/wav"


def test_uploads_survive_storage_faults(connect: Callable[..., KlingClient]) -> None:
    faults = Faults(rate=0.3, seed=3, kinds=("429", "503"), on=("storage",))
    with Emulator(faults=faults) as emu:
        client = connect(emu, retry=FAST_RETRY)
        handles = [
            client.v1_pro_ai_avatar.submit(image_url=png(300 + i, 300), audio_url=wav(1 + i / 8))
            for i in range(8)
        ]
        sent = [sent_input(emu, h.request_id) for h in handles]
        uploads = emu.uploads
        assert len(uploads) == 16  # every file exactly once
        assert {s["image_url"] for s in sent} | {s["audio_url"] for s in sent} == set(uploads)
        assert {op for op, _ in emu.injected_faults} == {"storage"}


async def test_async_uploads_and_download(emulator: Emulator, tmp_path: Path) -> None:
    progress: list[tuple[int, int | None]] = []
    async with aconnect(emulator) as client:
        out = await client.v2_6_pro_image_to_video(prompt="p", start_image_url=png(400, 400))
        target = await client.download(out.video, tmp_path, progress=lambda *a: progress.append(a))
    assert target.parent == tmp_path and target.stat().st_size == out.video.file_size
    assert progress[-1][0] == out.video.file_size


def test_sync_download(
    emulator: Emulator, tmp_path: Path, connect: Callable[..., KlingClient]
) -> None:
    client = connect(emulator)
    out = client.v2_6_pro_text_to_video(prompt="p")
    target = client.download(out.video, tmp_path / "clip.mp4")
    assert target.read_bytes()[4:8] == b"ftyp"


def test_tls_emulator_through_a_caller_transport(connect: Callable[..., KlingClient]) -> None:
    import ssl

    import httpx

    with Emulator(tls=True) as emu:
        assert emu.url.startswith("https://") and emu.ca_file
        verify = ssl.create_default_context(cafile=emu.ca_file)
        with httpx.HTTPTransport(verify=verify) as transport:  # the caller's: closed by the caller
            client = connect(emu, transport=transport)
            out = client.v2_6_pro_image_to_video(prompt="p", start_image_url=png(400, 400))
            assert out.video.url.startswith(emu.url)
            (upload,) = emu.uploads
            assert upload.startswith(emu.url)
            client.close()


def test_removed_endpoint_warns_and_fal_refuses(
    emulator: Emulator, connect: Callable[..., KlingClient]
) -> None:
    with pytest.warns(DeprecationWarning), pytest.raises(KlingNotFoundError):
        connect(emulator).v1_pro_text_to_video(prompt="a calm lake")


def _assert_exactly_once(emu: Emulator, results: dict[str, Any], prompts: list[str]) -> None:
    records = emu.requests
    assert len(records) == len(prompts)  # none duplicated
    by_prompt = {r.input["prompt"]: r for r in records.values()}
    assert sorted(by_prompt) == sorted(prompts)  # none lost
    for prompt, out in results.items():
        record = by_prompt[prompt]
        assert record.outcome == "OK"
        assert out.video.url.startswith(f"{emu.url}/files/{record.request_id}/")


async def test_200_requests_under_30_percent_faults_complete_exactly_once() -> None:
    faults = Faults(rate=0.3, seed=1, kinds=("429", "503"))
    prompts = [f"shot {i}: a lake at dawn" for i in range(200)]
    with Emulator(faults=faults) as emu:
        gate = asyncio.Semaphore(50)
        async with aconnect(emu, retry=FAST_RETRY) as client:

            async def run(prompt: str) -> tuple[str, Any]:
                async with gate:
                    return prompt, await client.v2_6_pro_text_to_video(prompt=prompt)

            results = dict(await asyncio.gather(*(run(p) for p in prompts)))
        _assert_exactly_once(emu, results, prompts)
        kinds = {kind for _, kind in emu.injected_faults}
        assert kinds == {"429", "503"} and len(emu.injected_faults) > 100


def test_sync_requests_under_faults_complete_exactly_once(
    connect: Callable[..., KlingClient],
) -> None:
    faults = Faults(rate=0.3, seed=7, kinds=("502", "503", "timeout"), delay=0.01)
    prompts = [f"shot {i}" for i in range(25)]
    with Emulator(faults=faults) as emu:
        client = connect(emu, retry=FAST_RETRY)
        results = {p: client.v2_6_pro_text_to_video(prompt=p) for p in prompts}
        _assert_exactly_once(emu, results, prompts)
        assert {kind for _, kind in emu.injected_faults} == {"502", "503", "timeout"}


async def test_100_concurrent_async_subscribes() -> None:
    with Emulator(latency=0.01) as emu:
        prompts = [f"take {i}" for i in range(100)]
        async with AsyncKlingClient(key=KEY, emulator=emu.url, poll_interval=0.01) as client:
            calls = (client.v2_6_pro_text_to_video(prompt=p) for p in prompts)
            outs = await asyncio.gather(*calls)
        _assert_exactly_once(emu, dict(zip(prompts, outs, strict=True)), prompts)


def test_timeout_cancels_the_remote_request(connect: Callable[..., KlingClient]) -> None:
    with Emulator(latency=5.0) as emu:
        ids: list[str] = []
        with pytest.raises(KlingTimeoutError) as caught:
            connect(emu).v2_6_pro_text_to_video(prompt="p", timeout=0.2, on_enqueue=ids.append)
        assert caught.value.request_id == ids[0]
        assert emu.requests[ids[0]].outcome == "CANCELLED"


def test_keyboard_interrupt_cancels_the_remote_request(connect: Callable[..., KlingClient]) -> None:
    def interrupt(status: Any) -> None:
        raise KeyboardInterrupt

    with Emulator(latency=5.0) as emu:
        with pytest.raises(KeyboardInterrupt):
            connect(emu).v2_6_pro_text_to_video(prompt="p", on_queue_update=interrupt)
        (record,) = emu.requests.values()
        assert record.outcome == "CANCELLED"


async def test_task_cancellation_cancels_the_remote_request() -> None:
    with Emulator(latency=5.0) as emu:
        enqueued = asyncio.Event()
        async with aconnect(emu) as client:
            task = asyncio.create_task(
                client.v2_6_pro_text_to_video(prompt="p", on_enqueue=lambda _: enqueued.set())
            )
            await asyncio.wait_for(enqueued.wait(), 5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        (record,) = emu.requests.values()
        assert record.outcome == "CANCELLED"


def test_journal_and_resume_across_clients(
    emulator: Emulator, tmp_path: Path, connect: Callable[..., KlingClient]
) -> None:
    db = tmp_path / "jobs.db"
    first = connect(emulator, journal=db)
    handle = first.v2_6_pro_image_to_video.submit(prompt="p", start_image_url="https://a/b.png")
    later = connect(emulator, journal=db)
    pending = later.resume(handle.request_id)
    assert isinstance(pending.status, Queued) and pending.output is None
    done = later.resume(handle.request_id, wait=True)
    assert done.output is not None and done.handle.endpoint_id == V26_I2V
    entry = later.journal.get(handle.request_id) if later.journal else None
    assert entry is not None and entry.state == "succeeded"
    assert entry.input == sent_input(emulator, handle.request_id)


def test_fal_key_from_the_environment_never_leaks(
    emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("FAL_KEY", KEY)
    caplog.set_level(logging.DEBUG)
    with KlingClient(emulator=emulator.url, poll_interval=0.0) as client:  # key from FAL_KEY
        out = client.v2_6_pro_image_to_video(prompt="p", start_image_url=png(400, 400))
        handle = client.v2_6_pro_text_to_video.submit(prompt="p")
        texts = [repr(client), repr(handle), repr(out), caplog.text, json.dumps(vars(handle))]
        with pytest.warns(DeprecationWarning), pytest.raises(KlingNotFoundError) as caught:
            client.v1_pro_text_to_video(prompt="p")
        texts += [str(caught.value), repr(caught.value), caplog.text]
    assert any("HTTP Request: POST" in r.getMessage() for r in caplog.records)
    for part in (KEY, *KEY.split(":")):
        assert all(part not in text for text in texts)
