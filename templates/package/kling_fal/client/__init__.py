"""Typed clients of the Kling endpoints on fal.ai, on top of the official ``fal_client``.

```python
from pathlib import Path
from kling_fal.client import KlingClient

with KlingClient(journal="jobs.db") as client:     # key from FAL_KEY (or key=...)
    out = client.v2_6_pro_image_to_video(
        prompt="A king walks slowly",
        start_image_url=Path("king.png"),          # checked against fal's limits, uploaded
        duration=10,
        on_enqueue=print,                          # the request id, as soon as fal assigns it
    )
    client.download(out.video, "king.mp4")         # streamed, written atomically

    handle = client.v3_pro_text_to_video.submit(prompt="A lake", webhook_url="https://...")
    client.status(handle); client.result(handle); client.cancel(handle)
    client.resume(handle.request_id)               # from any later process sharing jobs.db
```

``AsyncKlingClient`` has the same API, awaitable. ``KlingClient(emulator=emu.url)`` sends all
of this client's traffic to a ``kling_fal.emulator.Emulator`` (per client, not process-wide).
fal_client, httpx, Pillow and PyAV are imported on first use only (extra ``client``).
"""

from ._clients import AsyncKlingClient, KlingClient
from ._download import Progress, adownload, download
from ._journal import Journal, JournalEntry
from ._types import (
    Completed,
    FileInput,
    InProgress,
    JobHandle,
    JobStatus,
    LogEntry,
    OnEnqueue,
    OnQueueUpdate,
    Priority,
    Queued,
    Resumed,
    Retry,
)
from .errors import (
    KlingAPIError,
    KlingAPIValidationError,
    KlingAuthenticationError,
    KlingConnectionError,
    KlingNotFoundError,
    KlingRateLimitError,
    KlingServerError,
    KlingTimeoutError,
)

__all__ = [
    "AsyncKlingClient",
    "Completed",
    "FileInput",
    "InProgress",
    "JobHandle",
    "JobStatus",
    "Journal",
    "JournalEntry",
    "KlingAPIError",
    "KlingAPIValidationError",
    "KlingAuthenticationError",
    "KlingClient",
    "KlingConnectionError",
    "KlingNotFoundError",
    "KlingRateLimitError",
    "KlingServerError",
    "KlingTimeoutError",
    "LogEntry",
    "OnEnqueue",
    "OnQueueUpdate",
    "Priority",
    "Progress",
    "Queued",
    "Resumed",
    "Retry",
    "adownload",
    "download",
]
