"""`kling`: list, describe and run the Kling endpoints on fal from the command line.

The exit codes are EXIT_CODES (shown by every `--help` and in the package's README).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

from .. import registry
from ..endpoints import EndpointInfo, endpoints, get_endpoint
from ..errors import Issue, KlingError, KlingValidationError, UnknownEndpointError
from ._cost import EXIT_COST, add_flags
from ._flag import Flag

PREFIX = "fal-ai/kling-video/"

EXIT_OK, EXIT_USAGE, EXIT_INVALID, EXIT_API, EXIT_NO_FILE, EXIT_INTERRUPTED = 0, 2, 3, 4, 5, 130
EXIT_CODES = (
    (EXIT_OK, "success"),
    (
        EXIT_USAGE,
        "usage error: unknown endpoint or flag, --out where the result has no file, a job not in the journal, the cli extra not installed",
    ),
    (EXIT_INVALID, "invalid input, found before anything is sent (or fal's 422)"),
    (EXIT_API, "fal error: credentials, network, API or a failed job"),
    (EXIT_NO_FILE, "--out given but this result holds no file"),
    (EXIT_COST, "not submitted: the estimate is above --max-cost, or the price is unknown"),
    (EXIT_INTERRUPTED, "interrupted: `kling run` cancels the job at fal"),
)
EXTRA_MODULES = ("rich", "fal_client", "httpx", "PIL", "av", "sniffio")  # of kling-fal[cli]
EPILOG = "exit codes:\n" + "\n".join(f"  {code:<4} {text}" for code, text in EXIT_CODES)


class UsageError(Exception):
    """A command line that cannot work (exit code 2), found before anything is sent."""


class NoFileError(Exception):
    """`--out` was given but the result holds no file (exit code 5)."""


def short(endpoint_id: str) -> str:
    """`v2.6/pro/image-to-video` for `fal-ai/kling-video/v2.6/pro/image-to-video`."""
    return endpoint_id.removeprefix(PREFIX)


def resolve(name: str) -> EndpointInfo:
    """An endpoint by full id or by the part after `fal-ai/kling-video/`."""
    return get_endpoint(name if name.startswith("fal-ai/") else PREFIX + name.strip("/"))


def flags(endpoint_id: str) -> tuple[Flag, ...]:
    """The flags of one endpoint (the table is imported on first use)."""
    found: tuple[Flag, ...] = registry.table("flags").FLAGS[endpoint_id]
    return found


_STYLE: dict[str, Any] = {  # every parser: the exit codes below its help, no abbreviated flags
    "epilog": EPILOG,
    "formatter_class": argparse.RawDescriptionHelpFormatter,
    "allow_abbrev": False,
}


def _connection(
    group: argparse._ActionsContainer,
    journal: str = "job journal (default: $KLING_JOURNAL or ~/.local/state/kling/jobs.db)",
) -> None:
    group.add_argument("--emulator", metavar="URL", help="a kling_fal emulator instead of fal.ai")
    group.add_argument("--key", help="fal key (default: the FAL_KEY environment variable)")
    group.add_argument("--journal", metavar="FILE", help=journal)
    group.add_argument(
        "--poll-interval",
        metavar="SECONDS",
        type=float,
        default=0.5,
        help="seconds between status polls (default 0.5)",
    )
    group.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _run_options(group: argparse._ActionsContainer) -> None:
    group.add_argument(
        "--out", metavar="FILE", help="download the result's video or audio file to FILE"
    )
    group.add_argument(
        "--json", metavar="BODY", help="request body as JSON; the field flags override its fields"
    )
    add_flags(group)
    _connection(group)


def endpoint_parser(info: EndpointInfo) -> argparse.ArgumentParser:
    """`kling run ENDPOINT`: the endpoint's field flags and the run options, with --help."""
    name = short(info.endpoint_id)
    parser = argparse.ArgumentParser(
        prog=f"kling run {name}", description=f"{info.title}: {info.summary}", **_STYLE
    )
    fields = parser.add_argument_group(f"request fields (see also: kling describe {name})")
    for flag in flags(info.endpoint_id):
        flag.add_to(fields)
    _run_options(parser.add_argument_group("run options"))
    return parser


