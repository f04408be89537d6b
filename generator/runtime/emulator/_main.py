"""``python -m kling_fal.emulator``: run the emulator in the foreground until interrupted."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import threading
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from ._emulator import RUN_PREFIX, Emulator
from ._faults import Faults
from ._platform import PlatformModel, registry_catalog


def _catalog(directory: Path) -> list[PlatformModel]:
    """The registry's catalog with the documents in `directory`."""
    paths = sorted(directory.glob("*.json"))
    return registry_catalog([json.loads(p.read_text(encoding="utf-8")) for p in paths])


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, serve, print where; stop cleanly on Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m kling_fal.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a fresh test CA")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per job step")
    parser.add_argument("--steps", type=int, default=3, help="steps from IN_QUEUE to COMPLETED")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of calls failing")
    parser.add_argument("--seed", type=int, help="repeatable ids, keys, outputs and faults")
    parser.add_argument(
        "--validate-on",
        choices=("submit", "result"),
        default="submit",
        help="where an invalid request gets its 422 (default: submit)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="reject unknown input fields (fal ignores them)"
    )
    parser.add_argument(
        "--platform-documents",
        type=Path,
        metavar="DIR",
        help="fal OpenAPI documents (*.json) the Platform API at /v1 answers with",
    )
    args = parser.parse_args(argv)
    seeded = {} if args.seed is None else {"seed": args.seed}
    faults = Faults(rate=args.fault_rate, **seeded) if args.fault_rate > 0 else None
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    emulator = Emulator(
        host=args.host,
        port=args.port,
        tls=args.tls,
        latency=args.latency,
        steps=args.steps,
        faults=faults,
        seed=args.seed,
        validate_on=args.validate_on,
        strict=args.strict,
        platform_catalog=_catalog(args.platform_documents) if args.platform_documents else None,
    )
    with emulator as emu:
        netloc = urlsplit(emu.url).netloc
        print(f"kling_fal emulator listening on {emu.url}", flush=True)
        if emu.ca_file:
            print(f"CA certificate: {emu.ca_file}  (export SSL_CERT_FILE={emu.ca_file})")
        hosts = f"FAL_RUN_HOST={netloc}{RUN_PREFIX} FAL_QUEUE_RUN_HOST={netloc}"
        print(f"fal_client: {hosts}", flush=True)
        print(f"Platform API: {emu.url}/v1", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            done.wait()
    return 0
