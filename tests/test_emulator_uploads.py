"""200 MiB uploads through both multipart schemes, stored on disk with bounded memory."""

from __future__ import annotations

import gc
import hashlib
import os
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import fal_client
import pytest
from emulator_support import client
from kling_fal.emulator import Emulator

pytestmark = pytest.mark.slow(6)  # seconds, roughly: scheduled early (conftest.py)

MIB = 1024 * 1024
PART = 10 * MIB
SIZE = 200 * MIB


def part(number: int) -> bytes:
    """Part `number` of the test file: 10 MiB of repeatable pseudo-random bytes (an extendable
    hash: twice as fast as ``random.randbytes``)."""
    return hashlib.shake_128(number.to_bytes(4, "big")).digest(PART)


def parts() -> Iterator[tuple[int, bytes]]:
    return ((number, part(number)) for number in range(1, SIZE // PART + 1))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(seed=21) as running:
        yield running


def test_fal_js_multipart_upload_streams_to_disk(emu: Emulator) -> None:
    tracemalloc.start()
    try:
        with client(emu, timeout=60.0) as http:
            body = {"file_name": "big.mp4", "content_type": "video/mp4"}
            started = http.post(
                "/storage/upload/initiate-multipart?storage_type=fal-cdn-v3", json=body
            )
            assert started.status_code == 200, started.text
            upload_url, file_url = started.json()["upload_url"], started.json()["file_url"]
            sent, expected = [], hashlib.sha256()
            for number, data in parts():  # as fal-js: no credential on the parts
                expected.update(data)
                put = http.put(
                    f"{upload_url}/{number}", content=data, headers={"Authorization": ""}
                )
                del data
                assert put.status_code == 200, put.text
                assert (
                    put.json()["partNumber"] == number and put.json()["etag"] == put.headers["etag"]
                )
                sent.append(put.json())
                del put
                gc.collect(1)  # httpx's (young) request/response cycles would keep each part alive
            done = http.post(
                f"{upload_url}/complete", json={"parts": sent}, headers={"Authorization": ""}
            )
            assert done.status_code == 200, done.text
            _, peak = tracemalloc.get_traced_memory()
            head = http.head(file_url)
            assert (head.status_code, head.headers["content-length"]) == (200, str(SIZE))
            with http.stream("GET", file_url) as download:
                digest = hashlib.sha256()
                for chunk in download.iter_bytes():
                    digest.update(chunk)
    finally:
        tracemalloc.stop()
    assert peak < SIZE // 3  # a part or two in flight (client side included), never the file
    stored = emu.uploads[file_url]
    assert (stored.name, stored.content_type, stored.size) == ("big.mp4", "video/mp4", SIZE)
    assert sha256_of(stored.path) == digest.hexdigest() == expected.hexdigest()


def test_fal_js_multipart_rejects_unknown_ids_and_mismatched_parts() -> None:
    threads = threading.active_count()
    with Emulator() as emu, client(emu) as http:
        assert http.put("/storage/upload/multipart/nope/1", content=b"x").status_code == 404
        started = http.post("/storage/upload/initiate-multipart", json={"file_name": "a.bin"})
        upload_url = started.json()["upload_url"]
        etag = http.put(f"{upload_url}/1", content=b"abc").json()["etag"]
        wrong = http.post(
            f"{upload_url}/complete", json={"parts": [{"partNumber": 1, "etag": "x"}]}
        )
        assert wrong.status_code == 400
        right = http.post(
            f"{upload_url}/complete", json={"parts": [{"partNumber": 1, "etag": etag}]}
        )
        assert right.status_code == 200
        assert emu.uploads[started.json()["file_url"]].data == b"abc"
        directory = emu.uploads[started.json()["file_url"]].path.parent
    assert threading.active_count() == threads  # the copy thread was joined on stop
    assert not directory.exists()  # and the uploads removed


def test_fal_client_multipart_upload_file(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [k for k in os.environ if "proxy" in k.lower()]:
        monkeypatch.delenv(name)
    monkeypatch.setattr(fal_client.client, "REST_URL", emu.url)
    monkeypatch.setattr(fal_client.client, "CDN_URL", emu.url)
    source, expected = tmp_path / "big.mp4", hashlib.sha256()
    with source.open("wb") as file:
        for _, data in parts():
            file.write(data)
            expected.update(data)
    url = fal_client.SyncClient(key="test-key").upload_file(source)  # > 100 MiB: multipart
    stored = emu.uploads[url]
    assert (stored.name, stored.content_type, stored.size) == ("big.mp4", "video/mp4", SIZE)
    assert sha256_of(stored.path) == expected.hexdigest()
    assert set(stored.path.parent.iterdir()) == {f.path for f in emu.uploads.values()}  # no parts
