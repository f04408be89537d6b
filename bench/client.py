"""Client overhead: the typed client vs raw fal_client for the same requests against the emulator."""

from __future__ import annotations

import copy

from bench.timing import call_time

ENDPOINT = "fal-ai/kling-video/v2.6/pro/image-to-video"
REQUESTS = 40


def measure(repeat: int) -> list[tuple[str, float, str, float | None]]:
    """Rows (name, seconds per request, peer, ratio)."""
    import fal_client
    import fal_client.client as fc
    from kling_fal import fixtures
    from kling_fal.client import KlingClient
    from kling_fal.emulator import Emulator

    payload = fixtures.valid(ENDPOINT)[0].payload
    with Emulator(steps=1, seed=1) as emu:
        saved = (fc.QUEUE_URL_FORMAT, fc.REST_URL, fc.CDN_URL)
        fc.QUEUE_URL_FORMAT, fc.REST_URL, fc.CDN_URL = emu.url + "/", emu.url, emu.url
        try:
            raw = fal_client.SyncClient(key="bench-key")
            interval = fc.DEFAULT_QUEUE_POLL_INTERVAL

            def with_raw() -> None:
                for _ in range(REQUESTS):
                    raw.subscribe(ENDPOINT, copy.deepcopy(payload), interval=interval)

            with KlingClient(key="bench-key", emulator=emu.url, poll_interval=interval) as typed:

                def with_typed() -> None:
                    for _ in range(REQUESTS):
                        typed.subscribe(ENDPOINT, copy.deepcopy(payload))

                with_raw(), with_typed()  # warm up both
                ours = call_time(with_typed, repeat) / REQUESTS
                peer = call_time(with_raw, repeat) / REQUESTS
        finally:
            fc.QUEUE_URL_FORMAT, fc.REST_URL, fc.CDN_URL = saved
    return [("client subscribe, per request", ours, "raw fal_client", ours / peer)]
