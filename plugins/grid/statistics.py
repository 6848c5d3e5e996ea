"""Figures for any area, department, item, category and period — SQL aggregates only.

The events counted are those *reported* in ``[start, end)``; their state is taken as of now.
Definitions (the national measures, 数字城管考核):

- ``reported`` every report; ``registered`` 立案 (registered by the supervision centre);
  ``not_registered``; ``self_handled`` 自处 (closed on the spot by the grid worker);
  ``dispatched`` cases sent to a department or the community.
- ``closed`` 结案 cases closed (after verification, or on the spot); merged duplicates and
  reports not registered are not cases and are not counted.
- ``due_to_close`` 应结案数 cases closed, plus open cases whose close deadline has passed
  (backlogged cases 挂账 are excluded). ``close_rate`` = closed / due_to_close;
  ``on_time_close_rate`` = closed by their (possibly extended) deadline / due_to_close.
- ``rework_rate`` 返工率 and ``extension_rate`` 延期率: share of dispatched cases reworked at
  least once / extended at least once.
- ``mean_hours_to_close`` and ``p90_hours_to_close`` (nearest rank) from report to close.
- ``overdue_now``: open events past their current stage's deadline; ``open_now``.
- ``whistles``, ``whistle_calls`` (departments summoned), ``calls_on_time`` (reported in by
  the deadline), ``department_response_rate`` = calls_on_time / whistle_calls,
  ``mean_response_hours`` from whistle to report-in.

How, at millions of rows: every event carries ``stat_flags`` (the yes/no facts above) and a
log-scale ``close_bucket`` (``figures.py``). Any area is a range of community codes, so the
fixed facts are counts grouped by (community, flags, bucket), read in the order of the
covering index ``ix_grid_event_stats`` — no sorting, no per-row expressions. Facts that
depend on now (overdue, due to close) are counted over the open events alone
(``ix_grid_event_open``). The 90th percentile is found from the bucket counts, then read
exactly from that one bucket (``ix_grid_event_close_bucket``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from core.areas.codes import Level, level_of
from core.areas.models import Area
from plugins.grid import figures as flags
from plugins.grid.models import GridEvent, GridWhistle, GridWhistleCall
from plugins.grid.workflow import OPEN

E = GridEvent.__table__.c
_BUCKETS = list(range(flags.MAX_BUCKET + 1))


def community_range(col: Any, code: str) -> ColumnElement[bool]:
    """``col`` (a community code column) inside area ``code`` of any level, as a range."""
    level = level_of(code)
    if level is Level.GRID:
        return col == code[:12]
    if level is Level.COMMUNITY:
        return col == code
    prefix = code[:2] if level is Level.CITY else code
    return col.between(prefix.ljust(12, "0"), prefix.ljust(12, "9"))


def _n(cond: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _where(area_code: str, start: dt.datetime | None, end: dt.datetime | None,
           department_code: str | None, item_code: str | None,
           category: str | None) -> list[ColumnElement[bool]]:
    where = [community_range(E.community_code, area_code)]
    if level_of(area_code) is Level.GRID:
        where.append(E.grid_code == area_code)
    if start is not None:
        where.append(E.reported_at >= start)
    if end is not None:
        where.append(E.reported_at < end)
    if department_code:
        where.append(E.department_code == department_code)
    if item_code:
        where.append(E.item_code == item_code)
    if category:
        where.append(E.category == category)
    return where


def figures(session: Session, *, area_code: str, now: dt.datetime,
            start: dt.datetime | None = None, end: dt.datetime | None = None,
            department_code: str | None = None, item_code: str | None = None,
            category: str | None = None) -> dict[str, Any]:
    """Every figure of the module docstring for one selection."""
    where = _where(area_code, start, end, department_code, item_code, category)
    conn = session.connection()
    # 1. what never changes with the clock: counts per flags, grouped in index order
    totals = dict.fromkeys(flags.NAMES, 0)
    reported = 0
    for bits, n in conn.execute(select(E.stat_flags, func.count()).where(*where)
                                .group_by(E.community_code, E.stat_flags)):
        reported += n
        for name, bit in flags.NAMES.items():
            if bits & bit:
                totals[name] += n
    # time to close: count and sum per bucket (one index seek per bucket)
    buckets: dict[int, int] = {}
    seconds = 0
    for bucket, n, secs in conn.execute(select(E.close_bucket, func.count(),
                                               func.sum(E.close_seconds))
                                        .where(E.close_bucket.in_(_BUCKETS), *where)
                                        .group_by(E.close_bucket)):
        buckets[bucket] = n
        seconds += secs or 0
    # 2. what depends on now: the open events only
    open_now, overdue, open_due, backlog = conn.execute(select(
        func.count(), _n(E.due_at < now),
        _n((E.close_due <= now) & (E.status != "backlog")), _n(E.status == "backlog"),
    ).where(E.status.in_(OPEN), *where)).one()
    closed = totals["closed"]
    out: dict[str, Any] = {"reported": reported, **totals}
    out.update(
        due_to_close=closed + open_due, open_now=open_now, overdue_now=overdue,
        overdue=overdue, backlog=backlog,
        mean_hours_to_close=round(seconds / closed / 3600, 2) if closed else None,
        p90_hours_to_close=_p90(conn, where, buckets, closed),
    )
    out["close_rate"] = _rate(closed, out["due_to_close"])
    out["on_time_close_rate"] = _rate(totals["closed_on_time"], out["due_to_close"])
    out["rework_rate"] = _rate(totals["reworked"], totals["dispatched"])
    out["extension_rate"] = _rate(totals["extended"], totals["dispatched"])
    out.update(_whistle_figures(session, area_code, start, end, department_code))
    out.update(area_code=area_code, start=start, end=end, as_of=now,
               department_code=department_code, item_code=item_code, category=category)
    return out


def _p90(conn: Any, where: Sequence[ColumnElement[bool]], buckets: dict[int, int],
         closed: int) -> float | None:
    """The 90th percentile (nearest rank) of the time to close: find its bucket from the
    counts, then read only that bucket's rows."""
    if not closed:
        return None
    rank = math.ceil(0.9 * closed)
    for bucket in sorted(buckets):
        if rank <= buckets[bucket]:
            value = conn.scalar(select(E.close_seconds)
                                .where(E.close_bucket == bucket, *where)
                                .order_by(E.close_seconds).offset(rank - 1).limit(1))
            return round(value / 3600, 2) if value is not None else None
        rank -= buckets[bucket]
    return None  # pragma: no cover - the buckets add up to ``closed``


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _seconds(session: Session, later: Any, earlier: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


def _whistle_figures(session: Session, area_code: str, start: dt.datetime | None,
                     end: dt.datetime | None, department_code: str | None) -> dict[str, Any]:
    where = [community_range(GridWhistle.community_code, area_code)]
    if start is not None:
        where.append(GridWhistle.blown_at >= start)
    if end is not None:
        where.append(GridWhistle.blown_at < end)
    if department_code:
        where.append(GridWhistleCall.department_code == department_code)
    on_time = GridWhistleCall.acked_at.is_not(None) & (
        GridWhistleCall.acked_at <= GridWhistleCall.respond_by)
    acked = GridWhistleCall.acked_at.is_not(None)
    row = session.execute(
        select(func.count(func.distinct(GridWhistle.id)), func.count(GridWhistleCall.id),
               _n(on_time), _n(acked), _n(GridWhistleCall.acted_at.is_not(None)),
               func.avg(case((acked, _seconds(session, GridWhistleCall.acked_at,
                                                GridWhistle.blown_at)))))
        .join(GridWhistleCall, GridWhistleCall.whistle_id == GridWhistle.id)
        .where(*where)).one()
    whistles, calls, in_time, acked_n, acted, mean = row
    return {
        "whistles": whistles, "whistle_calls": calls, "calls_on_time": in_time,
        "calls_acked": acked_n, "calls_acted": acted,
        "department_response_rate": _rate(in_time, calls),
        "mean_response_hours": round(float(mean) / 3600, 2) if mean is not None else None,
    }


# ── the one map: per-area figures ────────────────────────────────────────────────────────


def area_figures(session: Session, *, level: Level, parent_code: str, now: dt.datetime,
                 start: dt.datetime | None = None,
                 end: dt.datetime | None = None) -> list[dict[str, Any]]:
    """events, open, overdue, closed, due_to_close, closed_on_time and the rates for each
    area at ``level`` under ``parent_code`` (zeros for areas without events)."""
    group = E.grid_code if level is Level.GRID else E.community_code
    where = _where(parent_code, start, end, None, None, None)
    conn = session.connection()
    width = {Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}[level]
    totals: dict[str, list[int]] = {}

    def add(code: str, *counts: int) -> None:
        acc = totals.setdefault(code[:width], [0] * 6)
        for i, n in enumerate(counts):
            acc[i] += int(n or 0)

    # counts per (area, flags) in index order; the bits are added up here, not per row
    for code, bits, n in conn.execute(select(group, E.stat_flags, func.count())
                                      .where(*where).group_by(group, E.stat_flags)):
        c = n if bits & flags.CLOSED else 0
        add(code, n, 0, 0, c, c, n if bits & flags.ON_TIME else 0)
    # the open events, one status at a time: each is a range of the index by status and
    # community, already in community order (no sorting)
    for status in OPEN:
        due = _n(E.close_due <= now) if status != "backlog" else literal(0)
        for code, n, late, due_n in conn.execute(select(
                group, func.count(), _n(E.due_at < now), due,
        ).where(E.status == status, *where).group_by(group)):
            add(code, 0, n, late, 0, due_n, 0)
    prefix = _prefix(parent_code)
    areas = session.execute(select(Area.code, Area.name).where(  # by the level index
        Area.level == int(level), func.substr(Area.code, 1, len(prefix)) == prefix,
    ).order_by(Area.code)).all()
    out = []
    for code, name in areas:
        events, open_, overdue, closed_n, due, on_time_n = totals.get(code, [0] * 6)
        out.append({"code": code, "name": name, "level": level.label, "events": events,
                    "open": open_, "overdue": overdue, "closed": closed_n,
                    "due_to_close": due, "closed_on_time": on_time_n,
                    "close_rate": _rate(closed_n, due),
                    "on_time_close_rate": _rate(on_time_n, due)})
    return out


def _prefix(code: str) -> str:
    return code[:2] if level_of(code) is Level.CITY else code
