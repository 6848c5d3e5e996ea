"""A synthetic event history at any scale, for benchmarks and demos (not for real data).

Events are drawn with numpy — item, grid, report time over ``days``, and an end state that
looks like a running city (mostly closed, some late, some reworked or extended, a few open or
in backlog) — and written straight into ``grid_event`` with the database driver's
``executemany``, bypassing the workflow and the audit trail. Same seed, same history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.areas.codes import Level
from core.areas.models import Area
from core.platform import Platform
from plugins.grid import figures, taxonomy
from plugins.grid.models import GridEvent
from plugins.grid.taxonomy import department_types

COLUMNS = [
    "version", "item_code", "category", "status", "lon", "lat", "grid_code", "community_code",
    "street_code", "district_code", "description", "channel", "reporter_kind", "anonymous",
    "department_code", "responsible_area_code", "reported_at", "registered_at",
    "dispatched_at", "handled_at", "closed_at", "updated_at", "close_due", "due_at", "warn_at",
    "outcome",
    "close_seconds", "closed_on_time", "self_handled", "rework_count", "return_count",
    "extension_count", "backlog", "escalation_level", "whistle_count", "stat_flags",
    "close_bucket",
]
_WALL_HOURS = {"working_hours": 3.4, "working_days": 24 * 1.4, "hours": 1.0}  # per unit


def _limit_hours(item: taxonomy.Item, stage: str) -> float:
    limit = item.limits[stage]
    return limit.value * _WALL_HOURS[limit.unit]


def generate(n: int, seed: int, grids: Sequence[str], points: np.ndarray | None,
             items: Sequence[taxonomy.Item], now: dt.datetime, days: int = 730,
             ) -> dict[str, np.ndarray]:
    """Column arrays of ``n`` events (times as numpy datetime64[us], naive UTC)."""
    rng = np.random.default_rng(seed)
    now64 = np.datetime64(now.astimezone(dt.UTC).replace(tzinfo=None), "us")
    g = rng.integers(0, len(grids), n)
    it = rng.integers(0, len(items), n)
    grid_arr = np.asarray(grids, dtype=object)[g]
    item_codes = np.array([i.code for i in items], dtype=object)
    cats = np.array([i.category for i in items], dtype=object)
    self_ok = np.array([i.self_handle for i in items])
    handle_h = np.array([_limit_hours(i, "handle") for i in items])
    verify_h = np.array([_limit_hours(i, "verify") for i in items])
    dtypes = np.array([i.department_type for i in items], dtype=object)
    age_s = rng.uniform(0, days * 86400, n)
    reported = now64 - (age_s * 1e6).astype("timedelta64[us]")
    hours = lambda h: (np.asarray(h) * 3.6e9).astype("timedelta64[us]")  # noqa: E731

    self_h = self_ok[it] & (rng.random(n) < 0.5)
    roll = rng.random(n)
    fresh = age_s < 3 * 86400  # reported in the last three days: still moving
    status = np.where(roll < 0.03, "not_registered", "closed").astype(object)
    status[(roll >= 0.03) & (roll < 0.04) & ~self_h] = "backlog"
    open_states = np.array(["reported", "registered", "dispatched", "handling", "handled",
                            "verified"], dtype=object)
    still = fresh & (rng.random(n) < 0.6) & ~self_h
    status[still] = open_states[rng.integers(0, 6, int(still.sum()))]
    stuck = ~fresh & (roll >= 0.04) & (roll < 0.10) & ~self_h  # long overdue, still open
    status[stuck] = np.array(["dispatched", "handling", "handled"], dtype=object)[
        rng.integers(0, 3, int(stuck.sum()))]
    status[self_h & (status != "not_registered")] = "closed"

    registered = reported + hours(rng.uniform(0.1, 1.5, n))
    dispatched = registered + hours(rng.uniform(0.1, 1.0, n))
    close_due = dispatched + hours(handle_h[it] + verify_h[it])
    late_factor = rng.lognormal(-0.2, 0.6, n)  # about a quarter close late
    handled = dispatched + hours(handle_h[it] * late_factor)
    closed = handled + hours(verify_h[it] * rng.uniform(0.1, 0.9, n))
    closed[self_h] = reported[self_h]
    close_due[self_h] = reported[self_h]
    is_closed = status == "closed"
    is_case = ~np.isin(status, ["reported", "registered", "not_registered"]) | self_h
    nat = np.datetime64("NaT", "us")
    out: dict[str, np.ndarray] = {
        "item_code": item_codes[it], "category": cats[it], "status": status,
        "grid_code": grid_arr,
        "reported_at": reported,
        "registered_at": np.where(~self_h & (status != "reported")
                                  & (status != "not_registered"), registered, nat),
        "dispatched_at": np.where(is_case & ~self_h, dispatched, nat),
        "handled_at": np.where(is_closed | (status == "handled") | (status == "verified"),
                               np.where(self_h, reported, handled), nat),
        "closed_at": np.where(is_closed, closed, np.where(status == "not_registered",
                                                           registered, nat)),
        "close_due": np.where(is_case, close_due, nat),
    }
    due = np.where(status == "reported", registered, np.where(
        status == "registered", dispatched, close_due))
    due = np.where(np.isin(status, ["closed", "not_registered", "backlog"]), nat, due)
    out["due_at"] = due
    out["warn_at"] = np.where(np.isnat(due), nat, due - hours(0.2 * handle_h[it]))
    secs = ((closed - reported) / np.timedelta64(1, "s")).astype(np.int64)
    out["close_seconds"] = np.where(is_closed, secs, -1)
    out["closed_on_time"] = np.where(is_closed, closed <= close_due, False)
    out["self_handled"] = self_h
    out["rework_count"] = np.where(is_case & ~self_h & (rng.random(n) < 0.06), 1, 0)
    out["extension_count"] = np.where(is_case & ~self_h & (rng.random(n) < 0.04), 1, 0)
    out["backlog"] = status == "backlog"
    case = ~np.isnat(out["close_due"]) & ~self_h
    out["stat_flags"] = (
        np.where(~np.isnat(out["registered_at"]), figures.REGISTERED, 0)
        | np.where(status == "not_registered", figures.NOT_REGISTERED, 0)
        | np.where(self_h, figures.SELF_HANDLED, 0)
        | np.where(case, figures.DISPATCHED, 0)
        | np.where(is_closed, figures.CLOSED, 0)
        | np.where(is_closed & out["closed_on_time"], figures.ON_TIME, 0)
        | np.where(case & (out["rework_count"] > 0), figures.REWORKED, 0)
        | np.where(case & (out["extension_count"] > 0), figures.EXTENDED, 0))
    out["close_bucket"] = np.where(is_closed, np.floor(
        figures.BUCKETS_PER_DOUBLING * np.log2(1 + np.maximum(secs, 0) / 60)), -1).astype(int)
    out["outcome"] = np.where(is_closed, "fixed", np.where(status == "not_registered",
                                                           "invalid", None)).astype(object)
    district = np.array([c[:6] for c in grid_arr], dtype=object)
    levels = {code: spec.get("level", "district") for code, spec in department_types().items()}
    dept = np.array([None if levels[t] != "district" else t for t in dtypes], dtype=object)[it]
    has_dept = is_case & ~self_h & (dept != None)  # noqa: E711 - elementwise
    codes = np.array([f"{d}.{t}" if ok else None
                      for d, t, ok in zip(district, dept, has_dept, strict=True)], dtype=object)
    out["department_code"] = codes  # "<district>.<type>", as the seed names them
    if points is not None:
        jitter = rng.normal(0, 0.0008, (n, 2))
        out["lon"] = points[g, 0] + jitter[:, 0]
        out["lat"] = points[g, 1] + jitter[:, 1]
    return out


def rows(cols: dict[str, np.ndarray], sqlite: bool) -> list[tuple[Any, ...]]:
    """Driver-ready rows in ``COLUMNS`` order (SQLite: timestamps as text)."""
    n = len(cols["item_code"])
    grid = cols["grid_code"]
    conv: dict[str, Any] = {}
    for name in ("reported_at", "registered_at", "dispatched_at", "handled_at", "closed_at",
                 "close_due", "due_at", "warn_at"):
        arr = cols[name]
        if sqlite:
            text = np.char.replace(np.datetime_as_string(arr, unit="us"), "T", " ")
            conv[name] = np.where(np.isnat(arr), None, text.astype(object))
        else:
            conv[name] = np.where(np.isnat(arr), None, arr.astype(object))
    secs = cols["close_seconds"]
    lon = cols.get("lon")
    lat = cols.get("lat")
    out = []
    st = cols["status"]
    for i in range(n):
        g = grid[i]
        out.append((
            1, cols["item_code"][i], cols["category"][i], st[i],
            float(lon[i]) if lon is not None else None,
            float(lat[i]) if lat is not None else None,
            g, g[:12], g[:9], g[:6], "synthetic event", "app", "grid_worker", False,
            cols["department_code"][i],
            g[:12] if cols["department_code"][i] is None and st[i] != "reported" else None,
            conv["reported_at"][i], conv["registered_at"][i], conv["dispatched_at"][i],
            conv["handled_at"][i], conv["closed_at"][i],
            conv["closed_at"][i] or conv["reported_at"][i], conv["close_due"][i],
            conv["due_at"][i], conv["warn_at"][i], cols["outcome"][i],
            int(secs[i]) if secs[i] >= 0 else None,
            bool(cols["closed_on_time"][i]) if secs[i] >= 0 else None,
            bool(cols["self_handled"][i]), int(cols["rework_count"][i]), 0,
            int(cols["extension_count"][i]), bool(cols["backlog"][i]), 0, 0,
            int(cols["stat_flags"][i]),
            int(cols["close_bucket"][i]) if cols["close_bucket"][i] >= 0 else None,
        ))
    return out


def insert_rows(session: Session, batch: list[tuple[Any, ...]]) -> None:
    sqlite = session.get_bind().dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    sql = (f"INSERT INTO {GridEvent.__tablename__} ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join([mark] * len(COLUMNS))})")
    session.connection().exec_driver_sql(sql, batch)


def bench_events(session: Session, n: int, seed: int = 1, days: int = 730,
                 chunk: int = 50_000) -> int:
    """Add ``n`` synthetic events over the grids of the database; returns ``n``."""
    platform = Platform.of(session)
    tax = taxonomy.load(platform.pm)
    grid_rows = session.execute(select(Area.code, Area.label_lon, Area.label_lat)
                                .where(Area.level == int(Level.GRID))
                                .order_by(Area.code)).all()
    grids = [r[0] for r in grid_rows]
    points = np.array([(r[1] or 0.0, r[2] or 0.0) for r in grid_rows], dtype=float)
    items = [i for i in tax.items.values() if not i.area_code]
    sqlite = session.get_bind().dialect.name == "sqlite"
    done = 0
    while done < n:
        size = min(chunk, n - done)
        cols = generate(size, seed * 1_000_003 + done, grids, points, items, platform.now(),
                        days)
        insert_rows(session, rows(cols, sqlite))
        done += size
    return n


assert set(COLUMNS) <= set(GridEvent.__table__.columns.keys())
