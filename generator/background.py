"""Run one slow, pure function in a forked process while the caller goes on (inline where fork is missing)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Background:
    """`Background(fn, *args)` starts `fn(*args)`; `.result()` waits for it and returns its value."""

    def __init__(self, fn: Callable[..., T], *args: Any) -> None:
        self._executor: ProcessPoolExecutor | None = None
        if "fork" in multiprocessing.get_all_start_methods():
            self._executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._future: Future[Any] = self._executor.submit(fn, *args)
        else:
            self._future = Future()
            self._future.set_result(fn(*args))

    def result(self) -> Any:
        """The function's return value (its exception is raised here)."""
        try:
            return self._future.result()
        finally:
            if self._executor is not None:
                self._executor.shutdown()
