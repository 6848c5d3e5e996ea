"""SQLite writers take turns through a lock file, not through SQLite's busy handler.

SQLite lets one connection write at a time. A connection that finds the write lock taken
waits in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25 … ms between tries: with
two gunicorn workers reporting events, the waiting worker mostly sleeps while the other takes
the lock again, and two workers served fewer requests than one. Here a transaction begun with
``BEGIN IMMEDIATE`` first takes an exclusive ``flock`` on ``<database>-writer``, shared by
every process and thread on the machine that opens the database through ``make_engine``; the
kernel hands it to the next writer the moment the last one commits or rolls back, and SQLite's
own lock is then free. Writers that do not take part (the ``sqlite3`` shell, a deferred
transaction that starts writing) still meet SQLite's busy timeout as before.

Every ``CHECKPOINT_EVERY`` commits of a connection, the WAL is checkpointed (its pages
copied into the database file) in the background (``core.wal_checkpoints``), instead of by
SQLite inside the commit that fills 1,000 pages: that made one request in about sixty hold
every other writer for 10–40 ms.

Where ``fcntl`` is missing (Windows) nothing changes.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from core import wal_checkpoints

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

TIMEOUT = 10.0  # seconds, as SQLite's busy_timeout
CHECKPOINT_EVERY = 200  # commits of one connection (read-only ones included)
_LONGEST_NAP = 0.0005


class WriterLockTimeout(sqlite3.OperationalError):
    """Another writer kept the database for longer than ``TIMEOUT``."""


def connection_factory(database: str) -> type[sqlite3.Connection] | None:
    """A ``sqlite3.Connection`` class whose writers queue on ``<database>-writer``, or None
    (in-memory database, or no ``fcntl``)."""
    if fcntl is None or database in ("", ":memory:") or database.startswith("file:"):
        return None
    path = str(Path(database).resolve())

    class WriterLockedConnection(_WriterLocked):
        database_path = path
        lock_path = path + "-writer"

    return WriterLockedConnection


class _WriterLocked(sqlite3.Connection):
    database_path: str
    lock_path: str
    _fd: int = -1
    _held = False
    _commits = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.execute("PRAGMA wal_autocheckpoint=0")  # see ``commit``

    def take_writer_lock(self, timeout: float | None = None) -> None:
        """Wait (up to ``timeout`` s, default ``TIMEOUT``) until no other writer holds the
        lock, then hold it."""
        if self._held:
            return
        timeout = TIMEOUT if timeout is None else timeout
        if self._fd < 0:
            self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        nap, deadline = 0.00005, None
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._held = True
                return
            except BlockingIOError:
                now = time.monotonic()
                deadline = deadline or now + timeout
                if now >= deadline:
                    raise WriterLockTimeout(
                        f"database is locked: another writer held it for over {timeout:g} s"
                    ) from None
                time.sleep(nap)
                nap = min(nap * 2, _LONGEST_NAP)

    def _release(self) -> None:
        if self._held:
            self._held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY == 0:
            wal_checkpoints.request(self.database_path)

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1


def upgrade(dbapi_connection: Any) -> None:
    """Turn the connection's read-only transaction into a writing one: take the writer lock,
    end the reads (nothing was written) and ``BEGIN IMMEDIATE`` on the same connection, so
    the caller's session goes on in one transaction as far as it can tell."""
    take(dbapi_connection)
    dbapi_connection.execute("COMMIT")
    dbapi_connection.execute("BEGIN IMMEDIATE")


def take(dbapi_connection: Any) -> None:
    """Take the writer lock on a connection made by ``connection_factory`` (else nothing)."""
    if isinstance(dbapi_connection, _WriterLocked):
        dbapi_connection.take_writer_lock()
