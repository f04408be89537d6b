"""Download output files: streamed to a temporary file next to the target, then renamed.

The target is never left half-written: it either keeps its old content or has the complete
new one. No credentials are sent with downloads (file URLs are public CDN links).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeAlias
from urllib.parse import unquote, urlparse

from .client import _tls
from .client._files import decode_data_uri
from .client.errors import from_response

Progress: TypeAlias = Callable[[int, "int | None"], object]
"""Called as ``progress(bytes_done, total_or_None)`` after every chunk."""
CHUNK = 1 << 16


def _source(file: Any) -> tuple[str, bytes | None, str | None]:
    """(url, inline bytes, file name) of a ``File``-like object or a URL string."""
    if isinstance(file, str):
        return file, None, None
    url = getattr(file, "url", None)
    if not isinstance(url, str):
        raise TypeError(f"cannot download {type(file).__name__}: it has no 'url'")
    data = getattr(file, "file_data", None)
    name = getattr(file, "file_name", None)
    return url, data if isinstance(data, bytes) else None, name if isinstance(name, str) else None


def target_path(file: Any, path: str | os.PathLike[str]) -> Path:
    """``path``, or ``path/<file name>`` when ``path`` is a directory."""
    target = Path(path)
    if not (target.is_dir() or str(path).endswith(os.sep)):
        return target
    url, _, name = _source(file)
    leaf = name or unquote(Path(urlparse(url).path).name) or "download"
    return target / Path(leaf).name


def _part_file(target: Path) -> tuple[int, Path]:
    """A new ``.<name>.<hex>.part`` beside ``target``, its mode 0666 less the umask (as any file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


@contextmanager
def _atomic(target: Path) -> Iterator[IO[bytes]]:
    """A part file renamed over `target` once complete: a killed process leaves the old file or
    the new one, never half of it (no fsync: like the journal, it guards against a killed
    process, not a power cut; a batch writes thousands of files)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _part_file(target)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _inline(file: Any, target: Path, progress: Progress | None) -> bool:
    url, data, _ = _source(file)
    if data is None and url.startswith("data:"):
        data = decode_data_uri(url)
    if data is None:
        return False
    with _atomic(target) as out:
        out.write(data)
    if progress is not None:
        progress(len(data), len(data))
    return True


def _total(headers: Any) -> int | None:
    value = headers.get("content-length")
    return int(value) if value and value.isdigit() else None


def download(
    file: Any,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    transport: Any = None,
    timeout: float = 120.0,
) -> Path:
    """Download an output ``File`` (or a URL) to ``path`` (a file or a directory); the path written."""
    import httpx

    target = target_path(file, path)
    if _inline(file, target, progress):
        return target
    url = _source(file)[0]
    with (
        httpx.Client(
            transport=transport, timeout=timeout, follow_redirects=True, verify=_tls.context()
        ) as client,
        client.stream("GET", url) as response,
    ):
        if response.status_code >= 400:
            raise from_response(response.status_code, response.read().decode(errors="replace"))
        total, done = _total(response.headers), 0
        with _atomic(target) as out:
            for chunk in response.iter_bytes(CHUNK):
                out.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    return target


async def adownload(
    file: Any,
    path: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    transport: Any = None,
    timeout: float = 120.0,
) -> Path:
    """Async `download` (the file is written from the event loop in chunks)."""
    import httpx

    target = target_path(file, path)
    if _inline(file, target, progress):
        return target
    url = _source(file)[0]
    async with (
        httpx.AsyncClient(
            transport=transport, timeout=timeout, follow_redirects=True, verify=_tls.context()
        ) as client,
        client.stream("GET", url) as response,
    ):
        if response.status_code >= 400:
            body = (await response.aread()).decode(errors="replace")
            raise from_response(response.status_code, body)
        total, done = _total(response.headers), 0
        with _atomic(target) as out:
            async for chunk in response.aiter_bytes(CHUNK):
                out.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    return target
