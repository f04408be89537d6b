"""Start-up cost of kling_fal vs fal_client in fresh interpreters: the import, and the import
plus the first validation of one request (which builds only that endpoint's models)."""

from __future__ import annotations

from bench.timing import ROOT, import_time, startup_time

# the floor any pydantic-based validator starts from: pydantic itself, one small strict model, one
# validation (the plugin scan and schema build included)
PYDANTIC_FLOOR = (
    "from pydantic import BaseModel, ConfigDict, StrictStr\n"
    "class M(BaseModel):\n"
    "    model_config = ConfigDict(extra='forbid')\n"
    "    prompt: StrictStr\n"
    "    start_image_url: StrictStr\n"
    "M.model_validate({'prompt': 'x', 'start_image_url': 'https://example.com/a.png'})"
)
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
    floor = startup_time(PYDANTIC_FLOOR, repeat)
    label = "import kling_fal + first validate() of one endpoint"
    return [
        ("import kling_fal", ours, "import fal_client", ours / peer),
        (label, first, "import fal_client", first / peer),
        (
            "pydantic alone: import + one model + one validation",
            floor,
            "import fal_client",
            floor / peer,
        ),
        (label, first, "pydantic alone", first / floor),
    ]
