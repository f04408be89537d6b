"""Shared helpers of the client tests (no tests here): media made on the fly, payloads, emulator.

Media are generated in memory with Pillow, PyAV and the wave module; nothing binary is committed.
"""

from __future__ import annotations

import copy
import io
import wave
from collections.abc import Iterator
from typing import Any

import pytest

KEY = "test-key-id:test-key-secret-5f1c0ffee"  # a fake FAL_KEY; must never leak
FAST = {"poll_interval": 0.0}


def minimal(endpoint_id: str) -> dict[str, Any]:
    """A valid request of an endpoint (the spec's first valid fixture)."""
    from kling_fal import fixtures

    payload: dict[str, Any] = copy.deepcopy(fixtures.valid(endpoint_id)[0].payload)
    return payload


def family_endpoints() -> list[str]:
    """One active endpoint id per family (model), plus v3 turbo, effects, elements, motion."""
    from kling_fal import ENDPOINTS

    chosen: dict[str, str] = {}
    for endpoint_id, info in sorted(ENDPOINTS.items()):
        if info.status == "active":
            chosen.setdefault(info.model, endpoint_id)
    ids = set(chosen.values())
    ids |= {
        "fal-ai/kling-video/v3/turbo/pro/text-to-video",
        "fal-ai/kling-video/v1.6/pro/effects",
        "fal-ai/kling-video/v1.6/pro/elements",
        "fal-ai/kling-video/v2.6/pro/motion-control",
    }
    return sorted(ids)


def png(width: int, height: int) -> bytes:
    """A PNG image of the given size."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def mp4(seconds: float, width: int = 720, height: int = 720, fps: int = 24) -> bytes:
    """A silent MPEG-4 video (black frames)."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        frame = av.VideoFrame(width, height, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        for index in range(round(seconds * fps)):
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


def wav(seconds: float, rate: int = 8000) -> bytes:
    """A silent mono 16-bit WAV."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * round(seconds * rate))
    return buffer.getvalue()


@pytest.fixture
def emulator() -> Iterator[Any]:
    """A fresh emulator (plain HTTP, no latency, no faults)."""
    from kling_fal.emulator import Emulator

    with Emulator() as emu:
        yield emu
