"""Waiting for jobs: HTTP requests per job and completion-detection latency, the typed async
client (status stream) vs raw ``fal_client.AsyncClient.subscribe`` (polls every 0.1 s), for
concurrent jobs of simulated work on the emulator: the clients in this one asyncio process, the
emulator in a forked one (``time.monotonic`` is the machine's clock in both). Both report queue
updates with logs. Detection: from the emulator marking a job COMPLETED to the client's
``on_queue_update`` receiving that status; "output" adds the result fetch (until ``subscribe``
returns)."""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import time
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection

ENDPOINT = "fal-ai/kling-video/v2.6/pro/text-to-video"
STEPS = 10  # IN_QUEUE, 9 IN_PROGRESS steps with a log line each, COMPLETED
FULL = (500, 10.0)  # jobs, seconds of simulated work each
QUICK = (50, 2.0)  # with `python -m bench --quick`

Run = Callable[[str, int], Awaitable[dict[str, tuple[float, float]]]]
"""(url, jobs) -> {request id: (saw COMPLETED at, returned the output at)}"""


def measure(repeat: int) -> list[tuple[str, float, str, float | None]]:
    """Rows (name, figure, peer, ratio); ``--quick`` (repeat 3) runs fewer, shorter jobs."""
    jobs, work = QUICK if repeat < 7 else FULL
    ours = asyncio.run(_measure(_typed, jobs, work))
    peer = asyncio.run(_measure(_raw, jobs, work))
    what = f"{jobs} concurrent jobs of {work:g} s"
    raw = "raw fal_client.subscribe"
    return [
        (f"waiting, HTTP requests per job ({what})", ours[0], raw, ours[0] / peer[0]),
        ("waiting, HTTP requests per job, most", ours[1], raw, ours[1] / peer[1]),
        ("waiting, completion detection p50", ours[2], raw, ours[2] / peer[2]),
        ("waiting, completion detection p99", ours[3], raw, ours[3] / peer[3]),
        ("waiting, completion to output p50", ours[4], raw, ours[4] / peer[4]),
        ("waiting, completion to output p99", ours[5], raw, ours[5] / peer[5]),
    ]


async def _measure(run: Run, jobs: int, work: float) -> tuple[float, ...]:
    """Mean and most requests per job; p50 and p99 (s) of detection, then of the output."""
    ours, theirs = multiprocessing.get_context("fork").Pipe()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(theirs, work))
    server.start()
    try:
        seen = await run(ours.recv(), jobs)
        ours.send("done")
        records: dict[str, tuple[int, float | None]] = ours.recv()
    finally:
        server.join(10)
    assert sorted(seen) == sorted(records), "every job is seen once"
    requests = [attempts + 1 for attempts, _ in records.values()]  # + the submit
    cuts = [
        statistics.quantiles(
            [seen[rid][moment] - (done or 0.0) for rid, (_, done) in records.items()], n=100
        )
        for moment in (0, 1)
    ]
    return (statistics.mean(requests), max(requests), *(c[k] for c in cuts for k in (49, 98)))


def _serve(conn: Connection, work: float) -> None:
    """The emulator in a process of its own (fal is remote; no GIL shared with the client):
    sends its URL, then on "done" every job's (status, stream, result calls; completion time)."""
    from kling_fal.emulator import Emulator

    with Emulator(latency=work / STEPS, steps=STEPS, seed=1) as emu:
        conn.send(emu.url)
        conn.recv()
        conn.send({rid: (r.attempts, r.finished) for rid, r in emu.requests.items()})


async def _typed(url: str, jobs: int) -> dict[str, tuple[float, float]]:
    from kling_fal.client import AsyncKlingClient, Completed

    async def one(n: int) -> tuple[str, tuple[float, float]]:
        ids: list[str] = []
        seen = _Seen(Completed)
        await client.subscribe(
            ENDPOINT, prompt=f"job {n}", on_enqueue=ids.append, on_queue_update=seen
        )
        return ids[0], (seen.at, time.monotonic())

    async with AsyncKlingClient(key="bench-key", emulator=url) as client:
        return dict(await asyncio.gather(*(one(n) for n in range(jobs))))


async def _raw(url: str, jobs: int) -> dict[str, tuple[float, float]]:
    import fal_client
    import fal_client.client as fc

    async def one(n: int) -> tuple[str, tuple[float, float]]:
        ids: list[str] = []
        arguments = {"prompt": f"job {n}"}
        seen = _Seen(fal_client.Completed)
        await client.subscribe(
            ENDPOINT, arguments, with_logs=True, on_enqueue=ids.append, on_queue_update=seen
        )
        return ids[0], (seen.at, time.monotonic())

    saved, fc.QUEUE_URL_FORMAT = fc.QUEUE_URL_FORMAT, url + "/"  # read at call time by submit
    client = fal_client.AsyncClient(key="bench-key")
    try:
        return dict(await asyncio.gather(*(one(n) for n in range(jobs))))
    finally:
        fc.QUEUE_URL_FORMAT = saved


class _Seen:
    """A queue-update callback noting when the completed status (of type `done`) arrived."""

    def __init__(self, done: type) -> None:
        self.done, self.at = done, float("nan")

    def __call__(self, status: object) -> None:
        if isinstance(status, self.done):
            self.at = time.monotonic()
