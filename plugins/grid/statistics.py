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

Any area is a range of community codes, read from the covering index ``ix_grid_event_stats``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from core.areas.codes import Level, level_of
from core.areas.models import Area
from plugins.grid.escalation import CLOCKED
from plugins.grid.models import GridEvent, GridWhistle, GridWhistleCall
from plugins.grid.workflow import FINAL


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
    where = [community_range(GridEvent.community_code, area_code)]
    if level_of(area_code) is Level.GRID:
        where.append(GridEvent.grid_code == area_code)
    if start is not None:
        where.append(GridEvent.reported_at >= start)
    if end is not None:
        where.append(GridEvent.reported_at < end)
    if department_code:
        where.append(GridEvent.department_code == department_code)
    if item_code:
        where.append(GridEvent.item_code == item_code)
    if category:
        where.append(GridEvent.category == category)
    return where


def _due(now: dt.datetime) -> ColumnElement[bool]:
    return and_(GridEvent.close_due.is_not(None),
                (GridEvent.status == "closed")
                | ((GridEvent.status != "backlog") & (GridEvent.close_due <= now)))


def _overdue(now: dt.datetime) -> ColumnElement[bool]:
    return GridEvent.status.in_(CLOCKED) & (GridEvent.due_at < now)


def figures(session: Session, *, area_code: str, now: dt.datetime,
            start: dt.datetime | None = None, end: dt.datetime | None = None,
            department_code: str | None = None, item_code: str | None = None,
            category: str | None = None) -> dict[str, Any]:
    """Every figure of the module docstring for one selection."""
    where = _where(area_code, start, end, department_code, item_code, category)
    case_ = GridEvent.close_due.is_not(None) & GridEvent.self_handled.is_(False)
    row = session.execute(select(
        func.count().label("reported"),
        _n(GridEvent.registered_at.is_not(None)).label("registered"),
        _n(GridEvent.status == "not_registered").label("not_registered"),
        _n(GridEvent.self_handled.is_(True)).label("self_handled"),
        _n(case_).label("dispatched"),
        _n(GridEvent.close_seconds.is_not(None)).label("closed"),
        _n(_due(now)).label("due_to_close"),
        _n(GridEvent.closed_on_time.is_(True)).label("closed_on_time"),
        _n(case_ & (GridEvent.rework_count > 0)).label("reworked"),
        _n(case_ & (GridEvent.extension_count > 0)).label("extended"),
        _n(GridEvent.status == "backlog").label("backlog"),
        _n(GridEvent.status.not_in(FINAL)).label("open_now"),
        _n(_overdue(now)).label("overdue_now"),
        func.avg(GridEvent.close_seconds).label("mean_seconds"),
    ).where(*where)).one()
    out: dict[str, Any] = dict(row._mapping)
    mean = out.pop("mean_seconds")
    out["mean_hours_to_close"] = round(float(mean) / 3600, 2) if mean is not None else None
    out["p90_hours_to_close"] = _p90(session, where, out["closed"])
    out["close_rate"] = _rate(out["closed"], out["due_to_close"])
    out["on_time_close_rate"] = _rate(out["closed_on_time"], out["due_to_close"])
    out["rework_rate"] = _rate(out["reworked"], out["dispatched"])
    out["extension_rate"] = _rate(out["extended"], out["dispatched"])
    out["overdue"] = out["overdue_now"]  # the dashboards' short name
    out.update(_whistle_figures(session, area_code, start, end, department_code))
    out.update(area_code=area_code, start=start, end=end, as_of=now,
               department_code=department_code, item_code=item_code, category=category)
    return out


def _p90(session: Session, where: Sequence[ColumnElement[bool]], closed: int) -> float | None:
    if not closed:
        return None
    rank = math.ceil(0.9 * closed)  # nearest rank, 1-based
    value = session.scalar(select(GridEvent.close_seconds)
                           .where(*where, GridEvent.close_seconds.is_not(None))
                           .order_by(GridEvent.close_seconds).offset(rank - 1).limit(1))
    return round(value / 3600, 2) if value is not None else None


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
    group = GridEvent.grid_code if level is Level.GRID else GridEvent.community_code
    where = _where(parent_code, start, end, None, None, None)
    rows = session.execute(select(
        group, func.count(), _n(GridEvent.status.not_in(FINAL)), _n(_overdue(now)),
        _n(GridEvent.close_seconds.is_not(None)), _n(_due(now)),
        _n(GridEvent.closed_on_time.is_(True)),
    ).where(*where).group_by(group)).all()
    width = {Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}[level]
    totals: dict[str, list[int]] = {}
    for code, *counts in rows:
        key = code[:width]
        acc = totals.setdefault(key, [0] * 6)
        for i, n in enumerate(counts):
            acc[i] += int(n)
    areas = session.execute(select(Area.code, Area.name).where(
        Area.level == int(level), Area.code.startswith(_prefix(parent_code), autoescape=True),
    ).order_by(Area.code)).all()
    out = []
    for code, name in areas:
        events, open_, overdue, closed, due, on_time = totals.get(code, [0] * 6)
        out.append({"code": code, "name": name, "level": level.label, "events": events,
                    "open": open_, "overdue": overdue, "closed": closed,
                    "due_to_close": due, "closed_on_time": on_time,
                    "close_rate": _rate(closed, due), "on_time_close_rate": _rate(on_time, due)})
    return out


def _prefix(code: str) -> str:
    return code[:2] if level_of(code) is Level.CITY else code
