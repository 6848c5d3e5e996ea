"""One database session per request: opened on first use, committed when the view succeeds
(before the response leaves), rolled back on any error, closed at teardown.

On SQLite one connection writes at a time, so a writing request should hold the write lock
for as short a time as it can: the reads that only find out who is asking (the login, the API
key) go through ``reading()``, and the lock is taken at the request's first ``db()``."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from core import writer_lock
from core.db import is_sqlite
from core.platform import Platform


def platform() -> Platform:
    """The app's ``Platform`` (one per app, made in ``create_app``)."""
    return current_app.extensions["jinzhi"]


def db() -> Session:
    """The request's session, opened on first use; a writing request on SQLite starts with
    ``BEGIN IMMEDIATE``.

    A deferred SQLite transaction that reads and then writes fails at once with "database is
    locked" when another writer committed in between (WAL keeps its old snapshot). Taking the
    write lock at BEGIN makes concurrent writes take turns instead (``core.writer_lock``);
    reads (GET) never wait. Nothing changes on PostgreSQL.
    """
    session = g.get("db")
    if session is None:
        session = g.db = g.pop("db_read", None) or platform().sessions()
        if request.method not in SAFE_METHODS:
            _take_write_lock(session)
    return session


def writing() -> Session:
    """The request's session, holding the write lock from now on: for the write a reading
    request makes (the log of an API key's use)."""
    session = db()
    if not g.get("db_write_lock"):
        _take_write_lock(session)
    return session


def _take_write_lock(session: Session) -> None:
    """Hold SQLite's write lock from now on: a transaction that has only read so far is
    upgraded in place (``core.writer_lock.upgrade``), else the next one begins with
    ``BEGIN IMMEDIATE``. (A session bound to a connection, as in the tests, already runs
    inside that connection's transaction.)"""
    g.db_write_lock = True
    if not is_sqlite(session) or not isinstance(session.bind, Engine):
        return
    if session.in_transaction():
        writer_lock.upgrade(session.connection().connection.dbapi_connection)
    else:
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def reading() -> Session:
    """The request's session for reads made before its work (who is asking): it does not
    take SQLite's write lock, so other requests go on writing meanwhile. Only read with it;
    once the work has begun (``db()``) it is that session."""
    session = g.get("db") or g.get("db_read")
    if session is None:
        session = g.db_read = platform().sessions()
    return session


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def commit() -> None:
    """Commit the request's work now, before its answer is rendered (SQLite's write lock is
    then free); a later write in the request takes the lock again."""
    session = g.get("db")
    if session is None:
        return
    session.commit()
    g.pop("db_write_lock", None)


def rollback() -> None:
    """Undo the request's writes so far (a refused action, an error page)."""
    if "db" in g:
        g.db.rollback()


def _commit(response: Response) -> Response:
    session = g.get("db") or g.get("db_read")
    if session is not None and response.status_code < 500:
        session.commit()
    return response


def _close(exc: BaseException | None) -> None:
    for name in ("db", "db_read"):
        session = g.pop(name, None)
        if session is None:
            continue
        if exc is not None:
            session.rollback()
        session.close()


def init_app(app: Flask) -> None:
    app.after_request(_commit)
    app.teardown_appcontext(_close)
