"""Import time of kling_fal vs fal_client in fresh interpreters."""

from __future__ import annotations

from bench.timing import ROOT, import_time


def measure(repeat: int) -> list[tuple[str, float, str, float | None]]:
    """Rows (name, seconds, peer, ratio)."""
    ours = import_time("kling_fal", repeat, ROOT / "generated")
    peer = import_time("fal_client", repeat)
    return [("import kling_fal", ours, "import fal_client", ours / peer)]
