"""`kling_fal.estimate_cost`: fal's worked price examples to the cent, defaults, media lengths,
unknown prices, and the spec's prices against the reference price list."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import kling_fal
import pytest
import yaml
from kling_fal._runtime.pricing import MediaLengthRequired, PricingError
from kling_fal.client import AsyncKlingClient, KlingClient
from support import REFERENCE
from test_client_helpers import mp4, wav

PRICES = yaml.load(
    (REFERENCE / "kling-pricing.yaml").read_text(encoding="utf-8"),
    Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader),
)
P = "fal-ai/kling-video/"
TIMES = "\N{MULTIPLICATION SIGN}"
VOICE = {"elements": [{"frontal_image_url": "https://x/f.png", "voice_id": "v1"}]}

# (page the example is published on, endpoint priced, payload, media lengths, published total).
# v3 text to video takes no voice field (voices are bound per element since 2026-04), so its
# pages' voice-control examples are priced on the image-to-video sibling, which has the same rates.
WORKED: list[tuple[str, str, dict[str, Any], dict[str, float], str]] = [
    ("lipsync/audio-to-video", "", {"video_url": "https://x/v.mp4"}, {"video_url": 3}, "0.07"),
    ("lipsync/text-to-video", "", {"video_url": "https://x/v.mp4"}, {"video_url": 3}, "0.07"),
    ("o1/image-to-video", "", {"duration": "10"}, {}, "1.12"),
    ("o3/4k/reference-to-video", "", {"duration": "5"}, {}, "2.10"),
    ("o3/4k/video-to-video/edit", "", {"video_url": "https://x/v.mp4"}, {"video_url": 5}, "2.10"),
    ("o3/pro/reference-to-video", "", {"duration": "5", "generate_audio": True}, {}, "0.70"),
    ("o3/pro/text-to-video", "", {"duration": "5", "generate_audio": True}, {}, "0.70"),
    ("o3/pro/video-to-video/edit", "", {"video_url": "https://x/v.mp4"}, {"video_url": 5}, "1.68"),
    ("o3/standard/image-to-video", "", {"duration": "5", "generate_audio": True}, {}, "0.56"),
    ("o3/standard/image-to-video", "", {"duration": "5", "generate_audio": False}, {}, "0.42"),
    ("o3/standard/image-to-video", "", {"duration": "15", "generate_audio": False}, {}, "1.26"),
    ("o3/standard/image-to-video", "", {"duration": "15", "generate_audio": True}, {}, "1.68"),
    ("o3/standard/reference-to-video", "", {"duration": "5", "generate_audio": True}, {}, "0.56"),
    ("v1.6/pro/image-to-video", "", {"duration": "5"}, {}, "0.475"),
    ("v1.6/pro/image-to-video", "", {"duration": "10"}, {}, "0.95"),
    ("v2/master/image-to-video", "", {"duration": "5"}, {}, "1.40"),
    ("v2/master/image-to-video", "", {"duration": "10"}, {}, "2.80"),
    ("v2/master/text-to-video", "", {"duration": "5"}, {}, "1.40"),
    ("v2.1/master/text-to-video", "", {"duration": "5"}, {}, "1.40"),
    ("v2.1/pro/image-to-video", "", {"duration": "5"}, {}, "0.49"),
    ("v2.1/standard/image-to-video", "", {"duration": "5"}, {}, "0.28"),
    ("v2.5-turbo/pro/image-to-video", "", {"duration": "5"}, {}, "0.35"),
    ("v2.5-turbo/pro/text-to-video", "", {"duration": "5"}, {}, "0.35"),
    ("v2.5-turbo/standard/image-to-video", "", {"duration": "5"}, {}, "0.21"),
    ("v2.6/pro/image-to-video", "", {"duration": "5", "generate_audio": True}, {}, "0.70"),
    (
        "v2.6/pro/image-to-video",
        "",
        {"duration": "10", "generate_audio": True, "voice_ids": ["v1"]},
        {},
        "1.68",
    ),
    ("v2.6/pro/text-to-video", "", {"duration": "5", "generate_audio": True}, {}, "0.70"),
    ("v3/pro/image-to-video", "", {"duration": "5", **VOICE}, {}, "0.98"),
    ("v3/pro/image-to-video", "", {"duration": "5", "generate_audio": False}, {}, "0.56"),
    ("v3/pro/image-to-video", "", {"duration": "5", "generate_audio": True}, {}, "0.84"),
    ("v3/pro/image-to-video", "", {"duration": "15", "generate_audio": False}, {}, "1.68"),
    ("v3/pro/image-to-video", "", {"duration": "15", "generate_audio": True}, {}, "2.52"),
    ("v3/pro/text-to-video", "v3/pro/image-to-video", {"duration": "5", **VOICE}, {}, "0.98"),
    (
        "v3/standard/text-to-video",
        "v3/standard/image-to-video",
        {"duration": "5", **VOICE},
        {},
        "0.77",
    ),
    ("v3/turbo/pro/image-to-video", "", {"duration": "5"}, {}, "0.70"),
    ("v3/turbo/pro/text-to-video", "", {"duration": "5"}, {}, "0.70"),
    ("v3/turbo/standard/image-to-video", "", {"duration": "5"}, {}, "0.56"),
]
_EXAMPLE = re.compile(r"example|\d+-second video|\d+s\** video|\(10s\)", re.IGNORECASE)


@pytest.mark.parametrize(("page", "priced", "payload", "lengths", "published"), WORKED)
def test_worked_examples_to_the_cent(
    page: str, priced: str, payload: dict[str, Any], lengths: dict[str, float], published: str
) -> None:
    estimate = kling_fal.estimate_cost(P + (priced or page), payload, lengths=lengths)
    assert estimate.usd is not None
    assert Decimal(str(estimate.usd)) == Decimal(published)
    assert estimate.shown == f"${Decimal(published).quantize(Decimal('0.01'), 'ROUND_HALF_UP')}"


def test_every_page_with_a_worked_example_is_reproduced() -> None:
    pages = {
        endpoint_id.removeprefix(P)
        for endpoint_id, entry in PRICES["endpoints"].items()
        if _EXAMPLE.search(f"{entry.get('quote') or ''} {entry.get('seen_via') or ''}")
    }
    assert pages and pages <= {page for page, *_ in WORKED}


def test_the_spec_states_the_reference_confidence_and_rates_of_every_endpoint() -> None:
    for endpoint_id, entry in PRICES["endpoints"].items():
        stated = kling_fal._runtime.pricing.pricing(endpoint_id)
        assert stated.confidence == entry["confidence"], endpoint_id
        assert stated.source == (entry.get("source") or ""), endpoint_id
        price = stated.price
        if entry["confidence"] == "unknown":
            assert price.unit == "unknown", endpoint_id
            continue
        assert price.unit == entry["unit"], endpoint_id
        flat = entry.get("flat_plus_increment")
        if flat:
            got = (price.base_usd, price.base_seconds, price.extra_usd)  # type: ignore[attr-defined]
            wanted = (flat["base_usd"], flat["base_quantity"], flat["usd_per_extra_unit"])
            assert got == tuple(Decimal(str(v)) for v in wanted), endpoint_id
            continue
        rates = {Decimal(str(r["usd_per_unit"])) for r in entry["rates"]}
        stated_rates = {rate.usd for rate in price.rates}  # type: ignore[attr-defined]
        no_voice_field = endpoint_id.endswith(("v3/pro/text-to-video", "v3/standard/text-to-video"))
        assert (stated_rates < rates) if no_voice_field else (stated_rates == rates), endpoint_id


@pytest.mark.parametrize(
    ("endpoint", "published"),
    [("v2.6/pro/image-to-video", "0.70"), ("o3/pro/text-to-video", "0.56")],
)
def test_defaults_of_the_request_apply(endpoint: str, published: str) -> None:
    """duration defaults to 5; generate_audio to true on v2.6, false on o3."""
    estimate = kling_fal.estimate_cost(P + endpoint, {"prompt": "x"})
    assert Decimal(str(estimate.usd)) == Decimal(published)
    assert estimate.quantity == 5 and estimate.unit == "video_second"


def test_estimate_fields_and_basis() -> None:
    estimate = kling_fal.estimate_cost(P + "v2.6/pro/image-to-video", {"duration": 10})
    assert (estimate.unit, estimate.quantity, estimate.confidence) == ("video_second", 10, "high")
    assert estimate.basis == f"10 s {TIMES} $0.14/s (audio on)"
    assert estimate.source.startswith("https://fal.ai/models/fal-ai/kling-video/v2.6/pro/")
    assert str(estimate) == f"$1.40 = 10 s {TIMES} $0.14/s (audio on); confidence high"
    flat = kling_fal.estimate_cost(P + "v2/master/text-to-video", {"duration": "10"})
    assert flat.basis == f"$1.40 for 5 s + 5 s {TIMES} $0.28/s"


def test_a_request_model_is_priced_like_its_payload() -> None:
    endpoint = P + "v2.6/pro/image-to-video"
    request = kling_fal.validate(
        endpoint, {"prompt": "x", "start_image_url": "https://x/a.png", "generate_audio": False}
    )
    assert kling_fal.estimate_cost(endpoint, request).usd == 0.35


def test_unknown_price_is_an_estimate_without_usd() -> None:
    estimate = kling_fal.estimate_cost(P + "v1/tts", {"text": "hello"})
    assert estimate.usd is None and estimate.confidence == "unknown" and estimate.quantity is None
    assert estimate.unit == "unknown" and estimate.shown == "unknown"
    assert estimate.basis.startswith("price unknown: ")


def test_media_length_from_lengths_a_local_file_or_a_clear_error(tmp_path: Path) -> None:
    lipsync = P + "lipsync/audio-to-video"
    video = tmp_path / "talk.mp4"
    video.write_bytes(mp4(6.2, 160, 160))
    estimate = kling_fal.estimate_cost(lipsync, {"video_url": str(video)})
    assert estimate.quantity == 10 and estimate.unit == "input_video_second"
    assert Decimal(str(estimate.usd)) == Decimal("0.14")
    assert "rounded up" in estimate.basis
    given = kling_fal.estimate_cost(lipsync, {"video_url": video}, lengths={"video_url": 11})
    assert given.quantity == 15
    with pytest.raises(MediaLengthRequired, match=r"length of video_url.*lengths=\{'video_url'"):
        kling_fal.estimate_cost(lipsync, {"video_url": "https://x/v.mp4"})
    audio = tmp_path / "voice.wav"
    audio.write_bytes(wav(2.0))
    avatar = kling_fal.estimate_cost(P + "ai-avatar/v2/pro", {"audio_url": audio})
    assert avatar.quantity == pytest.approx(2.0, abs=0.01)
    assert avatar.usd == pytest.approx(0.23, abs=0.002)


def test_duration_fallback_to_the_input_video() -> None:
    """o3 video-to-video reference: no duration default, so the input video's length is billed."""
    endpoint = P + "o3/pro/video-to-video/reference"
    given = kling_fal.estimate_cost(endpoint, {"video_url": "u", "duration": "5"})
    assert Decimal(str(given.usd)) == Decimal("1.68")
    inferred = kling_fal.estimate_cost(endpoint, {"video_url": "u"}, lengths={"video_url": 7.5})
    assert Decimal(str(inferred.usd)) == Decimal("2.52") and inferred.confidence == "low"


