"""Run slow, pure function calls in a forked process while the caller goes on (inline without fork)."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


class Worker:
    """A forked process that runs function calls sent to it, one at a time.

    `Worker(warm)` forks at once and runs `warm()` there (imports, first-use caches) while the
    caller goes on; `submit(fn, *args)` sends a call and `result()` waits for its value (the call's
    exception is raised there). Where fork is missing, calls run inline in `result()`. A worker
    never outlives its parent: `die_with_parent()` and a watchdog on the parent's pid.
    """

    def __init__(self, warm: Callable[[], object] | None = None) -> None:
        self._call: tuple[Callable[..., Any], tuple[Any, ...]] | None = None
        self._process: Any = None
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, self._conn, os.getpid(), warm), daemon=True
        )
        # the child must not run the caller's handlers: they stay blocked across the fork until
        # the child has replaced them (a signal that comes meanwhile waits, then acts as set)
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
        try:
            self._process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
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
            self._process.terminate()  # before the pipe closes: a call ending now has it to send on
            self._process.join()
            self._conn.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_PR_SET_PDEATHSIG = 1
_STOPPING = {signal.SIGINT, signal.SIGTERM}
WATCH_SECONDS = 0.5


def die_with_parent() -> None:
    """In a fresh child: have Linux send it SIGKILL when its parent dies (elsewhere nothing)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _watch(parent: int) -> None:
    """The portable fallback: exit as soon as the parent is gone (the child is re-parented)."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _serve(
    conn: Connection, theirs: Connection, parent: int, warm: Callable[[], object] | None
) -> None:
    die_with_parent()
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    theirs.close()  # so that the parent's death also ends recv() with EOF
    # Ctrl-C reaches the whole process group: the caller handles it and stops this worker;
    # SIGTERM (the caller's own handler is inherited) ends it at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    if warm is not None:
        with contextlib.suppress(Exception):  # a head start only: real problems show in calls
            warm()
    while True:
        try:
            fn, args = conn.recv()
        except EOFError:
            return
        try:
            answer = (True, fn(*args))
        except Exception as exc:
            answer = (False, _picklable(exc))
        try:
            conn.send(answer)
        except OSError:  # the caller is gone or stopping: nothing to report to
            return


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
