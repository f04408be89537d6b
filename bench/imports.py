"""Start-up cost of kling_fal vs fal_client in fresh interpreters: the import, and the import
plus the first validation of one request (which builds only that endpoint's models)."""

from __future__ import annotations

from bench.timing import ROOT, import_time, startup_time

FIRST_VALIDATE = (
    "import kling_fal; kling_fal.validate('fal-ai/kling-video/v2.6/pro/image-to-video', "
    "{'prompt': 'x', 'start_image_url': 'https://example.com/a.png'})"
)


def measure(repeat: int) -> list[tuple[str, float, str, float | None]]:
    """Rows (name, seconds, peer, ratio)."""
    generated = ROOT / "generated"
    ours = import_time("kling_fal", repeat, generated)
    peer = import_time("fal_client", repeat)
    first = startup_time(FIRST_VALIDATE, repeat, generated)
    return [
        ("import kling_fal", ours, "import fal_client", ours / peer),
        (
            "import kling_fal + first validate() of one endpoint",
            first,
            "import fal_client",
            first / peer,
        ),
    ]
