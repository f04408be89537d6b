# Vendored from generator/runtime/cli/_batch.py by klinggen; edit that file, not this copy.
"""`kling batch JOBS.jsonl --out DIR`: every job validated and priced before anything is sent,
then run at most `--concurrency` at a time with live progress; running the same command again
after a crash resumes (see `client._batch`)."""

from __future__ import annotations

import argparse
import textwrap
from collections import defaultdict
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from ..client._jobs import JOURNAL, SUMMARY
from . import EXIT_API, EXIT_INVALID, EXIT_OK, EXIT_USAGE, short
from ._cost import EXIT_COST

if TYPE_CHECKING:  # rich and the client load when the command runs, not to parse it
    from rich.console import Console
    from rich.table import Table

    from ..client._batch import BatchProgress, BatchResult

EXIT_CODES = (
    (EXIT_OK, "every job succeeded and its files are saved"),
    (EXIT_USAGE, "usage error: a flag, the JOBS file cannot be read"),
    (EXIT_INVALID, "a line of JOBS is invalid: every problem is listed, nothing was sent"),
    (EXIT_API, f"some job failed (see DIR/{SUMMARY}), or a fal error"),
    (EXIT_COST, "the estimated total is above --max-cost (or a price is unknown): nothing sent"),
    (130, "interrupted: jobs at fal keep running; run the same command again to resume"),
)
_ABOUT = (
    'Each line: {"id": ..., "endpoint": "v2.6/pro/text-to-video", "input": {...}}; without an'
    " id, one is derived from endpoint and input. Outputs go to DIR/<id>/, one row per job to"
    f" DIR/{SUMMARY}, the journal to DIR/{JOURNAL}. A job is submitted at most once: a re-run"
    " skips finished jobs and awaits submitted ones."
)
EPILOG = "\n".join(
    [textwrap.fill(_ABOUT, width=92), "", "exit codes:"]
    + [f"  {code:<4} {text}" for code, text in EXIT_CODES]
)
MAX_FAILURES_SHOWN = 10


def add_options(batch: argparse.ArgumentParser) -> None:
    """The arguments of `kling batch` (the connection flags are added by the caller)."""
    batch.add_argument("jobs", metavar="JOBS.jsonl", help="one job a line (JSON)")
    batch.add_argument("--out", metavar="DIR", required=True, help="where outputs go")
    batch.add_argument(
        "--concurrency", metavar="N", type=int, default=8, help="jobs at fal at once (default 8)"
    )
    batch.add_argument(
        "--max-cost", metavar="USD", type=float, help="refuse to start above this estimate"
    )
    batch.add_argument(
        "--resubmit-unknown",
        action="store_true",
        help="submit again the jobs a crash cut off mid-submit (they may be billed twice)",
    )


class Display:
    """The live progress of a batch on stderr: done, failed, in flight, ETA, spent so far."""

    def __init__(self, console: Console, total: int, priced: bool) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.priced = priced
        self.bar = Progress(
            TextColumn("batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
        )
        self.task = self.bar.add_task("batch", total=total, counts="")

    def __enter__(self) -> Display:
        return self  # drawn from the first update: nothing shows while the jobs are checked

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.bar.stop()

    def update(self, progress: BatchProgress) -> None:
        """The client's progress callback."""
        counts = (
            f"{progress.succeeded} ok, {progress.failed} failed, {progress.in_flight} in flight"
        )
        if self.priced:
            counts += f", ${progress.spent:.2f} spent"
        if not self.bar.live.is_started:
            self.bar.start()
        self.bar.update(self.task, completed=progress.done, counts=counts)


def table(result: BatchResult, endpoints: dict[str, str], priced: bool) -> Table:
    """Succeeded, failed (and with prices, the estimated USD) per endpoint."""
    from rich.table import Table

    counts: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for row in result.rows:
        entry = counts[endpoints[row.id]]
        entry[0 if row.status == "succeeded" else 1] += 1
        entry[2] += row.usd or 0.0
    shown = Table(title=f"kling batch: {len(result.rows)} jobs")
    names = ("endpoint", "succeeded", "failed", "est. USD")[: 4 if priced else 3]
    for name in names:
        shown.add_column(name, justify="left" if name == "endpoint" else "right")
    for endpoint, (ok, failed, usd) in sorted(counts.items()):
        cells = (short(endpoint), str(int(ok)), str(int(failed)), f"{usd:.2f}")
        shown.add_row(*cells[: len(names)])
    return shown


def run(args: argparse.Namespace) -> int:
    """Validate, price, run and summarise; the exit code of `kling batch`."""
    from rich.console import Console

    from ..client._jobs import default_estimator, load_jobs
    from ._run import open_client

    jobs = load_jobs(args.jobs)
    out = Path(args.out)
    args.journal = args.journal or str(out / JOURNAL)
    console = Console(stderr=True, quiet=args.quiet)
    priced = default_estimator() is not None
    with open_client(args) as client, Display(console, len(jobs), priced) as live:
        result = client.batch(
            jobs,
            out=out,
            concurrency=args.concurrency,
            max_cost=args.max_cost,
            resubmit_unknown=args.resubmit_unknown,
            on_progress=live.update,
            source=args.jobs,
        )
    Console().print(table(result, {job.id: job.endpoint_id for job in jobs}, priced))
    failed = [row for row in result.rows if row.status == "failed"]
    for row in failed[:MAX_FAILURES_SHOWN]:
        console.print(f"kling: job {row.id} failed: {row.error}", markup=False, highlight=False)
    if len(failed) > MAX_FAILURES_SHOWN:
        console.print(f"kling: ... and {len(failed) - MAX_FAILURES_SHOWN} more in {result.summary}")
    return EXIT_OK if result.ok else EXIT_API
