"""The emulator's storage as fal_client speaks it: token, v3 upload, multipart, GCS fallback."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import httpx
import pytest
from emulator_support import client, trust
from kling_fal.emulator import Emulator


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(tls=True) as running:
        yield running


@pytest.fixture
def http(emu: Emulator) -> Iterator[httpx.Client]:
    with client(emu) as c:
        yield c


@pytest.fixture
def cdn(emu: Emulator, http: httpx.Client) -> Iterator[httpx.Client]:
    """A client authenticated with a CDN token, as fal_client's upload client is."""
    token = http.post("/storage/auth/token", params={"storage_type": "fal-cdn-v3"}, json={}).json()
    with client(emu, headers={"Authorization": f"{token['token_type']} {token['token']}"}) as c:
        yield c


def test_token_is_what_fal_client_parses(emu: Emulator, http: httpx.Client) -> None:
    token = http.post("/storage/auth/token", params={"storage_type": "fal-cdn-v3"}, json={})
    assert token.status_code == 200
    data = token.json()
    assert data["base_url"] == emu.url and data["token"] and data["token_type"]
    expires = datetime.datetime.fromisoformat(data["expires_at"])
    assert expires.tzinfo is not None
    assert expires > datetime.datetime.now(datetime.timezone.utc)


def test_v3_upload_round_trip(emu: Emulator, cdn: httpx.Client) -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    headers = {"Content-Type": "image/png", "X-Fal-File-Name": "king of hearts.png"}
    uploaded = cdn.post("/files/upload", content=data, headers=headers)
    assert uploaded.status_code == 200
    url = uploaded.json()["access_url"]
    assert url.startswith(f"{emu.url}/files/") and url.endswith("/king%20of%20hearts.png")
    fetched = httpx.get(url, verify=trust(emu), trust_env=False)
    assert (fetched.content, fetched.headers["content-type"]) == (data, "image/png")
    stored = emu.uploads[url]
    assert (stored.name, stored.content_type, stored.data) == (
        "king of hearts.png",
        "image/png",
        data,
    )


def test_uploads_need_an_issued_token(emu: Emulator) -> None:
    for authorization in ("Bearer not-issued", "Key test-key", ""):
        with client(emu, headers={"Authorization": authorization}) as c:
            assert c.post("/files/upload", content=b"x").status_code == 401
            assert c.post("/files/upload/multipart").status_code == 401


def test_multipart_upload_round_trip(emu: Emulator, cdn: httpx.Client) -> None:
    created = cdn.post(
        "/files/upload/multipart",
        headers={"Content-Type": "video/mp4", "X-Fal-File-Name": "big.mp4"},
    ).json()
    access_url, upload_id = created["access_url"], created["uploadId"]
    chunks = [b"a" * 1000, b"b" * 1000, b"c" * 10]
    parts = []
    for number in (2, 1, 3):  # fal_client uploads parts concurrently, in any order
        put = cdn.put(f"{access_url}/multipart/{upload_id}/{number}", content=chunks[number - 1])
        assert put.status_code == 200
        parts.append({"partNumber": number, "etag": put.headers["etag"]})
    wrong = [{**parts[0], "etag": '"nope"'}, *parts[1:]]
    rejected = cdn.post(f"{access_url}/multipart/{upload_id}/complete", json={"parts": wrong})
    assert rejected.status_code == 400
    done = cdn.post(f"{access_url}/multipart/{upload_id}/complete", json={"parts": parts})
    assert done.status_code == 200
    stored = emu.uploads[access_url]
    assert (stored.data, stored.content_type) == (b"".join(chunks), "video/mp4")
    again = cdn.post(f"{access_url}/multipart/{upload_id}/complete", json={"parts": parts})
    assert again.status_code == 404


def test_gcs_fallback_initiate_then_put(emu: Emulator, http: httpx.Client) -> None:
    initiated = http.post(
        "/storage/upload/initiate",
        params={"storage_type": "gcs"},
        json={"file_name": "voice.mp3", "content_type": "audio/mpeg"},
    ).json()
    file_url = initiated["file_url"]
    assert http.get(file_url).status_code == 404  # nothing until the PUT
    put = http.put(
        initiated["upload_url"], content=b"ID3abc", headers={"Content-Type": "audio/mpeg"}
    )
    assert put.status_code == 200
    fetched = http.get(file_url)
    assert (fetched.content, fetched.headers["content-type"]) == (b"ID3abc", "audio/mpeg")
    assert http.put(initiated["upload_url"], content=b"again").status_code == 404


def test_downloads_are_public_and_support_head(emu: Emulator, cdn: httpx.Client) -> None:
    url = cdn.post("/files/upload", content=b"hello", headers={"Content-Type": "text/plain"})
    with client(emu, headers={}) as anonymous:
        head = anonymous.head(url.json()["access_url"])
        assert (head.status_code, head.headers["content-length"], head.content) == (200, "5", b"")
        assert anonymous.get("/files/none/such.png").status_code == 404
