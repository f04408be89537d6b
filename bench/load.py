"""Emulator under load: N requests from concurrent async clients, faults on, nothing lost."""

from __future__ import annotations

import asyncio
import copy
import statistics
import time
from dataclasses import dataclass

ENDPOINT = "fal-ai/kling-video/v2.6/pro/text-to-video"


@dataclass(frozen=True)
class LoadResult:
    """What a load run did: completed requests, jobs the emulator stored (and how many distinct
    requests they are), throughput and latency."""

    completed: int
    jobs: int
    distinct: int
    seconds: float
    p50: float
    p99: float

    @property
    def throughput(self) -> float:
        return self.completed / self.seconds


async def _drive(url: str, requests: int, concurrency: int, deadline: float) -> list[float]:
    from kling_fal import fixtures
    from kling_fal.client import AsyncKlingClient, Retry

    payload = fixtures.valid(ENDPOINT)[0].payload
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(requests):
        queue.put_nowait(index)
    # Enough quick retries that injected faults never exhaust them (0.25**12 per operation):
    # what is measured is whether the emulator loses or doubles work, not the retry budget.
    retry = Retry(attempts=12, base_delay=0.01, max_delay=0.2)
    async with AsyncKlingClient(
        key="load-key", emulator=url, poll_interval=0.01, retry=retry
    ) as client:

        async def worker() -> None:
            while not queue.empty() and time.monotonic() < deadline:
                index = queue.get_nowait()
                body = {**copy.deepcopy(payload), "prompt": f"load request {index}"}
                start = time.monotonic()
                await client.subscribe(ENDPOINT, body)
                latencies.append(time.monotonic() - start)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def run_load(
    requests: int, concurrency: int, max_seconds: float, fault_rate: float, seed: int = 1
) -> LoadResult:
    """Run a bounded load (at most `requests`, stops starting new ones after `max_seconds`)."""
    from kling_fal.emulator import Emulator, Faults

    faults = Faults(rate=fault_rate, seed=seed, kinds=("429", "503")) if fault_rate else None
    with Emulator(steps=1, seed=seed, faults=faults) as emu:
        start = time.monotonic()
        latencies = asyncio.run(_drive(emu.url, requests, concurrency, start + max_seconds))
        seconds = time.monotonic() - start
        prompts = [record.input["prompt"] for record in emu.requests.values()]
    ordered = sorted(latencies)
    return LoadResult(
        completed=len(latencies),
        jobs=len(prompts),
        distinct=len(set(prompts)),
        seconds=seconds,
        p50=statistics.median(ordered),
        p99=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    )


def measure(repeat: int) -> list[tuple[str, float, str, float | None]]:
    """Rows: throughput and p99 of 400 requests, 40 at a time, 20% injected 429/503."""
    return rows(run_load(400, 40, 60.0, 0.2), concurrency=40, fault_rate=0.2)


def rows(
    result: LoadResult, *, concurrency: int, fault_rate: float
) -> list[tuple[str, float, str, float | None]]:
    """The table rows of one load run."""
    label = (
        f"emulator load, {result.completed} requests, {concurrency} concurrent, "
        f"{fault_rate:.0%} faults"
    )
    return [
        (f"{label}: requests/s", result.throughput, "", None),
        (f"{label}: p99 latency", result.p99, "", None),
        (
            f"{label}: jobs stored",
            float(result.jobs),
            f"{result.distinct} distinct, {result.completed} completed",
            None,
        ),
    ]
