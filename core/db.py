"""Storage: one declarative base, one naming convention, one engine and session factory.

Functions that work on data take a ``Session`` and never commit; the web request, the CLI
command or the simulator owns the transaction (see ``session_scope``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import MetaData, create_engine, event, exc, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from core import writer_lock
from core.errors import ConfigurationError

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Base(DeclarativeBase):
    metadata = metadata


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the pysqlite driver, start transactions (see ``_sqlite_begin``):
    # the driver's own handling breaks SAVEPOINTs (releasing the first one committed).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # The execution option ``sqlite_begin="IMMEDIATE"`` takes the write lock at BEGIN: a unit
    # of work that reads before it writes then waits its turn instead of failing with
    # "database is locked" when another writer got in between. Writers queue on a lock file
    # first (``core.writer_lock``), so SQLite's sleeping busy handler rarely has to wait.
    if conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE":
        writer_lock.take(conn.connection.dbapi_connection)
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite gets WAL, NORMAL sync, foreign keys, busy timeout."""
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (exc.ArgumentError, exc.NoSuchModuleError) as e:
        raise ConfigurationError(
            f"database URL {url!r} is not valid ({e}); use sqlite:///path or "
            "postgresql://user@host/db"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        connect_args = {"check_same_thread": False, "timeout": writer_lock.TIMEOUT}
        factory = writer_lock.connection_factory(parsed.database or "")
        if factory is not None:
            connect_args["factory"] = factory
        kwargs.setdefault("connect_args", connect_args)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(False))
    kwargs.setdefault("pool_pre_ping", True)
    try:
        return create_engine(url, **kwargs)
    except ModuleNotFoundError as e:
        raise ConfigurationError(
            f"no driver for {parsed.get_backend_name()}: install jinzhi[postgres] ({e.name})"
        ) from None


def check_connection(engine: Engine) -> None:
    """Raise ``ConfigurationError`` with a one-line reason if the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except exc.OperationalError as e:
        reason = str(e.orig).strip().splitlines()[0] if e.orig else str(e)
        raise ConfigurationError(
            f"cannot reach database {engine.url.render_as_string(hide_password=True)}: {reason}"
        ) from None


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error, always close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_sqlite(session_or_engine: Session | Engine) -> bool:
    if isinstance(session_or_engine, Session):
        return session_or_engine.get_bind().dialect.name == "sqlite"
    return session_or_engine.dialect.name == "sqlite"
