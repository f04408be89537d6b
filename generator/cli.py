"""`klinggen` command line: argument parsing and exit codes only."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from generator import __version__
from generator.diagnostics import SpecError
from generator.ir_doc import ir_reference
from generator.pipeline import Options, check, generate, load_api
from generator.render import TemplateError
from generator.settings import template_dirs
from generator.write import WriteError

EXIT_OK, EXIT_SPEC, EXIT_STALE, EXIT_INTERNAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="klinggen", description="Kling-on-fal SDK generator.")
    parser.add_argument("--version", action="version", version=f"klinggen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("generate", "validate spec/ and write generated/ atomically"),
        ("check", "exit 2 with a diff summary if generated/ is not what spec/ produces"),
        ("ir", "print the intermediate representation as JSON (--doc: its Markdown reference)"),
    ):
        sub = commands.add_parser(name, help=text, description=text)
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
    return parser


def emulate(out: Path, rest: list[str]) -> int:
    """Run the generated package's emulator in the foreground, importing it from `out`."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(out.resolve()), os.environ.get("PYTHONPATH")])
        ),
    }
    return subprocess.call([sys.executable, "-m", "kling_fal.emulator", *rest], env=env)


def main(argv: list[str] | None = None) -> int:
    """Run one command; spec problems exit 1 with every diagnostic, never a traceback."""
    args, rest = _parser().parse_known_args(argv)
    if args.command == "emulate":
        return emulate(args.out, rest)
    if rest:
        _parser().error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        if args.command == "ir" and args.doc:
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
    if report:
        print(
            f"klinggen: {args.out} is out of date ({len(report)} file(s) differ):", file=sys.stderr
        )
        print("\n".join(report), file=sys.stderr)
        print("fix: run `klinggen generate` and commit the result", file=sys.stderr)
        return EXIT_STALE
    print(f"klinggen: {args.out} is up to date")
    return EXIT_OK
