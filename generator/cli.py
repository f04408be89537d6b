"""`klinggen` command line: argument parsing and exit codes only."""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import NoReturn

from generator import __version__
from generator.diagnostics import SpecError, TemplateError
from generator.output.stamp import STAMP
from generator.output.write import OutputError, WriteError
from generator.pipeline import Options, check, generate, load_api
from generator.settings import template_dirs

EXIT_OK, EXIT_SPEC, EXIT_STALE, EXIT_INTERNAL, EXIT_BREAKING, EXIT_OS = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # as a shell reports SIGINT, SIGTERM
EPILOG = (
    "exit codes: 0 ok, 1 spec or template error, 2 stale or differences, 4 breaking change "
    "(diff --fail-on breaking), 5 file system error (permission denied, no space left, a missing "
    "path; the output is untouched), 130 interrupted, 143 terminated (SIGTERM)"
)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every cleanup that runs for one runs for the other."""


def _terminate(number: int, frame: FrameType | None) -> None:
    raise Terminated


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="klinggen", description="Kling-on-fal SDK generator.", epilog=EPILOG
    )
    parser.add_argument("--version", action="version", version=f"klinggen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("generate", "validate spec/ and write generated/ atomically"),
        ("check", "exit 2 with a diff summary if generated/ is not what spec/ produces"),
        ("ir", "print the intermediate representation as JSON (--doc: its Markdown reference)"),
    ):
        sub = commands.add_parser(name, help=text, description=text, epilog=EPILOG)
        sub.add_argument(
            "--spec", type=Path, default=Path("spec"), help="spec directory (default: spec)"
        )
        if name == "ir":
            sub.add_argument(
                "--doc", action="store_true", help="print the IR reference (templates/IR.md)"
            )
        else:
            sub.add_argument("--out", type=Path, default=Path("generated"), help="output directory")
            sub.add_argument(
                "--force", action="store_true", help="render even if the stamp says nothing changed"
            )
            sub.add_argument(
                "--templates",
                type=Path,
                action="append",
                default=[],
                help="extra template directory, overrides built-ins by name (repeatable)",
            )
    emulate = commands.add_parser(
        "emulate",
        help="run the offline fal emulator of the generated package (other flags go to it)",
        description="Run `python -m kling_fal.emulator` from the generated tree; e.g. --port 8080 --tls.",
    )
    emulate.add_argument("--out", type=Path, default=Path("generated"), help="generated tree")
    _history_commands(commands)
    return parser


def _history_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """diff, import and new-endpoint."""
    text = "changes between two spec revisions (directories or git revisions), breaking first"
    diff = commands.add_parser("diff", help=text, description=text)
    diff.add_argument(
        "old", help="spec directory or git revision (REV or REV:path, path default spec)"
    )
    diff.add_argument("new", help="spec directory or git revision")
    diff.add_argument("--format", choices=("text", "markdown"), default="text")
    diff.add_argument(
        "--fail-on", choices=("breaking",), help="exit 4 when there is a breaking change"
    )
    text = "turn fal's per-endpoint queue OpenAPI documents into spec/endpoints/ files"
    imp = commands.add_parser("import", help=text, description=text)
    imp.add_argument("files", nargs="+", type=Path, help="fal OpenAPI JSON documents")
    imp.add_argument("--spec", type=Path, default=Path("spec"), help="spec directory")
    imp.add_argument(
        "--check", action="store_true", help="write nothing; report how the spec differs (exit 2)"
    )
    text = "scaffold spec/endpoints/<path>.yaml for a new endpoint from an existing one"
    new = commands.add_parser("new-endpoint", help=text, description=text)
    new.add_argument("endpoint_id", metavar="ID", help="the new id, fal-ai/kling-video/...")
    new.add_argument("--like", required=True, metavar="EXISTING_ID", help="endpoint to copy")
    new.add_argument("--spec", type=Path, default=Path("spec"), help="spec directory")
    _sync_command(commands)


def _sync_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from generator.fal import DEFAULT_API_URL

    text = "compare spec/ with fal's Platform API: ids added and gone, schema and price changes"
    sync = commands.add_parser(
        "sync", help=text, description=f"{text}; the key comes from FAL_KEY (prices need one)"
    )
    sync.add_argument("--spec", type=Path, default=Path("spec"), help="spec directory")
    sync.add_argument(
        "--write", action="store_true", help="import fal's documents into the spec (as import)"
    )
    sync.add_argument("--api-url", default=DEFAULT_API_URL, help=f"default {DEFAULT_API_URL}")
    sync.add_argument("--category", help="only this fal category (e.g. image-to-video)")
    sync.add_argument("--page-size", type=int, help="models per listed page (fal's limit)")
    sync.add_argument("--save", type=Path, metavar="DIR", help="keep fal's documents in DIR")


def _sync_main(args: argparse.Namespace) -> int:
    """Run sync: 0 in step (or written), 2 differences without --write, 1 on a failed call."""
    from generator.fal.platform import PlatformClient, PlatformError
    from generator.fal.sync import render, sync

    key = os.environ.get("FAL_KEY") or None
    try:
        with PlatformClient(args.api_url, key, page_size=args.page_size) as client:
            report = sync(
                args.spec, client, write=args.write, category=args.category, save=args.save
            )
    except PlatformError as exc:
        print(f"klinggen: fal's Platform API: {exc}", file=sys.stderr)
        return EXIT_SPEC
    print(render(report), end="")
    for line in report.notes:
        print(f"klinggen: {line}", file=sys.stderr)
    if args.write:
        for written in report.schemas.written if report.schemas else ():
            print(f"klinggen: wrote {written}")
        return EXIT_OK
    return EXIT_STALE if report.differs else EXIT_OK


def _history_main(args: argparse.Namespace) -> int:
    """Run diff, import or new-endpoint (SpecError propagates to main)."""
    from generator.fal.importer import import_documents
    from generator.fal.scaffold import new_endpoint
    from generator.history.diff import diff_views
    from generator.history.report import markdown_report, text_report
    from generator.history.revisions import spec_views

    if args.command == "new-endpoint":
        path = new_endpoint(args.spec, args.endpoint_id, args.like)
        print(f"klinggen: wrote {path}; review it, then run `klinggen generate`")
        return EXIT_OK
    if args.command == "import":
        result = import_documents(args.files, args.spec, write=not args.check)
        print(text_report(result.report), end="")
        for line in result.notes:
            print(f"klinggen: {line}", file=sys.stderr)
        if args.check:
            return EXIT_STALE if result.report.changes else EXIT_OK
        for written in result.written:
            print(f"klinggen: wrote {written}")
        return EXIT_OK
    old, new = spec_views([args.old, args.new], Path.cwd())
    report = diff_views(old, new)
    print(markdown_report(report) if args.format == "markdown" else text_report(report), end="")
    return EXIT_BREAKING if args.fail_on and report.breaking else EXIT_OK


def emulate(out: Path, rest: list[str]) -> NoReturn:
    """Become the generated package's emulator (importing it from `out`): same pid, so signals
    reach it directly."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(out.resolve()), os.environ.get("PYTHONPATH")])
        ),
    }
    sys.stdout.flush()
    sys.stderr.flush()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # the mask survives exec
    os.execve(sys.executable, [sys.executable, "-m", "kling_fal.emulator", *rest], env)


