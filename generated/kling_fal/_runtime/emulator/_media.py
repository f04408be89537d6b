# Vendored from generator/runtime/emulator/_media.py by klinggen; edit that file, not this copy.
"""Tiny valid placeholder media served as the files of emulated outputs.

The bytes were made once with PyAV (a 16x16 one-frame H.264 MP4, 0.5 s of silent MP3) and
Pillow (a 16x16 grey PNG) and are embedded zlib-compressed, so the emulator needs neither.
"""

from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Media:
    """A placeholder file: name, MIME type and bytes."""

    name: str
    content_type: str
    data: bytes


def _unpack(text: str) -> bytes:
    return zlib.decompress(base64.b64decode(text))


VIDEO = Media(
    "output.mp4",
    "video/mp4",
    _unpack(
        "eNp9VEFrFDEUzrYqtggW6cFDhai1CHa3M9PtUgsDraW4goIXK4gwZJNMZ9xkMk2y225PHjz4B/TozYO/QC+CBw+e"
        "PFvxoBfRi+JdWF+mu+622mYmeS/vfe+9vPcygxDCse3kqVESoRHkKMyAtKkv86qPEDoZa85BF0lGLNC1E8e73ZVP"
        "a99ff92tv3w6+wHvXvzxczuoVXEZU6U59msLwNYrIJq7dXvtermKV9ZXQcc4BcWqyjuCxxYHnjdfDrzAoRNr86W5"
        "ua2trUo7ZVwJklWU3phzfiuJlQIwKrepyswSpqRBaOhhzePQx4w3hKLN0FuCB5OMiI7hboclD1lKsGk1gPNwbjoA"
        "hzXSLPQrHkBgwTLd5ixyvpxFpEm2wUO/hmmilSQRmPrYai5EagCxuL3IqAWGbkpYGSdsR2U8DPxZ38cxMTbKTTPN"
        "wajnYDOPVBwb7oxsosHAgFIo1SQJbKKBzIiU8oHAw5kuQtBUEuuOkWaWa0EABPKGaGnSiaiSOSkOBLWxmqQZuACg"
        "Jg4TayK5c7XF043E5sA1eQfUYbDQZyOZZi465RmnLeeqMHcl0dwkrtA0pDrGsgF1cJWETRjMVzy86aKHXqUGbO7c"
        "FJRsh7WrwBjL87CK0xyKCq2DmlehQZuhhx7CxRrnjx8tzVxGYyOf4Vr9lkq1QSpkO2Fo3xj9VswScu9glPajDu6X"
        "0ZFjBN4ZyLIJ/H3bLGKO/uvNxT46zn/jTvQmQtOcWQN0igtjBxY9v4Vt6ZmEawoMluxg7svFvPO22JQTJnRf4z6T"
        "YeS6+2zqJGOCO0zpBrQjBmayLQunw8ecZnu6KQY9HkrjVEsLvMeXxoxtCOCfG2vYEOaJ+zccUgqX9ASqA60fijg4"
        "zna7sF4Br6ula2/Gu1/Q5AbQjzsTriHFgn9deFBCx5L3p9+5hOAW9ip55lXfibFFlfshS70+TMHh6X753zkJup3e"
        "Zbg7kFE1hPdgNlrMuu7ck7ygbpwf7gR0T5M8F8NZldO9dl96YZVzeA5+nqRfj5ukHdeCig+vF/wBxIkuNw=="
    ),
)
AUDIO = Media(
    "output.mp3",
    "audio/mpeg",
    _unpack(
        "eNrzdDFmYQAB5ZDgYFcgzc/AwOyTWJZmZqRnCEQGRgwI8P+xxQE4xzMvLR+inoETqCeBIRQBshCgAQGmIsAqBDiA"
        "AFcR4BUC/EcAkL0gxzGgAxWmBAiDOSHgvtleBtLA/8cSR0B6PcDmO/q6GgM9bhCKH2BRBzLHGmZOKJEAhzllVDJn"
        "I5XMOTJQ5mABw9UcAFr6HCI="
    ),
)
IMAGE = Media(
    "output.png",
    "image/png",
    _unpack(
        "eNrrDPBz5+WS4mJgYOD19HAJAtICIMzBBCQnTMwwA1KSni6OIRW3knMyMhIUWA0MJ3C4mfZkSVhJMZz0YVzwvGnC"
        "A6AiBk9XP5d1TglNAJjfE88="
    ),
)

_AUDIO_WORDS = ("audio", "voice", "sound", "music", "speech")
_IMAGE_WORDS = ("image", "face", "mask", "frame", "thumbnail", "picture")


def media_for(field_name: str) -> Media:
    """The placeholder for an output field: audio, image or (by default) video."""
    name = field_name.lower()
    if any(word in name for word in _AUDIO_WORDS):
        return AUDIO
    if any(word in name for word in _IMAGE_WORDS):
        return IMAGE
    return VIDEO
