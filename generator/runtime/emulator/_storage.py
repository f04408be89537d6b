"""fal storage as fal_client and fal-js speak it: CDN token, v3 uploads, both multipart schemes,
the signed-URL (GCS) uploads, downloads. Uploaded bytes go to files, never whole into memory."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import json
import mimetypes
import random
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from aiohttp import web

from ._media import Media
from ._route import Route, json_response

MAX_UPLOAD = 1024**3  # per request; fal_client parts are 10 MiB, single uploads <= 100 MiB
_CHUNK = 1024 * 1024
_PART = re.compile(
    r"^(/files/[^/]+/[^/]+/multipart|/storage/upload/multipart)/([^/]+)/(\d+|complete)$"
)
_FILE = re.compile(r"^/files/[^/]+/[^/]+$")
_SIGNED = "/storage/upload/gcs/"
_FAL_JS_MULTIPART = "/storage/upload/multipart"
_TOKEN_LIFETIME = datetime.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An uploaded file as the emulator serves it back at ``url``; its bytes are at ``path``."""

    url: str
    name: str
    content_type: str
    path: Path
    size: int

    @property
    def data(self) -> bytes:
        """The whole file (read from disk; mind large uploads)."""
        return self.path.read_bytes()


@dataclass(slots=True)
class _Multipart:
    scope: str  # the URL prefix its parts are sent to
    path: str  # the access path of the finished file
    content_type: str
    parts: dict[int, tuple[str, Path]] = field(default_factory=dict)


