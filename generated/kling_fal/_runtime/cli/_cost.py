# Vendored from generator/runtime/cli/_cost.py by klinggen; edit that file, not this copy.
"""`kling run --dry-run` and `--max-cost`: what a request would cost, decided before submitting.

``--dry-run`` validates the request (local files too), prints the payload that would be sent and
its estimate as JSON on stdout, and submits nothing. ``--max-cost USD`` refuses to submit a
request estimated above USD, or one whose price is unknown (exit code EXIT_COST).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Any

from ..endpoints import EndpointInfo
from ..pricing import Estimate, PricingError, estimate_cost

EXIT_COST = 6


def add_flags(parser: argparse._ActionsContainer) -> None:
    """The cost flags of `kling run`."""
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="validate, print the payload and its estimated cost; submit nothing",
    )
    parser.add_argument(
        "--max-cost",
        type=float,
        metavar="USD",
        help=f"refuse to submit above this estimate, or when the price is unknown (exit {EXIT_COST})",
    )


def _estimate(info: EndpointInfo, payload: dict[str, Any]) -> tuple[Estimate | None, str]:
    """The estimate, or None and why there is none (a media length it cannot read)."""
    try:
        return estimate_cost(info.endpoint_id, payload), ""
    except PricingError as exc:
        return None, str(exc)


def cost_gate(info: EndpointInfo, payload: dict[str, Any], args: argparse.Namespace) -> int | None:
    """The exit code when `--dry-run` or `--max-cost` ends the run here, else None (submit)."""
    if not args.dry_run and args.max_cost is None:
        return None
    estimate, why = _estimate(info, payload)
    shown = estimate.shown if estimate else "unknown"
    if args.dry_run:
        from ..client._prepare import finish, prepare

        prepared = prepare(info.endpoint_id, payload, {})
        uploads = {key: str(item.source) for key, item in prepared.uploads.items()}
        body = {
            "endpoint": info.endpoint_id,
            "payload": finish(prepared, {key: key for key in uploads}),
            "uploads": uploads,  # placeholder in the payload -> the local file it stands for
            "estimate": dataclasses.asdict(estimate) if estimate else {"usd": None, "why": why},
        }
        print(json.dumps(body, indent=2, ensure_ascii=False))
        print(f"estimate: {estimate or why}; nothing submitted (--dry-run)", file=sys.stderr)
        return 0
    if estimate is not None and estimate.usd is not None:
        if estimate.usd <= args.max_cost:
            return None
        reason = f"estimate {shown} is above --max-cost ${args.max_cost:.2f}"
    else:
        reason = f"the price is unknown ({why or (estimate and estimate.basis)})"
    print(f"kling: not submitted: {reason}", file=sys.stderr)
    return EXIT_COST
