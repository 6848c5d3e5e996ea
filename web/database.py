"""One database session per request: opened on first use, committed when the view succeeds
(before the response leaves), rolled back on any error, closed at teardown."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request
from sqlalchemy.orm import Session

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
    write lock at BEGIN makes concurrent writes queue on ``busy_timeout`` instead; reads (GET)
    never wait. Nothing changes on PostgreSQL.
    """
    if "db" not in g:
        g.db = platform().sessions()
        if request.method not in _SAFE and is_sqlite(g.db):
            g.db.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    return g.db


_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def rollback() -> None:
    """Undo the request's writes so far (a refused action, an error page)."""
    if "db" in g:
        g.db.rollback()


def _commit(response: Response) -> Response:
    session = g.get("db")
    if session is not None and response.status_code < 500:
        session.commit()
    return response


def _close(exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is None:
        return
    if exc is not None:
        session.rollback()
    session.close()


def init_app(app: Flask) -> None:
    app.after_request(_commit)
    app.teardown_appcontext(_close)
