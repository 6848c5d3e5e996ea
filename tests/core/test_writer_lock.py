"""SQLite writers take turns through ``core.writer_lock`` (SQLite only: PostgreSQL has row
locks and needs none of this)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from core import writer_lock
from core.db import make_engine

IMMEDIATE = {"sqlite_begin": "IMMEDIATE"}


@pytest.fixture
def engine(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (who TEXT)"))
    yield engine
    engine.dispose()


def test_a_second_writer_waits_for_the_first_to_commit_and_both_rows_are_kept(engine):
    first = engine.connect().execution_options(**IMMEDIATE)
    first.begin()
    first.execute(text("INSERT INTO t VALUES ('first')"))
    order: list[str] = []
    began = threading.Event()

    def second() -> None:
        with engine.connect().execution_options(**IMMEDIATE) as conn, conn.begin():
            began.set()
            order.append("second writes")
            conn.execute(text("INSERT INTO t VALUES ('second')"))

    thread = threading.Thread(target=second)
    thread.start()
    assert not began.wait(0.3), "the second writer began while the first held the lock"
    order.append("first commits")
    first.commit()
    first.close()
    thread.join(10)
    assert order == ["first commits", "second writes"]
    with engine.connect() as conn:
        assert sorted(conn.scalars(text("SELECT who FROM t"))) == ["first", "second"]


def test_a_rollback_or_a_closed_connection_hands_the_lock_on(engine):
    for finish in ("rollback", "close"):
        conn = engine.connect().execution_options(**IMMEDIATE)
        conn.begin()
        conn.execute(text("INSERT INTO t VALUES ('gone')"))
        getattr(conn, finish)()
        if finish == "rollback":
            conn.close()
        with engine.connect().execution_options(**IMMEDIATE) as other, other.begin():
            other.execute(text("INSERT INTO t VALUES ('kept')"))
    with engine.connect() as conn:
        assert list(conn.scalars(text("SELECT who FROM t"))) == ["kept", "kept"]


def test_a_writer_that_keeps_the_lock_too_long_gives_database_is_locked(engine, monkeypatch):
    monkeypatch.setattr(writer_lock, "TIMEOUT", 0.2)
    holder = engine.connect().execution_options(**IMMEDIATE)
    holder.begin()
    try:
        with (pytest.raises(Exception, match="database is locked"),
              engine.connect().execution_options(**IMMEDIATE) as conn, conn.begin()):
            pass
    finally:
        holder.rollback()
        holder.close()


def test_readers_do_not_wait_for_a_writer(engine):
    writer = engine.connect().execution_options(**IMMEDIATE)
    writer.begin()
    writer.execute(text("INSERT INTO t VALUES ('pending')"))
    try:
        with engine.connect() as reader:  # a deferred read: WAL lets it through at once
            assert reader.scalar(text("SELECT count(*) FROM t")) == 0
    finally:
        writer.commit()
        writer.close()


def test_no_lock_file_for_an_in_memory_database():
    assert writer_lock.connection_factory(":memory:") is None
    assert writer_lock.connection_factory("") is None


def test_the_wal_is_copied_into_the_database_every_few_commits(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(writer_lock, "CHECKPOINT_EVERY", 4)
    with engine.connect() as conn:
        for i in range(9):
            with conn.begin():
                conn.execute(text("INSERT INTO t VALUES (:i)"), {"i": str(i)})
        # the database file alone, without its WAL, soon holds the checkpointed rows
        assert _rows_in_the_file_alone(engine.url.database, tmp_path) >= 4


def _rows_in_the_file_alone(database: str, tmp_path: Path, wait: float = 10.0) -> int:
    """Rows of ``t`` in a copy of the database file without its WAL, once there are any
    (the checkpoint runs in a background thread)."""
    deadline = time.monotonic() + wait
    while True:
        shutil.copy(database, tmp_path / "alone.sqlite")
        alone = sqlite3.connect(tmp_path / "alone.sqlite")
        try:
            found = alone.execute("SELECT count(*) FROM t").fetchone()[0]
        except sqlite3.OperationalError:  # not even the table is in the file yet
            found = 0
        finally:
            alone.close()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)