def _require_dirs(args: argparse.Namespace) -> None:
    """The template directories named on the command line exist (a missing spec directory is
    the spec error spec-empty)."""
    for path in getattr(args, "templates", ()):
        if not path.is_dir():
            code = errno.ENOTDIR if path.exists() else errno.ENOENT
            raise OSError(code, os.strerror(code), str(path))


def main(argv: list[str] | None = None, *, after: signal.Handlers | None = None) -> int:
    """Run one command; problems exit with one line each (codes: EPILOG), never a traceback.

    SIGTERM stops the command like Ctrl-C; afterwards its handler is `after`, else the previous.
    """
    args, rest = _parser().parse_known_args(argv)
    if args.command == "emulate":
        emulate(args.out, rest)
    if rest:
        _parser().error(f"unrecognized arguments: {' '.join(rest)}")
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _run(args)
    finally:
        signal.signal(signal.SIGTERM, previous if after is None else after)


def run() -> NoReturn:
    """The `klinggen` program: a SIGTERM that comes once the command is done changes nothing."""
    sys.exit(main(after=signal.SIG_IGN))


def _stamp_of(out: Path | None) -> bytes | None:
    """The stamp of an output tree (it changes exactly when a swap puts a new tree in place)."""
    try:
        return (out / STAMP).read_bytes() if out is not None else None
    except OSError:
        return None


def _stopped(exc: KeyboardInterrupt, out: Path | None, stamp: bytes | None) -> int:
    """Report Ctrl-C or SIGTERM in one line, saying what became of the output."""
    what = "terminated" if isinstance(exc, Terminated) else "interrupted"
    if out is None:
        state = ""
    elif _stamp_of(out) == stamp:
        state = f"; {out} is untouched"
    else:
        state = f"; {out} already holds the complete new output"
    print(f"klinggen: {what}{state}", file=sys.stderr)
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    stamp = _stamp_of(getattr(args, "out", None))  # generate and check write only by a swap
    try:
        # the entry point holds SIGTERM back until the handler is set (`generator.__main__`)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        _require_dirs(args)
        if args.command in ("diff", "import", "new-endpoint"):
            return _history_main(args)
        if args.command == "sync":
            return _sync_main(args)
        if args.command == "ir" and args.doc:
            from generator.output.reference import ir_reference

            print(ir_reference(), end="")
            return EXIT_OK
        if args.command == "ir":
            api, _ = load_api(args.spec)
            print(json.dumps(asdict(api), indent=2, ensure_ascii=False, default=str))
            return EXIT_OK
        options = Options(args.spec, args.out, (*template_dirs(Path.cwd()), *args.templates))
        if args.command == "generate":
            count = generate(options, force=args.force)
            print(
                f"klinggen: wrote {count} files to {args.out}"
                if count
                else f"klinggen: {args.out} is up to date"
            )
            return EXIT_OK
        report = check(options, force=args.force)
    except SpecError as exc:
        print(f"klinggen: the spec has {len(exc.diagnostics)} problem(s):", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return EXIT_SPEC
    except (TemplateError, WriteError) as exc:
        print(f"klinggen: {exc}", file=sys.stderr)
        return EXIT_SPEC
    except OutputError as exc:
        print(f"klinggen: {exc}", file=sys.stderr)
        return EXIT_OS
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"klinggen: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_OS
    except KeyboardInterrupt as exc:
        return _stopped(exc, getattr(args, "out", None), stamp)
    if report:
        print(
            f"klinggen: {args.out} is out of date ({len(report)} file(s) differ):", file=sys.stderr
        )
        print("\n".join(report), file=sys.stderr)
        print("fix: run `klinggen generate` and commit the result", file=sys.stderr)
        return EXIT_STALE
    print(f"klinggen: {args.out} is up to date")
    return EXIT_OK
