"""What `kling run` and `kling resume` show on stderr while they wait, drawn with rich.

Queue position, state changes, new log lines and the saved file are printed as lines (so a log
or a pipe keeps them); upload and download bars show sizes and rates, and a spinner the state.
On a terminal the bars are live; elsewhere their final state is printed once at the end.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from types import TracebackType

from rich import filesize
from rich.console import Console, Group
from rich.live import Live
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from ..client._types import JobStatus, Queued


class AverageRate(ProgressColumn):
    """Bytes per second since the transfer started (until it finished)."""

    def render(self, task: Task) -> Text:
        seconds = task.finished_time if task.finished else task.elapsed
        if not seconds:
            return Text("?", style="progress.data.speed")
        rate = filesize.decimal(int(task.completed / seconds))
        return Text(f"{rate}/s", style="progress.data.speed")


class Reporter:
    """Progress of one job on `console` (a quiet console shows nothing)."""

    def __init__(self, console: Console, resume_flags: Sequence[str] = ()) -> None:
        self.console = console
        self.resume_flags = tuple(resume_flags)  # to repeat in the `kling resume` hint
        self.status = Progress(
            SpinnerColumn(finished_text="[green]✓"),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
        )
        self.transfers = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            AverageRate(),
            console=console,
        )
        self.live = Live(Group(self.status, self.transfers), console=console, redirect_stdout=False)
        self.job: TaskID | None = None
        self.uploads: list[TaskID] = []
        self.download: TaskID | None = None
        self.last: tuple[str, int | None] = ("", None)
        self.seen_logs = 0

    def __enter__(self) -> Reporter:
        self.live.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.job is not None and kind is None:
            self.status.update(self.job, description="completed", completed=1, total=1)
        self.live.stop()
        drawn = self.job is not None or self.uploads or self.download is not None
        if drawn and not self.console.is_terminal:
            self.console.line()  # rich leaves the final state of a file's display unterminated

    def say(self, text: str) -> None:
        """One line above the bars."""
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def uploading(self, files: Iterable[tuple[str, int]]) -> None:
        """A bar per local file (name, size) about to be uploaded; they finish on `enqueued`."""
        for name, size in files:
            self.uploads.append(self.transfers.add_task(f"upload {name}", total=size))

    def enqueued(self, request_id: str) -> None:
        """fal accepted the job (so every upload is done)."""
        for task in self.uploads:
            total = self.transfers.tasks[task].total
            self.transfers.update(task, completed=total)
        again = shlex.join(("kling", "resume", request_id, *self.resume_flags))
        self.say(f"request id: {request_id}  (resume with: {again})")
        self.waiting()

    def waiting(self) -> None:
        """The spinner of the job's state (also for a job resumed from an earlier run)."""
        if self.job is None:
            self.job = self.status.add_task("submitted", total=None)

    def update(self, status: JobStatus) -> None:
        """A status poll: position and state changes, then the log lines not shown yet."""
        position = status.position if isinstance(status, Queued) else None
        if (status.state, position) != self.last:
            self.last = (status.state, position)
            text = (
                f"in queue, position {position}"
                if status.state == "IN_QUEUE"
                else status.state.lower().replace("_", " ")
            )
            self.say(text)
            if self.job is not None:
                self.status.update(self.job, description=text)
        logs = () if isinstance(status, Queued) else status.logs
        for entry in logs[self.seen_logs :]:
            self.say(f"  {entry.message}")
        self.seen_logs = max(self.seen_logs, len(logs))

    def downloading(self, name: str) -> None:
        """The bar of the download to `name` (its size comes with the first bytes)."""
        self.download = self.transfers.add_task(f"download {name}", total=None)

    def downloaded(self, done: int, total: int | None) -> None:
        """The download callback of the client: bytes so far and the expected total."""
        if self.download is not None:
            self.transfers.update(self.download, completed=done, total=total)