def _run_epilog() -> str:
    ids = [short(i) for i, info in endpoints().items() if info.status == "active"]
    listing = textwrap.fill(
        ", ".join(ids),
        width=96,
        initial_indent="  ",
        subsequent_indent="  ",
        break_on_hyphens=False,
    )
    return (
        "the fields of an endpoint are flags: `kling run ENDPOINT --help` lists them, "
        "`kling describe ENDPOINT` adds limits and rules.\n"
        f"endpoints (`kling list` for titles):\n{listing}\n\n{EPILOG}"
    )


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    description = __doc__.splitlines()[0] if __doc__ else ""
    parser = argparse.ArgumentParser(prog="kling", description=description, **_STYLE)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = commands.add_parser("list", help="list the endpoints", **_STYLE)
    listing.add_argument("--model", help="only this model family (v2.6, v3, o1, lipsync, ...)")
    listing.add_argument("--all", action="store_true", help="include removed endpoints")
    describe = commands.add_parser(
        "describe", help="flags, limits and rules of an endpoint", **_STYLE
    )
    describe.add_argument("endpoint", help="endpoint id, e.g. v2.6/pro/image-to-video")
    run = commands.add_parser(
        "run",
        help="run an endpoint; its fields are flags (kling run ENDPOINT --help)",
        add_help=False,
        usage=(
            "kling run ENDPOINT [FIELD FLAGS] [--out FILE] [--json BODY] [--dry-run] "
            "[--max-cost USD] [connection flags]"
        ),
        **_STYLE,
    )
    run.add_argument(
        "endpoint", nargs="?", metavar="ENDPOINT", help="endpoint id, e.g. v2.6/pro/image-to-video"
    )
    run.add_argument(
        "-h", "--help", action="store_true", help="show this help (with ENDPOINT: its flags)"
    )
    _run_options(run)
    resume = commands.add_parser(
        "resume", help="status or result of a job submitted earlier", **_STYLE
    )
    resume.add_argument("request_id", metavar="REQUEST_ID")
    resume.add_argument(
        "--endpoint", help="endpoint id of the job, when the journal does not know it"
    )
    resume.add_argument("--wait", action="store_true", help="wait for the result")
    resume.add_argument(
        "--out", metavar="FILE", help="wait, then download the result's video or audio file to FILE"
    )
    _connection(resume)
    from ..client._jobs import JOURNAL
    from ._batch import EPILOG, add_options

    batch = commands.add_parser(
        "batch",
        help="run many jobs from a JSON-lines file, each exactly once; re-run to resume",
        **{**_STYLE, "epilog": EPILOG},
    )
    add_options(batch)
    _connection(batch, journal=f"job journal (default: DIR/{JOURNAL})")
    return parser, {
        "list": listing,
        "describe": describe,
        "run": run,
        "resume": resume,
        "batch": batch,
    }


