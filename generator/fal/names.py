"""Names derived from an endpoint id: model, tier, mode, a title and fal-style schema titles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.frontend.assemble import ENDPOINT_PREFIX

TIER_WORDS = ("standard", "pro", "master", "4k", "turbo")
_VERSION = re.compile(r"v(\d+(?:\.\d+)*)")


@dataclass(frozen=True, slots=True)
class IdParts:
    """model / tier / mode of an endpoint id as spec/ spells them."""

    model: str
    tier: str
    mode: str


def id_parts(endpoint_id: str) -> IdParts:
    """`fal-ai/kling-video/v3/turbo/pro/image-to-video` -> (v3, turbo-pro, image-to-video)."""
    segments = endpoint_id.removeprefix(ENDPOINT_PREFIX).split("/")
    model, rest = segments[0], segments[1:]
    tiers = []
    while rest and rest[0] in TIER_WORDS:
        tiers.append(rest.pop(0))
    return IdParts(model=model, tier="-".join(tiers), mode="-".join(rest) or model)


def pascal(text: str) -> str:
    """`image-to-video` -> `ImageToVideo`, `4k` -> `4k`, `v2.6` -> `V26`."""
    words = re.split(r"[^0-9A-Za-z]+", text.replace(".", ""))
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def display_title(parts: IdParts) -> str:
    """A human title in the style of spec/: `Kling 3.1 Pro image to video`."""
    version = _VERSION.fullmatch(parts.model)
    model = version.group(1) if version else parts.model.upper()
    tier = " ".join(w.upper() if w == "4k" else w.capitalize() for w in parts.tier.split("-") if w)
    return " ".join(filter(None, ("Kling", model, tier, parts.mode.replace("-", " "))))


def schema_title(parts: IdParts, suffix: str) -> str:
    """fal's title pattern: `ImageToVideoV31ProRequest`, `O3ProImageToVideoInput`."""
    tier = pascal(parts.tier)
    if _VERSION.fullmatch(parts.model):
        return f"{pascal(parts.mode)}{pascal(parts.model)}{tier}{suffix}"
    return f"{pascal(parts.model)}{tier}{pascal(parts.mode)}{suffix}"
