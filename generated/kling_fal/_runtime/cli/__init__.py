# Vendored from generator/runtime/cli/__init__.py by klinggen; edit that file, not this copy.
"""`kling`: list, describe and run the Kling endpoints on fal from the command line.

Exit codes: 0 success; 2 usage error or unknown endpoint; 3 invalid input (client-side or
fal's 422); 4 API, authentication, network or job error; 5 `--out` given but the result has no
file; 6 not submitted: the estimate is above `--max-cost` or the price is unknown; 130
interrupted (the remote request is cancelled).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import registry
from ..endpoints import EndpointInfo, endpoints, get_endpoint
from ..errors import KlingError, KlingValidationError, UnknownEndpointError
from ..rules import spec_data
from ._cost import add_flags
from ._flag import Flag

if TYPE_CHECKING:
    from ..client._sync import SyncCore

EXIT_OK, EXIT_USAGE, EXIT_INVALID, EXIT_API, EXIT_FAILED, EXIT_INTERRUPTED = 0, 2, 3, 4, 5, 130
PREFIX = "fal-ai/kling-video/"


def resolve(name: str) -> EndpointInfo:
    """An endpoint by full id or by the part after `fal-ai/kling-video/`."""
    return get_endpoint(name if name.startswith("fal-ai/") else PREFIX + name.strip("/"))


def flags(endpoint_id: str) -> tuple[Flag, ...]:
    """The flags of one endpoint (the table is imported on first use)."""
    found: tuple[Flag, ...] = registry.table("flags").FLAGS[endpoint_id]
    return found


def cmd_list(args: argparse.Namespace) -> int:
    """One line per endpoint: id (without the common prefix), status, title."""
    for info in endpoints().values():
        if args.model and info.model != args.model:
            continue
        if info.status == "removed" and not args.all:
            continue
        print(f"{info.endpoint_id.removeprefix(PREFIX):44} {info.status:8} {info.title}")
    return EXIT_OK


def cmd_describe(args: argparse.Namespace) -> int:
    """Summary, fields with types, defaults, choices and limits, and the cross-field rules."""
    info = resolve(args.endpoint)
    print(f"{info.endpoint_id}  [{info.status}, confidence {info.confidence}]")
    print(f"{info.title}: {info.summary}")
    print(f"request {info.input_model} -> response {info.output_model}\n")
    for flag in flags(info.endpoint_id):
        kind = f"list[{flag.kind}]" if flag.many else flag.kind
        print(f"  {flag.option:28} {kind:10} {flag.describe()}")
        if flag.choices:
            print(f"  {'':28} choices: {', '.join(flag.choices)}")
    rules = spec_data().rules.get(info.input_model, ())
    if rules:
        print("\nrules:")
        for rule in rules:
            print(f"  [{rule.id}] {rule.message}")
    return EXIT_OK


def payload_from(
    base: str | None, args: argparse.Namespace, endpoint_flags: Sequence[Flag]
) -> dict[str, Any]:
    """The request body: `--json` as a base, then every flag that was given."""
    payload: dict[str, Any] = json.loads(base) if base else {}
    for flag in endpoint_flags:
        value = getattr(args, flag.name, None)
        if value is not None:
            payload[flag.name] = value
    return payload


def cmd_run(args: argparse.Namespace, rest: list[str]) -> int:
    """Validate, submit, follow the queue with progress on stderr, print the result, download --out."""
    from ._run import run

    info = resolve(args.endpoint)
    parser = argparse.ArgumentParser(prog=f"kling run {args.endpoint}", description=info.summary)
    endpoint_flags = flags(info.endpoint_id)
    for flag in endpoint_flags:
        flag.add_to(parser)
    return run(info, payload_from(args.json, parser.parse_args(rest), endpoint_flags), args)


def cmd_resume(args: argparse.Namespace) -> int:
    """Status (or, once done, the result) of a job submitted earlier, from the journal or fal."""
    endpoint_id = resolve(args.endpoint).endpoint_id if args.endpoint else None
    with open_client(args) as client:
        resumed = client.resume(args.request_id, endpoint_id=endpoint_id, wait=args.wait)
        if resumed.output is not None:
            print(json.dumps(resumed.output.model_dump(mode="json", exclude_none=True), indent=2))
        else:
            print(json.dumps({"request_id": args.request_id, "state": resumed.status.state}))
    return EXIT_OK


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
    import os
    from pathlib import Path

    if args.journal:
        return str(args.journal)
    if os.environ.get("KLING_JOURNAL"):
        return os.environ["KLING_JOURNAL"]
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "kling"
    state.mkdir(parents=True, exist_ok=True)
    return str(state / "jobs.db")


def _connection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--emulator", help="URL of a kling_fal emulator instead of fal.ai")
    parser.add_argument("--key", help="fal key (default: the FAL_KEY environment variable)")
    parser.add_argument(
        "--journal", help="job journal (default: $KLING_JOURNAL or ~/.local/state/kling/jobs.db)"
    )
    parser.add_argument(
        "--poll-interval",
        type=float,
        default=0.5,
        help="seconds between status polls (default 0.5)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kling", description=__doc__.splitlines()[0] if __doc__ else ""
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list the endpoints")
    listing.add_argument("--model", help="only this model family (v2.6, v3, o1, lipsync, ...)")
    listing.add_argument("--all", action="store_true", help="include removed endpoints")
    describe = commands.add_parser("describe", help="fields, limits and rules of an endpoint")
    describe.add_argument("endpoint", help="endpoint id, e.g. v2.6/pro/image-to-video")
    run = commands.add_parser(
        "run",
        help="run an endpoint; its fields are flags (see `kling run ENDPOINT --help`)",
        add_help=False,
    )
    run.add_argument("endpoint", help="endpoint id, e.g. v2.6/pro/image-to-video")
    run.add_argument("--out", help="download the result's video/audio file to this path")
    _connection(run)
    run.add_argument("--json", help="request body as JSON; flags override its fields")
    run.add_argument("--quiet", action="store_true", help="no progress on stderr")
    add_flags(run)
    resume = commands.add_parser("resume", help="status or result of a job submitted earlier")
    resume.add_argument("request_id")
    resume.add_argument("--endpoint", help="endpoint id, when the journal does not know the job")
    resume.add_argument("--wait", action="store_true", help="wait for the result")
    _connection(resume)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kling` console script."""
    parser = _parser()
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "run":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        if args.command == "list":
            return cmd_list(args)
        if args.command == "describe":
            return cmd_describe(args)
        if args.command == "resume":
            return cmd_resume(args)
        return cmd_run(args, rest)
    except KlingValidationError as exc:
        print(f"kling: invalid input for {exc.model}:", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue.path or '<root>'} [{issue.rule}]: {issue.message}", file=sys.stderr)
        return EXIT_INVALID
    except UnknownEndpointError as exc:  # names the closest ids
        print(f"kling: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KlingError as exc:
        print(f"kling: {exc}", file=sys.stderr)
        return EXIT_API
    except KeyboardInterrupt:
        print("kling: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
