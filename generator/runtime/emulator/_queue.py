"""fal's queue (jobs go IN_QUEUE -> IN_PROGRESS -> COMPLETED: submit, status, result, cancel)
and its synchronous run (``POST`` on the fal.run host: the output at once)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import datetime
import json
import random
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

from .. import fixtures
from ..endpoints import endpoints
from ..errors import UnknownEndpointError
from ._faults import DROPPED
from ._outputs import OutputBuilder
from ._route import Operation, Route, answer, json_response, param
from ._storage import Storage
from ._validation import validate_body
from ._webhooks import WebhookSender

Outcome = Literal["OK", "ERROR", "CANCELLED"]
ValidateOn = Literal["submit", "result"]
_POSITION_EVERY = 0.25  # seconds between looks at a queued job's position in its stream
_CANCELLED = {"detail": "Request was cancelled by the client", "error_type": "client_cancelled"}


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """A stored request: ``input`` as submitted; ``status`` as a poll would report it now;
    ``outcome`` once finished; ``attempts`` = status, stream, result and cancel calls it
    answered; ``finished``: ``time.monotonic()`` when it was marked COMPLETED (else None)."""

    request_id: str
    endpoint_id: str
    input: Any
    status: str
    outcome: Outcome | None
    attempts: int
    webhook_url: str | None
    finished: float | None = None


@dataclass(slots=True)
class _Job:
    request_id: str
    endpoint_id: str
    input: Any
    request: dict[str, Any]  # the validated request (defaults filled in); {} when invalid
    problems: list[dict[str, Any]]  # fal's 422 detail when invalid (validate_on="result")
    webhook_url: str | None
    seq: int
    created: float = field(default_factory=time.monotonic)
    polls: int = 0  # with latency 0: the steps polls advanced; else the steps timers reached
    attempts: int = 0
    logs: list[dict[str, str]] = field(default_factory=list)
    outcome: Outcome | None = None
    answer: tuple[int, Any] = (400, {"detail": "Request is still in progress"})
    finished: float = 0.0
    changed: asyncio.Event = field(default_factory=asyncio.Event)  # set on the next change


_JobHandler = Callable[[web.Request, _Job], Awaitable[web.StreamResponse]]


class Queue:
    """Jobs for every endpoint of the registry.

    A job advances one step per status poll (``latency == 0``) or every ``latency`` seconds
    (timers advance it and wake its status streams at once): step 0 is IN_QUEUE, steps
    1..steps-1 IN_PROGRESS, step ``steps`` COMPLETED. A job with a webhook runs to completion
    on its own (at once when ``latency == 0``).
    """

    def __init__(
        self,
        *,
        base_url: str,
        steps: int,
        latency: float,
        validate_on: ValidateOn,
        strict: bool,
        outputs: Mapping[str, Mapping[str, Any]],
        rng: random.Random,
        storage: Storage,
        webhooks: WebhookSender,
    ) -> None:
        self._base, self._steps, self._latency = base_url, steps, latency
        self._validate_on, self._strict, self._outputs = validate_on, strict, outputs
        self._rng, self._storage, self._webhooks = rng, storage, webhooks
        self._builder = OutputBuilder(rng)
        self._apps = {_app(endpoint_id) for endpoint_id in endpoints()}
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.RLock()

    def records(self) -> dict[str, RequestRecord]:
        """Every stored request, by id."""
        with self._lock:
            return {
                rid: RequestRecord(
                    rid,
                    j.endpoint_id,
                    j.input,
                    self._peek(j),
                    j.outcome,
                    j.attempts,
                    j.webhook_url,
                    j.finished if j.outcome else None,
                )
                for rid, j in self._jobs.items()
            }

    def route(self, request: web.Request, path: str, run: bool) -> Route | None:
        """Submit (``POST /{endpoint_id}``; with `run`, run it at once) or a call on
        ``/{app or endpoint}/requests/{id}/...``; `path` is the request's without the run prefix."""
        path = path.strip("/")
        prefix, sep, rest = path.partition("/requests/")
        if sep and not run and (prefix in self._apps or prefix in endpoints()):
            request_id, _, action = rest.partition("/")
            return self._request_route(request.method, request_id, action)
        if request.method != "POST":
            return None
        info = endpoints().get(path)
        if info is None:
            detail = str(UnknownEndpointError(path, endpoints()))
            return Route(answer(json_response(404, {"detail": detail})), None, "key")
        if info.status == "removed":
            detail = f"endpoint '{path}' was removed from fal"
            return Route(answer(json_response(404, {"detail": detail})), None, "key")
        if run:
            return Route(lambda r: self._run(r, path), "run", "key")
        return Route(lambda r: self._submit(r, path), "submit", "key")

    def _request_route(self, method: str, request_id: str, action: str) -> Route | None:
        handlers: dict[tuple[str, str], tuple[Operation, _JobHandler]] = {
            ("GET", ""): ("result", self._result),
            ("GET", "status"): ("status", self._status),
            ("GET", "status/stream"): ("stream", self._stream),
            ("PUT", "cancel"): ("cancel", self._cancel),
        }
        if (method, action) not in handlers:
            return None
        operation, handler = handlers[method, action]

        async def call(request: web.Request) -> web.StreamResponse:
            with self._lock:
                job = self._jobs.get(request_id)
                if job is not None:
                    job.attempts += 1
            if job is None:
                detail = {"detail": f"Request '{request_id}' not found"}
                return json_response(404, {"status": "NOT_FOUND", **detail} if action else detail)
            return await handler(request, job)

        return Route(call, operation, "key")

    async def _submit(self, request: web.Request, endpoint_id: str) -> web.StreamResponse:
        webhook = param(request, "fal_webhook")
        if webhook is not None and not webhook.startswith(("http://", "https://")):
            return json_response(400, {"detail": "fal_webhook must be an http(s) URL"})
        payload, problems, normalized = validate_body(
            endpoint_id, await request.read(), strict=self._strict
        )
        if problems and self._validate_on == "submit":
            return json_response(422, {"detail": problems})
        with self._lock:
            job = self._new_job(endpoint_id, payload, normalized, problems, webhook)
            position = self._position(job)
        if webhook is not None:
            self._webhooks.expect()
        loop = asyncio.get_running_loop()
        if self._latency > 0:
            for step in range(1, self._steps + 1):
                loop.call_later(self._latency * step, self._tick, job, step)
        elif webhook is not None:
            loop.call_soon(self._tick, job, self._steps)
        body = {**self._urls(job), "status": "IN_QUEUE", "queue_position": position}
        return json_response(200, body, {"x-fal-request-id": job.request_id})

    async def _run(self, request: web.Request, endpoint_id: str) -> web.StreamResponse:
        """fal.run: the output (or the 422) in the answer; the run is kept as a finished job."""
        payload, problems, normalized = validate_body(
            endpoint_id, await request.read(), strict=self._strict
        )
        with self._lock:
            job = self._new_job(endpoint_id, payload, normalized, problems, None)
        return await self._result(request, job, to_end=True)

    def _new_job(
        self,
        endpoint_id: str,
        payload: Any,
        normalized: dict[str, Any],
        problems: list[dict[str, Any]],
        webhook: str | None,
    ) -> _Job:
        rid = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        job = _Job(rid, endpoint_id, payload, normalized, problems, webhook, len(self._jobs))
        self._jobs[rid] = job
        return job

    async def _status(self, request: web.Request, job: _Job) -> web.StreamResponse:
        body = self._poll(job, _wants_logs(request))
        code = 200 if body["status"] == "COMPLETED" else 202
        return json_response(code, body, {"x-fal-request-id": job.request_id})

    async def _stream(self, request: web.Request, job: _Job) -> web.StreamResponse:
        """Server-sent events: the status body each time it changes, until COMPLETED.

        With ``latency > 0`` the stream sleeps until the job's timers (or a cancel) wake it;
        while queued it also looks at its position every ``_POSITION_EVERY`` seconds. With
        ``latency == 0`` each pass is a poll that advances the job. An injected ``drop`` fault
        ends the stream after its first event."""
        logs, last = _wants_logs(request), None
        headers = {"content-type": "text/event-stream", "cache-control": "no-cache"}
        response = web.StreamResponse(status=200, headers=headers)
        await response.prepare(request)
        while True:
            changed = job.changed
            body = self._poll(job, logs)
            if body != last:
                await response.write(f"data: {json.dumps(body)}\n\n".encode())
                last = body
            if body["status"] == "COMPLETED" or DROPPED.get():
                await response.write_eof()
                return response
            if self._latency == 0:
                await asyncio.sleep(0)
                continue
            queued = body["status"] == "IN_QUEUE"
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(changed.wait(), _POSITION_EVERY if queued else None)

    async def _result(
        self, request: web.Request, job: _Job, *, to_end: bool = False
    ) -> web.StreamResponse:
        with self._lock:
            self._advance(job, to_end=to_end)
            code, body = job.answer
        headers = {"x-fal-request-id": job.request_id}
        if isinstance(body, dict) and "error_type" in body:
            headers["x-fal-error-type"] = str(body["error_type"])
        return json_response(code, body, headers)

    async def _cancel(self, request: web.Request, job: _Job) -> web.StreamResponse:
        with self._lock:
            if self._advance(job) == "COMPLETED":
                detail = "Request already completed"
                return json_response(400, {"status": "ALREADY_COMPLETED", "detail": detail})
            job.outcome, job.answer, job.finished = "CANCELLED", (499, _CANCELLED), time.monotonic()
            if job.webhook_url is not None:
                self._webhooks.release()  # reading taken: no webhook for a cancelled request
            _wake(job)
        return json_response(202, {"status": "CANCELLATION_REQUESTED"})

    def _poll(self, job: _Job, with_logs: bool) -> dict[str, Any]:
        """The status body; the poll itself advances the job when ``latency == 0``."""
        with self._lock:
            status = self._advance(job)
            body: dict[str, Any] = {"status": status, **self._urls(job)}
            if status == "IN_QUEUE":
                body["queue_position"] = self._position(job)
            else:
                body["logs"] = [dict(entry) for entry in job.logs] if with_logs else None
            if status == "COMPLETED":
                body["metrics"] = {"inference_time": round(job.finished - job.created, 3)}
                if job.outcome == "ERROR":
                    body["error"] = f"Invalid status code: {job.answer[0]}"
                elif job.outcome == "CANCELLED":
                    body.update(error=_CANCELLED["detail"], error_type=_CANCELLED["error_type"])
            elif self._latency == 0:
                job.polls += 1
            return body

    def _advance(self, job: _Job, *, to_end: bool = False) -> str:
        """Bring `job` up to date (logs, completion); its status now."""
        if job.outcome is not None:
            return "COMPLETED"
        step = self._steps if to_end else self._step(job)
        for n in range(len(job.logs) + 1, step + 1):
            message = f"{job.endpoint_id}: step {n} of {self._steps}"
            job.logs.append(_log(message if n < self._steps else "Generation complete"))
        if step >= self._steps:
            self._finish(job)
        return self._name(step)

    def _tick(self, job: _Job, step: int) -> None:
        """Timer of `job` (set at submit): it has reached `step`; wake its status streams."""
        with self._lock:
            job.polls = max(job.polls, step)
            self._advance(job)
        _wake(job)

    def _finish(self, job: _Job) -> None:
        job.finished = time.monotonic()
        if job.problems:
            job.outcome, job.answer = "ERROR", (422, {"detail": job.problems})
        else:
            job.outcome, job.answer = "OK", (200, self._output(job))
        if job.webhook_url is not None:
            payload: dict[str, Any] = {
                "request_id": job.request_id,
                "gateway_request_id": job.request_id,
                "status": "OK" if job.outcome == "OK" else "ERROR",
                "payload": job.answer[1],
            }
            if job.outcome == "ERROR":
                payload["error"] = f"Invalid status code: {job.answer[0]}"
            self._webhooks.send(job.webhook_url, payload)

    def _output(self, job: _Job) -> dict[str, Any]:
        if job.endpoint_id in self._outputs:
            return copy.deepcopy(dict(self._outputs[job.endpoint_id]))
        model = endpoints()[job.endpoint_id].output
        return self._builder.build(
            model,
            job.request,
            lambda media: self._storage.publish(job.request_id, media),
            _example(job.endpoint_id),
        )

    def _step(self, job: _Job) -> int:
        if self._latency > 0:
            elapsed = int((time.monotonic() - job.created) / self._latency)
            return min(self._steps, max(job.polls, elapsed))
        return min(self._steps, job.polls)

    def _peek(self, job: _Job) -> str:
        return "COMPLETED" if job.outcome is not None else self._name(self._step(job))

    def _name(self, step: int) -> str:
        return "COMPLETED" if step >= self._steps else "IN_PROGRESS" if step else "IN_QUEUE"

    def _position(self, job: _Job) -> int:
        return sum(
            1
            for other in self._jobs.values()
            if other.seq < job.seq and other.outcome is None and self._step(other) == 0
        )

    def _urls(self, job: _Job) -> dict[str, str]:
        base = f"{self._base}/{_app(job.endpoint_id)}/requests/{job.request_id}"
        return {
            "request_id": job.request_id,
            "response_url": base,
            "status_url": f"{base}/status",
            "cancel_url": f"{base}/cancel",
        }


def _wake(job: _Job) -> None:
    """Wake the status streams waiting on `job` (on the emulator's loop)."""
    job.changed.set()
    job.changed = asyncio.Event()


def _app(endpoint_id: str) -> str:
    """``owner/alias`` of an endpoint id: the prefix of fal's request URLs."""
    return "/".join(endpoint_id.split("/")[:2])


def _wants_logs(request: web.Request) -> bool:
    return (param(request, "logs") or "").lower() in ("1", "true")


def _log(message: str) -> dict[str, str]:
    timestamp = datetime.datetime.now(datetime.timezone.utc).isoformat()
    return {"message": message, "level": "INFO", "source": "USER", "timestamp": timestamp}


def _example(endpoint_id: str) -> Any:
    """The spec's output fixture of the endpoint, or None when the fixtures are not installed."""
    try:
        return fixtures.output(endpoint_id)
    except (OSError, StopIteration):
        return None
