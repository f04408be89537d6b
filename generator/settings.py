"""Where the built-in templates are, and project settings from `[tool.klinggen]` in the
pyproject.toml of the working directory."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


def template_dirs(root: Path) -> tuple[Path, ...]:
    """`templates = ["dir", ...]` of `[tool.klinggen]`, relative to `root`; () when unset."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return ()
    settings = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("klinggen", {})
    return tuple(root / str(entry) for entry in settings.get("templates", ()))


def cache_dir(kind: str) -> Path | None:
    """Where results of `kind` ("templates": compiled templates, like `.pyc` files; "models":
    datamodel-code-generator's output by input hash) are kept between runs, or None for none.

    `$KLINGGEN_CACHE_DIR` (empty: no cache), else `$XDG_CACHE_HOME/klinggen`, else
    `~/.cache/klinggen`; None when the directory cannot be made.
    """
    configured = os.environ.get("KLINGGEN_CACHE_DIR")
    if configured is not None:
        base = Path(configured) if configured else None
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "klinggen"
    if base is None:
        return None
    try:
        (base / kind).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return base / kind


def cache_key(tools: tuple[str, ...], *inputs: Any) -> str:
    """A cache key: the hash of the installed versions of the distributions `tools` and of
    `inputs` as JSON (sorted keys; other values by ``str``)."""
    versions = [version(name) for name in tools]
    text = json.dumps([versions, inputs], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def cached(kind: str, key: str) -> str | None:
    """The text kept under `key` in the `kind` cache (see `cache_dir`), or None."""
    base = cache_dir(kind)
    path = base / key if base is not None else None
    if path is None or not path.is_file():
        return None
    with contextlib.suppress(OSError, UnicodeDecodeError):
        return path.read_text(encoding="utf-8")
    return None


def store(kind: str, key: str, text: str, *, keep: int = 24) -> None:
    """Keep `text` under `key` in the `kind` cache, written atomically (parallel runs may share
    it), the oldest entries beyond `keep` removed; a cache that cannot be written is skipped."""
    store_all(kind, {key: text}, keep=keep)


def store_all(kind: str, entries: Mapping[str, str], *, keep: int) -> None:
    """`store` for many entries at once (the oldest beyond `keep` removed once, at the end)."""
    base = cache_dir(kind)
    if base is None:
        return
    with contextlib.suppress(OSError):
        for key, text in entries.items():
            fd, tmp = tempfile.mkstemp(dir=base, prefix=".tmp-")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(tmp, base / key)
            except OSError:
                os.unlink(tmp)
                raise
        kept = sorted(
            (p for p in base.iterdir() if not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
        )
        for old in kept[:-keep]:
            old.unlink(missing_ok=True)
