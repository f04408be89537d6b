# Vendored from generator/runtime/client/_journal.py by klinggen; edit that file, not this copy.
"""An on-disk job journal (sqlite): every submitted request id with endpoint, input and state.

A row is written the moment fal assigns the request id, before ``on_enqueue`` runs, so a
process that dies afterwards leaves enough to ``resume`` the (already paid) job. Each call
opens its own short connection, so one file may be shared by threads and processes.

The ``batch`` table keeps the jobs of ``client.batch`` by job id: a row is claimed
(``submitting``) before the submit is sent and gets its request id the moment fal assigns it, so
a later run awaits that request instead of submitting again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeAlias

JobState: TypeAlias = Literal[
    "submitted", "queued", "in_progress", "completed", "succeeded", "failed", "cancelled"
]
TERMINAL: frozenset[str] = frozenset({"succeeded", "failed", "cancelled"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    request_id  TEXT PRIMARY KEY,
    endpoint_id TEXT NOT NULL,
    input       TEXT NOT NULL,
    state       TEXT NOT NULL,
    webhook_url TEXT,
    output      TEXT,
    error       TEXT,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS batch (
    job_id      TEXT PRIMARY KEY,
    endpoint_id TEXT NOT NULL,
    input       TEXT NOT NULL,
    state       TEXT NOT NULL,
    request_id  TEXT,
    output      TEXT,
    error       TEXT,
    updated_at  REAL NOT NULL
)
"""
BatchState: TypeAlias = Literal["submitting", "submitted", "succeeded", "failed"]


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One journaled job."""

    request_id: str
    endpoint_id: str
    input: dict[str, Any]
    state: str
    webhook_url: str | None
    output: dict[str, Any] | None
    error: str | None
    created_at: float
    updated_at: float

    @property
    def done(self) -> bool:
        """Whether the job reached a terminal state (succeeded, failed or cancelled)."""
        return self.state in TERMINAL


class Journal:
    """The job journal in the sqlite file ``path`` (created on first use)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._ready = False

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30.0)) as db, db:
            if not self._ready:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
                self._ready = True
            yield db

    def record(
        self,
        request_id: str,
        endpoint_id: str,
        payload: Mapping[str, Any],
        webhook_url: str | None = None,
    ) -> None:
        """Journal a freshly submitted request (state ``submitted``)."""
        now = time.time()
        with self._db() as db:
            db.execute(
                "INSERT OR IGNORE INTO jobs VALUES (?, ?, ?, 'submitted', ?, NULL, NULL, ?, ?)",
                (request_id, endpoint_id, json.dumps(payload), webhook_url, now, now),
            )

    def update(
        self,
        request_id: str,
        state: JobState,
        *,
        output: Mapping[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        """Move a journaled request to ``state``; terminal states are never left."""
        with self._db() as db:
            db.execute(
                "UPDATE jobs SET state = ?, output = COALESCE(?, output), error = COALESCE(?, error),"
                " updated_at = ? WHERE request_id = ? AND state NOT IN (?, ?, ?)",
                (
                    state,
                    json.dumps(output) if output is not None else None,
                    error,
                    time.time(),
                    request_id,
                    *sorted(TERMINAL),
                ),
            )

    def get(self, request_id: str) -> JournalEntry | None:
        """The entry of ``request_id``, if journaled."""
        with self._db() as db:
            row = db.execute("SELECT * FROM jobs WHERE request_id = ?", (request_id,)).fetchone()
        return _entry(row) if row else None

    def entries(self, *, pending: bool = False) -> list[JournalEntry]:
        """Every entry, oldest first; only unfinished ones with ``pending=True``."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM jobs ORDER BY created_at, request_id").fetchall()
        found = [_entry(row) for row in rows]
        return [e for e in found if not e.done] if pending else found

    @contextmanager
    def batch(self) -> Iterator[BatchLog]:
        """The ``batch`` table on one connection of the calling thread, for a batch run.

        It commits with ``synchronous=NORMAL``: every write survives the process being killed
        (the point of the table); a power loss may undo the last ones."""
        with self._db():
            pass  # the schema exists
        with closing(sqlite3.connect(self.path, timeout=30.0)) as db:
            db.execute("PRAGMA synchronous=NORMAL")
            yield BatchLog(db)


class BatchLog:
    """Writes and reads of the ``batch`` table (see `Journal.batch`)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def jobs(self) -> dict[str, BatchEntry]:
        """Every batch job by job id."""
        rows = self._db.execute("SELECT * FROM batch").fetchall()
        return {row[0]: _batch_entry(row) for row in rows}

    def claim(self, job_id: str, endpoint_id: str, payload: Mapping[str, Any]) -> None:
        """Mark batch job ``job_id`` as being submitted (before the submit is sent)."""
        with self._db as db:
            db.execute(
                "INSERT INTO batch VALUES (?, ?, ?, 'submitting', NULL, NULL, NULL, ?)"
                " ON CONFLICT(job_id) DO UPDATE SET state = 'submitting', request_id = NULL,"
                " updated_at = excluded.updated_at",
                (job_id, endpoint_id, json.dumps(payload), time.time()),
            )

    def settle(
        self,
        job_id: str,
        state: BatchState,
        *,
        request_id: str | None = None,
        output: Mapping[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        """Move batch job ``job_id`` to ``state``, keeping its request id and output."""
        with self._db as db:
            db.execute(
                "UPDATE batch SET state = ?, request_id = COALESCE(?, request_id),"
                " output = COALESCE(?, output), error = ?, updated_at = ? WHERE job_id = ?",
                (
                    state,
                    request_id,
                    json.dumps(output) if output is not None else None,
                    error,
                    time.time(),
                    job_id,
                ),
            )


@dataclass(frozen=True, slots=True)
class BatchEntry:
    """One journaled batch job; ``request_id`` is None until fal assigned one."""

    job_id: str
    endpoint_id: str
    input: str
    state: str
    request_id: str | None
    output: dict[str, Any] | None
    error: str | None


def _batch_entry(row: tuple[Any, ...]) -> BatchEntry:
    job_id, endpoint, payload, state, request_id, output, error, _ = row
    loaded = json.loads(output) if output else None
    return BatchEntry(job_id, endpoint, payload, state, request_id, loaded, error)


def _entry(row: tuple[Any, ...]) -> JournalEntry:
    rid, endpoint, payload, state, webhook, output, error, created, updated = row
    return JournalEntry(
        request_id=rid,
        endpoint_id=endpoint,
        input=json.loads(payload),
        state=state,
        webhook_url=webhook,
        output=json.loads(output) if output else None,
        error=error,
        created_at=created,
        updated_at=updated,
    )
