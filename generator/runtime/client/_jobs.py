"""The jobs of a batch: one JSON object a line, ids, validation of every line and the cost.

A line is ``{"id": "...", "endpoint": "v2.6/pro/image-to-video", "input": {...}}``; without
``id`` the job's id is derived from its endpoint and canonical input (`job_id`), so a later run
of the same file finds the same jobs. Every problem of every line is collected before anything
is sent and raised as one `BatchInvalid`, one line each: ``jobs.jsonl:12 prompt [required]: ...``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from ..errors import KlingError, KlingValidationError, UnknownEndpointError
from ._prepare import prepare

PREFIX = "fal-ai/kling-video/"
_KEYS = ("id", "endpoint", "input")
_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")
SUMMARY = "summary.jsonl"  # in the output directory: one row per job
JOURNAL = "journal.db"  # in the output directory, when the client has no journal

Estimator: TypeAlias = Callable[[str, Mapping[str, Any]], "float | None"]
"""``estimate(endpoint_id, payload)``: the list price of one request in USD (None: unknown)."""


@dataclass(frozen=True, slots=True)
class BatchJob:
    """One job of a batch; ``line`` is its 1-based line in the jobs file (0: not from a file)."""

    id: str
    endpoint_id: str
    input: dict[str, Any] = field(default_factory=dict)
    line: int = 0


class BatchInvalid(KlingError):
    """Jobs that cannot be run; ``problems`` holds one line per problem (nothing was sent)."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' * (count != 1)}:\n" + "\n".join(self.problems))


class CostGuard(BatchInvalid):
    """``max_cost`` cannot be kept: the estimate is above it, or a price is unknown."""


