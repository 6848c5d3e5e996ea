"""The ``Platform``: config, plugin manager, database, clock and calendar of one running Jinzhi.

The web app, the CLI and each simulation run build one. Functions that take a ``Session`` find
it with ``Platform.of(session)`` — sessions made by a platform carry it in ``session.info``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pluggy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

import core.models  # noqa: F401  - registers the core tables
from core.calendar import WorkingCalendar
from core.clock import Clock, SystemClock
from core.config import Config
from core.contracts import DomainEvent
from core.db import make_engine, make_session_factory, session_scope
from core.plugins import make_plugin_manager

log = logging.getLogger(__name__)

_PENDING = "jinzhi.pending_events"
_PLATFORM = "jinzhi.platform"


def pending_events(session: Session) -> list[DomainEvent]:
    """The domain events published in ``session`` that wait for its commit, oldest first."""
    return [ev for _, ev in session.info.get(_PENDING, ())]


def _inside(transaction: Any, outer: Any) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


@dataclass
class HookFailure:
    hook: str
    plugin: str
    event: DomainEvent
    error: str


class Platform:
    """Everything one running Jinzhi needs, built once and passed down."""

    def __init__(
        self,
        config: Config,
        pm: pluggy.PluginManager | None = None,
        engine: Engine | None = None,
        clock: Clock | None = None,
        calendar: WorkingCalendar | None = None,
        extra_plugins: Iterable[object] = (),
    ) -> None:
        self.config = config
        self.pm = pm or make_plugin_manager(config.disabled_plugins, extra=extra_plugins)
        self.engine = engine or make_engine(config.database_url)
        self.clock: Clock = clock or SystemClock()
        self.calendar = calendar or WorkingCalendar.load()
        self.hook_failures: list[HookFailure] = []
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)
        self.sessions.configure(info={_PLATFORM: self})
        event.listen(self.sessions, "after_commit", self._after_commit)
        event.listen(self.sessions, "after_soft_rollback", self._after_rollback)

    @classmethod
    def of(cls, session: Session) -> Platform:
        try:
            return session.info[_PLATFORM]
        except KeyError:
            raise RuntimeError("this session was not made by a Platform") from None

    @property
    def hook(self) -> Any:
        return self.pm.hook

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commit on success (then broadcast events), roll back on error."""
        with session_scope(self.sessions) as s:
            yield s

    def now(self) -> Any:
        return self.clock.now()

    # ── domain events ──────────────────────────────────────────────────────────────────
    def publish(self, session: Session, event_: DomainEvent) -> None:
        """Queue a domain event; it is broadcast after the session commits, dropped on rollback
        (of the whole transaction, or of the SAVEPOINT it was published in)."""
        where = session.get_nested_transaction() or session.get_transaction()
        session.info.setdefault(_PENDING, []).append((where, event_))

    def _after_rollback(self, session: Session, previous_transaction: Any) -> None:
        if previous_transaction.parent is None:
            session.info.pop(_PENDING, None)
        elif session.info.get(_PENDING):
            session.info[_PENDING] = [(where, ev) for where, ev in session.info[_PENDING]
                                      if not _inside(where, previous_transaction)]

    def _after_commit(self, session: Session) -> None:
        if session.in_nested_transaction():  # a SAVEPOINT released: wait for the real commit
            return
        for _, ev in session.info.pop(_PENDING, []):
            self.broadcast(ev)

    def broadcast(self, ev: DomainEvent) -> None:
        """Call every ``events_published`` implementation in isolation."""
        for impl in self.pm.hook.events_published.get_hookimpls():
            kwargs: dict[str, Any] = {"event": ev}
            if "platform" in impl.argnames:
                kwargs["platform"] = self
            try:
                impl.function(**kwargs)
            except Exception as e:
                log.exception("plugin %s failed on %s", impl.plugin_name, ev.name)
                self.hook_failures.append(
                    HookFailure("events_published", impl.plugin_name, ev, repr(e))
                )

    @cached_property
    def tz(self) -> Any:
        return self.calendar.tz
