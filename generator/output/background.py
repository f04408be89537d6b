"""Run slow, pure function calls in a forked process while the caller goes on (inline without fork)."""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


class Worker:
    """A forked process that runs function calls sent to it, one at a time.

    `Worker(warm)` forks at once and runs `warm()` there (imports, first-use caches) while the
    caller goes on; `submit(fn, *args)` sends a call and `result()` waits for its value (the call's
    exception is raised there). Where fork is missing, calls run inline in `result()`.
    """

    def __init__(self, warm: Callable[[], object] | None = None) -> None:
        self._call: tuple[Callable[..., Any], tuple[Any, ...]] | None = None
        self._process: Any = None
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, warm), daemon=True)
        self._process.start()
        child.close()

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        """Start `fn(*args)` in the worker."""
        if self._process is None:
            self._call = (fn, args)
        else:
            self._conn.send((fn, args))

    def result(self) -> Any:
        """The value of the call submitted last."""
        if self._process is None:
            assert self._call is not None
            fn, args = self._call
            return fn(*args)
        try:
            ok, value = self._conn.recv()
        except EOFError:
            raise RuntimeError("the worker process died") from None
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the worker, busy or not."""
        if self._process is not None:
            self._conn.close()
            self._process.terminate()
            self._process.join()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(conn: Connection, warm: Callable[[], object] | None) -> None:
    # Ctrl-C reaches the whole process group: the caller handles it and stops this worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if warm is not None:
        with contextlib.suppress(Exception):  # a head start only: real problems show in calls
            warm()
    while True:
        try:
            fn, args = conn.recv()
        except EOFError:
            return
        try:
            conn.send((True, fn(*args)))
        except Exception as exc:
            conn.send((False, _picklable(exc)))


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
