# Vendored from generator/runtime/client/_media.py by klinggen; edit that file, not this copy.
"""fal's file limits checked on local files before upload: Pillow for images, PyAV otherwise."""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import Issue
from ._files import LocalFile

_GEOMETRY = ("min_width", "max_width", "min_height", "max_height")
_RATIO = ("min_aspect_ratio", "max_aspect_ratio")
_TIME = ("min_duration", "max_duration", "min_fps", "max_fps")
_UNITS = {"width": "px", "height": "px", "duration": "s", "fps": "fps", "file_size": "bytes"}


@dataclass(frozen=True, slots=True)
class Probe:
    """What was measured on a file (None where not applicable or unknown)."""

    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None

    @property
    def aspect_ratio(self) -> float | None:
        """width / height."""
        return self.width / self.height if self.width and self.height else None


def _open(source: Path | bytes) -> Any:
    return source if isinstance(source, Path) else io.BytesIO(source)


def probe_image(source: Path | bytes) -> Probe:
    """Dimensions of an image (Pillow)."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ImportError("checking images needs Pillow: pip install 'kling-fal[client]'") from None
    with Image.open(_open(source)) as image:
        return Probe(width=image.width, height=image.height)


def probe_av(source: Path | bytes) -> Probe:
    """Dimensions, duration and frame rate of a video or audio file (PyAV)."""
    try:
        import av
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ImportError(
            "checking video/audio needs PyAV: pip install 'kling-fal[client]'"
        ) from None
    with av.open(_open(source)) as container:
        video = container.streams.video[0] if container.streams.video else None
        duration: float | None = None
        if container.duration is not None:
            duration = container.duration / av.time_base
        elif video is not None and video.duration is not None and video.time_base is not None:
            duration = float(video.duration * video.time_base)
        if video is None:
            return Probe(duration=duration)
        rate: Fraction | None = video.average_rate or video.guessed_rate
        return Probe(
            width=video.codec_context.width or None,
            height=video.codec_context.height or None,
            duration=duration,
            fps=float(rate) if rate else None,
        )


def check(item: LocalFile) -> list[Issue]:
    """Every limit of ``item.spec`` that the file breaks, one issue each."""
    limits = item.spec.limits
    issues = []
    size = item.size()
    if "max_file_size" in limits and size > limits["max_file_size"]:
        issues.append(
            _issue(item.path, "max_file_size", limits["max_file_size"], size, "file_size")
        )
    wanted = [k for k in (*_GEOMETRY, *_RATIO, *_TIME) if k in limits]
    if not wanted:
        return issues
    media = item.spec.media
    try:
        probe = probe_image(item.source) if media == "image" else probe_av(item.source)
    except ImportError:
        raise
    except Exception as exc:
        return [*issues, Issue(item.path, "unreadable", f"cannot read the {media}: {exc}")]
    measured = {
        "width": probe.width,
        "height": probe.height,
        "aspect_ratio": probe.aspect_ratio,
        "duration": probe.duration,
        "fps": probe.fps,
    }
    frame = f" (the {media} is {probe.width}x{probe.height} px)"
    for key in wanted:
        bound, quantity = limits[key], key.split("_", 1)[1]
        value = measured[quantity]
        if value is None:
            continue
        if (value < bound) if key.startswith("min_") else (value > bound):
            why = frame if key in _GEOMETRY or key in _RATIO else ""
            issues.append(_issue(item.path, key, bound, value, quantity, why))
    return issues


def _issue(path: str, limit: str, bound: Any, value: Any, quantity: str, why: str = "") -> Issue:
    unit = _UNITS.get(quantity, "")
    shown = f"{value:.3g}" if isinstance(value, float) else str(value)
    side = "below the minimum" if limit.startswith("min_") else "above the maximum"
    what = quantity.replace("_", " ")
    message = f"{what} {shown}{' ' + unit if unit else ''} is {side} {limit}={bound}{why}"
    return Issue(path, limit.replace("_", "-"), message)
