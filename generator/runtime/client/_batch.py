"""``client.batch``: many jobs, each submitted (and billed) at most once, resumable after a crash.

Every job is claimed in the journal's ``batch`` table before its submit is sent and gets its
request id the moment fal assigns it. A later run of the same jobs skips finished ones, awaits
journaled request ids and submits the rest. A job claimed but without a request id (the process
stopped while its submit was in flight) may or may not be queued at fal: ``reconcile(job)`` is
asked for its request id (None: fal has none, so it is submitted); without ``reconcile`` it is
reported failed unless ``resubmit_unknown=True``. A job that failed stays failed on later runs
(give it another id to try again). At most ``concurrency`` jobs are at fal at once. Outputs are
downloaded to ``out/<job id>/`` and ``out/summary.jsonl`` gets one row per job.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias
from urllib.parse import unquote, urlparse

from ..download import download
from ..errors import KlingError
from ..model import KlingOutputModel
from ._jobs import (
    JOURNAL,
    SUMMARY,
    BatchInvalid,
    BatchJob,
    Estimator,
    as_jobs,
    check_jobs,
    costs,
    default_estimator,
    located,
)
from ._journal import BatchEntry, BatchLog, Journal
from ._types import JobHandle
from .errors import redact

if TYPE_CHECKING:
    import httpx

    from ._async import AsyncCore

Reconcile: TypeAlias = Callable[[BatchJob], "str | None"]
"""``reconcile(job)``: the request id fal gave a job whose submit was cut off (None: none)."""
UNKNOWN = (
    "the process stopped while this job's submit was in flight, so it may be queued (and billed)"
    " at fal: look it up in fal's request history, or run again with resubmit_unknown"
)


@dataclass(frozen=True, slots=True)
class BatchRow:
    """One job's line of ``summary.jsonl``; ``files`` are the downloads, relative to ``out``."""

    id: str
    status: Literal["succeeded", "failed"]
    request_id: str | None
    output: dict[str, Any] | None
    error: str | None
    usd: float | None
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BatchProgress:
    """Counts while a batch runs; ``spent``: estimated USD of the jobs that succeeded."""

    total: int
    succeeded: int = 0
    failed: int = 0
    in_flight: int = 0
    spent: float = 0.0

    @property
    def done(self) -> int:
        """Jobs finished either way."""
        return self.succeeded + self.failed


OnProgress: TypeAlias = Callable[[BatchProgress], object]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Every job's row, in the order of the jobs, and where the summary was written."""

    rows: list[BatchRow]
    summary: Path

    @property
    def ok(self) -> bool:
        """Whether every job succeeded (and its outputs were saved)."""
        return all(row.status == "succeeded" for row in self.rows)


@dataclass(slots=True)
class _Tracker:
    progress: BatchProgress
    notify: OnProgress | None

    def step(self, *, flight: int = 0, row: BatchRow | None = None) -> None:
        p = self.progress
        ok, bad = (row.status == "succeeded", row.status == "failed") if row else (False, False)
        spent = (row.usd or 0.0) if row and ok else 0.0
        self.progress = BatchProgress(
            p.total, p.succeeded + ok, p.failed + bad, p.in_flight + flight, p.spent + spent
        )
        if self.notify is not None:
            self.notify(self.progress)


def _files(output: Any, at: str = "") -> list[tuple[str, Any]]:
    """(name, file) of every file in a JSON output: objects with a string ``url``."""
    if isinstance(output, Mapping):
        if isinstance(output.get("url"), str):
            return [(at or "file", output)]
        return [f for key, value in output.items() for f in _files(value, f"{at}.{key}".strip("."))]
    if isinstance(output, list):
        return [f for i, value in enumerate(output) for f in _files(value, f"{at}_{i}")]
    return []


def _leaf(name: str, file: Mapping[str, Any]) -> str:
    given = file.get("file_name") or unquote(Path(urlparse(str(file["url"])).path).name)
    return name + (Path(str(given)).suffix if not str(file["url"]).startswith("data:") else "")


def _downloads(core: AsyncCore, stack: ExitStack) -> httpx.BaseTransport:
    """One connection pool for every download of a run (routed like the client's traffic),
    closed with ``stack``; the clients of ``download`` leave it open.

    Downloads run in worker threads: each file is written whole and renamed into place, which
    would stall every other job if done on the event loop."""
    import httpx

    from . import _fal, _tls

    class Shared(httpx.BaseTransport):
        def __init__(self, inner: httpx.BaseTransport) -> None:
            self.inner = inner

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return self.inner.handle_request(request)

        def close(self) -> None:
            """Kept open for the other downloads."""

    routed = _fal.download_transport(core.emulator, None, is_async=False)
    inner = routed if routed is not None else httpx.HTTPTransport(verify=_tls.context())
    stack.callback(routed.shutdown if routed is not None else inner.close)
    return Shared(inner)


