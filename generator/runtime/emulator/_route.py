"""Where a request goes: its handler, the credential it needs and its fault operation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ._http import Request, Response

Operation = Literal["submit", "status", "result", "cancel", "storage"]


@dataclass(frozen=True, slots=True)
class Route:
    """A matched request: ``call`` answers it once ``auth`` holds and no fault was injected.

    ``auth``: ``"key"`` needs ``Authorization: Key <FAL_KEY>``; ``"token"`` needs a CDN token
    issued by ``/storage/auth/token``; ``None`` is public.
    """

    call: Callable[[Request], Response]
    operation: Operation | None = None
    auth: Literal["key", "token"] | None = None
