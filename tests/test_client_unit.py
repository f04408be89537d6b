"""The typed client without a server: accessors, validation and file limits before any network
call, error mapping, retries, journal, download, secret hygiene and lazy imports."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import kling_fal
import pytest
from kling_fal import ENDPOINTS, KlingValidationError
from kling_fal._runtime.client._retry import retryable
from kling_fal.client import (
    AsyncKlingClient,
    JobHandle,
    Journal,
    KlingAPIError,
    KlingAPIValidationError,
    KlingAuthenticationError,
    KlingClient,
    KlingNotFoundError,
    KlingRateLimitError,
    KlingServerError,
    Retry,
    download,
)
from kling_fal.client.errors import from_response, loc_path
from support import GENERATED
from test_client_helpers import KEY, minimal, mp4, png, wav

V26_I2V = "fal-ai/kling-video/v2.6/pro/image-to-video"
QUEUE = "https://queue.fal.run/fal-ai/kling-video"
NO_WAIT = Retry(attempts=3, base_delay=0.0, max_delay=0.0)


class FakeFal:
    """An in-process fal queue behind httpx.MockTransport; records every request. It has no
    status stream (405), so clients poll it (tests/test_client_stream.py covers streams)."""

    def __init__(self, *, fail: dict[str, list[tuple[int, Any]]] | None = None) -> None:
        self.calls: list[httpx.Request] = []
        self.fail = fail or {}  # operation -> queued (status, body) answers served first
        self.polls = 0

    def answer(self, op: str) -> httpx.Response | None:
        queued = self.fail.get(op)
        if queued:
            code, body = queued.pop(0)
            return httpx.Response(code, json=body)
        return None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        path = request.url.path
        if request.method == "POST" and "/requests/" not in path:
            urls = {
                "request_id": "req-1",
                "status_url": f"{QUEUE}/requests/req-1/status",
                "response_url": f"{QUEUE}/requests/req-1",
                "cancel_url": f"{QUEUE}/requests/req-1/cancel",
            }
            return self.answer("submit") or httpx.Response(200, json=urls)
        if path.endswith("/status/stream"):
            return httpx.Response(405, json={"detail": "Method Not Allowed"})
        if path.endswith("/status"):
            self.polls += 1
            done = {"status": "COMPLETED", "logs": [], "metrics": {}}
            return self.answer("status") or httpx.Response(200, json=done)
        if path.endswith("/cancel"):
            return self.answer("cancel") or httpx.Response(202, json={"status": "OK"})
        video = {"video": {"url": "https://v3.fal.media/files/x/out.mp4"}}
        return self.answer("result") or httpx.Response(200, json=video)


def client(fake: FakeFal, **options: Any) -> KlingClient:
    return KlingClient(key=KEY, transport=httpx.MockTransport(fake), retry=NO_WAIT, **options)


def py_name(endpoint_id: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", endpoint_id.removeprefix("fal-ai/kling-video/").lower())


# --- accessors -----------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint_id", sorted(ENDPOINTS))
def test_every_endpoint_has_a_typed_accessor(endpoint_id: str) -> None:
    info = ENDPOINTS[endpoint_id]
    name = py_name(endpoint_id)
    for cls, prefix in ((KlingClient, ""), (AsyncKlingClient, "Async")):
        prop = vars(cls)[name]
        assert isinstance(prop, property)
        assert prop.fget is not None
        returns = prop.fget.__annotations__["return"]
        assert returns == f"{prefix}{info.input_model}Endpoint[{info.output_model}]"
        accessor = getattr(cls(key=KEY), name)
        assert accessor.endpoint_id == endpoint_id
        assert type(accessor).__name__ == f"{prefix}{info.input_model}Endpoint"
        assert endpoint_id in (prop.__doc__ or "")


def test_control_options_never_shadow_request_fields() -> None:
    reserved = {"request", "on_enqueue", "on_queue_update", "logs", "timeout"}
    reserved |= {"webhook_url", "priority"}
    for info in ENDPOINTS.values():
        wire = {f.alias or n for n, f in info.input.model_fields.items()}
        assert not wire & reserved, info.input_model


def test_stub_types_every_field_and_marks_required_ones() -> None:
    stub = (GENERATED / "kling_fal/client/_args.py").read_text()
    block = stub.split("class ImageToVideoV26ProRequestArgs(TypedDict, total=False):")[1]
    block = block.split("\nclass ")[0]
    assert "prompt: Required[str]" in block
    assert "start_image_url: Required[FileInput]" in block
    assert "duration: Duration5To10Enum | str | int | None" in block
    assert "voice_ids: Sequence[str] | None" in block
    assert "elements: Sequence[KlingV3ComboElementInput | dict[str, Any]] | None" in stub


# --- validation and files before the network -------------------------------------------------


def test_invalid_requests_fail_before_any_network_call() -> None:
    fake = FakeFal()
    with pytest.raises(KlingValidationError) as caught:
        client(fake).v2_6_pro_image_to_video(image_url="x", voice_ids=["a", "b", "c"])
    rules = {(i.path, i.rule) for i in caught.value.issues}
    assert {("image_url", "unknown-field"), ("start_image_url", "required")} <= rules
    assert ("prompt", "required") in rules
    assert fake.calls == []


def test_model_mapping_and_keywords_are_equivalent() -> None:
    from kling_fal.models import ImageToVideoV26ProRequest

    bodies = []
    for call in (
        lambda c: c.v2_6_pro_image_to_video(prompt="p", start_image_url="https://a/b.png"),
        lambda c: c.v2_6_pro_image_to_video({"prompt": "p", "start_image_url": "https://a/b.png"}),
        lambda c: c.v2_6_pro_image_to_video(
            ImageToVideoV26ProRequest(prompt="p", start_image_url="https://a/b.png")
        ),
    ):
        fake = FakeFal()
        out = call(client(fake))
        assert out.video.url.endswith("out.mp4")
        bodies.append(json.loads(fake.calls[0].content))
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["duration"] == "5"
    with pytest.raises(TypeError, match="not both"):
        client(FakeFal()).v2_6_pro_image_to_video({"prompt": "p"}, prompt="q")


def _limit_error(fake: FakeFal, **fields: Any) -> KlingValidationError:
    with pytest.raises(KlingValidationError) as caught:
        client(fake).v2_6_pro_image_to_video(prompt="a king", **fields)
    assert fake.calls == [], "nothing may be sent or uploaded"
    return caught.value


def test_too_small_image_is_rejected_before_upload(tmp_path: Path) -> None:
    image = tmp_path / "small.png"
    image.write_bytes(png(200, 250))
    error = _limit_error(FakeFal(), start_image_url=image)
    found = {(i.path, i.rule): i.message for i in error.issues}
    assert set(found) == {("start_image_url", "min-width"), ("start_image_url", "min-height")}
    assert "min_width=300" in found["start_image_url", "min-width"]
    assert "200 px" in found["start_image_url", "min-width"]


def test_wrong_aspect_ratio_is_rejected_before_upload() -> None:
    error = _limit_error(FakeFal(), start_image_url=png(1300, 400), end_image_url=png(400, 400))
    assert [(i.path, i.rule) for i in error.issues] == [("start_image_url", "max-aspect-ratio")]
    assert "max_aspect_ratio=2.5" in error.issues[0].message


def test_oversized_file_is_rejected_before_upload(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(png(400, 400) + bytes(10 * 1024 * 1024))
    error = _limit_error(FakeFal(), start_image_url=str(big))
    assert [(i.path, i.rule) for i in error.issues] == [("start_image_url", "max-file-size")]
    assert "max_file_size=10485760" in error.issues[0].message


def test_too_long_video_is_rejected_before_upload() -> None:
    fake = FakeFal()
    with pytest.raises(KlingValidationError) as caught:
        client(fake).lipsync_audio_to_video(video_url=mp4(11, 720, 720), audio_url=wav(3))
    assert [(i.path, i.rule) for i in caught.value.issues] == [("video_url", "max-duration")]
    assert "max_duration=10" in caught.value.issues[0].message
    assert fake.calls == []


def test_file_issues_nested_paths_data_uris_and_field_issues_come_together() -> None:
    import base64

    fake = FakeFal()
    small = "data:image/png;base64," + base64.b64encode(png(100, 100)).decode()
    refs = ["https://a/r.png"]
    payload = minimal("fal-ai/kling-video/o1/reference-to-video")
    payload["elements"] = [
        {"frontal_image_url": png(120, 600), "reference_image_urls": refs},
        {"frontal_image_url": small, "reference_image_urls": refs},
    ]
    payload["prompt"] = "x" * 3000
    with pytest.raises(KlingValidationError) as caught:
        client(fake).o1_reference_to_video(payload)
    assert {(i.path, i.rule) for i in caught.value.issues} == {
        ("elements[0].frontal_image_url", "min-width"),
        ("elements[0].frontal_image_url", "min-aspect-ratio"),
        ("elements[1].frontal_image_url", "min-width"),
        ("elements[1].frontal_image_url", "min-height"),
        ("prompt", "max-length"),
    }
    assert fake.calls == []


def test_local_files_are_uploaded_once_and_urls_sent(tmp_path: Path) -> None:
    image = tmp_path / "king.png"
    image.write_bytes(png(400, 400))
    fake = FakeFal()
    uploads: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/storage/auth/token":
            token = {"token": "t", "token_type": "Bearer", "base_url": "https://v3.fal.media"}
            return httpx.Response(200, json={**token, "expires_at": "2999-01-01T00:00:00+00:00"})
        if request.url.path == "/files/upload":
            uploads.append(request)
            return httpx.Response(200, json={"access_url": f"https://v3.fal.media/u{len(uploads)}"})
        return fake(request)

    c = KlingClient(key=KEY, transport=httpx.MockTransport(handler), retry=NO_WAIT)
    c.v2_6_pro_image_to_video(prompt="p", start_image_url=image, end_image_url=Path(image))
    assert len(uploads) == 1 and uploads[0].headers["content-type"] == "image/png"
    sent = json.loads(fake.calls[0].content)
    assert sent["start_image_url"] == sent["end_image_url"] == "https://v3.fal.media/u1"


def test_strings_that_are_neither_urls_nor_files_are_rejected() -> None:
    error = _limit_error(FakeFal(), start_image_url="no/such/file.png")
    assert [(i.path, i.rule) for i in error.issues] == [("start_image_url", "file")]


def test_removed_endpoints_warn() -> None:
    fake = FakeFal(fail={"submit": [(404, {"detail": "endpoint was removed"})]})
    with pytest.warns(DeprecationWarning, match="removed"), pytest.raises(KlingNotFoundError):
        client(fake).v1_pro_text_to_video(prompt="a calm lake")


# --- errors and retries ---------------------------------------------------------------------


def test_fal_422_maps_back_to_field_paths() -> None:
    detail = [
        {"loc": ["body", "elements", 0, "frontal_image_url"], "msg": "too small", "type": "x"},
        {"loc": ["body", "prompt"], "msg": "Field required", "type": "missing"},
    ]
    fake = FakeFal(fail={"submit": [(422, {"detail": detail})]})
    with pytest.raises(KlingAPIValidationError) as caught:
        client(fake).v2_6_pro_image_to_video(prompt="p", start_image_url="https://a/b.png")
    error = caught.value
    assert isinstance(error, KlingValidationError) and isinstance(error, KlingAPIError)
    assert error.status_code == 422
    assert [(i.path, i.rule) for i in error.issues] == [
        ("elements[0].frontal_image_url", "x"),
        ("prompt", "required"),
    ]
    assert loc_path(["body", "multi_prompt", 2, "duration"]) == "multi_prompt[2].duration"


def test_error_classes_by_status() -> None:
    assert isinstance(from_response(401, {"detail": "no"}), KlingAuthenticationError)
    limited = from_response(429, {"detail": "slow down"}, headers={"Retry-After": "3"})
    assert isinstance(limited, KlingRateLimitError) and limited.retry_after == 3.0
    server = from_response(503, {"detail": "busy"}, headers={"x-fal-request-id": "r1"})
    assert isinstance(server, KlingServerError)
    assert (server.status_code, server.request_id) == (503, "r1")


def test_transient_errors_are_retried_within_the_bound() -> None:
    busy = (503, {"detail": "busy"})
    fake = FakeFal(fail={"status": [busy, busy], "result": [(500, {"detail": "oops"})]})
    out = client(fake).v2_6_pro_image_to_video(prompt="p", start_image_url="https://a/b.png")
    assert out.video.url.endswith("out.mp4")
    fake = FakeFal(fail={"status": [busy] * 3})
    with pytest.raises(KlingServerError):
        client(fake).v2_6_pro_image_to_video(prompt="p", start_image_url="https://a/b.png")
    assert fake.polls == 3  # Retry(attempts=3)


def test_submit_is_not_retried_when_it_may_have_been_queued() -> None:
    fake = FakeFal(fail={"submit": [(500, {"detail": "oops"})]})
    with pytest.raises(KlingServerError):
        client(fake).v2_6_pro_image_to_video(prompt="p", start_image_url="https://a/b.png")
    assert len(fake.calls) == 1
    error = from_response(503, {"detail": "no runner"})
    assert retryable(error, "submit") and retryable(error, "status")
    assert not retryable(from_response(504, {"detail": "gateway"}), "submit")
    assert not retryable(from_response(422, {"detail": []}), "status")
    assert not retryable(from_response(503, {}, headers={"x-fal-retryable": "false"}), "status")


def test_retry_delays_are_bounded() -> None:
    policy = Retry(attempts=5, base_delay=1.0, max_delay=4.0, jitter=0.5)
    delays = [policy.delay(k) for k in range(1, 8) for _ in range(20)]
    assert max(delays) <= 4.0 and min(delays) >= 0.5
    assert policy.delay(1, retry_after=100) == 4.0


# --- journal, download, hygiene, imports ----------------------------------------------------


def test_journal_records_submissions_and_keeps_terminal_states(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "jobs.db")
    c = client(FakeFal(), journal=journal)
    handle = c.v2_6_pro_image_to_video.submit(prompt="p", start_image_url="https://a/b.png")
    entry = journal.get(handle.request_id)
    assert entry is not None and entry.state == "submitted"
    assert entry.endpoint_id == V26_I2V and entry.input["prompt"] == "p"
    assert c.result(handle).video.url.endswith("out.mp4")
    journal.update(handle.request_id, "queued")
    done = journal.get(handle.request_id)
    assert done is not None and done.state == "succeeded" and done.output is not None
    resumed = KlingClient(key=KEY, journal=tmp_path / "jobs.db").resume(handle.request_id)
    assert resumed.output is not None and resumed.output.video.url.endswith("out.mp4")
    assert journal.entries(pending=True) == []


def test_download_streams_atomically_with_progress(tmp_path: Path) -> None:
    body = bytes(range(256)) * 1000
    seen: list[tuple[int, int | None]] = []

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-length": str(len(body))})

    file = kling_fal.parse_output(V26_I2V, {"video": {"url": "https://v3.fal.media/a/o.mp4"}})
    target = download(
        file.video,
        tmp_path,
        transport=httpx.MockTransport(serve),
        progress=lambda *a: seen.append(a),
    )
    assert target == tmp_path / "o.mp4" and target.read_bytes() == body
    assert seen[-1] == (len(body), len(body))

    def broken(request: httpx.Request) -> httpx.Response:
        def chunks() -> Any:
            yield b"partial"
            raise httpx.ReadError("connection lost")

        return httpx.Response(200, content=chunks())

    with pytest.raises(httpx.ReadError):
        download(file.video, target, transport=httpx.MockTransport(broken))
    assert target.read_bytes() == body
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.mp4"]


def test_a_failed_job_raises_its_typed_error_and_is_journaled(tmp_path: Path) -> None:
    detail = [{"loc": ["body", "prompt"], "msg": "flagged by moderation", "type": "content"}]
    failed = {"status": "COMPLETED", "logs": [], "metrics": {}, "error": "Invalid status code: 422"}
    fake = FakeFal(fail={"status": [(200, failed)] * 2, "result": [(422, {"detail": detail})]})
    c = client(fake, journal=tmp_path / "jobs.db")
    with pytest.raises(KlingAPIValidationError) as caught:
        c.v2_6_pro_image_to_video(prompt="p", start_image_url="https://a/b.png")
    assert [(i.path, i.rule) for i in caught.value.issues] == [("prompt", "content")]
    assert caught.value.request_id == "req-1"
    assert [r.url.path.endswith("/req-1") for r in fake.calls].count(True) == 1  # not retried
    entry = c.journal.get("req-1") if c.journal else None
    assert entry is not None and entry.state == "failed" and "moderation" in (entry.error or "")


def test_inline_files_download_without_network(tmp_path: Path) -> None:
    target = download("data:text/plain;base64,aGVsbG8=", tmp_path / "note.txt")
    assert target.read_bytes() == b"hello"


def test_the_key_never_shows(caplog: pytest.LogCaptureFixture) -> None:
    echo = FakeFal(fail={"submit": [(401, {"detail": f"bad key {KEY}"})]})
    c = client(echo)
    caplog.set_level("DEBUG")
    with pytest.raises(KlingAuthenticationError) as caught:
        c.v2_6_pro_image_to_video(prompt="p", start_image_url="https://a/b.png")
    secret = KEY.split(":")[1]
    for text in (str(caught.value), repr(caught.value), repr(c), repr(vars(c)), caplog.text):
        assert secret not in text
    assert echo.calls[0].headers["authorization"] == f"Key {KEY}"


def test_handles_are_plain_data() -> None:
    handle: JobHandle[Any] = JobHandle(request_id="r", endpoint_id=V26_I2V, status_url="s")
    assert repr(handle) == f"JobHandle(request_id='r', endpoint_id='{V26_I2V}')"


def test_importing_the_client_loads_no_transport_or_media_library() -> None:
    code = (
        "import sys, kling_fal, kling_fal.client, kling_fal.webhooks;"
        "print(sorted(m for m in ('fal_client', 'httpx', 'PIL', 'av', 'cryptography')"
        " if m in sys.modules))"
    )
    env = {"PYTHONPATH": str(GENERATED)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
