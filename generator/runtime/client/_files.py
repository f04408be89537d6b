"""File inputs: find them in a payload, stand in placeholders, describe what must be uploaded.

The file fields of each schema and fal's limits (``x-fal``) are the package's ``file_fields``
table: FILE_FIELDS (schema -> wire field -> FileSpec) and NESTED (schema -> wire field -> nested
schema). A file field takes an http(s) URL (sent as is), a data URI (checked, sent as is), raw bytes, a
``PathLike`` or a string naming an existing local file (checked, then uploaded).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from .. import registry
from ..errors import Issue

PLACEHOLDER = "https://upload.kling-fal.invalid/"
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"\x1aE\xdf\xa3", "video/webm"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
)


@dataclass(frozen=True, slots=True)
class FileSpec:
    """A URL field taking a file: media kind, whether it is a list, and fal's limits (of each
    item of a list, checked and reported per item: ``image_urls[2]``)."""

    media: str
    many: bool = False
    limits: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A local file value found at ``path`` (``elements[0].frontal_image_url``)."""

    path: str
    spec: FileSpec
    source: Path | bytes
    placeholder: str  # stands in the payload until uploaded; "" for data URIs (sent inline)

    @property
    def key(self) -> str:
        """Identity used to upload each distinct file once."""
        if isinstance(self.source, Path):
            return f"path:{self.source.resolve()}"
        return f"bytes:{hashlib.sha256(self.source).hexdigest()}"

    def size(self) -> int:
        """Size in bytes."""
        return self.source.stat().st_size if isinstance(self.source, Path) else len(self.source)

    def read(self) -> bytes:
        """The content."""
        return self.source.read_bytes() if isinstance(self.source, Path) else self.source

    def name(self) -> str:
        """A file name for the upload."""
        if isinstance(self.source, Path):
            return self.source.name
        leaf = self.path.rsplit(".", 1)[-1].replace("[", "-").rstrip("]")
        return leaf + (mimetypes.guess_extension(self.content_type()) or ".bin")

    def content_type(self) -> str:
        """MIME type from the file name, else sniffed from the first bytes."""
        if isinstance(self.source, Path):
            guessed, _ = mimetypes.guess_type(self.source.name)
            if guessed:
                return guessed
            with self.source.open("rb") as handle:
                head = handle.read(64)
        else:
            head = self.source[:64]
        return sniff(head)


def sniff(head: bytes) -> str:
    """MIME type of common image, video and audio formats from their first bytes."""
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return "image/webp" if head[8:12] == b"WEBP" else "audio/wav"
    if head[4:8] == b"ftyp":
        return "audio/mp4" if head[8:11] == b"M4A" else "video/mp4"
    if head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return "application/octet-stream"


def decode_data_uri(uri: str) -> bytes:
    """The bytes of a ``data:`` URI; ValueError when malformed."""
    header, sep, data = uri.partition(",")
    if not sep:
        raise ValueError("data URI without ','")
    if header.endswith(";base64"):
        try:
            return base64.b64decode(data, validate=True)
        except binascii.Error as exc:
            raise ValueError(f"bad base64 in data URI: {exc}") from None
    return unquote_to_bytes(data)


def _classify(value: Any, path: str, spec: FileSpec) -> LocalFile | Issue | None:
    """A LocalFile for a local value, an Issue for a bad one, None for a URL or non-file."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return LocalFile(path, spec, bytes(value), placeholder="?")
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
        if isinstance(value, bytes):
            value = os.fsdecode(value)
    elif not isinstance(value, str) or value.startswith(("http://", "https://")):
        return None
    elif value.startswith("data:"):
        try:
            return LocalFile(path, spec, decode_data_uri(value), placeholder="")
        except ValueError as exc:
            return Issue(path, "file", str(exc))
    local = Path(value).expanduser()
    if not local.is_file():
        why = "is not an http(s) URL, a data URI or an existing file"
        return Issue(path, "file", f"{value!r} {why}")
    return LocalFile(path, spec, local, placeholder="?")


def extract(schema: str, data: dict[str, Any]) -> tuple[list[LocalFile], list[Issue]]:
    """Replace local file values in ``data`` (in place) by placeholders; return them."""
    found: list[LocalFile] = []
    issues: list[Issue] = []
    _walk(schema, data, "", found, issues)
    return found, issues


def _walk(
    schema: str, data: dict[str, Any], prefix: str, found: list[LocalFile], issues: list[Issue]
) -> None:
    tables = registry.table("file_fields")
    for name, spec in tables.FILE_FIELDS.get(schema, {}).items():
        value = data.get(name)
        holder: Any
        keys: list[Any]
        if spec.many and isinstance(value, list):
            holder, keys = value, list(range(len(value)))
        else:
            holder, keys = data, [name] if name in data else []
        for key in keys:
            path = f"{prefix}{name}[{key}]" if holder is value else f"{prefix}{name}"
            item = _classify(holder[key], path, spec)
            if isinstance(item, Issue):
                issues.append(item)
            elif item is not None:
                if item.placeholder:
                    item = replace(item, placeholder=f"{PLACEHOLDER}{len(found)}")
                    holder[key] = item.placeholder
                found.append(item)
    for name, child in tables.NESTED.get(schema, {}).items():
        value = data.get(name)
        items = enumerate(value) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            if isinstance(item, dict):
                at = f"{prefix}{name}" if index is None else f"{prefix}{name}[{index}]"
                _walk(child, item, f"{at}.", found, issues)


def substitute(data: Any, urls: dict[str, str]) -> Any:
    """``data`` with every placeholder replaced by its uploaded URL."""
    if isinstance(data, dict):
        return {k: substitute(v, urls) for k, v in data.items()}
    if isinstance(data, list):
        return [substitute(v, urls) for v in data]
    if isinstance(data, str) and data.startswith(PLACEHOLDER):
        return urls[data]
    return data