def test_a_duration_that_is_no_number_is_a_pricing_error() -> None:
    with pytest.raises(PricingError, match=r"v2\.6/pro/image-to-video: duration: 'ten'"):
        kling_fal.estimate_cost(P + "v2.6/pro/image-to-video", {"duration": "ten"})
    with pytest.raises(kling_fal.UnknownEndpointError):
        kling_fal.estimate_cost(P + "v9/nope", {})


def test_client_estimate_sync_and_async() -> None:
    endpoint = P + "v2.6/pro/text-to-video"
    with KlingClient(key="test", emulator="http://127.0.0.1:9") as client:
        assert client.estimate(endpoint, prompt="x", duration="10").usd == 1.4
        assert client.estimate(endpoint, {"prompt": "x", "generate_audio": False}).usd == 0.35

    async def main() -> float | None:
        async with AsyncKlingClient(key="test", emulator="http://127.0.0.1:9") as client:
            return (await client.estimate(endpoint, prompt="x")).usd

    assert asyncio.run(main()) == 0.7


def test_a_request_no_rate_applies_to_is_a_pricing_error() -> None:
    """generate_audio "yes" is neither true nor false: no rate of v2.6 applies."""
    with pytest.raises(PricingError, match=r"no rate applies .*rates for: audio off; "):
        kling_fal.estimate_cost(P + "v2.6/pro/image-to-video", {"generate_audio": "yes"})
