"""One injectable clock: all time in Jinzhi goes through a ``Clock``.

The web app and CLI use ``SystemClock``; tests use ``FrozenClock``; the simulator plugs in
its virtual clock by implementing the same protocol.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FrozenClock:
    """A clock that only moves when told to (tests, replays)."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = at.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def set(self, at: dt.datetime) -> None:
        self._now = at.astimezone(dt.UTC)

    def advance(self, **delta: float) -> dt.datetime:
        self._now += dt.timedelta(**delta)
        return self._now
