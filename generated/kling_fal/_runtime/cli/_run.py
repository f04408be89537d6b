# Vendored from generator/runtime/cli/_run.py by klinggen; edit that file, not this copy.
"""`kling run` and `kling resume`: refuse an `--out` the endpoint cannot produce, validate,
submit, follow the job on stderr, download `--out` and print the result on stdout."""

from __future__ import annotations

import argparse
import json
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from .. import registry
from ..endpoints import EndpointInfo
from ..model import KlingOutputModel
from . import NoFileError, UsageError, short
from ._progress import Reporter

if TYPE_CHECKING:
    from ..client._sync import SyncCore
    from ..client._types import Resumed


def downloads(endpoint_id: str) -> tuple[str, ...]:
    """The response fields of `endpoint_id` that hold a file (the generated table)."""
    found: tuple[str, ...] = registry.table("flags").DOWNLOADS[endpoint_id]
    return found


def refuse_out(endpoint_id: str, out: str | None) -> None:
    """UsageError when `--out` is given for an endpoint whose result has no file."""
    if out and not downloads(endpoint_id):
        name = short(endpoint_id)
        raise UsageError(
            f"--out: {name} returns no file (see `kling describe {name}`); run it without --out"
        )


def open_client(args: argparse.Namespace) -> SyncCore:
    """The client the connection flags describe (imports the client extra on first use)."""
    from ..client._sync import SyncCore

    return SyncCore(
        key=args.key,
        emulator=args.emulator,
        journal=journal_path(args),
        poll_interval=args.poll_interval,
    )


def journal_path(args: argparse.Namespace) -> str:
    """--journal, else $KLING_JOURNAL, else ~/.local/state/kling/jobs.db."""
    if args.journal:
        return str(args.journal)
    if os.environ.get("KLING_JOURNAL"):
        return os.environ["KLING_JOURNAL"]
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "kling"
    state.mkdir(parents=True, exist_ok=True)
    return str(state / "jobs.db")


def _print_result(output: Any) -> None:
    if isinstance(output, KlingOutputModel):
        output = output.model_dump(mode="json", exclude_none=True)
    print(json.dumps(output, indent=2), flush=True)


def _save(client: SyncCore, output: Any, endpoint_id: str, out: str, progress: Reporter) -> None:
    """Download the first file field present in `output` to `out`."""
    for name in downloads(endpoint_id):
        value = getattr(output, name, None)
        value = (value or [None])[0] if isinstance(value, list) else value
        if value is not None:
            progress.downloading(Path(out).name)
            written = client.download(value, out, progress=progress.downloaded)
            progress.say(f"saved {written}")
            return
    raise NoFileError(f"--out: the result of {short(endpoint_id)} holds no file to download")


def _follow(
    console: Console,
    client: SyncCore,
    endpoint_id: str,
    out: str | None,
    job: Callable[[Reporter], KlingOutputModel | None],
    resume_flags: tuple[str, ...] = (),
) -> KlingOutputModel | None:
    """Run `job` under the progress display, save `out` from its output and print the output
    on stdout (also when the download fails: the job is done and paid for)."""
    output = None
    try:
        with Reporter(console, resume_flags) as progress:
            output = job(progress)
            if output is not None and out:
                _save(client, output, endpoint_id, out, progress)
    finally:
        if output is not None:
            _print_result(output)
    return output


def _resume_flags(args: argparse.Namespace) -> tuple[str, ...]:
    """The flags `kling resume` needs to find and finish this run's job (never the key)."""
    given = (("--emulator", args.emulator), ("--journal", args.journal), ("--out", args.out))
    return tuple(part for flag, value in given if value for part in (flag, str(value)))


def run(info: EndpointInfo, payload: dict[str, Any], args: argparse.Namespace) -> int:
    """Run one request to completion; the exit code of `kling run`."""
    from ..client._prepare import prepare

    refuse_out(info.endpoint_id, args.out)
    uploads = {f.key: f for f in prepare(info.endpoint_id, payload, {}, check_files=False).files}
    console = Console(stderr=True, quiet=args.quiet)
    if info.status == "removed":
        console.print(f"kling: {short(info.endpoint_id)} was removed by fal; it is likely to fail")

    def job(progress: Reporter) -> KlingOutputModel:
        progress.uploading((f.name(), f.size()) for f in uploads.values() if f.placeholder)
        return client.subscribe(
            info.endpoint_id,
            payload,
            on_enqueue=progress.enqueued,
            on_queue_update=progress.update,
        )

    with open_client(args) as client, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # said above, in these words
        _follow(console, client, info.endpoint_id, args.out, job, _resume_flags(args))
    return 0


def resume(args: argparse.Namespace, endpoint_id: str | None) -> int:
    """Status, or once done the result (downloaded with --out), of a job submitted earlier."""
    console = Console(stderr=True, quiet=args.quiet)
    wait = args.wait or bool(args.out)
    found: list[Resumed[KlingOutputModel]] = []

    def job(progress: Reporter) -> KlingOutputModel | None:
        if wait:
            progress.waiting()
        found.append(
            client.resume(
                args.request_id, endpoint_id=known, wait=wait, on_queue_update=progress.update
            )
        )
        return found[0].output

    with open_client(args) as client:
        entry = client.journal.get(args.request_id) if client.journal and not endpoint_id else None
        known = endpoint_id or (entry.endpoint_id if entry else None)
        if known is None:
            raise UsageError(
                f"request {args.request_id} is not in the journal {journal_path(args)}; "
                f"name its endpoint: kling resume {args.request_id} --endpoint ENDPOINT"
            )
        refuse_out(known, args.out)
        if _follow(console, client, known, args.out, job) is None:
            _print_result({"request_id": args.request_id, "state": found[0].status.state})
    return 0
