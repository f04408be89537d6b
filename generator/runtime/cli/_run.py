"""`kling run`: validate, submit, follow the queue on stderr, print the result, download --out."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..endpoints import EndpointInfo


class Progress:
    """Queue position, new log lines and download progress on stderr (nothing when quiet)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.seen_logs = 0

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def enqueued(self, request_id: str) -> None:
        self.say(f"request id: {request_id}  (resume with: kling resume {request_id})")

    def update(self, status: Any) -> None:
        if status.state == "IN_QUEUE":
            self.say(f"in queue, position {status.position}")
            return
        for entry in status.logs[self.seen_logs :]:
            self.say(f"  {entry.message}")
        self.seen_logs = len(status.logs)

    def downloaded(self, done: int, total: int | None) -> None:
        if total:
            self.say(f"\rdownloading {done * 100 // total:3d}%")


def _file_field(output: Any) -> Any:
    """The first output field that is a fal File (video, audio, ...)."""
    for name in type(output).model_fields:
        value = getattr(output, name)
        if hasattr(value, "url") and hasattr(value, "content_type"):
            return value
    return None


def run(info: EndpointInfo, payload: dict[str, Any], args: argparse.Namespace) -> int:
    """Run one request to completion; the exit code of `kling`."""
    from . import open_client
    from ._cost import cost_gate

    decided = cost_gate(info, payload, args)
    if decided is not None:
        return decided
    progress = Progress(args.quiet)
    with open_client(args) as client:
        output = client.subscribe(
            info.endpoint_id,
            payload,
            on_enqueue=progress.enqueued,
            on_queue_update=progress.update,
        )
        print(json.dumps(output.model_dump(mode="json", exclude_none=True), indent=2))
        if args.out:
            target = _file_field(output)
            if target is None:
                progress.say("kling: the result has no file to download")
                return 5
            written = client.download(target, args.out, progress=progress.downloaded)
            progress.say(f"\nsaved {written}")
    return 0
