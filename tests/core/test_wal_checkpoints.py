"""The background WAL checkpoint (SQLite only): it copies the WAL, ends when idle and never
brings back a database file that was removed."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from core import wal_checkpoints


def _until(condition, wait: float = 10.0) -> bool:
    deadline = time.monotonic() + wait
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_a_request_checkpoints_and_the_thread_ends_when_idle(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(wal_checkpoints, "IDLE", 0.2)
    path = str(tmp_path / "c.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE t (x)")
    db.execute("INSERT INTO t VALUES (1)")
    assert not _in_the_file_alone(path, tmp_path)  # only in the WAL so far
    wal_checkpoints.request(path)
    assert _until(lambda: _in_the_file_alone(path, tmp_path))
    assert _until(lambda: path not in wal_checkpoints._threads)
    db.close()


def _in_the_file_alone(path: str, tmp_path: Path) -> bool:
    """Whether a copy of the database file without its WAL has the table."""
    shutil.copy(path, tmp_path / "alone.sqlite")
    alone = sqlite3.connect(tmp_path / "alone.sqlite")
    try:
        return bool(alone.execute("SELECT count(*) FROM sqlite_master WHERE name = 't'")
                    .fetchone()[0])
    finally:
        alone.close()


def test_a_removed_database_is_not_made_again(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(wal_checkpoints, "IDLE", 0.2)
    path = str(tmp_path / "gone.sqlite")
    wal_checkpoints.request(path)
    assert _until(lambda: path not in wal_checkpoints._threads)
    assert not Path(path).exists()
