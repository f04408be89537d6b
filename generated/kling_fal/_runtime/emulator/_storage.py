# Vendored from generator/runtime/emulator/_storage.py by klinggen; edit that file, not this copy.
"""fal storage as fal_client speaks it: CDN token, v3 uploads, multipart, GCS fallback, downloads."""

from __future__ import annotations

import datetime
import hashlib
import json
import mimetypes
import random
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import quote

from ._http import Request, Response, json_response
from ._media import Media
from ._route import Route

_PART = re.compile(r"^(/files/[^/]+/[^/]+)/multipart/([^/]+)/(\d+|complete)$")
_FILE = re.compile(r"^/files/[^/]+/[^/]+$")
_GCS = "/storage/upload/gcs/"
_TOKEN_LIFETIME = datetime.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An uploaded file as the emulator serves it back at ``url``."""

    url: str
    name: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class _Multipart:
    path: str
    name: str
    content_type: str
    parts: dict[int, tuple[str, bytes]] = field(default_factory=dict)


class Storage:
    """Uploaded files and output placeholders, served under ``{base_url}/files/``."""

    def __init__(self, base_url: str, rng: random.Random) -> None:
        self._base = base_url
        self._rng = rng
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        self._uploads: dict[str, StoredFile] = {}  # path -> file
        self._outputs: dict[str, Media] = {}
        self._multipart: dict[str, _Multipart] = {}
        self._gcs: dict[str, tuple[str, str]] = {}  # upload path -> (file path, name)

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

    def route(self, request: Request) -> Route | None:
        """The route of a storage request, or None when it is not one."""
        method, path = request.method, request.path
        if method == "POST" and path == "/storage/auth/token":
            return Route(self._token, "storage", "key")
        if method == "POST" and path == "/storage/upload/initiate":
            return Route(self._initiate, "storage", "key")
        if method == "PUT" and path.startswith(_GCS):
            return Route(self._gcs_put, "storage")
        if method == "POST" and path == "/files/upload":
            return Route(self._upload, "storage", "token")
        if method == "POST" and path == "/files/upload/multipart":
            return Route(self._multipart_create, "storage", "token")
        if (match := _PART.match(path)) and method == ("POST" if match[3] == "complete" else "PUT"):
            return Route(lambda r: self._multipart_step(r, match), "storage", "token")
        if method in ("GET", "HEAD") and _FILE.match(path):
            return Route(self._download)
        return None

    def _token(self, request: Request) -> Response:
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

    def _initiate(self, request: Request) -> Response:
        try:
            spec = json.loads(request.body or b"{}")
            name, content_type = spec.get("file_name"), spec.get("content_type")
        except (ValueError, AttributeError):
            return json_response(400, {"detail": "expected a JSON object"})
        path = self._new_path(name, content_type)
        upload = f"{_GCS}{self._new_id(64)}"
        with self._lock:
            self._gcs[upload] = (path, content_type or "application/octet-stream")
        return json_response(200, {"upload_url": self._url(upload), "file_url": self._url(path)})

    def _gcs_put(self, request: Request) -> Response:
        with self._lock:
            target = self._gcs.pop(request.path, None)
        if target is None:
            return json_response(404, {"detail": "unknown upload URL"})
        path, content_type = target
        self._store(path, request.headers.get("content-type") or content_type, request.body)
        return Response(200)

    def _upload(self, request: Request) -> Response:
        content_type = _content_type(request)
        path = self._new_path(request.headers.get("x-fal-file-name"), content_type)
        return json_response(200, {"access_url": self._store(path, content_type, request.body)})

    def _multipart_create(self, request: Request) -> Response:
        content_type = _content_type(request)
        path = self._new_path(request.headers.get("x-fal-file-name"), content_type)
        upload_id = self._new_id(64)
        with self._lock:
            self._multipart[upload_id] = _Multipart(path, path.rsplit("/", 1)[1], content_type)
        return json_response(200, {"access_url": self._url(path), "uploadId": upload_id})

    def _multipart_step(self, request: Request, match: re.Match[str]) -> Response:
        with self._lock:
            upload = self._multipart.get(match[2])
        if upload is None or upload.path != match[1]:
            return json_response(404, {"detail": "unknown multipart upload"})
        if match[3] != "complete":
            etag = f'"{hashlib.md5(request.body, usedforsecurity=False).hexdigest()}"'
            with self._lock:
                upload.parts[int(match[3])] = (etag, request.body)
            return Response(200, headers={"etag": etag})
        try:
            listed = {int(p["partNumber"]): p["etag"] for p in json.loads(request.body)["parts"]}
        except (ValueError, KeyError, TypeError):
            return json_response(400, {"detail": "expected {'parts': [{partNumber, etag}]}"})
        with self._lock:
            parts = dict(upload.parts)
        if not listed or listed != {n: etag for n, (etag, _) in parts.items()}:
            return json_response(400, {"detail": "parts do not match the uploaded parts"})
        with self._lock:
            self._multipart.pop(match[2], None)
        data = b"".join(parts[n][1] for n in sorted(parts))
        return json_response(
            200, {"access_url": self._store(upload.path, upload.content_type, data)}
        )

    def _download(self, request: Request) -> Response:
        with self._lock:
            stored, media = self._uploads.get(request.path), self._outputs.get(request.path)
        if stored is not None:
            return Response(200, stored.data, {"content-type": stored.content_type})
        if media is not None:
            return Response(200, media.data, {"content-type": media.content_type})
        return json_response(404, {"detail": "file not found"})

    def _store(self, path: str, content_type: str, data: bytes) -> str:
        url = self._url(path)
        stored = StoredFile(url, path.rsplit("/", 1)[1], content_type, data)
        with self._lock:
            self._uploads[path] = stored
        return url

    def _new_path(self, name: str | None, content_type: str | None) -> str:
        clean = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
        if not clean or clean in (".", ".."):
            clean = "upload" + (mimetypes.guess_extension(content_type or "") or ".bin")
        return f"/files/{self._new_id(64)}/{clean}"

    def _new_id(self, bits: int) -> str:
        with self._lock:
            return f"{self._rng.getrandbits(bits):0{bits // 4}x}"

    def _url(self, path: str) -> str:
        return self._base + quote(path)


def _content_type(request: Request) -> str:
    return request.headers.get("content-type") or "application/octet-stream"