class _Run:
    """One run of a batch over an AsyncCore."""

    def __init__(
        self,
        core: AsyncCore,
        out: Path,
        journal: BatchLog,
        transport: httpx.BaseTransport,
        tracker: _Tracker,
        reconcile: Reconcile | None,
        resubmit_unknown: bool,
    ) -> None:
        self.core, self.out, self.journal, self.tracker = core, out, journal, tracker
        self.transport = transport
        self.reconcile, self.resubmit_unknown = reconcile, resubmit_unknown

    def _error(self, exc: BaseException) -> str:
        return redact(str(exc), self.core._key.get())

    async def job(self, job: BatchJob, known: BatchEntry | None, usd: float | None) -> BatchRow:
        """Run (or pick up) one job to a summary row."""
        row = await self._job(job, known, usd)
        self.tracker.step(row=row)
        return row

    async def _job(self, job: BatchJob, known: BatchEntry | None, usd: float | None) -> BatchRow:
        if known is not None and known.state == "failed":
            return BatchRow(job.id, "failed", known.request_id, None, known.error, usd)
        if known is not None and known.state == "succeeded" and known.output is not None:
            return await self._save(job, known.request_id, known.output, usd)
        request_id = known.request_id if known is not None else None
        if known is not None and request_id is None:
            request_id = self.reconcile(job) if self.reconcile is not None else None
            if request_id is None and self.reconcile is None and not self.resubmit_unknown:
                self.journal.settle(job.id, "failed", error=UNKNOWN)
                return BatchRow(job.id, "failed", None, None, UNKNOWN, usd)
            if request_id is not None:
                self.journal.settle(job.id, "submitted", request_id=request_id)
        self.tracker.step(flight=1)
        try:
            return await self._flight(job, request_id, usd)
        finally:
            self.tracker.step(flight=-1)

    async def _flight(self, job: BatchJob, request_id: str | None, usd: float | None) -> BatchRow:
        if request_id is None:
            self.journal.claim(job.id, job.endpoint_id, job.input)

            def attach(assigned: str) -> None:
                self.journal.settle(job.id, "submitted", request_id=assigned)

            try:
                handle = await self.core.submit(job.endpoint_id, job.input, on_enqueue=attach)
            except KlingError as exc:
                self.journal.settle(job.id, "failed", error=self._error(exc))
                return BatchRow(job.id, "failed", None, None, self._error(exc), usd)
            request_id = handle.request_id
        try:
            output: KlingOutputModel = await self.core.result(
                JobHandle(request_id, job.endpoint_id)
            )
        except KlingError as exc:
            self.journal.settle(job.id, "failed", error=self._error(exc))
            return BatchRow(job.id, "failed", request_id, None, self._error(exc), usd)
        data = output.model_dump(mode="json", by_alias=True, exclude_unset=True)
        self.journal.settle(job.id, "succeeded", output=data)
        return await self._save(job, request_id, data, usd)

    async def _save(
        self, job: BatchJob, request_id: str | None, output: dict[str, Any], usd: float | None
    ) -> BatchRow:
        """Download the output's files not saved yet (a finished job is never run again)."""
        saved: list[str] = []
        try:
            for name, file in _files(output):
                target = self.out / job.id / _leaf(name, file)
                if not target.exists():
                    await asyncio.to_thread(
                        download,
                        file["url"],
                        target,
                        transport=self.transport,
                        timeout=self.core.timeout,
                    )
                saved.append(target.relative_to(self.out).as_posix())
        except Exception as exc:  # whatever broke one download, the other jobs go on
            error = f"download: {self._error(exc)} (the job succeeded: run again to retry)"
            return BatchRow(job.id, "failed", request_id, output, error, usd, saved)
        return BatchRow(job.id, "succeeded", request_id, output, None, usd, saved)


def _summary(out: Path, rows: list[BatchRow]) -> Path:
    """``out/summary.jsonl``, written atomically."""
    path, tmp = out / SUMMARY, out / f".{SUMMARY}.part"
    with open(tmp, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(asdict(row), sort_keys=True) + "\n")
    os.replace(tmp, path)
    return path


async def abatch(
    core: AsyncCore,
    jobs: Iterable[BatchJob | Mapping[str, Any]],
    *,
    out: str | os.PathLike[str],
    concurrency: int = 8,
    max_cost: float | None = None,
    estimate: Estimator | Literal["default"] | None = "default",
    reconcile: Reconcile | None = None,
    resubmit_unknown: bool = False,
    on_progress: OnProgress | None = None,
    source: str = "<jobs>",
) -> BatchResult:
    """Validate and price every job (`BatchInvalid` before anything is sent), then run them."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    if core._transport is not None:
        raise KlingError("batch runs its own connections: use emulator= rather than transport=")
    todo = as_jobs(jobs, source)
    check_jobs(todo, source, check_files=core.check_files)
    prices = costs(
        todo, default_estimator() if estimate == "default" else estimate, max_cost, source
    )
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    journal = core.journal or Journal(target / JOURNAL)
    with ExitStack() as stack:
        log = stack.enter_context(journal.batch())
        known = log.jobs()
        changed = [j for j in todo if j.id in known and json.loads(known[j.id].input) != j.input]
        if changed:
            raise BatchInvalid(
                f"{located(j, source)} id [changed]: {journal.path} holds job {j.id} with another"
                " input"
                for j in changed
            )
        tracker = _Tracker(BatchProgress(len(todo)), on_progress)
        transport = _downloads(core, stack)
        run = _Run(core, target, log, transport, tracker, reconcile, resubmit_unknown)
        slots = asyncio.Semaphore(concurrency)

        async def one(job: BatchJob) -> BatchRow:
            async with slots:
                return await run.job(job, known.get(job.id), prices[job.id])

        rows = list(await asyncio.gather(*(one(job) for job in todo)))
    return BatchResult(rows, _summary(target, rows))