def job_id(endpoint_id: str, payload: Mapping[str, Any]) -> str:
    """A job id from the endpoint id and the canonical JSON of its input (16 hex digits)."""
    canonical = json.dumps(
        [endpoint_id, payload], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def full_id(name: str) -> str:
    """``fal-ai/kling-video/<name>`` unless ``name`` is a full endpoint id already."""
    return name if name.startswith("fal-ai/") else PREFIX + name.strip("/")


def _job(raw: object, line: int, where: str) -> tuple[BatchJob | None, list[str]]:
    """The job of one parsed line, or the problems that keep it from being one."""
    if not isinstance(raw, Mapping):
        return None, [f"{where} <line> [type]: a job is a JSON object, got {type(raw).__name__}"]
    problems = [f"{where} {k} [unknown-field]: unknown key" for k in raw if k not in _KEYS]
    endpoint, payload, given = raw.get("endpoint"), raw.get("input", {}), raw.get("id")
    if not isinstance(endpoint, str) or not endpoint:
        problems.append(
            f"{where} endpoint [required]: the endpoint id, e.g. v2.6/pro/text-to-video"
        )
    if not isinstance(payload, Mapping):
        problems.append(f"{where} input [type]: the request is a JSON object")
    if given is not None and (not isinstance(given, str) or not _ID.fullmatch(given)):
        problems.append(
            f"{where} id [pattern]: a job id is 1-128 letters, digits, '.', '_' or '-' (it names"
            " the job's output directory), not starting with '.'"
        )
    if problems or not isinstance(endpoint, str) or not isinstance(payload, Mapping):
        return None, problems
    endpoint_id = full_id(endpoint)
    ident = given if isinstance(given, str) else job_id(endpoint_id, payload)
    return BatchJob(ident, endpoint_id, dict(payload), line), []


def parse_jobs(lines: Iterable[str], source: str = "<jobs>") -> list[BatchJob]:
    """The jobs of JSON lines (blank lines skipped). A line that is not a job raises
    `BatchInvalid` with every problem of every line, the requests of the others checked too
    (`check_jobs`), in line order."""
    jobs: list[BatchJob] = []
    problems: list[tuple[int, str]] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        where = f"{source}:{number}"
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append((number, f"{where} <line> [json]: {exc.msg} at column {exc.colno}"))
            continue
        job, found = _job(raw, number, where)
        problems += [(number, problem) for problem in found]
        jobs += [job] if job is not None else []
    if problems:
        problems += _check(jobs, source, check_files=True)
        raise BatchInvalid(text for _, text in sorted(problems, key=lambda p: p[0]))
    return jobs


def load_jobs(path: str | os.PathLike[str]) -> list[BatchJob]:
    """The jobs of a JSON-lines file (see `parse_jobs`)."""
    with open(path, encoding="utf-8") as handle:
        return parse_jobs(handle, os.fspath(path))


def as_jobs(jobs: Iterable[BatchJob | Mapping[str, Any]], source: str = "<jobs>") -> list[BatchJob]:
    """Jobs from `BatchJob`s or mappings shaped like a jobs file's lines (`BatchInvalid`); a
    mapping's line is its 1-based position."""
    found: list[BatchJob] = []
    problems: list[str] = []
    for number, raw in enumerate(jobs, start=1):
        where = f"{source}:{number}"
        job, wrong = (raw, []) if isinstance(raw, BatchJob) else _job(raw, number, where)
        problems += wrong
        found += [job] if job is not None else []
    if problems:
        raise BatchInvalid(problems)
    return found


def located(job: BatchJob, source: str) -> str:
    """``jobs.jsonl:12`` for a job from a file, else ``job <id>``."""
    return f"{source}:{job.line}" if job.line else f"job {job.id}"


def check_jobs(jobs: list[BatchJob], source: str = "<jobs>", *, check_files: bool = True) -> None:
    """Validate every job (endpoint, fields, rules, local files; duplicate ids) without any
    network call; raises `BatchInvalid` with every problem, in job order."""
    problems = _check(jobs, source, check_files=check_files)
    if problems:
        raise BatchInvalid(text for _, text in problems)


def _check(jobs: list[BatchJob], source: str, *, check_files: bool) -> list[tuple[int, str]]:
    """(line, problem) of every problem of `check_jobs`."""
    problems: list[tuple[int, str]] = []
    first: dict[str, BatchJob] = {}
    for job in jobs:
        where = located(job, source)
        if job.id in first:
            text = f"{where} id [duplicate]: same id as {located(first[job.id], source)}"
            problems.append((job.line, text))
            continue
        first[job.id] = job
        try:
            prepare(job.endpoint_id, job.input, {}, check_files=check_files)
        except UnknownEndpointError as exc:
            problems.append((job.line, f"{where} endpoint [unknown-endpoint]: {exc.args[0]}"))
        except KlingValidationError as exc:
            problems += [
                (job.line, f"{where} {i.path or '<request>'} [{i.rule}]: {i.message}")
                for i in exc.issues
            ]
    return problems


def default_estimator() -> Estimator | None:
    """``kling_fal.estimate_cost`` as an `Estimator`, when this package has a price table."""
    name = f"{__package__.rsplit('.', 1)[0]}.pricing" if __package__ else "pricing"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None
    estimate_cost = module.estimate_cost

    def estimate(endpoint_id: str, payload: Mapping[str, Any]) -> float | None:
        usd: float | None = estimate_cost(endpoint_id, payload).usd
        return usd

    return estimate


def costs(
    jobs: list[BatchJob],
    estimate: Estimator | None,
    max_cost: float | None,
    source: str = "<jobs>",
) -> dict[str, float | None]:
    """Each job's estimated USD; with ``max_cost``, `CostGuard` when a price is unknown or the
    total is above it (nothing is sent then)."""
    if estimate is None:
        if max_cost is not None:
            raise CostGuard(["max-cost: this package has no price table to check it against"])
        return {job.id: None for job in jobs}
    found: dict[str, float | None] = {}
    problems: list[str] = []
    for job in jobs:
        try:
            found[job.id] = estimate(job.endpoint_id, job.input)
        except KlingError as exc:
            found[job.id] = None
            reason = str(exc)
        else:
            reason = "the price of this endpoint is unknown"
        if found[job.id] is None and max_cost is not None:
            problems.append(f"{located(job, source)} <cost> [price-unknown]: {reason}")
    total = sum(usd for usd in found.values() if usd is not None)
    if max_cost is not None and total > max_cost:
        problems.append(
            f"max-cost: the {len(jobs)} jobs are estimated at ${total:.2f}, "
            f"above the limit ${max_cost:.2f}"
        )
    if problems:
        raise CostGuard(problems)
    return found
