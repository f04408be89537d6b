"""Where the built-in templates are, and project settings from `[tool.klinggen]` in the
pyproject.toml of the working directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
