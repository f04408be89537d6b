"""Run every benchmark and print one table of figures and ratios against the named peer."""

from __future__ import annotations

import argparse
import sys

from bench import client, generation, imports, load, validation, waiting
from bench.timing import ROOT, shown

SUITES = {
    "generation": generation.measure,
    "validation": validation.measure,
    "imports": imports.measure,
    "client": client.measure,
    "load": load.measure,
    "waiting": waiting.measure,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", nargs="+", choices=sorted(SUITES), help="run only these suites")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "generated"))
    repeat = 3 if args.quick else 7
    print("| measurement | value | peer | ratio (ours / peer) |\n|---|---|---|---|")
    for name in args.only or SUITES:
        for label, figure, peer, ratio in SUITES[name](repeat):
            times = "" if ratio is None else f"{ratio:.2f}x"
            print(f"| {label} | {shown(label, figure)} | {peer} | {times} |", flush=True)
    return 0
