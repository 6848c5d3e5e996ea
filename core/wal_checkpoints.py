"""SQLite's WAL is copied into the database file by a thread beside the work, not inside a
commit.

A checkpoint copies the pages committed to the WAL into the database file, with an fsync
of each: on a large database 20–400 ms that SQLite would otherwise spend inside whichever
commit filled 1,000 pages, delaying that request (and, while it held the write lock, every
other writer). ``core.writer_lock`` connections turn SQLite's automatic checkpoint off and
call ``request`` every few commits; one daemon thread per database and process then runs a
``PASSIVE`` checkpoint (it never waits for readers or writers, and copies what it can). The
thread starts on demand and ends after ``IDLE`` seconds without requests.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import urllib.parse

IDLE = 30.0  # seconds a checkpoint thread waits for the next request before it ends
log = logging.getLogger(__name__)
_threads: dict[str, _Checkpointer] = {}
_guard = threading.Lock()


def request(database: str) -> None:
    """Ask for a checkpoint of ``database`` (an absolute path) soon, in the background."""
    with _guard:
        worker = _threads.get(database)
        if worker is None or worker.pid != os.getpid() or not worker.is_alive():
            worker = _threads[database] = _Checkpointer(database)
            worker.start()
        worker.wanted.set()


class _Checkpointer(threading.Thread):
    def __init__(self, database: str) -> None:
        super().__init__(name=f"wal-checkpoint {os.path.basename(database)}", daemon=True)
        self.database = database
        self.wanted = threading.Event()
        self.pid = os.getpid()

    def run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while self._next():
                if conn is None:  # mode=rw: never make a database that was removed meanwhile
                    uri = f"file:{urllib.parse.quote(self.database)}?mode=rw"
                    conn = sqlite3.connect(uri, uri=True, timeout=0, check_same_thread=False)
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as e:  # the file is gone or unreadable: nothing to copy
            log.debug("checkpoint of %s stopped: %s", self.database, e)
        finally:
            with _guard:
                if _threads.get(self.database) is self:
                    del _threads[self.database]
            if conn is not None:
                conn.close()

    def _next(self) -> bool:
        """Wait for a request; False when none came for ``IDLE`` seconds."""
        if not self.wanted.wait(IDLE):
            with _guard:  # a request from now on starts a new thread
                if not self.wanted.is_set():
                    if _threads.get(self.database) is self:
                        del _threads[self.database]
                    return False
        self.wanted.clear()
        return True
