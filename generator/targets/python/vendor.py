"""The runtime, vendored: an exact copy of generator/runtime/ at kling_fal/_runtime/.

Each copy starts with one header line naming its source; the rest is the source byte for byte,
so `klinggen check` keeps the copies equal (the stamp hashes generator/, the runtime included).
"""

from __future__ import annotations

from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "runtime"
SOURCE_NAME = "generator/runtime"
TARGET = "kling_fal/_runtime"
HEADER = "# Vendored from {} by klinggen; edit that file, not this copy."


def runtime_files() -> list[str]:
    """Posix paths, relative to the runtime, of every file vendored (caches skipped)."""
    return sorted(
        path.relative_to(SOURCE).as_posix()
        for path in SOURCE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith(".")
    )


def vendored() -> dict[str, str]:
    """Output path -> text of every vendored file."""
    files = {}
    for rel in runtime_files():
        source = (SOURCE / rel).read_text(encoding="utf-8")
        files[f"{TARGET}/{rel}"] = HEADER.format(f"{SOURCE_NAME}/{rel}") + "\n" + source
    return files
