# Vendored from generator/runtime/cli/_run.py by klinggen; edit that file, not this copy.
"""`kling run` and `kling resume`: refuse an `--out` the endpoint cannot produce, validate,
submit, follow the job on stderr, download `--out` and print the result on stdout."""

from __future__ import annotations

import argparse
import json
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from .. import registry
from ..endpoints import EndpointInfo
from ..model import KlingOutputModel
from . import NoFileError, UsageError
from ._progress import Reporter
from ._show import short

if TYPE_CHECKING:
    from ..client._sync import SyncCore


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


def run(info: EndpointInfo, payload: dict[str, Any], args: argparse.Namespace) -> int:
    """Run one request to completion; the exit code of `kling run`."""
    from ..client._prepare import prepare

    refuse_out(info.endpoint_id, args.out)
    uploads = {f.key: f for f in prepare(info.endpoint_id, payload, {}, check_files=False).files}
    console = Console(stderr=True, quiet=args.quiet)
    if info.status == "removed":
        console.print(f"kling: {short(info.endpoint_id)} was removed by fal; it is likely to fail")
    output = None
    try:
        with open_client(args) as client, Reporter(console) as progress, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # said above, in these words
            progress.uploading((f.name(), f.size()) for f in uploads.values() if f.placeholder)
            output = client.subscribe(
                info.endpoint_id,
                payload,
                on_enqueue=progress.enqueued,
                on_queue_update=progress.update,
            )
            if args.out:
                _save(client, output, info.endpoint_id, args.out, progress)
    finally:
        if output is not None:
            _print_result(output)
    return 0


def resume(args: argparse.Namespace, endpoint_id: str | None) -> int:
    """Status, or once done the result (downloaded with --out), of a job submitted earlier."""
    console = Console(stderr=True, quiet=args.quiet)
    wait = args.wait or bool(args.out)
    with open_client(args) as client:
        if endpoint_id is None:
            entry = client.journal.get(args.request_id) if client.journal else None
            if entry is None:
                raise UsageError(
                    f"request {args.request_id} is not in the journal {journal_path(args)}; "
                    f"name its endpoint: kling resume {args.request_id} --endpoint ENDPOINT"
                )
            endpoint_id = entry.endpoint_id
        refuse_out(endpoint_id, args.out)
        output = None
        try:
            with Reporter(console) as progress:
                if wait:
                    progress.waiting()
                resumed = client.resume(
                    args.request_id,
                    endpoint_id=endpoint_id,
                    wait=wait,
                    on_queue_update=progress.update,
                )
                output = resumed.output
                if output is not None and args.out:
                    _save(client, output, endpoint_id, args.out, progress)
        finally:
            if output is not None:
                _print_result(output)
    if output is None:
        _print_result({"request_id": args.request_id, "state": resumed.status.state})
    return 0