def payload_from(
    base: str | None, args: argparse.Namespace, endpoint_flags: Sequence[Flag]
) -> dict[str, Any]:
    """The request body: `--json` as a base, then every flag that was given."""
    try:
        payload = json.loads(base) if base else {}
    except json.JSONDecodeError as exc:
        raise UsageError(f"--json: not valid JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise UsageError("--json: the request body must be a JSON object")
    for flag in endpoint_flags:
        value = getattr(args, flag.name, None)
        if value is not None:
            payload[flag.name] = value
    return payload


def cmd_run(args: argparse.Namespace, rest: list[str], run: argparse.ArgumentParser) -> int:
    """Parse the endpoint's flags, then validate, submit, follow and save (see `_run.run`)."""
    from ._run import run as run_job

    if args.endpoint is None:
        if args.help:
            run.epilog = _run_epilog()
            run.print_help()
            return EXIT_OK
        run.error("ENDPOINT is required: `kling list` shows them")
    info = resolve(args.endpoint)
    parser = endpoint_parser(info)
    if args.help:
        parser.print_help()
        return EXIT_OK
    endpoint_flags = flags(info.endpoint_id)
    return run_job(info, payload_from(args.json, parser.parse_args(rest), endpoint_flags), args)


def _issue(issue: Issue, names: set[str]) -> str:
    """`  cfg_scale (--cfg-scale) [range]: ...`: the field path, its flag and the rule."""
    head = issue.path.split(".", 1)[0].split("[", 1)[0]
    flag = f" (--{head.replace('_', '-')})" if head in names else ""
    return f"  {issue.path or '<request>'}{flag} [{issue.rule}]: {issue.message}"


def _report(exc: BaseException, args: argparse.Namespace) -> int:
    """One line (or one per problem) on stderr for an error; the exit code."""
    from ..client._jobs import BatchInvalid, CostGuard

    if isinstance(exc, BatchInvalid):
        count = len(exc.problems)
        print(f"kling: {count} problem{'s' * (count != 1)}, nothing was sent:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_COST if isinstance(exc, CostGuard) else EXIT_INVALID
    if isinstance(exc, (UsageError, UnknownEndpointError)):
        print(f"kling: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(exc, NoFileError):
        print(f"kling: {exc}", file=sys.stderr)
        return EXIT_NO_FILE
    if isinstance(exc, KlingValidationError):
        endpoint = getattr(args, "endpoint", None) or ""
        names = {f.name for f in flags(resolve(endpoint).endpoint_id)} if endpoint else set()
        print(f"kling: invalid input for {endpoint or exc.model}:", file=sys.stderr)
        for issue in exc.issues:
            print(_issue(issue, names), file=sys.stderr)
        return EXIT_INVALID
    from ..client.errors import KlingAuthenticationError

    if isinstance(exc, KlingAuthenticationError) and exc.status_code is None:  # none found
        print("kling: no fal credentials: pass --key KEY or set FAL_KEY", file=sys.stderr)
        return EXIT_API
    print(f"kling: {exc}", file=sys.stderr)
    return EXIT_API


def cmd_list(args: argparse.Namespace) -> int:
    """A table of the endpoints (active ones unless --all)."""
    from rich.console import Console

    from ._show import list_table

    Console().print(list_table(args.model, args.all))
    return EXIT_OK


def cmd_describe(args: argparse.Namespace) -> int:
    """Summary, flags, rules and what --out saves, as tables."""
    from rich.console import Console

    from ._run import downloads
    from ._show import show_downloads, show_endpoint

    info, console = resolve(args.endpoint), Console()
    show_endpoint(console, info, flags(info.endpoint_id))
    show_downloads(console, downloads(info.endpoint_id))
    return EXIT_OK


def cmd_resume(args: argparse.Namespace) -> int:
    """Status or result of an earlier job (see `_run.resume`)."""
    from ._run import resume

    return resume(args, resolve(args.endpoint).endpoint_id if args.endpoint else None)


def cmd_batch(args: argparse.Namespace) -> int:
    """Many jobs from a JSON-lines file (see `_batch.run`)."""
    from ._batch import run

    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kling` console script."""
    parser, commands = _parser()
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "run":
        commands[args.command].error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        if args.command == "run":
            return cmd_run(args, rest, commands["run"])
        commands_run = {
            "list": cmd_list,
            "describe": cmd_describe,
            "resume": cmd_resume,
            "batch": cmd_batch,
        }
        return commands_run[args.command](args)
    except (KlingError, UsageError, NoFileError) as exc:
        return _report(exc, args)
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing not in EXTRA_MODULES:
            raise
        print(f"kling: {missing} is missing: pip install 'kling-fal[cli]'", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("kling: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