class Storage:
    """Uploaded files (under `directory`) and output placeholders, served under ``/files/``."""

    def __init__(self, base_url: str, rng: random.Random, directory: Path) -> None:
        self._base, self._rng, self._dir = base_url, rng, directory
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        self._uploads: dict[str, StoredFile] = {}  # path -> file
        self._outputs: dict[str, Media] = {}
        self._multipart: dict[str, _Multipart] = {}
        self._signed: dict[str, tuple[str, str]] = {}  # upload path -> (file path, type)
        self._serial = 0

    @property
    def uploads(self) -> dict[str, StoredFile]:
        """Uploaded files by access URL."""
        with self._lock:
            return {f.url: f for f in self._uploads.values()}

    def token_valid(self, authorization: str) -> bool:
        """Whether `authorization` carries a CDN token this storage issued."""
        _, _, token = authorization.partition(" ")
        with self._lock:
            return token in self._tokens

    def publish(self, folder: str, media: Media) -> str:
        """Serve `media` at ``/files/{folder}/{name}``; its URL."""
        path = f"/files/{folder}/{media.name}"
        with self._lock:
            self._outputs[path] = media
        return self._url(path)

    def route(self, request: web.Request) -> Route | None:
        """The route of a storage request, or None when it is not one."""
        method, path = request.method, request.path
        if method == "POST" and path == "/storage/auth/token":
            return Route(self._token, "storage", "key")
        if method == "POST" and path == "/storage/upload/initiate":
            return Route(self._initiate, "storage", "key")
        if method == "POST" and path == "/storage/upload/initiate-multipart":
            return Route(self._initiate_multipart, "storage", "key")
        if method == "PUT" and path.startswith(_SIGNED):
            return Route(self._signed_put, "storage")
        if method == "POST" and path == "/files/upload":
            return Route(self._upload, "storage", "token")
        if method == "POST" and path == "/files/upload/multipart":
            return Route(self._multipart_create, "storage", "token")
        match = _PART.match(path)  # fal-js sends its parts to the signed URL, without a token
        if match and method == ("POST" if match[3] == "complete" else "PUT"):
            auth: Literal["token"] | None = None if match[1] == _FAL_JS_MULTIPART else "token"
            return Route(lambda r: self._multipart_step(r, match), "storage", auth)
        if method in ("GET", "HEAD") and _FILE.match(path):
            return Route(self._download)
        return None

    async def _token(self, request: web.Request) -> web.StreamResponse:
        token = self._new_id(128)
        with self._lock:
            self._tokens.add(token)
        expires = datetime.datetime.now(datetime.timezone.utc) + _TOKEN_LIFETIME
        body = {
            "token": token,
            "token_type": "Bearer",
            "base_url": self._base,
            "expires_at": expires.isoformat(),
        }
        return json_response(200, body)

    async def _initiate(self, request: web.Request) -> web.StreamResponse:
        spec = await _json_object(request)
        if spec is None:
            return json_response(400, {"detail": "expected a JSON object"})
        content_type = spec.get("content_type") or "application/octet-stream"
        path = self._new_path(spec.get("file_name"), content_type)
        upload = f"{_SIGNED}{self._new_id(64)}"
        with self._lock:
            self._signed[upload] = (path, content_type)
        return json_response(200, {"upload_url": self._url(upload), "file_url": self._url(path)})

    async def _initiate_multipart(self, request: web.Request) -> web.StreamResponse:
        spec = await _json_object(request)
        if spec is None:
            return json_response(400, {"detail": "expected a JSON object"})
        content_type = spec.get("content_type") or "application/octet-stream"
        path = self._new_path(spec.get("file_name"), content_type)
        upload_id = self._new_id(64)
        with self._lock:
            self._multipart[upload_id] = _Multipart(_FAL_JS_MULTIPART, path, content_type)
        upload_url = self._url(f"{_FAL_JS_MULTIPART}/{upload_id}")
        return json_response(200, {"upload_url": upload_url, "file_url": self._url(path)})

    async def _signed_put(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            target = self._signed.pop(request.path, None)
        if target is None:
            return json_response(404, {"detail": "unknown upload URL"})
        path, content_type = target
        file, size, _ = await self._receive(request)
        self._store(path, request.headers.get("content-type") or content_type, file, size)
        return web.Response(status=200)

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        content_type = _content_type(request)
        path = self._new_path(request.headers.get("x-fal-file-name"), content_type)
        file, size, _ = await self._receive(request)
        return json_response(200, {"access_url": self._store(path, content_type, file, size)})

    async def _multipart_create(self, request: web.Request) -> web.StreamResponse:
        content_type = _content_type(request)
        path = self._new_path(request.headers.get("x-fal-file-name"), content_type)
        upload_id = self._new_id(64)
        with self._lock:
            self._multipart[upload_id] = _Multipart(f"{path}/multipart", path, content_type)
        return json_response(200, {"access_url": self._url(path), "uploadId": upload_id})

    async def _multipart_step(self, request: web.Request, match: re.Match[str]) -> web.Response:
        with self._lock:
            upload = self._multipart.get(match[2])
        if upload is None or upload.scope != match[1]:
            return json_response(404, {"detail": "unknown multipart upload"})
        if match[3] != "complete":
            number = int(match[3])
            file, _, digest = await self._receive(request)
            etag = f'"{digest}"'
            with self._lock:
                upload.parts[number] = (etag, file)
            return json_response(200, {"partNumber": number, "etag": etag}, {"etag": etag})
        spec = await _json_object(request)
        try:
            listed = {int(p["partNumber"]): p["etag"] for p in (spec or {})["parts"]}
        except (ValueError, KeyError, TypeError):
            return json_response(400, {"detail": "expected {'parts': [{partNumber, etag}]}"})
        with self._lock:
            parts = dict(upload.parts)
        if not listed or listed != {n: etag for n, (etag, _) in parts.items()}:
            return json_response(400, {"detail": "parts do not match the uploaded parts"})
        with self._lock:
            self._multipart.pop(match[2], None)
        file = self._new_file()
        size = await asyncio.to_thread(_concatenate, [parts[n][1] for n in sorted(parts)], file)
        url = self._store(upload.path, upload.content_type, file, size)
        return json_response(200, {"access_url": url, "file_url": url})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            stored, media = self._uploads.get(request.path), self._outputs.get(request.path)
        if stored is not None:
            return web.FileResponse(stored.path, headers={"content-type": stored.content_type})
        if media is not None:
            return web.Response(body=media.data, content_type=media.content_type)
        return json_response(404, {"detail": "file not found"})

    async def _receive(self, request: web.Request) -> tuple[Path, int, str]:
        """Stream the request body to a new file: (the file, its size, its MD5 in hex)."""
        file, size = self._new_file(), 0
        digest = hashlib.md5(usedforsecurity=False)
        with file.open("wb") as out:
            async for chunk in request.content.iter_chunked(_CHUNK):
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise web.HTTPRequestEntityTooLarge(max_size=MAX_UPLOAD, actual_size=size)
                digest.update(chunk)
                out.write(chunk)
        return file, size, digest.hexdigest()

    def _store(self, path: str, content_type: str, file: Path, size: int) -> str:
        url = self._url(path)
        stored = StoredFile(url, path.rsplit("/", 1)[1], content_type, file, size)
        with self._lock:
            self._uploads[path] = stored
        return url

    def _new_file(self) -> Path:
        with self._lock:
            self._serial += 1
            return self._dir / f"upload-{self._serial}"

    def _new_path(self, name: Any, content_type: str | None) -> str:
        clean = str(name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
        if not clean or clean in (".", ".."):
            clean = "upload" + (mimetypes.guess_extension(content_type or "") or ".bin")
        return f"/files/{self._new_id(64)}/{clean}"

    def _new_id(self, bits: int) -> str:
        with self._lock:
            return f"{self._rng.getrandbits(bits):0{bits // 4}x}"

    def _url(self, path: str) -> str:
        return self._base + quote(path)


def _concatenate(parts: list[Path], target: Path) -> int:
    """Join the part files into `target` (removing them); its size."""
    with target.open("wb") as out:
        for part in parts:
            with part.open("rb") as source:
                shutil.copyfileobj(source, out, _CHUNK)
            part.unlink()
        return out.tell()


async def _json_object(request: web.Request) -> dict[str, Any] | None:
    try:
        data = json.loads(await request.read() or b"{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _content_type(request: web.Request) -> str:
    return request.headers.get("content-type") or "application/octet-stream"
